"""A beam search for subgroups: conjunctions of conditions, ranked by weighted relative accuracy.

A subgroup is the rows every one of its selectors (named boolean masks) holds for.
Its quality is the weighted relative accuracy (WRAcc) of a binary target:
``covered / n * (positives / covered - all positives / n)``, the share of the rows it
covers times how much more often the target holds in it than in all rows. Level by level
(up to ``depth`` selectors), every subgroup of the beam is extended by every selector;
candidates covering fewer than ``min_covered`` rows are dropped (a conjunction only
narrows), and the ``beam`` best carry on. A beam as wide as the candidates makes it an
exhaustive search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Selector:
    """One condition on a row, by its printed name, and the rows it holds for."""

    name: str
    rows: Mask


@dataclass(frozen=True)
class Subgroup:
    """A conjunction of selectors (their indices), the rows it covers and its quality."""

    indices: frozenset[int]
    names: tuple[str, ...]
    rows: Mask
    covered: int
    positives: int
    quality: float


def wracc(rows: Mask, target: Mask) -> float:
    """Weighted relative accuracy of the subgroup ``rows`` for the binary ``target``."""
    n, covered = len(target), int(rows.sum())
    if n == 0 or covered == 0:
        return 0.0
    return covered / n * (float(target[rows].mean()) - float(target.mean()))


def _ranked(subgroups: Sequence[Subgroup], count: int) -> list[Subgroup]:
    """The ``count`` best, by quality then fewer selectors then names (a stable order)."""
    return sorted(subgroups, key=lambda s: (-s.quality, len(s.names), s.names))[:count]


def beam_search(selectors: Sequence[Selector], target: Mask, *, beam: int, depth: int,
                min_covered: int, top: int) -> list[Subgroup]:
    """The ``top`` best subgroups of at most ``depth`` selectors.

    Each covers at least ``min_covered`` rows (and at least one).
    """
    min_covered = max(min_covered, 1)
    everything = Subgroup(frozenset(), (), np.ones(len(target), dtype=bool), len(target),
                          int(target.sum()), 0.0)
    frontier, found = [everything], dict[frozenset[int], Subgroup]()
    for _ in range(depth):
        candidates: dict[frozenset[int], Subgroup] = {}
        for parent in frontier:
            for index, selector in enumerate(selectors):
                key = parent.indices | {index}
                if index in parent.indices or key in candidates or key in found:
                    continue
                rows = parent.rows & selector.rows
                covered = int(rows.sum())
                if covered < min_covered:
                    continue
                names = tuple(selectors[i].name for i in sorted(key))
                candidates[key] = Subgroup(key, names, rows, covered, int(target[rows].sum()),
                                           wracc(rows, target))
        if not candidates:
            break
        found.update(candidates)
        frontier = _ranked(list(candidates.values()), beam)
    return _ranked(list(found.values()), top)
