"""A real SMTP server on loopback (aiosmtpd), started by the test, that records what it accepts.

The server can be told to refuse (a queue of replies such as "451 ..."), to be slow, and to
run a hook at two moments: when a recipient is given (the sender is mid-transaction, nothing
delivered) and after a message is accepted but before the "250" reply goes back (the window
in which a sender that dies leaves the message delivered but not recorded).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.factories import EventFactory, SubscriptionFactory
from vigil.geo.models import Country, RegionalOrganisation, RegionMembership


@dataclass
class Received:
    message_id: str
    to: list[str]
    subject: str
    text: str
    html: str
    headers: dict[str, str]


@dataclass
class RecordingHandler:
    """aiosmtpd handler: accepts and records, unless told otherwise."""

    received: list[Received] = field(default_factory=list)
    replies: deque[str] = field(default_factory=deque)
    delay: float = 0.0
    on_rcpt: Callable[[int], None] | None = None
    after_accept: Callable[[int], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.on_rcpt is not None:
            self.on_rcpt(len(self.received))
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.replies:
            reply = self.replies.popleft()
            if not reply.startswith("250"):
                return reply
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        text = parsed.get_body(("plain",))
        html = parsed.get_body(("html",))
        with self.lock:
            self.received.append(
                Received(
                    message_id=str(parsed["Message-ID"]),
                    to=list(envelope.rcpt_tos),
                    subject=str(parsed["Subject"]),
                    text=text.get_content() if text else "",
                    html=html.get_content() if html else "",
                    headers={k: str(v) for k, v in parsed.items()},
                )
            )
            count = len(self.received)
        if self.after_accept is not None:
            self.after_accept(count)
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def per_message_id(self) -> Counter[str]:
        with self.lock:
            return Counter(message.message_id for message in self.received)

    def wait_for(self, count: int, timeout: float = 60.0, sender=None) -> None:
        """Wait until `count` messages arrived; fail early, with its output, if the `sender`
        process exits first."""
        deadline = time.monotonic() + timeout
        while self.count() < count:
            if sender is not None and sender.poll() is not None:
                raise AssertionError(f"the worker exited early: {sender.report()}")
            if time.monotonic() > deadline:
                if sender is not None:
                    sender.kill()
                    sender.wait()
                    raise AssertionError(f"only {self.count()} of {count}: {sender.report()}")
                raise AssertionError(f"only {self.count()} of {count} messages arrived")
            time.sleep(0.005)


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    """A fresh loopback SMTP server; Django's EMAIL_HOST/EMAIL_PORT point at it."""
    handler = RecordingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Vigil <no-reply@vigil.example.org>"
    try:
        yield SmtpServer(host="127.0.0.1", port=port, handler=handler)
    finally:
        controller.stop()


@pytest.fixture
def west_africa(db: None) -> RegionalOrganisation:
    """ECOWAS with Nigeria and Ghana as members, and Mali and Niger as members until their
    withdrawal took effect on 2025-01-29 (as in the reference geography); IGAD with Ethiopia."""
    for iso3, iso2, name in [
        ("NGA", "NG", "Nigeria"),
        ("GHA", "GH", "Ghana"),
        ("NER", "NE", "Niger"),
        ("MLI", "ML", "Mali"),
        ("ETH", "ET", "Ethiopia"),
    ]:
        Country.objects.get_or_create(iso3=iso3, defaults={"iso2": iso2, "name": name})
    ecowas, _ = RegionalOrganisation.objects.get_or_create(
        code="ECOWAS", defaults={"name": "ECOWAS"}
    )
    igad, _ = RegionalOrganisation.objects.get_or_create(code="IGAD", defaults={"name": "IGAD"})
    for iso3 in ("NGA", "GHA"):
        RegionMembership.objects.get_or_create(organisation=ecowas, country_id=iso3)
    for iso3 in ("NER", "MLI"):
        RegionMembership.objects.get_or_create(
            organisation=ecowas, country_id=iso3, left=dt.date(2025, 1, 29)
        )
    RegionMembership.objects.get_or_create(organisation=igad, country_id="ETH")
    return ecowas


@pytest.fixture
def announce_event(west_africa):
    """Queue messages about a (CLEAR by default) event in Nigeria for `n` fresh subscribers."""
    from vigil.dissemination.services import enqueue_for

    def announce(n: int, *, tlp: str = "CLEAR", kind: str = "alert"):
        event = EventFactory(tlp=tlp, country_id="NGA")
        for _ in range(n):
            SubscriptionFactory(region=west_africa)
        return event, enqueue_for(
            kind,
            event,
            region="ECOWAS",
            countries=["NGA"],
            severity="Severe",
            tlp=tlp,
            url=f"/events/{event.pk}/",
            subject="Clashes in Borno",
            body_by_language={"en": "Armed clashes near Maiduguri displaced 2,000 people."},
        )

    return announce
