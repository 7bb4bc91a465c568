"""``al db``: upgrade, current and downgrade against the configured database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from automatelanka.cli.app import app
from automatelanka.store import migrate
from automatelanka.store.db import create_engine_for

HEAD = migrate.heads()[0]


@pytest.fixture
def al(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AL_DATABASE_URL", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["db", *args])


def test_upgrade_creates_the_schema_in_al_home(al, tmp_path: Path) -> None:
    result = al("upgrade")
    assert result.exit_code == 0, result.output
    assert f"base -> {HEAD}" in result.output
    db_file = tmp_path / "home" / "automatelanka.db"
    engine = create_engine_for(f"sqlite:///{db_file}")
    try:
        assert {"users", "workspaces", "workflows", "runs", "run_node_data"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert "up to date" in al("current").output
    assert "already at" in al("upgrade").output


def test_downgrade_to_base_then_upgrade(al) -> None:
    assert al("upgrade").exit_code == 0
    down = al("downgrade", "base")
    assert down.exit_code == 0 and f"{HEAD} -> base" in down.output
    assert "base (empty)" in al("current").output
    assert al("upgrade").exit_code == 0


@pytest.mark.postgres
def test_upgrade_on_postgres(al, monkeypatch: pytest.MonkeyPatch, pg_server) -> None:
    url = pg_server.create_database().replace("postgresql+psycopg://", "postgresql://")
    monkeypatch.setenv("AL_DATABASE_URL", url)
    assert al("upgrade").exit_code == 0
    assert migrate.current(url) == HEAD


def test_unknown_revision_is_bad_input(al) -> None:
    result = al("upgrade", "no-such-rev")
    assert result.exit_code == 2
    assert result.output.strip().startswith("error:") and "no-such-rev" in result.output
    assert "Traceback" not in result.output


def test_unsupported_database_is_bad_input(al, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AL_DATABASE_URL", "mysql://u@h/d")
    result = al("upgrade")
    assert result.exit_code == 2
    assert "unsupported database" in result.output


def test_unreachable_database_fails_with_one_line(al, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AL_DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:1/nowhere")
    result = al("upgrade")
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "secret" not in result.output and "Traceback" not in result.output


def test_db_module_does_not_import_sqlalchemy_at_import_time() -> None:
    import subprocess
    import sys

    code = "import sys, automatelanka.cli.app; print('sqlalchemy' in sys.modules, 'alembic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
