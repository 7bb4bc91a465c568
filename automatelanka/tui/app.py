"""``al dash``: the platform at a glance, in the terminal (Textual).

The dashboard talks to the daemon through an ``api`` object with the interface of
``automatelanka.cli.client.Client`` (``get``, ``post``, ``events``, ``workspace``), built with
``raise_errors=True``, so tests can hand it a fake. Every call runs in a worker thread; the live
runs table is fed by ``GET /api/events`` read in a background thread.
"""

from __future__ import annotations

import threading
from typing import Any

from rich.json import JSON
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

STATUS_STYLE = {"success": "green", "failed": "red", "cancelled": "yellow", "running": "cyan", "queued": "blue",
                "waiting": "magenta", "error": "red"}

HELP = """\
[b]Keys[/b]

  [b]/[/b]        search workflows (type to filter)
  [b]tab[/b]      next panel          [b]shift+tab[/b]  previous panel
  [b]w[/b]        switch workspace
  [b]r[/b]        run the selected workflow
  [b]a[/b]        activate / deactivate the selected workflow
  [b]enter[/b]    open the selected run (in the runs table)
  [b]g[/b]        reload everything
  [b]?[/b]        this help           [b]q[/b]  quit

[b]Run detail[/b]: [b]↑/↓[/b] choose a node, its items and error show below; [b]escape[/b] goes back.
"""


def status_text(status: str | None) -> Text:
    status = status or ""
    return Text(status, style=STATUS_STYLE.get(status, ""))


def short_time(value: Any) -> str:
    text = str(value or "")
    return text[11:19] if len(text) >= 19 else text


def items_count(outputs: Any) -> str:
    if isinstance(outputs, dict):
        outputs = outputs.get("main")
    if not isinstance(outputs, list):
        return "0"
    return "/".join(str(len(o or [])) for o in outputs) or "0"


class HelpScreen(ModalScreen[None]):
    """The keys, in a panel over the dashboard."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 70; max-width: 100%; height: auto; max-height: 90%;
                                  border: round $accent; background: $panel; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(HELP, id="help-text")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)


class RunScreen(Screen[None]):
    """One run: its nodes in execution order; the chosen node's items (JSON) and error."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "back"), Binding("question_mark", "app.help", "help")]
    DEFAULT_CSS = """
    RunScreen #run-summary { height: auto; padding: 0 1; background: $boost; }
    RunScreen #nodes { height: 1fr; min-height: 5; }
    RunScreen #node-detail { height: 1fr; border-top: solid $accent; padding: 0 1; }
    """

    def __init__(self, run: dict[str, Any], workflow_name: str = "") -> None:
        super().__init__()
        self.run_data = run
        self.workflow_name = workflow_name
        self.nodes: list[dict[str, Any]] = list(run.get("nodes") or [])

    def compose(self) -> ComposeResult:
        run = self.run_data
        summary = Text.assemble(
            ("run ", "dim"), str(run.get("id", ""))[:8], "  ", (self.workflow_name or "", "bold"), "  ",
            status_text(run.get("status")), "  ",
            (f"{run['duration_ms']} ms" if run.get("duration_ms") is not None else "", "dim"), "  ",
            (str(run.get("trigger_type") or ""), "dim"))
        error = run.get("error")
        if isinstance(error, dict) and error.get("message"):
            summary.append(f"\nerror: {error['message']}", style="red")
        yield Static(summary, id="run-summary")
        table: DataTable[Any] = DataTable(id="nodes", cursor_type="row", zebra_stripes=True)
        table.add_columns("#", "node", "status", "ms", "items")
        for i, node in enumerate(self.nodes):
            label = node.get("node_name", "") + (f" #{node['run_index']}" if node.get("run_index") else "")
            table.add_row(str(i + 1), label, status_text(node.get("status")), str(node.get("duration_ms") or 0),
                          items_count(node.get("outputs")), key=str(i))
        yield table
        with VerticalScroll(id="node-detail"):
            yield Static(id="node-json")
        yield Footer()

    def on_mount(self) -> None:
        if self.nodes:
            self.show_node(0)
        self.query_one("#nodes", DataTable).focus()

    @on(DataTable.RowHighlighted, "#nodes")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_node(int(event.row_key.value))

    def show_node(self, index: int) -> None:
        node = self.nodes[index]
        view = self.query_one("#node-json", Static)
        parts: list[Any] = []
        error = node.get("error")
        if error:
            message = error.get("message") if isinstance(error, dict) else str(error)
            parts.append(Text(f"error: {message}", style="red"))
        outputs = node.get("outputs")
        if isinstance(outputs, dict):
            outputs = outputs.get("main", outputs)
        import json

        try:
            parts.append(JSON(json.dumps(outputs if outputs is not None else [], default=str)))
        except Exception:
            parts.append(Text(str(outputs)))
        from rich.console import Group

        view.update(Group(Text(node.get("node_name", ""), style="bold"), *parts))


class WorkspacePicker(ModalScreen[str | None]):
    """Choose a workspace."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = """
    WorkspacePicker { align: center middle; }
    WorkspacePicker > Vertical { width: 60; max-width: 100%; height: auto; border: round $accent;
                                 background: $panel; padding: 0 1; }
    """

    def __init__(self, workspaces: list[dict[str, Any]], current: str | None) -> None:
        super().__init__()
        self.workspaces = workspaces
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Workspace")
            options = [(f"{w['name']} ({w['slug']}, {w.get('role', '')})", str(w["slug"])) for w in self.workspaces]
            value = self.current if any(v == self.current for _, v in options) else Select.BLANK
            yield Select(options, value=value, allow_blank=True, id="ws-select")

    def on_mount(self) -> None:
        self.query_one(Select).focus()

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        # Select announces its initial value too: only a different workspace is a choice.
        if event.value is not Select.BLANK and str(event.value) != self.current:
            self.dismiss(str(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class Dashboard(App[None]):
    """Workflows and live runs of one workspace."""

    TITLE = "AutomateLanka"
    BINDINGS = [
        Binding("q", "quit", "quit"),
        Binding("question_mark", "help", "help"),
        Binding("slash", "search", "search"),
        Binding("w", "workspace", "workspace"),
        Binding("r", "run", "run"),
        Binding("a", "toggle_active", "activate"),
        Binding("g", "reload", "reload", show=False),
    ]
    DEFAULT_CSS = """
    #topbar { height: 1; background: $boost; padding: 0 1; }
    #search { height: 3; }
    #workflows { height: 1fr; min-height: 4; }
    #runs-title { height: 1; background: $boost; padding: 0 1; }
    #runs { height: 1fr; min-height: 4; }
    """

    def __init__(self, api: Any, *, live: bool = True) -> None:
        super().__init__()
        self.api = api
        self.live = live
        self.workflows: dict[str, dict[str, Any]] = {}
        self.names: dict[str, str] = {}
        self.runs: dict[str, dict[str, Any]] = {}
        self._stream_stop: threading.Event | None = None
        self._search_timer: Any = None

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        yield Input(placeholder="search workflows (/)", id="search")
        workflows: DataTable[Any] = DataTable(id="workflows", cursor_type="row", zebra_stripes=True)
        workflows.add_columns("name", "active", "trigger", "nodes", "integrations")
        yield workflows
        yield Static("runs (live)", id="runs-title")
        runs: DataTable[Any] = DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        runs.add_columns("run", "workflow", "status", "node", "started", "ms")
        yield runs
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#workflows", DataTable).focus()
        self.action_reload()

    def on_unmount(self) -> None:
        self._stop_stream()

    def _topbar(self, me: dict[str, Any] | None = None) -> None:
        bar = self.query_one("#topbar", Static)
        who = (me or {}).get("user", {}).get("email", getattr(self, "_email", ""))
        self._email = who
        bar.update(Text.assemble(("workspace ", "dim"), (str(self.api.workspace or "-"), "bold"), "  ",
                                 (who, "dim"), "  ", ("? help", "dim")))

    # --- loading ----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load_all()

    @work(thread=True, exclusive=True, group="load")
    def load_all(self) -> None:
        try:
            if not self.api.workspace:
                me = self.api.get("/api/auth/me", workspace=False)
                if me["workspaces"]:
                    self.api.workspace = str(me["workspaces"][0]["slug"])
            else:
                me = self.api.get("/api/auth/me", workspace=False)
            query = self.query_one("#search", Input).value.strip()
            workflows = self._fetch_workflows(query)
            runs = self.api.get("/api/runs", params={"limit": 50})["items"]
        except Exception as exc:
            self.call_from_thread(self.notify, f"cannot load: {exc}", severity="error")
            return
        self.call_from_thread(self._show_all, me, workflows, runs)
        if self.live:
            self._start_stream()

    def _fetch_workflows(self, query: str) -> list[dict[str, Any]]:
        """The workspace's workflows, or those matching what is typed: the search reads the last word
        as the start of a word (``doub`` finds "Double it"), so each key narrows the list."""
        if len(query.strip()) < 2:  # one letter would match nearly everything: keep the full list
            return self.api.get("/api/workflows", params={"limit": 200})["items"]
        return self.api.get("/api/ai-search/semantic", params={"q": query, "limit": 200, "prefix": "true"})["results"]

    def _show_all(self, me: dict[str, Any], workflows: list[dict[str, Any]], runs: list[dict[str, Any]]) -> None:
        self._topbar(me)
        self._show_workflows(workflows)
        table = self.query_one("#runs", DataTable)
        table.clear()
        self.runs = {}
        for run in reversed(runs):
            self._upsert_run(run)

    def _show_workflows(self, workflows: list[dict[str, Any]]) -> None:
        table = self.query_one("#workflows", DataTable)
        table.clear()
        self.workflows = {}
        for wf in workflows:
            wf_id = str(wf["id"])
            self.workflows[wf_id] = wf
            self.names[wf_id] = wf["name"]
            table.add_row(*self._workflow_cells(wf), key=wf_id)

    @staticmethod
    def _workflow_cells(wf: dict[str, Any]) -> list[Any]:
        active = Text("● on", style="green") if wf.get("active") else Text("○ off", style="dim")
        return [wf["name"], active, wf.get("trigger_type") or "", str(wf.get("nodes_count", "")),
                ", ".join((wf.get("integrations") or [])[:3])]

    # --- search -----------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(0.15, lambda: self.search(event.value.lstrip()))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#workflows", DataTable).focus()

    @work(thread=True, exclusive=True, group="search")
    def search(self, query: str) -> None:
        try:
            workflows = self._fetch_workflows(query)
        except Exception as exc:
            self.call_from_thread(self.notify, f"search failed: {exc}", severity="error")
            return
        self.call_from_thread(self._show_workflows, workflows)

    # --- workflow actions -------------------------------------------------------------------

    def _selected_workflow(self) -> dict[str, Any] | None:
        table = self.query_one("#workflows", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.workflows.get(str(key))

    def action_run(self) -> None:
        wf = self._selected_workflow()
        if wf is None:
            self.notify("no workflow selected", severity="warning")
            return
        self.start_run(wf)

    @work(thread=True)
    def start_run(self, wf: dict[str, Any]) -> None:
        try:
            answer = self.api.post(f"/api/workflows/{wf['id']}/run")
        except Exception as exc:
            self.call_from_thread(self.notify, f"cannot run {wf['name']}: {exc}", severity="error")
            return
        run = {"id": answer["run_id"], "workflow_id": wf["id"], "status": answer.get("status", "queued")}
        self.call_from_thread(self._upsert_run, run)
        self.call_from_thread(self.notify, f"started {wf['name']}")
        if not self.live:
            self._poll_run(answer["run_id"])

    def _poll_run(self, run_id: str) -> None:
        import time

        for _ in range(600):
            run = self.api.get(f"/api/runs/{run_id}")
            self.call_from_thread(self._upsert_run, run)
            if run["status"] in ("success", "failed", "cancelled"):
                return
            time.sleep(0.1)

    def action_toggle_active(self) -> None:
        wf = self._selected_workflow()
        if wf is not None:
            self.toggle_active(wf)

    @work(thread=True)
    def toggle_active(self, wf: dict[str, Any]) -> None:
        action = "deactivate" if wf.get("active") else "activate"
        try:
            updated = self.api.post(f"/api/workflows/{wf['id']}/{action}")
        except Exception as exc:
            self.call_from_thread(self.notify, f"cannot {action} {wf['name']}: {exc}", severity="error")
            return
        self.call_from_thread(self._update_workflow, updated)

    def _update_workflow(self, wf: dict[str, Any]) -> None:
        wf_id = str(wf["id"])
        self.workflows[wf_id] = {**self.workflows.get(wf_id, {}), **wf}
        table = self.query_one("#workflows", DataTable)
        for column, value in zip(table.columns, self._workflow_cells(self.workflows[wf_id]), strict=False):
            table.update_cell(wf_id, column, value)
        self.notify(f"{wf['name']}: {'active' if wf.get('active') else 'inactive'}")

    # --- runs -------------------------------------------------------------------------------

    def _upsert_run(self, run: dict[str, Any], node: str | None = None) -> None:
        run_id = str(run.get("id") or run.get("run_id"))
        merged = {**self.runs.get(run_id, {}), **{k: v for k, v in run.items() if v is not None}}
        merged["id"] = run_id
        if node is not None:
            merged["current_node"] = node
        if merged.get("status") in ("success", "failed", "cancelled"):
            merged["current_node"] = ""
        self.runs[run_id] = merged
        table = self.query_one("#runs", DataTable)
        name = self.names.get(str(merged.get("workflow_id")), str(merged.get("workflow_id", ""))[:8])
        cells = [run_id[:8], name, status_text(merged.get("status")), merged.get("current_node") or "",
                 short_time(merged.get("started_at") or merged.get("created_at")),
                 "" if merged.get("duration_ms") is None else str(merged["duration_ms"])]
        if run_id in table.rows:
            for column, value in zip(table.columns, cells, strict=False):
                table.update_cell(run_id, column, value)
        else:  # newest on top
            table.add_row(*cells, key=run_id)
            if table.row_count > 1:
                self._move_to_top(table, run_id)

    def _move_to_top(self, table: DataTable[Any], run_id: str) -> None:
        order = [run_id] + [str(k.value) for k in table.rows if str(k.value) != run_id]
        rows = {key: table.get_row(key) for key in order}
        table.clear()
        for key in order:
            table.add_row(*rows[key], key=key)

    def handle_live_event(self, event: dict[str, Any]) -> None:
        """A live event from the daemon's stream."""
        run_id = event.get("run_id")
        if not run_id:
            return
        kind = event.get("type")
        if kind == "run_started":
            self._upsert_run({"id": run_id, "workflow_id": event.get("workflow_id"), "status": "running"})
        elif kind == "node_started":
            self._upsert_run({"id": run_id, "workflow_id": event.get("workflow_id"), "status": "running"},
                             node=event.get("node"))
        elif kind == "run_finished":
            self._upsert_run({"id": run_id, "workflow_id": event.get("workflow_id"), "status": event.get("status"),
                              "duration_ms": event.get("duration_ms")})

    def _start_stream(self) -> None:
        self._stop_stream()
        stop = threading.Event()
        self._stream_stop = stop
        api = self.api

        def pump() -> None:
            import time

            while not stop.is_set():
                try:
                    for event in api.events("/api/events"):
                        if stop.is_set():
                            return
                        self.call_from_thread(self.handle_live_event, event)
                except Exception:
                    if stop.is_set():
                        return
                    time.sleep(1.0)  # reconnect

        threading.Thread(target=pump, name="al-dash-events", daemon=True).start()

    def _stop_stream(self) -> None:
        if self._stream_stop is not None:
            self._stream_stop.set()
            self._stream_stop = None

    @on(DataTable.RowSelected, "#runs")
    def _open_run(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_run(str(event.row_key.value))

    @work(thread=True)
    def open_run(self, run_id: str) -> None:
        try:
            run = self.api.get(f"/api/runs/{run_id}")
        except Exception as exc:
            self.call_from_thread(self.notify, f"cannot open run: {exc}", severity="error")
            return
        name = self.names.get(str(run.get("workflow_id")), "")
        self.call_from_thread(self.push_screen, RunScreen(run, name))

    # --- workspaces and help ------------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_workspace(self) -> None:
        self.pick_workspace()

    @work(thread=True)
    def pick_workspace(self) -> None:
        try:
            items = self.api.get("/api/workspaces", workspace=False)["items"]
        except Exception as exc:
            self.call_from_thread(self.notify, f"cannot list workspaces: {exc}", severity="error")
            return

        def chosen(slug: str | None) -> None:
            if slug and slug != self.api.workspace:
                self.api.workspace = slug
                self.query_one("#search", Input).value = ""
                self.action_reload()

        self.call_from_thread(self.push_screen, WorkspacePicker(items, self.api.workspace), chosen)
