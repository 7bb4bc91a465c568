"""A small Luxon look-alike: zones, ISO output, calendar math, ``toFormat`` / ``fromFormat`` tokens.

Enough of Luxon 3.4 (en-US) for the Date & Time node: :class:`LDateTime` holds epoch milliseconds
and a :class:`LZone`. Fixed-offset zones ("UTC", "UTC+2") print ``Z`` for offset 0 in ISO output;
IANA zones ("Etc/UTC", "Europe/Berlin") print ``+00:00``, as Luxon does.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDERED_UNITS = ("years", "quarters", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds")
_MS = {"weeks": 7 * 86400000, "days": 86400000, "hours": 3600000, "minutes": 60000, "seconds": 1000,
       "milliseconds": 1}
_CASUAL_MS = {"years": 365 * 86400000, "quarters": 91 * 86400000, "months": 30 * 86400000, **_MS}


def normalize_unit(unit: str) -> str:
    """Luxon ``Duration.normalizeUnit``: ``"day"`` -> ``"days"``."""
    u = str(unit).lower()
    if u in ORDERED_UNITS:
        return u
    if f"{u}s" in ORDERED_UNITS:
        return f"{u}s"
    raise ValueError(f"Invalid unit {unit}")


@dataclass(frozen=True)
class LZone:
    """A fixed offset (``fixed`` minutes; ``is_universal``) or an IANA zone."""

    name: str
    fixed: int | None = None

    @property
    def is_universal(self) -> bool:
        return self.fixed is not None

    def offset(self, ts_ms: float) -> int:
        """Offset in minutes at an epoch-millisecond instant."""
        if self.fixed is not None:
            return self.fixed
        moment = datetime.fromtimestamp(ts_ms / 1000, UTC).astimezone(_zoneinfo(self.name))
        delta = moment.utcoffset() or timedelta(0)
        return int(delta.total_seconds() // 60)


@lru_cache(maxsize=256)
def _zoneinfo(name: str) -> ZoneInfo:
    return ZoneInfo(name)


UTC_ZONE = LZone("UTC", 0)


def normalize_zone(spec: Any) -> LZone | None:
    """Luxon ``normalizeZone`` for a string (None when the zone is unsupported)."""
    if isinstance(spec, LZone):
        return spec
    text = str(spec)
    lowered = text.lower()
    if lowered in ("utc", "gmt"):
        return UTC_ZONE
    if lowered in ("local", "system", "default"):
        return LZone("Etc/UTC")  # the engine's process zone is UTC, as the reference n8n's
    match = re.fullmatch(r"utc([+-]\d{1,2})(?::(\d{2}))?", lowered)
    if match:
        hours = int(match.group(1))
        minutes = int(match.group(2) or 0)
        total = hours * 60 + (minutes if hours >= 0 else -minutes)
        return LZone(fixed_zone_name(total), total)
    try:
        _zoneinfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return LZone(text)


def fixed_zone_name(offset: int) -> str:
    if offset == 0:
        return "UTC"
    return f"UTC{format_offset(offset, 'narrow')}"


def format_offset(offset: int, style: str) -> str:
    """Luxon ``formatOffset``: narrow "+5", short "+05:00", techie "+0500"."""
    hours, minutes = divmod(abs(offset), 60)
    sign = "+" if offset >= 0 else "-"
    if style == "narrow":
        return f"{sign}{hours}" + (f":{minutes}" if minutes > 0 else "")
    if style == "techie":
        return f"{sign}{hours:02d}{minutes:02d}"
    return f"{sign}{hours:02d}:{minutes:02d}"


def _wall_to_ms(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
                ms: float = 0) -> float:
    """Milliseconds of a wall-clock time read as UTC (Luxon ``objToLocalTS``), day may overflow."""
    base = datetime(year, month, 1, tzinfo=UTC) + timedelta(days=day - 1)
    return base.timestamp() * 1000 + ((hour * 60 + minute) * 60 + second) * 1000 + ms


def fix_offset(local_ts: float, guess: int, zone: LZone) -> tuple[float, int]:
    """Luxon ``fixOffset``: the instant for a wall-clock time, starting from offset ``guess``."""
    utc_guess = local_ts - guess * 60000
    o2 = zone.offset(utc_guess)
    if guess == o2:
        return utc_guess, guess
    utc_guess -= (o2 - guess) * 60000
    o3 = zone.offset(utc_guess)
    if o2 == o3:
        return utc_guess, o2
    return local_ts - min(o2, o3) * 60000, max(o2, o3)


class LDateTime:
    """An instant (epoch ms) seen in a zone."""

    def __init__(self, ts: float, zone: LZone = UTC_ZONE) -> None:
        self.ts = ts
        self.zone = zone
        self.offset = zone.offset(ts)
        wall = datetime(1970, 1, 1) + timedelta(milliseconds=ts + self.offset * 60000)
        self.year, self.month, self.day = wall.year, wall.month, wall.day
        self.hour, self.minute, self.second = wall.hour, wall.minute, wall.second
        self.millisecond = wall.microsecond // 1000

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_wall(cls, zone: LZone, year: int, month: int = 1, day: int = 1, hour: int = 0, minute: int = 0,
                  second: int = 0, millisecond: float = 0, guess: int | None = None) -> LDateTime:
        local = _wall_to_ms(year, month, day, hour, minute, second, millisecond)
        offset_guess = zone.offset(datetime.now(UTC).timestamp() * 1000) if guess is None else guess
        ts, _ = fix_offset(local, offset_guess, zone)
        return cls(ts, zone)

    def set_zone(self, zone: LZone) -> LDateTime:
        return LDateTime(self.ts, zone)

    # -- getters ------------------------------------------------------------------------------

    @property
    def weekday(self) -> int:
        """1 = Monday ... 7 = Sunday."""
        return calendar.weekday(self.year, self.month, self.day) + 1

    @property
    def iso_week(self) -> tuple[int, int]:
        year, week, _ = datetime(self.year, self.month, self.day).isocalendar()
        return year, week

    @property
    def ordinal(self) -> int:
        return datetime(self.year, self.month, self.day).timetuple().tm_yday

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    def get(self, unit: str) -> Any:
        if unit in ("week", "weekNumber"):
            return self.iso_week[1]
        return getattr(self, {"weekYear": "year"}.get(unit, unit), None)

    # -- output -------------------------------------------------------------------------------

    def to_iso(self) -> str:
        """Luxon ``toISO()`` / ``toString()``."""
        year = f"{self.year:04d}" if 0 <= self.year <= 9999 else f"{'+' if self.year > 0 else '-'}{abs(self.year):06d}"
        text = (f"{year}-{self.month:02d}-{self.day:02d}T{self.hour:02d}:{self.minute:02d}:"
                f"{self.second:02d}.{self.millisecond:03d}")
        if self.zone.is_universal and self.offset == 0:
            return text + "Z"
        return text + format_offset(self.offset, "short")

    def to_format(self, fmt: str) -> str:
        return "".join(val if literal else self._token(val) for literal, val in parse_format(fmt))

    def _token(self, token: str) -> str:
        h12 = self.hour % 12 or 12
        simple: dict[str, Any] = {
            "S": self.millisecond, "u": f"{self.millisecond:03d}", "SSS": f"{self.millisecond:03d}",
            "uu": f"{self.millisecond // 10:02d}", "uuu": self.millisecond // 100,
            "s": self.second, "ss": f"{self.second:02d}", "m": self.minute, "mm": f"{self.minute:02d}",
            "h": h12, "hh": f"{h12:02d}", "H": self.hour, "HH": f"{self.hour:02d}",
            "Z": format_offset(self.offset, "narrow"), "ZZ": format_offset(self.offset, "short"),
            "ZZZ": format_offset(self.offset, "techie"), "ZZZZ": self._offset_name(False),
            "ZZZZZ": self._offset_name(True), "z": self.zone.name,
            "a": "AM" if self.hour < 12 else "PM", "d": self.day, "dd": f"{self.day:02d}",
            "c": self.weekday, "E": self.weekday, "ccc": WEEKDAYS[self.weekday - 1][:3],
            "EEE": WEEKDAYS[self.weekday - 1][:3], "cccc": WEEKDAYS[self.weekday - 1],
            "EEEE": WEEKDAYS[self.weekday - 1], "ccccc": WEEKDAYS[self.weekday - 1][0],
            "EEEEE": WEEKDAYS[self.weekday - 1][0],
            "L": self.month, "M": self.month, "LL": f"{self.month:02d}", "MM": f"{self.month:02d}",
            "LLL": MONTHS[self.month - 1][:3], "MMM": MONTHS[self.month - 1][:3],
            "LLLL": MONTHS[self.month - 1], "MMMM": MONTHS[self.month - 1],
            "LLLLL": MONTHS[self.month - 1][0], "MMMMM": MONTHS[self.month - 1][0],
            "y": self.year, "yy": f"{self.year % 100:02d}", "yyyy": f"{self.year:04d}",
            "yyyyyy": f"{self.year:06d}", "G": "AD" if self.year > 0 else "BC",
            "GG": "Anno Domini" if self.year > 0 else "Before Christ", "GGGGG": "A" if self.year > 0 else "B",
            "kk": f"{self.iso_week[0] % 100:02d}", "kkkk": f"{self.iso_week[0]:04d}",
            "W": self.iso_week[1], "WW": f"{self.iso_week[1]:02d}", "o": self.ordinal,
            "ooo": f"{self.ordinal:03d}", "q": self.quarter, "qq": f"{self.quarter:02d}",
            "X": math.floor(self.ts / 1000), "x": int(self.ts),
        }
        if token in simple:
            return str(simple[token])
        return self._macro(token)

    def _offset_name(self, long: bool) -> str:
        if self.zone.is_universal and self.offset == 0:
            return "Coordinated Universal Time" if long else "UTC"
        if self.zone.name in ("Etc/UTC", "UTC", "Etc/GMT", "Etc/Universal"):
            return "Coordinated Universal Time" if long else "UTC"
        if long:
            moment = datetime.fromtimestamp(self.ts / 1000, UTC).astimezone(_zoneinfo(self.zone.name)) \
                if not self.zone.is_universal else None
            return moment.tzname() or "" if moment else f"GMT{format_offset(self.offset, 'short')}"
        return "GMT" + (format_offset(self.offset, "narrow") if self.offset else "")

    def _macro(self, token: str) -> str:
        h12 = self.hour % 12 or 12
        ampm = "AM" if self.hour < 12 else "PM"
        mon, month = MONTHS[self.month - 1][:3], MONTHS[self.month - 1]
        day_name = WEEKDAYS[self.weekday - 1]
        t = f"{h12}:{self.minute:02d} {ampm}"
        tt = f"{h12}:{self.minute:02d}:{self.second:02d} {ampm}"
        macros = {
            "D": f"{self.month}/{self.day}/{self.year}", "DD": f"{mon} {self.day}, {self.year}",
            "DDD": f"{month} {self.day}, {self.year}", "DDDD": f"{day_name}, {month} {self.day}, {self.year}",
            "t": t, "tt": tt, "ttt": f"{tt} {self._offset_name(False)}",
            "tttt": f"{tt} {self._offset_name(True)}",
            "T": f"{self.hour:02d}:{self.minute:02d}", "TT": f"{self.hour:02d}:{self.minute:02d}:{self.second:02d}",
        }
        macros["f"] = f"{macros['D']}, {t}"
        macros["ff"] = f"{macros['DD']}, {t}"
        macros["fff"] = f"{macros['DDD']} at {t} {self._offset_name(False)}"
        macros["ffff"] = f"{macros['DDDD']} at {t} {self._offset_name(True)}"
        macros["F"] = f"{macros['D']}, {tt}"
        macros["FF"] = f"{macros['DD']}, {tt}"
        macros["FFF"] = f"{macros['DDD']} at {tt} {self._offset_name(False)}"
        macros["FFFF"] = f"{macros['DDDD']} at {tt} {self._offset_name(True)}"
        return macros.get(token, token)

    # -- math ---------------------------------------------------------------------------------

    def plus(self, values: dict[str, float]) -> LDateTime:
        """Luxon ``plus``: calendar units on the wall clock, time units as elapsed milliseconds."""
        dur = {normalize_unit(k): float(v) for k, v in values.items()}
        whole = {k: math.trunc(v) for k, v in dur.items()}
        year = self.year + whole.get("years", 0)
        month = self.month + whole.get("months", 0) + whole.get("quarters", 0) * 3
        year += (month - 1) // 12
        month = (month - 1) % 12 + 1
        day = min(self.day, calendar.monthrange(year, month)[1]) + whole.get("days", 0) + whole.get("weeks", 0) * 7
        extra = sum((dur.get(u, 0) - whole.get(u, 0)) * _CASUAL_MS[u]
                    for u in ("years", "quarters", "months", "weeks", "days"))
        extra += sum(dur.get(u, 0) * _MS[u] for u in ("hours", "minutes", "seconds", "milliseconds"))
        local = _wall_to_ms(year, month, day, self.hour, self.minute, self.second, self.millisecond)
        ts, _ = fix_offset(local, self.offset, self.zone)
        return LDateTime(ts + extra, self.zone)

    def minus(self, values: dict[str, float]) -> LDateTime:
        return self.plus({k: -float(v) for k, v in values.items()})

    def start_of(self, unit: str) -> LDateTime:
        unit = normalize_unit(unit)
        parts = [self.year, self.month, self.day, self.hour, self.minute, self.second, self.millisecond]
        if unit == "weeks":
            day = self.day - (self.weekday - 1)
            parts = [self.year, self.month, day, 0, 0, 0, 0]
        else:
            keep = {"years": 1, "quarters": 2, "months": 2, "days": 3, "hours": 4, "minutes": 5, "seconds": 6,
                    "milliseconds": 7}[unit]
            defaults = [0, 1, 1, 0, 0, 0, 0]
            parts = parts[:keep] + defaults[keep:]
            if unit == "quarters":
                parts[1] = (self.quarter - 1) * 3 + 1
        local = _wall_to_ms(*parts)
        ts, _ = fix_offset(local, self.offset, self.zone)
        return LDateTime(ts, self.zone)

    def diff(self, other: LDateTime, units: list[str]) -> dict[str, float]:
        """Luxon ``this.diff(other, units).toObject()``."""
        wanted = [normalize_unit(u) for u in units] or ["milliseconds"]
        other_later = other.ts > self.ts
        earlier, later = (self, other) if other_later else (other, self)
        result = _diff(earlier, later.set_zone(earlier.zone) if later.zone != earlier.zone else later, wanted)
        if other_later:
            result = {k: -v if v else 0 * -1 for k, v in result.items()}
        return {k: _clean(v) for k, v in result.items()}


def _clean(value: float) -> float | int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _day_diff(a: LDateTime, b: LDateTime) -> int:
    start_a = _wall_to_ms(a.year, a.month, a.day)
    start_b = _wall_to_ms(b.year, b.month, b.day)
    return math.floor((start_b - start_a) / 86400000)


def _diff(earlier: LDateTime, later: LDateTime, units: list[str]) -> dict[str, float]:
    differs = (
        ("years", lambda a, b: b.year - a.year),
        ("quarters", lambda a, b: b.quarter - a.quarter + (b.year - a.year) * 4),
        ("months", lambda a, b: b.month - a.month + (b.year - a.year) * 12),
        ("weeks", lambda a, b: (_day_diff(a, b) - _day_diff(a, b) % 7) // 7 if _day_diff(a, b) >= 0
         else -((-_day_diff(a, b)) // 7)),
        ("days", _day_diff),
    )
    results: dict[str, float] = {}
    cursor = earlier
    lowest: str | None = None
    high_water: LDateTime | None = None
    for unit, differ in differs:
        if unit not in units:
            continue
        lowest = unit
        results[unit] = differ(cursor, later)
        high_water = earlier.plus(results)
        if high_water.ts > later.ts:
            results[unit] -= 1
            cursor = earlier.plus(results)
            if cursor.ts > later.ts:
                high_water = cursor
                results[unit] -= 1
                cursor = earlier.plus(results)
        else:
            cursor = high_water
    remaining = later.ts - cursor.ts
    lower = [u for u in ORDERED_UNITS if u in units and u in ("hours", "minutes", "seconds", "milliseconds")]
    if not lower:
        if lowest is not None:
            if high_water is not None and high_water.ts < later.ts:
                high_water = cursor.plus({lowest: 1})
            if high_water is not None and high_water.ts != cursor.ts:
                results[lowest] = results.get(lowest, 0) + remaining / (high_water.ts - cursor.ts)
        return {u: results[u] for u in ORDERED_UNITS if u in results}
    shifted: dict[str, float] = {}
    rest = float(remaining)
    for unit in lower[:-1]:
        shifted[unit] = math.trunc(rest / _MS[unit])
        rest -= shifted[unit] * _MS[unit]
    shifted[lower[-1]] = rest / _MS[lower[-1]]
    merged = {**results, **shifted}
    return {u: merged[u] for u in ORDERED_UNITS if u in merged}


def duration_to_iso(values: dict[str, float]) -> str:
    """Luxon ``Duration.toISO()``."""
    def num(v: float) -> str:
        v = _clean(v)
        return str(v)

    get = lambda k: values.get(k, 0)  # noqa: E731
    text = "P"
    if get("years"):
        text += num(get("years")) + "Y"
    if get("months") or get("quarters"):
        text += num(get("months") + get("quarters") * 3) + "M"
    if get("weeks"):
        text += num(get("weeks")) + "W"
    if get("days"):
        text += num(get("days")) + "D"
    if get("hours") or get("minutes") or get("seconds") or get("milliseconds"):
        text += "T"
    if get("hours"):
        text += num(get("hours")) + "H"
    if get("minutes"):
        text += num(get("minutes")) + "M"
    if get("seconds") or get("milliseconds"):
        text += num(round(get("seconds") + get("milliseconds") / 1000, 3)) + "S"
    return text + "T0S" if text == "P" else text


def parse_format(fmt: str) -> list[tuple[bool, str]]:
    """Luxon ``Formatter.parseFormat``: (is_literal, text) runs."""
    splits: list[tuple[bool, str]] = []
    current: str | None = None
    full = ""
    bracketed = False
    for c in fmt:
        if c == "'":
            if full:
                splits.append((bracketed or full.isspace(), full))
            current, full, bracketed = None, "", not bracketed
        elif bracketed or c == current:
            full += c
        else:
            if full:
                splits.append((full.isspace(), full))
            full, current = c, c
    if full:
        splits.append((bracketed or full.isspace(), full))
    return splits


# -- fromFormat ---------------------------------------------------------------------------------

_NUM = {"d": r"\d{1,2}", "dd": r"\d{2}", "M": r"\d{1,2}", "MM": r"\d{2}", "L": r"\d{1,2}", "LL": r"\d{2}",
        "y": r"\d{1,6}", "yy": r"\d{2}", "yyyy": r"\d{4}", "yyyyy": r"\d{4,6}", "yyyyyy": r"\d{6}",
        "H": r"\d{1,2}", "HH": r"\d{2}", "h": r"\d{1,2}", "hh": r"\d{2}", "m": r"\d{1,2}", "mm": r"\d{2}",
        "s": r"\d{1,2}", "ss": r"\d{2}", "S": r"\d{1,3}", "SSS": r"\d{3}", "u": r"\d+", "X": r"-?\d+(?:\.\d+)?",
        "x": r"-?\d+", "o": r"\d{1,3}", "ooo": r"\d{3}", "q": r"\d", "qq": r"\d{2}"}


def from_format(text: str, fmt: str, zone: LZone) -> LDateTime | None:
    """Luxon ``DateTime.fromFormat`` for the common tokens; None when it does not match."""
    pattern = ""
    fields: list[str] = []
    for literal, token in parse_format(fmt):
        if literal or not re.fullmatch(r"([a-zA-Z])\1*", token):
            pattern += re.escape(token)
            continue
        if token in _NUM:
            pattern += f"({_NUM[token]})"
        elif token in ("MMM", "LLL"):
            pattern += "(" + "|".join(m[:3] for m in MONTHS) + ")"
        elif token in ("MMMM", "LLLL"):
            pattern += "(" + "|".join(MONTHS) + ")"
        elif token in ("EEE", "ccc"):
            pattern += "(" + "|".join(d[:3] for d in WEEKDAYS) + ")"
        elif token in ("EEEE", "cccc"):
            pattern += "(" + "|".join(WEEKDAYS) + ")"
        elif token == "a":
            pattern += "(AM|PM|am|pm)"
        elif token in ("Z", "ZZ", "ZZZ"):
            pattern += r"(Z|[+-]\d{1,2}(?::?\d{2})?)"
        elif token == "z":
            pattern += r"([A-Za-z_+\-/0-9]+)"
        else:
            pattern += re.escape(token)
            continue
        fields.append(token)
    match = re.fullmatch(pattern, text, flags=re.IGNORECASE)
    if not match:
        return None
    got: dict[str, Any] = {}
    offset: int | None = None
    for token, value in zip(fields, match.groups(), strict=True):
        lower = value.lower()
        if token in ("MMM", "LLL"):
            got["month"] = [m[:3].lower() for m in MONTHS].index(lower) + 1
        elif token in ("MMMM", "LLLL"):
            got["month"] = [m.lower() for m in MONTHS].index(lower) + 1
        elif token in ("EEE", "ccc", "EEEE", "cccc"):
            continue
        elif token == "a":
            got["ampm"] = lower
        elif token in ("Z", "ZZ", "ZZZ"):
            if value.upper() == "Z":
                offset = 0
            else:
                m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", value)
                assert m
                offset = (int(m.group(2)) * 60 + int(m.group(3) or 0)) * (1 if m.group(1) == "+" else -1)
        elif token == "z":
            named = normalize_zone(value)
            if named is None:
                return None
            zone = named
        elif token in ("X", "x"):
            ms = float(value) * (1000 if token == "X" else 1)
            return LDateTime(ms, zone)
        elif token[0] in "yY":
            year = int(value)
            got["year"] = (2000 + year if year < 60 else 1900 + year) if token == "yy" else year
        elif token[0] in "ML":
            got["month"] = int(value)
        elif token[0] == "d":
            got["day"] = int(value)
        elif token[0] in "Hh":
            got["hour"] = int(value)
        elif token[0] == "m":
            got["minute"] = int(value)
        elif token[0] == "s":
            got["second"] = int(value)
        elif token[0] in "Su":
            got["millisecond"] = int(value) if token != "u" else int(value[:3].ljust(3, "0"))
        elif token[0] == "o":
            got["ordinal"] = int(value)
        elif token[0] == "q":
            got["month"] = (int(value) - 1) * 3 + 1
    if "ampm" in got:
        hour = got.get("hour", 0) % 12
        got["hour"] = hour + (12 if got.pop("ampm") == "pm" else 0)
    now = LDateTime(datetime.now(UTC).timestamp() * 1000, zone)
    units = ("year", "month", "day", "hour", "minute", "second", "millisecond")
    defaults = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "millisecond": 0}
    values: dict[str, int] = {}
    found = False
    for unit in units:
        if unit in got:
            found = True
            values[unit] = got[unit]
        elif found:
            values[unit] = defaults[unit]
        else:
            values[unit] = getattr(now, unit)
    if "ordinal" in got:
        start = datetime(values["year"], 1, 1) + timedelta(days=got["ordinal"] - 1)
        values["month"], values["day"] = start.month, start.day
    try:
        datetime(values["year"], values["month"], values["day"], values["hour"], values["minute"],
                 values["second"])
    except ValueError:
        return None
    if offset is not None:
        local = _wall_to_ms(*(values[u] for u in units))
        return LDateTime(local - offset * 60000, zone)
    return LDateTime.from_wall(zone, *(values[u] for u in units))
