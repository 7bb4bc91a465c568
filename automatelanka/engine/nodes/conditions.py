"""Condition evaluation shared by If, Filter and Switch.

Two families live here:

- n8n's "filter value" (the ``type: filter`` parameter of If v2+, Filter v2+, Switch v3+):
  ``{conditions: [{leftValue, rightValue, operator: {type, operation, rightType?, singleValue?}}],
  combinator: and|or, options: {caseSensitive, typeValidation: strict|loose, version}}``, with
  n8n's type validation and its exact error messages (spec §6.2);
- the legacy compare operations of If v1, Filter v1 and Switch v1/v2 (plain JS comparisons).

Values follow JavaScript semantics (``===``, ``<`` with coercion, ``String(x)``, truthiness); the
helpers for that are at the top. ``None`` is JS ``null``; the expression engine's ``UNDEFINED``
marker (if it defines one) is JS ``undefined``.
"""

from __future__ import annotations

import email.utils
import json
import math
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from automatelanka.engine.expressions import UNDEFINED as _UNDEFINED
from automatelanka.engine.nodes._fields import js_number_string as js_number_to_string

ENABLE_LESS_STRICT_TYPE_VALIDATION = (
    "Try changing the type of comparison. Alternatively you can enable 'Convert types where required'."
)


class FilterError(Exception):
    """A condition could not be evaluated (n8n's FilterError): message plus description."""

    def __init__(self, message: str, description: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.description = description


# -- JavaScript value semantics ---------------------------------------------------------------

#: JS ``undefined``: the expression engine gives it for conditions read with ``keep_undefined``.
UNDEFINED: Any = _UNDEFINED


def is_undefined(value: Any) -> bool:
    return value is UNDEFINED


def _is_js_datetime(value: Any) -> bool:
    """A Luxon DateTime returned by the expression engine (a str carrying ``millis``)."""
    return isinstance(value, str) and hasattr(value, "millis")


def is_nullish(value: Any) -> bool:
    """JS ``value == null`` (null or undefined)."""
    return value is None or is_undefined(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Not _fields.js_typeof: this one knows this module's UNDEFINED and spots DateTimes by ``millis``.
def js_typeof(value: Any) -> str:
    if is_undefined(value):
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if _is_number(value):
        return "number"
    if isinstance(value, str) and not _is_js_datetime(value):
        return "string"
    return "object"


def js_truthy(value: Any) -> bool:
    if is_nullish(value):
        return False
    if isinstance(value, bool):
        return value
    if _is_number(value):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


# Not _fields.js_string: undefined is this module's UNDEFINED and datetimes print as ISO text.
def js_to_string(value: Any) -> str:
    """``String(value)``."""
    if value is None:
        return "null"
    if is_undefined(value):
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return js_number_to_string(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ",".join("" if is_nullish(v) else js_to_string(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat()
    return "[object Object]"


def js_json_stringify(value: Any) -> str:
    """``JSON.stringify(value)`` for JSON-like data (JS number formatting, no spaces)."""
    if value is None or is_undefined(value):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return "null" if isinstance(value, float) and not math.isfinite(value) else js_number_to_string(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(js_json_stringify(v) for v in value) + "]"
    if isinstance(value, dict):
        parts = [f"{json.dumps(str(k), ensure_ascii=False)}:{js_json_stringify(v)}"
                 for k, v in value.items() if not is_undefined(v)]
        return "{" + ",".join(parts) + "}"
    if isinstance(value, datetime):
        return json.dumps(value.isoformat())
    return json.dumps(str(value))


_JS_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)")
_JS_SPACE = " \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def js_string_to_number(text: str) -> float:
    text = text.strip(_JS_SPACE)
    if text == "":
        return 0.0
    if text in ("Infinity", "+Infinity"):
        return math.inf
    if text == "-Infinity":
        return -math.inf
    lowered = text.lower()
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if lowered.startswith(prefix):
            try:
                return float(int(text[2:], base))
            except ValueError:
                return math.nan
    if _JS_NUMBER.fullmatch(text):
        return float(text)
    return math.nan


def js_to_number(value: Any) -> float | int:
    """``Number(value)``."""
    if value is None:
        return 0
    if is_undefined(value):
        return math.nan
    if isinstance(value, bool):
        return 1 if value else 0
    if _is_number(value):
        return value
    if isinstance(value, str):
        return js_string_to_number(value)
    if isinstance(value, list):
        return js_string_to_number(js_to_string(value))
    if isinstance(value, datetime):
        return to_millis(value)
    return math.nan


def js_strict_equal(a: Any, b: Any) -> bool:
    """``a === b``."""
    if is_undefined(a) or is_undefined(b):
        return is_undefined(a) and is_undefined(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return a is b


def _to_primitive(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return js_to_string(value)
    if isinstance(value, datetime):
        return to_millis(value)
    return value


def js_compare(op: str, a: Any, b: Any) -> bool:
    """JS relational comparison ``a <op> b`` for op in ``< <= > >=``."""
    pa, pb = _to_primitive(a), _to_primitive(b)
    if isinstance(pa, str) and isinstance(pb, str):
        x: Any = pa
        y: Any = pb
    else:
        x, y = js_to_number(pa), js_to_number(pb)
        if math.isnan(x) or math.isnan(y):
            return False
    if op == "<":
        return x < y
    if op == ">":
        return x > y
    if op == "<=":
        return x <= y
    return x >= y


def js_includes(array: list[Any], value: Any) -> bool:
    """``array.includes(value)`` (SameValueZero)."""
    if _is_number(value) and isinstance(value, float) and math.isnan(value):
        return any(_is_number(v) and isinstance(v, float) and math.isnan(v) for v in array)
    return any(js_strict_equal(v, value) for v in array)


# -- regular expressions (run in a JS engine so the syntax and flags are JavaScript's) ----------

_js = threading.local()


def _js_function(name: str, source: str) -> Any:
    funcs = getattr(_js, "funcs", None)
    if funcs is None:
        import quickjs

        _js.context = quickjs.Context()
        funcs = _js.funcs = {}
    if name not in funcs:
        funcs[name] = _js.context.eval(source)
    return funcs[name]


def parse_regex_literal(value: str) -> tuple[str, str]:
    """``/pattern/flags`` into its parts; anything else is a bare pattern."""
    match = re.fullmatch(r"/(.*?)/([gimusy]*)", value, re.DOTALL)
    if not match:
        return value, ""
    return match.group(1), match.group(2)


def regex_test(pattern: str, text: str, flags: str = "") -> bool:
    """``new RegExp(pattern, flags).test(text)``; a bad pattern raises FilterError."""
    test = _js_function("test", "(function(p, f, s) { return new RegExp(p, f).test(s); })")
    try:
        return bool(test(pattern, flags, text))
    except Exception as exc:  # quickjs.JSException
        raise FilterError(str(exc).removeprefix("SyntaxError: ").strip() or "Invalid regular expression") from exc


def _js_date_parse(text: str) -> float:
    parse = _js_function("dateparse", "(function(s) { return Date.parse(s); })")
    try:
        return float(parse(text))
    except Exception:
        return math.nan


# -- date and time ----------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_millis(value: datetime) -> int:
    return (value - _EPOCH) // timedelta(milliseconds=1)


def _zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name) if name else UTC
    except (KeyError, ValueError):
        return UTC


_ISO_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2}))?")


def parse_datetime(value: Any, timezone: str | None = None) -> datetime:
    """n8n's ``tryToParseDateTime``: ISO, HTTP, RFC 2822, SQL, then ``Date.parse``.

    Raises ValueError when nothing parses. Values without an offset are read in ``timezone``.
    """
    zone = _zone(timezone)
    if _is_js_datetime(value):
        if value.millis is None:
            raise ValueError("Invalid DateTime")
        return _EPOCH + timedelta(milliseconds=value.millis)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    text = js_to_string(value).strip()
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    if re.match(r"[+-]?\d{4}", candidate):
        try:
            parsed = datetime.fromisoformat(candidate)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
        except ValueError:
            pass
    partial = _ISO_PARTIAL.fullmatch(text)
    if partial:
        return datetime(int(partial.group(1)), int(partial.group(2) or 1), 1, tzinfo=zone)
    try:
        parsed = email.utils.parsedate_to_datetime(text)
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (TypeError, ValueError, IndexError):
        pass
    millis = _js_date_parse(text)
    if not math.isnan(millis):
        return _EPOCH + timedelta(milliseconds=millis)
    raise ValueError(f"Value is not a valid date: {text}")


# -- filter value (If v2+, Filter v2+, Switch v3+) ---------------------------------------------


def is_filter_value(value: Any) -> bool:
    return isinstance(value, dict) and "conditions" in value and "combinator" in value


def _article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _parse_boolean(value: Any) -> tuple[bool, Any]:
    if isinstance(value, bool):
        return True, value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return True, value.lower() == "true"
    if not (isinstance(value, str) and value.strip() == ""):
        number = js_to_number(value)
        if number == 0:
            return True, False
        if number == 1:
            return True, True
    return False, None


def _parse_json_like(text: str, *, accept_js_object: bool) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    if accept_js_object:
        fixed = re.sub(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:", r'\1"\2":', text)
        fixed = fixed.replace("'", '"')
        return json.loads(fixed)
    return json.loads(text.replace("'", '"'))


def validate_field_type(value: Any, type_: str, *, strict: bool, timezone: str | None) -> tuple[bool, Any]:
    """n8n's ``validateFieldType('filter', ...)`` with ``parseStrings``: ``(valid, newValue)``."""
    if is_nullish(value):
        return True, None
    kind = type_.lower()
    if kind == "string":
        if strict and not isinstance(value, str):
            return False, None
        if isinstance(value, (dict, list)):
            return True, js_json_stringify(value)
        return True, js_to_string(value)
    if kind == "number":
        if strict and not _is_number(value):
            return False, None
        number = js_to_number(value)
        return (False, None) if math.isnan(number) else (True, number)
    if kind == "boolean":
        if strict and not isinstance(value, bool):
            return False, None
        return _parse_boolean(value)
    if kind == "datetime":
        try:
            return True, parse_datetime(value, timezone)
        except ValueError:
            return False, None
    if kind == "object":
        if strict and not isinstance(value, (dict, list)):
            return False, None
        if isinstance(value, dict):
            return True, value
        try:
            parsed = _parse_json_like(js_to_string(value), accept_js_object=True)
        except ValueError:
            return False, None
        return (True, parsed) if isinstance(parsed, dict) else (False, None)
    if kind == "array":
        if strict and not isinstance(value, list):
            return False, None
        if isinstance(value, list):
            return True, value
        try:
            parsed = _parse_json_like(js_to_string(value), accept_js_object=False)
        except ValueError:
            return False, None
        return (True, parsed) if isinstance(parsed, list) else (False, None)
    return True, value


def parse_single_value(value: Any, type_: str, strict: bool, version: int, timezone: str | None) -> tuple[bool, Any]:
    """n8n's ``parseSingleFilterValue``."""
    if type_ == "any" or is_nullish(value):
        return True, value
    if type_ == "boolean" and not strict:
        if version >= 2:
            valid, parsed = validate_field_type(value, type_, strict=False, timezone=timezone)
            if valid:
                return True, parsed
        return True, js_truthy(value)
    if type_ == "number":
        if isinstance(value, float) and math.isnan(value):
            return True, value
        empty = (isinstance(value, str) and value.strip() == "") or value == []
        if empty and version >= 3:
            return True, None
    return validate_field_type(value, type_, strict=strict, timezone=timezone)


def _invalid_description(type_: str, from_type: str, position: str, strict: bool) -> str:
    conversion = {"string": ".toString()", "number": ".toNumber()", "boolean": ".toBoolean()"}.get(type_)
    if strict and conversion:
        return (
            "\n<p>Try either:</p>\n<ol>\n  <li>Enabling 'Convert types where required'</li>\n"
            f"  <li>Converting the {position} field to {_article(type_)} by adding <code>{conversion}</code></li>\n"
            "</ol>\n\t\t\t"
        )
    if strict:
        return ENABLE_LESS_STRICT_TYPE_VALIDATION
    return "Try changing the type of the comparison."


def _parse_condition_values(condition: dict[str, Any], options: dict[str, Any], index: int, item_index: int,
                            timezone: str | None) -> tuple[Any, Any]:
    strict = options.get("typeValidation") == "strict"
    version = options.get("version") or 1
    operator = condition.get("operator") or {}
    type_ = operator.get("type", "string")
    right_type = operator.get("rightType") or type_
    left, right = condition.get("leftValue"), condition.get("rightValue")
    left_ok, left_new = parse_single_value(left, type_, strict, version, timezone)
    right_ok, right_new = parse_single_value(right, right_type, strict, version, timezone)
    right_valid = right_ok or bool(operator.get("singleValue"))
    suffix = f"[condition {index}, item {item_index}]"

    def message(expected: str, from_type: str, shown: str) -> str:
        if strict:
            return f"Wrong type: '{shown}' is {_article(from_type)} but was expecting {_article(expected)} {suffix}"
        return f"Conversion error: the {from_type} '{shown}' can't be converted to {_article(expected)} {suffix}"

    if not left_ok and not right_valid and js_typeof(left) == js_typeof(right):
        raise FilterError(
            f"Comparison type expects {_article(type_)} but both fields are {_article(js_typeof(left))}",
            ENABLE_LESS_STRICT_TYPE_VALIDATION if strict else "Try changing the type of the comparison.",
        )
    if not left_ok:
        raise FilterError(message(type_, js_typeof(left), js_to_string(left)),
                          _invalid_description(type_, js_typeof(left), "first", strict))
    if not right_valid:
        raise FilterError(message(right_type, js_typeof(right), js_to_string(right)),
                          _invalid_description(right_type, js_typeof(right), "second", strict))
    return left_new, (right_new if right_ok else None)


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (list, str)) else 0


def execute_condition(condition: dict[str, Any], options: dict[str, Any], *, index: int = 0, item_index: int = 0,
                      timezone: str | None = None) -> bool:
    """One filter condition for one item (n8n's ``executeFilterCondition``)."""
    ignore_case = not options.get("caseSensitive")
    operator = condition.get("operator") or {}
    type_, operation = operator.get("type"), operator.get("operation")
    left, right = _parse_condition_values(condition, options, index, item_index, timezone)
    exists = not is_nullish(left) and not (isinstance(left, float) and math.isnan(left))
    if operation == "exists":
        return exists
    if operation == "notExists":
        return not exists
    if type_ == "string":
        return _string_operation(operation, left, right, ignore_case)
    if operation == "empty" and type_ in ("number", "dateTime", "boolean"):
        return not exists
    if operation == "notEmpty" and type_ in ("number", "dateTime", "boolean"):
        return exists
    if type_ == "number":
        comparisons = {"gt": ">", "lt": "<", "gte": ">=", "lte": "<="}
        if operation == "equals":
            return js_strict_equal(left, right)
        if operation == "notEquals":
            return not js_strict_equal(left, right)
        if operation in comparisons:
            return js_compare(comparisons[operation], left, right)
    if type_ == "dateTime":
        if not isinstance(left, datetime) or not isinstance(right, datetime):
            return False
        a, b = to_millis(left), to_millis(right)
        results = {"equals": a == b, "notEquals": a != b, "after": a > b, "before": a < b,
                   "afterOrEquals": a >= b, "beforeOrEquals": a <= b}
        if operation in results:
            return results[operation]
    if type_ == "boolean":
        if operation == "true":
            return js_truthy(left)
        if operation == "false":
            return not js_truthy(left)
        if operation == "equals":
            return js_strict_equal(left, right)
        if operation == "notEquals":
            return not js_strict_equal(left, right)
    if type_ == "array":
        return _array_operation(operation, [] if is_nullish(left) else left, right, ignore_case)
    if type_ == "object":
        if operation == "empty":
            return not left or len(left) == 0
        if operation == "notEmpty":
            return bool(left) and len(left) != 0
    return False


def _string_operation(operation: str, left: Any, right: Any, ignore_case: bool) -> bool:
    if ignore_case:
        if isinstance(left, str):
            left = left.lower()
        if isinstance(right, str) and operation not in ("regex", "notRegex"):
            right = right.lower()
    left = "" if is_nullish(left) else left
    right = "" if is_nullish(right) else right
    if operation == "empty":
        return len(left) == 0
    if operation == "notEmpty":
        return len(left) != 0
    if operation in ("regex", "notRegex"):
        pattern, flags = parse_regex_literal(js_to_string(right))
        return regex_test(pattern, js_to_string(left), flags) == (operation == "regex")
    left, right = js_to_string(left), js_to_string(right)
    checks: dict[str, Callable[[], bool]] = {
        "equals": lambda: left == right,
        "notEquals": lambda: left != right,
        "contains": lambda: right in left,
        "notContains": lambda: right not in left,
        "startsWith": lambda: left.startswith(right),
        "notStartsWith": lambda: not left.startswith(right),
        "endsWith": lambda: left.endswith(right),
        "notEndsWith": lambda: not left.endswith(right),
    }
    check = checks.get(operation)
    return check() if check else False


def _array_contains(array: list[Any], value: Any, ignore_case: bool) -> bool:
    if ignore_case and isinstance(value, str):
        return any(isinstance(v, str) and v.lower() == value.lower() for v in array)
    return js_includes(array, value)


def _array_operation(operation: str, left: Any, right: Any, ignore_case: bool) -> bool:
    if not isinstance(left, (list, str)):
        left = []
    if operation == "contains":
        return _array_contains(list(left), right, ignore_case)
    if operation == "notContains":
        return not _array_contains(list(left), right, ignore_case)
    size = len(left)
    length_ops = {"lengthEquals": "==", "lengthNotEquals": "!=", "lengthGt": ">", "lengthLt": "<",
                  "lengthGte": ">=", "lengthLte": "<="}
    if operation in length_ops:
        op = length_ops[operation]
        if op == "==":
            return js_strict_equal(size, right)
        if op == "!=":
            return not js_strict_equal(size, right)
        return js_compare(op, size, right)
    if operation == "empty":
        return size == 0
    if operation == "notEmpty":
        return size != 0
    return False


def execute_filter(value: dict[str, Any], *, item_index: int = 0, timezone: str | None = None) -> bool:
    """A whole filter value for one item: ``and`` = every condition, ``or`` = some (short-circuit)."""
    options = value.get("options") or {}
    conditions = value.get("conditions") or []
    combinator = value.get("combinator")

    def passes(pair: tuple[int, dict[str, Any]]) -> bool:
        index, condition = pair
        return execute_condition(condition, options, index=index, item_index=item_index, timezone=timezone)

    if combinator == "and":
        return all(passes(pair) for pair in enumerate(conditions))
    if combinator == "or":
        return any(passes(pair) for pair in enumerate(conditions))
    return False


def evaluate_filter(ctx: Any, value: Any, item_index: int) -> bool:
    """Evaluate an already resolved ``filter`` parameter value, as n8n's ``extractValue`` does.

    A value that is not a filter value counts by its truthiness. A FilterError becomes a NodeError
    carrying n8n's message and description.
    """
    if not is_filter_value(value):
        return js_truthy(value)
    try:
        return execute_filter(value, item_index=item_index, timezone=ctx.timezone)
    except FilterError as exc:
        raise ctx.error(exc.message, item_index,
                        description=exc.description or ENABLE_LESS_STRICT_TYPE_VALIDATION) from exc


# -- legacy compare operations (If v1, Filter v1, Switch v1/v2) --------------------------------


class LegacyError(Exception):
    """A legacy comparison failed the way the JS code would throw."""


def _or(value: Any, default: Any) -> Any:
    return value if js_truthy(value) else default


def _method_string(value: Any, method: str) -> str:
    if not isinstance(value, str):
        raise LegacyError(f"value1.{method} is not a function")
    return value


def legacy_is_empty(value: Any) -> bool:
    if is_nullish(value) or (value == "" and isinstance(value, str)):
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, (dict, list)):
        return len(value) == 0
    return False


def legacy_regex(value1: Any, value2: Any) -> bool:
    pattern, flags = parse_regex_literal(js_to_string(_or(value2, "")))
    try:
        return regex_test(pattern, js_to_string(_or(value1, "")), flags)
    except FilterError as exc:
        raise LegacyError(exc.message) from exc


LEGACY_OPERATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "after": lambda a, b: js_compare(">", _or(a, 0), _or(b, 0)),
    "before": lambda a, b: js_compare("<", _or(a, 0), _or(b, 0)),
    "contains": lambda a, b: js_to_string(_or(b, "")) in js_to_string(_or(a, "")),
    "notContains": lambda a, b: js_to_string(_or(b, "")) not in js_to_string(_or(a, "")),
    "endsWith": lambda a, b: _method_string(a, "endsWith").endswith(js_to_string(b)),
    "notEndsWith": lambda a, b: not _method_string(a, "endsWith").endswith(js_to_string(b)),
    "equal": js_strict_equal,
    "notEqual": lambda a, b: not js_strict_equal(a, b),
    "larger": lambda a, b: js_compare(">", _or(a, 0), _or(b, 0)),
    "largerEqual": lambda a, b: js_compare(">=", _or(a, 0), _or(b, 0)),
    "smaller": lambda a, b: js_compare("<", _or(a, 0), _or(b, 0)),
    "smallerEqual": lambda a, b: js_compare("<=", _or(a, 0), _or(b, 0)),
    "startsWith": lambda a, b: _method_string(a, "startsWith").startswith(js_to_string(b)),
    "notStartsWith": lambda a, b: not _method_string(a, "startsWith").startswith(js_to_string(b)),
    "isEmpty": lambda a, b: legacy_is_empty(a),
    "isNotEmpty": lambda a, b: not legacy_is_empty(a),
    "regex": legacy_regex,
    "notRegex": lambda a, b: not legacy_regex(a, b),
}


#: Switch v1/v2 have no isEmpty / isNotEmpty.
SWITCH_OPERATIONS = frozenset(LEGACY_OPERATIONS) - {"isEmpty", "isNotEmpty"}


def legacy_compare(operation: str, value1: Any, value2: Any, *, allowed: frozenset[str] | None = None,
                   accessor: str = "compareData.operation") -> bool:
    """One legacy operation; an unknown one raises LegacyError like calling ``undefined`` in JS.

    ``accessor`` is how the node's JS names the operation (it shows in that error message).
    """
    func = LEGACY_OPERATIONS.get(operation)
    if func is None or (allowed is not None and operation not in allowed):
        raise LegacyError(f"compareOperationFunctions[{accessor}] is not a function")
    return func(value1, value2)


def legacy_datetime(value: Any) -> float | int:
    """Legacy ``convertDateTime``: a date string or a number into milliseconds."""
    result: float | int | None = None
    if isinstance(value, str):
        result = _legacy_date_ms(value)
    elif _is_number(value):
        result = value
    elif isinstance(value, datetime):
        result = to_millis(value)
    if result is None or (isinstance(result, float) and math.isnan(result)):
        raise LegacyError(f'The value "{js_to_string(value)}" is not a valid DateTime.')
    return result


def _legacy_date_ms(text: str) -> float:
    """``new Date(text).getTime()``."""
    millis = _js_date_parse(text)
    if math.isnan(millis):
        try:
            return float(to_millis(parse_datetime(text, "UTC")))
        except ValueError:
            return math.nan
    return millis
