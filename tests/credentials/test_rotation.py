"""Master-key rotation: every data key re-wrapped (data untouched), old key retired, and readers
in another process (their own cached key ring) never fail while it runs; SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
import uuid

from automatelanka.config import Settings
from automatelanka.services import credentials as service
from automatelanka.services import crypto, kms
from automatelanka.store.repositories import credentials as repo
from automatelanka.store.repositories import workspaces as ws_repo


def _workspace(conn) -> uuid.UUID:
    return ws_repo.create_workspace(conn, slug=f"w{uuid.uuid4().hex[:8]}", name="W")["id"]


def test_rotation_rewraps_every_record_without_downtime(db, tmp_path) -> None:
    settings = Settings(home=tmp_path / "home", database_url=db.url, queue_url="sqlite://")
    with db.engine.begin() as conn:
        workspaces = [_workspace(conn) for _ in range(2)]
        made = [service.create(conn, settings, workspaces[i % 2], type="httpHeaderAuth", name=f"c{i}",
                               data={"name": "X-Key", "value": f"secret-value-{i:04d}"}) for i in range(40)]
    old_kid = service.provider(settings).active_kid()
    with db.engine.connect() as conn:
        before = {m["id"]: json.loads(repo.get_credential(conn, uuid.UUID(str(ws)), uuid.UUID(m["id"]))["data"])
                  for m, ws in zip(made, [workspaces[i % 2] for i in range(40)], strict=True)}

    daemon_keys = kms.LocalKeyProvider(settings)  # "the daemon": its own ring, loaded before the rotation
    daemon_keys.active_kid()
    stop, failures, reads = threading.Event(), [], [0]

    def reader() -> None:
        while not stop.is_set():
            for i, m in enumerate(made):
                with db.engine.connect() as conn:  # short reads, as the daemon's runs do
                    row = repo.get_credential(conn, workspaces[i % 2], uuid.UUID(m["id"]))
                try:
                    assert crypto.decrypt(daemon_keys, row["id"], row["data"])["value"] == f"secret-value-{i:04d}"
                    reads[0] += 1
                except Exception as exc:  # pragma: no cover - what the test guards against
                    failures.append(repr(exc))
                time.sleep(0.001)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        result = service.rotate_master_key(db.engine, settings, batch=7)
    finally:
        stop.set()
        thread.join(30)
    assert failures == [] and reads[0] > 0
    assert result["rewrapped"] == 40 and result["failed"] == 0
    assert result["active_kid"] != old_kid and result["retired"] == [old_kid]
    assert old_kid not in kms.LocalKeyProvider(settings).kids()  # gone from the key store
    with db.engine.connect() as conn:
        for i, m in enumerate(made):
            row = repo.get_credential(conn, workspaces[i % 2], uuid.UUID(m["id"]))
            record = json.loads(row["data"])
            assert record["kid"] == result["active_kid"]
            assert record["ciphertext"] == before[m["id"]]["ciphertext"]  # re-wrapped, not re-encrypted
            assert service.decrypt_row(settings, row)["value"] == f"secret-value-{i:04d}"
    # a second rotation has nothing old left to retire but the previous key
    again = service.rotate_master_key(db.engine, settings)
    assert again["rewrapped"] == 40 and again["retired"] == [result["active_kid"]]
