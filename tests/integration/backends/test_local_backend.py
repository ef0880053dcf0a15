"""The local backend with real processes: exit codes, stderr, timeouts, the concurrency bound.

Every test runs with both launchers. These algorithms are shell scripts, which the
fork launcher cannot fork: they show that it execs them, with the same behaviour
(``test_fork_launcher.py`` runs Python algorithms through both launchers).
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from woken.backends.base import JobSpec, JobStatus
from woken.backends.local import LocalBackend
from woken.states import JobState

WAIT_S = 20


def script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name / "entrypoint.sh"
    path.parent.mkdir()
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def spec(tmp_path: Path, entrypoint: Path, job_id: str, timeout_s: float = 30) -> JobSpec:
    volume = tmp_path / f"volume-{job_id}"
    volume.mkdir()
    return JobSpec(
        job_id=job_id, algorithm=entrypoint.parent.name, docker_image="test/image:1",
        entrypoint=entrypoint, command="compute", volume=volume,
        environment={"JOB_ID": job_id, "PARAM_variables": "a,b"}, timeout_s=timeout_s,
    )


def is_alive(pid: int) -> bool:
    """True if the process runs; a zombie (killed, not yet reaped by init) is not alive."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        # Gone before the open, or reaped between the open and the read (ESRCH).
        return False
    return fields[0] != "Z"


def wait_for_end(backend: LocalBackend, job_id: str) -> JobStatus:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        status = backend.status(job_id)
        if status.is_terminal:
            return status
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not end within {WAIT_S} s")


@pytest.fixture(params=["exec", "fork"])
def backend(request: pytest.FixtureRequest, tmp_path: Path):
    local = LocalBackend(tmp_path / "logs", max_concurrent=1, launcher=request.param)
    yield local
    local.close()


def test_job_gets_command_environment_and_volume(backend: LocalBackend, tmp_path: Path) -> None:
    entry = script(tmp_path, "env", 'echo "$1 $JOB_ID $PARAM_variables $JOB_VOLUME $(pwd)" > out\n')
    job = spec(tmp_path, entry, "j1")
    backend.submit(job)
    assert wait_for_end(backend, "j1").state is JobState.SUCCEEDED
    words = (job.volume / "out").read_text().split()
    assert words == ["compute", "j1", "a,b", str(job.volume), str(job.volume)]
    # Not a Python package under the fork server's algorithms folder: exec'd, whatever the launcher.
    assert backend.launcher_of("j1") == "exec"


def test_exit_code_and_stderr_tail_are_reported(backend: LocalBackend, tmp_path: Path) -> None:
    entry = script(tmp_path, "crash", 'echo "something broke: bad column" >&2\nexit 3\n')
    backend.submit(spec(tmp_path, entry, "j2"))
    status = wait_for_end(backend, "j2")
    assert (status.state, status.exit_code) == (JobState.FAILED, 3)
    assert "something broke: bad column" in backend.logs("j2")


def test_a_job_past_its_timeout_is_killed_with_its_children(
    backend: LocalBackend, tmp_path: Path
) -> None:
    # The child ignores SIGTERM and must still go (SIGKILL after the grace period).
    entry = script(tmp_path, "hang", "trap '' TERM\nsleep 300 &\necho $! > child.pid\nwait\n")
    job = spec(tmp_path, entry, "j3", timeout_s=0.5)
    started = time.monotonic()
    backend.submit(job)
    status = wait_for_end(backend, "j3")
    assert status.state is JobState.TIMED_OUT
    assert "timeout of 0.5 s" in status.message
    assert time.monotonic() - started < WAIT_S
    child = int((job.volume / "child.pid").read_text())
    time.sleep(0.2)
    assert not is_alive(child)


def test_concurrency_is_bounded(backend: LocalBackend, tmp_path: Path) -> None:
    entry = script(tmp_path, "slow", "sleep 0.5\n")
    backend.submit(spec(tmp_path, entry, "first"))
    backend.submit(spec(tmp_path, entry, "second"))
    time.sleep(0.2)
    assert backend.status("first").state is JobState.RUNNING
    assert backend.status("second").state is JobState.QUEUED
    assert backend.status("second").runtime_s is None
    second = wait_for_end(backend, "second")
    assert second.state is JobState.SUCCEEDED
    # Its run time, not counting the time it waited for the first one.
    assert second.runtime_s is not None and 0.5 <= second.runtime_s < 3


def test_cancel_queued_and_running_jobs(backend: LocalBackend, tmp_path: Path) -> None:
    entry = script(tmp_path, "long", "sleep 60\n")
    backend.submit(spec(tmp_path, entry, "running"))
    backend.submit(spec(tmp_path, entry, "queued"))
    time.sleep(0.2)
    backend.cancel("queued")
    backend.cancel("running")
    assert wait_for_end(backend, "queued").state is JobState.CANCELLED
    assert wait_for_end(backend, "running").state is JobState.CANCELLED


def test_unknown_job_is_lost(backend: LocalBackend) -> None:
    assert backend.status("nope").state is JobState.LOST


def test_the_backend_tells_of_a_job_starting_and_ending(
    backend: LocalBackend, tmp_path: Path
) -> None:
    entry = script(tmp_path, "quick", "sleep 0.2\n")
    calls: list[float] = []
    backend.submit(spec(tmp_path, entry, "told"), on_change=lambda: calls.append(time.monotonic()))
    assert wait_for_end(backend, "told").state is JobState.SUCCEEDED
    assert len(calls) == 2  # started, then ended
    assert calls[1] - calls[0] >= 0.2
