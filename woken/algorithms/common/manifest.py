"""The algorithm's own manifest (``algorithm.toml``), read by the container itself.

The manifest is the one place where a parameter's default, bounds and values are
stated: Woken checks a request against it before any job starts, and the
container reads the same file (it ships in the image beside the code) to fill in
defaults and to check a hand-written ``job.json``. No copy of a bound lives in code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from woken.algorithms.common.errors import InputError

MANIFEST = "algorithm.toml"
# woken/algorithms/<code>/algorithm.toml, in the repository and in every image.
ALGORITHMS_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ParameterRule:
    """A parameter as its manifest states it."""

    code: str
    type: str
    default: Any = None
    min: float | None = None
    max: float | None = None
    values: tuple[str, ...] = ()


@cache
def parameter_rules(algorithm: str) -> dict[str, ParameterRule]:
    """The parameters of the algorithm named `algorithm`; {} if it has no manifest here."""
    if not algorithm or "/" in algorithm or algorithm.startswith("."):
        return {}
    path = ALGORITHMS_ROOT / algorithm / MANIFEST
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"cannot read the manifest {path}: {error}") from error
    rules = {}
    for item in document.get("parameters", []):
        rule = ParameterRule(
            code=str(item["code"]), type=str(item.get("type", "string")),
            default=item.get("default_value"), min=item.get("min"), max=item.get("max"),
            values=tuple(str(v) for v in item.get("values", ())),
        )
        rules[rule.code] = rule
    return rules
