"""Edit Image (n8n-nodes-base.editImage v1) on Pillow instead of GraphicsMagick.

Operations: information, blur, border, composite (operator Over), create, crop, draw (line,
circle, rectangle), resize (GraphicsMagick geometry flags: ``@`` area, ``!`` exact, ``^`` fill,
``<``/``>`` only enlarge/shrink, ``%``), rotate, shear, text, transparent, and multiStep chains.
The output binary keeps the input's metadata (file name, directory) with the MIME type, extension
and size of the new image, as n8n merges ``prepareBinaryData(buffer)`` over it. Differences from
GraphicsMagick: pixels are not bit-identical; ``information`` returns the main ``identify``
fields (format, size, depth, Geometry, Format, Type, Filesize...), not its whole verbose dump;
without a font file, text uses Pillow's built-in font.
"""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path
from typing import Any

from automatelanka.engine.binary import assert_binary, binary_bytes, pretty_bytes
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput, deep_copy_json
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes.base import NodeContext, register

_REQUIRED = {
    "blur": ("blur", "sigma"), "border": ("borderColor", "borderWidth", "borderHeight"),
    "create": ("backgroundColor", "height", "width"), "crop": ("height", "positionX", "positionY", "width"),
    "composite": ("dataPropertyNameComposite", "operator", "positionX", "positionY"),
    "draw": ("color", "cornerRadius", "endPositionX", "endPositionY", "primitive", "startPositionX",
             "startPositionY"),
    "information": (), "resize": ("height", "resizeOption", "width"), "rotate": ("backgroundColor", "rotate"),
    "shear": ("degreesX", "degreesY"),
    "text": ("font", "fontColor", "fontSize", "lineLength", "positionX", "positionY", "text"),
    "transparent": ("color",),
}
_NUMERIC = {
    "blur": ("blur", "sigma"), "border": ("borderWidth", "borderHeight"), "composite": ("positionX", "positionY"),
    "create": ("width", "height"), "crop": ("width", "height", "positionX", "positionY"),
    "draw": ("startPositionX", "startPositionY", "endPositionX", "endPositionY", "cornerRadius"),
    "resize": ("width", "height"), "rotate": ("rotate",), "shear": ("degreesX", "degreesY"),
    "text": ("fontSize", "positionX", "positionY", "lineLength"),
}
_FORMATS = ("bmp", "gif", "jpeg", "png", "tiff", "tif", "webp")
#: Pillow format -> (MIME type, extension) as file-type reports them.
_TYPES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "GIF": ("image/gif", "gif"),
          "WEBP": ("image/webp", "webp"), "BMP": ("image/bmp", "bmp"), "TIFF": ("image/tiff", "tif")}
_FORMAT_NAMES = {"PNG": "PNG (Portable Network Graphics)", "JPEG": "JPEG (Joint Photographic Experts Group JFIF format)",
                 "GIF": "GIF (CompuServe graphics interchange format)", "WEBP": "WEBP (WebP Image Format)",
                 "BMP": "BMP (Microsoft Windows bitmap image)", "TIFF": "TIFF (Tagged Image File Format)"}


def _number(value: Any, name: str) -> float:
    if not isinstance(value, (int, float, str)) or isinstance(value, bool) or (
            isinstance(value, str) and not value.strip()):
        raise NodeError(f'The value of "{name}" must be a number')
    try:
        number = float(value)
    except ValueError:
        raise NodeError(f'The value of "{name}" must be a number') from None
    if not math.isfinite(number):
        raise NodeError(f'The value of "{name}" must be a number')
    return number


def _operations(ctx: NodeContext, i: int, operation: str) -> list[dict[str, Any]]:
    if operation == "multiStep":
        ops = deep_copy_json((ctx.param("operations", i, {}) or {}).get("operations") or [])
    else:
        if operation not in _REQUIRED:
            raise NodeError(f"Edit Image: operation '{operation}' is not supported yet")
        data: dict[str, Any] = {"operation": operation}
        for name in _REQUIRED[operation]:
            value = ctx.param(name, i, None)
            if value is not None:
                data[name] = value
        ops = [data]
    for op in ops:
        name = op.get("operation")
        if not isinstance(name, str):
            continue
        for key in _NUMERIC.get(name, ()):
            if key == "cornerRadius" and op.get("primitive") != "rectangle":
                continue
            op[key] = _number(op.get(key), key)
    return ops


def _color(value: Any, default: str = "#000000") -> Any:
    text = str(value or default)
    if text == "transparent":
        return (0, 0, 0, 0)
    return text


def _resize(image: Any, width: float, height: float, option: str) -> Any:
    from PIL import Image

    w, h = image.size
    if option == "ignoreAspectRatio":
        size = (width, height)
    elif option == "percent":
        size = (w * width / 100, h * (height or width) / 100)
    elif option == "minimumArea":
        scale = max(width / w, height / h)
        size = (w * scale, h * scale)
    elif option in ("onlyIfSmaller", "onlyIfLarger"):
        scale = min(width / w, height / h)
        if (option == "onlyIfSmaller" and scale <= 1) or (option == "onlyIfLarger" and scale >= 1):
            return image
        size = (w * scale, h * scale)
    else:  # maximumArea: GraphicsMagick "@" resizes to an area of width*height pixels
        scale = math.sqrt(width * height / (w * h))
        size = (w * scale, h * scale)
    target = (max(1, round(size[0])), max(1, round(size[1])))
    return image.resize(target, Image.Resampling.LANCZOS)


def _wrap_text(text: str, line_length: float) -> str:
    lines: list[str] = []
    for text_line in text.split("\n"):
        current = ""
        for part in text_line.split(" "):
            if len(current) + len(part) + 1 > line_length:
                lines.append(current.strip())
                current = f"{part} "
                continue
            current += f"{part} "
        lines.append(current.strip())
    return "\n".join(lines)


def _font(path: str, size: float) -> Any:
    from PIL import ImageFont

    if path and Path(path).is_file():
        return ImageFont.truetype(path, int(size))
    if path:
        raise NodeError("The selected font is not available. Select a font from the options.")
    return ImageFont.load_default(size)


def _apply(ctx: NodeContext, i: int, item: Item, image: Any, op: dict[str, Any], options: dict[str, Any]) -> Any:
    from PIL import Image, ImageDraw, ImageFilter, ImageOps

    name = op.get("operation")
    if name == "information":
        return image
    if name == "blur":
        return image.filter(ImageFilter.GaussianBlur(op["sigma"]))
    if name == "border":
        color = _color(op.get("borderColor"))
        bw, bh = int(op["borderWidth"]), int(op["borderHeight"])
        return ImageOps.expand(image, border=(bw, bh, bw, bh), fill=color)
    if name == "composite":
        prop = str(op.get("dataPropertyNameComposite") or "")
        overlay = Image.open(io.BytesIO(binary_bytes(assert_binary(item, prop, i)))).convert("RGBA")
        operator = op.get("operator") or "Over"
        if operator != "Over":
            raise NodeError(f"Edit Image: composite operator '{operator}' is not supported yet")
        base = image.convert("RGBA")
        layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
        layer.paste(overlay, (int(op["positionX"]), int(op["positionY"])))
        base = Image.alpha_composite(base, layer)
        return base if image.mode == "RGBA" else base.convert(image.mode)
    if name == "create":
        image = Image.new("RGBA", (int(op["width"]), int(op["height"])), _color(op.get("backgroundColor"),
                                                                              "#ffffff00"))
        options.setdefault("format", "png")
        return image
    if name == "crop":
        x, y = int(op["positionX"]), int(op["positionY"])
        return image.crop((x, y, min(image.width, x + int(op["width"])), min(image.height, y + int(op["height"]))))
    if name == "draw":
        image = image.convert("RGBA") if image.mode not in ("RGB", "RGBA") else image
        draw = ImageDraw.Draw(image)
        color = _color(op.get("color"))
        x1, y1, x2, y2 = op["startPositionX"], op["startPositionY"], op["endPositionX"], op["endPositionY"]
        if op.get("primitive") == "line":
            draw.line((x1, y1, x2, y2), fill=color)
        elif op.get("primitive") == "circle":  # GraphicsMagick: centre and a point on the edge
            radius = math.hypot(x2 - x1, y2 - y1)
            draw.ellipse((x1 - radius, y1 - radius, x1 + radius, y1 + radius), fill=color)
        elif op.get("primitive", "rectangle") == "rectangle":
            box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
            if op.get("cornerRadius"):
                draw.rounded_rectangle(box, radius=op["cornerRadius"], fill=color)
            else:
                draw.rectangle(box, fill=color)
        return image
    if name == "resize":
        return _resize(image, op["width"], op["height"], str(op.get("resizeOption") or "maximumArea"))
    if name == "rotate":
        fill = _color(op.get("backgroundColor"), "#ffffffff")
        rotated = image.convert("RGBA").rotate(-op["rotate"], expand=True, fillcolor=fill,
                                               resample=Image.Resampling.BICUBIC)
        return rotated if image.mode == "RGBA" else rotated.convert(image.mode if image.mode != "P" else "RGBA")
    if name == "shear":
        sx, sy = math.tan(math.radians(op["degreesX"])), math.tan(math.radians(op["degreesY"]))
        w, h = image.size
        nw, nh = int(w + abs(sx) * h), int(h + abs(sy) * w)
        return image.transform((nw, nh), Image.Transform.AFFINE, (1, -sx, 0, -sy, 1, 0))
    if name == "text":
        image = image.convert("RGBA") if image.mode not in ("RGB", "RGBA") else image
        font = _font(str(options.get("font") or op.get("font") or ""), op["fontSize"])
        text = _wrap_text(str(op.get("text") or ""), op["lineLength"])
        # GraphicsMagick draws at the baseline of the first line
        ImageDraw.Draw(image).multiline_text((op["positionX"], op["positionY"]), text,
                                             fill=_color(op.get("fontColor")), font=font, anchor="ls")
        return image
    if name == "transparent":
        from PIL import ImageColor

        target = ImageColor.getrgb(str(op.get("color") or "#ff0000"))[:3]
        rgba = image.convert("RGBA")
        rgba.putdata([(r, g, b, 0) if (r, g, b) == target else (r, g, b, a) for r, g, b, a in rgba.getdata()])
        return rgba
    raise NodeError(f"Edit Image: operation '{name}' is not supported yet")


def _information(image: Any, data: bytes) -> dict[str, Any]:
    fmt = image.format or "PNG"
    depth = 16 if image.mode in ("I;16", "I") else 8
    kinds = {"1": "bilevel", "L": "grayscale", "LA": "grayscale with transparency", "P": "palette",
             "RGB": "true color", "RGBA": "true color with transparency", "CMYK": "color separated"}
    return {
        "Format": _FORMAT_NAMES.get(fmt, fmt), "format": fmt,
        "Geometry": f"{image.width}x{image.height}", "size": {"width": image.width, "height": image.height},
        "Class": "PseudoClass" if image.mode == "P" else "DirectClass",
        "Type": kinds.get(image.mode, image.mode), "type": kinds.get(image.mode, image.mode),
        "Depth": f"{depth} bits-per-pixel component", "depth": depth,
        "Filesize": pretty_bytes(len(data)),
    }


def _encode(image: Any, fmt: str, options: dict[str, Any]) -> bytes:
    from PIL import Image

    save_format = {"jpg": "JPEG", "tif": "TIFF"}.get(fmt.lower(), fmt.upper())
    if save_format == "JPEG" and image.mode not in ("RGB", "L"):
        background = image.convert("RGBA")
        flat = Image.new("RGB", background.size, (255, 255, 255))
        flat.paste(background, mask=background.split()[3])
        image = flat
    buffer = io.BytesIO()
    kwargs: dict[str, Any] = {}
    if options.get("quality") is not None and save_format in ("JPEG", "WEBP"):
        kwargs["quality"] = int(options["quality"])
    image.save(buffer, format=save_format, **kwargs)
    return buffer.getvalue()


def _edit(ctx: NodeContext, i: int, item: Item) -> Item:
    from PIL import Image, UnidentifiedImageError

    operation = ctx.param("operation", i, "border")
    prop = ctx.param("dataPropertyName", i, "data")
    options = dict(ctx.param("options", i, {}) or {})
    ops = _operations(ctx, i, operation)
    if options.get("quality") is not None:
        options["quality"] = _number(options["quality"], "quality")
    image = None
    source_format = "PNG"
    new: Item = {"json": item["json"], "binary": {}, "pairedItem": {"item": i}}
    if not ops or ops[0].get("operation") != "create":
        data = binary_bytes(assert_binary(item, prop, i))
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (UnidentifiedImageError, OSError) as exc:
            raise NodeError(f"Could not read the image: {exc}") from None
        source_format = image.format or "PNG"
        if operation == "information":
            new["json"] = _information(image, data)
    for op in ops:
        image = _apply(ctx, i, item, image, op, options)
    if item.get("binary") is not None:
        new["binary"].update(item["binary"])
        if prop in new["binary"]:
            new["binary"][prop] = deep_copy_json(new["binary"][prop])
    entry = new["binary"].setdefault(prop, {"data": "", "mimeType": ""})
    fmt = source_format
    if options.get("format") is not None:
        fmt = options["format"]
        if fmt not in _FORMATS:
            raise NodeError(f"Invalid image format: {fmt}. Valid formats are: {', '.join(_FORMATS)}")
        entry["fileExtension"] = fmt
        entry["mimeType"] = f"image/{fmt}"
        name = entry.get("fileName")
        if isinstance(name, str) and "." in name:
            entry["fileName"] = ".".join(name.split(".")[:-1]) + "." + fmt
    if options.get("fileName") is not None:
        entry["fileName"] = options["fileName"]
    data = _encode(image, str(fmt), options)
    saved = Image.open(io.BytesIO(data)).format or "PNG"
    mime, extension = _TYPES.get(saved, (f"image/{saved.lower()}", saved.lower()))
    entry.update({"mimeType": mime, "fileType": "image", "fileExtension": extension,
                  "data": base64.b64encode(data).decode("ascii"), "fileSize": pretty_bytes(len(data))})
    return new


@register("n8n-nodes-base.editImage", versions=(1,), display_name="Edit Image")
def edit_image(ctx: NodeContext) -> NodeOutput:
    return [per_item(ctx, lambda i, item: _edit(ctx, i, item), error_index="always", ready=True)]
