"""Settings: defaults < $AL_HOME/config.toml < environment; `al config show` masks secrets."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from automatelanka.config import ConfigError, load_settings


def test_environment_wins_over_the_config_file(tmp_path) -> None:
    (tmp_path / "config.toml").write_text('port = 7000\ntimezone = "Europe/Berlin"\n')
    settings = load_settings({"AL_HOME": str(tmp_path), "AL_PORT": "7100"})
    assert settings.port == 7100 and settings.sources["port"] == "env"
    assert settings.timezone == "Europe/Berlin" and settings.sources["timezone"] == "config.toml"
    assert settings.database_url == f"sqlite:///{tmp_path / 'automatelanka.db'}"


def test_hosted_defaults_follow_the_database(tmp_path) -> None:
    local = load_settings({"AL_HOME": str(tmp_path)})
    hosted = load_settings({"AL_HOME": str(tmp_path), "AL_DATABASE_URL": "postgresql://u@h/db"})
    assert (local.billing_enabled, local.outbound_block_private) == (False, False)
    assert (hosted.billing_enabled, hosted.outbound_block_private) == (True, True)
    off = load_settings({"AL_HOME": str(tmp_path), "AL_DATABASE_URL": "postgresql://u@h/db", "AL_BILLING": "off"})
    assert off.billing_enabled is False


@pytest.mark.parametrize(("name", "value"), [("AL_PORT", "http"), ("AL_ALLOW_EXECUTE_COMMAND", "maybe")])
def test_bad_values_are_refused_naming_the_setting(tmp_path, name, value) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"AL_HOME": str(tmp_path), name: value})
    assert name.removeprefix("AL_").lower() in str(info.value)


def test_config_show_masks_secrets_and_names_sources(tmp_path, monkeypatch) -> None:
    from automatelanka.cli.app import app

    monkeypatch.setenv("AL_HOME", str(tmp_path))
    monkeypatch.setenv("AL_SECRET_KEY", "do-not-print-me")
    monkeypatch.setenv("AL_DATABASE_URL", "postgresql://al:hunter22@db.example/al")
    monkeypatch.setenv("AL_BILLING", "on")
    result = CliRunner().invoke(app, ["config", "show", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert "do-not-print-me" not in result.output and "hunter22" not in result.output
    assert shown["secret_key"] == "********" and shown["database_url"] == "postgresql://al:****@db.example/al"
    assert shown["smtp_password"] == "(not set)" and shown["encryption_key"] == "(generated on first use)"
    table = CliRunner().invoke(app, ["config", "show"])
    row = next(line for line in table.stdout.splitlines() if line.strip().startswith("billing_enabled"))
    assert row.split()[-1] == "env"
    monkeypatch.setenv("AL_PORT", "not-a-port")
    bad = CliRunner().invoke(app, ["config", "show"])
    assert bad.exit_code == 2 and "port" in bad.output
