"""Building an outbox message into an email, and handing it to an SMTP server.

The outbox needs one thing Django's `send_messages()` cannot give: a moment *between* the
body and the end of DATA (the lone "." line) at which to record, durably, that the message
is about to be handed over. Before that line a server must discard the transaction if the
connection drops (RFC 5321 §4.1.1.4), so a worker that dies earlier certainly delivered
nothing; after it, delivery is uncertain until the reply is read and recorded. So the
connection, TLS and login come from Django's SMTP backend, and the transaction is driven
here, step by step, on the `smtplib.SMTP` object it opened.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import sanitize_address

from vigil.dissemination.models import OutboxMessage

CRLF = b"\r\n"


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the mail server; read from Django's EMAIL_* settings."""

    host: str
    port: int
    username: str
    password: str
    use_tls: bool
    use_ssl: bool
    timeout: float


def smtp_settings() -> SmtpSettings:
    """Django's EMAIL_* settings, with a timeout even when none is set: a hung server must not
    hold a message longer than its lease."""
    return SmtpSettings(
        host=getattr(settings, "EMAIL_HOST", "localhost"),
        port=int(getattr(settings, "EMAIL_PORT", 25)),
        username=getattr(settings, "EMAIL_HOST_USER", ""),
        password=getattr(settings, "EMAIL_HOST_PASSWORD", ""),
        use_tls=bool(getattr(settings, "EMAIL_USE_TLS", False)),
        use_ssl=bool(getattr(settings, "EMAIL_USE_SSL", False)),
        timeout=float(getattr(settings, "EMAIL_TIMEOUT", None) or 30),
    )


def sender_address() -> str:
    return getattr(settings, "VIGIL_OUTBOX_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def message_id_domain() -> str:
    """The right-hand side of every Message-ID: VIGIL_MESSAGE_ID_DOMAIN, else the domain of
    the sender address."""
    configured = getattr(settings, "VIGIL_MESSAGE_ID_DOMAIN", "")
    return configured or sender_address().rpartition("@")[2].strip("> ") or "vigil.invalid"


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The email for an outbox row. The same row always gives the same headers (Message-ID and
    Date come from the row), so a resend is recognisable as the same message."""
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=sender_address(),
        to=[message.to_address],
        headers={
            "Message-ID": message.message_id,
            "Date": format_datetime(message.created_at),
            # RFC 3834: robots must not answer it (out-of-office replies loop otherwise).
            "Auto-Submitted": "auto-generated",
            "Content-Language": message.language,
            "X-Vigil-Outbox-Id": str(message.pk),
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def open_connection(config: SmtpSettings | None = None) -> EmailBackend:
    """An open SMTP connection (TLS and login done) from Django's SMTP backend; raises OSError
    or smtplib.SMTPException when the server cannot be reached."""
    config = config or smtp_settings()
    backend = EmailBackend(
        host=config.host,
        port=config.port,
        username=config.username,
        password=config.password,
        use_tls=config.use_tls,
        use_ssl=config.use_ssl,
        timeout=config.timeout,
        fail_silently=False,
    )
    backend.open()
    return backend


class HandoverRefused(Exception):
    """The worker's claim was lost before the end of DATA; the transaction was abandoned, so the
    server discards it and nothing was delivered."""


@dataclass(frozen=True)
class Accepted:
    code: int
    reply: str


def hand_over(
    connection: smtplib.SMTP,
    email: EmailMultiAlternatives,
    *,
    before_end_of_data: Callable[[], bool],
) -> Accepted:
    """Run one SMTP transaction for `email`, calling `before_end_of_data` after the body and
    before the final "." line. If it returns False the connection is dropped without ending
    DATA. Raises smtplib's exceptions (with the server's code) on refusal; OSError and
    SMTPServerDisconnected on a broken connection."""
    encoding = email.encoding or settings.DEFAULT_CHARSET
    from_address = sanitize_address(email.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in email.recipients()]
    data = email.message().as_bytes(linesep="\r\n")

    connection.ehlo_or_helo_if_needed()
    options = [f"SIZE={len(data)}"] if connection.has_extn("size") else []
    code, reply = connection.mail(from_address, options)
    if code != 250:
        _reset(connection)
        raise smtplib.SMTPSenderRefused(code, reply, from_address)
    refused = {}
    for recipient in recipients:
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        _reset(connection)
        raise smtplib.SMTPRecipientsRefused(refused)
    connection.putcmd("data")
    code, reply = connection.getreply()
    if code != 354:
        _reset(connection)
        raise smtplib.SMTPDataError(code, reply)
    # Dot-stuffing as in smtplib.SMTP.data (RFC 5321 §4.5.2), then hold the final line back.
    body = re.sub(rb"(?m)^\.", b"..", data)
    if not body.endswith(CRLF):
        body += CRLF
    connection.send(body)
    if not before_end_of_data():
        connection.close()
        raise HandoverRefused
    connection.send(b"." + CRLF)
    code, reply = connection.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)
    return Accepted(code=code, reply=reply.decode("utf-8", "replace"))


def _reset(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        connection.rset()
