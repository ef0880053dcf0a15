"""Every federated algorithm, its sites run in-process, equals the pooled computation.

The same local steps the sites run (``LOCAL_STEPS``), on three hospitals' rows; the
same drivers the central runs. The end-to-end version, with real processes and HTTP,
is tests/integration/federation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats
from sklearn.naive_bayes import GaussianNB

from tests.support.federation_data import (
    METAS,
    close,
    column,
    hospital_rows,
    pooled_logistic,
    pooled_ols,
    pooled_type_ii,
)
from woken.algorithms.common.variables import Variable
from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.steps import LOCAL_STEPS
from woken.algorithms.federatedStep.sums import Policy
from woken.errors import BadRequest
from woken.federation.methods.base import Aggregates, MethodRequest
from woken.federation.methods.catalogue import federated_method

ROWS = hospital_rows()
POOLED = [row for rows in ROWS.values() for row in rows]


class InProcessRounds:
    """The sites' local steps called directly (what a site's ``federatedStep`` job runs)."""

    def __init__(self, min_cell_count: int = 1, exact_extremes: bool = False) -> None:
        variables = [Variable.from_json(meta.code, meta.to_json()) for meta in METAS]
        self.sites = [LocalData.from_rows(variables, rows) for rows in ROWS.values()]
        self.policy = Policy(min_cell_count, exact_extremes)
        self.steps: list[str] = []

    def ask(self, step: str, params: dict[str, Any]) -> list[Aggregates]:
        self.steps.append(step)
        return [LOCAL_STEPS[step](site, params, self.policy) for site in self.sites]


def run(code: str, variables: list[str], covariables: list[str], **parameters: Any
        ) -> dict[str, Any]:
    request = MethodRequest(variables, covariables, parameters)
    return federated_method(code).run(InProcessRounds(), request)


def test_statistics_summary() -> None:
    result = run("statisticsSummary", ["y"], ["group"])["statistics"]
    y = column(POOLED, "y")
    assert result["y"]["count"] == len(y)
    assert close([result["y"][k] for k in ("mean", "std")], [y.mean(), y.std(ddof=1)])
    # By default a site's min and max leave rounded outward (two significant digits): the
    # summary's are bounds, within one step of the pooled ones, and no row's value.
    assert result["y"]["extremes"] == "coarse"
    assert y.min() - 1 < result["y"]["min"] <= y.min()
    assert y.max() <= result["y"]["max"] < y.max() + 1
    assert result["y"]["min"] == round(result["y"]["min"]) and result["y"]["min"] not in y
    exact = federated_method("statisticsSummary").run(
        InProcessRounds(exact_extremes=True), MethodRequest(["y"], []))["statistics"]["y"]
    assert exact["extremes"] == "exact"
    assert close([exact["min"], exact["max"]], [y.min(), y.max()])
    groups = column(POOLED, "group")
    assert result["group"]["counts"] == {g: int((groups == g).sum()) for g in ("left", "right",
                                                                                "both")}


def test_histogram_edges_agreed_and_counts_summed() -> None:
    result = run("histograms", ["x1"], ["outcome"], bins=12)
    x1 = column(POOLED, "x1")
    # The edges cut the sites' coarse ranges: whole numbers around the pooled extremes.
    edges = np.linspace(np.floor(x1.min()), np.ceil(x1.max()), 13)
    assert close(result["edges"], edges)
    counts = np.histogram(x1, bins=edges)[0]
    assert result["series"]["all"] == counts.tolist() and counts.sum() == len(x1)
    yes = column(POOLED, "outcome") == "yes"
    assert result["series"]["outcome=yes"] == np.histogram(x1[yes], bins=edges)[0].tolist()


def test_histogram_edges_from_the_requested_range_ask_no_site_for_one() -> None:
    rounds = InProcessRounds()
    result = federated_method("histograms").run(
        rounds, MethodRequest(["x1"], [], {"bins": 5, "min": 40, "max": 60}))
    x1 = column(POOLED, "x1")
    assert rounds.steps == ["histograms.counts"]
    assert result["series"]["all"] == np.histogram(x1, bins=5, range=(40, 60))[0].tolist()
    with pytest.raises(BadRequest, match="min < max"):
        run("histograms", ["x1"], [], min=60, max=40)
    exact = federated_method("histograms").run(InProcessRounds(exact_extremes=True),
                                               MethodRequest(["x1"], [], {"bins": 12}))
    assert close(exact["edges"], np.histogram(x1, bins=12)[1])


def test_histogram_cells_under_the_threshold_are_masked() -> None:
    request = MethodRequest(["x1"], [], {"bins": 30})
    masked = federated_method("histograms").run(InProcessRounds(min_cell_count=3), request)
    exact = run("histograms", ["x1"], [], bins=30)
    assert None in masked["series"]["all"]
    for got, full in zip(masked["series"]["all"], exact["series"]["all"], strict=True):
        assert got is None or got == full


@pytest.mark.parametrize("covariables", [["x1"], ["x1", "x2", "group"]])
def test_linear_regression(covariables: list[str]) -> None:
    result = run("linearRegression", ["y"], covariables)
    expected = pooled_ols(POOLED, covariables)
    coefficients = result["coefficients"]
    for key, name in (("beta", "estimate"), ("se", "std_error"), ("t", "t_value"),
                      ("p", "p_value")):
        assert close([c[name] for c in coefficients], expected[key]), key
    assert close(result["r_squared"], expected["r2"])


def test_logistic_regression_converges_to_the_pooled_maximum() -> None:
    result = run("logisticRegression", ["outcome"], ["x1", "x2", "group"])
    expected = pooled_logistic(POOLED, ["x1", "x2", "group"])
    assert close([c["estimate"] for c in result["coefficients"]], expected["beta"])
    assert close([c["std_error"] for c in result["coefficients"]], expected["se"])
    assert result["iterations"] < 30


def test_naive_bayes_equals_gaussian_nb_on_the_pooled_rows() -> None:
    model = run("naiveBayes", ["outcome"], ["x1", "x2"])["model"]
    x = np.column_stack([column(POOLED, "x1"), column(POOLED, "x2")])
    reference = GaussianNB().fit(x, column(POOLED, "outcome").astype(str))
    assert model["classes"] == reference.classes_.tolist()
    assert close(model["priors"], reference.class_prior_)
    assert close(np.column_stack([model["means"]["x1"], model["means"]["x2"]]),
                 reference.theta_)
    assert close(np.column_stack([model["variances"]["x1"], model["variances"]["x2"]]),
                 reference.var_)


def test_correlation_and_pca() -> None:
    x = np.column_stack([column(POOLED, c) for c in ("y", "x1", "x2")])
    correlation = run("correlationHeatmap", ["y"], ["x1", "x2"])
    assert close(correlation["correlation"], np.corrcoef(x, rowvar=False))
    assert close(correlation["covariance"], np.cov(x, rowvar=False))
    pca = run("pca", ["y"], ["x1", "x2"])
    eigenvalues = np.sort(np.linalg.eigvalsh(np.corrcoef(x, rowvar=False)))[::-1]
    assert close(pca["eigenvalues"], eigenvalues)
    assert close(pca["explained_variance_ratio"], eigenvalues / eigenvalues.sum())


def test_anova_equals_scipy_f_oneway() -> None:
    result = run("anova", ["y"], ["group"])
    y, group = column(POOLED, "y"), column(POOLED, "group")
    f, p = stats.f_oneway(*(y[group == g] for g in ("left", "right", "both")))
    assert close([result["f_statistic"], result["p_value"]], [f, p])


@pytest.mark.parametrize(("factors", "design"), [
    (["group", "outcome"], "factorial"), (["group", "outcome"], "additive"),
    (["group", "x1"], "factorial"), (["group", "outcome", "x2"], "additive")])
def test_anova_with_a_design_equals_the_pooled_type_ii_table(factors: list[str],
                                                             design: str) -> None:
    result = run("anova", ["y"], factors, design=design)
    assert result["design"] == design and result["n"] == len(POOLED)
    expected = pooled_type_ii(POOLED, factors, design)
    got = {row["source"]: row for row in result["type_ii"]}
    assert list(got) == list(expected)
    for source, (df, sum_sq, f) in expected.items():
        assert got[source]["df"] == df, source
        assert close(got[source]["sum_sq"], sum_sq), source
        if source != "Residual":
            assert close(got[source]["F"], f), source


def test_anova_refuses_a_design_whose_cell_is_under_a_site_threshold() -> None:
    """Hospital a has one ('both', 'yes') row: with a threshold of 10 it masks the cell."""
    request = MethodRequest(["y"], ["group", "outcome"], {"design": "additive"})
    with pytest.raises(BadRequest, match="group=both & outcome=yes") as refused:
        federated_method("anova").run(InProcessRounds(min_cell_count=10), request)
    assert refused.value.details == {"site_position": 0}


def test_row_embedding_algorithms_are_refused_with_the_reason() -> None:
    with pytest.raises(BadRequest, match="no patient row may leave"):
        federated_method("knn")
    with pytest.raises(BadRequest, match="has no federated version"):
        federated_method("tpot")


class Measuring(InProcessRounds):
    """Records, per round, the set of the sites' answer shapes."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: list[set[str]] = []

    def ask(self, step: str, params: dict[str, Any]) -> list[Aggregates]:
        answers = super().ask(step, params)
        self.shapes.append({str(_shape(a)) for a in answers})
        return answers


@pytest.mark.parametrize(("code", "variables", "covariables"), [
    ("linearRegression", ["y"], ["x1", "group"]),
    ("logisticRegression", ["outcome"], ["x1", "group"]),
    ("naiveBayes", ["outcome"], ["x1", "group"]),
    ("pca", ["y"], ["x1", "x2"]),
    ("histograms", ["x1"], ["group"]),
])
def test_no_answer_grows_with_the_rows(code: str, variables: list[str],
                                       covariables: list[str]) -> None:
    """Each local step's answer has one shape at sites of 45, 60 and 75 rows: no rows in it."""
    rounds = Measuring()
    federated_method(code).run(rounds, MethodRequest(variables, covariables, {}))
    assert rounds.shapes and all(len(shapes) == 1 for shapes in rounds.shapes)


def _shape(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [(k, _shape(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [len(value), *(_shape(v) for v in value[:1])]
    return []
