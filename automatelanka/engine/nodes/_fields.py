"""Field helpers shared by the data-transformation nodes.

JavaScript semantics the n8n nodes rely on, for JSON-like Python data:

- ``get`` / ``set_`` / ``unset`` / ``has_path``: lodash ``get``/``set``/``unset`` on dot paths
  (``a.b[0].c``, ``['a.b']``), with :data:`MISSING` standing for ``undefined``;
- ``js_typeof``, ``js_equal`` (lodash ``isEqual``), ``js_lt`` (lodash ``lt``);
- ``js_string`` (``String(x)``), ``js_number`` (``Number(x)``), ``js_stringify`` (``JSON.stringify``);
- ``json_parse`` (``JSON.parse`` with numbers as JS has them) and ``json_parse_loose`` (JSON repair:
  single quotes, unquoted keys, trailing commas, comments, missing closing brackets).
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

from automatelanka.engine.items import deep_copy_json


class _Missing:
    """JavaScript ``undefined`` (a value that is not there)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

# -- paths -------------------------------------------------------------------------------------

_PROP_NAME = re.compile(
    r"""[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))"""
)
_DEEP_PROP = re.compile(r"""\.|\[(?:[^[\]]*|(["'])(?:(?!\1)[^\\]|\\.)*?\1)\]""")
_PLAIN_PROP = re.compile(r"^\w*$")
_ESCAPE = re.compile(r"\\(\\)?")
_INDEX = re.compile(r"^(?:0|[1-9]\d*)$")


def to_path(path: Any, obj: Any = None) -> list[str]:
    """lodash ``castPath``: the keys of a path (a whole key if ``obj`` has it literally)."""
    if isinstance(path, list):
        return [js_string(p) for p in path]
    if not isinstance(path, str):
        path = js_string(path)
    if _PLAIN_PROP.match(path) or not _DEEP_PROP.search(path):
        return [path]
    if isinstance(obj, dict) and path in obj:
        return [path]
    keys: list[str] = []
    if path.startswith("."):
        keys.append("")
    for match in _PROP_NAME.finditer(path):
        number, quote, sub = match.group(1), match.group(2), match.group(3)
        if quote:
            keys.append(_ESCAPE.sub(lambda m: m.group(1) or "", sub))
        else:
            keys.append(number if number is not None else match.group(0))
    return keys


def _child(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return value.get(key, MISSING)
    if isinstance(value, (list, str)):
        if key == "length":
            return len(value)
        if _INDEX.match(key):
            index = int(key)
            return value[index] if index < len(value) else MISSING
    return MISSING


def get(obj: Any, path: Any, default: Any = MISSING) -> Any:
    """lodash ``get``: the value at ``path`` or ``default`` when it is undefined."""
    value = obj
    for key in to_path(path, obj):
        if value is None or value is MISSING:
            return default
        value = _child(value, key)
    return default if value is MISSING else value


def has_path(obj: Any, path: Any) -> bool:
    return get(obj, path) is not MISSING


def set_(obj: Any, path: Any, value: Any) -> Any:
    """lodash ``set``: creates objects (or arrays before an index key) on the way."""
    if not isinstance(obj, (dict, list)):
        return obj
    keys = to_path(path, obj)
    nested: Any = obj
    for index, key in enumerate(keys):
        if key in ("__proto__", "constructor", "prototype"):
            return obj
        if index == len(keys) - 1:
            new_value = value
        else:
            current = _child(nested, key)
            if isinstance(current, (dict, list)):
                new_value = current
            else:
                new_value = [] if _INDEX.match(keys[index + 1]) else {}
        if isinstance(nested, dict):
            nested[key] = new_value
        elif isinstance(nested, list) and _INDEX.match(key):
            position = int(key)
            while len(nested) <= position:
                nested.append(None)
            nested[position] = new_value
        else:
            return obj
        nested = new_value
    return obj


def unset(obj: Any, path: Any) -> bool:
    """lodash ``unset``: delete the property at ``path`` (an array slot becomes ``None``)."""
    keys = to_path(path, obj)
    parent = obj if len(keys) == 1 else get(obj, keys[:-1])
    last = keys[-1]
    if isinstance(parent, dict):
        parent.pop(last, None)
    elif isinstance(parent, list) and _INDEX.match(last) and int(last) < len(parent):
        parent[int(last)] = None
    return True


def omit_fields(obj: dict[str, Any], fields: list[str], no_dots: bool) -> dict[str, Any]:
    """A deep copy of ``obj`` without ``fields`` (literal keys when ``no_dots``, else lodash paths)."""
    copy = deep_copy_json(obj)
    for field in fields:
        if no_dots:
            copy.pop(field, None)
        else:
            unset(copy, field)
    return copy


def sanitize_key(obj: dict[str, Any], key: str) -> str:
    """n8n ``sanitizeDataPathKey``: ``['a.b']`` means the literal key ``a.b``."""
    if key in obj:
        return key
    if (key.startswith("['") and key.endswith("']")) or (key.startswith('["') and key.endswith('"]')):
        return key[2:-2]
    return key


def split_fields(value: Any) -> list[str]:
    """n8n ``prepareFieldsArray``: a comma list (or a list) of non-empty field names."""
    if isinstance(value, list):
        return value
    if value is None or value is MISSING:
        return []
    return [part.strip() for part in js_string(value).split(",") if part.strip() != ""]


# -- JavaScript values -------------------------------------------------------------------------


def is_datetime(value: Any) -> bool:
    """A Luxon DateTime stand-in from expressions: a ``str`` subclass carrying the ISO string."""
    return isinstance(value, str) and type(value) is not str


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def js_typeof(value: Any) -> str:
    if value is MISSING:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "number"
    if isinstance(value, str) and not is_datetime(value):
        return "string"
    if callable(value):
        return "function"
    return "object"


def js_equal(a: Any, b: Any) -> bool:
    """lodash ``isEqual`` for JSON-like values (``True != 1``, ``NaN == NaN``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if is_number(a) and is_number(b):
        return a == b or (a != a and b != b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(js_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(js_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) and isinstance(b, str):
        return is_datetime(a) == is_datetime(b) and str(a) == str(b)
    if a is None or b is None or a is MISSING or b is MISSING:
        return a is b
    return bool(a == b)


def normalize_number(value: float) -> int | float:
    """A JS number as Python: integral finite values become ``int`` (JSON prints ``3``, not ``3.0``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def js_number_string(value: int | float) -> str:
    """``String(number)`` as JavaScript prints it."""
    if isinstance(value, int):
        return str(value)
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple))
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    digits = stripped or "0"
    n = len(digits) + int(exponent)
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exp_str = f"e+{e}" if e >= 0 else f"e-{-e}"
    if k == 1:
        return sign + digits + exp_str
    return sign + digits[0] + "." + digits[1:] + exp_str


def js_string(value: Any) -> str:
    """JavaScript ``String(value)``."""
    if value is MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return js_number_string(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return ",".join("" if v is None or v is MISSING else js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


_LEADING_INT = re.compile(r"\s*([+-]?\d+)")


def js_parse_int(value: Any) -> int | None:
    """JavaScript ``parseInt(value, 10)``; ``None`` stands for NaN (JSON.stringify sends null)."""
    match = _LEADING_INT.match(js_string(value))
    return int(match.group(1)) if match else None


_JS_WS = " \t\n\r\x0b\x0c\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_DECIMAL = re.compile(r"^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Infinity)$")


def js_number(value: Any) -> int | float:
    """JavaScript ``Number(value)`` (``NaN`` as ``float('nan')``, integral results as ``int``)."""
    if value is MISSING:
        return math.nan
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if is_number(value):
        return normalize_number(value) if isinstance(value, float) else value
    if isinstance(value, list):
        return js_number(js_string(value))
    if isinstance(value, dict):
        return math.nan
    text = str(value).strip(_JS_WS)
    if text == "":
        return 0
    lowered = text.lower()
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if lowered.startswith(prefix):
            try:
                return int(text[2:], base)
            except ValueError:
                return math.nan
    if not _DECIMAL.match(text):
        return math.nan
    return normalize_number(float(text))


def is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def _to_number_lodash(value: Any) -> float:
    """lodash ``toNumber`` (used by ``lt`` when both sides are not strings)."""
    if is_number(value):
        return value
    if isinstance(value, bool):
        return int(value)
    if value is MISSING:
        return math.nan
    if isinstance(value, (dict, list)):
        value = js_string(value) if isinstance(value, list) else "[object Object]"
    return js_number(value)


def js_lt(a: Any, b: Any) -> bool:
    """lodash ``lt(a, b)``: strings compare by UTF-16 code units, everything else as numbers."""
    if isinstance(a, str) and isinstance(b, str) and not is_datetime(a) and not is_datetime(b):
        return a.encode("utf-16-be") < b.encode("utf-16-be")
    return _to_number_lodash(a) < _to_number_lodash(b)


def _relational_primitive(value: Any) -> Any:
    if isinstance(value, (dict, list)) or is_datetime(value):
        return js_string(value)
    return value


def js_less(a: Any, b: Any) -> bool:
    """JavaScript ``a < b`` (abstract relational comparison)."""
    a, b = _relational_primitive(a), _relational_primitive(b)
    if isinstance(a, str) and isinstance(b, str):
        return a.encode("utf-16-be") < b.encode("utf-16-be")
    return js_number(a) < js_number(b)


# -- JSON --------------------------------------------------------------------------------------


def js_stringify(value: Any) -> str:
    """``JSON.stringify`` (compact; ``NaN``/``Infinity`` -> ``null``; undefined keys dropped)."""
    if value is None or value is MISSING:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        if isinstance(value, float) and (value != value or math.isinf(value)):
            return "null"
        return js_number_string(value)
    if isinstance(value, str):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(js_stringify(v) for v in value) + "]"
    if isinstance(value, dict):
        parts = [
            json.dumps(str(k), ensure_ascii=False) + ":" + js_stringify(v)
            for k, v in value.items()
            if v is not MISSING and not callable(v)
        ]
        return "{" + ",".join(parts) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def _parse_float(text: str) -> int | float:
    return normalize_number(float(text))


def json_parse(text: str) -> Any:
    """Strict ``JSON.parse`` (raises ``ValueError``)."""
    return json.loads(text, parse_float=_parse_float, parse_constant=lambda c: _bad_constant(c))


def _bad_constant(name: str) -> Any:
    raise ValueError(f"Unexpected token {name}")


class _LooseParser:
    """A forgiving JSON/JS-literal parser, the common cases of ``jsonrepair``."""

    _CONSTANTS = {"true": True, "false": False, "null": None, "True": True, "False": False,
                  "None": None, "undefined": None}

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> Any:
        self._skip()
        value = self._value()
        self._skip()
        if self.pos < len(self.text):
            raise ValueError(f"Unexpected character at position {self.pos}")
        return value

    def _skip(self) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in _JS_WS:
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end + 1
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                self.pos = len(text) if end < 0 else end + 2
            else:
                break

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _value(self) -> Any:
        ch = self._peek()
        if ch == "{":
            return self._object()
        if ch == "[":
            return self._array()
        if ch in "\"'`\u201c\u2018":
            return self._string()
        if ch == "-" or ch == "+" or ch.isdigit() or ch == ".":
            return self._number()
        word = self._word()
        if word in self._CONSTANTS:
            return self._CONSTANTS[word]
        if word:
            return word
        raise ValueError(f"Unexpected character at position {self.pos}")

    def _word(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "_$"):
            self.pos += 1
        return self.text[start:self.pos]

    def _number(self) -> Any:
        match = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?").match(self.text, self.pos)
        if not match:
            raise ValueError(f"Invalid number at position {self.pos}")
        self.pos = match.end()
        text = match.group(0).lstrip("+")
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        return normalize_number(float(text))

    def _string(self) -> str:
        quote = self.text[self.pos]
        closing = {"\u201c": "\u201d", "\u2018": "\u2019"}.get(quote, quote)
        self.pos += 1
        out: list[str] = []
        escapes = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "/": "/"}
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\" and self.pos + 1 < len(self.text):
                nxt = self.text[self.pos + 1]
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", self.text[self.pos + 2:self.pos + 6]):
                    out.append(chr(int(self.text[self.pos + 2:self.pos + 6], 16)))
                    self.pos += 6
                    continue
                out.append(escapes.get(nxt, nxt))
                self.pos += 2
                continue
            if ch == closing:
                self.pos += 1
                return "".join(out)
            out.append(ch)
            self.pos += 1
        return "".join(out)  # missing end quote: repaired

    def _array(self) -> list[Any]:
        self.pos += 1
        result: list[Any] = []
        while True:
            self._skip()
            ch = self._peek()
            if ch == "]":
                self.pos += 1
                return result
            if ch == "":
                return result  # missing closing bracket
            if ch == ",":
                self.pos += 1
                continue
            result.append(self._value())

    def _object(self) -> dict[str, Any]:
        self.pos += 1
        result: dict[str, Any] = {}
        while True:
            self._skip()
            ch = self._peek()
            if ch == "}":
                self.pos += 1
                return result
            if ch == "":
                return result
            if ch == ",":
                self.pos += 1
                continue
            if ch in "\"'`\u201c\u2018":
                key = self._string()
            else:
                key = self._word()
                if not key:
                    raise ValueError(f"Unexpected character at position {self.pos}")
            self._skip()
            if self._peek() != ":":
                raise ValueError(f"Colon expected at position {self.pos}")
            self.pos += 1
            self._skip()
            result[key] = self._value()


def json_parse_loose(text: str) -> Any:
    """``JSON.parse``, falling back to a repairing parse (n8n ``jsonParse`` with ``repairJSON``)."""
    try:
        return json_parse(text)
    except ValueError:
        return _LooseParser(text).parse()
