"""The Chronos backend against the Chronos test double: jobs run, end, and leave nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.integration.chronos.helpers import (
    nothing_left,
    run_to_end,
    settings_for,
    spec,
    wait_for_state,
)
from tests.support.chronos_double import ChronosDouble
from woken.backends.chronos import ChronosBackend
from woken.chronos.model import ApiVersion, job_name
from woken.errors import BackendError
from woken.states import JobState


def test_a_job_gets_its_environment_command_and_volume(backend, double, tmp_path) -> None:
    job = spec(tmp_path, "envdump")
    backend.submit(job)
    status = run_to_end(backend, job.job_id)
    assert status.state is JobState.SUCCEEDED and status.exit_code == 0
    seen = dict(line.split("=", 1) for line in
                (job.volume / "env.txt").read_text().splitlines() if "=" in line)
    # The container was told /data; the double's bind mount makes that the job's volume.
    assert seen["JOB_VOLUME"] == str(job.volume)
    assert seen["JOB_ID"] == job.job_id
    assert seen["CHRONOS_JOB_NAME"] == job_name("envdump", job.job_id)
    assert seen["HOST"] == double.hostname
    assert (job.volume / "cwd.txt").read_text().splitlines() == [str(job.volume),
                                                                 "command: compute"]
    assert double.posted[0]["environmentVariables"][1] == {"name": "JOB_VOLUME",
                                                           "value": "/data"}
    assert nothing_left(double)


def test_a_failed_job_is_reported_with_the_stderr_of_its_sandbox(backend, double,
                                                                  tmp_path) -> None:
    job = spec(tmp_path, "crasher")
    backend.submit(job)
    status = run_to_end(backend, job.job_id)
    assert status.state is JobState.FAILED
    assert "Chronos reports the job failed" in status.message
    assert "does not report exit codes" in status.message
    assert "impossible value" in backend.logs(job.job_id)
    assert nothing_left(double)
    # The final state is remembered after the job was deleted from Chronos.
    assert backend.status(job.job_id).state is JobState.FAILED


def test_without_a_readable_sandbox_logs_say_where_the_stderr_is(double, tmp_path) -> None:
    backend = ChronosBackend(settings_for(double, mesos_work_dir=""))
    job = spec(tmp_path, "crasher")
    backend.submit(job)
    run_to_end(backend, job.job_id)
    logs = backend.logs(job.job_id)
    assert "Mesos sandbox" in logs and job_name("crasher", job.job_id) in logs
    backend.close()
    assert nothing_left(double)


def test_a_job_past_its_timeout_is_killed_and_deleted(backend, double, tmp_path) -> None:
    job = spec(tmp_path, "sleeper", timeout_s=1.0)
    backend.submit(job)
    status = run_to_end(backend, job.job_id)
    assert status.state is JobState.TIMED_OUT
    assert "timeout of 1 s" in status.message
    assert "thinking..." in backend.logs(job.job_id)
    assert nothing_left(double)


def test_cancel_kills_the_running_task_and_deletes_the_job(backend, double, tmp_path) -> None:
    job = spec(tmp_path, "sleeper")
    backend.submit(job)
    wait_for_state(backend, job.job_id, "running")
    assert double.wait_until(lambda: double.running_processes() == 1)
    backend.cancel(job.job_id)
    assert backend.status(job.job_id).state is JobState.CANCELLED
    assert ("DELETE", f"/v1/scheduler/task/kill/{job_name('sleeper', job.job_id)}") \
        in double.requests
    assert nothing_left(double)


def test_a_job_pinned_to_another_host_waits_and_one_pinned_here_runs(backend, double,
                                                                     tmp_path) -> None:
    elsewhere = spec(tmp_path, "silent", pin_to_host="agent-2")
    here = spec(tmp_path, "silent", pin_to_host=double.hostname)
    backend.submit(elsewhere)
    backend.submit(here)
    assert run_to_end(backend, here.job_id).state is JobState.SUCCEEDED
    # The other one got no offer from a matching agent: still queued on Chronos.
    assert backend.status(elsewhere.job_id).state is JobState.QUEUED
    assert double.job_names() == [job_name("silent", elsewhere.job_id)]
    assert double.jobs[job_name("silent", elsewhere.job_id)]["constraints"] == [
        ["hostname", "EQUALS", "agent-2"]]
    backend.cancel(elsewhere.job_id)
    assert nothing_left(double)


def test_an_invalid_job_is_refused_before_anything_is_posted(backend, double,
                                                             tmp_path) -> None:
    job = spec(tmp_path, "silent", docker_image="woken-test/silent")  # no tag
    with pytest.raises(BackendError, match="pinned"):
        backend.submit(job)
    assert not [r for r in double.requests if r[0] == "POST"]
    assert backend.status(job.job_id).state is JobState.LOST


def test_status_finds_the_job_by_exact_name_among_substring_matches(backend, double,
                                                                    tmp_path) -> None:
    job = spec(tmp_path, "sleeper")
    name = job_name("sleeper", job.job_id)
    # Twelve other jobs contain the name: Chronos's search returns them (and only ten).
    for n in range(12):
        decoy = {"name": f"{name}_copy{n}", "command": "compute", "shell": False,
                 "retries": 0, "schedule": "R1//PT1M", "disabled": True,
                 "container": {"type": "DOCKER", "image": "woken-test/unknown:0"}}
        assert requests.post(f"{double.url}/v1/scheduler/iso8601", json=decoy,
                             timeout=5).status_code == 204
    backend.submit(job)
    wait_for_state(backend, job.job_id, "running")
    backend.cancel(job.job_id)
    assert backend.status(job.job_id).state is JobState.CANCELLED
    assert len(double.job_names()) == 12 and name not in double.job_names()


def test_chronos_api_2_5_is_spoken_on_its_own_prefix(tmp_path: Path) -> None:
    from tests.integration.chronos.helpers import IMAGES

    with ChronosDouble(IMAGES, tmp_path / "mesos", prefix="/scheduler") as old:
        backend = ChronosBackend(settings_for(old, api_version=ApiVersion.V2_5))
        job = spec(tmp_path, "silent")
        backend.submit(job)
        assert run_to_end(backend, job.job_id).state is JobState.SUCCEEDED
        assert "type" not in old.posted[0]["container"]
        backend.close()
        assert nothing_left(old)

