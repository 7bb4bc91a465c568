"""SSH node against an in-process SSH server (paramiko's ServerInterface; exec runs a local shell,
SFTP serves a temporary directory)."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import threading

import pytest
from gdb_harness import creds, error_of, flow, output, run

from automatelanka.engine.state import Services

paramiko = pytest.importorskip("paramiko")
USER, PASSWORD = "n8n", "secret"
CRED = {"sshPassword": {"id": "1", "name": "SSH"}}


class _Server(paramiko.ServerInterface):
    def check_auth_password(self, username, password):
        ok = (username, password) == (USER, PASSWORD)
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def get_allowed_auths(self, username):
        return "password"

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_exec_request(self, channel, command):
        def work():
            done = subprocess.run(["/bin/sh", "-c", command.decode()], capture_output=True, timeout=10)
            channel.sendall(done.stdout)
            channel.sendall_stderr(done.stderr)
            channel.send_exit_status(done.returncode)
            channel.close()
        threading.Thread(target=work, daemon=True).start()
        return True


def _sftp_interface(root):
    class Handle(paramiko.SFTPHandle):
        def stat(self):
            return paramiko.SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))

    class Interface(paramiko.SFTPServerInterface):
        def _local(self, path):
            return os.path.join(root, path.lstrip("/"))

        def stat(self, path):
            try:
                return paramiko.SFTPAttributes.from_stat(os.stat(self._local(path)))
            except OSError as exc:
                return paramiko.SFTPServer.convert_errno(exc.errno)

        lstat = stat

        def open(self, path, flags, attr):
            local = self._local(path)
            try:
                if flags & os.O_WRONLY or flags & os.O_RDWR:
                    handle = Handle(flags)
                    handle.writefile = handle.readfile = open(local, "wb")  # noqa: SIM115 (closed by paramiko)
                else:
                    handle = Handle(flags)
                    handle.readfile = open(local, "rb")  # noqa: SIM115 (closed by paramiko)
            except OSError as exc:
                return paramiko.SFTPServer.convert_errno(exc.errno)
            return handle

    return Interface


@pytest.fixture
def ssh_server(tmp_path):
    key = paramiko.RSAKey.generate(1024)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    transports = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            transport = paramiko.Transport(conn)
            transport.add_server_key(key)
            transport.set_subsystem_handler("sftp", paramiko.SFTPServer, _sftp_interface(str(tmp_path)))
            transport.start_server(server=_Server())
            transports.append(transport)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], tmp_path
    listener.close()
    for transport in transports:
        transport.close()


def go(port, params, items=None, password=PASSWORD, **kw):
    services = Services(credentials=creds({"sshPassword": {"host": "127.0.0.1", "port": port, "username": USER,
                                                           "password": password}}))
    return run(flow("ssh", 1, params, items if items is not None else [{"keep": 1}], credentials=CRED, **kw),
               services)


def test_execute_command_in_cwd(ssh_server, tmp_path):
    port, _ = ssh_server
    out = output(go(port, {"command": "pwd; echo oops >&2; exit 3", "cwd": str(tmp_path)}))
    assert out == [{"json": {"code": 3, "signal": None, "stdout": str(tmp_path), "stderr": "oops"},
                    "pairedItem": {"item": 0}}]


def test_home_relative_cwd(ssh_server):
    port, _ = ssh_server
    out = output(go(port, {"command": "pwd", "cwd": "~/"}))
    assert out[0]["json"]["stdout"] == os.path.realpath(os.environ["HOME"])


def test_download_into_binary(ssh_server):
    port, root = ssh_server
    (root / "report.csv").write_bytes(b"a,b\n1,2\n")
    out = output(go(port, {"resource": "file", "operation": "download", "path": "/report.csv",
                           "binaryPropertyName": "file"}))
    assert out[0]["json"] == {"keep": 1}
    entry = out[0]["binary"]["file"]
    assert base64.b64decode(entry["data"]) == b"a,b\n1,2\n"
    assert entry["fileName"] == "report.csv" and entry["mimeType"] == "text/plain"


def test_upload_binary(ssh_server):
    port, root = ssh_server
    (root / "up").mkdir()
    (root / "src.txt").write_bytes(b"hello")
    workflow = flow("ssh", 1, {"resource": "file", "operation": "download", "path": "/src.txt"}, [{}],
                    credentials=CRED, node_name="Get")
    workflow["nodes"].append({"name": "Put", "type": "n8n-nodes-base.ssh", "typeVersion": 1, "position": [600, 0],
                              "parameters": {"resource": "file", "operation": "upload", "path": "/up",
                                             "options": {"fileName": "copy.txt"}}, "credentials": CRED})
    workflow["connections"]["Get"] = {"main": [[{"node": "Put", "type": "main", "index": 0}]]}
    services = Services(credentials=creds({"sshPassword": {"host": "127.0.0.1", "port": port, "username": USER,
                                                           "password": PASSWORD}}))
    out = output(run(workflow, services), node="Put")
    assert out == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert (root / "up" / "copy.txt").read_bytes() == b"hello"


def test_wrong_password_fails(ssh_server):
    port, _ = ssh_server
    execution = go(port, {"command": "true"}, password="nope")
    assert error_of(execution)["message"] == "All configured authentication methods failed"
