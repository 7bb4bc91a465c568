"""Filter-value conditions (If v2+, Filter v2+, Switch v3+) and the JS value helpers they rely on."""

from __future__ import annotations

from typing import Any

import pytest

from automatelanka.engine.nodes.conditions import (
    FilterError,
    LegacyError,
    execute_filter,
    js_compare,
    js_number_to_string,
    js_to_number,
    legacy_compare,
    legacy_datetime,
)


def fv(*conditions: dict[str, Any], combinator: str = "and", strict: bool = True, case: bool = True,
       version: int = 2) -> dict[str, Any]:
    return {"options": {"caseSensitive": case, "leftValue": "", "version": version,
                        "typeValidation": "strict" if strict else "loose"},
            "conditions": list(conditions), "combinator": combinator}


def cond(left: Any, type_: str, operation: str, right: Any = "", **operator: Any) -> dict[str, Any]:
    return {"leftValue": left, "rightValue": right, "operator": {"type": type_, "operation": operation, **operator}}


def passes(value: dict[str, Any], item_index: int = 0) -> bool:
    return execute_filter(value, item_index=item_index, timezone="UTC")


# -- strict validation ------------------------------------------------------------------------


def test_strict_wrong_type_message_names_condition_and_item() -> None:
    value = fv(cond(1, "number", "equals", 1), cond("5", "number", "gt", 3))
    with pytest.raises(FilterError) as info:
        passes(value, item_index=4)
    assert info.value.message == "Wrong type: '5' is a string but was expecting a number [condition 1, item 4]"
    assert "toNumber()" in (info.value.description or "")


def test_strict_wrong_type_on_right_side_uses_right_type() -> None:
    value = fv(cond([1, 2], "array", "lengthGt", "1", rightType="number"))
    with pytest.raises(FilterError, match=r"^Wrong type: '1' is a string but was expecting a number"):
        passes(value)


def test_both_sides_wrong_with_same_js_type() -> None:
    with pytest.raises(FilterError) as info:
        passes(fv(cond("a", "number", "equals", "b")))
    assert info.value.message == "Comparison type expects a number but both fields are a string"


def test_null_is_always_valid_and_does_not_exist() -> None:
    assert passes(fv(cond(None, "number", "notExists", singleValue=True)))
    assert not passes(fv(cond(None, "string", "exists", singleValue=True)))
    assert passes(fv(cond(None, "string", "empty", singleValue=True)))


def test_single_value_operator_ignores_an_invalid_right_value() -> None:
    assert passes(fv(cond(True, "boolean", "true", {"not": "a boolean"}, singleValue=True)))


# -- loose validation -------------------------------------------------------------------------


def test_loose_converts_numeric_strings() -> None:
    assert passes(fv(cond("5", "number", "gt", "3"), strict=False))
    assert not passes(fv(cond("10", "number", "lt", 9), strict=False))


def test_loose_conversion_error_message() -> None:
    with pytest.raises(FilterError) as info:
        passes(fv(cond("abc", "number", "gt", 1), strict=False), item_index=2)
    assert info.value.message == "Conversion error: the string 'abc' can't be converted to a number [condition 0, item 2]"


@pytest.mark.parametrize(("value", "version", "expected"), [
    ("true", 2, True), ("false", 2, False), ("FALSE", 2, False), (0, 2, False), ("1", 2, True),
    ("false", 1, True),  # version 1 uses JS truthiness: a non-empty string is true
    ("yes", 2, True), ("", 2, False),
])
def test_loose_boolean(value: Any, version: int, expected: bool) -> None:
    assert passes(fv(cond(value, "boolean", "true", singleValue=True), strict=False, version=version)) is expected


def test_filter_version_3_treats_empty_string_as_null_for_numbers() -> None:
    empty_v3 = fv(cond("", "number", "empty", singleValue=True), strict=False, version=3)
    empty_v2 = fv(cond("", "number", "empty", singleValue=True), strict=False, version=2)
    assert passes(empty_v3)
    assert not passes(empty_v2)  # Number('') is 0 before version 3


def test_loose_string_from_object_is_json() -> None:
    assert passes(fv(cond({"a": 1.0}, "string", "equals", '{"a":1}'), strict=False))


def test_loose_array_and_object_parse_json_text() -> None:
    assert passes(fv(cond("[1,2,3]", "array", "lengthEquals", 3, rightType="number"), strict=False))
    assert passes(fv(cond("{'a': 1}", "object", "notEmpty", singleValue=True), strict=False))


# -- operators --------------------------------------------------------------------------------


def test_case_insensitive_strings_but_not_the_regex_pattern() -> None:
    assert passes(fv(cond("Hello", "string", "equals", "hELLO"), case=False))
    assert not passes(fv(cond("Hello", "string", "equals", "hELLO")))
    assert not passes(fv(cond("HELLO", "string", "regex", "^HEL"), case=False))
    assert passes(fv(cond("HELLO", "string", "regex", "/^hel/i")))


def test_regex_literal_flags_and_js_syntax() -> None:
    assert passes(fv(cond("a1b22", "string", "regex", r"/\d{2}$/")))
    assert passes(fv(cond("x", "string", "notRegex", "(?<n>y)")))


def test_number_comparisons_are_type_strict() -> None:
    assert passes(fv(cond(3, "number", "equals", 3.0)))
    assert not passes(fv(cond(True, "boolean", "equals", False)))
    assert passes(fv(cond(2, "number", "lte", 2), cond(3, "number", "gte", 2)))


def test_array_contains_uses_strict_equality_and_case_option() -> None:
    assert not passes(fv(cond([1, 2], "array", "contains", "1", rightType="any")))
    assert passes(fv(cond(["Ab"], "array", "contains", "ab", rightType="any"), case=False))
    assert not passes(fv(cond([True], "array", "contains", 1, rightType="any")))
    assert passes(fv(cond([], "array", "empty", singleValue=True)))


def test_datetime_parses_formats_and_compares_instants() -> None:
    assert passes(fv(cond("2024-03-01T10:00:00Z", "dateTime", "after", "2024-03-01T09:00:00Z")))
    assert passes(fv(cond("Fri, 01 Mar 2024 10:00:00 GMT", "dateTime", "equals", "2024-03-01T11:00:00+01:00")))
    assert passes(fv(cond("2024-03-01 10:00:00", "dateTime", "beforeOrEquals", "2024-03-01T10:00:00")))
    with pytest.raises(FilterError, match="but was expecting a dateTime"):
        passes(fv(cond("not a date", "dateTime", "after", "2024-01-01")))


def test_object_empty() -> None:
    assert passes(fv(cond({}, "object", "empty", singleValue=True)))
    assert passes(fv(cond({"a": 1}, "object", "notEmpty", singleValue=True)))


def test_combinators_short_circuit() -> None:
    bad = cond("x", "number", "gt", 1)
    assert passes(fv(cond(1, "number", "equals", 1), bad, combinator="or"))
    assert not passes(fv(cond(1, "number", "equals", 2), bad, combinator="and"))
    assert not passes(fv(cond(1, "number", "equals", 1), combinator="xor"))


def test_case_option_missing_means_case_insensitive() -> None:
    value = {"conditions": [cond("A", "string", "equals", "a")], "combinator": "and"}
    assert passes(value)


# -- JS helpers and legacy operations -------------------------------------------------------


@pytest.mark.parametrize(("number", "text"), [(1.0, "1"), (0.1, "0.1"), (1e21, "1e+21"), (1e-7, "1e-7"),
                                              (0.000001, "0.000001"), (-2.5, "-2.5"), (123456789012.0, "123456789012")])
def test_js_number_to_string(number: float, text: str) -> None:
    assert js_number_to_string(number) == text


def test_js_to_number_and_relational_coercion() -> None:
    assert js_to_number(" 0x10 ") == 16
    assert js_to_number("") == 0
    assert js_compare(">", "5", 3)
    assert not js_compare(">", "10", "9")  # two strings compare as text
    assert js_compare("<", None, 1)


def test_legacy_operations() -> None:
    assert legacy_compare("larger", "5", 3)
    assert legacy_compare("smaller", None, 1)
    assert legacy_compare("contains", 12345, 234)
    assert legacy_compare("isEmpty", {}, None)
    assert legacy_compare("regex", "Foo", "/^f/i")
    assert not legacy_compare("equal", 1, "1")
    with pytest.raises(LegacyError, match=r"value1\.endsWith is not a function"):
        legacy_compare("endsWith", 5, "5")


def test_legacy_datetime() -> None:
    assert legacy_datetime("2024-01-01T00:00:00Z") == 1704067200000
    assert legacy_datetime(5) == 5
    with pytest.raises(LegacyError, match=r"The value \"nope\" is not a valid DateTime"):
        legacy_datetime("nope")
