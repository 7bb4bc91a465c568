"""How to load the JS library into a quickjs context.

Order: every file of ``manifest_sources()`` (or, for a cheap context, ``eager_sources()``
then the globals and boot call of ``deferred_setup()``: the files of deferred.json are
evaluated on first use of one of their globals); then, before evaluating code,
``lazy_sources(code)`` (large optional files, e.g. transliteration for
``replaceSpecialChars``, only when the code mentions their trigger) and
``zone_setup_js(timezone, code)`` (zone tables for the workflow zone and every
IANA zone named in the code, then ``__al_setZone(timezone)``).
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path

from automatelanka.engine.expressions.js.lib.zones import canonical_zone_name, zone_names_in, zone_table

LIB_DIR = Path(__file__).parent


@cache
def _read(name: str) -> str:
    return (LIB_DIR / name).read_text(encoding="utf-8")


def manifest_sources() -> list[tuple[str, str]]:
    """``(file name, source)`` of the files to evaluate, in order, in a fresh context."""
    names = json.loads(_read("manifest.json"))
    return [(name, _read(name)) for name in names]


@cache
def _deferred() -> dict[str, dict[str, list[str]]]:
    return json.loads(_read("deferred.json"))


def eager_sources() -> list[tuple[str, str]]:
    """``deferred.js``, then the manifest files that no deferred group holds, in order."""
    deferred = {name for group in _deferred().values() for name in group["files"]}
    names = json.loads(_read("manifest.json"))
    return [("deferred.js", _read("deferred.js"))] + [(n, _read(n)) for n in names if n not in deferred]


@cache
def deferred_setup() -> tuple[tuple[tuple[str, str], ...], str]:
    """``((global name, source), ...)`` to set in the context, then the JS that arms the
    deferred groups (after ``eager_sources()``)."""
    values: list[tuple[str, str]] = []
    spec = []
    for group, entry in _deferred().items():
        names = []
        for file in entry["files"]:
            name = f"__al_src_{len(values)}"
            values.append((name, _read(file)))
            names.append(name)
        spec.append([group, names, entry["globals"]])
    return tuple(values), f"__al_defer({json.dumps(spec)});"


def lazy_sources(code: str, loaded: set[str] | None = None) -> list[tuple[str, str]]:
    """Optional files that ``code`` needs, skipping names already in ``loaded``
    (which is updated)."""
    lazy: dict[str, list[str]] = json.loads(_read("lazy.json"))
    done = loaded if loaded is not None else set()
    out: list[tuple[str, str]] = []
    for trigger, files in lazy.items():
        if trigger in code:
            for name in files:
                if name not in done:
                    done.add(name)
                    out.append((name, _read(name)))
    return out


def lazy_files(code: str) -> tuple[str, ...]:
    """Names of the optional files (lazy.json) whose trigger ``code`` mentions."""
    lazy: dict[str, list[str]] = json.loads(_read("lazy.json"))
    return tuple(name for trigger, files in lazy.items() if trigger in code for name in files)


def read_source(name: str) -> str:
    """The text of library file ``name``."""
    return _read(name)


@lru_cache(maxsize=64)
def zone_registration_js(name: str) -> str:
    """JS that registers the transition table of IANA zone ``name`` ("" if unknown)."""
    canonical = canonical_zone_name(name)
    if canonical is None:
        return ""
    return f"__al_registerZone({json.dumps(canonical)}, {json.dumps(zone_table(canonical))});"


def zone_setup_js(timezone: str | None, code: str = "", registered: set[str] | None = None) -> str:
    """JS registering the zones that ``timezone`` and ``code`` need, then setting
    Luxon's default zone to ``timezone`` (UTC when empty)."""
    done = registered if registered is not None else set()
    tz = timezone or "UTC"
    names = zone_names_in(code) | zone_names_in(tz)
    parts = []
    for name in sorted(names - done):
        done.add(name)
        parts.append(zone_registration_js(name))
    parts.append(f"__al_setZone({json.dumps(tz)});")
    return "\n".join(p for p in parts if p)
