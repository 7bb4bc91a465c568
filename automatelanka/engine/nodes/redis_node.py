"""Redis (v1) with redis-py: info, get, set, delete, incr, keys, llen, publish, push, pop."""

from __future__ import annotations

import json
import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes.base import NodeContext, register


def connect(ctx: NodeContext) -> Any:
    import redis

    fields = credential(ctx, "redis") or {}
    return redis.Redis(host=fields.get("host") or "localhost", port=int(fields.get("port") or 6379),
                       db=int(fields.get("database") or 0), username=fields.get("user") or None,
                       password=fields.get("password") or None, ssl=fields.get("ssl") is True,
                       ssl_cert_reqs=None if fields.get("disableTlsVerification") else "required",
                       socket_connect_timeout=10, decode_responses=True)


def parsed(value: str) -> Any:
    """``getParsedValue``: digits-and-dots become numbers."""
    if re.fullmatch(r"[\d.]+", value) is None:
        return value
    try:
        number = float(value)
    except ValueError:
        match = re.match(r"\d*\.?\d*", value)
        number = float(match.group(0)) if match and match.group(0) not in ("", ".") else float("nan")
    return int(number) if number.is_integer() else number


def info_object(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for line in text.split("\n"):
        if line[:1] in ("#", ""):
            continue
        parts = line.split(":")
        if len(parts) < 2:
            continue
        key, value = parts[0], parts[1].strip()
        if "=" in value:
            out[key] = {}
            for pair in value.split(","):
                sub = pair.split("=")
                out[key][sub[0]] = parsed(sub[1]) if len(sub) > 1 else None
        else:
            out[key] = parsed(value)
    return out


def get_value(client: Any, key: str, kind: str | None = None) -> Any:
    if kind in (None, "automatic"):
        kind = client.type(key)
    if kind == "string":
        return client.get(key)
    if kind == "hash":
        return client.hgetall(key)
    if kind == "list":
        return client.lrange(key, 0, -1)
    if kind == "sets":
        return sorted(client.smembers(key))
    return None  # "set" (what TYPE answers for sets), "none"...: n8n returns undefined


def _js_text(value: Any) -> str:
    from automatelanka.engine.schemas.jsvalue import to_js_string

    return to_js_string(value)


def set_value(ctx: NodeContext, client: Any, key: str, value: Any, expire: bool, ttl: int, kind: str,
              value_is_json: bool) -> None:
    if kind in (None, "automatic"):
        if isinstance(value, str):
            kind = "string"
        elif isinstance(value, list):
            kind = "list"
        elif isinstance(value, dict):
            kind = "hash"
        else:
            raise ctx.error("Could not identify the type to set. Please set it manually!")
    if kind == "string":
        client.set(key, _js_text(value))
    elif kind == "hash":
        if value_is_json:
            values = value
            if isinstance(value, str):
                try:
                    values = json.loads(value)
                except ValueError:
                    values = value
            for field_name, field_value in (values.items() if isinstance(values, dict) else []):
                client.hset(key, field_name, _js_text(field_value))
        else:
            parts = _js_text(value).split(" ")
            client.hset(key, mapping=dict(zip(parts[::2], parts[1::2], strict=False)))
    elif kind == "list":
        for index, entry in enumerate(value if isinstance(value, list) else list(str(value))):
            client.lset(key, index, _js_text(entry))
    elif kind == "sets":
        client.sadd(key, *(value if isinstance(value, list) else [value]))
    if expire:
        client.expire(key, int(ttl))


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """lodash ``set`` for dotted paths."""
    parts = [p for p in re.split(r"\.|\[(\d+)\]", path) if p]
    node = target
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1] if parts else path] = value


@register("n8n-nodes-base.redis", versions=(1,), display_name="Redis")
@register("n8n-nodes-base.redisTool", versions=(1,), display_name="Redis Tool")
def redis_node(ctx: NodeContext) -> NodeOutput:
    import redis

    client = connect(ctx)
    try:
        try:
            client.ping()
        except redis.RedisError as exc:
            raise NodeError(str(exc)) from None
        operation = ctx.param("operation", 0, "info")
        if operation == "info":
            try:
                return [[{"json": info_object(_raw_info(client))}]]
            except redis.RedisError as exc:
                if ctx.continue_on_fail:
                    return [[{"json": {"error": str(exc)}}]]
                raise NodeError(str(exc)) from None
        if operation not in ("delete", "get", "keys", "llen", "set", "incr", "publish", "push", "pop"):
            raise ctx.error(f"Redis: operation '{operation}' is not supported yet")
        out: list[Item] = []
        for i, item in enumerate(ctx.input(0)):
            try:
                out.append(_one(ctx, client, operation, i, item))
            except (redis.RedisError, NodeError) as exc:
                message = exc.message if isinstance(exc, NodeError) else str(exc)
                if ctx.continue_on_fail:
                    out.append({"json": {"error": message}, "pairedItem": {"item": i}})
                    continue
                raise NodeError(message, item_index=i) from None
        return [out]
    finally:
        client.close()


def _raw_info(client: Any) -> str:
    """INFO as the raw text the server sends."""
    conn = client.connection_pool.get_connection()
    try:
        conn.send_command("INFO")
        response = conn.read_response(disable_decoding=True)
    finally:
        client.connection_pool.release(conn)
    return response.decode() if isinstance(response, bytes) else str(response)


def _one(ctx: NodeContext, client: Any, operation: str, i: int, item: Item) -> Item:
    new: Item = {"json": {}, "pairedItem": {"item": i}}
    if operation == "delete":
        client.delete(str(ctx.param("key", i, "")))
        return item
    if operation == "get":
        prop = str(ctx.param("propertyName", i, "propertyName"))
        value = get_value(client, str(ctx.param("key", i, "")), ctx.param("keyType", i, "automatic"))
        if (ctx.param("options", i, {}) or {}).get("dotNotation") is False:
            new["json"][prop] = value
        else:
            set_path(new["json"], prop, value)
        return new
    if operation == "keys":
        keys = client.keys(str(ctx.param("keyPattern", i, "")))
        if not ctx.param("getValues", i, True):
            return {"json": {"keys": keys}}
        for name in keys:
            new["json"][name] = get_value(client, name)
        return new
    if operation == "llen":
        name = str(ctx.param("list", i, ""))
        new["json"] = {name: client.llen(name)}
        return new
    if operation == "set":
        set_value(ctx, client, str(ctx.param("key", i, "")), ctx.param("value", i, ""), bool(ctx.param("expire", i, False)),
                  int(ctx.param("ttl", i, -1)), ctx.param("keyType", i, "automatic"),
                  bool(ctx.param("valueIsJSON", i, True)))
        return item
    if operation == "incr":
        key = str(ctx.param("key", i, ""))
        value = client.incr(key)
        ttl = int(ctx.param("ttl", i, -1))
        if ctx.param("expire", i, False) and ttl > 0:
            client.expire(key, ttl)
        return {"json": {key: value}}
    if operation == "publish":
        client.publish(str(ctx.param("channel", i, "")), _js_text(ctx.param("messageData", i, "")))
        return item
    if operation == "push":
        name = str(ctx.param("list", i, ""))
        data = _js_text(ctx.param("messageData", i, ""))
        (client.rpush if ctx.param("tail", i, False) else client.lpush)(name, data)
        return item
    name = str(ctx.param("list", i, ""))
    value = (client.rpop if ctx.param("tail", i, False) else client.lpop)(name)
    try:
        output = value and json.loads(value)
    except ValueError:
        output = value
    prop = str(ctx.param("propertyName", i, "propertyName"))
    if (ctx.param("options", i, {}) or {}).get("dotNotation") is False:
        new["json"][prop] = output
    else:
        set_path(new["json"], prop, output)
    return new
