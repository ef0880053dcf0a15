"""The web page of a central: a federated run from the form, in a real headless Chromium."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.federation_cluster import Federation
from tests.support.federation_data import ROWS_BY_SITE, close, pooled_ols

RUN_TIMEOUT_MS = 120_000


def test_a_federated_run_from_the_web_page(federation: Federation, page: Page) -> None:
    page.goto(f"{federation.central}/#/federated")
    # Every site's dataset, named with its site, checked.
    expect(page.locator('input[name="dataset"]:checked')).to_have_count(3)
    expect(page.locator("#federated-form")).to_contain_text("at hospital_b")
    page.select_option("#target", "y")
    page.check('input[name="covariable"][value="x1"]')
    page.select_option("#federated-algorithm", "linearRegression")
    page.fill("#federated-k", "2")
    page.click("#federated-submit")

    rows = page.locator("#transfer tr[data-site]")
    expect(rows).to_have_count(3, timeout=RUN_TIMEOUT_MS)
    assert {rows.nth(i).locator(".rows-sent").inner_text() for i in range(3)} == {"0"}
    shown = page.locator(".federated-result pre").inner_text()
    pooled = [row for rows_ in ROWS_BY_SITE.values() for row in rows_]
    slope = pooled_ols(pooled, ["x1"])["beta"][1]
    assert '"kfold"' in shown
    assert any(close(float(token.strip(",")), slope)
               for token in shown.split() if token.strip(",").replace(".", "").replace(
                   "-", "").replace("e", "").isdigit())


def test_a_refusal_is_shown_on_the_page(federation: Federation, page: Page) -> None:
    page.goto(f"{federation.central}/#/federated")
    page.select_option("#target", "y")
    page.select_option("#federated-algorithm", "anova")
    page.click("#federated-submit")
    expect(page.locator("#federated-error")).to_contain_text(
        "anova (federated) needs at least one covariable", timeout=RUN_TIMEOUT_MS)
