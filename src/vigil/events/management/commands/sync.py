"""`vigil sync SOURCE [--since DATE]`, `vigil sync --all`, `vigil sync --due`, `vigil sync --list`.

SOURCE is a feed key (`vigil sync --list` shows them). `--due` enqueues, on the task
framework, every enabled feed whose interval has passed, then reports stale feeds to the
platform admins: run it every few minutes from cron or a systemd timer, beside a worker
(`vigil db_worker`). The others sync in this process and print one line per run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vigil.events.models import SourceFeed, SyncRun
from vigil.events.services.feeds import due_feeds, ensure_feeds
from vigil.events.services.freshness import all_freshness, check_freshness
from vigil.events.services.sync import sync_all, sync_feed
from vigil.events.tasks import sync_feed_task


class Command(BaseCommand):
    help = "Bring the event store up to date from the sources' APIs and feeds."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", nargs="?", help="feed key (see --list)")
        parser.add_argument("--all", action="store_true", help="every enabled feed")
        parser.add_argument("--due", action="store_true", help="enqueue the feeds that are due")
        parser.add_argument("--list", action="store_true", help="the feeds and their freshness")
        parser.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            default=None,
            help="restart from this date (ISO), ignoring the stored cursor",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_feeds()
        if options["list"]:
            for row in all_freshness():
                self.stdout.write(_line(row))
            return
        if options["due"]:
            for feed in due_feeds(timezone.now()):
                result = sync_feed_task.enqueue(feed.key, None)
                self.stdout.write(f"enqueued {feed.key}: task {result.id} ({result.status})")
            for key in check_freshness():
                self.stdout.write(f"stale: {key} (the platform admins are told)")
            return
        if options["all"]:
            runs = sync_all(since=options["since"])
        elif options["source"]:
            feed = SourceFeed.objects.filter(key=options["source"]).first()
            if feed is None:
                keys = ", ".join(SourceFeed.objects.values_list("key", flat=True))
                raise CommandError(f"no feed {options['source']!r} (feeds: {keys})")
            runs = [sync_feed(feed, since=options["since"])]
        else:
            raise CommandError("name a feed, or give --all, --due or --list")
        for run in runs:
            self.stdout.write(_summary(run))
        check_freshness()
        if any(run.status == "failed" for run in runs):
            raise CommandError("a sync failed (see above); what it committed is kept")


def _summary(run: SyncRun) -> str:
    text = (
        f"{run.feed.key}: {run.status}, {run.pages} pages, {run.rows_read} rows read, "
        f"{run.rows_new} new, {run.rows_changed} changed, {run.rows_unchanged} unchanged, "
        f"{run.rows_rejected} rejected (kept for review), {run.rows_withdrawn} withdrawn"
    )
    if run.rows_out_of_scope:
        text += f", {run.rows_out_of_scope} outside the feed's scope"
    if run.newest_event:
        text += f"; newest event {run.newest_event}"
    if run.error:
        text += f"\n  error: {run.error}"
    return text


def _line(row: Any) -> str:
    state = {"file": "file import", "not_configured": "not configured"}.get(row.state, row.state)
    newest = row.newest_event.isoformat() if row.newest_event else "no events"
    last = row.last_success_at.strftime("%Y-%m-%d %H:%M") if row.last_success_at else "never"
    extra = f" ({'; '.join(row.missing)})" if row.missing else ""
    return (
        f"{row.key}: {state}{extra}; last success {last}; newest event {newest}; "
        f"{row.events} events"
    )
