"""The configured live sources: seeded from `settings.VIGIL_SOURCES`, edited in the admin."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from vigil.events.models import SourceFeed

SEEDED = ("connector", "base_url", "countries", "options", "credential_env", "every_minutes",
          "stale_after_hours", "enabled")  # fmt: skip


def ensure_feeds() -> list[SourceFeed]:
    """A SourceFeed row for each configured source that has none yet. Rows that exist are
    left as the admins set them: the settings block is where a deployment starts."""
    created = []
    for key, entry in getattr(settings, "VIGIL_SOURCES", {}).items():
        defaults = {name: entry[name] for name in SEEDED if name in entry}
        feed, made = SourceFeed.objects.get_or_create(key=key, defaults=defaults)
        if made:
            created.append(feed)
    return created


def due_feeds(now: dt.datetime) -> list[SourceFeed]:
    """Enabled feeds whose interval has passed since they were last tried."""
    return [
        feed
        for feed in SourceFeed.objects.filter(enabled=True)
        if feed.last_attempt_at is None
        or now - feed.last_attempt_at >= dt.timedelta(minutes=feed.every_minutes)
    ]
