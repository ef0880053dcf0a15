"""A variable's metadata as the algorithm reads it from job.json.

This mirrors ``woken.features.variables.VariableMeta`` without importing it:
containers do not ship Woken, only the files of its volume.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from woken.algorithms.common.errors import InputError

NOMINAL_TYPES = frozenset({"binominal", "polynominal", "nominal"})
NUMERIC_TYPES = frozenset({"real", "integer"})


@dataclass(frozen=True)
class Enumeration:
    """One category of a nominal variable: the code found in the rows and its label."""

    code: str
    label: str


class TypedVariable:
    """What a variable's type says: nominal or numeric (the service's VariableMeta shares it)."""

    type: str

    @property
    def is_nominal(self) -> bool:
        return self.type in NOMINAL_TYPES

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True)
class Variable(TypedVariable):
    """One variable's metadata: code, label, type and, for a nominal one, its categories."""

    code: str
    label: str
    type: str
    enumerations: tuple[Enumeration, ...] = ()

    @classmethod
    def from_json(cls, code: str, document: Mapping[str, Any]) -> Variable:
        """Read one entry of job.json's ``metadata``; a nominal variable needs its enumerations."""
        if not isinstance(document, Mapping):
            raise InputError(f"the metadata of variable '{code}' must be an object")
        variable_type = str(document.get("type", ""))
        if variable_type not in NOMINAL_TYPES | NUMERIC_TYPES:
            raise InputError(
                f"variable '{code}' has type {variable_type!r}: algorithms handle "
                f"{sorted(NUMERIC_TYPES)} (numeric) and {sorted(NOMINAL_TYPES)} (nominal)"
            )
        try:
            enumerations = tuple(
                Enumeration(code=str(e["code"]), label=str(e.get("label") or e["code"]))
                for e in document.get("enumerations") or ()
            )
        except (KeyError, TypeError, AttributeError):
            raise InputError(
                f"variable '{code}': enumerations must be objects with a 'code'"
            ) from None
        if variable_type in NOMINAL_TYPES and not enumerations:
            # Without the list of categories, train and test could not encode alike.
            raise InputError(f"nominal variable '{code}' has no enumerations in its metadata")
        return cls(
            code=code,
            label=str(document.get("label") or code),
            type=variable_type,
            enumerations=enumerations,
        )

    @property
    def categories(self) -> tuple[str, ...]:
        """The enumeration codes, in the metadata's order (the order of one-hot columns)."""
        return tuple(e.code for e in self.enumerations)

    def label_of(self, category: str) -> str:
        for enumeration in self.enumerations:
            if enumeration.code == category:
                return enumeration.label
        return category


def codes_are(codes: Sequence[str]) -> str:
    """"age is" or "age, bmi are": the subject of an error about the variables named."""
    return f"{', '.join(codes)} {'is' if len(codes) == 1 else 'are'}"
