"""Where a result's data came from, and what the client should know about it.

The 2019 QueryResult carries `dataProvenance` (the datasets read), `feedback`
(warnings and notes) and `query` (the query as Woken understood it, defaults
filled in). Missing values follow one stated policy: a row missing a value of a
requested variable is left out, and the feedback says, per dataset, how many rows
were used and how many were left out; nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MISSING_VALUES_POLICY = "rows missing a value of a requested variable are left out"
# An algorithm that handles missing values itself (its manifest's `missing_values = "keep"`).
KEPT_MISSING_POLICY = "missing values are passed to the algorithm, which handles them"
# An experiment whose algorithms all handle them: the target is the scores' truth.
KEPT_BUT_TARGET_POLICY = (
    "rows missing the target's value are left out; other missing values are passed to "
    "the algorithms, which handle them"
)


@dataclass(frozen=True)
class DatasetRows:
    """One dataset's rows in a selection: ``used`` + ``left_out`` pass the filters."""

    dataset: str
    used: int
    left_out: int
    # "data" (the rows a job or model reads), "training" or "validation".
    role: str = "data"
    # Why rows were left out: one of the policies above.
    policy: str = MISSING_VALUES_POLICY

    def feedback(self) -> dict[str, Any]:
        message = (
            f"dataset '{self.dataset}' ({self.role}): {self.used} rows used, "
            f"{self.left_out} left out ({self.policy})"
        )
        return {
            "type": "warning" if self.left_out else "info",
            "msg": message,
            "dataset": self.dataset,
            "role": self.role,
            "rowsUsed": self.used,
            "rowsLeftOut": self.left_out,
        }


@dataclass(frozen=True)
class ResultContext:
    """The 2019 fields a result carries beside its data (see :meth:`to_json`)."""

    algorithm: str
    query: dict[str, Any]
    rows: tuple[DatasetRows, ...] = ()
    # Warnings about the request itself (e.g. covariables dropped).
    warnings: tuple[str, ...] = ()
    user: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def feedback(self) -> list[dict[str, Any]]:
        notes = [{"type": "warning", "msg": warning} for warning in self.warnings]
        return [*notes, *(rows.feedback() for rows in self.rows)]

    def to_json(self) -> dict[str, Any]:
        # Only the datasets that gave rows: one whose every row was filtered out or
        # left out for a missing value contributed nothing (its feedback says why).
        provenance = list(dict.fromkeys(rows.dataset for rows in self.rows if rows.used))
        return {
            "algorithm": self.algorithm,
            "dataProvenance": [{"code": code} for code in provenance],
            "feedback": self.feedback(),
            "query": self.query,
            "user": {"code": self.user} if self.user else None,
        }


def rows_json(rows: Sequence[DatasetRows]) -> list[dict[str, Any]]:
    return [{"dataset": r.dataset, "role": r.role, "used": r.used, "leftOut": r.left_out}
            for r in rows]
