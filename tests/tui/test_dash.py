"""al dash with Textual's Pilot: against a real daemon (browse, search, run, live runs, detail), and
snapshots of the main screens on fixed data (``AL_UPDATE_SNAPSHOTS=1`` rewrites them)."""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import FakeApi

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _workflow(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "nodes": [{"id": "m", "name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
                   "position": [0, 0], "parameters": {}},
                  {"id": "s", "name": "Double", "type": "n8n-nodes-base.set", "typeVersion": 3.4,
                   "position": [200, 0], "parameters": {"assignments": {"assignments": [
                       {"id": "a", "name": "doubled", "value": "={{ 2 * 21 }}", "type": "number"}]},
                       "options": {}}}],
        "connections": {"Start": {"main": [[{"node": "Double", "type": "main", "index": 0}]]}},
    }


async def _until(pilot: Any, check: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting for the dashboard"
        await pilot.pause(0.05)


def test_browse_search_run_and_open_the_run(daemon, tmp_path, monkeypatch) -> None:
    from automatelanka.cli.client import Client
    from automatelanka.tui.app import Dashboard, HelpScreen, RunScreen

    owner = daemon.register()
    headers = {"Authorization": f"Bearer {owner['access_token']}"}
    for name in ("Double it", "Something else"):
        assert httpx.post(f"{daemon.url}/api/workflows", json=_workflow(name), headers=headers).status_code == 201
    monkeypatch.setenv("AL_HOME", str(tmp_path))
    monkeypatch.setenv("AL_TOKEN", owner["access_token"])
    api = Client(server=daemon.url, raise_errors=True)

    async def scenario() -> None:
        app = Dashboard(api)
        async with app.run_test(size=(80, 24)) as pilot:
            workflows = app.query_one("#workflows")
            runs = app.query_one("#runs")
            await _until(pilot, lambda: workflows.row_count == 2)
            await pilot.press("slash", *"double")
            await _until(pilot, lambda: workflows.row_count == 1)
            assert workflows.get_row_at(0)[0] == "Double it"
            await pilot.press("enter")  # back to the table
            assert app.focused is workflows
            await pilot.press("a")  # activate
            wf_id = str(workflows.coordinate_to_cell_key(workflows.cursor_coordinate).row_key.value)
            await _until(pilot, lambda: app.workflows[wf_id].get("active") is True)
            await pilot.press("r")  # run it; the runs table follows the event stream
            await _until(pilot, lambda: runs.row_count == 1 and str(runs.get_row_at(0)[2]) == "success")
            runs.focus()
            await pilot.press("enter")
            await _until(pilot, lambda: isinstance(app.screen, RunScreen))
            nodes = app.screen.query_one("#nodes")
            assert [nodes.get_row_at(i)[1] for i in range(nodes.row_count)] == ["Start", "Double"]
            await pilot.press("down")
            await pilot.pause(0.1)
            shown = app.export_screenshot()
            assert "doubled" in shown and "42" in shown
            await pilot.press("escape")
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert app.screen is app.screen_stack[0]

    asyncio.run(scenario())
    active = httpx.get(f"{daemon.url}/api/workflows", params={"active": "true"}, headers=headers).json()["items"]
    assert [w["name"] for w in active] == ["Double it"]


def test_search_as_you_type_narrows_with_each_key(daemon, tmp_path, monkeypatch) -> None:
    from automatelanka.cli.client import Client
    from automatelanka.tui.app import Dashboard

    owner = daemon.register()
    headers = {"Authorization": f"Bearer {owner['access_token']}"}
    for name in ("Double it", "Double check invoices", "Dump the logs", "Something else"):
        assert httpx.post(f"{daemon.url}/api/workflows", json=_workflow(name), headers=headers).status_code == 201
    monkeypatch.setenv("AL_HOME", str(tmp_path))
    monkeypatch.setenv("AL_TOKEN", owner["access_token"])
    api = Client(server=daemon.url, raise_errors=True)

    def shown(table: Any) -> set[str]:
        return {str(table.get_row_at(i)[0]) for i in range(table.row_count)}

    async def scenario() -> None:
        app = Dashboard(api, live=False)
        async with app.run_test(size=(80, 24)) as pilot:
            workflows = app.query_one("#workflows")
            await _until(pilot, lambda: workflows.row_count == 4)
            await pilot.press("slash", "d")  # one letter: still everything
            await pilot.pause(0.4)
            assert workflows.row_count == 4
            await pilot.press("u")
            await _until(pilot, lambda: shown(workflows) == {"Dump the logs"})
            await pilot.press("backspace", "o")
            await _until(pilot, lambda: shown(workflows) == {"Double it", "Double check invoices"})
            await pilot.press(*"ub")
            await pilot.pause(0.4)
            assert shown(workflows) == {"Double it", "Double check invoices"}
            await pilot.press(*"le inv")
            await _until(pilot, lambda: shown(workflows) == {"Double check invoices"})
            for _ in range(len("double inv")):
                await pilot.press("backspace")
            await _until(pilot, lambda: workflows.row_count == 4)

    asyncio.run(scenario())


def test_workspace_picker_stays_open_until_another_workspace_is_chosen(daemon, tmp_path, monkeypatch) -> None:
    from automatelanka.cli.client import Client
    from automatelanka.tui.app import Dashboard, WorkspacePicker

    owner = daemon.register()
    headers = {"Authorization": f"Bearer {owner['access_token']}"}
    second = httpx.post(f"{daemon.url}/api/workspaces", json={"name": "Second"}, headers=headers).json()
    first = next(w for w in httpx.get(f"{daemon.url}/api/workspaces", headers=headers).json()["items"]
                 if w["id"] != second["id"])
    monkeypatch.setenv("AL_HOME", str(tmp_path))
    monkeypatch.setenv("AL_TOKEN", owner["access_token"])
    api = Client(server=daemon.url, raise_errors=True)
    api.workspace = first["slug"]

    async def scenario() -> None:
        app = Dashboard(api)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("w")
            await _until(pilot, lambda: isinstance(app.screen, WorkspacePicker))
            await pilot.pause(0.3)
            assert isinstance(app.screen, WorkspacePicker), "the picker closed by itself"
            app.screen.query_one("#ws-select").value = second["slug"]
            await _until(pilot, lambda: not isinstance(app.screen, WorkspacePicker))
            assert api.workspace == second["slug"]

    asyncio.run(scenario())


def _snapshot(name: str, svg: str) -> None:
    svg = re.sub(r"terminal-\d+", "terminal", svg)
    path = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("AL_UPDATE_SNAPSHOTS") or (not path.exists() and not os.environ.get("CI")):
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(svg)
        if not os.environ.get("AL_UPDATE_SNAPSHOTS"):
            pytest.fail(f"snapshot {path.name} was missing and has been written; check it and run again")
    assert svg == path.read_text(), f"{name} differs from {path}; AL_UPDATE_SNAPSHOTS=1 rewrites it"


@pytest.mark.parametrize("screen", ["main", "search", "run", "help"])
def test_snapshots_at_80x24(screen: str) -> None:
    from automatelanka.tui.app import Dashboard, RunScreen

    async def shoot() -> str:
        app = Dashboard(FakeApi(), live=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await _until(pilot, lambda: app.query_one("#runs").row_count == 2)
            if screen == "search":
                await pilot.press("slash", *"lead")
                await _until(pilot, lambda: app.query_one("#workflows").row_count == 1)
            elif screen == "run":
                app.query_one("#runs").focus()
                await pilot.press("enter")
                await _until(pilot, lambda: isinstance(app.screen, RunScreen))
                await pilot.press("down")
            elif screen == "help":
                await pilot.press("question_mark")
            await pilot.pause(0.2)
            return app.export_screenshot()

    _snapshot(screen, asyncio.run(shoot()))
