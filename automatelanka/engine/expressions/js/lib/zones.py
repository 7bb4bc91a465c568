"""Time-zone transition tables for the JS library's Intl polyfill.

quickjs has no ``Intl`` and cannot call back into Python while a time limit is
set, so zone offsets are handed to JS as data: ``zone_table(name)`` gives the
``[[utc_millis, offset_minutes], ...]`` list that ``__al_registerZone`` takes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

FIRST_YEAR = 1900
LAST_YEAR = 2100
_STEP = timedelta(days=7)  # transitions closer than this (historic only) are merged
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*")


@lru_cache(maxsize=1)
def _names_by_lower() -> dict[str, str]:
    return {n.lower(): n for n in available_timezones()}


def canonical_zone_name(name: str) -> str | None:
    """The IANA spelling of ``name`` (matched case-insensitively), or None."""
    return _names_by_lower().get(name.lower())


def _offset_minutes(zone: ZoneInfo, ms: int) -> float:
    moment = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone)
    offset = moment.utcoffset()
    return offset.total_seconds() / 60 if offset is not None else 0.0


def _first_change(zone: ZoneInfo, lo: int, hi: int, lo_offset: float) -> int:
    """Smallest whole second in (lo, hi] whose offset differs from ``lo_offset``."""
    while hi - lo > 1000:
        mid = lo + ((hi - lo) // 2000) * 1000
        if mid <= lo:
            mid = lo + 1000
        if _offset_minutes(zone, mid) == lo_offset:
            lo = mid
        else:
            hi = mid
    return hi


@lru_cache(maxsize=64)
def _table(name: str) -> tuple[tuple[int, float], ...]:
    zone = ZoneInfo(name)
    start = int(datetime(FIRST_YEAR, 1, 1, tzinfo=UTC).timestamp() * 1000)
    end = int(datetime(LAST_YEAR, 12, 31, tzinfo=UTC).timestamp() * 1000)
    step = int(_STEP.total_seconds() * 1000)
    current = _offset_minutes(zone, start)
    rows: list[tuple[int, float]] = [(-(2**53), current)]
    ms = start
    while ms < end:
        nxt = ms + step
        offset = _offset_minutes(zone, nxt)
        if offset != current:
            change = _first_change(zone, ms, nxt, current)
            current = _offset_minutes(zone, change)
            rows.append((change, current))
            ms = change
            continue
        ms = nxt
    return tuple(rows)


def zone_table(name: str) -> list[list[float]]:
    """Offset transitions of IANA zone ``name`` for 1900..2100.

    Each row is ``[utc_millis, offset_minutes]``; the first row starts at the
    distant past. Raises ``KeyError`` for an unknown zone.
    """
    canonical = canonical_zone_name(name)
    if canonical is None:
        raise KeyError(name)
    try:
        return [[ms, off] for ms, off in _table(canonical)]
    except ZoneInfoNotFoundError as exc:  # pragma: no cover - tzdata mismatch
        raise KeyError(name) from exc


def zone_names_in(text: str) -> set[str]:
    """IANA zone names (canonical spelling) mentioned anywhere in ``text``."""
    names = _names_by_lower()
    found: set[str] = set()
    for match in _NAME_RE.finditer(text or ""):
        token = match.group(0)
        canonical = names.get(token.lower())
        if canonical is not None and ("/" in token or token[:1].isupper()):
            found.add(canonical)
    return found
