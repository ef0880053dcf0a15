"""The fork launcher against the exec path, with Python algorithms and real processes.

The test algorithms (``python_algorithms.py``) are Python packages under a test
``algorithms`` folder, so the fork server can run them; the tests that compare
the launchers run each one through both and expect the same behaviour, and
check that the fork launcher did fork (the process is the server's child).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.integration.backends.python_algorithms import entrypoint, make_root
from tests.integration.backends.test_local_backend import is_alive, wait_for_end
from tests.unit.algorithms.volumes import REPO_ROOT, iris, write_volume
from woken.backends.base import JobSpec, JobStatus
from woken.backends.launch import process_environment
from woken.backends.local import LocalBackend
from woken.states import JobState

WAIT_S = 20
LAUNCHERS = ["exec", "fork"]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_root(tmp_path_factory.mktemp("root"))


@pytest.fixture
def woken_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Variables of Woken's own process, which no job may see."""
    monkeypatch.setenv("WOKEN_AUTH_PASSWORD", "not-for-jobs")
    monkeypatch.setenv("WOKEN_LEAK_MARKER", "leaked")
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")


@pytest.fixture(params=LAUNCHERS)
def backend(request: pytest.FixtureRequest, tmp_path: Path, root: Path,
            woken_environment: None):
    local = LocalBackend(tmp_path / "logs", max_concurrent=1, launcher=request.param,
                         algorithms_root=root)
    yield local
    local.close()


def job(tmp_path: Path, entry: Path, job_id: str, timeout_s: float = 30,
        environment: dict[str, str] | None = None, command: str = "compute",
        volume: Path | None = None) -> JobSpec:
    if volume is None:
        volume = tmp_path / f"volume-{job_id}"
        volume.mkdir()
    return JobSpec(
        job_id=job_id, algorithm=entry.parent.name, docker_image="test/image:1",
        entrypoint=entry, command=command, volume=volume,
        environment={"JOB_ID": job_id, "PARAM_variables": "a,b", **(environment or {})},
        timeout_s=timeout_s,
    )


def run(backend: LocalBackend, spec: JobSpec) -> JobStatus:
    backend.submit(spec)
    status = wait_for_end(backend, spec.job_id)
    assert backend.launcher_of(spec.job_id) == backend.launcher
    return status


def wait_for_file(path: Path, wait_s: float = WAIT_S) -> str:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if path.is_file() and path.stat().st_size:
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path} did not appear within {wait_s} s")


def wait_until_dead(pid: int, wait_s: float = 5) -> None:
    deadline = time.monotonic() + wait_s
    while is_alive(pid):
        assert time.monotonic() < deadline, f"process {pid} still runs"
        time.sleep(0.02)


def test_process_gets_exactly_the_job_environment_volume_and_streams(
    backend: LocalBackend, tmp_path: Path, root: Path
) -> None:
    spec = job(tmp_path, entrypoint(root, "envdump"), "env")
    status = run(backend, spec)
    assert (status.state, status.exit_code, status.message) == (JobState.SUCCEEDED, 0, "")
    report: dict[str, Any] = json.loads((spec.volume / "out.json").read_text())
    volume = str(spec.volume)
    # What the exec path's Python sees: the job's variables, what the entrypoint exports
    # (PYTHONPATH) and what sh adds (PWD); nothing of Woken's own environment.
    expected = {**process_environment(spec), "PYTHONPATH": str(root), "PWD": volume}
    assert report["environ"] == expected
    assert not [name for name in report["environ"] if name.startswith("WOKEN_")]
    main = root / "woken" / "algorithms" / "envdump" / "__main__.py"
    assert report["argv"] == [str(main), "compute"]
    assert report["name"] == "__main__"
    assert report["cwd"] == volume
    assert report["path_head"] == [volume, str(root)]
    # Its own session and process group, so that a timeout kills the whole group.
    assert report["pgid"] == report["sid"] == report["pid"]
    if backend.launcher == "fork":
        assert report["ppid"] == backend.fork_server_pid
    else:
        assert report["ppid"] == os.getpid()
    fds = report["fds"]
    assert fds["0"] == "/dev/null"
    assert fds["1"] == str(tmp_path / "logs" / "env.stdout")
    assert fds["2"] == str(tmp_path / "logs" / "env.stderr")
    # Nothing else inherited (the server's socket, pidfds, other jobs' logs).
    assert len(fds) == 3, fds
    assert (tmp_path / "logs" / "env.stdout").read_text() == "to stdout\n"
    assert backend.logs("env") == "to stderr\n"


@pytest.mark.parametrize(
    ("code", "exit_code", "in_stderr"),
    [
        ("crash", 3, ["something broke: bad column"]),
        ("boom", 1, ["Traceback (most recent call last)",
                     "ValueError: unexpected input in column x"]),
        ("exitmessage", 1, ["the job gives up: no rows"]),
        ("selfkill", -signal.SIGKILL, []),
    ],
)
def test_exit_codes_and_stderr_tails_are_kept(
    backend: LocalBackend, tmp_path: Path, root: Path, code: str, exit_code: int,
    in_stderr: list[str],
) -> None:
    status = run(backend, job(tmp_path, entrypoint(root, code), code))
    assert (status.state, status.exit_code) == (JobState.FAILED, exit_code)
    assert status.message == f"exit code {exit_code}"
    stderr = backend.logs(code)
    for text in in_stderr:
        assert text in stderr


def test_a_job_past_its_timeout_is_killed_with_its_children(
    backend: LocalBackend, tmp_path: Path, root: Path
) -> None:
    # It ignores SIGTERM: SIGKILL after the grace period takes it and its child. With
    # the fork launcher it is sent to a server still loading its libraries: the timeout
    # runs from the fork. The timeout leaves a loaded machine time to start the child
    # (a SIGTERM before the job ignores it would end the job before the child exists).
    spec = job(tmp_path, entrypoint(root, "hang"), "hang", timeout_s=5)
    started = time.monotonic()
    status = run(backend, spec)
    assert status.state is JobState.TIMED_OUT
    assert "timeout of 5 s" in status.message
    assert time.monotonic() - started < WAIT_S
    child = int((spec.volume / "child.pid").read_text())
    wait_until_dead(child)


def test_cancel_and_the_concurrency_bound(
    backend: LocalBackend, tmp_path: Path, root: Path
) -> None:
    sleeper = entrypoint(root, "sleeper")
    first = job(tmp_path, sleeper, "first")
    backend.submit(first)
    backend.submit(job(tmp_path, sleeper, "second"))
    pid = int(wait_for_file(first.volume / "pid"))
    assert backend.status("first").state is JobState.RUNNING
    assert backend.status("second").state is JobState.QUEUED
    backend.cancel("second")
    backend.cancel("first")
    assert wait_for_end(backend, "second").state is JobState.CANCELLED
    status = wait_for_end(backend, "first")
    assert (status.state, status.message) == (JobState.CANCELLED, "cancelled")
    assert backend.launcher_of("first") == backend.launcher
    wait_until_dead(pid)
    assert not (first.volume / "done").exists()


def test_a_fork_server_preloads_then_forks(tmp_path: Path, root: Path) -> None:
    backend = LocalBackend(tmp_path / "logs", launcher="fork", algorithms_root=root)
    try:
        deadline = time.monotonic() + WAIT_S
        while not backend.fork_server_ready:
            assert time.monotonic() < deadline, "the fork server never became ready"
            time.sleep(0.02)
        server = backend.fork_server_pid
        assert server is not None
        # The libraries are loaded in the server, before any job.
        maps = Path(f"/proc/{server}/maps").read_text()
        assert "numpy" in maps and "scipy" in maps and "sklearn" in maps
        # Its allocator (CPython's, glibc's on huge pages under it): set for the server,
        # not for its jobs.
        server_environment = dict(
            entry.split("=", 1)
            for entry in Path(f"/proc/{server}/environ").read_text().split("\0") if entry
        )
        assert "PYTHONMALLOC" not in server_environment
        assert "hugetlb=1" in server_environment["GLIBC_TUNABLES"]
        spec = job(tmp_path, entrypoint(root, "envdump"), "after-ready")
        assert run(backend, spec).state is JobState.SUCCEEDED
        report = json.loads((spec.volume / "out.json").read_text())
        assert report["ppid"] == server
        assert "PYTHONMALLOC" not in report["environ"] and "GLIBC_TUNABLES" not in report["environ"]
    finally:
        backend.close()
    # Closing the backend stops its server.
    assert server is not None
    wait_until_dead(server)


def three_consecutive_jobs(tmp_path: Path, root: Path, name: str) -> list[Path]:
    """Run entry point `name` three times, one after the other, on one fork server."""
    backend = LocalBackend(tmp_path / "logs", launcher="fork", algorithms_root=root)
    try:
        volumes = []
        for n in range(3):
            spec = job(tmp_path, entrypoint(root, name), f"{name}-{n}")
            assert run(backend, spec).state is JobState.SUCCEEDED
            volumes.append(spec.volume)
    finally:
        backend.close()
    return volumes


def test_forked_jobs_draw_fresh_random_seeds(tmp_path: Path, root: Path) -> None:
    volumes = three_consecutive_jobs(tmp_path, root, "draw")
    draws = [(volume / "draw").read_text() for volume in volumes]
    assert len(set(draws)) == 3, draws


def test_each_job_is_its_own_process_and_sees_no_global_of_the_one_before(
    tmp_path: Path, root: Path
) -> None:
    """One process per job: a spare child is forked ahead, but never serves two jobs."""
    volumes = three_consecutive_jobs(tmp_path, root, "marker")
    reports = [json.loads((volume / "marker.json").read_text()) for volume in volumes]
    pids = [report["pid"] for report in reports]
    assert len(set(pids)) == 3, pids
    # Each job set the marker on a preloaded module; the next one never sees it.
    assert [report["found"] for report in reports] == [{"numpy": None, "common": None}] * 3


def children_of(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


def test_a_spare_child_killed_before_its_job_is_replaced(tmp_path: Path, root: Path) -> None:
    backend = LocalBackend(tmp_path / "logs", launcher="fork", algorithms_root=root)
    try:
        deadline = time.monotonic() + WAIT_S
        while not (backend.fork_server_ready and backend.fork_server_pid is not None
                   and children_of(backend.fork_server_pid)):
            assert time.monotonic() < deadline, "no spare child was forked ahead"
            time.sleep(0.02)
        server = backend.fork_server_pid
        [spare] = children_of(server)
        os.kill(spare, signal.SIGKILL)
        wait_until_dead(spare)
        spec = job(tmp_path, entrypoint(root, "marker"), "after-spare")
        assert run(backend, spec).state is JobState.SUCCEEDED
        report = json.loads((spec.volume / "marker.json").read_text())
        assert report["pid"] != spare
        # The job after the lost spare gets one forked ahead again.
        deadline = time.monotonic() + WAIT_S
        while len(children_of(server)) != 1:
            assert time.monotonic() < deadline, "no new spare child"
            time.sleep(0.02)
        spec = job(tmp_path, entrypoint(root, "marker"), "with-spare")
        assert run(backend, spec).state is JobState.SUCCEEDED
        assert backend.fork_server_pid == server
    finally:
        backend.close()


def test_a_job_cancelled_before_the_server_forked_it(tmp_path: Path, root: Path) -> None:
    backend = LocalBackend(tmp_path / "logs", launcher="fork", algorithms_root=root)
    try:
        spec = job(tmp_path, entrypoint(root, "sleeper"), "early")
        backend.submit(spec)
        deadline = time.monotonic() + WAIT_S
        while backend.status("early").state is not JobState.RUNNING:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        # Sent to the server, which is still loading its libraries: no process yet.
        assert not backend.fork_server_ready
        backend.cancel("early")
        status = wait_for_end(backend, "early")
        assert (status.state, status.message) == (JobState.CANCELLED, "cancelled")
        assert backend.launcher_of("early") == "fork"
        if (spec.volume / "pid").exists():
            wait_until_dead(int((spec.volume / "pid").read_text()))
        assert not (spec.volume / "done").exists()
    finally:
        backend.close()


def test_the_server_dying_fails_its_running_jobs_and_the_next_job_runs(
    tmp_path: Path, root: Path
) -> None:
    backend = LocalBackend(tmp_path / "logs", max_concurrent=2, launcher="fork",
                           algorithms_root=root)
    try:
        sleeper = entrypoint(root, "sleeper")
        running = job(tmp_path, sleeper, "running")
        backend.submit(running)
        pid = int(wait_for_file(running.volume / "pid"))
        server = backend.fork_server_pid
        assert server is not None
        os.kill(server, signal.SIGKILL)
        status = wait_for_end(backend, "running")
        assert status.state is JobState.FAILED
        assert status.exit_code is None
        assert "the fork server running the job died" in status.message
        assert f"pid {server} was killed by SIGKILL" in status.message
        wait_until_dead(pid)
        # A new server takes the next job.
        after = job(tmp_path, entrypoint(root, "envdump"), "after")
        assert run(backend, after).state is JobState.SUCCEEDED
        new_server = json.loads((after.volume / "out.json").read_text())["ppid"]
        assert new_server == backend.fork_server_pid
        assert new_server != server
    finally:
        backend.close()


def test_a_server_that_cannot_start_leaves_jobs_to_the_exec_path(
    tmp_path: Path, root: Path
) -> None:
    backend = LocalBackend(tmp_path / "logs", launcher="fork", algorithms_root=root,
                           fork_server_python="/bin/false")
    try:
        spec = job(tmp_path, entrypoint(root, "envdump"), "fallback")
        backend.submit(spec)
        status = wait_for_end(backend, "fallback")
        assert (status.state, status.exit_code) == (JobState.SUCCEEDED, 0)
        assert backend.launcher_of("fallback") == "exec"
        assert json.loads((spec.volume / "out.json").read_text())["ppid"] == os.getpid()
    finally:
        backend.close()


WOKEN_PROCESS = """
import sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from woken.backends.base import JobSpec
from woken.backends.local import LocalBackend
backend = LocalBackend(Path({logs!r}), launcher={launcher!r}, algorithms_root=Path({root!r}))
backend.submit(JobSpec(job_id="orphan", algorithm="sleeper", docker_image="test/image:1",
                       entrypoint=Path({entry!r}), command="compute", volume=Path({volume!r}),
                       environment={{}}, timeout_s=600))
time.sleep(600)
"""


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_jobs_die_with_woken(tmp_path: Path, root: Path, launcher: str) -> None:
    volume = tmp_path / "volume"
    volume.mkdir()
    script = WOKEN_PROCESS.format(
        repo=str(REPO_ROOT), logs=str(tmp_path / "logs"), launcher=launcher, root=str(root),
        entry=str(entrypoint(root, "sleeper")), volume=str(volume))
    woken = subprocess.Popen([sys.executable, "-c", script])
    try:
        pid = int(wait_for_file(volume / "pid", 60))
        assert is_alive(pid)
    finally:
        woken.kill()
        woken.wait()
    # No orphan job left writing into its volume.
    wait_until_dead(pid)


# A real algorithm: knn on iris.

def knn_volume(directory: Path) -> Path:
    target, features = iris()
    rows = range(len(target.values))
    return write_volume(directory, algorithm="knn", variables=[target], covariables=features,
                        parameters={"k": "7"},
                        train_rows=[i for i in rows if i % 5], test_rows=list(rows)[::5])


def knn(volume: Path, job_id: str, command: str) -> JobSpec:
    return job(volume.parent, REPO_ROOT / "woken" / "algorithms" / "knn" / "entrypoint.sh", job_id,
               timeout_s=120, command=command, volume=volume,
               environment={"MODEL_PARAM_k": "7"})


def test_a_forked_knn_writes_the_same_results_as_the_exec_path(tmp_path: Path) -> None:
    results: dict[str, dict[str, Any]] = {}
    for launcher in LAUNCHERS:
        volume = knn_volume(tmp_path / launcher / "volume")
        backend = LocalBackend(tmp_path / launcher / "logs", launcher=launcher)
        try:
            for command in ("compute", "train", "test"):
                job_id = f"{launcher}-{command}"
                status = run(backend, knn(volume, job_id, command))
                assert status.state is JobState.SUCCEEDED, backend.logs(job_id)
        finally:
            backend.close()
        results[launcher] = {
            command: json.loads((volume / "results" / f"{command}.json").read_text())
            for command in ("compute", "train", "test")
        }
    assert results["fork"] == results["exec"]
    assert results["fork"]["test"]["error"] is None
    assert len(results["fork"]["test"]["data"]) > 0


def test_many_forked_jobs_with_two_at_a_time(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "logs", max_concurrent=2, launcher="fork")
    ids = [f"knn-{n}" for n in range(20)]
    volumes = {job_id: knn_volume(tmp_path / job_id) for job_id in ids}
    try:
        for job_id in ids:
            backend.submit(knn(volumes[job_id], job_id, "compute"))
        most_running = 0
        deadline = time.monotonic() + 120
        while True:
            states = [backend.status(job_id).state for job_id in ids]
            most_running = max(most_running, states.count(JobState.RUNNING))
            if all(state.is_terminal for state in states):
                break
            assert time.monotonic() < deadline, states
            time.sleep(0.005)
        assert states == [JobState.SUCCEEDED] * 20
        assert {backend.launcher_of(job_id) for job_id in ids} == {"fork"}
        assert most_running == 2
    finally:
        backend.close()
    first = json.loads((volumes["knn-0"] / "results" / "compute.json").read_text())
    assert first["error"] is None
    for job_id in ids[1:]:
        assert json.loads((volumes[job_id] / "results" / "compute.json").read_text()) == first


def test_an_environment_the_process_cannot_get_fails_the_job(
    backend: LocalBackend, tmp_path: Path, root: Path
) -> None:
    spec = job(tmp_path, entrypoint(root, "envdump"), "nul", environment={"PARAM_x": "a\0b"})
    backend.submit(spec)
    status = wait_for_end(backend, "nul")
    assert (status.state, status.exit_code) == (JobState.FAILED, None)
    assert status.message == "could not start the process: embedded null byte"
    assert not (spec.volume / "out.json").exists()
