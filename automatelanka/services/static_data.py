"""Workflow static data (``$getWorkflowStaticData``) kept across runs, as n8n keeps it (spec §1.7).

n8n saves a workflow's ``staticData`` after every non-manual execution that changed it. Polling
trigger cursors live there (``node:<name>``), and so does Remove Duplicates' memory of items seen
in previous executions (``__deduplication``). Here it is the ``staticData`` key of the stored
definition:

* :func:`load` reads it fresh for each run of a workflow that uses static data (the webhook
  server's cached workflow may be older) and hands the engine a private copy;
* :func:`save_after` writes back the top-level keys the run changed (manual runs never save),
  without a new version or ``updated_at`` (it is runtime state, not an edit). Keys are merged
  one by one, so a poll advancing ``node:RSS`` and a run bumping ``count`` both stick; two runs
  changing the same key at once: the last to finish wins, as in n8n.
"""

from __future__ import annotations

import copy
import json
import logging
import uuid
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from automatelanka.store.repositories import static_data as repo

log = logging.getLogger("automatelanka.static_data")

#: Flag the engine sets on a change (n8n's ObservableObject); never stored.
CHANGED_FLAG = "__dataChanged"
#: Node types that keep state in static data without mentioning it in their parameters.
STATEFUL_TYPES = frozenset({"n8n-nodes-base.removeDuplicates"})


@dataclass
class Loaded:
    """The static data a run starts from: ``data`` (the engine changes it) and a frozen copy."""

    data: dict[str, Any]
    before: dict[str, Any]

    @classmethod
    def of(cls, data: Any) -> Loaded:
        data = copy.deepcopy(data) if isinstance(data, dict) else {}
        return cls(data, copy.deepcopy(data))

    def changes(self) -> dict[str, Any]:
        """``{key: new value | repo.DELETE}`` for each top-level key the run changed."""
        after = {k: v for k, v in self.data.items() if k != CHANGED_FLAG}
        before = {k: v for k, v in self.before.items() if k != CHANGED_FLAG}
        out: dict[str, Any] = {k: _plain(v) for k, v in after.items() if k not in before or before[k] != v}
        out.update({k: repo.DELETE for k in before if k not in after})
        return out


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _definition(workflow: Any) -> dict[str, Any]:
    """The JSON of ``workflow`` (a definition dict or the engine's parsed Workflow)."""
    data = getattr(workflow, "data", workflow)
    return data if isinstance(data, dict) else {}


#: Parsed workflows (the webhook server caches them) -> :func:`uses_static_data`.
_USES: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def uses_static_data(workflow: Any) -> bool:
    """Whether runs of ``workflow`` may read or write static data (else they skip it entirely)."""
    if isinstance(workflow, dict):
        return _uses(workflow)
    known = _USES.get(workflow)
    if known is None:
        known = _USES[workflow] = _uses(_definition(workflow))
    return known


def _uses(definition: dict[str, Any]) -> bool:
    from automatelanka.engine.nodes._poll import POLLERS
    from automatelanka.engine.nodes.base import registry

    registry()  # the pollers register as their node modules load

    if definition.get("staticData"):
        return True
    nodes = [n for n in definition.get("nodes") or [] if isinstance(n, dict)]
    if any(n.get("type") in POLLERS or n.get("type") in STATEFUL_TYPES for n in nodes):
        return True
    return "StaticData" in json.dumps([n.get("parameters") for n in nodes], default=str)


def load(engine: Engine, workspace_id: uuid.UUID, workflow_id: uuid.UUID, workflow: Any) -> Loaded | None:
    """The stored static data for one run (None: the workflow uses none)."""
    if not uses_static_data(workflow):
        return None
    with engine.connect() as conn:
        stored = repo.get_static_data(conn, workspace_id, workflow_id)
    return Loaded.of(stored if stored is not None else _definition(workflow).get("staticData"))


def save(conn: Connection, workspace_id: uuid.UUID, workflow_id: uuid.UUID, loaded: Loaded) -> bool:
    """Write the keys that changed since :func:`load`; False when nothing changed."""
    changes = loaded.changes()
    if not changes:
        return False
    return repo.merge_static_data(conn, workspace_id, workflow_id, changes)


def save_after(engine: Engine, run: dict[str, Any], loaded: Loaded | None, mode: str) -> None:
    """After a run: save its static data changes unless manual (a failure is logged, not raised)."""
    if loaded is None or mode == "manual":
        return
    from automatelanka.services.execution import writing

    try:
        with writing(engine) as conn:
            save(conn, run["workspace_id"], run["workflow_id"], loaded)
    except Exception:
        log.warning("run %s: could not save the workflow's static data", run.get("id"), exc_info=True)
