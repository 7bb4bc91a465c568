"""Date & Time node: v1 (moment-style format/calculate) and v2 (Luxon operations, spec §6.3).

The engine process zone is UTC (as the reference n8n runs with TZ=UTC), so "local" parsing is UTC.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput, deep_copy_json
from automatelanka.engine.luxon_format import (
    MONTHS,
    WEEKDAYS,
    LDateTime,
    LZone,
    duration_to_iso,
    from_format,
    normalize_zone,
)
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes._util_common import lodash_set
from automatelanka.engine.nodes.base import NodeContext, register

_ISO = re.compile(
    r"\s*(?P<y>[+-]\d{6}|\d{4})(?:-(?P<m>\d\d)(?:-(?P<d>\d\d))?|(?P<bm>\d\d)(?P<bd>\d\d))?"
    r"(?:[T ](?P<H>\d\d)(?::?(?P<M>\d\d)(?::?(?P<S>\d\d)(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<tz>Z|[+-]\d\d(?::?\d\d)?)?)?\s*$", re.IGNORECASE)


def _js_number(value: Any) -> float | None:
    """JavaScript ``Number(value)`` (None for NaN)."""
    if value is None or value is False:
        return 0.0
    if value is True:
        return 1.0
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            if re.fullmatch(r"[+-]?0[xX][0-9a-fA-F]+", text):
                return float(int(text, 16))
            if re.fullmatch(r"[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|Infinity)", text):
                return float(text.replace("Infinity", "inf"))
        except ValueError:
            return None
    return None


def parse_js_date(text: str) -> float | None:
    """moment(text) / new Date(text): epoch ms, or None when invalid. Local time is UTC."""
    match = _ISO.match(text)
    if match and (match.group("m") or match.group("bm") or match.group("H") or len(text.strip()) == 4):
        g = match.groupdict()
        try:
            frac = (g["f"] or "0")[:3].ljust(3, "0")
            moment = datetime(int(g["y"]), int(g["m"] or g["bm"] or 1), int(g["d"] or g["bd"] or 1),
                              int(g["H"] or 0), int(g["M"] or 0), int(g["S"] or 0), int(frac) * 1000,
                              tzinfo=UTC)
        except ValueError:
            return None
        ms = moment.timestamp() * 1000
        tz = g["tz"]
        if tz and tz.upper() != "Z":
            digits = tz[1:].replace(":", "")
            offset = int(digits[:2]) * 60 + int(digits[2:4] or 0)
            ms -= (offset if tz[0] == "+" else -offset) * 60000
        return ms
    try:
        from dateutil import parser as date_parser

        parsed = date_parser.parse(text)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp() * 1000


def parse_date(ctx: NodeContext, date: Any, timezone: str | None = None, fmt: str | None = None) -> LDateTime:
    """The node's ``parseDate``: numbers are epoch (s or ms), strings ISO/RFC/JS dates or ``fmt``."""
    if isinstance(date, LDateTime):
        return date
    if isinstance(date, datetime):
        aware = date if date.tzinfo else date.replace(tzinfo=UTC)
        return LDateTime(aware.timestamp() * 1000, normalize_zone(timezone or "Etc/UTC") or LZone("Etc/UTC"))
    value: Any = date
    number = _js_number(value) if not fmt else None
    if number is not None and not fmt:
        value = number if number.is_integer() else number * 1000
    parsed: LDateTime | None
    if isinstance(value, float) and value.is_integer() and not (isinstance(date, str) and fmt):
        digits = str(int(value))
        parsed = LDateTime(value * 1000 if len(digits) < 12 else value)
    else:
        text = value if isinstance(value, str) else str(value)
        if not timezone and "+" in text:
            offset = text.split("+")[1][:2]
            timezone = f"Etc/GMT-{int(offset)}" if offset.isdigit() else "invalid"
        if fmt:
            parsed = from_format(text, fmt, LZone("Etc/UTC"))
        else:
            ms = parse_js_date(text)
            parsed = None if ms is None else LDateTime(ms)
    if parsed is None:
        raise NodeError("Invalid date format")
    zone = normalize_zone(timezone or "Etc/UTC")
    if zone is None:
        raise NodeError(f"Invalid DateTime: unsupported zone {timezone!r}")
    return parsed.set_zone(zone)


def _now(zone: LZone) -> LDateTime:
    return LDateTime(math.floor(datetime.now(UTC).timestamp() * 1000), zone)


def _v2_item(ctx: NodeContext, i: int, operation: str, wf_tz: str) -> Any:
    """The output value of one v2 operation for item ``i``."""
    if operation == "getCurrentDate":
        tz = (ctx.param("options", i, {}) or {}).get("timezone") or wf_tz
        zone = normalize_zone(tz)
        if zone is None:
            raise NodeError(f"The timezone {tz} is not valid. Please check the timezone.")
        now = _now(zone)
        return (now if ctx.param("includeTime", i, True) else now.start_of("day")).to_iso()
    if operation in ("addToDate", "subtractFromDate"):
        base = parse_date(ctx, ctx.param("magnitude", i, ""), wf_tz)
        unit = ctx.param("timeUnit", i, "days")
        duration = ctx.param("duration", i, 0)
        amount = _js_number(duration)
        if amount is None:
            raise NodeError(f"Invalid duration value {duration!r}")
        moved = base.plus({unit: amount}) if operation == "addToDate" else base.minus({unit: amount})
        return moved.to_iso()
    if operation == "formatDate":
        date = ctx.param("date", i, "")
        if date is None:
            return None
        options = ctx.param("options", i, {}) or {}
        parsed = parse_date(ctx, date, wf_tz if options.get("timezone") else None, options.get("fromFormat"))
        fmt = ctx.param("format", i, "MM/dd/yyyy")
        if fmt == "custom":
            fmt = ctx.param("customFormat", i, "")
        return parsed.to_format(str(fmt))
    if operation == "roundDate":
        parsed = parse_date(ctx, ctx.param("date", i, ""), wf_tz)
        if ctx.param("mode", i, "roundDown") == "roundDown":
            return parsed.start_of(ctx.param("toNearest", i, "month")).to_iso()
        to = ctx.param("to", i, "month")
        return parsed.plus({to: 1}).start_of(to).to_iso()
    if operation == "getTimeBetweenDates":
        start = parse_date(ctx, ctx.param("startDate", i, ""), wf_tz)
        end = parse_date(ctx, ctx.param("endDate", i, ""), wf_tz)
        units = ctx.param("units", i, ["day"])
        units = units if isinstance(units, list) else [units]
        diff = end.diff(start, units)
        if (ctx.param("options", i, {}) or {}).get("isoString"):
            return duration_to_iso(diff)
        return diff
    if operation == "extractDate":
        parsed = parse_date(ctx, ctx.param("date", i, ""), wf_tz)
        return parsed.get(ctx.param("part", i, "month"))
    raise NodeError(f"The operation '{operation}' is not supported")


def _date_time_v2(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "getCurrentDate")
    wf_tz = ctx.timezone or "UTC"
    include = bool((ctx.param("options", 0, {}) or {}).get("includeInputFields", False))
    out: list[Item] = []
    for i, source in enumerate(ctx.input(0)):
        try:
            item: Item = {"json": dict(source["json"])} if include else {"json": {}}
            if include and source.get("binary") is not None:
                item["binary"] = source["binary"]
            item["pairedItem"] = {"item": i}
            defaults = {"getCurrentDate": "currentDate", "addToDate": "newDate", "subtractFromDate": "newDate",
                        "formatDate": "formattedDate", "roundDate": "roundedDate",
                        "getTimeBetweenDates": "timeDifference", "extractDate": "datePart"}
            value = _v2_item(ctx, i, operation, wf_tz)
            field = ctx.param("outputFieldName", i, defaults.get(operation, "data"))
            item["json"][str(field)] = value
            out.append(item)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {"error": exc.message}})
                continue
            exc.item_index = i
            raise
    return [out]


# -- v1 (moment) --------------------------------------------------------------------------------

_MOMENT_TOKEN = re.compile(
    r"\[[^\[]*\]|YYYYYY|YYYY|YY|Y|Qo|Q|MMMM|MMM|MM|Mo|M|DDDD|DDDo|DDD|Do|DD|D|dddd|ddd|dd|do|d|"
    r"E|e|wo|ww|w|Wo|WW|W|HH|H|hh|h|kk|k|mm|m|ss|s|S{1,9}|a|A|ZZ|Z|zz|z|X|x|.", re.DOTALL)


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def moment_format(dt: LDateTime, fmt: str) -> str:
    """moment's ``format(fmt)`` for the usual tokens (English locale)."""
    if not fmt:
        fmt = "YYYY-MM-DDTHH:mm:ssZ"
    wd = dt.weekday % 7  # moment: 0 = Sunday
    h12 = dt.hour % 12 or 12
    sign = "+" if dt.offset >= 0 else "-"
    oh, om = divmod(abs(dt.offset), 60)
    values = {
        "YYYYYY": f"{'+' if dt.year >= 0 else '-'}{abs(dt.year):06d}", "YYYY": f"{dt.year:04d}",
        "YY": f"{dt.year % 100:02d}", "Y": str(dt.year), "Q": str(dt.quarter), "Qo": _ordinal(dt.quarter),
        "MMMM": MONTHS[dt.month - 1], "MMM": MONTHS[dt.month - 1][:3], "MM": f"{dt.month:02d}",
        "Mo": _ordinal(dt.month), "M": str(dt.month), "DDDD": f"{dt.ordinal:03d}", "DDDo": _ordinal(dt.ordinal),
        "DDD": str(dt.ordinal), "Do": _ordinal(dt.day), "DD": f"{dt.day:02d}", "D": str(dt.day),
        "dddd": WEEKDAYS[dt.weekday - 1], "ddd": WEEKDAYS[dt.weekday - 1][:3], "dd": WEEKDAYS[dt.weekday - 1][:2],
        "do": _ordinal(wd), "d": str(wd), "E": str(dt.weekday), "e": str(wd),
        "W": str(dt.iso_week[1]), "WW": f"{dt.iso_week[1]:02d}", "Wo": _ordinal(dt.iso_week[1]),
        "w": str(dt.iso_week[1]), "ww": f"{dt.iso_week[1]:02d}", "wo": _ordinal(dt.iso_week[1]),
        "HH": f"{dt.hour:02d}", "H": str(dt.hour), "hh": f"{h12:02d}", "h": str(h12),
        "kk": f"{dt.hour or 24:02d}", "k": str(dt.hour or 24), "mm": f"{dt.minute:02d}", "m": str(dt.minute),
        "ss": f"{dt.second:02d}", "s": str(dt.second), "a": "am" if dt.hour < 12 else "pm",
        "A": "AM" if dt.hour < 12 else "PM", "Z": f"{sign}{oh:02d}:{om:02d}", "ZZ": f"{sign}{oh:02d}{om:02d}",
        "z": "UTC" if dt.offset == 0 else "", "zz": "UTC" if dt.offset == 0 else "",
        "X": str(math.floor(dt.ts / 1000)), "x": str(int(dt.ts)),
    }
    out = []
    for token in _MOMENT_TOKEN.findall(fmt):
        if token.startswith("[") and token.endswith("]"):
            out.append(token[1:-1])
        elif token.startswith("S") and set(token) == {"S"}:
            out.append(f"{dt.millisecond:03d}000000"[: len(token)])
        else:
            out.append(values.get(token, token))
    return "".join(out)


_MOMENT_TO_LUXON = (("YYYY", "yyyy"), ("YY", "yy"), ("DD", "dd"), ("D", "d"), ("Do", "d"), ("A", "a"),
                    ("SSS", "SSS"), ("X", "X"), ("x", "x"), ("ZZ", "ZZZ"), ("Z", "ZZ"), ("dddd", "EEEE"),
                    ("ddd", "EEE"))


def _moment_parse(text: str, fmt: str, zone: LZone) -> LDateTime | None:
    """moment(value, fromFormat) via the Luxon parser (tokens translated)."""
    parts = re.findall(r"\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|SSS|A|a|ZZ|Z|X|x|.",
                       fmt)
    mapping = dict(_MOMENT_TO_LUXON)
    luxon = ""
    for part in parts:
        if part.startswith("["):
            luxon += "'" + part[1:-1] + "'"
        elif part in mapping:
            luxon += mapping[part]
        elif part in ("MMMM", "MMM", "MM", "M", "HH", "H", "hh", "h", "mm", "m", "ss", "s", "a"):
            luxon += part
        elif part.isalpha():
            luxon += f"'{part}'"
        else:
            luxon += part
    text = re.sub(r"(\d+)(st|nd|rd|th)", r"\1", text) if "Do" in fmt else text
    return from_format(text, luxon, zone)


def _v1_format(ctx: NodeContext, i: int, item: Item) -> Any:
    value = ctx.param("value", i, "")
    fmt = ctx.param("toFormat", i, "MM/DD/YYYY")
    options = ctx.param("options", i, {}) or {}
    wf_tz = ctx.timezone or "UTC"
    number = _js_number(value)
    if number is not None:
        value = number if number.is_integer() else number * 1000
    from_fmt = options.get("fromFormat")
    if isinstance(value, float) and value.is_integer():
        digits = str(int(value))
        dt = LDateTime(value * 1000 if len(digits) < 12 else value, LZone("Etc/UTC"))
    else:
        text = str(value)
        if from_fmt is None and parse_js_date(text) is None:
            raise NodeError('The date input format could not be recognized. Please set the "From Format" field')
        from_tz = options.get("fromTimezone") or (wf_tz if options.get("toTimezone") else None)
        zone = normalize_zone(from_tz) if from_tz else LZone("Etc/UTC")
        if from_fmt:
            dt = _moment_parse(text, from_fmt, zone or LZone("Etc/UTC"))
        else:
            ms = parse_js_date(text)
            has_offset = bool(re.search(r"(Z|[+-]\d\d:?\d\d)\s*$", text))
            dt = None if ms is None else LDateTime(ms, LZone("Etc/UTC"))
            if dt is not None and zone and not has_offset:
                dt = LDateTime.from_wall(zone, dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second,
                                         dt.millisecond)
        if dt is None:
            return "Invalid date"
    if options.get("toTimezone") or options.get("fromTimezone"):
        target = normalize_zone(options.get("toTimezone") or wf_tz)
        if target is not None:
            dt = dt.set_zone(target)
    return moment_format(dt, str(fmt))


def _v1_calculate(ctx: NodeContext, i: int) -> str:
    value = ctx.param("value", i, "")
    from_fmt = (ctx.param("options", i, {}) or {}).get("fromFormat")
    if from_fmt:
        dt = _moment_parse(str(value), from_fmt, LZone("Etc/UTC"))
        if dt is None:
            raise NodeError('Date input cannot be parsed. Please recheck the value and the "From Format" field.')
    else:
        number = _js_number(value) if not isinstance(value, str) else None
        ms = number if number is not None else parse_js_date(str(value))
        if ms is None:
            raise NodeError('Unrecognized date input. Please specify a format in the "From Format" field.')
        dt = LDateTime(ms, LZone("Etc/UTC"))
    unit = str(ctx.param("timeUnit", i, "days"))
    duration = _js_number(ctx.param("duration", i, 0)) or 0
    amount = duration if ctx.param("operation", i, "add") == "add" else -duration
    moved = dt.plus({unit: amount}) if unit not in ("quarters",) else dt.plus({"months": amount * 3})
    stamp = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=moved.ts)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def _date_time_v1(ctx: NodeContext) -> NodeOutput:
    action = ctx.param("action", 0, "format")

    def one(i: int, item: Item) -> Item:
        if action == "format" and ctx.param("value", i, "") is None:
            new_value: Any = "Invalid date"
        elif action == "format":
            new_value = _v1_format(ctx, i, item)
        else:
            new_value = _v1_calculate(ctx, i)
        prop = str(ctx.param("dataPropertyName", i, "data"))
        body = deep_copy_json(item["json"]) if "." in prop else dict(item["json"])
        new: Item = {"json": body, "pairedItem": {"item": i}}
        if item.get("binary") is not None:
            new["binary"] = item["binary"]
        lodash_set(body, prop, new_value)
        return new

    return [per_item(ctx, one, error_index="always", ready=True)]


@register("n8n-nodes-base.dateTime", versions=(1, 2), display_name="Date & Time")
def date_time(ctx: NodeContext) -> NodeOutput:
    if ctx.node.type_version >= 2:
        return _date_time_v2(ctx)
    return _date_time_v1(ctx)
