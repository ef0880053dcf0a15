"""The batch/v1 Job of a Woken job, and the Kubernetes settings in the configuration."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from woken.backends.base import JobSpec
from woken.backends.kubernetes_manifest import job_manifest, job_name, label_value
from woken.config import load_config
from woken.config.kubernetes import KubernetesSettings
from woken.errors import BackendError

ROOT = Path("/srv/woken/volumes")


def spec(**changes) -> JobSpec:
    base = JobSpec(
        job_id="0b7d8a3e-7d9e-4c1e-9b7a-3f2e1d0c9b8a", algorithm="knn",
        docker_image="hbpmip/python-knn:0.4.0", entrypoint=Path("/x"), command="train",
        volume=ROOT / "v1", environment={"JOB_ID": "j", "NODE": "n"}, timeout_s=90.5,
    )
    return replace(base, **changes)


def manifest(**changes) -> dict:
    settings = KubernetesSettings(volumes_dir=ROOT, node="node1", claim_volumes_dir="woken")
    return job_manifest(spec(**changes), settings)


def test_the_job_runs_the_image_with_the_command_environment_and_its_volume() -> None:
    job = manifest()
    pod = job["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert job["metadata"]["name"] == "woken-0b7d8a3e-7d9e-4c1e-9b7a-3f2e1d0c9b8a"
    assert container["image"] == "hbpmip/python-knn:0.4.0" and container["args"] == ["train"]
    assert {"name": "JOB_VOLUME", "value": "/data"} in container["env"]
    assert container["volumeMounts"] == [{"name": "volume", "mountPath": "/data",
                                          "subPath": "woken/v1"}]
    assert pod["volumes"][0]["persistentVolumeClaim"] == {"claimName": "woken-volumes"}
    assert pod["restartPolicy"] == "Never" and pod["automountServiceAccountToken"] is False


def test_no_retry_a_deadline_and_no_ttl_until_the_logs_are_read() -> None:
    job = manifest()
    assert job["spec"]["backoffLimit"] == 0
    assert job["spec"]["activeDeadlineSeconds"] == 91
    assert "ttlSecondsAfterFinished" not in job["spec"]


def test_resources_are_requests_and_equal_limits_with_defaults() -> None:
    given = manifest(resources={"cpus": 2, "mem": 1536.5})
    default = manifest()
    resources = given["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert resources == {"requests": {"cpu": "2000m", "memory": "1537Mi"},
                         "limits": {"cpu": "2000m", "memory": "1537Mi"}}
    assert default["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] == {
        "cpu": "500m", "memory": "512Mi"}


def test_a_pinned_job_selects_the_node_of_its_train() -> None:
    assert manifest(pin_to_host="node-b")["spec"]["template"]["spec"]["nodeSelector"] == {
        "kubernetes.io/hostname": "node-b"}
    assert "nodeSelector" not in manifest()["spec"]["template"]["spec"]


def test_labels_find_the_jobs_of_one_woken_node_and_one_job() -> None:
    job = manifest()
    labels = job["metadata"]["labels"]
    assert labels == job["spec"]["template"]["metadata"]["labels"]
    assert labels["app.kubernetes.io/managed-by"] == "woken"
    assert labels["woken.io/node"] == "node1"
    assert labels["woken.io/job"] == job["metadata"]["name"]
    assert job["metadata"]["annotations"]["woken.io/job-id"] == spec().job_id


@pytest.mark.parametrize("job_id", ["J_1", "x" * 80, "a/b", "--", str(uuid.uuid4())])
def test_job_names_are_dns_labels_distinct_for_distinct_ids(job_id: str) -> None:
    name = job_name(job_id)
    assert len(name) <= 52 and name == name.lower() and name.startswith("woken")
    assert job_name(job_id) != job_name(job_id + "x")
    assert len(label_value("x" * 80)) <= 63


def test_a_volume_outside_the_root_is_refused() -> None:
    with pytest.raises(BackendError, match="not under"):
        manifest(volume=Path("/elsewhere/v1"))


def test_the_settings_come_from_the_backend_section_and_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "woken.toml"
    path.write_text('[backend]\nname = "kubernetes"\n[backend.kubernetes]\n'
                    'namespace = "mip"\ncpus = 1.5\n')
    config = load_config(path, environ={"WOKEN_KUBERNETES_VOLUMES_CLAIM": "shared"})
    assert config.backend == "kubernetes"
    assert config.kubernetes.namespace == "mip" and config.kubernetes.cpus == 1.5
    assert config.kubernetes.volumes_claim == "shared"
