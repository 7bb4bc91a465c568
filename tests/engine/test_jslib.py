"""The quickjs JS library (Luxon, Intl polyfill, n8n extension methods) against
results recorded from real n8n 1.123 and Luxon 3.4.4 (tests/engine/jslib_golden)."""

from __future__ import annotations

import json
import time
from functools import lru_cache
from pathlib import Path

import pytest
import quickjs

from automatelanka.engine.expressions.js.lib import zones

LIB = Path(zones.__file__).parent
GOLDENS = json.loads((Path(__file__).parent / "jslib_golden" / "goldens.json").read_text(encoding="utf-8"))

# Mirrors encode() in jslib_golden/make.mjs. In an expression n8n swallows every
# error except its own Expression(Extension)Errors (and syntax errors): `undefined`.
ENCODE_JS = r"""
var __t_encode = function (v) {
  if (v === undefined) return { $undefined: true };
  if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
  if (DateTime.isDateTime(v)) return { $datetime: v.isValid ? v.toISO() : 'Invalid DateTime', zone: v.isValid ? v.zoneName : null };
  if (v instanceof Date) return { $date: Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString() };
  if (typeof v === 'function') return { $function: true };
  if (Array.isArray(v)) return v.map(__t_encode);
  if (v && typeof v === 'object') {
    if (Duration.isDuration(v)) return { $duration: v.toObject() };
    var o = {};
    Object.keys(v).forEach(function (k) { o[k] = __t_encode(v[k]); });
    return o;
  }
  return v;
};
var __t_run = function (thunk, swallow) {
  try {
    return JSON.stringify(__t_encode(thunk()));
  } catch (e) {
    var ours = e && (e.name === 'ExpressionExtensionError' || e.name === 'ExpressionError');
    if (swallow && !ours) return JSON.stringify({ $undefined: true });
    return JSON.stringify({ $error: e && e.name, message: String(e && e.message) });
  }
};
"""


def manifest() -> list[str]:
    return json.loads((LIB / "manifest.json").read_text())


def new_context(tz: str = "UTC", text: str = "") -> quickjs.Context:
    """A context as the evaluator builds one: manifest, lazy files, zones, default zone."""
    ctx = quickjs.Context()
    for name in manifest():
        ctx.eval((LIB / name).read_text(encoding="utf-8"))
    lazy = json.loads((LIB / "lazy.json").read_text())
    for trigger, files in lazy.items():
        if trigger in text:
            for name in files:
                ctx.eval((LIB / name).read_text(encoding="utf-8"))
    for name in zones.zone_names_in(text + " " + tz):
        ctx.eval(f"__al_registerZone({json.dumps(name)}, {json.dumps(zones.zone_table(name))})")
    ctx.eval(f"__al_setZone({json.dumps(tz)})")
    ctx.eval(ENCODE_JS)
    return ctx


@lru_cache(maxsize=4)
def shared_context(tz: str) -> quickjs.Context:
    text = " ".join(c["expr"] for c in GOLDENS["exprs"]) + " " + " ".join(GOLDENS["plain"][i]["expr"] for i in range(len(GOLDENS["plain"])))
    return new_context(tz, text)


def run(ctx: quickjs.Context, code: str, swallow: bool = True) -> object:
    """Evaluate ``code`` as n8n evaluates an expression chunk (extension calls rewritten)."""
    rewritten = ctx.eval(f"__al_rewriteExtensions({json.dumps(code)})")
    return json.loads(ctx.eval(f"__t_run(function () {{ return ({rewritten}\n); }}, {json.dumps(swallow)})"))


def _id(case: dict, key: str) -> str:
    return str(case[key])[:80]


@pytest.mark.parametrize("case", GOLDENS["exprs"], ids=[_id(c, "expr") for c in GOLDENS["exprs"]])
def test_expression_matches_n8n(case: dict) -> None:
    expr = case["expr"]
    if "isInLast" in expr:
        pytest.skip("depends on the clock; covered by test_is_in_last")
    assert run(shared_context(case["tz"]), expr) == case["result"]


def test_is_in_last() -> None:
    ctx = shared_context("UTC")
    for case in GOLDENS["exprs"]:
        if "isInLast" in case["expr"]:
            assert run(ctx, case["expr"]) == case["result"], case["expr"]


@pytest.mark.parametrize("case", GOLDENS["plain"], ids=[_id(c, "expr") for c in GOLDENS["plain"]])
def test_plain_luxon_matches_node(case: dict) -> None:
    assert run(shared_context("UTC"), case["expr"], swallow=False) == case["result"]


@pytest.mark.parametrize(
    "case", GOLDENS["extend"], ids=[f"{c['value'][:40]}.{c['fn']}({c['args']})" for c in GOLDENS["extend"]]
)
def test_extend_matches_n8n(case: dict) -> None:
    code = f"__al_extend(({case['value']}), {json.dumps(case['fn'])}, [{case['args']}])"
    assert run(shared_context("UTC"), code, swallow=False) == case["result"]


@pytest.mark.parametrize("case", GOLDENS["jmespath"], ids=[c["query"] for c in GOLDENS["jmespath"]])
def test_jmespath_matches_n8n(case: dict) -> None:
    code = f"__al_jmespath(({case['data']}), {json.dumps(case['query'])})"
    assert run(shared_context("UTC"), code, swallow=False) == case["result"]


def test_extension_methods_are_invisible_to_enumeration_and_json() -> None:
    ctx = shared_context("UTC")
    assert ctx.eval("var r = []; for (var k in {a: 1}) r.push(k); for (var i in [7]) r.push(i); r.join()") == "a,0"
    assert ctx.eval("JSON.stringify({a: [1, 'x', {b: true}]})") == '{"a":[1,"x",{"b":true}]}'
    assert ctx.eval("Object.keys('ab').join() + '|' + Object.getOwnPropertyNames({}).length") == "0,1|0"
    assert ctx.eval("typeof ({}).format + typeof ({}).length + typeof ({}).round") == "undefinedundefinedundefined"
    assert ctx.eval("[1, 2].includes(2) && 'abc'.includes('b') && [3, 1].keys().next().value === 0") is True
    assert ctx.eval("DateTime.fromISO('2024-01-15T10:00:00Z').toISO({})") == "2024-01-15T10:00:00.000Z"


def test_unregistered_zone_gives_invalid_datetime_not_a_crash() -> None:
    ctx = new_context("UTC")
    assert ctx.eval("DateTime.now().setZone('Europe/Paris').isValid") is False
    ctx.eval(f"__al_registerZone('Europe/Paris', {json.dumps(zones.zone_table('Europe/Paris'))})")
    assert ctx.eval("DateTime.fromISO('2024-07-01T12:00:00Z').setZone('Europe/Paris').toISO()") == (
        "2024-07-01T14:00:00.000+02:00"
    )


def test_set_zone_changes_default_zone() -> None:
    ctx = new_context("Asia/Kolkata")
    assert ctx.eval("DateTime.fromISO('2024-01-15').toISO()") == "2024-01-15T00:00:00.000+05:30"
    ctx.eval("__al_setZone('UTC')")
    assert ctx.eval("DateTime.fromISO('2024-01-15').toISO()") == "2024-01-15T00:00:00.000Z"


def test_extension_errors_are_named_for_the_evaluator() -> None:
    ctx = shared_context("UTC")
    assert run(ctx, "'x'.toNumber()", swallow=False) == {
        "$error": "ExpressionExtensionError", "message": "cannot convert to number"
    }
    assert ctx.eval("try { __al_extend(undefined, 'first', []) } catch (e) { e.description }") == (
        "To ignore this error, add a ? to the variable before this function, e.g. my_var?.first"
    )


def test_extend_optional() -> None:
    ctx = shared_context("UTC")
    assert ctx.eval("__al_extendOptional(null, 'toTitleCase') === undefined") is True
    assert ctx.eval("__al_extendOptional('a b', 'toTitleCase')()") == "A B"
    assert ctx.eval("__al_extendOptional('abc', 'toUpperCase')()") == "ABC"


def test_zone_table_and_names() -> None:
    table = zones.zone_table("America/New_York")
    assert table[0][1] == -300
    starts = [ms for ms, _ in table]
    assert starts == sorted(starts)
    # 2024-03-10T07:00:00Z is the spring-forward instant in New York.
    assert [1710054000000, -240] in table
    assert zones.zone_names_in("={{ $now.setZone('asia/kolkata') }} in Europe/London") == {
        "Asia/Kolkata",
        "Europe/London",
    }
    with pytest.raises(KeyError):
        zones.zone_table("Mars/Olympus")


def test_manifest_loads_quickly() -> None:
    sources = [(LIB / name).read_text(encoding="utf-8") for name in manifest()]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        ctx = quickjs.Context()
        for src in sources:
            ctx.eval(src)
        best = min(best, time.perf_counter() - start)
    assert best < 0.5, f"loading the JS library took {best * 1000:.0f} ms"


def test_loader_builds_a_working_context() -> None:
    from automatelanka.engine.expressions.js.lib import loader

    ctx = quickjs.Context()
    for _, src in loader.manifest_sources():
        ctx.eval(src)
    code = "DateTime.fromISO('2024-07-01T12:00:00Z').setZone('Europe/Berlin').toISO() + 'é'.replaceSpecialChars()"
    loaded: set[str] = set()
    for _, src in loader.lazy_sources(code, loaded):
        ctx.eval(src)
    assert loader.lazy_sources(code, loaded) == []
    registered: set[str] = set()
    ctx.eval(loader.zone_setup_js("America/New_York", code, registered))
    assert registered == {"America/New_York", "Europe/Berlin"}
    assert ctx.eval(ctx.eval(f"__al_rewriteExtensions({json.dumps(code)})")) == "2024-07-01T14:00:00.000+02:00e"
    assert ctx.eval("DateTime.fromISO('2024-01-15').toISO()") == "2024-01-15T00:00:00.000-05:00"
    assert ctx.eval("typeof window") == "undefined"


REWRITE = json.loads((Path(__file__).parent / "jslib_golden" / "rewrite_golden.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("expr", list(REWRITE), ids=[e[:60] for e in REWRITE])
def test_extension_call_rewrite_matches_n8n(expr: str) -> None:
    """`x.fn(a)` becomes `__al_extend(x, "fn", [a])` where n8n rewrites it (make_rewrite.js records n8n)."""
    ctx = shared_context("UTC")
    code = ctx.eval(f"__al_rewriteExtensions({json.dumps(expr)})")
    got = ctx.eval(
        f"(function () {{ try {{ var r = ({code}\n); return JSON.stringify(r === undefined ? '$undefined' : r); }}"
        " catch (e) { return JSON.stringify('ERR ' + e.message); } })()"
    )
    assert json.loads(got) == REWRITE[expr]


def test_no_prototype_carries_extension_methods() -> None:
    """As in n8n's Code node: extensions exist only through the rewrite of expression code."""
    ctx = new_context("UTC")
    assert ctx.eval(
        "[typeof 'a'.toTitleCase, typeof [1].sum, typeof (1).format, typeof true.toInt, typeof ({}).isEmpty,"
        " typeof DateTime.now().isInLast, typeof (false).length].join()"
    ) == ",".join(["undefined"] * 7)


def test_rewrite_knows_every_extension_name() -> None:
    ctx = shared_context("UTC")
    names = json.loads(ctx.eval("JSON.stringify(__al_extensionNames)"))
    assert len(names) > 50
    for name in names:
        assert ctx.eval(f"__al_rewriteExtensions('x.{name}(1)')") == f'__al_extend(x, "{name}", [1])'
    assert ctx.eval("__al_rewriteExtensions('x.toUpperCase(1)')") == "x.toUpperCase(1)"


def test_deferred_library_loads_on_first_use() -> None:
    from automatelanka.engine.expressions.runtime import JsRuntime

    rt = JsRuntime()
    assert rt.ctx.eval("__al_luxonLoaded()") is False
    assert rt.ctx.eval("__al_rewriteExtensions('[1, 2].sum()')") == "__al_extend([1, 2], \"sum\", [])"
    assert rt.ctx.eval("__al_luxonLoaded()") is False
    assert rt.ctx.eval("__al_extend([1, 2], 'sum', []) + DateTime.fromMillis(0, {zone: 'UTC'}).year") == 1973
    assert rt.ctx.eval("__al_luxonLoaded() && typeof luxon.Duration") == "function"
    assert rt.ctx.eval("__al_jmespath({a: [1, 2]}, 'a[1]')") == 2
    assert rt.ctx.eval("typeof __al_src_0") == "undefined"
