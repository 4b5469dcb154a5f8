"""Vocabularies of dissemination: what people subscribe to and where each message stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a message is about. Product values match `reports.choices.ProductKind`."""

    DAILY_SYNOPSIS = "daily_synopsis", _("Daily regional synopsis")
    SITUATION_REPORT = "situation_report", _("Country situation report")
    POLICY_BRIEF = "policy_brief", _("Policy brief")
    ALERT = "alert", _("Alert")
    # Internal notices to the platform admins (never to subscribers).
    SOURCE_STALE = "source_stale", _("A data source is stale")


class Severity(models.TextChoices):
    """CAP 1.2 severities (the values `alerts.choices.Severity` uses), least to most severe."""

    UNKNOWN = "Unknown", _("Unknown")
    MINOR = "Minor", _("Minor")
    MODERATE = "Moderate", _("Moderate")
    SEVERE = "Severe", _("Severe")
    EXTREME = "Extreme", _("Extreme")


# Rank used to compare a message's severity with a subscription's minimum.
SEVERITY_RANK = {value: rank for rank, value in enumerate(Severity.values)}


class Language(models.TextChoices):
    """Languages messages are written in; English is the fallback."""

    EN = "en", _("English")
    FR = "fr", _("French")
    PT = "pt", _("Portuguese")
    AR = "ar", _("Arabic")


class MessageStatus(models.TextChoices):
    """Where an outbox message stands. Only `sending` is held by a worker (under a lease)."""

    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class AttemptOutcome(models.TextChoices):
    """How one delivery attempt ended."""

    SENT = "sent", _("Accepted by the mail server")
    RETRY = "retry", _("Temporary failure, will retry")
    FAILED = "failed", _("Gave up")
    INTERRUPTED = "interrupted", _("Worker stopped before recording the result")
    CANCELLED = "cancelled", _("Cancelled before sending")


# Messages about these kinds go before products when several are due.
# What a person may subscribe to: products and alerts, not the admins' internal notices.
SUBSCRIBABLE = [(k.value, k.label) for k in Kind if k != Kind.SOURCE_STALE]

PRIORITY = {Kind.ALERT: 0}
DEFAULT_PRIORITY = 5
