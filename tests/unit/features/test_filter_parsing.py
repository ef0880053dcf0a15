"""parse_filters and filter_fields: the shapes QueryBuilder sends, and everything else refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from woken.errors import BadRequest
from woken.features.filter_rules import MAX_DEPTH, MAX_RULES
from woken.features.filters import OPERATORS, Group, Rule, filter_fields, parse_filters

AGE_OVER_65 = {
    "condition": "AND",
    "rules": [{"id": "age", "field": "age", "type": "double", "operator": "greater",
               "value": 65}],
    "valid": True,
}


def rule(field: str, operator: str, value: Any = None) -> dict[str, Any]:
    return {"id": field, "field": field, "operator": operator, "value": value}


def group(*rules: dict[str, Any], condition: str = "AND", **extra: Any) -> dict[str, Any]:
    return {"condition": condition, "rules": list(rules), **extra}


@pytest.mark.parametrize(
    "raw", ["", "   ", [], {}, None, "[]", "{}", "null", group(), json.dumps(group())]
)
def test_no_filter(raw: Any) -> None:
    assert parse_filters(raw) is None


def test_querybuilder_dict() -> None:
    assert parse_filters(AGE_OVER_65) == Group("AND", (Rule("age", "greater", 65),))


def test_querybuilder_json_string_is_the_same_as_the_dict() -> None:
    assert parse_filters(json.dumps(AGE_OVER_65)) == parse_filters(AGE_OVER_65)


def test_nested_groups_negation_and_lower_case_condition() -> None:
    raw = group(
        rule("sex", "equal", "F"),
        group(rule("iq", "between", [90, 110]), rule("agegroup", "in", ["-50y", "+80y"]),
              condition="or", **{"not": True}),
    )
    assert parse_filters(raw) == Group(
        "AND",
        (
            Rule("sex", "equal", "F"),
            Group("OR", (Rule("iq", "between", (90, 110)),
                         Rule("agegroup", "in", ("-50y", "+80y"))), negated=True),
        ),
    )


def test_field_falls_back_to_id() -> None:
    parsed = parse_filters(group({"id": "iq", "operator": "is_null"}))
    assert parsed == Group("AND", (Rule("iq", "is_null"),))


def test_missing_condition_means_and() -> None:
    parsed = parse_filters({"rules": [rule("iq", "greater", 1)]})
    assert parsed is not None and parsed.condition == "AND"


@pytest.mark.parametrize("operator", sorted(OPERATORS))
def test_every_operator_parses(operator: str) -> None:
    value: Any = {"between": [1, 2], "not_between": [1, 2], "in": [1], "not_in": [1]}.get(
        operator, 1
    )
    parsed = parse_filters(group(rule("x", operator, value)))
    assert parsed is not None
    (only,) = parsed.rules
    assert isinstance(only, Rule) and only.operator == operator


def test_no_value_operators_drop_any_value() -> None:
    assert parse_filters(group(rule("x", "is_not_null", "junk"))) == Group(
        "AND", (Rule("x", "is_not_null", None),)
    )


def test_one_element_list_is_one_value() -> None:
    assert parse_filters(group(rule("sex", "equal", ["F"]))) == Group(
        "AND", (Rule("sex", "equal", "F"),)
    )


def test_in_accepts_a_single_value() -> None:
    assert parse_filters(group(rule("sex", "in", "F"))) == Group(
        "AND", (Rule("sex", "in", ("F",)),)
    )


@pytest.mark.parametrize(
    "raw",
    [
        "age > 3; DROP TABLE x",
        "age > 3",
        "1=1",
        "sex = 'F' OR 1=1 --",
    ],
)
def test_raw_sql_is_refused(raw: str) -> None:
    with pytest.raises(BadRequest, match="raw SQL filters are not accepted"):
        parse_filters(raw)


def test_json_string_holding_sql_is_refused() -> None:
    with pytest.raises(BadRequest, match="not a JSON string"):
        parse_filters(json.dumps("age > 3"))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (42, "not int 42"),
        ([rule("x", "equal", 1)], "not list"),
        ("[1, 2]", "not list"),
        (group(rule("x", "equal", 1), condition="XOR"), "condition must be 'AND' or 'OR'"),
        ({"condition": "AND", "rules": "x = 1"}, '"rules", a list'),
        ({"condition": "AND"}, '"rules", a list'),
        (group(rule("x", "equal", 1), **{"not": "yes"}), '"not" must be true or false'),
        (group("age > 3"), "rule must be an object"),  # type: ignore[arg-type]
        (group({"operator": "equal", "value": 1}), 'needs a "field"'),
        (group({"field": 3, "operator": "equal", "value": 1}), 'needs a "field"'),
        (group(rule("x", "like", "a%")), "unknown operator \"like\""),
        (group(rule("x", "greater")), "'x greater' needs one value, not nothing"),
        (group(rule("x", "greater", [1, 2])), "'x greater' needs one value"),
        (group(rule("x", "equal", {"a": 1})), "'x equal' needs one value"),
        (group(rule("x", "between", [1])), "needs exactly 2 values"),
        (group(rule("x", "between", 1)), "needs exactly 2 values"),
        (group(rule("x", "not_between", [1, 2, 3])), "needs exactly 2 values"),
        (group(rule("x", "in", [])), "needs a non-empty list"),
        (group(rule("x", "not_in")), "needs a non-empty list"),
        (group(group()), "nested filter group has no rules"),
    ],
)
def test_malformed_filters_say_what_is_wrong(raw: Any, message: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_filters(raw)
    assert message in str(raised.value)


def test_depth_is_bounded() -> None:
    raw: dict[str, Any] = group(rule("x", "is_null"))
    for _ in range(MAX_DEPTH):
        raw = group(raw)
    with pytest.raises(BadRequest, match=f"more than {MAX_DEPTH} deep"):
        parse_filters(raw)


def test_very_deep_json_string_is_a_bad_request_not_a_crash() -> None:
    depth = 100_000
    with pytest.raises(BadRequest, match="deep"):
        parse_filters('{"rules": [' * depth + "]}" * depth)


def test_rule_count_is_bounded() -> None:
    with pytest.raises(BadRequest, match=f"more than {MAX_RULES} rules"):
        parse_filters(group(*[rule("x", "is_null")] * (MAX_RULES + 1)))


def test_filter_fields_collects_nested_fields() -> None:
    parsed = parse_filters(
        group(rule("a", "equal", 1), group(rule("b", "is_null"), group(rule("a", "less", 2))))
    )
    assert filter_fields(parsed) == {"a", "b"}
    assert filter_fields(None) == set()


def test_rule_describe_shows_field_operator_and_value() -> None:
    assert Rule("age", "greater", 65).describe() == "age greater 65"
    assert Rule("iq", "between", (1, 2)).describe() == "iq between [1, 2]"
    assert Rule("iq", "is_null").describe() == "iq is_null"
