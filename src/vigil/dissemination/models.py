"""Subscriptions and the durable outbox that delivers products and alerts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from vigil.dissemination.choices import (
    DEFAULT_PRIORITY,
    SUBSCRIBABLE,
    AttemptOutcome,
    Kind,
    Language,
    MessageStatus,
    Severity,
)
from vigil.sharing.choices import TLP


class Subscription(models.Model):
    """A person's wish to receive one kind of product or alert (or every kind) about a region
    and/or a country, at or above a severity, in a language. Pure configuration of the person,
    so it carries no TLP mark; what is sent is still filtered by the access policy."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    region = models.ForeignKey(
        "geo.RegionalOrganisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: any region",
    )
    country = models.ForeignKey(
        "geo.Country",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: any country",
    )
    kind = models.CharField(
        max_length=20, choices=SUBSCRIBABLE, blank=True, help_text="Empty: every kind"
    )
    min_severity = models.CharField(
        max_length=10,
        choices=Severity.choices,
        default=Severity.UNKNOWN,
        help_text="Alerts below this severity are not sent; products have no severity",
    )
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["is_active", "kind"])]

    def __str__(self) -> str:
        return (
            f"{self.user_id}: {self.kind or 'all'} {self.region_id or '*'}/"
            f"{self.country_id or '*'} ≥{self.min_severity} [{self.language}]"
        )


class OutboxMessage(models.Model):
    """One email to one person, stored before it is sent so that nothing is lost.

    A worker takes it by compare-and-set on `status` (pending → sending, with a lease), sends
    it with the stable `message_id`, and records the outcome. `handed_over_at` is set, and
    committed, just before the end of the SMTP DATA: a worker that dies before that point
    certainly did not deliver; one that dies after it may have (see docs/dissemination.md).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    to_address = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    tlp = models.CharField(
        max_length=12,
        choices=TLP.choices,
        default=TLP.CLEAR,
        help_text="Mark of the object the message is about (the body never holds AMBER/RED)",
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    dedupe_key = models.CharField(max_length=255)
    message_id = models.CharField(max_length=255, help_text="RFC 5322 Message-ID, stable")
    priority = models.PositiveSmallIntegerField(default=DEFAULT_PRIORITY)

    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0, help_text="Claims so far, crashes included")
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(
        null=True, blank=True, help_text="End of DATA about to be sent in the current attempt"
    )
    possibly_duplicated = models.BooleanField(
        default=False,
        help_text="A worker stopped after handing the message over; it was sent again with "
        "the same Message-ID",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                name="outbox_unique_dedupe_key",
                violation_error_message="This message was already queued for this person.",
            ),
            models.UniqueConstraint(
                fields=["message_id"],
                name="outbox_unique_message_id",
                violation_error_message="Message-IDs are unique.",
            ),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENDING) | Q(lease_until__isnull=False),
                name="outbox_sending_has_lease",
                violation_error_message="A message being sent is held under a lease.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "priority", "next_attempt_at"]),
            models.Index(fields=["status", "lease_until"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} to {self.to_address} ({self.status})"


class DeliveryAttempt(models.Model):
    """How one attempt at sending an outbox message ended: appended, never changed."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="history")
    number = models.PositiveIntegerField()
    worker = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=12, choices=AttemptOutcome.choices)
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.TextField(blank=True)
    handed_over = models.BooleanField(
        default=False, help_text="The end of DATA had been sent when the attempt ended"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"#{self.message_id} attempt {self.number}: {self.outcome}"
