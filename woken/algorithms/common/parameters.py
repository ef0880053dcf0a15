"""The algorithm's parameters: strings on the wire, typed when the algorithm reads them.

Woken has already checked them against the manifest (type, bounds) and filled
in defaults; the accessors still convert with a clear error, because a
container can also be run by hand with a hand-written job.json.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
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

    # Checked accessors: the manifest's bounds (default, min, max) and values, checked again
    # here for a container run by hand. Each algorithm keeps its bounds as (default, min,
    # max) tuples next to its code, and a test compares them with its algorithm.toml.

    def int_between(self, code: str, default: int, low: int, high: int) -> int:
        value = self.int_param(code, default)
        _check_between(code, value, low, high)
        return value

    def float_between(self, code: str, default: float, low: float, high: float) -> float:
        value = self.float_param(code, default)
        _check_between(code, value, low, high)
        return value

    def one_of(self, code: str, allowed: Sequence[str], default: str | None = None) -> str:
        """One of ``allowed`` (the manifest's enumeration); the default is its first value."""
        value = self.str_param(code, allowed[0] if default is None else default).strip()
        if value not in allowed:
            raise InputError(
                f"parameter '{code}' must be one of {', '.join(allowed)}, got {value!r}"
            )
        return value


def _check_between(code: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise InputError(f"parameter '{code}' must be between {low:g} and {high:g}, got {value:g}")
