"""Filters as jQuery-QueryBuilder sends them, parsed into a small immutable tree.

The portal sends ``{"condition": "AND", "rules": [...], "not": false}`` where a
rule is ``{"id", "field", "type", "input", "operator", "value"}`` and a rule may
itself be a group. This module only checks the *shape* (known operators, the
right number of values); whether a value fits its variable is checked when the
filter becomes SQL (:mod:`woken.features.filter_sql`), where the metadata is
known. Raw SQL strings, which the 2017 Woken appended to its WHERE clause, are
refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from woken._guards.plain_text import check_strings
from woken.errors import BadRequest

# Deep enough for any filter a person builds, shallow enough that a hostile one
# cannot exhaust the recursion limit.
MAX_DEPTH = 16
MAX_RULES = 500

NO_VALUE = frozenset({"is_empty", "is_not_empty", "is_null", "is_not_null"})
ONE_VALUE = frozenset({
    "equal", "not_equal", "less", "less_or_equal", "greater", "greater_or_equal",
    "begins_with", "not_begins_with", "contains", "not_contains", "ends_with", "not_ends_with",
})
LIST_VALUE = frozenset({"in", "not_in"})
TWO_VALUES = frozenset({"between", "not_between"})
OPERATORS = NO_VALUE | ONE_VALUE | LIST_VALUE | TWO_VALUES

Condition = Literal["AND", "OR"]


@dataclass(frozen=True)
class Rule:
    """One comparison. ``value`` is as sent: a scalar, a tuple for in/between, None if none."""

    field: str
    operator: str
    value: Any = None

    def describe(self) -> str:
        """The rule as a person reads it, for error messages: ``age greater 65``."""
        if self.operator in NO_VALUE:
            return f"{self.field} {self.operator}"
        shown = list(self.value) if isinstance(self.value, tuple) else self.value
        return f"{self.field} {self.operator} {_json(shown)}"


@dataclass(frozen=True)
class Group:
    """Rules (or groups) joined by AND or OR, negated if ``negated``."""

    condition: Condition
    rules: tuple[Rule | Group, ...]
    negated: bool = False


Filter = Group


def parse_filters(raw: Any) -> Filter | None:
    """The request's ``filters`` as a :class:`Group`, or None when there is no filter.

    Accepts ``""``, ``[]``, ``{}``, ``None`` (no filter), a QueryBuilder group as a
    dict, or the same JSON as a string. A group without rules is no filter either.
    """
    if isinstance(raw, str):
        raw = _decode(raw)
    if raw is None or raw == [] or raw == {}:
        return None
    if not isinstance(raw, dict):
        raise BadRequest(
            "filters must be a jQuery-QueryBuilder group "
            '({"condition": "AND", "rules": [...]}), not ' + _kind(raw),
            {"filters": raw},
        )
    counter = [0]
    group = _group(raw, depth=1, counter=counter)
    return group if group.rules else None


def filter_fields(filter_: Filter | None) -> set[str]:
    """Every variable code the filter refers to, so that the caller can resolve them."""
    if filter_ is None:
        return set()
    fields: set[str] = set()
    for item in filter_.rules:
        if isinstance(item, Group):
            fields |= filter_fields(item)
        else:
            fields.add(item.field)
    return fields


def _decode(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        decoded = json.loads(text)
    except RecursionError:
        raise BadRequest(f"filters nest groups more than {MAX_DEPTH} deep") from None
    except ValueError:
        raise BadRequest(
            "filters must be jQuery-QueryBuilder JSON; raw SQL filters are not accepted "
            f"(got {_shorten(text)!r})",
            {"filters": _shorten(text)},
        ) from None
    # JSON text inside the body: its strings were not seen when the body was checked.
    check_strings(decoded)
    if isinstance(decoded, str):
        raise BadRequest(
            "filters must be a jQuery-QueryBuilder group, not a JSON string "
            "(raw SQL filters are not accepted)",
            {"filters": _shorten(decoded)},
        )
    return decoded


def _group(raw: dict[str, Any], depth: int, counter: list[int]) -> Group:
    if depth > MAX_DEPTH:
        raise BadRequest(f"filters nest groups more than {MAX_DEPTH} deep")
    condition = raw.get("condition", "AND")
    if not isinstance(condition, str) or condition.upper() not in ("AND", "OR"):
        raise BadRequest(
            f"filter group condition must be 'AND' or 'OR', not {_json(condition)}"
        )
    rules = raw.get("rules")
    if not isinstance(rules, list):
        raise BadRequest(
            'filter group needs "rules", a list of rules and groups, not ' + _kind(rules),
            {"group": raw},
        )
    negated = raw.get("not", False)
    if not isinstance(negated, bool):
        raise BadRequest(f'filter group "not" must be true or false, not {_json(negated)}')
    items: list[Rule | Group] = []
    for item in rules:
        counter[0] += 1
        if counter[0] > MAX_RULES:
            raise BadRequest(f"filters have more than {MAX_RULES} rules")
        if not isinstance(item, dict):
            raise BadRequest("a filter rule must be an object, not " + _kind(item), {"rule": item})
        if "rules" in item or "condition" in item:
            group = _group(item, depth + 1, counter)
            if not group.rules:
                raise BadRequest("a nested filter group has no rules", {"group": item})
            items.append(group)
        else:
            items.append(_rule(item))
    return Group(condition="AND" if condition.upper() == "AND" else "OR",
                 rules=tuple(items), negated=negated)


def _rule(raw: dict[str, Any]) -> Rule:
    field = raw.get("field", raw.get("id"))
    if not isinstance(field, str) or not field:
        raise BadRequest('a filter rule needs a "field" (a variable code)', {"rule": raw})
    operator = raw.get("operator")
    # Checked as a string first: a list or an object is not hashable, so not a set member.
    if not isinstance(operator, str) or operator not in OPERATORS:
        raise BadRequest(
            f"filter rule on '{field}' has unknown operator {_json(operator)} "
            f"(known: {', '.join(sorted(OPERATORS))})",
            {"rule": raw},
        )
    value = raw.get("value")
    if operator in NO_VALUE:
        return Rule(field, operator)
    if operator in ONE_VALUE:
        # QueryBuilder sends a one-element list for some inputs (selects).
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if value is None or isinstance(value, (list, dict)):
            raise BadRequest(
                f"filter rule '{field} {operator}' needs one value, not {_kind(value)}",
                {"rule": raw},
            )
        return Rule(field, operator, value)
    if operator in LIST_VALUE:
        values = value if isinstance(value, list) else [value] if value is not None else []
        if not values:
            raise BadRequest(
                f"filter rule '{field} {operator}' needs a non-empty list of values",
                {"rule": raw},
            )
        return Rule(field, operator, tuple(values))
    if not isinstance(value, list) or len(value) != 2:
        raise BadRequest(
            f"filter rule '{field} {operator}' needs exactly 2 values [low, high], "
            f"not {_json(value)}",
            {"rule": raw},
        )
    return Rule(field, operator, tuple(value))


def _json(value: Any) -> str:
    return json.dumps(value, default=str)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {_shorten(_json(value))}"


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
