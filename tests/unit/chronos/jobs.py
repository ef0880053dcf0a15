"""The jobs of the golden tests: a compute job, and the train and test jobs of one pair."""

from __future__ import annotations

from pathlib import Path

from woken.backends.base import JobSpec
from woken.backends.chronos import ChronosBackend
from woken.config.chronos import ChronosSettings

VOLUMES = Path("/var/lib/woken/volumes")
COMPUTE_ID = "3f2c9d1e-0b7a-4c36-9d55-8a1f0e6b2c47"
PAIR_VOLUME = "a81e5f30-6c2d-4e8b-b4f1-2d9c7e0a5b13"
TRAIN_ID = "5b0e7a92-1f4c-4d38-8e6a-c3b2d1f0e9a8"
TEST_ID = "c7d4e1f0-9a8b-4c2d-b1e0-f3a2d5c6b7e8"

SETTINGS = ChronosSettings(
    url="http://chronos:4400", volumes_dir=VOLUMES, host_volumes_dir="/srv/woken/volumes",
    docker_network="woken-bridge", owner="woken@example.org",
)


def environment(job_id: str, image: str) -> dict[str, str]:
    return {
        "JOB_ID": job_id, "NODE": "federation-a", "DOCKER_IMAGE": image,
        "JOB_VOLUME": str(VOLUMES / job_id),  # the host path: the backend says /data instead
        "PARAM_variables": "cognitive_task2", "PARAM_covariables": "score_test1,iq_band",
        "PARAM_grouping": "", "PARAM_meta": '{"cognitive_task2": {"type": "real"}}',
        "MODEL_PARAM_k": "5", "PARAM_MODEL_k": "5",
    }


def compute_spec() -> JobSpec:
    image = "woken/knn:0.1.0"
    return JobSpec(
        job_id=COMPUTE_ID, algorithm="knn", docker_image=image,
        entrypoint=Path("/app/algorithms/knn/entrypoint.sh"), command="compute",
        volume=VOLUMES / COMPUTE_ID, environment=environment(COMPUTE_ID, image), timeout_s=600,
        resources={"cpus": 1.0, "mem": 1024},
    )


def pair_specs() -> tuple[JobSpec, JobSpec]:
    image = "woken/tpot:0.1.0"
    train = JobSpec(
        job_id=TRAIN_ID, algorithm="tpot", docker_image=image,
        entrypoint=Path("/app/algorithms/tpot/entrypoint.sh"), command="train",
        volume=VOLUMES / PAIR_VOLUME, environment=environment(TRAIN_ID, image), timeout_s=3600,
        resources={"cpus": 2.0, "mem": 4096, "disk": 1024},
    )
    test = JobSpec(
        job_id=TEST_ID, algorithm="tpot", docker_image=image,
        entrypoint=train.entrypoint, command="test", volume=train.volume,
        environment=environment(TEST_ID, image), timeout_s=600, resources=train.resources,
        pin_to_host="agent-3.example.org",
    )
    return train, test


def backend() -> ChronosBackend:
    return ChronosBackend(SETTINGS)
