"""Errors the repositories raise."""

from __future__ import annotations


class NotFound(LookupError):
    """The row does not exist in this workspace."""


class Conflict(ValueError):
    """The write would break a uniqueness rule (e.g. a webhook path already taken)."""
