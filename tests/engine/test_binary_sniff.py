"""binary.prepare_binary recognises content by magic number as n8n's file-type does."""

from __future__ import annotations

import gzip

from automatelanka.engine.binary import prepare_binary


def test_gzip_without_name_or_type_is_recognised():
    entry = prepare_binary(gzip.compress(b"hello"))
    # file-type answers {ext: 'gz', mime: 'application/gzip'} for these bytes
    assert (entry["mimeType"], entry["fileExtension"]) == ("application/gzip", "gz")
    assert "fileType" not in entry


def test_plain_text_stays_text():
    entry = prepare_binary(b"hello")
    assert entry["mimeType"] == "text/plain"
