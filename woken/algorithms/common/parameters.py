"""The algorithm's parameters: strings on the wire, typed when the algorithm reads them.

Woken has already checked them against the manifest (type, bounds) and filled
in defaults. The container checks them again against the same manifest
(`woken.algorithms.common.manifest`), because it can also be run by hand with a
hand-written job.json: a missing parameter takes the manifest's default, a value
out of the manifest's bounds or values is refused with a clear error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.manifest import ParameterRule


@dataclass(frozen=True)
class Parameters:
    """A job's parameters, read typed and checked against the manifest's rules."""

    values: Mapping[str, str] = field(default_factory=dict)
    # The manifest's rules, by parameter code ({} for an algorithm without a manifest).
    rules: Mapping[str, ParameterRule] = field(default_factory=dict)

    def __contains__(self, code: object) -> bool:
        return code in self.values

    def str_param(self, code: str, default: str | None = None) -> str:
        value = str(self.values[code] if code in self.values else self._default(code, default))
        rule = self.rules.get(code)
        if rule is not None and rule.values and value.strip() not in rule.values:
            raise InputError(
                f"parameter '{code}' must be one of {', '.join(rule.values)}, got {value!r}"
            )
        return value.strip() if rule is not None and rule.values else value

    def int_param(self, code: str, default: int | None = None) -> int:
        if code not in self.values:
            return int(self._default(code, default))
        raw = self.values[code]
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise InputError(f"parameter '{code}' must be an integer, got {raw!r}") from None
        self._check_bounds(code, value)
        return value

    def float_param(self, code: str, default: float | None = None) -> float:
        if code not in self.values:
            return float(self._default(code, default))
        raw = self.values[code]
        try:
            number = float(str(raw).strip())
        except ValueError:
            raise InputError(f"parameter '{code}' must be a number, got {raw!r}") from None
        if not math.isfinite(number):
            raise InputError(f"parameter '{code}' must be finite, got {raw!r}")
        self._check_bounds(code, number)
        return number

    def _default(self, code: str, default: object | None) -> Any:
        """The default of a parameter the job does not give: the manifest's, else `default`."""
        rule = self.rules.get(code)
        if rule is not None and rule.default is not None:
            return rule.default
        if default is None:
            raise InputError(f"parameter '{code}' is required")
        return default

    def _check_bounds(self, code: str, value: float) -> None:
        rule = self.rules.get(code)
        if rule is None:
            return
        low = -math.inf if rule.min is None else rule.min
        high = math.inf if rule.max is None else rule.max
        if not low <= value <= high:
            raise InputError(
                f"parameter '{code}' must be between {low:g} and {high:g}, got {value:g}"
            )
