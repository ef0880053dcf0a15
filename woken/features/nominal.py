"""Which text columns are nominal: a string column with few distinct values.

A CSV rarely says that ``sex`` is a category; without it, ``sex`` would be free
text that no classifier may take. A string column (of a Table Schema or inferred)
without an enumeration becomes nominal when it holds at most
``NOMINAL_MAX_VALUES`` distinct values and one of them at least repeats (a column
of unique values is an identifier, not a category), its enumerations those values in sorted
order (deterministic, so the first class — the positive one of binary scores —
does not depend on the order of the rows). The load's summary says so, and a
metadata file overrides it.
"""

from __future__ import annotations

from dataclasses import replace

from woken.features.variables import VariableMeta

NOMINAL_MAX_VALUES = 10


class DistinctValues:
    """The distinct values of one column, kept only up to ``limit``: memory stays bounded."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._values: set[str] | None = set()
        self._count = 0

    def add(self, value: str | None) -> None:
        if value is None or self._values is None:
            return
        self._count += 1
        self._values.add(value)
        if len(self._values) > self._limit:
            self._values = None  # too many: the column is text, whatever comes next

    def values(self) -> list[str] | None:
        """The sorted distinct values; None if more than ``limit``, or if none repeats."""
        if self._values is None or len(self._values) == self._count:
            return None
        return sorted(self._values)


def as_nominal(variable: VariableMeta, values: list[str]) -> VariableMeta:
    """The text ``variable`` as a nominal one with ``values`` as its enumerations."""
    return replace(
        variable,
        type="binominal" if len(values) == 2 else "polynominal",
        enumerations=tuple({"code": value, "label": value} for value in values),
    )
