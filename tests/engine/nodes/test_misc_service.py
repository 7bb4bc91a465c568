"""Execution Data, Read/Write Binary File and service webhook triggers through the executor."""

from __future__ import annotations

import base64

from svc_harness import output, run_service


def test_execution_data_sets_custom_data_and_passes_items():
    params = {"dataToSave": {"values": [{"key": "order", "value": 42}, {"key": "empty", "value": ""}]}}
    ex = run_service("n8n-nodes-base.executionData", 1.1, params, items=[{"json": {"a": 1}}])
    assert [it["json"] for it in output(ex)] == [{"a": 1}]
    assert ex.state.custom_data == {"order": "42", "empty": ""}


def test_write_then_read_binary_file_inside_files_root(tmp_path):
    item = {"json": {"k": 1}, "binary": {"data": {"data": base64.b64encode(b"hello").decode(),
                                                  "mimeType": "text/plain", "fileName": "x.txt"}}}
    ex = run_service("n8n-nodes-base.writeBinaryFile", 1, {"fileName": "out/x.txt"}, items=[item],
                     files_root=tmp_path)
    assert output(ex)[0]["json"] == {"k": 1, "fileName": "out/x.txt"}
    assert (tmp_path / "out" / "x.txt").read_bytes() == b"hello"
    ex = run_service("n8n-nodes-base.readBinaryFile", 1, {"filePath": "out/x.txt", "dataPropertyName": "f"},
                     files_root=tmp_path)
    entry = output(ex)[0]["binary"]["f"]
    assert base64.b64decode(entry["data"]) == b"hello"
    assert entry["fileName"] == "x.txt" and entry["mimeType"] == "text/plain"


def test_read_binary_file_refuses_paths_outside_root(tmp_path):
    ex = run_service("n8n-nodes-base.readBinaryFile", 1, {"filePath": "/etc/passwd"}, files_root=tmp_path,
                     continue_on_fail=True)
    assert "outside the files root" in output(ex)[0]["json"]["error"]
