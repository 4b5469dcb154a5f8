"""The live sources on Django's task framework: `vigil sync --due` enqueues, the worker
(`vigil db_worker`) syncs. A sync is resumable and idempotent, so a task run twice, or
killed and retried, leaves the store as one clean run would."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from vigil.events.models import SourceFeed
from vigil.events.services.freshness import check_freshness
from vigil.events.services.sync import sync_feed


@task()
def sync_feed_task(key: str, since: str | None = None) -> dict[str, object]:
    """Sync one feed (task arguments are JSON: `since` is an ISO date)."""
    feed = SourceFeed.objects.get(key=key)
    run = sync_feed(feed, since=dt.date.fromisoformat(since) if since else None)
    check_freshness()
    return {"run": run.pk, "status": run.status, "new": run.rows_new, "error": run.error}
