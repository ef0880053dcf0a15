"""Jobs, waits and checks shared by the Chronos backend tests (every wait is bounded)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from tests.support.chronos_double import ChronosDouble
from tests.support.woken_app import TEST_ALGORITHMS
from woken.backends.base import JobSpec, JobStatus
from woken.backends.chronos import ChronosBackend
from woken.config.chronos import ChronosSettings

IMAGES = {
    "woken-test/envdump:0": Path(__file__).parent / "images" / "envdump.sh",
    **{f"woken-test/{name}:0": TEST_ALGORITHMS / name / "entrypoint.sh"
       for name in ("crasher", "sleeper", "silent")},
}
# Every wait of these tests is bounded by this (a test fails, never hangs).
WAIT_LIMIT_S = 30.0


def settings_for(double: ChronosDouble, **changes) -> ChronosSettings:
    return ChronosSettings(**{
        "url": double.url, "request_timeout_s": 1.0, "retries": 2, "retry_backoff_s": 0.05,
        "submit_interval_s": 0.01, "unseen_timeout_s": 1.0, "status_min_interval_s": 0.0,
        "mesos_work_dir": str(double.work_dir), **changes,
    })


def spec(tmp_path: Path, image: str = "silent", timeout_s: float = 30.0, **changes) -> JobSpec:
    job_id = str(uuid.uuid4())
    volume = tmp_path / "volumes" / job_id
    volume.mkdir(parents=True)
    fields = {
        "job_id": job_id, "algorithm": image, "docker_image": f"woken-test/{image}:0",
        "entrypoint": Path("/unused"), "command": "compute", "volume": volume,
        "environment": {"JOB_ID": job_id, "JOB_VOLUME": str(volume)}, "timeout_s": timeout_s,
        **changes,
    }
    return JobSpec(**fields)


def run_to_end(backend: ChronosBackend, job_id: str) -> JobStatus:
    """Poll as the coordinator does until the job ends; fails the test past WAIT_LIMIT_S."""
    deadline = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < deadline:
        status = backend.status(job_id)
        if status.is_terminal:
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end within {WAIT_LIMIT_S} s")


def wait_for_state(backend: ChronosBackend, job_id: str, state: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < deadline:
        if backend.status(job_id).state.value == state:
            return
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached {state}")


def nothing_left(double: ChronosDouble) -> bool:
    """No job on Chronos and no process running: what every test ends with."""
    return double.wait_until(
        lambda: not double.job_names() and not double.running_processes(), WAIT_LIMIT_S
    )
