"""Read Binary Files (local files by glob, confined to files_root) and Stripe (form-encoded REST
against a local fake of api.stripe.com/v1)."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

RBF = "n8n-nodes-base.readBinaryFiles"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# -- Read Binary Files ---------------------------------------------------------------------------

def _files(tmp_path):
    (tmp_path / ".n8n").mkdir()
    (tmp_path / ".n8n" / "b.csv").write_bytes(b"x,y\n1,2\n")
    (tmp_path / ".n8n" / "a.csv").write_bytes(b"a\n")
    (tmp_path / ".n8n" / ".hidden.csv").write_bytes(b"h")
    (tmp_path / ".n8n" / "dir.csv").mkdir()
    (tmp_path / "pics" / "sub").mkdir(parents=True)
    (tmp_path / "pics" / "one.jpg").write_bytes(b"\xff\xd8\xffJPEG")
    (tmp_path / "pics" / "sub" / "two.png").write_bytes(b"\x89PNGdata")


def test_read_binary_files_relative_pattern_one_item_per_file(tmp_path):
    _files(tmp_path)
    run = run_service(RBF, 1, {"fileSelector": "=./.n8n/*.csv"}, items=[{"json": {"a": 1}}, {"json": {"a": 2}}],
                      files_root=tmp_path)
    items = output(run)
    paired = [{"item": 0}, {"item": 1}]
    assert items == [
        {"json": {}, "binary": {"data": {"mimeType": "text/csv", "fileType": "text", "fileExtension": "csv",
                                         "data": _b64(b"a\n"), "directory": "./.n8n", "fileName": "a.csv",
                                         "fileSize": "2 B"}}, "pairedItem": paired},
        {"json": {}, "binary": {"data": {"mimeType": "text/csv", "fileType": "text", "fileExtension": "csv",
                                         "data": _b64(b"x,y\n1,2\n"), "directory": "./.n8n", "fileName": "b.csv",
                                         "fileSize": "8 B"}}, "pairedItem": paired},
    ]


def test_read_binary_files_globstar_braces_and_property(tmp_path):
    _files(tmp_path)
    run = run_service(RBF, 1, {"fileSelector": "pics/**/*.{jpg,png}", "dataPropertyName": "file"},
                      files_root=tmp_path)
    items = output(run)
    assert [(it["binary"]["file"]["directory"], it["binary"]["file"]["fileName"],
             it["binary"]["file"]["mimeType"]) for it in items] == [
        ("pics", "one.jpg", "image/jpeg"), ("pics/sub", "two.png", "image/png")]
    assert all(it["json"] == {} and it["pairedItem"] == [{"item": 0}] for it in items)


def test_read_binary_files_absolute_pattern_inside_root(tmp_path):
    _files(tmp_path)
    items = output(run_service(RBF, 1, {"fileSelector": f"{tmp_path}/pics/*.jpg"}, files_root=tmp_path))
    entry = items[0]["binary"]["data"]
    assert (entry["directory"], entry["fileName"], entry["data"]) == (f"{tmp_path}/pics", "one.jpg",
                                                                      _b64(b"\xff\xd8\xffJPEG"))


def test_read_binary_files_nothing_found_gives_no_items(tmp_path):
    _files(tmp_path)
    assert output(run_service(RBF, 1, {"fileSelector": "D:/output.mp3"}, files_root=tmp_path)) == []


def test_read_binary_files_refuses_paths_outside_root(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("s")
    for pattern in ("../*.txt", f"{tmp_path}/*.txt", "/etc/*"):
        err = error(run_service(RBF, 1, {"fileSelector": pattern}, files_root=root))
        assert "Access to the file is not allowed" in err["message"]
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    err = error(run_service(RBF, 1, {"fileSelector": "*.txt"}, files_root=root))
    assert "Access to the file is not allowed" in err["message"]


def test_read_binary_files_without_files_root_or_pattern(tmp_path):
    err = error(run_service(RBF, 1, {"fileSelector": "*.csv"}))
    assert "no files root is configured" in err["message"]
    err = error(run_service(RBF, 1, {"fileSelector": ""}, files_root=tmp_path))
    assert err["message"] == "Patterns must be a string (non empty) or an array of strings"
