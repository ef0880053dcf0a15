"""What Woken knows of a variable: its metadata row, and the problem type it implies."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# One definition of the type families, shared with the algorithm containers.
from woken.algorithms.common.variables import NOMINAL_TYPES, NUMERIC_TYPES, TypedVariable

VARIABLE_TYPES = NOMINAL_TYPES | NUMERIC_TYPES | {"text", "date"}


class TypeClass(StrEnum):
    """The coarse type an algorithm's constraints speak of (contract §1 `constraints`)."""

    REAL = "real"
    BINOMINAL = "binominal"
    POLYNOMINAL = "polynominal"
    OTHER = "other"


class ProblemType(StrEnum):
    """What a predictive algorithm does with its target: classify or regress."""

    CLASSIFICATION = "classification"
    REGRESSION = "regression"


@dataclass(frozen=True)
class VariableMeta(TypedVariable):
    """A variable's metadata: code, label, type, categories and description."""

    code: str
    label: str
    type: str
    enumerations: tuple[dict[str, str], ...] = ()
    unit: str = ""
    description: str = ""
    methodology: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def type_class(self) -> TypeClass:
        if self.is_numeric:
            return TypeClass.REAL
        if self.type == "binominal" or (self.type == "nominal" and len(self.enumerations) == 2):
            return TypeClass.BINOMINAL
        if self.is_nominal:
            return TypeClass.POLYNOMINAL
        return TypeClass.OTHER

    @property
    def problem_type(self) -> ProblemType | None:
        """The learning problem this variable poses as a target (contract §2)."""
        if self.is_nominal:
            return ProblemType.CLASSIFICATION
        if self.is_numeric:
            return ProblemType.REGRESSION
        return None

    def to_json(self) -> dict[str, Any]:
        """The metadata as the contract's `PARAM_meta` and `job.json` carry it."""
        document: dict[str, Any] = {"code": self.code, "label": self.label, "type": self.type}
        if self.enumerations:
            document["enumerations"] = [dict(e) for e in self.enumerations]
        for name in ("unit", "description", "methodology"):
            if getattr(self, name):
                document[name] = getattr(self, name)
        return document
