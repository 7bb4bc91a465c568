"""Send Email against a local aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import base64
import socket
from email import message_from_bytes, policy

import pytest
from gdb_harness import creds, error_of, flow, output, run

from automatelanka.engine.state import Services

aiosmtpd = pytest.importorskip("aiosmtpd.controller")


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = aiosmtpd.Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


CRED = {"smtp": {"id": "1", "name": "SMTP"}}


def services(port: int) -> Services:
    return Services(credentials=creds({"smtp": {"host": "127.0.0.1", "port": port, "secure": False, "user": "",
                                                "password": "", "disableStartTls": True}}))


def send_flow(params, items=None, version=2.1, **kw):
    return flow("emailSend", version, params, items if items is not None else [{}], credentials=CRED, **kw)


def test_sends_text_with_cc_bcc_and_reports_nodemailer_info(smtp):
    sink, port = smtp
    params = {"fromEmail": "Bot <bot@example.com>", "toEmail": "a@example.com", "subject": "Hi",
              "emailFormat": "text", "text": "Body", "options": {"ccEmail": "c@example.com",
                                                                 "bccEmail": "b@example.com",
                                                                 "replyTo": "r@example.com",
                                                                 "appendAttribution": False}}
    out = output(run(send_flow(params), services(port)))
    info = out[0]["json"]
    assert info["accepted"] == ["a@example.com", "c@example.com", "b@example.com"] and info["rejected"] == []
    assert info["envelope"] == {"from": "bot@example.com", "to": ["a@example.com", "c@example.com", "b@example.com"]}
    assert info["response"].startswith("250 ") and info["messageId"].startswith("<")
    mail_from, rcpts, content = sink.messages[0]
    assert "b@example.com" in rcpts  # bcc only in the envelope
    msg = message_from_bytes(content, policy=policy.default)
    assert mail_from == "bot@example.com" and msg["Subject"] == "Hi" and msg["Reply-To"] == "r@example.com"
    assert msg.get_content().strip() == "Body"


def test_html_attribution_and_attachments(smtp):
    sink, port = smtp
    wf = send_flow({"fromEmail": "bot@example.com", "toEmail": "a@example.com", "subject": "S", "emailFormat": "html",
                    "html": "<b>x</b>", "options": {"attachments": "data"}})
    wf["nodes"][1]["parameters"]["jsCode"] = (
        "return [{json:{}, binary:{data:{data:'" + base64.b64encode(b"col\n1\n").decode()
        + "', mimeType:'text/csv', fileName:'r.csv'}}}];")
    run(wf, services(port))
    msg = message_from_bytes(sink.messages[0][2], policy=policy.default)
    body = msg.get_body(("html",)).get_content()
    assert "<b>x</b>" in body and "This email was sent automatically with" in body
    files = [(p.get_filename(), p.get_content()) for p in msg.iter_attachments()]
    assert files == [("r.csv", "col\n1\n")]


def test_v1_parameters_and_refused_recipient(smtp):
    sink, port = smtp
    out = output(run(send_flow({"fromEmail": "bot@example.com", "toEmail": "a@example.com", "subject": "Old",
                                "text": "v1 body"}, version=1), services(port)))
    assert out[0]["json"]["accepted"] == ["a@example.com"]
    assert message_from_bytes(sink.messages[0][2], policy=policy.default).get_content().strip() == "v1 body"
    params = {"fromEmail": "bot@example.com", "toEmail": "nobody@example.com", "subject": "S", "emailFormat": "text",
              "text": "x"}
    err = error_of(run(send_flow(params), services(port)))
    assert "nobody@example.com" in err["message"]
    out = output(run(send_flow(params, on_error="continueRegularOutput"), services(port)))
    assert "nobody@example.com" in out[0]["json"]["error"]
