"""The bar: a known secret is nowhere — not in the raw database file, the logs, API responses or
run data — even when a service echoes it back and a run fails with it in the error."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select

from automatelanka.store.schema import metadata

from .conftest import add_credential, http_workflow, run_workflow

SECRET = "sk-KNOWN-secret-7f3a9c1e5b"


def _all_rows_text(engine) -> str:
    out = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                out.append(repr(tuple(row)))
    return "\n".join(out)


def test_known_secret_is_nowhere(client, ann, fake, db, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    h = ann.headers
    responses = []
    r = client.post("/api/credentials", json={"type": "httpHeaderAuth", "name": "Echo key",
                                              "data": {"name": "Authorization", "value": f"Bearer {SECRET}"}}, headers=h)
    assert r.status_code == 201
    responses.append(r.text)
    cred = r.json()
    # a run sends it to a service that echoes it back: the output would carry it
    ok = run_workflow(client, ann, http_workflow(f"{fake.url}/echo", "httpHeaderAuth", "Echo key", name="echo"))
    assert ok["status"] == "success", ok
    assert ok["run"]["output"]["data"][0][0]["authorization"] == "***"
    responses.append(str(ok))
    # a run that fails with an error message quoting the secret
    failing = http_workflow(f"{fake.url}/reject", "httpHeaderAuth", "Echo key", name="fails")
    bad = run_workflow(client, ann, failing)
    assert bad["status"] == "failed"
    responses.append(str(bad))
    for run_id in (ok["run_id"], bad["run_id"]):
        r = client.get(f"/api/runs/{run_id}", headers=h)
        assert r.status_code == 200
        responses.append(r.text)
    responses += [client.get("/api/credentials", headers=h).text,
                  client.get(f"/api/credentials/{cred['id']}", headers=h).text,
                  client.get("/api/audit", headers=h).text,
                  client.get("/api/integrations", headers=h).text,
                  client.post(f"/api/credentials/{cred['id']}/test", headers=h).text]
    for text in responses:
        assert SECRET not in text
    assert "key *** is not allowed here" in str(bad["run"]["error"])

    # the raw database: every file of the SQLite database, and every row on either backend
    if db.backend == "sqlite":
        path = Path(db.url.removeprefix("sqlite:///"))
        for f in path.parent.glob(path.name + "*"):
            assert SECRET.encode() not in f.read_bytes(), f
    assert SECRET not in _all_rows_text(client.app.state.db)

    # the logs of the whole test (the daemon, the worker, httpx...)
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records and SECRET not in logged


def test_log_scrubber_masks_a_secret_a_run_used(client, ann, fake, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    add_credential(client, ann, "httpHeaderAuth", "k", {"name": "X-Api-Key", "value": SECRET})
    assert run_workflow(client, ann, http_workflow(f"{fake.url}/echo", "httpHeaderAuth", "k"))["status"] == "success"
    logging.getLogger("some.library").warning("request failed: key=%s", SECRET)
    try:
        raise RuntimeError(f"boom {SECRET}")
    except RuntimeError:
        logging.getLogger("some.library").exception("crashed")
    assert SECRET not in caplog.text and "key=***" in caplog.text and "boom ***" in caplog.text
