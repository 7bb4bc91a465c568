"""Redis node against the real Redis on 127.0.0.1:6379, database 13, keys prefixed per test."""

from __future__ import annotations

import os
import uuid

import pytest
from gdb_harness import creds, flow, output, run

from automatelanka.engine.state import Services

redis = pytest.importorskip("redis")
DB = 13
CRED = {"redis": {"id": "1", "name": "R"}}


@pytest.fixture
def r():
    client = redis.Redis(host="127.0.0.1", port=6379, db=DB, decode_responses=True, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"altest:{uuid.uuid4().hex[:8]}:"
    yield client, prefix
    for key in client.keys(prefix + "*"):
        client.delete(key)
    client.close()


def services() -> Services:
    return Services(credentials=creds({"redis": {"host": "127.0.0.1", "port": 6379, "database": DB, "password": ""}}))


def rd(params, items=None, **kw):
    return flow("redis", 1, params, items if items is not None else [{"in": 1}], credentials=CRED, **kw)


def test_set_get_incr_and_delete(r):
    client, p = r
    out = output(run(rd({"operation": "set", "key": p + "s", "value": "hello"}), services()))
    assert [i["json"] for i in out] == [{"in": 1}]
    run(rd({"operation": "set", "key": p + "h", "value": '{"a": 1, "b": "x"}', "keyType": "hash"}), services())
    assert client.hgetall(p + "h") == {"a": "1", "b": "x"}
    out = output(run(rd({"operation": "get", "key": p + "s", "propertyName": "data.value"}), services()))
    assert out[0]["json"] == {"data": {"value": "hello"}}
    out = output(run(rd({"operation": "get", "key": p + "h", "propertyName": "h"}), services()))
    assert out[0]["json"] == {"h": {"a": "1", "b": "x"}}
    out = output(run(rd({"operation": "get", "key": p + "missing", "propertyName": "v"}), services()))
    assert out[0]["json"] == {"v": None}
    out = output(run(rd({"operation": "incr", "key": p + "n", "expire": True, "ttl": 100}, [{}, {}]), services()))
    assert [i["json"] for i in out] == [{p + "n": 1}, {p + "n": 2}]
    assert 0 < client.ttl(p + "n") <= 100
    run(rd({"operation": "delete", "key": p + "s"}), services())
    assert client.exists(p + "s") == 0


def test_push_pop_llen_keys_and_info(r):
    client, p = r
    run(rd({"operation": "push", "list": p + "q", "messageData": '{"job": 1}', "tail": True}), services())
    run(rd({"operation": "push", "list": p + "q", "messageData": "plain", "tail": True}), services())
    out = output(run(rd({"operation": "llen", "list": p + "q"}), services()))
    assert out[0]["json"] == {p + "q": 2}
    out = output(run(rd({"operation": "pop", "list": p + "q", "propertyName": "job"}, [{}, {}]), services()))
    assert [i["json"] for i in out] == [{"job": {"job": 1}}, {"job": "plain"}]
    client.set(p + "k1", "v1")
    out = output(run(rd({"operation": "keys", "keyPattern": p + "k*"}), services()))
    assert out[0]["json"] == {p + "k1": "v1"}
    out = output(run(rd({"operation": "keys", "keyPattern": p + "k*", "getValues": False}), services()))
    assert out[0]["json"] == {"keys": [p + "k1"]}
    info = output(run(rd({"operation": "info"}), services()))[0]["json"]
    assert isinstance(info["tcp_port"], int) and info["tcp_port"] == 6379
    assert isinstance(info.get(f"db{DB}"), dict) and "keys" in info[f"db{DB}"]
