"""Trigger nodes and the Crypto node through a NodeContext with constant parameters."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest
from util_harness import run_node

from automatelanka.engine.errors import NodeError
from automatelanka.engine.nodes.base import lookup
from automatelanka.engine.nodes.triggers import schedule_fire_item
from automatelanka.engine.workflow import Workflow


@pytest.mark.parametrize("node_type", ["manualTrigger", "cron", "interval", "start", "errorTrigger", "webhook",
                                       "formTrigger", "scheduleTrigger"])
def test_triggers_pass_their_seed_through(node_type):
    version = {"webhook": 2, "formTrigger": 2.2, "scheduleTrigger": 1.2}.get(node_type, 1)
    seed = [{"json": {"body": {"x": 1}}}]
    out, _ = run_node(f"n8n-nodes-base.{node_type}", version, {}, seed)
    assert out == [seed]


def test_only_trigger_method_nodes_are_flagged_as_triggers():
    def spec(node_type, version=1):
        wf = Workflow({"nodes": [{"name": "N", "type": f"n8n-nodes-base.{node_type}", "typeVersion": version,
                                  "parameters": {}, "position": [0, 0]}], "connections": {}})
        return lookup(wf.nodes["N"])

    assert spec("manualTrigger").trigger and spec("scheduleTrigger", 1.3).trigger and spec("cron").trigger
    assert not spec("webhook", 2).trigger and not spec("executeWorkflowTrigger", 1.1).trigger
    assert not spec("start").trigger and not spec("errorTrigger").trigger


def test_webhook_with_multiple_methods_declares_one_output_per_method():
    wf = Workflow({"nodes": [{"name": "W", "type": "n8n-nodes-base.webhook", "typeVersion": 2,
                              "parameters": {"multipleMethods": True, "httpMethod": ["GET", "POST", "PUT"]},
                              "position": [0, 0]}], "connections": {}})
    assert lookup(wf.nodes["W"]).outputs(wf.nodes["W"]) == 3


def test_execute_workflow_trigger_modes():
    items = [{"json": {"a": 1, "b": 2}}, {"json": {"b": 3, "c": 4}}]
    out, _ = run_node("n8n-nodes-base.executeWorkflowTrigger", 1.1, {"inputSource": "passthrough"}, items)
    assert out == [items]
    out, _ = run_node("n8n-nodes-base.executeWorkflowTrigger", 1.1,
                      {"inputSource": "workflowInputs", "workflowInputs": {"values": [{"name": "b"}, {"name": "z"}]}},
                      items)
    assert [i["json"] for i in out[0]] == [{"b": 2, "z": None}, {"b": 3, "z": None}]
    out, _ = run_node("n8n-nodes-base.executeWorkflowTrigger", 1.1,
                      {"inputSource": "jsonExample", "jsonExample": '{"c": "x", "a": 0}'}, items)
    assert [i["json"] for i in out[0]] == [{"c": None, "a": 1}, {"c": 4, "a": None}]
    # v1 has no inputSource: always passthrough
    out, _ = run_node("n8n-nodes-base.executeWorkflowTrigger", 1, {}, items)
    assert out == [items]


def test_schedule_fire_item_formats_like_moment():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2024, 3, 1, 14, 5, 9, 123000, tzinfo=ZoneInfo("Europe/Berlin"))
    item = schedule_fire_item("Europe/Berlin", moment)
    assert item["timestamp"] == "2024-03-01T14:05:09.123+01:00"
    assert item["Readable date"] == "March 1st 2024, 2:05:09 pm"
    assert item["Day of week"] == "Friday" and item["Timezone"] == "Europe/Berlin (UTC+01:00)"


def test_crypto_hash_hmac_and_encodings():
    items = [{"json": {"name": "ada lovelace"}}]
    out, _ = run_node("n8n-nodes-base.crypto", 1, {"type": "SHA256", "value": "ada lovelace",
                                                    "dataPropertyName": "digest"}, items)
    assert out[0][0]["json"]["digest"] == hashlib.sha256(b"ada lovelace").hexdigest()
    assert out[0][0]["pairedItem"] == {"item": 0} and items[0]["json"] == {"name": "ada lovelace"}
    out, _ = run_node("n8n-nodes-base.crypto", 1, {"action": "hmac", "type": "SHA512", "value": "v", "secret": "k",
                                                    "encoding": "base64", "dataPropertyName": "a.b"}, items)
    want = base64.b64encode(hmac.new(b"k", b"v", "sha512").digest()).decode()
    assert out[0][0]["json"]["a"] == {"b": want}
    out, _ = run_node("n8n-nodes-base.crypto", 1, {"type": "SHA3-256", "value": "x"}, items)
    assert out[0][0]["json"]["data"] == hashlib.sha3_256(b"x").hexdigest()


def test_crypto_hashes_binary_data_and_drops_it():
    items = [{"json": {}, "binary": {"data": {"data": base64.b64encode(b"hello").decode(), "mimeType": "text/plain"}}}]
    out, _ = run_node("n8n-nodes-base.crypto", 1, {"type": "MD5", "binaryData": True}, items)
    assert out[0][0]["json"]["data"] == hashlib.md5(b"hello").hexdigest()
    assert "binary" not in out[0][0]


def test_crypto_generate_and_errors():
    out, _ = run_node("n8n-nodes-base.crypto", 1, {"action": "generate", "dataPropertyName": "id"}, [{"json": {}}])
    assert re.fullmatch(r"[0-9a-f-]{36}", out[0][0]["json"]["id"])
    out, _ = run_node("n8n-nodes-base.crypto", 1, {"action": "generate", "encodingType": "hex", "stringLength": 7},
                      [{"json": {}}])
    assert re.fullmatch(r"[0-9a-f]{7}", out[0][0]["json"]["data"])
    with pytest.raises(NodeError, match="must be of type string"):
        run_node("n8n-nodes-base.crypto", 1, {"type": "MD5", "value": 36}, [{"json": {}}])
    out, _ = run_node("n8n-nodes-base.crypto", 1, {"type": "MD5", "value": 36}, [{"json": {}}], continue_on_fail=True)
    assert "must be of type string" in out[0][0]["json"]["error"]


def test_crypto_sign_with_rsa_key_verifies():
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    out, _ = run_node("n8n-nodes-base.crypto", 1, {"action": "sign", "value": "msg", "algorithm": "RSA-SHA256",
                                                    "privateKey": pem, "encoding": "base64"}, [{"json": {}}])
    signature = base64.b64decode(out[0][0]["json"]["data"])
    key.public_key().verify(signature, b"msg", padding.PKCS1v15(), hashes.SHA256())
