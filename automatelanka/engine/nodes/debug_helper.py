"""DebugHelper (n8n-nodes-base.debugHelper v1): causes problems on purpose and generates test data.

Categories, as n8n's node runs them per input item:

- ``doNothing``: outputs nothing (n8n pushes no item for it, so the output is empty);
- ``throwError``: NodeApiError / NodeOperationError / Error with ``throwErrorMessage``; under
  continue-on-fail each input item becomes ``{error: message}`` paired with it;
- ``oom``: n8n fills a JS array of ``memorySizeValue * 1024 * 1024 / 8`` elements and outputs the
  item with ``json`` replaced by ``process.memoryUsage()`` (``rss``, ``heapTotal``, ``heapUsed``,
  ``external``, ``arrayBuffers``). This engine never exhausts its own memory: it allocates (and
  frees) the buffer only up to :data:`MEMORY_LIMIT_MB` and outputs the same keys measured from this
  process. More than V8's maximum array length fails with n8n's ``RangeError`` text
  ``Invalid array length``; a size above :data:`MEMORY_LIMIT_MB` (where n8n's process would run out
  of heap and crash) fails the node with n8n's crash text "Workflow did not finish, possible
  out-of-memory issue" plus the limit, and, like a crash, it is not turned into an error item;
- ``randomData``: ``randomDataCount`` objects per input item (one item each, or one item
  ``{generatedItems: [...]}`` with ``randomDataSingleArray``), paired with the input item. n8n
  draws them from minifaker; the values here are random too, drawn from Python's ``random`` with
  small English word lists, but every data type has n8n's keys and value types: user ``{uid,
  email, firstname, lastname, password}``, address ``{firstname, lastname, street, city, zip,
  state, country}``, email ``{email, confirmed}``, creditCard ``{type, number, ccv, exp,
  holder_name}``, uuid ``{uuid}``, nanoid ``{nanoId}``, url ``{url}``, ipv4 ``{ip}``, ipv6
  ``{ipv6}``, macAddress ``{mac}``, latLong ``{location}`` (a ``"lat,long"`` string), semver
  ``{version}``. A ``randomDataSeed`` makes the output repeatable (the same per input item, as
  n8n re-seeds for each item), but the values differ from n8n's for the same seed.
"""

from __future__ import annotations

import os
import random
import resource
import string
import sys
import uuid
from collections.abc import Callable
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register

#: The most memory the ``oom`` category may really allocate here; above it the node fails the way
#: an n8n process that ran out of heap ends its execution.
MEMORY_LIMIT_MB = 256
#: V8's maximum array length (``Array(n)`` beyond it throws ``RangeError: Invalid array length``).
_MAX_ARRAY_LENGTH = 2**32 - 1
_CRASH_TEXT = "Workflow did not finish, possible out-of-memory issue"

_FIRST = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
          "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen")
_LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
         "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee")
_CITIES = ("Springfield", "Riverside", "Franklin", "Greenville", "Bristol", "Clinton", "Fairview", "Salem",
           "Madison", "Georgetown", "Arlington", "Ashland", "Dover", "Oxford", "Jackson", "Burlington")
_STATES = ("Alabama", "Alaska", "Arizona", "California", "Colorado", "Florida", "Georgia", "Illinois", "Indiana",
           "Kansas", "Maine", "Nevada", "New York", "Ohio", "Oregon", "Texas", "Utah", "Vermont", "Washington")
_COUNTRIES = ("United States of America", "Canada", "Mexico", "United Kingdom", "France", "Germany", "Italy",
              "Spain", "Japan", "Australia", "Brazil", "India", "Sri Lanka", "Norway", "Kenya", "Chile")
_STREETS = ("Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Sunset")
_STREET_SUFFIXES = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way", "Place")
_FREE_EMAILS = ("gmail.com", "yahoo.com", "hotmail.com")
_DOMAIN_SUFFIXES = ("com", "net", "org", "info", "biz", "name", "io")
_NOUNS = ("river", "garden", "window", "planet", "rocket", "forest", "pencil", "bridge", "castle", "market")
_NANOID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


# -- random data (minifaker's shapes) --------------------------------------------------------------

def _username(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    kind = rng.randint(0, 2)
    if kind == 0:
        return f"{first}{rng.randint(0, 99)}"
    sep = rng.choice("._")
    return f"{first}{sep}{last}" + (f"{rng.randint(0, 99)}" if kind == 2 else "")


def _email(rng: random.Random) -> str:
    return f"{_username(rng)}@{rng.choice(_FREE_EMAILS)}"


def _uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _password(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(10, 16)))


def _luhn_number(rng: random.Random) -> str:
    digits = [rng.choice((4, 5))] + [rng.randint(0, 9) for _ in range(14)]
    total = 0
    for pos, digit in enumerate(reversed(digits)):
        value = digit * 2 if pos % 2 == 0 else digit
        total += value - 9 if value > 9 else value
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    return "-".join(text[k:k + 4] for k in range(0, 16, 4))


def _user(rng: random.Random) -> dict[str, Any]:
    return {"uid": _uuid4(rng), "email": _email(rng), "firstname": rng.choice(_FIRST),
            "lastname": rng.choice(_LAST), "password": _password(rng)}


def _address(rng: random.Random) -> dict[str, Any]:
    street = f"{rng.randint(1, 9999)} {rng.choice(_STREETS)} {rng.choice(_STREET_SUFFIXES)}"
    return {"firstname": rng.choice(_FIRST), "lastname": rng.choice(_LAST), "street": street,
            "city": rng.choice(_CITIES), "zip": "".join(str(rng.randint(0, 9)) for _ in range(5)),
            "state": rng.choice(_STATES), "country": rng.choice(_COUNTRIES)}


def _credit_card(rng: random.Random) -> dict[str, Any]:
    kind = "MasterCard" if rng.random() < 0.5 else "Visa"
    return {"type": kind, "number": _luhn_number(rng), "ccv": f"{rng.randint(0, 999):03d}",
            "exp": f"{rng.randint(1, 12):02d}/{rng.randint(1, 40):02d}",
            "holder_name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"}


def _url(rng: random.Random) -> dict[str, Any]:
    name = rng.choice((rng.choice(_NOUNS), rng.choice(_FIRST).lower()))
    return {"url": f"https://{name}.{rng.choice(_DOMAIN_SUFFIXES)}"}


def _location(rng: random.Random) -> dict[str, Any]:
    return {"location": f"{rng.uniform(-90, 90):.4f},{rng.uniform(-180, 180):.4f}"}


_GENERATORS: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "user": _user,
    "email": lambda rng: {"email": _email(rng), "confirmed": rng.random() < 0.5},
    "address": _address,
    "creditCard": _credit_card,
    "uuid": lambda rng: {"uuid": _uuid4(rng)},
    "macAddress": lambda rng: {"mac": ":".join(f"{rng.randint(0, 255):02x}" for _ in range(6))},
    "ipv4": lambda rng: {"ip": ".".join(str(rng.randint(0, 255)) for _ in range(4))},
    "ipv6": lambda rng: {"ipv6": ":".join(f"{rng.randint(0, 65535):x}" for _ in range(8))},
    "latLong": _location,
    "semver": lambda rng: {"version": ".".join(str(rng.randint(0, 20)) for _ in range(3))},
    "url": _url,
}


def _count(value: Any) -> int:
    """minifaker's ``for (i = 0; i < count; i++)`` with JS coercion (non-numbers generate nothing)."""
    if isinstance(value, bool):
        return int(value)
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return 0
    if number != number or number <= 0:
        return 0
    return int(-(-number // 1))  # i < 2.5 runs for 0, 1, 2


def _nanoid_length(value: Any) -> int:
    """``parseInt(length, 10)`` (leading digits; NaN -> 0 here, an empty id)."""
    text = str(value).strip()
    digits = ""
    for ch in text.lstrip("+"):
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits else 0


def _nanoid(alphabet: str, size: int) -> Callable[[random.Random], dict[str, Any]]:
    def generate(rng: random.Random) -> dict[str, Any]:
        return {"nanoId": "".join(rng.choice(alphabet) for _ in range(size))}
    return generate


def _random_items(ctx: NodeContext, i: int) -> list[dict[str, Any]]:
    kind = ctx.param("randomDataType", 0, "user")
    seed = ctx.param("randomDataSeed", 0, "")
    rng = random.Random(str(seed)) if seed not in ("", None) else random.Random()
    generate = _GENERATORS.get(kind, _user)
    if kind == "nanoid":
        generate = _nanoid(str(ctx.param("nanoidAlphabet", 0, _NANOID_ALPHABET)) or _NANOID_ALPHABET,
                           _nanoid_length(ctx.param("nanoidLength", 0, "16")))
    rows = [generate(rng) for _ in range(_count(ctx.param("randomDataCount", 0, 10)))]
    if ctx.param("randomDataSingleArray", 0, False):
        return [{"json": {"generatedItems": rows}, "pairedItem": {"item": i}}]
    return [{"json": row, "pairedItem": {"item": i}} for row in rows]


# -- errors and memory -------------------------------------------------------------------------------

def _throw(ctx: NodeContext, i: int) -> None:
    kind = ctx.param("throwErrorType", 0, "NodeApiError")
    message = str(ctx.param("throwErrorMessage", 0, "Node has thrown an error"))
    if kind == "NodeApiError":
        raise NodeApiError(message, item_index=i)
    if kind in ("NodeOperationError", "Error"):
        raise NodeError(message, item_index=i)
    # n8n's switch falls through to the "oom" case for any other error type
    raise _Fallthrough


class _Fallthrough(Exception):
    """Control flow: an unknown throwErrorType continues into the oom case, as n8n's switch does."""


def _memory_usage() -> dict[str, int]:
    """``process.memoryUsage()``'s keys measured from this process (bytes)."""
    rss = 0
    try:
        with open("/proc/self/statm") as handle:
            rss = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rss = peak if sys.platform == "darwin" else peak * 1024
    # Python has no separate JS heap: the resident size stands in for heapTotal/heapUsed
    return {"rss": rss, "heapTotal": rss, "heapUsed": rss, "external": 0, "arrayBuffers": 0}


def _oom(ctx: NodeContext, item: dict[str, Any]) -> dict[str, Any]:
    size_mb = ctx.param("memorySizeValue", 0, 10)
    try:
        size_mb = float(size_mb)
    except (TypeError, ValueError):
        size_mb = 0.0
    elements = max(1, int(size_mb * 1024 * 1024 // 8))
    if elements > _MAX_ARRAY_LENGTH:
        raise NodeError("Invalid array length")
    if size_mb > MEMORY_LIMIT_MB:
        raise _Crash(f"{_CRASH_TEXT} (DebugHelper asked for {size_mb:g} MB; this engine allocates at most "
                     f"{MEMORY_LIMIT_MB} MB)")
    buffer = bytearray(int(max(size_mb, 0) * 1024 * 1024))  # allocated and freed, as n8n's array
    usage = _memory_usage()
    del buffer
    return {**item, "json": usage}


class _Crash(NodeError):
    """An out-of-memory end of the execution: never an error item (n8n's process dies)."""

    name = "WorkflowCrashedError"

    def __init__(self, message: str) -> None:
        super().__init__(message, level="error")


def _run_item(ctx: NodeContext, category: str, i: int, item: dict[str, Any]) -> list[dict[str, Any]]:
    if category == "throwError":
        try:
            _throw(ctx, i)
        except _Fallthrough:
            category = "oom"
    if category == "oom":
        return [_oom(ctx, item)]
    if category == "randomData":
        return _random_items(ctx, i)
    return []  # doNothing and unknown categories output nothing


@register("n8n-nodes-base.debugHelper", versions=(1,), display_name="DebugHelper")
def debug_helper(ctx: NodeContext) -> NodeOutput:
    category = ctx.param("category", 0, "throwError")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(ctx.input(0)):
        try:
            out.extend(_run_item(ctx, category, i, item))
        except _Crash:
            raise
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            out.append({"json": {"error": exc.message}, "pairedItem": {"item": i}})
    return [out]
