"""JavaScript value semantics on JSON data (as n8n's display rules see parameter values).

``MISSING`` is ``undefined``; :class:`JsFunction` stands for a built-in method reached by reading
e.g. ``["x"].sort`` or ``"x".trim`` (n8n reads ``nodeValues[name]`` on whatever was saved).
"""

from __future__ import annotations

import math
import re
from typing import Any

from automatelanka.engine.schemas import MISSING


class JsFunction:
    """A built-in JavaScript method value (truthy, not JSON-serialisable)."""

    __slots__ = ("length", "name")

    def __init__(self, name: str, length: int) -> None:
        self.name = name
        self.length = length

    def __repr__(self) -> str:
        return f"<function {self.name}>"


def _methods(spec: str) -> dict[str, int]:
    return {name: int(arity) for name, arity in (item.split(":") for item in spec.split())}


# Own method names (and arities) of Object/Array/String/Function.prototype in Node 20.
OBJECT_METHODS = _methods(
    "constructor:1 __defineGetter__:2 __defineSetter__:2 hasOwnProperty:1 __lookupGetter__:1 "
    "__lookupSetter__:1 isPrototypeOf:1 propertyIsEnumerable:1 toString:0 valueOf:0 toLocaleString:0 "
)
ARRAY_METHODS = {**OBJECT_METHODS, **_methods(
    "constructor:1 at:1 concat:1 copyWithin:2 fill:1 find:1 findIndex:1 findLast:1 findLastIndex:1 "
    "lastIndexOf:1 pop:0 push:1 reverse:0 shift:0 unshift:1 slice:2 sort:1 splice:2 includes:1 "
    "indexOf:1 join:1 keys:0 entries:0 values:0 forEach:1 filter:1 flat:0 flatMap:1 map:1 every:1 "
    "some:1 reduce:1 reduceRight:1 toLocaleString:0 toString:0 toReversed:0 toSorted:1 toSpliced:2 "
    "with:2 "
)}
STRING_METHODS = {**OBJECT_METHODS, **_methods(
    "constructor:1 anchor:1 at:1 big:0 blink:0 bold:0 charAt:1 charCodeAt:1 codePointAt:1 concat:1 "
    "endsWith:1 fontcolor:1 fontsize:1 fixed:0 includes:1 indexOf:1 isWellFormed:0 italics:0 "
    "lastIndexOf:1 link:1 localeCompare:1 match:1 matchAll:1 normalize:0 padEnd:1 padStart:1 repeat:1 "
    "replace:2 replaceAll:2 search:1 slice:2 small:0 split:2 strike:0 sub:0 substr:2 substring:2 "
    "sup:0 startsWith:1 toString:0 toWellFormed:0 trim:0 trimStart:0 trimLeft:0 trimEnd:0 trimRight:0 "
    "toLocaleLowerCase:0 toLocaleUpperCase:0 toLowerCase:0 toUpperCase:0 valueOf:0 "
)}
FUNCTION_METHODS = {**OBJECT_METHODS, **_methods(
    "constructor:1 apply:2 bind:1 call:1 toString:0 "
)}


def truthy(v: Any) -> bool:
    if v is MISSING or v is None or v is False:
        return False
    if type(v) in (int, float):
        return v != 0 and not math.isnan(v)
    if type(v) is str:
        return v != ""
    return True


def is_number(v: Any) -> bool:
    return type(v) in (int, float)


def same_value_zero(a: Any, b: Any) -> bool:
    """``Array.prototype.includes`` equality: primitives by value, objects by identity."""
    if type(a) is str:
        return type(b) is str and a == b
    if is_number(a) and is_number(b):
        return a == b or (a != a and b != b)
    if type(a) is not type(b) and not (a is MISSING or b is MISSING):
        return False
    if isinstance(a, (dict, list)):
        return a is b
    return a == b if a is not MISSING else b is MISSING


def is_equal(a: Any, b: Any) -> bool:
    """lodash ``isEqual`` on JSON values."""
    if is_number(a) and is_number(b):
        return a == b or (a != a and b != b)
    if a is MISSING or b is MISSING:
        return a is b
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return a.keys() == b.keys() and all(is_equal(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(is_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def to_js_string(v: Any) -> str:
    if v is MISSING:
        return "undefined"
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if type(v) is float:
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return str(int(v)) if v.is_integer() and abs(v) < 1e21 else repr(v)
    if type(v) is list:
        return ",".join("" if x is None or x is MISSING else to_js_string(x) for x in v)
    if type(v) is dict:
        return "[object Object]"
    return str(v)


_JS_NUMBER = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_JS_RADIX = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def to_number(v: Any) -> float:
    if is_number(v):
        return float(v)
    if v is None or v is False:
        return 0.0
    if v is True:
        return 1.0
    if type(v) in (dict, list):
        v = to_js_string(v)
    if type(v) is str:
        text = v.strip(" \t\n\r\v\f\u00a0\ufeff\u2028\u2029")
        if text == "":
            return 0.0
        if _JS_NUMBER.fullmatch(text):
            return float(text.replace("Infinity", "inf"))
        if _JS_RADIX.fullmatch(text):
            return float(int(text, 0))
    return math.nan


def relational(op: str, a: Any, b: Any) -> bool:
    """JavaScript ``a >= b`` etc. with the language's type coercion."""
    if type(a) in (dict, list):
        a = to_js_string(a)
    if type(b) in (dict, list):
        b = to_js_string(b)
    if type(a) is str and type(b) is str:
        x: Any = a.encode("utf-16-be")
        y: Any = b.encode("utf-16-be")
    else:
        x, y = to_number(a), to_number(b)
        if math.isnan(x) or math.isnan(y):
            return False
    if op == "gte":
        return x >= y
    if op == "lte":
        return x <= y
    if op == "gt":
        return x > y
    return x < y


def js_prop(obj: Any, key: str) -> Any:
    """``obj[key]`` for JSON values (``undefined`` -> MISSING), prototype methods included."""
    tv = type(obj)
    if tv is dict:
        value = obj.get(key, MISSING)
        if value is MISSING and key in OBJECT_METHODS:
            return JsFunction(key, OBJECT_METHODS[key])
        return value
    if tv is list or tv is str:
        if key == "length":
            return len(obj)
        if key.isdigit() and (key == "0" or key[0] != "0") and int(key) < len(obj):
            return obj[int(key)]
        methods = ARRAY_METHODS if tv is list else STRING_METHODS
        if key in methods:
            return JsFunction(key, methods[key])
        return MISSING
    if tv is JsFunction:
        if key == "name":
            return obj.name
        if key == "length":
            return obj.length
        if key in FUNCTION_METHODS:
            return JsFunction(key, FUNCTION_METHODS[key])
        return MISSING
    if (tv is bool or tv is int or tv is float) and key in OBJECT_METHODS:
        return JsFunction(key, OBJECT_METHODS[key])
    return MISSING


_PATH_PART = re.compile(r"[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|([\"'])((?:(?!\2)[^\\]|\\.)*?)\2)\]")


def lodash_get(obj: Any, path: str) -> Any:
    """lodash ``get(obj, path)``."""
    if obj is None or obj is MISSING:
        return MISSING
    if (type(obj) is dict and path in obj) or ("." not in path and "[" not in path):
        return js_prop(obj, path)
    parts = []
    if path.startswith("."):
        parts.append("")
    for m in _PATH_PART.finditer(path):
        parts.append(m.group(1) or m.group(3) or m.group(0) if m.group(0)[:1] == "[" else m.group(0))
    current = obj
    for part in parts:
        if current is None or current is MISSING:
            return MISSING
        current = js_prop(current, part)
    return current
