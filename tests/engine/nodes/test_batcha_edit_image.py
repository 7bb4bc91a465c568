"""Edit Image node on Pillow: geometry of the results and n8n's binary metadata."""

from __future__ import annotations

import base64
import io

from PIL import Image
from svc_harness import error, output, run_service


def _png(width: int, height: int, color: str = "red") -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return {"data": base64.b64encode(buffer.getvalue()).decode(), "mimeType": "image/png",
            "fileName": "pic.png", "fileExtension": "png", "directory": "in"}


def _image(entry: dict) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(entry["data"])))


def run(params: dict, binary: dict | None = None, **kw):
    item = {"json": {"k": 1}, "binary": binary or {"data": _png(200, 100)}}
    return run_service("n8n-nodes-base.editImage", 1, params, items=[item], **kw)


def test_resize_percent_keeps_metadata_and_json():
    items = output(run({"operation": "resize", "width": 50, "height": 50, "resizeOption": "percent"}))
    entry = items[0]["binary"]["data"]
    assert _image(entry).size == (100, 50)
    assert items[0]["json"] == {"k": 1}
    assert entry["fileName"] == "pic.png" and entry["directory"] == "in"
    assert entry["mimeType"] == "image/png" and entry["fileExtension"] == "png" and entry["fileType"] == "image"


def test_resize_default_is_graphicsmagick_area_geometry():
    # "@": the result has an area of width*height pixels, aspect ratio kept
    items = output(run({"operation": "resize", "width": 100, "height": 50}))
    assert _image(items[0]["binary"]["data"]).size == (100, 50)
    items = output(run({"operation": "resize", "width": 400, "height": 200, "resizeOption": "onlyIfLarger"}))
    assert _image(items[0]["binary"]["data"]).size == (200, 100)
    items = output(run({"operation": "resize", "width": 50, "height": 50, "resizeOption": "ignoreAspectRatio"}))
    assert _image(items[0]["binary"]["data"]).size == (50, 50)


def test_information_returns_size_and_format():
    items = output(run({"operation": "information"}))
    info = items[0]["json"]
    assert info["size"] == {"width": 200, "height": 100}
    assert info["format"] == "PNG" and info["Geometry"] == "200x100"


def test_multistep_crop_border_rotate_and_format_option():
    ops = {"operations": [
        {"operation": "crop", "width": 20, "height": 10, "positionX": 5, "positionY": 5},
        {"operation": "border", "borderWidth": 2, "borderHeight": "3", "borderColor": "#0000ff"},
        {"operation": "rotate", "rotate": 90, "backgroundColor": "#ffffff"},
    ]}
    items = output(run({"operation": "multiStep", "operations": ops, "options": {"format": "jpeg"}}))
    entry = items[0]["binary"]["data"]
    image = _image(entry)
    assert image.format == "JPEG" and image.size == (16, 24)
    assert entry["fileName"] == "pic.jpeg"
    assert entry["mimeType"] == "image/jpeg" and entry["fileExtension"] == "jpg"


def test_composite_draws_overlay_at_position():
    binary = {"data": _png(40, 40, "white"), "logo": _png(10, 10, "blue")}
    ops = {"operations": [{"operation": "composite", "dataPropertyNameComposite": "logo", "positionX": 5,
                           "positionY": 5, "operator": "Over"}]}
    items = output(run({"operation": "multiStep", "operations": ops}, binary))
    image = _image(items[0]["binary"]["data"]).convert("RGB")
    assert image.getpixel((7, 7)) == (0, 0, 255) and image.getpixel((30, 30)) == (255, 255, 255)
    assert "logo" in items[0]["binary"]


def test_text_and_create():
    ops = {"operations": [{"operation": "create", "width": 60, "height": 30, "backgroundColor": "#ffffff"},
                          {"operation": "text", "text": "hello world", "fontSize": 12, "fontColor": "#000000",
                           "positionX": 2, "positionY": 20, "lineLength": 80}]}
    items = output(run({"operation": "multiStep", "operations": ops}, {}))
    image = _image(items[0]["binary"]["data"]).convert("RGB")
    assert image.size == (60, 30)
    assert any(image.getpixel((x, y)) != (255, 255, 255) for x in range(60) for y in range(30))


def test_bad_number_and_missing_binary_fail_like_n8n():
    err = error(run({"operation": "resize", "width": "abc", "height": 10}))
    assert 'The value of "width" must be a number' in err["message"]
    ex = run_service("n8n-nodes-base.editImage", 1, {"operation": "resize"}, items=[{"json": {}}],
                     continue_on_fail=True)
    assert output(ex)[0]["json"] == {"error": "No binary data exists on item!"}
