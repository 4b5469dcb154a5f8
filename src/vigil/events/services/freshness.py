"""How fresh each source is, and telling the platform admins when one goes stale.

A feed is stale when it is enabled and its last successful sync is older than its
`stale_after_hours` (or it never succeeded). The day's products say so at the top, the
sources page shows it, and the admins are told once per stale spell through the outbox
(`STALE_HANDLERS`, registered by the dissemination app, so `events` does not depend on it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from vigil.events.connectors import CONNECTORS
from vigil.events.models import Event, ImportRun, SourceFeed

STALE_HANDLERS: list[Callable[[SourceFeed, Freshness], None]] = []


def register_stale_handler(handler: Callable[[SourceFeed, Freshness], None]) -> None:
    if handler not in STALE_HANDLERS:
        STALE_HANDLERS.append(handler)


@dataclass
class Freshness:
    """One feed as the sources page and the products describe it."""

    key: str
    kind: str  # "api" or "file"
    label: str
    enabled: bool
    missing: list[str] = field(default_factory=list)  # what stops it from running
    last_success_at: dt.datetime | None = None
    last_attempt_at: dt.datetime | None = None
    newest_event: dt.date | None = None
    events: int = 0
    every_minutes: int | None = None
    stale_after_hours: int | None = None
    last_error: str = ""

    @property
    def configured(self) -> bool:
        return self.kind == "file" or (self.enabled and not self.missing)

    @property
    def lag_hours(self) -> float | None:
        if self.last_success_at is None:
            return None
        return (timezone.now() - self.last_success_at).total_seconds() / 3600

    @property
    def every(self) -> tuple[int, str] | None:
        """The schedule as (number, unit): (15, "min"), (1, "d"); None for file imports."""
        return _duration(self.every_minutes) if self.every_minutes else None

    @property
    def stale_after(self) -> tuple[int, str] | None:
        return _duration(self.stale_after_hours * 60) if self.stale_after_hours else None

    @property
    def stale(self) -> bool:
        if self.kind == "file" or not self.enabled or self.stale_after_hours is None:
            return False
        lag = self.lag_hours
        return lag is None or lag > self.stale_after_hours

    @property
    def state(self) -> str:
        """What the sources page prints: file import, not configured, stale, fresh."""
        if self.kind == "file":
            return "file"
        if not self.configured:
            return "not_configured"
        return "stale" if self.stale else "fresh"


def _duration(minutes: int) -> tuple[int, str]:
    if minutes % 1440 == 0:
        return minutes // 1440, "d"
    if minutes % 60 == 0:
        return minutes // 60, "h"
    return minutes, "min"


def feed_freshness(feed: SourceFeed) -> Freshness:
    connector = CONNECTORS[feed.connector](feed)
    # The events this feed brought in: each page's import run is named after the feed.
    events = Event.objects.filter(
        source__in=connector.sources, import_run__file_name__startswith=f"{feed.key} "
    )
    figures = events.aggregate(newest=Max("date_start"), count=Count("pk"))
    return Freshness(
        key=feed.key,
        kind="api",
        label=feed.get_connector_display(),
        enabled=feed.enabled,
        missing=connector.missing_configuration() if feed.enabled else [],
        last_success_at=feed.last_success_at,
        last_attempt_at=feed.last_attempt_at,
        newest_event=figures["newest"] if connector.sources else None,
        events=figures["count"] if connector.sources else 0,
        every_minutes=feed.every_minutes,
        stale_after_hours=feed.stale_after_hours,
        last_error=feed.last_error,
    )


def file_imports() -> list[Freshness]:
    """Sources read from files someone downloaded (`vigil import`): when, and how new."""
    from_feeds = Q()
    for key in SourceFeed.objects.values_list("key", flat=True):
        from_feeds |= Q(file_name__startswith=f"{key} ")
    file_runs = ImportRun.objects.exclude(from_feeds) if from_feeds else ImportRun.objects.all()
    out = []
    for row in file_runs.values("source").annotate(last=Max("finished_at")).order_by("source"):
        runs = file_runs.filter(source=row["source"])
        figures = Event.objects.filter(import_run__in=runs).aggregate(
            newest=Max("date_start"), count=Count("pk")
        )
        names = sorted(set(runs.values_list("file_name", flat=True)))
        out.append(
            Freshness(
                key=row["source"],
                kind="file",
                label=", ".join(names[:5]) + (f" (+{len(names) - 5})" if len(names) > 5 else ""),
                enabled=True,
                last_success_at=row["last"],
                newest_event=figures["newest"],
                events=figures["count"],
            )
        )
    return out


def all_freshness() -> list[Freshness]:
    return [feed_freshness(feed) for feed in SourceFeed.objects.all()] + file_imports()


def stale_feeds() -> list[Freshness]:
    return [f for f in (feed_freshness(feed) for feed in SourceFeed.objects.filter(enabled=True))
            if f.stale]  # fmt: skip


def check_freshness() -> list[str]:
    """Tell the handlers about each feed that went stale since it was last fresh (once per
    stale spell: a success clears the mark). Returns the keys it reported."""
    reported = []
    for feed in SourceFeed.objects.filter(enabled=True, stale_notified_at__isnull=True):
        freshness = feed_freshness(feed)
        if not freshness.stale:
            continue
        for handler in STALE_HANDLERS:
            handler(feed, freshness)
        SourceFeed.objects.filter(pk=feed.pk).update(stale_notified_at=timezone.now())
        reported.append(feed.key)
    return reported


def describe(freshness: Freshness) -> dict[str, Any]:
    """The API's view of one source."""
    return {
        "key": freshness.key,
        "kind": freshness.kind,
        "label": freshness.label,
        "state": freshness.state,
        "enabled": freshness.enabled,
        "missing": freshness.missing,
        "last_success_at": freshness.last_success_at,
        "last_attempt_at": freshness.last_attempt_at,
        "newest_event": freshness.newest_event,
        "events": freshness.events,
        "lag_hours": round(freshness.lag_hours, 1) if freshness.lag_hours is not None else None,
        "every_minutes": freshness.every_minutes,
        "stale_after_hours": freshness.stale_after_hours,
        "last_error": freshness.last_error,
    }
