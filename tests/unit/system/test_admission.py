"""Admission: a counted limit taken atomically, so concurrent requests never exceed it."""

from __future__ import annotations

import threading

import pytest

from woken.errors import ServiceUnavailable
from woken.system.admission import Admission


def test_fifty_concurrent_admissions_get_exactly_the_limit() -> None:
    admission = Admission(4, "experiments")
    start = threading.Barrier(50)
    admitted, refused = [], []
    lock = threading.Lock()

    def request() -> None:
        start.wait(timeout=10)
        try:
            release = admission.admit()
        except ServiceUnavailable:
            with lock:
                refused.append(1)
            return
        with lock:
            admitted.append(release)

    threads = [threading.Thread(target=request) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert (len(admitted), len(refused), len(admission)) == (4, 46, 4)
    for release in admitted:
        release()
        release()  # a second release changes nothing
    assert len(admission) == 0


def test_a_refusal_names_the_count_and_the_limit() -> None:
    admission = Admission(1, "jobs")
    admission.admit()
    with pytest.raises(ServiceUnavailable, match="1 jobs are in progress, the limit is 1"):
        admission.admit()


def test_resumed_work_is_admitted_whatever_the_count() -> None:
    admission = Admission(0, "experiments")
    release = admission.admit(force=True)
    assert len(admission) == 1
    release()
    assert len(admission) == 0
