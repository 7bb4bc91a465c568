"""Migrations create, remove and re-create the whole schema on both backends."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from automatelanka.store import migrate
from automatelanka.store.db import create_engine_for
from automatelanka.store.schema import managed_by_migrations, metadata

ALL_TABLES = {t.name for t in metadata.sorted_tables}


def _tables(url: str) -> set[str]:
    engine = create_engine_for(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_to_base_and_upgrade_again(empty_db_url: str) -> None:
    assert migrate.current(empty_db_url) is None

    assert migrate.upgrade(empty_db_url) == migrate.heads()[0]
    assert _tables(empty_db_url) == ALL_TABLES

    assert migrate.downgrade(empty_db_url, "base") is None
    assert _tables(empty_db_url) == set()

    assert migrate.upgrade(empty_db_url) == migrate.heads()[0]
    assert _tables(empty_db_url) == ALL_TABLES


def test_upgrade_twice_is_a_no_op(empty_db_url: str) -> None:
    first = migrate.upgrade(empty_db_url)
    assert migrate.upgrade(empty_db_url) == first


def test_migrated_schema_matches_the_table_definitions(db) -> None:
    """A change to schema.py without a migration (or the reverse) fails here."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": managed_by_migrations})
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_every_foreign_key_is_indexed(db) -> None:
    inspector = inspect(db.engine)
    unindexed = []
    for table in ALL_TABLES:
        leading = {tuple(ix["column_names"][:1]) for ix in inspector.get_indexes(table)}
        leading |= {tuple(uq["column_names"][:1]) for uq in inspector.get_unique_constraints(table)}
        leading.add(tuple(inspector.get_pk_constraint(table)["constrained_columns"][:1]))
        for fk in inspector.get_foreign_keys(table):
            if tuple(fk["constrained_columns"][:1]) not in leading:
                unindexed.append(f"{table}.{fk['constrained_columns'][0]}")
    assert unindexed == []


def test_current_does_not_create_a_missing_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "al.db"
    assert migrate.current(f"sqlite:///{path}") is None
    assert not path.exists()
