"""Warm Dask workers: each worker's fork server forks the jobs (woken.backends.dask_warm).

On a real scheduler and workers (the shared cluster), a real algorithm (knn) is
forked and writes what the exec path writes; the fork path's own behaviour
(a cancel, a timeout, a server that dies) is tested on a `Forker` directly, with
the test algorithms of `python_algorithms`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.backends.python_algorithms import make_root
from tests.integration.backends.test_dask_backend import dask_backend, wait_for_end
from tests.integration.backends.test_fork_launcher import knn, knn_volume, wait_until_dead
from tests.support.dask_cluster import DaskCluster
from woken.backends import dask_warm, job_process
from woken.backends.launch import FORK_SERVER_ALLOCATOR, SERVER_SCRIPT
from woken.states import JobState


def test_a_knn_job_is_forked_on_a_warm_worker_and_writes_what_exec_writes(
    dask_cluster: DaskCluster, tmp_path: Path
) -> None:
    results = {}
    for warm in (True, False):
        backend = dask_backend(dask_cluster.address, tmp_path / str(warm), warm_workers=warm)
        volume = knn_volume(tmp_path / str(warm) / "volume")
        try:
            for command in ("train", "test"):
                job_id = f"knn-{warm}-{command}"
                backend.submit(knn(volume, job_id, command))
                status = wait_for_end(backend, job_id, wait_s=120)
                assert status.state is JobState.SUCCEEDED, backend.logs(job_id)
                assert backend.launcher_of(job_id) == ("fork" if warm else "exec")
        finally:
            backend.close()
        results[warm] = json.loads((volume / "results" / "test.json").read_text())
    assert results[True]["error"] is None and results[True]["data"]
    assert results[True] == results[False]


@pytest.fixture(scope="module")
def forker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dask_warm.Forker]:
    root = make_root(tmp_path_factory.mktemp("root"))
    environment = {**job_process.base_environment(), **FORK_SERVER_ALLOCATOR,
                   "PYTHONPATH": str(root)}
    forker = dask_warm.Forker(SERVER_SCRIPT.read_text(), str(root), environment)
    yield forker
    forker.close()


def run(forker: dask_warm.Forker, module: str, timeout_s: float = 30, should_stop=None,
        inputs: dict[str, bytes] | None = None) -> dict:
    return dask_warm.run_with(forker, "j", f"woken.algorithms.{module}", "compute",
                              {"JOB_ID": "j"}, timeout_s, inputs or {}, None, should_stop,
                              0.05, 1.0, 4000)


def test_a_forked_job_gets_its_inputs_environment_and_exit_code(
    forker: dask_warm.Forker
) -> None:
    result = run(forker, "envdump", inputs={"input.json": b"{}"})
    assert result["exit_code"] == 0 and result["ending"] == "exited"
    assert result["launcher"] == "fork"
    report = json.loads(result["outputs"]["out.json"])
    assert report["environ"]["JOB_ID"] == "j" and report["argv"][1:] == ["compute"]
    assert report["cwd"] == report["environ"]["JOB_VOLUME"]
    # Its own session, a child of the fork server (not of this process).
    assert report["sid"] == report["pid"] == result["pid"]
    assert "to stderr" in result["stderr"]
    crashed = run(forker, "crash")
    assert crashed["exit_code"] == 3 and "bad column" in crashed["stderr"]


def test_a_cancelled_forked_job_is_killed(forker: dask_warm.Forker) -> None:
    asked = time.monotonic() + 1.0
    result = run(forker, "hang", should_stop=lambda: time.monotonic() > asked)
    assert result["ending"] == "cancelled" and result["exit_code"] != 0
    wait_until_dead(result["pid"])


def test_a_forked_job_past_its_timeout_is_killed(forker: dask_warm.Forker) -> None:
    result = run(forker, "hang", timeout_s=1.0)
    assert result["ending"] == "timed_out"
    wait_until_dead(result["pid"])


def test_a_fork_server_that_dies_fails_its_job_and_the_next_one_runs(
    forker: dask_warm.Forker
) -> None:
    forker._ensure()
    server = forker._process
    assert server is not None
    asked = time.monotonic() + 1.0

    def kill_the_server() -> bool:
        if time.monotonic() > asked and server.poll() is None:
            server.kill()
        return False

    result = run(forker, "hang", should_stop=kill_the_server)
    assert result["exit_code"] is None
    assert "fork server ended" in result["ending"]
    assert run(forker, "envdump")["exit_code"] == 0
