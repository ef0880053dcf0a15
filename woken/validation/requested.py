"""A k-fold validation as named: 2017 `kfold`/`k` or 2019 `kFoldCrossValidation`/`fold`.

The 2019 catalogue renamed the validation and its parameter; both spellings mean
the same k-fold here, and the catalogue (`woken.catalogue.registry.VALIDATIONS`) lists both.
"""

from __future__ import annotations

from typing import Any, Protocol

from woken.errors import BadRequest
from woken.validation.folds import K_DEFAULT, check_k

# The validation's code -> the name of its number-of-folds parameter.
KFOLD_NAMES = {"kfold": "k", "kFoldCrossValidation": "fold"}


class RequestedValidation(Protocol):
    """A validation as a request names it (a code and its parameters)."""

    @property
    def code(self) -> str: ...

    @property
    def parameters(self) -> list[dict[str, Any]]: ...


def kfold_k(validation: RequestedValidation, n_rows: int) -> int:
    """The number of folds; BadRequest for an unknown validation or parameter."""
    if validation.code not in KFOLD_NAMES:
        raise BadRequest(
            f"unknown validation '{validation.code}' (known: {', '.join(sorted(KFOLD_NAMES))})"
        )
    parameters = {str(p.get("code")): p.get("value") for p in validation.parameters}
    unknown = set(parameters) - {"k", "fold"}
    if unknown:
        names = ", ".join(sorted(unknown))
        raise BadRequest(f"validation '{validation.code}' has no parameter(s) {names}")
    if len(parameters) > 1:
        raise BadRequest(f"validation '{validation.code}': give the number of folds once")
    raw = next(iter(parameters.values()), None)
    raw = K_DEFAULT if raw is None else raw
    return check_k(raw if isinstance(raw, str | int) else repr(raw), n_rows)
