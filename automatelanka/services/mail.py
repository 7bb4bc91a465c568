"""Outgoing mail: SMTP when ``smtp_host`` is set, otherwise the link is logged for the operator."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from automatelanka.config import Settings

log = logging.getLogger("automatelanka.mail")


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server."""


def base_url(settings: Settings) -> str:
    """Where links in mails point: ``public_url`` or the daemon's own address."""
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def send(settings: Settings, to: str, subject: str, text: str, *, link: str | None = None) -> bool:
    """Send a plain-text mail; True when it went out over SMTP, False when only logged.

    Without SMTP the log line carries ``link`` (the one secret allowed in a log, so an
    operator of a mail-less install can pass it on) but never the rest of the message.
    """
    if not settings.smtp_host:
        log.warning("no SMTP configured; mail to %s (%s) not sent. Link: %s", to, subject, link or "-")
        return False
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_tls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail to %s (%s) failed: %s", to, subject, type(exc).__name__)
        raise MailError(f"could not send mail: {type(exc).__name__}") from exc
    return True
