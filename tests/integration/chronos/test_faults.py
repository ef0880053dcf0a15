"""Every failure the double can inject ends in a clear error, in bounded time, with no job left.

Bounded: each call of the backend is bounded by its request timeout and retries
(1 s and 3 attempts here), each poll loop by WAIT_LIMIT_S; the test fails rather
than hangs.
"""

from __future__ import annotations

import pytest

from tests.integration.chronos.helpers import (
    nothing_left,
    run_to_end,
    settings_for,
    spec,
    wait_for_state,
)
from woken.backends.chronos import ChronosBackend
from woken.chronos.model import job_name
from woken.errors import BackendError
from woken.states import JobState


def test_refused_connections_fail_the_submission(backend, double, tmp_path) -> None:
    double.refuse_connections()
    job = spec(tmp_path)
    with pytest.raises(BackendError, match="cannot reach Chronos") as raised:
        backend.submit(job)
    assert "3 attempts" in str(raised.value)
    double.accept_connections()
    assert backend.status(job.job_id).state is JobState.LOST
    assert nothing_left(double)


def test_refused_connections_while_running_fail_the_job_and_it_is_deleted_later(
        backend, double, tmp_path) -> None:
    job = spec(tmp_path, "sleeper")
    backend.submit(job)
    wait_for_state(backend, job.job_id, "running")
    double.refuse_connections()
    status = backend.status(job.job_id)
    assert status.state is JobState.FAILED and "cannot reach Chronos" in status.message
    double.accept_connections()
    backend.close()  # deletions that failed while Chronos was away are done now
    assert nothing_left(double)


def test_answers_500_fail_the_submission_with_chronos_message(backend, double,
                                                              tmp_path) -> None:
    double.fail_requests()
    with pytest.raises(BackendError, match=r"Chronos answered 500: .*injected failure"):
        backend.submit(spec(tmp_path))
    double.fail_requests(0)
    assert nothing_left(double)


def test_a_few_500s_are_retried_and_the_job_runs(backend, double, tmp_path) -> None:
    double.fail_requests(2)
    job = spec(tmp_path)
    backend.submit(job)
    assert run_to_end(backend, job.job_id).state is JobState.SUCCEEDED
    assert nothing_left(double)


def test_answers_500_while_polling_fail_the_job(backend, double, tmp_path) -> None:
    job = spec(tmp_path, "sleeper")
    backend.submit(job)
    wait_for_state(backend, job.job_id, "running")
    double.fail_requests()
    status = backend.status(job.job_id)
    assert status.state is JobState.FAILED and "500" in status.message
    double.fail_requests(0)
    backend.close()
    assert nothing_left(double)


def test_a_job_lost_after_it_was_seen_is_reported_lost(backend, double, tmp_path) -> None:
    job = spec(tmp_path, "sleeper")
    backend.submit(job)
    wait_for_state(backend, job.job_id, "running")
    double.lose(job_name("sleeper", job.job_id))
    status = run_to_end(backend, job.job_id)
    assert status.state is JobState.LOST and "no longer has" in status.message
    assert nothing_left(double)


def test_a_job_chronos_never_lists_is_lost_after_the_unseen_timeout(backend, double,
                                                                    tmp_path) -> None:
    double.lose_new_jobs = True
    job = spec(tmp_path)
    backend.submit(job)
    assert backend.status(job.job_id).state is JobState.QUEUED  # not listed *yet*
    status = run_to_end(backend, job.job_id)
    assert status.state is JobState.LOST
    assert "did not list" in status.message and "within 1 s" in status.message
    assert nothing_left(double)


def test_a_job_that_runs_slowly_is_killed_at_its_timeout(backend, double, tmp_path) -> None:
    double.run_delay_s = 60.0  # e.g. an image pull that never ends
    job = spec(tmp_path, "silent", timeout_s=1.0)
    backend.submit(job)
    status = run_to_end(backend, job.job_id)
    assert status.state is JobState.TIMED_OUT and "timeout of 1 s" in status.message
    assert nothing_left(double)


def test_slow_answers_time_out_and_the_job_is_cleaned_up_afterwards(double,
                                                                    tmp_path) -> None:
    backend = ChronosBackend(settings_for(double, request_timeout_s=0.3, retries=1))
    double.answer_delay_s = 1.0
    with pytest.raises(BackendError, match="ReadTimeout"):
        backend.submit(spec(tmp_path))
    double.answer_delay_s = 0.0
    # The slow POST may have been stored after all: the next call deletes it.
    backend.close()
    assert nothing_left(double)
