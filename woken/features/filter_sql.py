"""A parsed filter as an SQLAlchemy condition: checked against the metadata, values bound.

Every rule's field must be a known variable (a column of the table *and* a
metadata entry); every value must fit its variable's type: a finite number for
``real``/``integer``, an enumeration code for nominal variables, an ISO date
for ``date``. Values only ever reach the database as bound parameters, and LIKE
patterns escape ``%`` and ``_``, so a value is always compared literally.

Semantics worth knowing:

- ``is_empty`` / ``is_not_empty`` mean "no value" / "a value": NULL, or ``''``
  for strings (QueryBuilder's SQL plugin only tests ``= ''``, which never matches
  here since missing values are stored as NULL);
- comparisons (``less`` … ``between``) apply to numbers and dates only, the
  pattern operators (``begins_with`` …) to nominal and text variables only;
- the pattern operators are case-sensitive on every back-end.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from woken._guards.strict_numbers import parse_number
from woken.errors import BadRequest
from woken.features.filter_rules import NO_VALUE, Filter, Group, Rule
from woken.features.variables import NOMINAL_TYPES, VariableMeta

Column = ColumnElement[Any]
Condition = ColumnElement[bool]

ORDERING = frozenset({"less", "less_or_equal", "greater", "greater_or_equal",
                      "between", "not_between"})
PATTERNS = frozenset({"begins_with", "not_begins_with", "contains", "not_contains",
                      "ends_with", "not_ends_with"})

_COMPARE: dict[str, Callable[[Column, Any], Condition]] = {
    "equal": lambda c, v: c == v,
    "not_equal": lambda c, v: c != v,
    "less": lambda c, v: c < v,
    "less_or_equal": lambda c, v: c <= v,
    "greater": lambda c, v: c > v,
    "greater_or_equal": lambda c, v: c >= v,
    "in": lambda c, v: c.in_(v),
    "not_in": lambda c, v: c.not_in(v),
    "between": lambda c, v: c.between(v[0], v[1]),
    "not_between": lambda c, v: sa.not_(c.between(v[0], v[1])),
    # autoescape: '%', '_' and the escape character itself match literally.
    "begins_with": lambda c, v: c.startswith(v, autoescape=True),
    "not_begins_with": lambda c, v: sa.not_(c.startswith(v, autoescape=True)),
    "contains": lambda c, v: c.contains(v, autoescape=True),
    "not_contains": lambda c, v: sa.not_(c.contains(v, autoescape=True)),
    "ends_with": lambda c, v: c.endswith(v, autoescape=True),
    "not_ends_with": lambda c, v: sa.not_(c.endswith(v, autoescape=True)),
}


def filter_to_sql(
    filter_: Filter,
    table: sa.Table,
    metas: Mapping[str, VariableMeta] | Iterable[VariableMeta],
) -> Condition:
    """The WHERE condition of ``filter_`` on ``table``, whose variables ``metas`` describes.

    ``metas``: by code, or a list of :class:`VariableMeta`. A rule's field must be
    among them and a column of ``table``.
    """
    by_code = metas if isinstance(metas, Mapping) else {m.code: m for m in metas}
    return _group(filter_, table, by_code)


def _group(group: Group, table: sa.Table, metas: Mapping[str, VariableMeta]) -> Condition:
    parts = [
        _group(item, table, metas) if isinstance(item, Group) else _rule(item, table, metas)
        for item in group.rules
    ]
    if not parts:
        joined: Condition = sa.true() if group.condition == "AND" else sa.false()
    elif len(parts) == 1:
        joined = parts[0]
    else:
        joined = sa.and_(*parts) if group.condition == "AND" else sa.or_(*parts)
    return sa.not_(joined) if group.negated else joined


def _rule(rule: Rule, table: sa.Table, metas: Mapping[str, VariableMeta]) -> Condition:
    meta = metas.get(rule.field)
    if meta is None or rule.field not in table.c:
        raise BadRequest(
            f"filter rule '{rule.describe()}': unknown variable '{rule.field}'",
            {"rule": rule.describe()},
        )
    column: Column = table.c[rule.field]
    if rule.operator in NO_VALUE:
        return _emptiness(rule.operator, column, meta)
    if rule.operator in ORDERING and not (meta.is_numeric or meta.type == "date"):
        raise _bad(rule, f"operator '{rule.operator}' applies to numbers and dates, "
                         f"and '{meta.code}' is {meta.type}")
    if rule.operator in PATTERNS and not (meta.is_nominal or meta.type == "text"):
        raise _bad(rule, f"operator '{rule.operator}' applies to nominal and text variables, "
                         f"and '{meta.code}' is {meta.type}")
    if rule.operator in PATTERNS:
        value: Any = _string(rule, rule.value)
    elif isinstance(rule.value, tuple):
        value = [_bound(rule, meta, v) for v in rule.value]
    else:
        value = _bound(rule, meta, rule.value)
    return _COMPARE[rule.operator](column, value)


def _emptiness(operator: str, column: Column, meta: VariableMeta) -> Condition:
    stringy = meta.is_nominal or meta.type == "text"
    if operator == "is_empty" and stringy:
        return sa.or_(column.is_(None), column == "")
    if operator == "is_not_empty" and stringy:
        return sa.and_(column.is_not(None), column != "")
    if operator in ("is_null", "is_empty"):
        return column.is_(None)
    return column.is_not(None)


def _bound(rule: Rule, meta: VariableMeta, value: Any) -> sa.BindParameter[Any]:
    """One value, checked against the variable, as a typed bound parameter."""
    if meta.is_numeric:
        number = _number(rule, meta, value)
        # Within 64 bits: SQLite cannot bind a larger int (1e300 is integral too).
        if meta.type == "integer" and number.is_integer() and abs(number) < 2**63:
            return sa.literal(int(number), sa.Integer())
        return sa.literal(number, sa.Double())
    if meta.type == "date":
        return sa.literal(_date(rule, meta, value), sa.Date())
    text = _string(rule, value)
    codes = [e["code"] for e in meta.enumerations]
    if meta.type in NOMINAL_TYPES and codes and text not in codes:
        raise _bad(rule, f"{_json(value)} is not a code of '{meta.code}' "
                         f"(codes: {', '.join(codes)})")
    return sa.literal(text, sa.String())


def _number(rule: Rule, meta: VariableMeta, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _bad(rule, f"{_json(value)} is not a number ('{meta.code}' is {meta.type})")
    try:
        # A string in plain decimal digits: float() would also take "1_000" and "٣".
        number = parse_number(value) if isinstance(value, str) else float(value)
    except OverflowError:  # an int like 10**400: no float holds it
        raise _bad(rule, f"{_json(value)} is not a finite number") from None
    except ValueError:
        raise _bad(
            rule, f"{_json(value)} is not a number ('{meta.code}' is {meta.type})"
        ) from None
    if not math.isfinite(number):
        raise _bad(rule, f"{_json(value)} is not a finite number")
    return number


def _date(rule: Rule, meta: VariableMeta, value: Any) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _bad(rule, f"{_json(value)} is not a date YYYY-MM-DD ('{meta.code}' is a date)")


def _string(rule: Rule, value: Any) -> str:
    """A string value; QueryBuilder sends codes like "1" as the number 1 for some inputs."""
    if isinstance(value, str):
        if "\x00" in value:
            # PostgreSQL refuses it in text; SQLite ends a LIKE pattern there, so that
            # `contains "\u0000"` would match every row.
            raise _bad(rule, "a NUL character is not accepted in a filter value")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise _bad(rule, f"{_json(value)} is not a string")


def _json(value: Any) -> str:
    return json.dumps(value, default=str)


def _bad(rule: Rule, reason: str) -> BadRequest:
    return BadRequest(f"filter rule '{rule.describe()}': {reason}", {"rule": rule.describe()})
