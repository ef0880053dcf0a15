"""A site's rows as numpy columns, and what the local steps build from them.

The rows never leave this module's callers: a local step turns them into sums.
Nominal variables are coded by their metadata's enumerations, which every site of a
federation shares (the common data elements), so that column ``j`` of one site's
design matrix means what column ``j`` of another's does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from woken.errors import BadRequest
from woken.features.variables import VariableMeta

INTERCEPT = "_intercept"


@dataclass(frozen=True)
class LocalData:
    """The selected rows of one site, column by column (numeric: float64, nominal: str)."""

    columns: dict[str, np.ndarray]
    metas: dict[str, VariableMeta]

    @property
    def n(self) -> int:
        first = next(iter(self.columns.values()), None)
        return 0 if first is None else len(first)

    @classmethod
    def from_rows(cls, metas: Sequence[VariableMeta], rows: Sequence[Sequence[object]]
                  ) -> LocalData:
        columns: dict[str, np.ndarray] = {}
        for i, meta in enumerate(metas):
            values = [row[i] for row in rows]
            if meta.is_numeric:
                columns[meta.code] = np.asarray(values, dtype=np.float64)
            else:
                columns[meta.code] = np.asarray([str(v) for v in values], dtype=object)
        return cls(columns, {meta.code: meta for meta in metas})

    def subset(self, keep: np.ndarray) -> LocalData:
        return LocalData({code: values[keep] for code, values in self.columns.items()},
                         self.metas)

    def numeric(self, code: str) -> np.ndarray:
        if not self.metas[code].is_numeric:
            raise BadRequest(f"variable '{code}' is {self.metas[code].type}, not numeric")
        return self.columns[code]

    def levels(self, code: str) -> list[str]:
        """A nominal variable's categories, in the metadata's order."""
        meta = self.metas[code]
        if not meta.is_nominal:
            raise BadRequest(f"variable '{code}' is {meta.type}, not nominal")
        return [str(e["code"]) for e in meta.enumerations] or sorted(
            {str(v) for v in self.columns[code]})

    def indicator(self, code: str) -> tuple[list[str], np.ndarray]:
        """The categories of a nominal variable and each row's category index."""
        levels = self.levels(code)
        index = {level: i for i, level in enumerate(levels)}
        values = self.columns[code]
        unknown = sorted({str(v) for v in values if v not in index})
        if unknown:
            raise BadRequest(f"variable '{code}' has values outside its enumeration: "
                             f"{', '.join(unknown[:5])}")
        return levels, np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values))

    def design(self, covariables: Sequence[str], intercept: bool = True
               ) -> tuple[list[str], np.ndarray]:
        """The design matrix: an intercept, numeric covariables, nominal ones as dummies.

        A nominal covariable with levels l0, l1, ... becomes columns ``code=l1``, ...
        (l0 is the reference), as R's treatment contrasts do.
        """
        names: list[str] = [INTERCEPT] if intercept else []
        blocks: list[np.ndarray] = [np.ones((self.n, 1))] if intercept else []
        for code in covariables:
            if self.metas[code].is_numeric:
                names.append(code)
                blocks.append(self.columns[code].reshape(-1, 1))
            else:
                levels, index = self.indicator(code)
                for j, level in enumerate(levels[1:], start=1):
                    names.append(f"{code}={level}")
                    blocks.append((index == j).astype(np.float64).reshape(-1, 1))
        if not blocks:
            raise BadRequest("the model has no term: give covariables or an intercept")
        return names, np.hstack(blocks)
