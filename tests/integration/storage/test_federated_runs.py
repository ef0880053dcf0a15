"""Federated runs in woken-db (PostgreSQL and SQLite): stored, finished, listed, re-read."""

from __future__ import annotations

from woken.storage.database import WokenDatabase
from woken.storage.federated_runs import INTERRUPTED, FederatedRuns, run_json


def test_a_run_is_stored_then_finished_and_read_back_by_a_new_connection(
        woken_db: WokenDatabase) -> None:
    runs = FederatedRuns(woken_db)
    request = {"algorithms": [{"code": "linearRegression"}], "variables": [{"code": "y"}]}
    runs.add("run-1", "central", request)
    assert runs.get("run-1").state == "running"
    sites = {"a": {"state": "answered", "requests": 3, "bytes_sent": 812, "rows_sent": 0}}
    runs.finish("run-1", sites=sites, result={"results": [{"algorithm": "linearRegression"}]})
    runs.add("run-2", "central", request)
    runs.finish("run-2", sites={"b": {"state": "failed", "reason": "down"}},
                error="site 'b' is unreachable", failed_site="b")
    # Another connection (a restarted central) reads the same.
    again = WokenDatabase(woken_db.url)
    try:
        stored = FederatedRuns(again)
        done = run_json(stored.get("run-1"))
        assert done["state"] == "completed" and done["request"] == request
        assert done["sites"] == sites and done["finishedAt"] is not None
        assert done["result"] == {"results": [{"algorithm": "linearRegression"}]}
        failed = run_json(stored.get("run-2"))
        assert (failed["state"], failed["failedSite"], failed["error"]) == (
            "failed", "b", "site 'b' is unreachable")
        listed, total = stored.page(10, 0)
        assert total == 2 and {run.id for run in listed} == {"run-1", "run-2"}
        assert stored.get("nothing") is None
    finally:
        again.dispose()


def test_a_run_left_running_by_a_stop_is_failed_at_the_next_start(
        woken_db: WokenDatabase) -> None:
    runs = FederatedRuns(woken_db)
    runs.add("cut-short", "central", {})
    runs.add("elsewhere", "other-node", {})
    assert runs.fail_interrupted("central") == 1
    assert (runs.get("cut-short").state, runs.get("cut-short").error) == ("failed", INTERRUPTED)
    assert runs.get("elsewhere").state == "running"
