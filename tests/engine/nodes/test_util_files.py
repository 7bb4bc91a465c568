"""Convert to File, Extract from File, Read/Write Files from Disk and the binary helpers."""

from __future__ import annotations

import base64

import pytest
from util_harness import run_node

from automatelanka.engine.binary import prepare_binary, pretty_bytes
from automatelanka.engine.errors import NodeError
from automatelanka.engine.nodes.files import sheet_general
from automatelanka.engine.state import Services


def content(item, prop="data"):
    return base64.b64decode(item["binary"][prop]["data"])


def test_binary_metadata_like_n8n():
    assert [pretty_bytes(n) for n in (0, 2, 999, 1000, 1234, 999999, 123456789)] == \
        ["0 B", "2 B", "999 B", "1 kB", "1.23 kB", "1000 kB", "123 MB"]
    entry = prepare_binary(b"hi", "dir/x.csv")
    assert entry == {"mimeType": "text/csv", "fileType": "text", "fileExtension": "csv", "data": "aGk=",
                     "directory": "dir", "fileName": "x.csv", "fileSize": "2 B"}


def test_csv_is_written_like_sheetjs_and_read_back_as_strings():
    items = [{"json": {"id": "A1", "n": 120.5, "ok": True, "tags": ["x", "y"], "q": 'say "hi", ok'}},
             {"json": {"id": "A2", "n": 0.1 + 0.2, "nested": {"k": None}}}]
    out, _ = run_node("n8n-nodes-base.convertToFile", 1.1, {"options": {}}, items)
    item = out[0][0]
    assert item["json"] == {} and item["pairedItem"] == [{"item": 0}, {"item": 1}]
    assert {k: item["binary"]["data"][k] for k in ("fileName", "mimeType", "fileExtension")} == \
        {"fileName": "File.csv", "mimeType": "text/csv", "fileExtension": "csv"}
    assert content(item).decode() == ('\ufeffid,n,ok,tags.0,tags.1,q,nested.k\n'
                                      'A1,120.5,TRUE,x,y,"say ""hi"", ok",\nA2,0.3,,,,,')
    back, _ = run_node("n8n-nodes-base.extractFromFile", 1, {"options": {}}, out[0])
    assert back[0][0]["json"] == {"\ufeffid": "A1", "n": "120.5", "ok": "TRUE", "tags.0": "x", "tags.1": "y",
                                  "q": 'say "hi", ok'}
    assert back[0][1]["json"] == {"\ufeffid": "A2", "n": "0.3"}
    stripped, _ = run_node("n8n-nodes-base.extractFromFile", 1, {"options": {"enableBOM": True,
                                                                             "includeEmptyCells": True}}, out[0])
    assert stripped[0][1]["json"]["id"] == "A2" and stripped[0][1]["json"]["ok"] == ""


def test_sheetjs_general_number_format():
    assert [sheet_general(v) for v in (1, -1.5, 1 / 3, 12345678901234, 1e-7, 3000000000, False, None)] == \
        ["1", "-1.5", "0.333333333", "1.23457E+13", "0.0000001", "3000000000", "FALSE", ""]


def test_json_text_base64_and_xlsx_round_trips():
    items = [{"json": {"a": 1, "t": "hello", "b64": base64.b64encode(b"raw").decode()}}]
    out, _ = run_node("n8n-nodes-base.convertToFile", 1.1, {"operation": "toJson", "options": {"format": True}},
                      items)
    assert content(out[0][0]) == b'[\n  {\n    "a": 1,\n    "t": "hello",\n    "b64": "cmF3"\n  }\n]'
    assert out[0][0]["binary"]["data"]["fileName"] == "file.json"
    back, _ = run_node("n8n-nodes-base.extractFromFile", 1, {"operation": "fromJson"}, out[0])
    assert back[0][0]["json"] == {"data": [items[0]["json"]]}
    out, _ = run_node("n8n-nodes-base.convertToFile", 1.1, {"operation": "toText", "sourceProperty": "t"}, items)
    assert content(out[0][0]) == b"hello" and out[0][0]["binary"]["data"]["fileName"] == "file.txt"
    out, _ = run_node("n8n-nodes-base.convertToFile", 1.1, {"operation": "toBinary", "sourceProperty": "b64",
                                                            "options": {"fileName": "r.bin"}}, items)
    assert content(out[0][0]) == b"raw"
    text, _ = run_node("n8n-nodes-base.extractFromFile", 1, {"operation": "text", "destinationKey": "txt"}, out[0])
    assert text[0][0]["json"] == {"txt": "raw"}
    sheet, _ = run_node("n8n-nodes-base.convertToFile", 1.1, {"operation": "xlsx"},
                        [{"json": {"a": 1, "b": "x"}}, {"json": {"a": 2, "c": True}}])
    rows, _ = run_node("n8n-nodes-base.extractFromFile", 1, {"operation": "xlsx"}, sheet[0])
    assert [r["json"] for r in rows[0]] == [{"a": 1, "b": "x"}, {"a": 2, "c": True}]


def test_extract_errors():
    with pytest.raises(NodeError, match="No binary data exists on item"):
        run_node("n8n-nodes-base.extractFromFile", 1, {"operation": "csv"}, [{"json": {}}])
    bad = [{"json": {}, "binary": {"data": prepare_binary(b"{nope", "x.json")}}]
    with pytest.raises(NodeError, match="not in JSON format"):
        run_node("n8n-nodes-base.extractFromFile", 1, {"operation": "fromJson"}, bad)


def test_read_write_files_stay_inside_the_files_root(tmp_path):
    (tmp_path / "secret.txt").write_text("no")
    tmp_path = tmp_path / "root"
    tmp_path.mkdir()
    services = Services(files_root=tmp_path)
    item = {"json": {"k": 1}, "binary": {"data": prepare_binary(b"abc", "a.txt")}}
    out, _ = run_node("n8n-nodes-base.readWriteFile", 1, {"operation": "write", "fileName": "sub/a.txt"}, [item],
                      services=services)
    assert (tmp_path / "sub/a.txt").read_bytes() == b"abc" and out[0][0]["json"] == {"k": 1, "fileName": "sub/a.txt"}
    read, _ = run_node("n8n-nodes-base.readWriteFile", 1, {"fileSelector": "sub/*.txt"}, [{"json": {}}],
                       services=services)
    assert read[0][0]["json"] == {"mimeType": "text/plain", "fileType": "text", "fileName": "a.txt",
                                  "fileExtension": "txt", "fileSize": "3 B"}
    assert content(read[0][0]) == b"abc"
    for path in ("../outside.txt", "/etc/passwd"):
        with pytest.raises(NodeError, match="outside the files root"):
            run_node("n8n-nodes-base.readWriteFile", 1, {"operation": "write", "fileName": path}, [item],
                     services=services)
    with pytest.raises(NodeError, match="outside the files root"):
        run_node("n8n-nodes-base.readWriteFile", 1, {"fileSelector": "../*"}, [{"json": {}}], services=services)
    with pytest.raises(NodeError, match="no files root"):
        run_node("n8n-nodes-base.readWriteFile", 1, {"fileSelector": "*"}, [{"json": {}}])
