"""JavaScript value conversions the service nodes share (``_fields``)."""

from __future__ import annotations

import pytest

from automatelanka.engine.nodes._fields import js_parse_int, js_string


@pytest.mark.parametrize(("value", "expected"), [
    ("42", 42), ("  -7px", -7), ("+3", 3), (2.0, 2), (1.9, 1), (1e21, 1), ("abc", None), ("", None),
    (True, None), (None, None), ([5, 6], 5),
])
def test_js_parse_int_is_parse_int_base_10(value, expected) -> None:
    assert js_parse_int(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (None, "null"), (True, "true"), (3.0, "3"), ({"a": 1}, "[object Object]"), ([1, None, "x"], "1,,x"),
])
def test_js_string_is_string_of_value(value, expected) -> None:
    assert js_string(value) == expected
