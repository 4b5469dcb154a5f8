"""Internal notices to the platform admins, through the same outbox as every message.

A stale source is one: the events app finds it (`events.services.freshness`) and calls the
handler registered here at start-up; each admin with an address gets one message per stale
spell (the dedupe key names the last success, so a source fixed and stale again tells
them again)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from vigil.dissemination.choices import Kind
from vigil.dissemination.services import _absolute, enqueue_message


def notify_stale_source(feed: Any, freshness: Any) -> int:
    """Queue the notice to every platform admin; returns how many were queued."""
    since = (
        freshness.last_success_at.strftime("%Y-%m-%d %H:%M UTC")
        if freshness.last_success_at
        else "never"
    )
    subject = f"[Vigil] Source {feed.key} is stale (last successful sync: {since})"
    lines = [
        f"The source {feed.key} ({freshness.label}) has not synced successfully within its "
        f"threshold of {freshness.stale_after_hours} hours.",
        f"Last successful sync: {since}.",
        f"Newest event it holds: {freshness.newest_event or 'none'}.",
    ]
    if freshness.missing:
        lines.append("Not configured: " + "; ".join(freshness.missing) + ".")
    if freshness.last_error:
        lines.append(f"Last error: {freshness.last_error}")
    lines.append("Products built while it is stale say so at the top.")
    link = _absolute(reverse("sources"))
    queued = 0
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
    for admin in admins.order_by("pk"):
        _message, created = enqueue_message(
            recipient=admin,
            kind=Kind.SOURCE_STALE,
            obj=feed,
            dedupe_key=f"source-stale:{feed.key}:{since}:{admin.pk}",
            subject=subject,
            body_text="\n\n".join([*lines, link]),
            link=link,
        )
        queued += created
    return queued
