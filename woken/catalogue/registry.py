"""The algorithm catalogue: one ``algorithm.toml`` manifest per folder under ``algorithms/``.

A manifest says what the algorithm is (code, label, type, image), what it
accepts (constraints on the variable and covariables) and its parameters with
defaults and bounds. Woken checks every request against it before any job
starts, so that a bad request gets a 400 that says what is wrong.
"""

from __future__ import annotations

import logging
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from woken._guards.strict_numbers import parse_int, parse_number
from woken.catalogue.docker_images import IMAGE_PATTERN
from woken.errors import BadRequest, ConfigurationError
from woken.features.variables import TypeClass, VariableMeta
from woken.validation.folds import K_DEFAULT, K_MAX, K_MIN
from woken.validation.scores import (
    BINARY_METRICS,
    CONFUSION_MATRIX,
    POLYNOMIAL_METRICS,
    REGRESSION_METRICS,
)

log = logging.getLogger(__name__)

MANIFEST = "algorithm.toml"
ENTRYPOINT = "entrypoint.sh"
# "federated": a site's local step (federatedStep), run for its central only: not listed,
# not requested directly.
ALGORITHM_TYPES = ("statistics", "features_extraction", "predictive_model", "federated")
INTERNAL_TYPE = "federated"
PARAMETER_TYPES = ("int", "number", "string", "enumeration")
# The allowance on top of a time budget (see `AlgorithmSpec.timeout_for`) unless the
# manifest says otherwise: TPOT 1.1 overshoots its own limit by up to ~25 %, and a job
# also needs time to start (imports) and to finish (refit on all rows, save, write).
DEFAULT_BUDGET_OVERSHOOT = 0.25
DEFAULT_BUDGET_GRACE_S = 60.0

# Validations and metrics the service offers (contract §1, `GET /mining/algorithms`):
# the k bounds are the fold maker's, the metric names the scores' own.
VALIDATIONS: list[dict[str, Any]] = [
    {
        "code": "kfold",
        "label": "Random k-fold cross-validation",
        "parameters": [
            {"code": "k", "label": "Number of folds", "type": "int", "default_value": K_DEFAULT,
             "min": K_MIN, "max": K_MAX,
             "description": "How many folds the rows are split into."},
        ],
    },
    # The 2019 catalogue's name of the same validation (woken.validation.requested).
    {
        "code": "kFoldCrossValidation",
        "label": "Random k-fold cross-validation",
        "parameters": [
            {"code": "fold", "label": "Number of folds", "type": "int", "default_value": 5,
             "min": 2, "max": 20, "description": "How many folds the rows are split into."},
        ],
    },
]
METRICS: dict[str, list[str]] = {
    "regression": list(REGRESSION_METRICS),
    "classification": [CONFUSION_MATRIX, *POLYNOMIAL_METRICS],
    "binary_classification": [CONFUSION_MATRIX, *BINARY_METRICS],
}


@dataclass(frozen=True)
class ParameterSpec:
    """An algorithm's parameter as its manifest declares it: type, default, bounds."""

    code: str
    label: str
    type: str
    default_value: Any = None
    min: float | None = None
    max: float | None = None
    values: tuple[str, ...] = ()
    description: str = ""
    # A string parameter's form, a regular expression the whole value must match: a value
    # the algorithm would refuse (e.g. "64,x" as layer sizes) is a 400, not a failed job.
    pattern: str | None = None
    # The default a request in the 2019 dialect gets where the 2019 Woken's differed
    # (manifest `default_2019`); None: the same as `default_value`.
    default_2019: Any = None

    def default_for(self, dialect_2019: bool) -> Any:
        """The default a request gets: the 2019 one for a 2019 request, where there is one."""
        return self.default_2019 if dialect_2019 and self.default_2019 is not None \
            else self.default_value

    def check(self, raw: Any) -> str:
        """Validate one value (strings on the wire) and return it as the string the job gets."""
        text = str(raw).strip()
        if self.type == "int":
            try:
                number: float = parse_int(text)
            except ValueError:
                message = f"parameter '{self.code}' must be an integer, got {raw!r}"
                raise BadRequest(message) from None
        elif self.type == "number":
            try:
                number = parse_number(text)
            except ValueError:
                raise BadRequest(f"parameter '{self.code}' must be a number, got {raw!r}") from None
            if not math.isfinite(number):
                raise BadRequest(f"parameter '{self.code}' must be finite, got {raw!r}")
        elif self.type == "enumeration":
            if text not in self.values:
                raise BadRequest(
                    f"parameter '{self.code}' must be one of {list(self.values)}, got {raw!r}"
                )
            return text
        else:
            if self.pattern is not None and re.fullmatch(self.pattern, text) is None:
                raise BadRequest(
                    f"parameter '{self.code}' must match {self.pattern}, got {raw!r}"
                )
            return text
        if self.min is not None and number < self.min:
            raise BadRequest(f"parameter '{self.code}' must be >= {self.min}, got {raw!r}")
        if self.max is not None and number > self.max:
            raise BadRequest(f"parameter '{self.code}' must be <= {self.max}, got {raw!r}")
        return text

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "code": self.code, "label": self.label, "type": self.type,
            "default_value": self.default_value, "description": self.description,
        }
        if self.min is not None:
            document["min"] = self.min
        if self.max is not None:
            document["max"] = self.max
        if self.values:
            document["values"] = list(self.values)
        if self.pattern is not None:
            document["pattern"] = self.pattern
        return document


@dataclass(frozen=True)
class CountConstraint:
    """How many variables of which types an algorithm accepts in one role."""

    min_count: int = 0
    max_count: int | None = None
    # Which type classes are accepted (all by default).
    accepts: frozenset[TypeClass] = frozenset(TypeClass) - {TypeClass.OTHER}

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"min_count": self.min_count, "max_count": self.max_count}
        document.update({t.value: t in self.accepts for t in TypeClass if t is not TypeClass.OTHER})
        return document


# The container command that runs all folds of an algorithm and its model in one job.
BATCHED_COMMAND = "cross_validate"


@dataclass(frozen=True)
class AlgorithmSpec:
    """An algorithm as its manifest declares it: what it is, accepts and takes."""

    code: str
    label: str
    type: str
    description: str
    docker_image: str
    folder: Path
    environment: str = "Python"
    predictive: bool = False
    commands: tuple[str, ...] = ("compute",)
    variable_types: frozenset[TypeClass] = frozenset({TypeClass.REAL})
    covariables: CountConstraint = CountConstraint()
    groupings: CountConstraint = CountConstraint(max_count=0)
    mixed: bool = True
    parameters: tuple[ParameterSpec, ...] = ()
    timeout_s: float | None = None
    # A time budget the request sets: the parameter that holds it (in minutes) and the
    # allowance Woken adds before it kills the job (see `timeout_for`).
    budget_parameter: str | None = None
    budget_overshoot: float = DEFAULT_BUDGET_OVERSHOOT
    budget_grace_s: float = DEFAULT_BUDGET_GRACE_S
    # Legacy MIP images read the features database and insert their own job_result row.
    legacy_database: bool = False
    # The manifest's `missing_values = "keep"`: the job gets rows with missing values too
    # (and counts them), instead of the default policy of leaving such rows out.
    keeps_missing: bool = False
    resources: dict[str, float] = field(default_factory=dict)

    @property
    def entrypoint(self) -> Path:
        return self.folder / ENTRYPOINT

    @property
    def batches_folds(self) -> bool:
        """Its container runs every fold of a k-fold validation in one `cross_validate` job."""
        # A manifest that keeps rows with missing values has its container drop rows per
        # fit: the fold of each row would no longer line up with the rows it fits.
        return (BATCHED_COMMAND in self.commands and self.predictive
                and not self.legacy_database and not self.keeps_missing)

    def timeout_for(self, parameters: Mapping[str, str], default_s: float) -> float:
        """The job's wall-clock limit in seconds, past which the backend kills it.

        With a budget parameter (in minutes): ``budget x 60 x (1 + overshoot) + grace``,
        so that an algorithm that overruns its own limit a little (TPOT 1.1: up to ~25 %)
        still finishes and one that ignores it is stopped. ``parameters`` are the resolved
        ones (strings); a missing budget takes the parameter's default. Without a budget:
        the manifest's ``timeout_s``, else ``default_s`` (the service's job timeout).
        """
        if self.budget_parameter is None:
            return self.timeout_s or default_s
        raw = parameters.get(self.budget_parameter)
        if raw is None:
            raw = str(self._budget_spec().default_value)
        try:
            budget_mins = float(str(raw).strip())
        except ValueError:
            raise BadRequest(
                f"parameter '{self.budget_parameter}' must be a number, got {raw!r}"
            ) from None
        if not math.isfinite(budget_mins) or budget_mins < 0:
            raise BadRequest(
                f"parameter '{self.budget_parameter}' must be a finite number >= 0, got {raw!r}"
            )
        return budget_mins * 60.0 * (1.0 + self.budget_overshoot) + self.budget_grace_s

    def _budget_spec(self) -> ParameterSpec:
        return next(p for p in self.parameters if p.code == self.budget_parameter)

    def budget_to_json(self) -> dict[str, Any] | None:
        """The budget rule as the catalogue states it (None: the service's job timeout)."""
        if self.budget_parameter is None:
            return None
        spec = self._budget_spec()
        return {
            "parameter": self.budget_parameter,
            "unit": "minutes",
            "default_value": spec.default_value,
            "min": spec.min,
            "max": spec.max,
            "overshoot": self.budget_overshoot,
            "grace_s": self.budget_grace_s,
            "timeout": (
                f"{self.budget_parameter} x 60 x {1 + self.budget_overshoot:g} "
                f"+ {self.budget_grace_s:g} s"
            ),
        }

    def resolve_parameters(self, requested: Sequence[Mapping[str, Any]],
                           dialect_2019: bool = False) -> dict[str, str]:
        """Check the request's parameters and fill in defaults; every value is a string.

        ``dialect_2019``: the request speaks 2019's dialect, and gets 2019's defaults.
        """
        by_code = {p.code: p for p in self.parameters}
        resolved: dict[str, str] = {}
        for item in requested:
            code = str(item.get("code", ""))
            if code not in by_code:
                known = ", ".join(sorted(by_code)) or "none"
                raise BadRequest(
                    f"algorithm '{self.code}' has no parameter '{code}' (known: {known})"
                )
            if code in resolved:
                raise BadRequest(f"parameter '{code}' is given twice")
            resolved[code] = by_code[code].check(item.get("value", ""))
        for spec in self.parameters:
            default = spec.default_for(dialect_2019)
            if spec.code not in resolved and default is not None:
                resolved[spec.code] = str(default)
        return resolved

    def check_variables(
        self,
        variables: Sequence[VariableMeta],
        covariables: Sequence[VariableMeta],
        groupings: Sequence[VariableMeta],
    ) -> None:
        """Raise BadRequest if the variables do not fit this algorithm's constraints."""
        if len(variables) != 1:
            raise BadRequest(
                f"algorithm '{self.code}' needs exactly one variable (target), got {len(variables)}"
            )
        target = variables[0]
        if target.type_class not in self.variable_types:
            accepted = ", ".join(sorted(t.value for t in self.variable_types))
            raise BadRequest(
                f"algorithm '{self.code}' does not accept variable '{target.code}' of type "
                f"'{target.type}' (accepted: {accepted})"
            )
        for role, constraint, given in (
            ("covariables", self.covariables, covariables),
            ("grouping", self.groupings, groupings),
        ):
            if len(given) < constraint.min_count:
                raise BadRequest(
                    f"algorithm '{self.code}' needs at least {constraint.min_count} {role}, "
                    f"got {len(given)}"
                )
            if constraint.max_count is not None and len(given) > constraint.max_count:
                raise BadRequest(
                    f"algorithm '{self.code}' accepts at most {constraint.max_count} {role}, "
                    f"got {len(given)}"
                )
            for meta in given:
                if meta.type_class not in constraint.accepts:
                    raise BadRequest(
                        f"algorithm '{self.code}' does not accept {role} '{meta.code}' "
                        f"of type '{meta.type}'"
                    )
        features = [*covariables, *groupings]
        if not self.mixed and features and len({m.is_nominal for m in features}) > 1:
            raise BadRequest(
                f"algorithm '{self.code}' does not accept a mix of nominal and "
                "numeric covariables"
            )

    def to_json(self) -> dict[str, Any]:
        """The catalogue entry (contract §1 `GET /mining/algorithms`)."""
        return {
            "code": self.code,
            "label": self.label,
            "type": self.type,
            "environment": self.environment,
            "description": self.description,
            "docker_image": self.docker_image,
            "predictive": self.predictive,
            "commands": list(self.commands),
            "constraints": {
                "variable": {
                    t.value: t in self.variable_types for t in TypeClass if t is not TypeClass.OTHER
                },
                "covariables": self.covariables.to_json(),
                "groupings": self.groupings.to_json(),
                "mixed": self.mixed,
            },
            "parameters": [p.to_json() for p in self.parameters],
            "budget": self.budget_to_json(),
        }


class Registry:
    """The algorithms found under a folder, by code."""

    def __init__(self, algorithms: Iterable[AlgorithmSpec]) -> None:
        self._by_code = {a.code: a for a in algorithms}

    @classmethod
    def load(cls, algorithms_dir: Path) -> Registry:
        manifests = sorted(algorithms_dir.glob(f"*/{MANIFEST}"))
        if not manifests:
            raise ConfigurationError(f"no {MANIFEST} found under {algorithms_dir}")
        registry = cls(parse_manifest(path) for path in manifests)
        log.info("algorithms: %s", ", ".join(registry.codes()))
        return registry

    def codes(self) -> list[str]:
        """The algorithms a client may request (a site's internal step is not one)."""
        return sorted(c for c, a in self._by_code.items() if a.type != INTERNAL_TYPE)

    def get(self, code: str, internal: bool = False) -> AlgorithmSpec:
        """The algorithm ``code``; an internal one (``federatedStep``) only if ``internal``."""
        found = self._by_code.get(code)
        if found is None or (found.type == INTERNAL_TYPE and not internal):
            raise BadRequest(
                f"unknown algorithm '{code}' (known: {', '.join(self.codes())})"
            )
        return found

    def catalogue(self) -> dict[str, Any]:
        return {
            "algorithms": [self._by_code[c].to_json() for c in self.codes()],
            "validations": VALIDATIONS,
            "metrics": METRICS,
        }


def parse_manifest(path: Path) -> AlgorithmSpec:
    """Read one ``algorithm.toml``; any mistake is a ConfigurationError naming the file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        constraints = raw.get("constraints", {})
        spec = AlgorithmSpec(
            code=raw["code"],
            label=raw["label"],
            type=raw["type"],
            description=raw.get("description", ""),
            docker_image=raw["docker_image"],
            folder=path.parent,
            environment=raw.get("environment", "Python"),
            predictive=bool(raw.get("predictive", False)),
            commands=tuple(raw.get("commands", ["compute"])),
            variable_types=_type_classes(constraints.get("variable", {"real": True})),
            covariables=_count(constraints.get("covariables", {})),
            groupings=_count(constraints.get("groupings", {"max_count": 0})),
            mixed=bool(constraints.get("mixed", True)),
            parameters=tuple(_parameter(p) for p in raw.get("parameters", [])),
            timeout_s=raw.get("timeout_s"),
            budget_parameter=raw.get("budget_parameter"),
            budget_overshoot=float(raw.get("budget_overshoot", DEFAULT_BUDGET_OVERSHOOT)),
            budget_grace_s=float(raw.get("budget_grace_s", DEFAULT_BUDGET_GRACE_S)),
            legacy_database=bool(raw.get("legacy_database", False)),
            keeps_missing=_missing_values_policy(raw.get("missing_values", "drop")),
            resources=dict(raw.get("resources", {})),
        )
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        raise ConfigurationError(f"invalid manifest {path}: {error!r}") from error
    if not IMAGE_PATTERN.fullmatch(spec.docker_image):
        # Found now, at start-up, rather than when a cluster refuses the first job.
        raise ConfigurationError(
            f"invalid manifest {path}: docker_image {spec.docker_image!r} is not a Docker "
            "image reference (lower case [registry/]name[:tag])"
        )
    if spec.type not in ALGORITHM_TYPES:
        raise ConfigurationError(f"invalid manifest {path}: type must be one of {ALGORITHM_TYPES}")
    if spec.folder.name != spec.code:
        raise ConfigurationError(f"invalid manifest {path}: code must be the folder's name")
    if not spec.entrypoint.is_file():
        raise ConfigurationError(f"algorithm {spec.code} has no {ENTRYPOINT}")
    _check_budget(path, spec, raw)
    return spec


def _check_budget(path: Path, spec: AlgorithmSpec, raw: Mapping[str, Any]) -> None:
    """A budget names a numeric parameter with a default; its allowances are not negative."""
    if spec.budget_parameter is None:
        stray = sorted(k for k in ("budget_overshoot", "budget_grace_s") if k in raw)
        if stray:
            raise ConfigurationError(
                f"invalid manifest {path}: {', '.join(stray)} without budget_parameter"
            )
        return
    budget = next((p for p in spec.parameters if p.code == spec.budget_parameter), None)
    if budget is None or budget.type not in ("int", "number") or budget.default_value is None:
        raise ConfigurationError(
            f"invalid manifest {path}: budget_parameter '{spec.budget_parameter}' must name "
            "an int or number parameter with a default_value"
        )
    if not (spec.budget_overshoot >= 0 and spec.budget_grace_s >= 0):
        raise ConfigurationError(
            f"invalid manifest {path}: budget_overshoot and budget_grace_s must be >= 0"
        )


def _type_classes(flags: Mapping[str, bool]) -> frozenset[TypeClass]:
    unknown = set(flags) - {t.value for t in TypeClass}
    if unknown:
        raise ValueError(f"unknown type classes {sorted(unknown)}")
    return frozenset(TypeClass(name) for name, accepted in flags.items() if accepted)


def _count(raw: Mapping[str, Any]) -> CountConstraint:
    type_flags = {k: v for k, v in raw.items() if k not in {"min_count", "max_count"}}
    refused = {TypeClass(k) for k, v in type_flags.items() if not v}
    accepts = frozenset(TypeClass) - {TypeClass.OTHER} - refused
    return CountConstraint(
        min_count=int(raw.get("min_count", 0)),
        max_count=None if raw.get("max_count") is None else int(raw["max_count"]),
        accepts=accepts,
    )


def _parameter(raw: Mapping[str, Any]) -> ParameterSpec:
    if raw["type"] not in PARAMETER_TYPES:
        raise ValueError(f"parameter {raw.get('code')}: type must be one of {PARAMETER_TYPES}")
    pattern = raw.get("pattern")
    if pattern is not None:
        if raw["type"] != "string":
            raise ValueError(f"parameter {raw.get('code')}: only a string parameter has a pattern")
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"parameter {raw.get('code')}: bad pattern: {error}") from None
    return ParameterSpec(
        code=raw["code"],
        label=raw.get("label", raw["code"]),
        type=raw["type"],
        default_value=raw.get("default_value"),
        min=raw.get("min"),
        max=raw.get("max"),
        values=tuple(raw.get("values", ())),
        description=raw.get("description", ""),
        pattern=pattern,
        default_2019=raw.get("default_2019"),
    )


def _missing_values_policy(value: object) -> bool:
    """True for ``missing_values = "keep"``; the default, "drop", leaves such rows out."""
    if value not in ("keep", "drop"):
        raise ValueError(f"missing_values must be 'keep' or 'drop', got {value!r}")
    return value == "keep"
