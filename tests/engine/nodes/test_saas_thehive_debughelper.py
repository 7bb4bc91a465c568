"""TheHive (against a fake TheHive API) and DebugHelper nodes."""

from __future__ import annotations

import re

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

DH = "n8n-nodes-base.debugHelper"
TWO = [{"json": {"a": 1}}, {"json": {"a": 2}}]


def dh(params, **kw):
    return run_service(DH, 1, params, **kw)


def test_debug_helper_random_user_shape_and_pairing():
    items = output(dh({"category": "randomData", "randomDataCount": 3}, items=TWO))
    assert len(items) == 6
    assert [it["pairedItem"] for it in items] == [{"item": 0}] * 3 + [{"item": 1}] * 3
    for it in items:
        row = it["json"]
        assert list(row) == ["uid", "email", "firstname", "lastname", "password"]
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", row["uid"])
        assert "@" in row["email"] and all(isinstance(v, str) and v for v in row.values())


def test_debug_helper_random_types_keys_and_types():
    expected = {"address": {"firstname": str, "lastname": str, "street": str, "city": str, "zip": str,
                            "state": str, "country": str},
                "email": {"email": str, "confirmed": bool},
                "creditCard": {"type": str, "number": str, "ccv": str, "exp": str, "holder_name": str},
                "uuid": {"uuid": str}, "macAddress": {"mac": str}, "ipv4": {"ip": str}, "ipv6": {"ipv6": str},
                "latLong": {"location": str}, "semver": {"version": str}, "url": {"url": str},
                "nanoid": {"nanoId": str}}
    for kind, keys in expected.items():
        items = output(dh({"category": "randomData", "randomDataType": kind, "randomDataCount": 2}))
        assert len(items) == 2, kind
        for it in items:
            assert list(it["json"]) == list(keys), kind
            assert all(isinstance(it["json"][k], t) for k, t in keys.items()), kind
    row = output(dh({"category": "randomData", "randomDataType": "address", "randomDataCount": 1}))[0]["json"]
    assert re.fullmatch(r"\d{5}", row["zip"])
    row = output(dh({"category": "randomData", "randomDataType": "creditCard", "randomDataCount": 1}))[0]["json"]
    assert row["type"] in ("MasterCard", "Visa") and re.fullmatch(r"\d\d/\d\d", row["exp"])
    row = output(dh({"category": "randomData", "randomDataType": "ipv4", "randomDataCount": 1}))[0]["json"]
    assert all(0 <= int(p) <= 255 for p in row["ip"].split("."))
    row = output(dh({"category": "randomData", "randomDataType": "macAddress", "randomDataCount": 1}))[0]["json"]
    assert re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", row["mac"])
    row = output(dh({"category": "randomData", "randomDataType": "nanoid", "nanoidAlphabet": "ab",
                     "nanoidLength": "7", "randomDataCount": 1}))[0]["json"]
    assert re.fullmatch(r"[ab]{7}", row["nanoId"])


def test_debug_helper_single_array_seed_and_expression_count():
    params = {"category": "randomData", "randomDataType": "uuid", "randomDataSeed": "s1",
              "randomDataCount": "={{ $json.n }}", "randomDataSingleArray": True}
    items = output(dh(params, items=[{"json": {"n": 2}}, {"json": {"n": 2}}]))
    assert [it["pairedItem"] for it in items] == [{"item": 0}, {"item": 1}]
    assert len(items[0]["json"]["generatedItems"]) == 2
    assert items[0]["json"] == items[1]["json"]  # re-seeded for every item, as n8n's setSeed


def test_debug_helper_do_nothing_outputs_nothing():
    assert output(dh({"category": "doNothing"}, items=TWO)) == []


def test_debug_helper_throw_error_types_and_continue_on_fail():
    err = error(dh({}))
    assert err["message"] == "Node has thrown an error" and err["name"] == "NodeApiError"
    err = error(dh({"throwErrorType": "NodeOperationError", "throwErrorMessage": "boom"}))
    assert err["message"] == "boom" and err["name"] == "NodeOperationError"
    err = error(dh({"throwErrorType": "Error", "throwErrorMessage": "plain"}))
    assert err["message"] == "plain"
    items = output(dh({"throwErrorMessage": "bad"}, items=TWO, continue_on_fail=True))
    assert items == [{"json": {"error": "bad"}, "pairedItem": {"item": 0}},
                     {"json": {"error": "bad"}, "pairedItem": {"item": 1}}]


def test_debug_helper_oom_small_reports_memory_usage():
    items = output(dh({"category": "oom", "memorySizeValue": 1}, items=[{"json": {"x": 1}}]))
    assert len(items) == 1
    assert list(items[0]["json"]) == ["rss", "heapTotal", "heapUsed", "external", "arrayBuffers"]
    assert all(isinstance(v, int) for v in items[0]["json"].values()) and items[0]["json"]["rss"] > 0


def test_debug_helper_oom_large_fails_without_allocating():
    err = error(dh({"category": "oom", "memorySizeValue": 1000}, continue_on_fail=True))
    assert "possible out-of-memory issue" in err["message"] and "256 MB" in err["message"]
    err = error(dh({"category": "oom", "memorySizeValue": 40000}))
    assert err["message"] == "Invalid array length"
