"""Memory is given back once no job and no experiment is in progress."""

from __future__ import annotations

import time
from unittest import mock

from woken.system import memory as memory_module
from woken.system.admission import Admission
from woken.system.memory import MemoryRelease, release_free_memory

WAIT_S = 10


def wired(delay_s: float) -> tuple[Admission, Admission, MemoryRelease]:
    jobs, experiments = Admission(4, "jobs"), Admission(4, "experiments")
    memory = MemoryRelease([jobs, experiments], delay_s=delay_s)
    jobs.on_release = experiments.on_release = memory.work_ended
    return jobs, experiments, memory


def wait_for(condition, timeout_s: float = WAIT_S) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_released_once_everything_has_ended() -> None:
    jobs, experiments, memory = wired(delay_s=0.01)
    with mock.patch("woken.system.memory.release_free_memory") as release:
        end_job, end_experiment = jobs.admit(), experiments.admit()
        end_job()
        time.sleep(0.1)  # an experiment is still running: nothing to release yet
        assert release.call_count == 0 and memory.releases == 0
        end_experiment()
        assert wait_for(lambda: memory.releases == 1)
        assert release.call_count == 1


def test_work_that_comes_back_before_the_delay_cancels_the_release() -> None:
    jobs, _experiments, memory = wired(delay_s=0.3)
    with mock.patch("woken.system.memory.release_free_memory") as release:
        jobs.admit()()
        end_next = jobs.admit()  # a new job before the delay is over
        time.sleep(0.6)
        assert release.call_count == 0
        end_next()
        assert wait_for(lambda: memory.releases == 1)


def test_a_burst_of_ends_releases_once() -> None:
    jobs, _experiments, memory = wired(delay_s=0.2)
    with mock.patch("woken.system.memory.release_free_memory") as release:
        for _ in range(20):
            jobs.admit()()
        assert wait_for(lambda: memory.releases == 1)
        time.sleep(0.4)
        assert release.call_count == 1


def test_the_release_itself_runs() -> None:
    release_free_memory()  # gc, and malloc_trim where the C library has it: no error
    assert memory_module._TRIM is not None  # glibc, on every machine Woken is tested on
