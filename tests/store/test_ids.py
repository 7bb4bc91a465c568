"""Primary keys are UUIDv7: unique, time-ordered, and still mostly random."""

from __future__ import annotations

import time
import uuid

from automatelanka.store.types import new_id


def test_ids_are_version_7_and_unique() -> None:
    ids = [new_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert {i.version for i in ids} == {7}
    assert {i.variant for i in ids} == {uuid.RFC_4122}


def test_ids_sort_by_creation_time_across_milliseconds() -> None:
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert first < second and first.hex < second.hex  # as stored on SQLite (hex) and PostgreSQL (uuid)
    assert abs((first.int >> 80) - time.time_ns() // 1_000_000) < 60_000  # the leading 48 bits: Unix ms


def test_ids_within_one_millisecond_differ_in_their_random_bits() -> None:
    ids = [new_id() for _ in range(200)]
    randoms = {i.int & ((1 << 62) - 1) for i in ids}
    assert len(randoms) == len(ids)
