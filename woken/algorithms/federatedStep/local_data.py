"""A site's rows as numpy columns, and what the local steps build from them.

The rows never leave the job: a local step turns them into sums. Nominal variables
are coded by their metadata's enumerations, which every site of a federation shares
(the common data elements), so that column ``j`` of one site's design matrix means
what column ``j`` of another's does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.table import Table
from woken.algorithms.common.variables import Variable

INTERCEPT = "_intercept"


@dataclass(frozen=True)
class LocalData:
    """The selected rows of one site, column by column (numeric: float64, nominal: str)."""

    columns: dict[str, np.ndarray]
    metas: Mapping[str, Variable]

    @property
    def n(self) -> int:
        first = next(iter(self.columns.values()), None)
        return 0 if first is None else len(first)

    @classmethod
    def from_table(cls, metas: Mapping[str, Variable], table: Table) -> LocalData:
        """The columns of ``table`` that ``metas`` describe (job.json's metadata, data.json)."""
        columns: dict[str, np.ndarray] = {}
        for code, meta in metas.items():
            if meta.is_numeric:
                columns[code] = table.numeric(meta)
            else:
                columns[code] = np.asarray([str(v) for v in table.values(code)], dtype=object)
        return cls(columns, dict(metas))

    @classmethod
    def from_rows(cls, metas: Sequence[Variable], rows: Sequence[Sequence[object]]
                  ) -> LocalData:
        """Rows in the order of ``metas`` (what data.json holds)."""
        table = Table(tuple(m.code for m in metas), tuple(tuple(row) for row in rows))
        return cls.from_table({m.code: m for m in metas}, table)

    def numeric(self, code: str) -> np.ndarray:
        if not self.metas[code].is_numeric:
            raise InputError(f"variable '{code}' is {self.metas[code].type}, not numeric")
        return self.columns[code]

    def levels(self, code: str) -> list[str]:
        """A nominal variable's categories, in the metadata's order."""
        meta = self.metas[code]
        if not meta.is_nominal:
            raise InputError(f"variable '{code}' is {meta.type}, not nominal")
        return list(meta.categories)

    def indicator(self, code: str) -> tuple[list[str], np.ndarray]:
        """The categories of a nominal variable and each row's category index."""
        levels = self.levels(code)
        index = {level: i for i, level in enumerate(levels)}
        values = self.columns[code]
        unknown = sorted({str(v) for v in values if v not in index})
        if unknown:
            raise InputError(f"variable '{code}' has values outside its enumeration: "
                             f"{', '.join(unknown[:5])}")
        return levels, np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values))

    def dummies(self, code: str) -> tuple[list[str], np.ndarray]:
        """A variable's columns: itself if numeric, else one 0/1 column per level but the first.

        The first level is the reference, as R's treatment contrasts do.
        """
        if self.metas[code].is_numeric:
            return [code], self.columns[code].reshape(-1, 1)
        levels, index = self.indicator(code)
        names = [f"{code}={level}" for level in levels[1:]]
        return names, (index[:, None] == np.arange(1, len(levels))).astype(np.float64)

    def design(self, covariables: Sequence[str], intercept: bool = True
               ) -> tuple[list[str], np.ndarray]:
        """The design matrix: an intercept, numeric covariables, nominal ones as dummies."""
        names: list[str] = [INTERCEPT] if intercept else []
        blocks: list[np.ndarray] = [np.ones((self.n, 1))] if intercept else []
        for code in covariables:
            columns, block = self.dummies(code)
            names += columns
            blocks.append(block)
        if not blocks:
            raise InputError("the model has no term: give covariables or an intercept")
        return names, np.hstack(blocks)
