# ruff: noqa: F811  (fixtures imported from the CLI tests)
"""``al billing plans|usage|portal`` against a real local daemon (SQLite: billing off)."""

from __future__ import annotations

from cli.conftest import al, al_env, daemon, out_json, user  # noqa: F401


def test_al_billing_plans_and_usage(al, user) -> None:
    plans = out_json(al("billing", "plans", "--json"))
    assert [(p["id"], p["price"]) for p in plans] == [
        ("free", "$0.00/month"), ("pro", "$29.00/month"), ("business", "$99.00/month")]
    table = al("billing", "plans")
    assert table.exit_code == 0 and "Business" in table.stdout and "unlimited" in table.stdout

    usage = al("billing", "usage")
    assert usage.exit_code == 0, usage.output
    assert "off (self-hosted: unlimited)" in usage.stdout
    runs = next(line for line in usage.stdout.splitlines() if line.strip().startswith("runs"))
    assert "unlimited" in runs
    assert out_json(al("billing", "usage", "--json"))["usage"]["runs"]["limit"] is None


def test_al_billing_portal_explains_that_billing_is_off(al, user) -> None:
    r = al("billing", "portal", "--no-browser")
    assert r.exit_code != 0 and "billing is off" in r.output and "Traceback" not in r.output
