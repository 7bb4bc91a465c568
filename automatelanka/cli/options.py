"""Option values shared by several commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from automatelanka.cli.errors import USAGE, fail


def json_option(raw: str, option: str) -> Any:
    """Parse an option given as JSON, ``@file`` or ``-`` (standard input); one-line error, exit 2."""
    if raw == "-":
        raw = sys.stdin.read()
    elif raw.startswith("@"):
        try:
            raw = Path(raw[1:]).read_text()
        except OSError as exc:
            raise fail(f"{option}: cannot read {raw[1:]} ({exc.strerror})", USAGE) from None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise fail(f"{option}: not valid JSON ({exc})", USAGE) from None
