"""Expression contexts are shared only by executions with the same isolation key (the workspace).

An expression can change its JS context: a global through ``this``, a built-in's prototype
reached through a computed name. n8n's static checks do not catch those, so tenants must not
share a context: what one workspace's expressions change never reaches another's.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.executor import execute
from automatelanka.engine.expressions.runtime import MAX_RUNTIMES_PER_THREAD
from automatelanka.engine.state import Services

TAMPER = [
    "(({})['__pro' + 'to__'].planted = 'yes')",
    "(this.stash = 'yes')",
    "(String['proto' + 'type'].toUpperCase = function () { return 'HIJACKED' }, 'yes')",
    "(JSON.stringify = function () { return 'HIJACKED' }, 'yes')",
]
PROBE = [
    "({}).planted === undefined ? 'clean' : 'planted'",
    "typeof stash === 'undefined' ? 'clean' : stash",
    "'abc'.toUpperCase()",
    "JSON.stringify({a: 1})",
]
CLEAN = {"v0": "clean", "v1": "clean", "v2": "ABC", "v3": '{"a":1}'}


def set_workflow(expressions: list[str]) -> dict[str, Any]:
    assignments = [{"id": str(i), "name": f"v{i}", "type": "string", "value": "={{ " + e + " }}"}
                   for i, e in enumerate(expressions)]
    return {
        "name": "probe",
        "nodes": [
            {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "parameters": {},
             "position": [0, 0]},
            {"name": "Set", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [200, 0],
             "parameters": {"assignments": {"assignments": assignments}, "options": {}}},
        ],
        "connections": {"Start": {"main": [[{"node": "Set", "type": "main", "index": 0}]]}},
    }


def run(expressions: list[str], isolation: str) -> dict[str, Any]:
    execution = execute(set_workflow(expressions), services=Services(isolation=isolation))
    assert execution.error is None, execution.error
    return execution.run_data["Set"][0]["data"]["main"][0][0]["json"]


def test_what_one_workspace_changes_in_js_never_reaches_another() -> None:
    assert run(TAMPER, "workspace-a") == {f"v{i}": "yes" for i in range(len(TAMPER))}
    assert run(PROBE, "workspace-b") == CLEAN
    # the tampering tenant only hurts itself (as one n8n instance would)
    assert run(PROBE, "workspace-a") != CLEAN


def test_many_tenants_on_one_thread_each_get_a_clean_context() -> None:
    for n in range(MAX_RUNTIMES_PER_THREAD + 2):  # more than a thread keeps: some are dropped, made again
        assert run(PROBE, f"tenant-{n}") == CLEAN
        run(TAMPER, f"tenant-{n}")
    assert run(PROBE, "tenant-new") == CLEAN
