"""al workflows, al run ID|NAME, al runs: JSON outputs and exit codes against a real daemon."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import manual_workflow, out_json


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    (folder / "sub").mkdir(parents=True)
    (folder / "double.json").write_text(json.dumps(manual_workflow("Double it")))
    (folder / "sub" / "boom.json").write_text(json.dumps(manual_workflow("Boom", fail=True)))
    (folder / "broken.json").write_text("{not json")
    (folder / "nonodes.json").write_text(json.dumps({"name": "no nodes"}))
    return folder


def test_import_folder_summary_json_and_no_duplicates(al, user, tmp_path) -> None:
    folder = _folder(tmp_path)
    r = al("workflows", "import", str(folder), "--json")
    assert r.exit_code == 1  # some files failed
    summary = json.loads(r.stdout)
    assert (summary["imported"], summary["unchanged"], summary["failed"]) == (2, 0, 2)
    reasons = {Path(x["file"]).name: x["error"] for x in summary["results"] if x["status"] == "failed"}
    assert "not a JSON file" in reasons["broken.json"] and "nodes" in reasons["nonodes.json"]

    human = al("workflows", "import", str(folder / "double.json"), str(folder / "sub"))
    assert human.exit_code == 0 and "unchanged" in human.stdout and "2 workflow(s)" in human.stdout
    listed = out_json(al("workflows", "list", "--json"))
    assert sorted(w["name"] for w in listed) == ["Boom", "Double it"]
    assert {w["filename"] for w in listed} == {"double.json", "boom.json"}
    r = al("workflows", "import", str(tmp_path / "missing"))
    assert r.exit_code == 2 and "no such file" in r.stderr


def test_workflow_commands_by_name_and_id(al, user, tmp_path) -> None:
    al("workflows", "import", str(_folder(tmp_path)))
    shown = out_json(al("workflows", "show", "Double it", "--json"))
    assert shown["name"] == "Double it" and "definition" not in shown and "stats" in shown
    by_id = out_json(al("workflows", "show", shown["id"], "--json", "--definition"))
    assert by_id["definition"]["nodes"][1]["name"] == "Double"
    r = al("workflows", "show", "No such workflow")
    assert r.exit_code == 2 and "no workflow" in r.stderr

    activated = out_json(al("workflows", "activate", "Double it", "--json"))
    assert activated["active"] is True
    assert [w["name"] for w in out_json(al("workflows", "list", "--active", "--json"))] == ["Double it"]
    assert out_json(al("workflows", "deactivate", shown["id"], "--json"))["active"] is False

    copy = out_json(al("workflows", "clone", "Double it", "--name", "Double it", "--json"))
    r = al("workflows", "show", "Double it")
    assert r.exit_code == 2 and "2 workflows are named" in r.stderr  # ambiguous: use an id
    assert al("workflows", "delete", copy["id"], "--yes").exit_code == 0

    versions = out_json(al("workflows", "versions", "Double it", "--json"))
    assert [v["version"] for v in versions] == [1]
    restored = out_json(al("workflows", "restore", "Double it", "1", "--json"))
    assert restored["name"] == "Double it"
    assert len(out_json(al("workflows", "versions", "Double it", "--json"))) >= 1

    target = tmp_path / "out.json"
    assert al("workflows", "export", "Double it", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text())["nodes"][0]["type"] == "n8n-nodes-base.manualTrigger"
    assert al("workflows", "export", "--all", "-o", str(tmp_path / "backup")).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "backup").iterdir()) == ["Boom.json", "Double it.json"]
    r = al("workflows", "export")
    assert r.exit_code == 2


def test_run_by_name_waits_and_exits_with_the_outcome(al, user, tmp_path) -> None:
    al("workflows", "import", str(_folder(tmp_path)))
    ok = al("run", "Double it", "--input", '{"n": 21}', "--json")
    assert ok.exit_code == 0, ok.output
    run = json.loads(ok.stdout)
    assert run["status"] == "success" and [n["node_name"] for n in run["nodes"]] == ["Start", "Double"]
    assert run["nodes"][1]["outputs"]["main"][0][0]["json"]["doubled"] == 42

    human = al("run", "Double it")
    assert human.exit_code == 0 and "Double" in human.stdout and "success" in human.stdout

    failed = al("run", "Boom")
    assert failed.exit_code == 1 and "it broke" in failed.stdout

    queued = out_json(al("run", "Boom", "--no-wait", "--json"))
    assert queued["status"] == "queued"
    tail = al("runs", "tail", queued["run_id"], "-f")
    assert tail.exit_code == 1 and "failed" in tail.stdout

    offline = tmp_path / "exports" / "double.json"
    local = al("run", str(offline), "--json")  # a file runs offline
    assert local.exit_code == 0 and "runData" in local.stdout
    remote = al("run", str(offline), "--remote", "--json")
    assert remote.exit_code == 0 and json.loads(remote.stdout)["status"] == "success"

    r = al("run", "Nothing by that name")
    assert r.exit_code == 2


def test_runs_list_show_retry_cancel_delete(al, user, tmp_path) -> None:
    al("workflows", "import", str(_folder(tmp_path)))
    al("run", "Double it")
    al("run", "Boom")
    runs = out_json(al("runs", "list", "--json"))
    assert [r["status"] for r in runs] == ["failed", "success"]
    failed_only = out_json(al("runs", "list", "--status", "failed", "--workflow", "Boom", "--json"))
    assert len(failed_only) == 1
    assert "Boom" in al("runs", "list").stdout

    shown = al("runs", "show", runs[0]["id"], "--json")
    assert shown.exit_code == 1 and json.loads(shown.stdout)["error"]["message"] == "it broke"
    assert al("runs", "show", runs[1]["id"]).exit_code == 0
    assert al("runs", "show", "not-a-run-id").exit_code == 2

    retried = out_json(al("runs", "retry", runs[1]["id"], "--wait", "--json"))
    assert retried["status"] == "success" and retried["retry_of"] == runs[1]["id"]

    r = al("runs", "cancel", runs[1]["id"])
    assert r.exit_code == 1 and "already finished" in r.stderr
    assert al("runs", "delete", runs[1]["id"]).exit_code == 0
    assert al("runs", "show", runs[1]["id"]).exit_code == 2
