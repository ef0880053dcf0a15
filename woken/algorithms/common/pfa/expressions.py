"""Small builders of PFA expressions and Avro types, so that model documents read alike."""

from __future__ import annotations

from typing import Any

DOUBLE_ARRAY: dict[str, Any] = {"type": "array", "items": "double"}
STRING_ARRAY: dict[str, Any] = {"type": "array", "items": "string"}


class Var(str):
    """A variable's name in a path (a plain string in a path is a field's name)."""


def array_of(items: Any) -> dict[str, Any]:
    return {"type": "array", "items": items}


def record(name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """An Avro record type; ``fields`` maps each field's name to its type, in order."""
    return {"type": "record", "name": name,
            "fields": [{"name": field, "type": kind} for field, kind in fields.items()]}


def cell(name: str, *path: Any) -> dict[str, Any]:
    """Read a cell, or a part of it (integers index arrays, strings name fields)."""
    if not path:
        return {"cell": name}
    return {"cell": name, "path": [_step(p) for p in path]}


def attr(expression: Any, *path: Any) -> dict[str, Any]:
    """A field or an item of a record, array or map held in a variable or expression."""
    return {"attr": expression, "path": [_step(p) for p in path]}


def _step(step: Any) -> Any:
    if isinstance(step, Var):
        return str(step)
    return {"string": step} if isinstance(step, str) else step


def literal(value: Any, avro_type: Any) -> dict[str, Any]:
    return {"value": value, "type": avro_type}


def fcn(params: dict[str, Any], ret: Any, *body: Any) -> dict[str, Any]:
    """An inline function: ``params`` maps each parameter's name to its type."""
    return {"params": [{name: kind} for name, kind in params.items()], "ret": ret,
            "do": list(body)}


def let(name: str, expression: Any) -> dict[str, Any]:
    return {"let": {name: expression}}


def cell_spec(avro_type: Any, init: Any) -> dict[str, Any]:
    """A cell of the document: its type and its value (never changed by scoring)."""
    return {"type": avro_type, "init": init, "shared": False, "rollback": False}


def argmax_of(classes_cell: str, scores: Any) -> dict[str, Any]:
    """The class whose score is highest (the first of equal ones, as numpy's argmax)."""
    return cell(classes_cell, {"a.argmax": [scores]})


# A linear function of ``x`` (PFA's ``model.reg.linear``): ``const + coeff . x``.
REGRESSION = record("Regression", {"const": "double", "coeff": DOUBLE_ARRAY})
