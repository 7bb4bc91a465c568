"""Structured JSON logging for the daemon, with secrets scrubbed from every line."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

SECRET_KEYS = re.compile(r"authorization|password|passwd|secret|token|api[_-]?key|cookie|credential", re.I)
SECRET_PATTERNS = [
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [redacted]"),
    (re.compile(r"\bal_([0-9a-f]{8})_[A-Za-z0-9_-]+"), r"al_\1_[redacted]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[redacted-jwt]"),
    (re.compile(r"(?i)\b(password|secret|api_key|x-api-key|refresh_token|access_token)(\"?\s*[:=]\s*\"?)[^\s\",&]+"),
     r"\1\2[redacted]"),
]
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def scrub_text(text: str) -> str:
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def scrub(value: Any, key: str = "") -> Any:
    """``value`` with secrets replaced: by key name for mappings, by pattern for strings."""
    if key and SECRET_KEYS.search(key):
        return "[redacted]"
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub_text(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = scrub(value, key)
        if record.exc_info:
            out["exception"] = scrub_text(self.formatException(record.exc_info))
        return json.dumps(out, default=str)


def configure(level: str = "INFO") -> None:
    """Send every log record to stderr as scrubbed JSON (used by ``al up``)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
