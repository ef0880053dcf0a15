"""GET /mining/jobs/{id}/logs: a failed job's stdout and stderr, whole, tail and range."""

from __future__ import annotations

from tests.integration.api.test_mining_job import job, post_job


async def test_a_crashed_jobs_logs_are_linked_and_readable(client) -> None:
    status, result = await post_job(client, job("crasher", ["cognitive_task2"], []))
    assert status == 200 and result["error"], result
    stored = await (await client.get(f"/mining/jobs/{result['jobId']}")).json()
    assert stored["state"] == "failed"
    link = stored["logs"]
    assert link == f"/mining/jobs/{result['jobId']}/logs"

    whole = await client.get(link)
    assert whole.status == 200
    logs = await whole.json()
    assert logs["stderr"]["total"] == 3
    assert logs["stderr"]["text"].startswith("Traceback (most recent call last):\n")
    assert "impossible value" in logs["stderr"]["text"]
    assert logs["stdout"] == {"text": "", "start": 0, "end": 0, "total": 0, "cut": False}

    tail = await (await client.get(link, params={"tail": "1"})).json()
    assert tail["stderr"]["text"].startswith("ValueError:")
    assert (tail["stderr"]["start"], tail["stderr"]["end"]) == (2, 3)
    first = await (await client.get(link, params={"start": "0", "end": "1"})).json()
    assert first["stderr"]["text"] == "Traceback (most recent call last):\n"


async def test_bad_log_requests_are_clear(client) -> None:
    missing = await client.get("/mining/jobs/nope/logs")
    assert missing.status == 404
    both = await client.get("/mining/jobs/nope/logs", params={"tail": "1", "start": "0"})
    assert both.status == 400 and "either" in (await both.json())["message"]
