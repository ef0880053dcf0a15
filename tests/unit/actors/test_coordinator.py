"""CoordinatorActor against the stub backend: every path of its state diagram ends in one reply."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from tests.support.stub_backend import Fail, Hang, Lost, Refuse, StubBackend, Succeed, Unreachable
from tests.unit.actors.support import Inbox, StubContext, job_plan, stopped
from woken.actors import coordinator as coordinator_module
from woken.actors.coordinator import CoordinatorActor
from woken.actors.messages import Cancel, JobEnded, StartJob
from woken.algorithms.common.volume import DATA_FILE, JOB_FILE, read_json
from woken.catalogue.registry import AlgorithmSpec
from woken.container.volumes import create_volume
from woken.planning.job_plan import JobPlan
from woken.states import JobState
from woken.storage.database import WokenDatabase


def run_job(context: StubContext, plan: JobPlan, inbox: Inbox) -> tuple[str, Path]:
    job_id, volume = create_volume(context.config.volumes_dir)
    coordinator = CoordinatorActor.start(context, plan, job_id, volume, inbox.reply)
    coordinator.tell(StartJob())
    return job_id, volume


def stored_state(context: StubContext, job_id: str) -> str:
    job = context.woken_db.get_job(job_id)
    assert job is not None
    return job.state


def test_success_stores_the_result_and_replies_once(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(data={"answer": 42}, runtime_s=1.5))
    job_id, volume = run_job(context, job_plan(spec), inbox)

    ended = inbox.only()
    assert isinstance(ended, JobEnded) and ended.succeeded
    assert (ended.job_id, ended.volume, ended.duration_s) == (job_id, volume, 1.5)
    assert ended.result.data == {"answer": 42} and ended.result.shape == "pfa_json"
    stored = context.woken_db.get_result(job_id, "test-node")
    assert stored is not None and stored.data == {"answer": 42} and stored.error is None
    assert stored_state(context, job_id) == JobState.SUCCEEDED.value
    # What the backend got: the job's inputs in its volume, the Woken environment.
    [submitted] = context.backend.submitted
    assert (submitted.job_id, submitted.command, submitted.volume) == (job_id, "compute", volume)
    assert submitted.environment["JOB_ID"] == job_id
    assert submitted.environment["MODEL_PARAM_alpha"] == "1"
    assert read_json(volume / JOB_FILE)["algorithm"] == spec.code
    assert len(read_json(volume / DATA_FILE)["rows"]) == 12


def test_a_polled_backend_is_followed_from_queued_to_running_to_done(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend = StubBackend(pushes_changes=False)
    context.backend.script(Hang(started=False))
    job_id, _ = run_job(context, job_plan(spec), inbox)
    context.backend.wait_for("submit")
    context.backend.wait_for("status", 2)
    assert stored_state(context, job_id) == JobState.QUEUED.value

    context.backend.start(job_id)
    polls = len(context.backend.calls_to("status"))
    context.backend.wait_for("status", polls + 2)
    # Written once it has run for a moment (a shorter job writes only its end).
    deadline = time.monotonic() + 10
    while stored_state(context, job_id) != JobState.RUNNING.value:
        assert time.monotonic() < deadline, "RUNNING was never written"
        time.sleep(0.01)

    context.backend.finish(job_id, Succeed(data=[1, 2]))
    ended = inbox.only()
    assert ended.succeeded and ended.result.data == [1, 2]
    job = context.woken_db.get_job(job_id)
    assert job is not None and job.started_at is not None and job.finished_at is not None


def test_a_job_ending_soon_after_it_started_writes_no_running_state_but_its_start(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(coordinator_module, "RUNNING_RECORD_DELAY_S", 60.0)
    context.backend = StubBackend(pushes_changes=False)
    context.backend.script(Hang(started=False))
    written: list[JobState] = []
    set_job_state = context.woken_db.set_job_state

    def record(job_id: str, state: JobState, **kwargs: object) -> None:
        written.append(state)
        set_job_state(job_id, state, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(context.woken_db, "set_job_state", record)
    job_id, _ = run_job(context, job_plan(spec), inbox)
    context.backend.wait_for("submit")
    context.backend.start(job_id)
    polls = len(context.backend.calls_to("status"))
    context.backend.wait_for("status", polls + 2)
    context.backend.finish(job_id, Succeed(data=[1]))
    assert inbox.only().succeeded
    assert written == []  # the end is written with the result, by finish_job
    job = context.woken_db.get_job(job_id)
    assert job is not None and job.state == JobState.SUCCEEDED.value
    assert job.started_at is not None and job.finished_at is not None
    assert job.started_at <= job.finished_at


def test_a_failed_job_reports_its_exit_code_and_stderr_tail(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Fail(exit_code=3, stderr="Traceback ...\nValueError: bad row 7\n",
                                error="bad row 7"))
    job_id, _ = run_job(context, job_plan(spec), inbox)

    ended = inbox.only()
    assert ended.state is JobState.FAILED and not ended.succeeded
    error = ended.result.error
    assert error.startswith(f"algorithm '{spec.code}' failed with exit code 3: bad row 7")
    # One line (issue 10): the cause and the last line of stderr, no traceback.
    assert error.endswith(": ValueError: bad row 7") and "\n" not in error
    job = context.woken_db.get_job(job_id)
    assert job is not None and job.state == "failed" and job.exit_code == 3
    assert job.message == error


def test_an_exit_0_without_a_result_is_a_failure(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(write_result=False))
    job_id, _ = run_job(context, job_plan(spec), inbox)

    ended = inbox.only()
    assert ended.state is JobState.FAILED
    assert "exited with 0 but wrote no result: no results/compute.json" in ended.result.error
    assert stored_state(context, job_id) == JobState.FAILED.value


def test_a_lost_job_is_reported_lost(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Lost("the agent vanished"))
    run_job(context, job_plan(spec), inbox)

    ended = inbox.only()
    assert ended.state is JobState.LOST
    assert ended.result.error == f"algorithm '{spec.code}' was lost: the agent vanished"


def test_a_job_that_never_starts_times_out_in_the_queue_and_is_cancelled(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.config = dataclasses.replace(context.config, queue_timeout_s=0.1)
    context.backend.script(Hang(started=False))
    job_id, _ = run_job(context, job_plan(spec), inbox)

    ended = inbox.only()
    assert ended.state is JobState.LOST
    assert "did not report the job to start in time; it was cancelled" in ended.result.error
    assert context.backend.cancelled == [job_id]
    assert stored_state(context, job_id) == JobState.LOST.value


def test_a_running_job_past_its_timeout_and_grace_is_given_up(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(coordinator_module, "RUNNING_GRACE_S", 0.0)
    context.backend.script(Hang(started=True))
    job_id, _ = run_job(context, job_plan(spec, timeout_s=0.1), inbox)

    ended = inbox.only()
    assert ended.state is JobState.LOST
    assert "did not report the job to end in time" in ended.result.error
    assert context.backend.cancelled == [job_id]


@pytest.mark.parametrize("started", [False, True], ids=["queued", "running"])
def test_cancel_stops_the_job_and_stores_the_reason(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox, started: bool
) -> None:
    context.backend.script(Hang(started=started))
    job_id, volume = create_volume(context.config.volumes_dir)
    coordinator = CoordinatorActor.start(context, job_plan(spec), job_id, volume, inbox.reply)
    coordinator.tell(StartJob())
    context.backend.wait_for("submit")
    coordinator.tell(Cancel("the user changed their mind"))

    ended = inbox.only()
    assert ended.state is JobState.CANCELLED
    assert ended.result.error == (
        f"algorithm '{spec.code}' was cancelled: the user changed their mind"
    )
    assert context.backend.cancelled == [job_id]
    assert stored_state(context, job_id) == JobState.CANCELLED.value
    assert stopped(coordinator)


def test_a_crash_in_a_handler_stores_the_failure_and_replies_once(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Refuse("no such image at registry.internal:5000 (password=s3cret)"))
    job_id, _ = run_job(context, job_plan(spec), inbox)

    ended = inbox.only()
    assert ended.state is JobState.FAILED
    # The cause, with the host and the credentials it quoted taken out.
    assert ended.result.error.endswith(
        ": Woken failed to run the job: BackendError: no such image at <host> (password=<hidden>)")
    assert stored_state(context, job_id) == JobState.FAILED.value
    assert context.backend.cancelled == [job_id]


def test_a_backend_that_stops_answering_crashes_the_poll_into_one_failure(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Unreachable("connection refused"))
    job_id, _ = run_job(context, job_plan(spec), inbox)

    ended = inbox.only()
    assert ended.state is JobState.FAILED
    assert ended.result.error.endswith(
        ": Woken failed to run the job: BackendError: connection refused")
    assert stored_state(context, job_id) == JobState.FAILED.value


def test_a_crash_that_cannot_be_stored_still_replies_once(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox, tmp_path: Path
) -> None:
    # A woken-db without its tables: the job cannot even be recorded.
    context.woken_db = WokenDatabase(f"sqlite:///{tmp_path / 'empty.db'}")
    job_id, _ = run_job(context, job_plan(spec), inbox)

    ended = inbox.only()
    assert ended.job_id == job_id and ended.state is JobState.FAILED
    assert ended.result.error == (
        "Woken failed to run the job: OperationalError: no such table: jobs")
    assert context.backend.submitted == []
    context.woken_db.dispose()


def test_the_backend_forgets_the_job_once_its_outcome_is_stored(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(data={"answer": 42}))
    job_id, _ = run_job(context, job_plan(spec), inbox)
    assert inbox.only().succeeded
    [forgotten] = context.backend.wait_for("forget", 1)
    assert forgotten.job_id == job_id
    assert context.woken_db.get_result(job_id, "test-node") is not None


def test_the_host_that_ran_the_job_comes_back_with_it(
    context: StubContext, spec: AlgorithmSpec, inbox: Inbox
) -> None:
    context.backend.script(Succeed(data={}))
    run_job(context, job_plan(spec), inbox)
    ended = inbox.only()
    assert isinstance(ended, JobEnded) and ended.host == "stub"
