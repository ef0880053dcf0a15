"""/metrics: the counters move as jobs and experiments run, and each app has its own."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment
from tests.integration.api.test_mining_job import job, post_job


async def scrape(client) -> dict[tuple[str, tuple], float]:
    answer = await client.get("/metrics")
    assert answer.status == 200
    assert answer.content_type == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(await answer.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_running_a_job_and_an_experiment_moves_the_counters(client) -> None:
    before = await scrape(client)
    status, result = await post_job(client, job(
        "knn", ["cognitive_task2"], ["score_math_course1", "score_test1"],
    ))
    assert status == 200 and result["error"] is None, result
    answer = await client.post("/mining/experiment", json=experiment(
        "species", IRIS_FEATURES, ["naiveBayes"], k=2))
    assert answer.status == 200, await answer.text()
    await client.get("/mining/jobs/no-such-job")
    after = await scrape(client)

    succeeded = {"algorithm": "knn", "state": "succeeded"}
    assert value(after, "woken_jobs", **succeeded) == value(before, "woken_jobs", **succeeded) + 1
    knn = {"algorithm": "knn"}
    assert value(after, "woken_job_duration_seconds_count", **knn) == 1
    assert value(after, "woken_job_duration_seconds_sum", **knn) > 0
    # The experiment: one batched job (the model and its two folds), ended.
    assert value(after, "woken_jobs", algorithm="naiveBayes", state="succeeded") == 1
    assert value(after, "woken_experiments", algorithm="naiveBayes", state="completed") == 1
    assert value(after, "woken_experiment_duration_seconds_count", algorithm="naiveBayes") == 1
    assert value(after, "woken_jobs_running") == 0 and value(after, "woken_jobs_queued") == 0

    post = {"method": "POST", "route": "/mining/job", "status": "200"}
    assert value(after, "woken_http_requests_total", **post) == 1
    missing = {"method": "GET", "route": "/mining/jobs/{job_id}", "status": "404"}
    assert value(after, "woken_http_requests_total", **missing) == 1
    # The scrape before this one was counted too.
    metrics = {"method": "GET", "route": "/metrics", "status": "200"}
    assert value(after, "woken_http_requests_total", **metrics) == 1
