"""The outbox worker: claim one message at a time by compare-and-set, send it, record the result.

Guarantee (docs/dissemination.md says it at length): every queued message is handed to the
SMTP server at least once, and at most once unless a worker stops — killed, lease lost or
connection broken — in the few milliseconds between sending the end of DATA and committing
`sent`. Such a message is sent again with the same Message-ID and flagged
`possibly_duplicated`, so the receiving side can recognise it and an admin can see it.

Each state change is a compare-and-set `UPDATE ... WHERE` on the fields the worker read when
it claimed the message (`status`, `claimed_by`, `attempts`): a worker whose lease was taken
over writes nothing. The same code runs on SQLite and PostgreSQL; on PostgreSQL, candidates
are picked with `SELECT ... FOR UPDATE SKIP LOCKED` so that workers do not race for the same
row (SQLite ignores it, and writers are serialised there anyway).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from vigil.dissemination import mail
from vigil.dissemination.choices import AttemptOutcome, MessageStatus
from vigil.dissemination.models import DeliveryAttempt, OutboxMessage
from vigil.sharing.choices import TLP
from vigil.sharing.policy import visible

logger = logging.getLogger(__name__)

# Marks whose content may be in an email body (docs/dissemination.md).
BODY_SAFE_TLP = frozenset({TLP.CLEAR, TLP.GREEN})


@dataclass(frozen=True)
class OutboxPolicy:
    """How long a claim lasts and how failures are retried."""

    lease: dt.timedelta
    max_attempts: int
    backoff_base: dt.timedelta
    backoff_cap: dt.timedelta


def outbox_policy() -> OutboxPolicy:
    """Read from settings (VIGIL_OUTBOX_*), with defaults that suit a regional secretariat."""
    return OutboxPolicy(
        lease=dt.timedelta(seconds=int(getattr(settings, "VIGIL_OUTBOX_LEASE_SECONDS", 120))),
        max_attempts=int(getattr(settings, "VIGIL_OUTBOX_MAX_ATTEMPTS", 8)),
        backoff_base=dt.timedelta(
            seconds=int(getattr(settings, "VIGIL_OUTBOX_BACKOFF_SECONDS", 60))
        ),
        backoff_cap=dt.timedelta(
            seconds=int(getattr(settings, "VIGIL_OUTBOX_BACKOFF_CAP_SECONDS", 6 * 3600))
        ),
    )


def backoff_delay(attempt: int, *, policy: OutboxPolicy) -> dt.timedelta:
    """Wait before attempt `attempt + 1`: base × 2^(attempt − 1), at most the cap.

    With the defaults: 1, 2, 4, 8, 16, 32, 64 minutes; eight attempts span about two hours.
    """
    doubled = policy.backoff_base * (2 ** max(attempt - 1, 0))
    return min(doubled, policy.backoff_cap)


# --- claiming ---------------------------------------------------------------------------


def _due(now: dt.datetime) -> Q:
    return Q(status=MessageStatus.PENDING, next_attempt_at__lte=now)


def has_due_messages(*, now: dt.datetime | None = None) -> bool:
    return OutboxMessage.objects.filter(_due(now or timezone.now())).exists()


def claim(
    *, message_id: int, worker_id: str, policy: OutboxPolicy, now: dt.datetime | None = None
) -> OutboxMessage | None:
    """Take one pending, due message for `worker_id` under a lease, or None if another worker
    took it first (the UPDATE's row count decides). A claim counts as an attempt, so a message
    that keeps killing workers ends up `failed` instead of looping forever."""
    now = now or timezone.now()
    taken = OutboxMessage.objects.filter(_due(now), pk=message_id).update(
        status=MessageStatus.SENDING,
        claimed_by=worker_id,
        lease_until=now + policy.lease,
        attempts=F("attempts") + 1,
        handed_over_at=None,
        updated_at=now,
    )
    if taken != 1:
        return None
    return OutboxMessage.objects.get(pk=message_id)


def claim_next(
    *, worker_id: str, policy: OutboxPolicy, now: dt.datetime | None = None
) -> OutboxMessage | None:
    """The most urgent due message, claimed for `worker_id`; None when nothing is due."""
    for _ in range(10):  # lost races only; each loss means another worker made progress
        current = now or timezone.now()
        with transaction.atomic():
            candidate = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(_due(current))
                .order_by("priority", "next_attempt_at", "pk")
                .values_list("pk", flat=True)
                .first()
            )
            if candidate is None:
                return None
            message = claim(message_id=candidate, worker_id=worker_id, policy=policy, now=current)
        if message is not None:
            return message
    return None


def _held(message: OutboxMessage) -> Q:
    """The row as this worker claimed it: any write conditioned on it is a compare-and-set."""
    return Q(
        pk=message.pk,
        status=MessageStatus.SENDING,
        claimed_by=message.claimed_by,
        attempts=message.attempts,
    )


def mark_handed_over(message: OutboxMessage, *, now: dt.datetime | None = None) -> bool:
    """Commit, before the end of DATA, that this attempt is about to hand the message over.
    False if the claim is no longer ours or its lease ran out: then the caller must not end
    DATA (another worker may be sending the message)."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(_held(message), lease_until__gt=now).update(
            handed_over_at=now, updated_at=now
        )
    if updated == 1:
        message.handed_over_at = now
    return updated == 1


# --- recording outcomes -----------------------------------------------------------------


def record_sent(message: OutboxMessage, *, code: int, reply: str) -> None:
    """The server accepted the message: mark it sent. Called straight after the reply is read,
    with nothing in between, because this commit closes the uncertain window."""
    now = timezone.now()
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(_held(message)).update(
            status=MessageStatus.SENT,
            sent_at=now,
            lease_until=None,
            last_error="",
            updated_at=now,
        )
        if not updated:
            # Our lease was taken over. If nobody has claimed it again yet, it is sent: say so
            # now and spare the recipient a duplicate. If someone has, they will send it again
            # (with the same Message-ID) and their handover will be flagged.
            updated = OutboxMessage.objects.filter(
                pk=message.pk, status=MessageStatus.PENDING
            ).update(
                status=MessageStatus.SENT,
                sent_at=now,
                lease_until=None,
                claimed_by=message.claimed_by,
                updated_at=now,
            )
            logger.warning("outbox #%s: sent after its lease was taken over", message.pk)
        DeliveryAttempt.objects.create(
            message_id=message.pk,
            number=message.attempts,
            worker=message.claimed_by,
            outcome=AttemptOutcome.SENT,
            smtp_code=code,
            detail=reply[:1000],
            handed_over=True,
            at=now,
        )
    message.status = MessageStatus.SENT
    message.sent_at = now


def record_failure(
    message: OutboxMessage,
    *,
    detail: str,
    policy: OutboxPolicy,
    permanent: bool = False,
    smtp_code: int | None = None,
    uncertain: bool = False,
) -> str:
    """A failed attempt: back off and retry, or give up after the last attempt or on a permanent
    refusal. `uncertain` says the server may have accepted it anyway (the connection broke
    after the end of DATA). Returns the new status."""
    now = timezone.now()
    gave_up = permanent or message.attempts >= policy.max_attempts
    status = MessageStatus.FAILED if gave_up else MessageStatus.PENDING
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(_held(message)).update(
            status=status,
            next_attempt_at=now + backoff_delay(message.attempts, policy=policy),
            lease_until=None,
            claimed_by="",
            handed_over_at=None,
            last_error=detail[:2000],
            updated_at=now,
            **({"possibly_duplicated": True} if uncertain else {}),
        )
        if updated:
            DeliveryAttempt.objects.create(
                message_id=message.pk,
                number=message.attempts,
                worker=message.claimed_by,
                outcome=AttemptOutcome.FAILED if gave_up else AttemptOutcome.RETRY,
                smtp_code=smtp_code,
                detail=detail[:2000],
                handed_over=message.handed_over_at is not None,
                at=now,
            )
    if not updated:
        logger.warning("outbox #%s: failure not recorded, lease taken over", message.pk)
        return MessageStatus.SENDING
    message.status = status
    return status


def record_cancelled(message: OutboxMessage, *, reason: str) -> None:
    """Not sent, on purpose: the recipient may no longer see what the message is about."""
    now = timezone.now()
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(_held(message)).update(
            status=MessageStatus.CANCELLED, lease_until=None, last_error=reason, updated_at=now
        )
        if updated:
            DeliveryAttempt.objects.create(
                message_id=message.pk,
                number=message.attempts,
                worker=message.claimed_by,
                outcome=AttemptOutcome.CANCELLED,
                detail=reason,
                at=now,
            )
    message.status = MessageStatus.CANCELLED


def recover_abandoned(
    *, policy: OutboxPolicy, now: dt.datetime | None = None, worker_id: str | None = None
) -> int:
    """Put back messages whose worker stopped mid-send: every lease that has expired, and, when
    `worker_id` is given (a worker restarting under its fixed id), that worker's own claims at
    once. A message whose end of DATA had been sent is flagged `possibly_duplicated`: it will
    go again with the same Message-ID. Returns how many were put back."""
    now = now or timezone.now()
    stale = Q(status=MessageStatus.SENDING) & (
        Q(lease_until__lt=now) | (Q(claimed_by=worker_id) if worker_id else Q(pk__in=[]))
    )
    recovered = 0
    for message in OutboxMessage.objects.filter(stale).order_by("pk"):
        handed_over = message.handed_over_at is not None
        gave_up = message.attempts >= policy.max_attempts
        detail = (
            "The worker stopped after handing the message over; delivery is uncertain."
            if handed_over
            else "The worker stopped before handing the message over; nothing was delivered."
        )
        with transaction.atomic():
            updated = OutboxMessage.objects.filter(
                _held(message), lease_until=message.lease_until
            ).update(
                status=MessageStatus.FAILED if gave_up else MessageStatus.PENDING,
                next_attempt_at=now,
                lease_until=None,
                claimed_by="",
                handed_over_at=None,
                last_error=detail,
                updated_at=now,
                **({"possibly_duplicated": True} if handed_over else {}),
            )
            if updated:
                DeliveryAttempt.objects.create(
                    message_id=message.pk,
                    number=message.attempts,
                    worker=message.claimed_by,
                    outcome=AttemptOutcome.INTERRUPTED,
                    detail=detail,
                    handed_over=handed_over,
                    at=now,
                )
        recovered += updated
    if recovered:
        logger.warning("outbox: recovered %d message(s) from stopped workers", recovered)
    return recovered


# --- sending ----------------------------------------------------------------------------


def reason_not_to_send(message: OutboxMessage) -> str:
    """Why a claimed message must not go out any more ('' if it may): the recipient left, or
    may no longer see what it is about, or its body was written for a mark it no longer has."""
    user = message.recipient
    if user is None or not user.is_active:
        return "The recipient's account is closed."
    about = message.about if message.content_type_id else None
    if about is None:
        return "" if message.content_type_id is None else "What it was about no longer exists."
    if hasattr(about, "tlp"):
        if not visible(type(about).objects.filter(pk=about.pk), user).exists():
            return "The recipient may no longer see what it is about."
        if message.tlp in BODY_SAFE_TLP and about.tlp not in BODY_SAFE_TLP:
            return f"It was re-marked TLP:{about.tlp} after the message was written."
    return ""


def deliver(message: OutboxMessage, connection: smtplib.SMTP, *, policy: OutboxPolicy) -> str:
    """Send one claimed message over an open connection and record what happened. Returns the
    new status. Nothing runs between the server's reply and `record_sent`."""
    reason = reason_not_to_send(message)
    if reason:
        record_cancelled(message, reason=reason)
        return MessageStatus.CANCELLED
    email = mail.build_email(message)
    try:
        accepted = mail.hand_over(
            connection, email, before_end_of_data=lambda: mark_handed_over(message)
        )
    except mail.HandoverRefused:
        logger.warning("outbox #%s: lease lost before the end of DATA; abandoned", message.pk)
        return MessageStatus.SENDING
    except smtplib.SMTPRecipientsRefused as refusal:
        code, reply = next(iter(refusal.recipients.values()))
        return _refused(message, code, reply, policy=policy)
    except smtplib.SMTPResponseException as refusal:
        return _refused(message, refusal.smtp_code, refusal.smtp_error, policy=policy)
    except (OSError, smtplib.SMTPException) as error:
        # A broken connection. After the end of DATA the server may have accepted it.
        uncertain = message.handed_over_at is not None
        return record_failure(
            message, detail=f"{type(error).__name__}: {error}", policy=policy, uncertain=uncertain
        )
    record_sent(message, code=accepted.code, reply=accepted.reply)
    return MessageStatus.SENT


def _refused(message: OutboxMessage, code: int, reply: bytes | str, *, policy: OutboxPolicy) -> str:
    """The server answered no: 4xx is temporary (retry later), 5xx permanent (give up now; a
    retry of '550 no such user' only annoys the server's operator)."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return record_failure(
        message,
        detail=f"{code} {text}",
        policy=policy,
        permanent=500 <= code < 600,
        smtp_code=code,
    )


def default_worker_id() -> str:
    import os

    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class WorkerRun:
    """What one run of the worker did, for the command's summary line."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    recovered: int = 0

    def count(self, status: str) -> None:
        if status == MessageStatus.SENT:
            self.sent += 1
        elif status == MessageStatus.PENDING:
            self.retried += 1
        elif status == MessageStatus.FAILED:
            self.failed += 1
        elif status == MessageStatus.CANCELLED:
            self.cancelled += 1

    @property
    def processed(self) -> int:
        return self.sent + self.retried + self.failed + self.cancelled


def send_batch(
    *,
    worker_id: str,
    batch: int,
    policy: OutboxPolicy,
    should_stop: Callable[[], bool] = lambda: False,
    run: WorkerRun | None = None,
) -> WorkerRun:
    """Send up to `batch` due messages over one SMTP connection. The connection is opened
    before any claim, so an unreachable server costs no message an attempt."""
    run = run or WorkerRun()
    run.recovered += recover_abandoned(policy=policy)
    if not has_due_messages():
        return run
    backend = mail.open_connection()
    try:
        done = 0
        while done < batch and not should_stop():
            if backend.connection is None:
                backend.open()
            message = claim_next(worker_id=worker_id, policy=policy)
            if message is None:
                break
            status = deliver(message, backend.connection, policy=policy)
            run.count(status)
            done += 1
            if status not in (MessageStatus.SENT, MessageStatus.CANCELLED):
                # The connection's state is unknown after a failure: start the next afresh.
                _close_quietly(backend)
    finally:
        _close_quietly(backend)
    return run


def _close_quietly(backend: mail.EmailBackend) -> None:
    try:
        backend.close()
    except Exception:  # closing a broken connection may fail in any way
        backend.connection = None


def run_worker(
    *,
    worker_id: str,
    batch: int = 50,
    once: bool = False,
    poll_seconds: float = 5.0,
    stop: threading.Event | None = None,
    policy: OutboxPolicy | None = None,
    recover_own_claims: bool = False,
) -> WorkerRun:
    """Send until stopped (or, with `once`, until nothing is due). `stop` is checked between
    messages, so a SIGTERM lets the message in hand finish. With `recover_own_claims`, claims
    left by an earlier process with the same worker id are taken back at once instead of
    waiting for their lease (only safe when worker ids are unique among live workers)."""
    stop = stop or threading.Event()
    policy = policy or outbox_policy()
    run = WorkerRun()
    if recover_own_claims:
        run.recovered += recover_abandoned(policy=policy, worker_id=worker_id)
    while not stop.is_set():
        before = run.processed
        try:
            send_batch(
                worker_id=worker_id,
                batch=batch,
                policy=policy,
                should_stop=stop.is_set,
                run=run,
            )
        except (OSError, smtplib.SMTPException) as error:
            # The server is unreachable: no message was claimed; wait and try again.
            logger.warning("outbox: mail server unavailable: %s", error)
            if once:
                raise
            stop.wait(poll_seconds)
            continue
        if run.processed == before:
            if once:
                break
            stop.wait(poll_seconds)
    return run
