"""The request of a federated run (``POST /mining/federated``), checked before any site is asked.

It follows the 2019 experiment query: ``variables``, ``covariables``, ``datasets``
(or ``trainingDatasets``), ``validationDatasets`` (remote validation), ``filters``,
``algorithms`` (or one ``algorithm``) with their ``parameters``, ``validations``
(``kfold`` and its ``k``), and ``executionPlan``: absent, or ``"scatter-gather"`` /
``"map-reduce"`` (what federation does: local steps at the sites, the global step
here). Any other plan is refused, by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from woken.errors import BadRequest

HONOURED_PLANS = ("scatter-gather", "map-reduce")
DEFAULT_SEED = 0


@dataclass(frozen=True)
class AlgorithmChoice:
    """One algorithm of the request and its parameters (numbers parsed)."""

    code: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class FederatedQuery:
    """A checked federated request."""

    algorithms: list[AlgorithmChoice]
    variables: list[str]
    covariables: list[str]
    datasets: list[str]
    validation_datasets: list[str]
    filters: Any
    k: int | None
    seed: int


def parse_query(body: Any) -> FederatedQuery:
    if not isinstance(body, dict):
        raise BadRequest("the request must be a JSON object")
    plan = body.get("executionPlan")
    if plan is not None and plan not in HONOURED_PLANS:
        raise BadRequest(f"executionPlan {plan!r} does not map to a federated run: "
                         f"give one of {', '.join(HONOURED_PLANS)} or none")
    raw_algorithms = body.get("algorithms")
    if raw_algorithms is None and body.get("algorithm") is not None:
        raw_algorithms = [body["algorithm"]]
    if not isinstance(raw_algorithms, list) or not raw_algorithms:
        raise BadRequest("give an algorithm (or a list of algorithms)")
    datasets = _codes(body.get("trainingDatasets") or body.get("datasets"), "datasets")
    if not datasets:
        raise BadRequest("give the datasets (or trainingDatasets) to compute on")
    validation = _codes(body.get("validationDatasets") or body.get("testingDatasets"),
                        "validationDatasets")
    if set(validation) & set(datasets):
        raise BadRequest("a dataset cannot be both trained on and held out for validation")
    seed = body.get("seed", DEFAULT_SEED)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise BadRequest("seed must be a non-negative integer")
    variables = _codes(body.get("variables"), "variables")
    if not variables:
        raise BadRequest("give at least one variable")
    return FederatedQuery(
        algorithms=[_algorithm(raw) for raw in raw_algorithms],
        variables=variables, covariables=_codes(body.get("covariables"), "covariables"),
        datasets=datasets, validation_datasets=validation, filters=body.get("filters"),
        k=_k(body.get("validations")), seed=seed,
    )


def _codes(raw: Any, name: str) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise BadRequest(f"{name} must be a list")
    codes = [item.get("code") if isinstance(item, dict) else item for item in raw]
    if not all(isinstance(code, str) and code for code in codes):
        raise BadRequest(f"{name}: each entry is a code or {{\"code\": ...}}")
    if len(set(codes)) != len(codes):
        raise BadRequest(f"{name}: a code is listed twice")
    return [str(code) for code in codes]


def _algorithm(raw: Any) -> AlgorithmChoice:
    if isinstance(raw, str):
        return AlgorithmChoice(raw, {})
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        raise BadRequest("an algorithm is {\"code\": ..., \"parameters\": [...]}")
    parameters: dict[str, Any] = {}
    for item in raw.get("parameters") or []:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            raise BadRequest(f"algorithm {raw['code']}: a parameter is {{code, value}}")
        parameters[item["code"]] = _value(item.get("value"))
    return AlgorithmChoice(raw["code"], parameters)


def _value(raw: Any) -> Any:
    """The 2017 wire format sends every parameter as a string: numbers become numbers."""
    if not isinstance(raw, str):
        return raw
    if raw.lower() in {"true", "false"}:
        return raw.lower() == "true"
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def _k(raw: Any) -> int | None:
    if not raw:
        return None
    if not isinstance(raw, list) or len(raw) != 1 or not isinstance(raw[0], dict):
        raise BadRequest("validations: one k-fold validation, {\"code\": \"kfold\", ...}")
    validation = raw[0]
    if validation.get("code") not in {"kfold", "kFoldCrossValidation"}:
        raise BadRequest(f"validation {validation.get('code')!r} does not federate; kfold does")
    values = {p.get("code"): _value(p.get("value")) for p in validation.get("parameters") or []
              if isinstance(p, dict)}
    k = values.get("k", values.get("fold", 2))
    if not isinstance(k, int) or not 2 <= k <= 20:
        raise BadRequest("kfold: k must be an integer from 2 to 20")
    return k
