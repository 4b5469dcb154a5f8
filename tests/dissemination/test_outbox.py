"""The outbox worker against a real SMTP server on loopback: delivery, refusals, back-off,
leases and the compare-and-set that keeps two workers from sending one message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory
from vigil.dissemination import mail, outbox
from vigil.dissemination.choices import AttemptOutcome, MessageStatus
from vigil.dissemination.models import OutboxMessage

POLICY = outbox.OutboxPolicy(
    lease=dt.timedelta(seconds=120),
    max_attempts=3,
    backoff_base=dt.timedelta(seconds=60),
    backoff_cap=dt.timedelta(hours=6),
)


def send_all(worker_id: str = "test-worker", policy: outbox.OutboxPolicy = POLICY):
    return outbox.run_worker(worker_id=worker_id, batch=50, once=True, policy=policy)


@pytest.mark.django_db
def test_due_messages_are_delivered_once_with_their_stable_message_id(smtp_server, announce_event):
    announce_event(3)

    run = send_all()

    assert run.sent == 3
    received = smtp_server.handler.received
    assert sorted(m.message_id for m in received) == sorted(
        m.message_id for m in OutboxMessage.objects.all()
    )
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    first = received[0]
    assert first.headers["Auto-Submitted"] == "auto-generated"
    assert "Armed clashes near Maiduguri" in first.text
    assert "Armed clashes near Maiduguri" in first.html
    assert first.subject == "[TLP:CLEAR] Clashes in Borno"
    # A second pass finds nothing due and sends nothing.
    assert send_all().sent == 0
    assert smtp_server.handler.count() == 3


@pytest.mark.django_db
def test_each_attempt_is_a_row(smtp_server, announce_event):
    announce_event(1)
    smtp_server.handler.replies.append("451 4.3.0 Mailbox busy, try later")

    send_all()
    message = OutboxMessage.objects.get()
    message.next_attempt_at = timezone.now()
    message.save()
    send_all()

    outcomes = list(message.history.values_list("number", "outcome", "smtp_code"))
    assert outcomes == [(1, AttemptOutcome.RETRY, 451), (2, AttemptOutcome.SENT, 250)]


@pytest.mark.django_db
def test_a_temporary_refusal_is_retried_after_the_back_off(smtp_server, announce_event):
    announce_event(1)
    smtp_server.handler.replies.append("451 4.3.0 Mailbox busy, try later")
    before = timezone.now()

    first = send_all()

    message = OutboxMessage.objects.get()
    assert first.retried == 1
    assert smtp_server.handler.count() == 0
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 1
    assert "451" in message.last_error
    assert before + POLICY.backoff_base <= message.next_attempt_at
    assert message.next_attempt_at <= timezone.now() + POLICY.backoff_base
    # Not due yet: a pass now sends nothing.
    assert send_all().processed == 0
    # Once the back-off has passed, the same row goes out, once.
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert send_all().sent == 1
    assert smtp_server.handler.per_message_id() == {message.message_id: 1}


def test_back_off_doubles_from_the_base_up_to_the_cap():
    policy = outbox.OutboxPolicy(
        lease=dt.timedelta(seconds=120),
        max_attempts=12,
        backoff_base=dt.timedelta(seconds=60),
        backoff_cap=dt.timedelta(minutes=30),
    )
    delays = [outbox.backoff_delay(n, policy=policy).total_seconds() for n in range(1, 8)]
    assert delays == [60, 120, 240, 480, 960, 1800, 1800]


@pytest.mark.django_db
def test_after_the_last_attempt_the_message_fails_visibly(smtp_server, announce_event):
    announce_event(1)
    smtp_server.handler.replies.extend(["421 4.7.0 Try again later"] * POLICY.max_attempts)

    for _ in range(POLICY.max_attempts):
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        send_all()

    message = OutboxMessage.objects.get()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == POLICY.max_attempts
    assert list(message.history.values_list("outcome", flat=True)) == [
        AttemptOutcome.RETRY,
        AttemptOutcome.RETRY,
        AttemptOutcome.FAILED,
    ]
    assert smtp_server.handler.count() == 0


@pytest.mark.django_db
def test_a_permanent_refusal_fails_at_once(smtp_server, announce_event):
    announce_event(1)
    smtp_server.handler.replies.append("550 5.1.1 No such user")

    run = send_all()

    message = OutboxMessage.objects.get()
    assert run.failed == 1
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert message.last_error.startswith("550")


@pytest.mark.django_db
def test_an_unreachable_server_costs_no_attempt(settings, announce_event):
    announce_event(1)
    settings.EMAIL_HOST = "127.0.0.1"
    with socket_closed_port() as port:
        settings.EMAIL_PORT = port
        with pytest.raises(ConnectionRefusedError):
            send_all()
    message = OutboxMessage.objects.get()
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 0


def socket_closed_port():
    """A context giving a loopback port nothing listens on."""
    import contextlib
    import socket

    @contextlib.contextmanager
    def closed():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        yield port

    return closed()


@pytest.mark.django_db
def test_a_message_is_claimed_by_one_worker_only(announce_event):
    _, queued = announce_event(1)
    message = queued.created[0]

    first = outbox.claim(message_id=message.pk, worker_id="a", policy=POLICY)
    second = outbox.claim(message_id=message.pk, worker_id="b", policy=POLICY)

    assert first is not None
    assert first.claimed_by == "a"
    assert first.status == MessageStatus.SENDING
    assert first.attempts == 1
    assert second is None


@pytest.mark.django_db
def test_an_expired_lease_is_taken_back_and_the_old_worker_can_no_longer_write(announce_event):
    announce_event(1)
    claimed = outbox.claim_next(worker_id="killed", policy=POLICY)
    later = timezone.now() + POLICY.lease + dt.timedelta(seconds=1)

    assert outbox.recover_abandoned(policy=POLICY, now=timezone.now()) == 0
    assert outbox.recover_abandoned(policy=POLICY, now=later) == 1

    message = OutboxMessage.objects.get()
    assert message.status == MessageStatus.PENDING
    assert message.possibly_duplicated is False
    interrupted = message.history.get()
    assert interrupted.outcome == AttemptOutcome.INTERRUPTED
    assert interrupted.handed_over is False
    # The stale worker wakes up: its writes match nothing.
    assert outbox.mark_handed_over(claimed) is False
    assert outbox.record_failure(claimed, detail="late", policy=POLICY) == MessageStatus.SENDING
    assert OutboxMessage.objects.get().status == MessageStatus.PENDING


@pytest.mark.django_db
def test_a_lease_lost_before_the_end_of_data_delivers_nothing(smtp_server, announce_event):
    announce_event(1)
    claimed = outbox.claim_next(worker_id="slow", policy=POLICY)
    # Another worker took the message over while this one was between RCPT and end of DATA.
    OutboxMessage.objects.filter(pk=claimed.pk).update(claimed_by="other")
    backend = mail.open_connection()
    try:
        status = outbox.deliver(claimed, backend.connection, policy=POLICY)
    finally:
        backend.close()

    assert status == MessageStatus.SENDING
    assert smtp_server.handler.count() == 0


@pytest.mark.django_db
def test_a_stopped_worker_that_had_handed_over_flags_a_possible_duplicate(announce_event):
    announce_event(1)
    claimed = outbox.claim_next(worker_id="killed", policy=POLICY)
    assert outbox.mark_handed_over(claimed)

    recovered = outbox.recover_abandoned(policy=POLICY, worker_id="killed")

    message = OutboxMessage.objects.get()
    assert recovered == 1
    assert message.status == MessageStatus.PENDING
    assert message.possibly_duplicated is True
    assert message.history.get().handed_over is True


@pytest.mark.django_db
def test_the_same_row_always_builds_the_same_email_headers(settings, announce_event):
    settings.VIGIL_MESSAGE_ID_DOMAIN = "ew.ecowas.example"
    _, queued = announce_event(1)
    message = queued.created[0]

    first = mail.build_email(message).message()
    again = mail.build_email(OutboxMessage.objects.get(pk=message.pk)).message()

    assert first["Message-ID"] == again["Message-ID"] == message.message_id
    assert first["Date"] == again["Date"]
    assert message.message_id.startswith("<vigil.")
    assert message.message_id.endswith("@ew.ecowas.example>")


@pytest.mark.django_db
def test_a_message_about_something_re_marked_amber_is_cancelled(smtp_server, announce_event):
    event, queued = announce_event(1)
    # The reader may still see it (same organisation), but the body was written for CLEAR.
    MembershipFactory(user=queued.created[0].recipient, organisation=event.owner_org)
    event.tlp = "AMBER"
    event.save()

    run = send_all()

    assert run.cancelled == 1
    assert smtp_server.handler.count() == 0
    message = OutboxMessage.objects.get()
    assert message.status == MessageStatus.CANCELLED
    assert "re-marked" in message.last_error


@pytest.mark.django_db
def test_a_message_to_a_closed_account_is_cancelled(smtp_server, announce_event):
    _, queued = announce_event(1)
    recipient = queued.created[0].recipient
    recipient.is_active = False
    recipient.save()

    assert send_all().cancelled == 1
    assert smtp_server.handler.count() == 0


@pytest.mark.django_db
def test_alerts_go_before_products(smtp_server, announce_event):
    announce_event(1, kind="daily_synopsis")
    announce_event(1, kind="alert")

    send_all()

    kinds = [
        OutboxMessage.objects.get(message_id=m.message_id).kind
        for m in smtp_server.handler.received
    ]
    # The first subscriber gets both; every alert still goes first.
    assert kinds == ["alert", "alert", "daily_synopsis"]


@pytest.mark.django_db
def test_the_smtp_settings_come_from_django_settings(settings):
    settings.EMAIL_HOST = "mail.example.org"
    settings.EMAIL_PORT = 2525
    settings.EMAIL_TIMEOUT = None

    config = mail.smtp_settings()

    assert (config.host, config.port, config.timeout) == ("mail.example.org", 2525, 30.0)
