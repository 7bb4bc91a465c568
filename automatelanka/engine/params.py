"""Parameter defaults as n8n fills them (spec §1.3).

A port of n8n-workflow ``NodeHelpers.getNodeParameters(properties, values, returnDefaults=true,
returnNoneDisplayed=false, node, description)`` with ``displayParameter`` and its ``_cnd``
conditions, driven by the generated schemas in :mod:`automatelanka.engine.schemas`.
"""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.errors import EngineError
from automatelanka.engine.schemas import (
    KEY_ROOT,
    KEY_SIBLING,
    KEY_VERSION,
    MISSING,
    Prop,
    PropList,
    Rule,
    atom,
    properties_for,
)
from automatelanka.engine.schemas.jsvalue import (
    JsFunction,
    is_equal,
    js_prop,
    lodash_get,
    relational,
    same_value_zero,
    to_js_string,
    truthy,
)
from automatelanka.engine.workflow import Node

_SIMPLE_KEEP_FALSY = frozenset(("boolean", "number", "options"))


class ParameterResolutionError(EngineError):
    """n8n itself throws while resolving these parameters (the workflow could not be built)."""


def node_parameters(node: Node) -> dict[str, Any]:
    """The node's parameters with n8n's defaults for its type and version filled in.

    Returns the saved parameters unchanged when no schema covers ``(type, typeVersion)``.
    """
    props = properties_for(node.type, node.type_version)
    if props is None:
        return node.parameters
    return _resolve(props, node.parameters, node.type_version or 0, MISSING, "")


def resolve_parameters(props: PropList, values: Any, version: float) -> dict[str, Any]:
    """getNodeParameters on an explicit property list (returnDefaults=true, returnNoneDisplayed=false)."""
    return _resolve(props, values, version or 0, MISSING, "")


# --------------------------------------------------------------------------- getNodeParameters


def _resolve(plist: PropList, values: Any, version: float, root: Any, parent: str) -> dict[str, Any]:
    """getNodeParameters(returnDefaults=true, returnNoneDisplayed=false) for one level."""
    if plist.error is not None:
        raise ParameterResolutionError(plist.error)
    params: dict[str, Any] = {}
    if not truthy(values):
        return params
    check = _check_values(plist, values, version, root, parent)
    if not truthy(root):
        root = check
    in_collection = parent == "collection"
    rules = plist.rules
    cache: list[Any] = [None] * len(rules)
    is_dict = type(values) is dict
    for prop in plist.order:
        name = prop.name
        value = values.get(name, MISSING) if is_dict else js_prop(values, name)
        if value is MISSING and in_collection:
            continue
        if (prop.show_ids is not None or prop.hide_ids is not None) and not _displayed_cached(
                prop, cache, rules, check, version, root):
            continue
        if not prop.complex:
            out = _simple_value(prop, value)
            if out is not MISSING and prop.nde and type(out) is str and out[:1] == "=":
                out = out[1:]
        elif prop.type == "collection":
            out = _collection(prop, value, version, root)
        else:
            out = _fixed_collection(prop, value, version, root)
        if out is MISSING or type(out) is JsFunction:
            params.pop(name, None)  # undefined / a function: absent once serialised
        else:
            params[name] = out
    return params


def _check_values(plist: PropList, values: Any, version: float, root: Any, parent: str) -> dict[str, Any]:
    """The display-check pass (returnNoneDisplayed=true, onlySimpleTypes, dataIsResolved).

    Only properties some display rule reads are computed; nothing else is ever looked up.
    """
    full: dict[str, Any] = {}
    if not plist.check_order:
        return full
    if not truthy(root):
        root = full
    in_collection = parent == "collection"
    dups = plist.dups
    is_dict = type(values) is dict
    for prop in plist.check_order:
        name = prop.name
        value = values.get(name, MISSING) if is_dict else js_prop(values, name)
        if value is MISSING and in_collection:
            continue
        if name in dups and not _displayed(full, prop, version, root):
            continue
        out = _simple_value(prop, value)
        if out is MISSING:
            full.pop(name, None)
            continue
        if prop.nde and type(out) is str and out[:1] == "=":
            out = out[1:]
        full[name] = out
    return full


def _simple_value(prop: Prop, value: Any) -> Any:
    if prop.type in _SIMPLE_KEEP_FALSY:
        return value if value is not MISSING else _copy(prop.default)
    if prop.type == "resourceLocator" and (prop.default is None or isinstance(prop.default, (dict, list))):
        if value is not MISSING:
            return value
        spread = prop.default if isinstance(prop.default, dict) else (
            {str(i): v for i, v in enumerate(prop.default)} if isinstance(prop.default, list) else {})
        return {"__rl": True, **_copy(spread)}
    return value if value is not MISSING and value is not None else _copy(prop.default)


def _collection(prop: Prop, value: Any, version: float, root: Any) -> Any:
    if prop.multiple is True:
        if value is not MISSING:
            return value
        return _copy(prop.default) if isinstance(prop.default, list) else []
    if value is not MISSING:
        options = prop.options or _EMPTY
        return _resolve(options, value, version, root, "collection")
    return _copy(prop.default)


def _fixed_collection(prop: Prop, value: Any, version: float, root: Any) -> Any:
    entries = value if value is not MISSING else _copy(prop.default)
    result: dict[str, Any] = {}
    if not isinstance(entries, dict):
        # Object.keys of a non-object yields nothing usable: arrays/strings are skipped below
        return result
    for item in list(entries):
        option = prop.fc.get(item)
        if prop.multiple is True:
            rows = []
            for row in _js_iterate(entries[item], prop.name, item):
                if option is None:
                    raise ParameterResolutionError(
                        f"Could not find property option {item!r} of {prop.name!r}")
                rows.append(_resolve(option, row, version, root, "fixedCollection"))
            result[item] = rows
        elif option is not None:
            if value is MISSING or value is None:
                raise ParameterResolutionError(
                    f"Cannot read properties of {_js_type_name(value)} (reading {item!r})")
            inner = _resolve(option, js_prop(value, item), version, root, "fixedCollection")
            if inner:
                result[item] = inner
    return result


_EMPTY = PropList([])


# --------------------------------------------------------------------------- displayParameter


def _displayed_cached(prop: Prop, cache: list[Any], rules: list[tuple[bool, Rule]],
                      values: dict[str, Any], version: float, root: Any) -> bool:
    """displayParameter with each distinct rule of the level evaluated at most once."""
    if prop.show_ids:
        for i in prop.show_ids:
            r = cache[i]
            if r is None:
                r = cache[i] = _show_rule(rules[i][1], values, version, root)
            if r is _HIDDEN:
                return False
            if r is _SHOWN:
                return True
    if prop.hide_ids:
        for i in prop.hide_ids:
            r = cache[i]
            if r is None:
                r = cache[i] = _hide_rule(rules[i][1], values, version, root)
            if r:
                return False
    return True


_HIDDEN, _SHOWN, _PASS = "hidden", "shown", "pass"


def _show_rule(rule: Rule, values: dict[str, Any], version: float, root: Any) -> str:
    """One ``show`` entry: hidden, shown (an expression controls it) or pass (check the rest)."""
    kind, key, plain, atoms, conds = rule
    value = values.get(key, MISSING) if kind == KEY_SIBLING and plain else _raw_value(
        values, kind, key, version, root)
    tv = type(value)
    if tv is not dict and tv is not list:
        if tv is str and value[:1] == "=":
            return _SHOWN
        if atoms is not None:
            return _PASS if atom(value) in atoms else _HIDDEN
    actual = _as_values(value)
    for v in actual:
        if type(v) is str and v[:1] == "=":
            return _SHOWN
    return _PASS if actual and _check_conditions(conds, actual) else _HIDDEN


def _hide_rule(rule: Rule, values: dict[str, Any], version: float, root: Any) -> bool:
    """One ``hide`` entry: whether it hides the property."""
    kind, key, plain, atoms, conds = rule
    value = values.get(key, MISSING) if kind == KEY_SIBLING and plain else _raw_value(
        values, kind, key, version, root)
    tv = type(value)
    if atoms is not None and tv is not dict and tv is not list:
        return atom(value) in atoms
    actual = _as_values(value)
    return bool(actual) and _check_conditions(conds, actual)


def _displayed(values: dict[str, Any], prop: Prop, version: float, root: Any) -> bool:
    """Port of displayParameter (uncached: ``values`` may still be filling up)."""
    if prop.show:
        for rule in prop.show:
            r = _show_rule(rule, values, version, root)
            if r is _HIDDEN:
                return False
            if r is _SHOWN:
                return True
    if prop.hide:
        for rule in prop.hide:
            if _hide_rule(rule, values, version, root):
                return False
    return True


def _raw_value(values: Any, kind: int, key: str, version: float, root: Any) -> Any:
    """getPropertyValues before the resourceLocator/array normalisation."""
    if kind == KEY_SIBLING:
        return lodash_get(values, key)
    if kind == KEY_ROOT:
        return lodash_get(root, key)
    if kind == KEY_VERSION:
        return version
    return False  # @tool: none of the covered base types ends with "Tool"


def _as_values(value: Any) -> list[Any]:
    if type(value) is dict and truthy(value.get("__rl", MISSING)):
        value = value.get("value", MISSING)
    return value if type(value) is list else [value]


def _check_conditions(conditions: Any, actual: list[Any]) -> bool:
    if not isinstance(conditions, list):
        raise ParameterResolutionError("conditions.some is not a function")
    for cond in conditions:
        if type(cond) is dict and len(cond) == 1 and truthy(cond.get("_cnd", MISSING)):
            items = list(cond["_cnd"].items()) if isinstance(cond["_cnd"], dict) else []
            if not items:
                raise ParameterResolutionError("_cnd without a condition")
            op, target = items[0]
            if all(_cnd(op, target, v) for v in actual):
                return True
        elif any(same_value_zero(v, cond) for v in actual):
            return True
    return False


def _cnd(op: str, target: Any, value: Any) -> bool:
    if op == "eq":
        return is_equal(value, target)
    if op == "not":
        return not is_equal(value, target)
    if op in ("gte", "lte", "gt", "lt"):
        return relational(op, value, target)
    if op == "between":
        low = js_prop(target, "from")
        high = js_prop(target, "to")
        return relational("gte", value, low) and relational("lte", value, high)
    if op in ("includes", "startsWith", "endsWith"):
        return _string_method(op, value, target)
    if op == "regex":
        return type(value) is str and _regex_test(target, value)
    if op == "exists":
        return value is not None and value is not MISSING and value != ""
    return False


def _string_method(op: str, value: Any, target: Any) -> bool:
    if type(value) is list and op == "includes":
        return any(same_value_zero(v, target) for v in value)
    if type(value) is not str:
        raise ParameterResolutionError(f"propertyValue.{op} is not a function")
    text = to_js_string(target)
    if op == "includes":
        return text in value
    if op == "startsWith":
        return value.startswith(text)
    return value.endswith(text)


def _regex_test(pattern: Any, text: str) -> bool:
    try:
        return re.search(to_js_string(pattern), text) is not None
    except re.error:
        return False


def _js_iterate(value: Any, prop: str, item: str) -> list[Any]:
    """``for (const x of value)``: arrays and strings iterate; anything else throws."""
    if type(value) is list:
        return value
    if type(value) is str:
        return list(value)
    raise ParameterResolutionError(f"propertyValues[{item!r}] of {prop!r} is not iterable")


def _js_type_name(v: Any) -> str:
    return "undefined" if v is MISSING else "null"


def _copy(v: Any) -> Any:
    """Deep copy of a JSON default (schemas are cached, results must not alias them)."""
    if type(v) is dict:
        return {k: _copy(x) for k, x in v.items()}
    if type(v) is list:
        return [_copy(x) for x in v]
    return v
