"""SSH (n8n-nodes-base.ssh v1, sshTool) over paramiko, as n8n's node-ssh client does.

command/execute: ``cd <cwd> ; <command>`` on the server, output ``{code, signal, stdout, stderr}``
(trimmed); file/download: SFTP get into a binary property of the input item (file name: the
remote file's base name); file/upload: SFTP put of a binary property into directory ``path``.
``~/`` paths resolve against the remote ``$HOME``. Auth: sshPassword or sshPrivateKey (host keys are
not checked, as node-ssh does not). One connection serves all items of a run.
"""

from __future__ import annotations

import io
import posixpath
import re
from typing import Any

from automatelanka.engine import binary as binmod
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._http import check_outbound, credential
from automatelanka.engine.nodes.base import NodeContext, register


def shell_escape(value: str) -> str:
    """The npm ``shell-escape`` quoting of one argument."""
    if re.fullmatch(r"[A-Za-z0-9_/-]+", value):
        return value
    quoted = "'" + value.replace("'", "'\\''") + "'"
    return re.sub(r"^(?:'')+", "", quoted).replace("\\'''", "\\'")


def _private_key(text: str, passphrase: str | None) -> Any:
    import paramiko

    key = (text or "").strip().replace("\\n", "\n") + "\n"
    last: Exception | None = None
    for kind in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return kind.from_private_key(io.StringIO(key), password=passphrase or None)
        except (paramiko.SSHException, ValueError) as exc:
            last = exc
    raise NodeError(f"Cannot parse privateKey: {last}")


def connect(ctx: NodeContext) -> Any:
    import paramiko

    password_auth = ctx.param("authentication", 0, "password") == "password"
    fields = credential(ctx, "sshPassword" if password_auth else "sshPrivateKey") or {}
    host = str(fields.get("host") or "")
    port = int(fields.get("port") or 22)
    check_outbound(ctx, f"ssh://{host}:{port}")
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    kwargs: dict[str, Any] = {"hostname": host, "port": port, "username": fields.get("username"),
                              "look_for_keys": False, "allow_agent": False, "timeout": 20}
    if password_auth:
        kwargs["password"] = fields.get("password") or ""
    else:
        kwargs["pkey"] = _private_key(str(fields.get("privateKey") or ""), fields.get("passphrase"))
    try:
        client.connect(**kwargs)
    except (paramiko.SSHException, OSError) as exc:
        client.close()
        message = "All configured authentication methods failed" \
            if isinstance(exc, paramiko.AuthenticationException) else str(exc)
        raise NodeError(message) from None
    return client


def exec_command(client: Any, command: str, cwd: str | None = None) -> dict[str, Any]:
    """node-ssh's ``execCommand``: exit code, signal, trimmed stdout/stderr."""
    if cwd:
        command = f"cd {shell_escape(cwd)} ; {command}"
    stdin, stdout, stderr = client.exec_command(command)
    stdin.close()
    out = stdout.read().decode("utf-8", "replace")
    err = stderr.read().decode("utf-8", "replace")
    status = stdout.channel.recv_exit_status()
    return {"code": status if status >= 0 else None, "signal": None, "stdout": out.strip(), "stderr": err.strip()}


def _home(ctx: NodeContext, client: Any, path: str, i: int) -> str:
    if path.startswith("~/"):
        home = exec_command(client, "echo $HOME")["stdout"]
        return path.replace("~/", home if home.endswith("/") else home + "/", 1)
    if path.startswith("~"):
        raise ctx.error('Invalid path. Replace "~" with home directory or "~/"', i)
    return path


def _base_name(name: str) -> str:
    base = posixpath.basename(name.replace("\\", "/")).replace("\0", "")
    return "untitled" if not base or re.fullmatch(r"\.+", base) else base


@register("n8n-nodes-base.ssh", versions=(1,), display_name="SSH")
@register("n8n-nodes-base.sshTool", versions=(1,), display_name="SSH Tool")
def ssh(ctx: NodeContext) -> NodeOutput:
    import paramiko

    resource = ctx.param("resource", 0, "command")
    operation = ctx.param("operation", 0, "execute" if resource == "command" else "upload")
    if (resource, operation) not in (("command", "execute"), ("file", "download"), ("file", "upload")):
        raise ctx.error(f"SSH: operation '{resource}/{operation}' is not supported yet")
    items = list(ctx.input(0))
    out: list[Item] = []
    client = connect(ctx)
    try:
        for i, item in enumerate(items):
            try:
                if resource == "command":
                    cwd = _home(ctx, client, str(ctx.param("cwd", i, "/") or ""), i)
                    out.append({"json": exec_command(client, str(ctx.param("command", i, "") or ""), cwd),
                                "pairedItem": {"item": i}})
                elif operation == "download":
                    items[i] = _download(ctx, client, i, item)
                else:
                    _upload(ctx, client, i, item)
                    out.append({"json": {"success": True}, "pairedItem": {"item": i}})
            except (NodeError, paramiko.SSHException, OSError) as exc:
                message = exc.message if isinstance(exc, NodeError) else str(exc) or type(exc).__name__
                if not ctx.continue_on_fail:
                    if isinstance(exc, NodeError):
                        exc.item_index = i
                        raise
                    raise NodeError(message, item_index=i) from None
                if operation == "download":
                    items[i] = {"json": {"error": message}}
                else:
                    out.append({"json": {"error": message}, "pairedItem": {"item": i}})
    finally:
        client.close()
    return [items if operation == "download" else out]


def _download(ctx: NodeContext, client: Any, i: int, item: Item) -> Item:
    prop = ctx.param("binaryPropertyName", i, "data")
    path = _home(ctx, client, str(ctx.param("path", i, "") or ""), i)
    sftp = client.open_sftp()
    try:
        buffer = io.BytesIO()
        sftp.getfo(path, buffer)
    finally:
        sftp.close()
    data = buffer.getvalue()
    name = (ctx.param("options", i, {}) or {}).get("fileName") or path
    # copyBinaryFile: the temporary file has no extension, so the type is sniffed or text/plain
    entry = binmod.prepare_binary(data, None, binmod._sniff(data) or "text/plain")
    entry["fileName"] = _base_name(name)
    binary = dict(item.get("binary") or {})
    binary[prop] = entry
    return {"json": item["json"], "binary": binary, "pairedItem": {"item": i}}


def _upload(ctx: NodeContext, client: Any, i: int, item: Item) -> None:
    path = _home(ctx, client, str(ctx.param("path", i, "") or ""), i)
    name = (ctx.param("options", i, {}) or {}).get("fileName") or ""
    entry = binmod.assert_binary(item, ctx.param("binaryPropertyName", i, "data"), i)
    target = f"{path}{'' if path.endswith('/') else '/'}{_base_name(name or entry.get('fileName') or '')}"
    sftp = client.open_sftp()
    try:
        sftp.putfo(io.BytesIO(binmod.binary_bytes(entry)), target)
    finally:
        sftp.close()
