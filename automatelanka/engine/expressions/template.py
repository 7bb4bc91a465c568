"""Template splitting (n8n's tournament rules), JS ``String()`` formatting and the pure-Python fast path.

The fast path handles expressions whose every ``{{ }}`` chunk is a plain literal or a property
path on ``$json`` (``$json.a.b``, ``$json["x"]``, ``$json.list[0]``) and gives exactly the result
the JS path would; anything it cannot decide returns :data:`FALLBACK` and goes to quickjs.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from automatelanka.engine.items import deep_copy_json

#: Returned by a fast evaluator when the JS path must decide.
FALLBACK: Any = object()
#: JS ``undefined`` inside the fast path (becomes ``None`` for callers).
UNDEFINED: Any = object()

_TRAILING_SLASHES = re.compile(r"\\*$")


def split(expression: str) -> list[tuple[str, str]]:
    """Split a template (without its ``=``) into ``("text"|"code", text)`` chunks, like n8n."""
    if expression == "":
        return [("text", "")]
    chunks: list[tuple[str, str]] = []
    opening = True
    buffer = ""
    index = 0
    length = len(expression)
    while index < length:
        at = expression.find("{{" if opening else "}}", index)
        if at == -1:
            buffer += expression[index:]
            chunks.append(("text", buffer) if opening else ("code", buffer.replace("\\}}", "}}", 1)))
            break
        before = expression[index:at]
        slashes = len(before) - len(_TRAILING_SLASHES.sub("", before))
        if slashes % 2 == 1:
            buffer += expression[index:at + 2]
            index = at + 2
            continue
        buffer += before
        if opening:
            chunks.append(("text", buffer.replace("\\\\", "\\")))
        else:
            chunks.append(("code", buffer.replace("\\}}", "}}", 1)))
        opening = not opening
        index = at + 2
        buffer = ""
    return chunks


# -- JS String() -------------------------------------------------------------------------------

def js_number(value: float | int) -> str:
    """``String(n)`` for a JS number (Number::toString, shortest round-trip digits)."""
    if isinstance(value, int):
        if abs(value) < 2**53:
            return str(value)
        value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exp = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    frac = frac.rstrip("0") if frac != "0" else ""
    digits = (whole + frac).lstrip("0")
    # position of the decimal point relative to the digit string
    n = len(whole) + (int(exp) if exp else 0)
    if whole.strip("0") == "":  # 0.000ddd
        lead = len(frac) - len(frac.lstrip("0"))
        n = -lead + (int(exp) if exp else 0)
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        es = f"e{'+' if e >= 0 else '-'}{abs(e)}"
        out = (digits if k == 1 else digits[0] + "." + digits[1:]) + es
    return sign + out


def js_string(value: Any) -> str:
    """JS ``String(value)`` for JSON-like Python data (dict -> ``[object Object]``)."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, list):
        return ",".join("" if v is None else js_string(v) for v in value)
    return str(value)


def template_piece(value: Any) -> str:
    """How a chunk value joins a template: null/undefined/NaN/"" -> "" (n8n's ``v || v===0 || v===false``)."""
    if value is None or value is UNDEFINED:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return js_string(value)


# -- the fast path -----------------------------------------------------------------------------

_IDENT = r"[A-Za-z_$][A-Za-z0-9_$]*"
_STEP = re.compile(
    r"\s*(?:\.\s*(?P<name>" + _IDENT + r")"
    r"|\[\s*(?:\"(?P<dq>[^\"\\\n]*)\"|'(?P<sq>[^'\\\n]*)'|(?P<num>0|[1-9][0-9]{0,8}))\s*\])"
)
_JSON_PATH = re.compile(r"\s*\$json(?P<steps>(?:" + _STEP.pattern + r")*)\s*$")
_NUMBER = re.compile(r"\s*(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*$")
_STRING = re.compile(r"\s*(?:\"(?P<dq>[^\"\\\n]*)\"|'(?P<sq>[^'\\\n]*)')\s*$")
_KEYWORDS = {"true": True, "false": False, "null": None}
Getter = Callable[[list[dict[str, Any]], int], Any]


def _path_getter(steps: list[str | int]) -> Getter:
    def get(items: list[dict[str, Any]], index: int) -> Any:
        if index >= len(items):
            return FALLBACK  # the JS proxy raises n8n's error
        value: Any = items[index].get("json")
        if not isinstance(value, dict):
            return FALLBACK
        for step in steps:
            if isinstance(value, dict):
                key = str(step)
                if key not in value:
                    return FALLBACK  # could be a prototype member (extensions): let JS decide
                value = value[key]
            elif isinstance(value, list):
                if isinstance(step, int) or (isinstance(step, str) and step.isdigit() and step == str(int(step))):
                    i = int(step)
                    value = value[i] if i < len(value) else UNDEFINED
                elif step == "length":
                    value = len(value)
                else:
                    return FALLBACK
            elif value is None or value is UNDEFINED:
                return UNDEFINED  # TypeError in JS, swallowed by n8n
            else:
                return FALLBACK  # strings/numbers have prototype members: let JS decide
        return value
    return get


def _chunk(code: str) -> Getter | None:
    """A getter for one code chunk, or ``None`` if it is not a fast-path shape."""
    m = _JSON_PATH.match(code)
    if m:
        steps: list[str | int] = []
        for s in _STEP.finditer(m.group("steps")):
            if s.group("name") is not None:
                steps.append(s.group("name"))
            elif s.group("num") is not None:
                steps.append(int(s.group("num")))
            else:
                steps.append(s.group("dq") if s.group("dq") is not None else s.group("sq"))
        if "constructor" in steps:
            return None
        return _path_getter(steps)
    m = _NUMBER.match(code)
    if m:
        text = m.group(1)
        number: Any = float(text)
        if number.is_integer() and abs(number) < 2**53:
            number = int(number)
        return lambda items, index: number
    m = _STRING.match(code)
    if m:
        literal = m.group("dq") if m.group("dq") is not None else m.group("sq")
        return lambda items, index: literal
    word = code.strip()
    if word in _KEYWORDS:
        constant = _KEYWORDS[word]
        return lambda items, index: constant
    return None


FastEval = Callable[[list[dict[str, Any]], int], Any]


def compile_fast(expression: str) -> FastEval | None:
    """A Python evaluator for an expression string (without ``=``), or ``None`` for the JS path."""
    if re.search(r"\.\s*constructor", expression):
        return None
    chunks = split(expression)
    single = len(chunks) == 2 and chunks[0][1] == ""
    parts: list[str | Getter] = []
    for kind, text in chunks:
        if kind == "text":
            if text:
                parts.append(text)
            continue
        getter = _chunk(text)
        if getter is None:
            return None
        parts.append(getter)
    if single:
        getter = parts[0]
        assert callable(getter)

        def run_single(items: list[dict[str, Any]], index: int) -> Any:
            value = getter(items, index)
            if value is FALLBACK:
                return FALLBACK
            if value is UNDEFINED:
                return None
            if isinstance(value, (dict, list)):
                return deep_copy_json(value)
            if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                return int(value)
            return value
        return run_single

    if not parts:
        return lambda items, index: ""

    def run_template(items: list[dict[str, Any]], index: int) -> Any:
        out = []
        for part in parts:
            if type(part) is str:
                out.append(part)
                continue
            value = part(items, index)  # type: ignore[operator]
            if type(value) is str:
                out.append(value)
            elif value is FALLBACK:
                return FALLBACK
            else:
                out.append(template_piece(value))
        return "".join(out)
    return run_template


def dumps(value: Any) -> str:
    """JSON for pushing Python data into JS (non-JSON values become strings)."""
    return json.dumps(value, default=str, separators=(",", ":"), allow_nan=True)
