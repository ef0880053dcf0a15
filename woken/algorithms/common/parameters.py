"""The algorithm's parameters: strings on the wire, typed when the algorithm reads them.

Woken has already checked them against the manifest (type, bounds) and filled
in defaults; the accessors still convert with a clear error, because a
container can also be run by hand with a hand-written job.json.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from woken.algorithms.common.errors import InputError

T = TypeVar("T")


@dataclass(frozen=True)
class Parameters:
    values: Mapping[str, str] = field(default_factory=dict)

    def __contains__(self, code: object) -> bool:
        return code in self.values

    def str_param(self, code: str, default: str | None = None) -> str:
        if code in self.values:
            return self.values[code]
        return self._default(code, default)

    @staticmethod
    def _default(code: str, default: T | None) -> T:
        """The default of a parameter the job does not give; none at all is an error."""
        if default is None:
            raise InputError(f"parameter '{code}' is required")
        return default

    def int_param(self, code: str, default: int | None = None) -> int:
        if code not in self.values:
            return self._default(code, default)
        raw = self.values[code]
        try:
            return int(str(raw).strip())
        except ValueError:
            raise InputError(f"parameter '{code}' must be an integer, got {raw!r}") from None

    def float_param(self, code: str, default: float | None = None) -> float:
        if code not in self.values:
            return self._default(code, default)
        raw = self.values[code]
        try:
            number = float(str(raw).strip())
        except ValueError:
            raise InputError(f"parameter '{code}' must be a number, got {raw!r}") from None
        if not math.isfinite(number):
            raise InputError(f"parameter '{code}' must be finite, got {raw!r}")
        return number
