"""The Dask backend on a real scheduler and real workers: runs, placement, cancel and faults.

The algorithms are shell scripts run by the workers as subprocesses. Tests that
kill a worker or the scheduler start their own cluster; the others share one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.integration.backends.test_local_backend import is_alive, script, spec
from tests.support.dask_cluster import DaskCluster, free_port
from woken.backends.base import JobStatus
from woken.backends.dask_backend import DaskBackend
from woken.config.dask import DaskSettings
from woken.states import JobState

WAIT_S = 30


def wait_for_end(backend: DaskBackend, job_id: str, wait_s: float = WAIT_S) -> JobStatus:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        status = backend.status(job_id)
        if status.is_terminal:
            return status
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not end within {wait_s} s: {backend.status(job_id)}")


def wait_for(condition, wait_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def dask_backend(address: str, tmp_path: Path, **settings) -> DaskBackend:
    return DaskBackend(
        DaskSettings(scheduler_address=address, logs_dir=tmp_path / "logs", **settings)
    )


@pytest.fixture
def backend(dask_cluster: DaskCluster, tmp_path: Path) -> Iterator[DaskBackend]:
    backend = dask_backend(dask_cluster.address, tmp_path)
    yield backend
    backend.close()


def test_a_job_runs_on_a_worker_with_its_inputs_and_its_outputs_come_back(
    backend: DaskBackend, dask_cluster: DaskCluster, tmp_path: Path
) -> None:
    entrypoint = script(tmp_path, "echoer", (
        'cat input.json > copy.json; echo "$1 $JOB_ID $PARAM_variables" > args.txt\n'
        'echo "$JOB_VOLUME" > volume.txt; mkdir -p model; echo fitted > model/m\n'
        'echo "a warning" >&2\n'
    ))
    job = spec(tmp_path, entrypoint, "j-run")
    (job.volume / "input.json").write_text('{"rows": [1, 2]}')
    backend.submit(job)
    status = wait_for_end(backend, "j-run")
    assert status.state is JobState.SUCCEEDED and status.exit_code == 0
    assert status.host in dask_cluster.worker_addresses()
    assert (job.volume / "copy.json").read_text() == '{"rows": [1, 2]}'
    assert (job.volume / "args.txt").read_text() == "compute j-run a,b\n"
    assert (job.volume / "model" / "m").read_text() == "fitted\n"
    # It ran in a directory of its own on the worker, not in Woken's volume.
    assert (job.volume / "volume.txt").read_text().strip() != str(job.volume)
    assert backend.logs("j-run").strip() == "a warning"


def test_a_failing_job_reports_its_exit_code_and_stderr(
    backend: DaskBackend, tmp_path: Path
) -> None:
    entrypoint = script(tmp_path, "crash", "echo 'bad column x' >&2; exit 3\n")
    backend.submit(spec(tmp_path, entrypoint, "j-crash"))
    status = wait_for_end(backend, "j-crash")
    assert status.state is JobState.FAILED and status.exit_code == 3
    assert "bad column x" in backend.logs("j-crash")


def test_a_job_past_its_timeout_is_killed_on_the_worker(
    backend: DaskBackend, tmp_path: Path
) -> None:
    pid_file = tmp_path / "sleeper.pid"
    entrypoint = script(tmp_path, "sleeper", f"echo $$ > {pid_file}; exec sleep 60\n")
    started = time.monotonic()
    backend.submit(spec(tmp_path, entrypoint, "j-late", timeout_s=1))
    status = wait_for_end(backend, "j-late")
    assert status.state is JobState.TIMED_OUT and "timeout of 1 s" in status.message
    assert time.monotonic() - started < 10
    assert not is_alive(int(pid_file.read_text()))


def test_cancel_kills_the_process_on_the_worker(backend: DaskBackend, tmp_path: Path) -> None:
    pid_file = tmp_path / "long.pid"
    entrypoint = script(tmp_path, "long", f"echo $$ > {pid_file}; exec sleep 60\n")
    backend.submit(spec(tmp_path, entrypoint, "j-cancel"))
    wait_for(lambda: backend.status("j-cancel").state is JobState.RUNNING and pid_file.exists())
    pid = int(pid_file.read_text())
    assert is_alive(pid)
    backend.cancel("j-cancel")
    assert backend.status("j-cancel").state is JobState.CANCELLED
    wait_for(lambda: not is_alive(pid), 10)


def test_the_test_of_a_pair_runs_on_the_worker_of_its_train(
    backend: DaskBackend, dask_cluster: DaskCluster, tmp_path: Path
) -> None:
    entrypoint = script(tmp_path, "pair", "sleep 0.2; echo done > out.txt\n")
    trained: dict[str, str | None] = {}
    for n in range(4):  # at once: the trains spread over both workers
        backend.submit(spec(tmp_path, entrypoint, f"train-{n}"))
    for n in range(4):
        trained[f"test-{n}"] = wait_for_end(backend, f"train-{n}").host
    assert set(trained.values()) == set(dask_cluster.worker_addresses())
    for test_id, host in trained.items():
        backend.submit(replace(spec(tmp_path, entrypoint, test_id), pin_to_host=host))
    for test_id, host in trained.items():
        status = wait_for_end(backend, test_id)
        assert status.state is JobState.SUCCEEDED and status.host == host


def test_an_unreachable_scheduler_fails_each_job_in_bounded_time_and_recovery_follows(
    tmp_path: Path,
) -> None:
    port = free_port()
    backend = dask_backend(f"tcp://127.0.0.1:{port}", tmp_path, connect_timeout_s=2)
    entrypoint = script(tmp_path, "ok", "echo fine > out.txt\n")
    try:
        started = time.monotonic()
        backend.submit(spec(tmp_path, entrypoint, "j-down-1"))
        backend.submit(spec(tmp_path, entrypoint, "j-down-2"))
        for job_id in ("j-down-1", "j-down-2"):
            status = wait_for_end(backend, job_id, 10)
            assert status.state is JobState.FAILED
            assert f"tcp://127.0.0.1:{port} cannot be reached" in status.message
        assert time.monotonic() - started < 8
        with DaskCluster(tmp_path / "cluster", workers=1) as cluster:
            cluster_backend = dask_backend(cluster.address, tmp_path)
            time.sleep(2)  # past the connect timeout: the next submission connects again
            cluster_backend.submit(spec(tmp_path, entrypoint, "j-back"))
            assert wait_for_end(cluster_backend, "j-back").state is JobState.SUCCEEDED
            cluster_backend.close()
    finally:
        backend.close()


def test_a_scheduler_that_dies_fails_its_jobs_with_the_cause(tmp_path: Path) -> None:
    with DaskCluster(tmp_path / "cluster", workers=1) as cluster:
        backend = dask_backend(cluster.address, tmp_path, connect_timeout_s=2)
        entrypoint = script(tmp_path, "long", "exec sleep 60\n")
        try:
            backend.submit(spec(tmp_path, entrypoint, "j-orphan"))
            wait_for(lambda: backend.status("j-orphan").state is JobState.RUNNING)
            cluster.kill_scheduler()
            status = wait_for_end(backend, "j-orphan", 20)
            assert status.state is JobState.FAILED and "scheduler" in status.message
        finally:
            backend.close()


def test_a_worker_killed_mid_job_is_resubmitted_once_then_fails_with_the_cause(
    tmp_path: Path,
) -> None:
    with DaskCluster(tmp_path / "cluster", workers=3) as cluster:
        backend = dask_backend(cluster.address, tmp_path)
        pid_file = tmp_path / "slow.pid"
        entrypoint = script(tmp_path, "slow", (
            f"echo $$ >> {pid_file}; sleep 3; echo ok > out.txt\n"))
        addresses = cluster.worker_addresses()
        try:
            # Survives one death: resubmitted, it ends on another worker.
            backend.submit(spec(tmp_path, entrypoint, "j-survivor"))
            wait_for(lambda: backend.status("j-survivor").state is JobState.RUNNING)
            first = backend.worker_of("j-survivor")
            cluster.kill_worker(_index(cluster, addresses, first))
            status = wait_for_end(backend, "j-survivor")
            assert status.state is JobState.SUCCEEDED, status
            assert status.host != first and f"worker {first} running it died" in status.message
            assert "resubmitted" in status.message
            # Its first process died with its worker.
            assert not is_alive(int(pid_file.read_text().split()[0]))

            # Two deaths: failed, with the cause.
            backend.submit(spec(tmp_path, entrypoint, "j-unlucky"))
            killed: set[str | None] = {first, None}
            for _ in range(2):
                wait_for(lambda: backend.worker_of("j-unlucky") not in killed
                         or backend.status("j-unlucky").is_terminal)
                worker = backend.worker_of("j-unlucky")
                if backend.status("j-unlucky").is_terminal:
                    break
                cluster.kill_worker(_index(cluster, addresses, worker))
                killed.add(worker)
            status = wait_for_end(backend, "j-unlucky")
            assert status.state is JobState.FAILED and "running it died" in status.message
        finally:
            backend.close()


def test_a_shared_volumes_root_runs_jobs_in_place(dask_cluster: DaskCluster,
                                                  tmp_path: Path) -> None:
    backend = dask_backend(dask_cluster.address, tmp_path, volumes_dir=tmp_path,
                           shared_volumes_dir=str(tmp_path))
    entrypoint = script(tmp_path, "inplace", 'pwd > where.txt; echo "$JOB_VOLUME" >> where.txt\n')
    try:
        job = spec(tmp_path, entrypoint, "j-shared")
        backend.submit(job)
        assert wait_for_end(backend, "j-shared").state is JobState.SUCCEEDED
        assert (job.volume / "where.txt").read_text().split() == [str(job.volume)] * 2
    finally:
        backend.close()


def _index(cluster: DaskCluster, addresses: list[str], address: str | None) -> int:
    """The cluster's index of the worker at ``address`` (workers are named by index)."""
    with cluster.client() as client:
        info = client.scheduler_info()["workers"]
    assert address in info, (address, addresses)
    return int(str(info[address]["name"]).rsplit("-", 1)[1])
