"""The web page end to end in a real headless Chromium (Debian's), driven by Playwright.

Submit from the form, watch the progress reach the end, read the leaderboard and the
chart, open a job's log, cancel a second experiment; the screenshot is kept in
tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.support.server import woken_server
from woken.config import REPOSITORY_ROOT

ARTIFACTS = REPOSITORY_ROOT / "tests" / "artifacts"
IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
EXPERIMENT_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with woken_server(tmp_path_factory.mktemp("page") / "var") as woken:
        yield woken.url


def test_submit_watch_and_read_the_leaderboard(server: str, page: Page) -> None:
    page.goto(f"{server}/#/new")
    page.locator('input[name="dataset"]').first.uncheck()
    page.check('input[name="dataset"][value="iris"]')
    expect(page.locator("#target option")).to_have_count(5)
    page.select_option("#target", "species")
    for feature in IRIS_FEATURES:
        page.check(f'input[name="covariable"][value="{feature}"]')
    page.check('input[name="algorithm"][value="knn"]')
    page.check('input[name="algorithm"][value="naiveBayes"]')
    page.fill("#k", "3")
    page.click("#submit")

    page.wait_for_url("**/#/experiments/*")
    expect(page.locator("h1 + p [data-state]")).to_have_attribute(
        "data-state", "completed", timeout=EXPERIMENT_TIMEOUT_MS)
    # One batched job per algorithm: its model and its 3 folds.
    expect(page.locator("#progress")).to_have_attribute("value", "2")

    rows = page.locator("#leaderboard tr[data-algorithm]")
    expect(rows).to_have_count(2)
    ranks = {rows.nth(i).get_attribute("data-algorithm"):
             rows.nth(i).locator("td").first.inner_text() for i in range(2)}
    assert ranks.keys() == {"knn", "naiveBayes"} and sorted(ranks.values()) == ["1", "2"]
    mean = float(rows.first.locator("td").nth(2).inner_text())
    assert 0.8 < mean <= 1.0
    expect(page.locator("svg.chart rect")).to_have_count(2)
    # Per-fold scores: a header and a line per algorithm, one cell per fold.
    expect(page.locator("#fold-scores tr")).to_have_count(3)
    expect(page.locator("#fold-scores tr").nth(1).locator("td")).to_have_count(4)

    page.locator(".algorithm[data-algorithm=knn] a[data-job]").first.click()
    expect(page.locator("#log pre[data-stream=stderr]")).to_be_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-page-experiment.png"), full_page=True)

    page.goto(f"{server}/#/")
    expect(page.locator("#experiments tr[data-experiment]")).to_have_count(1)
    expect(page.locator("#experiments [data-state=completed]")).to_have_count(1)


def test_cancel_a_running_experiment(server: str, page: Page) -> None:
    body = {
        "variables": [{"code": "species"}],
        "covariables": [{"code": c} for c in IRIS_FEATURES],
        "datasets": [{"code": "iris"}],
        "algorithms": [{"code": "tpot", "parameters": [
            {"code": "max_time_mins", "value": "2"}, {"code": "generations", "value": "100"}]}],
        "validations": [{"code": "kfold", "parameters": [{"code": "k", "value": "2"}]}],
    }
    accepted = requests.post(f"{server}/mining/experiment?async=true", json=body, timeout=30)
    assert accepted.status_code == 202, accepted.text
    experiment_id = accepted.json()["experimentId"]

    page.goto(f"{server}/#/experiments/{experiment_id}")
    page.click("#cancel")
    expect(page.locator("h1 + p [data-state]")).to_have_attribute(
        "data-state", "cancelled", timeout=60_000)
    expect(page.locator("#cancel")).to_have_count(0)
