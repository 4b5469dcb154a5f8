"""Keeping the event store current from the sources' APIs: `vigil sync`, the schedule.

Each page a connector yields is committed in one transaction with the feed's cursor, the
run's counts and the rows it refused (kept for review, never dropped), so a sync killed at
any point resumes from its last committed page and ends with the store an uninterrupted
run would have made. Rows go through the same importer and upsert as a file import;
withdrawn events (an ACLED deletion, a Candidate event a GED release replaced) are kept
and marked. The feed row is locked for the page: two syncs of one source never interleave.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from vigil.actors.services import ensure_data_publisher
from vigil.events.choices import Standing, SyncStatus
from vigil.events.connectors import CONNECTORS, Http, NotConfigured, Page, SourceUnavailable
from vigil.events.connectors.base import Declared, Supersede
from vigil.events.connectors.ucdp import version_key
from vigil.events.importers import IMPORTERS
from vigil.events.importers.reading import ImportFileError, RecordTable
from vigil.events.models import Event, SourceFeed, SyncRejection, SyncRun
from vigil.events.services.coverage import declare_coverage
from vigil.events.services.imports import import_table

log = logging.getLogger(__name__)

# Stores items that are not events (CAP messages from partner feeds), by item kind; the
# app that owns them registers its handler at start-up (alerts: "cap"), so `events` never
# imports the apps built on it. A handler raises ValueError to refuse an item.
ITEM_HANDLERS: dict[str, Callable[[dict[str, Any]], bool | str]] = {}


def register_item_handler(kind: str, handler: Callable[[dict[str, Any]], bool | str]) -> None:
    ITEM_HANDLERS[kind] = handler


def sync_feed(
    feed: SourceFeed, *, since: dt.date | None = None, http: Http | None = None
) -> SyncRun:
    """Sync one feed from its stored cursor (or from `since`, which restarts it)."""
    _close_interrupted(feed)
    connector = CONNECTORS[feed.connector](feed, http=http)
    cursor = {} if since else dict(feed.cursor or {})
    run = SyncRun.objects.create(feed=feed, status=SyncStatus.RUNNING, cursor_before=cursor)
    SourceFeed.objects.filter(pk=feed.pk).update(last_attempt_at=timezone.now())
    try:
        for page in connector.pages(cursor, since=since):
            _commit(feed, run, page)
    except Exception as exc:  # any failure ends the run, recorded, not raised
        # The pages committed so far stay; the cursor points after the last of them.
        expected = isinstance(exc, NotConfigured | SourceUnavailable | ImportFileError)
        message = f"{type(exc).__name__}: {exc}"
        if expected:
            log.warning("sync %s failed: %s", feed.key, message)
        else:
            log.exception("sync %s failed", feed.key)
        run.status = SyncStatus.FAILED
        run.error = message[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        SourceFeed.objects.filter(pk=feed.pk).update(last_error=run.error)
        return run
    finally:
        if http is None:
            connector.http.close()
    run.status = SyncStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    SourceFeed.objects.filter(pk=feed.pk).update(
        last_success_at=run.finished_at, last_error="", stale_notified_at=None
    )
    return run


def sync_all(*, since: dt.date | None = None) -> list[SyncRun]:
    """Every enabled feed, one after the other (a failing one does not stop the rest)."""
    return [sync_feed(feed, since=since) for feed in SourceFeed.objects.filter(enabled=True)]


def _close_interrupted(feed: SourceFeed) -> None:
    """A run left "running" by a killed process ended there: say so."""
    SyncRun.objects.filter(feed=feed, status=SyncStatus.RUNNING).update(
        status=SyncStatus.FAILED,
        finished_at=timezone.now(),
        error="interrupted: the process stopped before the run ended; the next run resumed "
        "from the last committed page",
    )


def _commit(feed: SourceFeed, run: SyncRun, page: Page) -> None:
    with transaction.atomic():
        locked = SourceFeed.objects.select_for_update().get(pk=feed.pk)
        if page.table is not None and len(page.table.frame):
            _import_rows(run, page)
        for kind, item in page.items:
            _store_item(run, page, kind, item)
        if page.withdrawn:
            run.rows_withdrawn += _retract(CONNECTORS[feed.connector].sources, page.withdrawn)
        for rule in page.supersede:
            run.rows_withdrawn += _supersede(rule)
        for declared in page.declared:
            _declare(declared)
        run.pages += 1
        run.rows_out_of_scope += page.skipped
        run.cursor_after = page.cursor
        run.save()
        locked.cursor = page.cursor
        locked.save(update_fields=["cursor"])
        feed.cursor = page.cursor


def _import_rows(run: SyncRun, page: Page) -> None:
    importer = IMPORTERS[page.importer_key]()
    table = page.table
    assert table is not None
    table, older = _drop_older_releases(importer.source, table, page.release)
    report = import_table(
        importer=importer,
        table=table,
        name=f"{run.feed.key} {page.label}",
        skip_invalid=True,
        only_listed=True,
        write_rejects=False,
        coverage_scope="countries",
        release=page.release,
    )
    run.rows_read += report.rows_read + older
    run.rows_new += report.new
    run.rows_changed += report.changed
    run.rows_unchanged += report.unchanged + older
    run.rows_rejected += report.rejected
    SyncRejection.objects.bulk_create(
        SyncRejection(
            run=run,
            page=page.label[:200],
            row=error.line,
            column=error.column[:100],
            reason=error.reason,
            record=table.records[error.position] if hasattr(table, "records") else {},
        )
        for error in report.errors
    )
    newest = Event.objects.filter(source=importer.source, import_run_id=report.run_id).aggregate(
        newest=Max("date_start")
    )["newest"]
    if newest and (run.newest_event is None or newest > run.newest_event):
        run.newest_event = newest


def _drop_older_releases(source: str, table: Any, release: str | None) -> tuple[Any, int]:
    """Rows of an older release than the one stored for the same event id are left out (and
    counted as unchanged): the newest release of an event wins, whatever the order of syncs."""
    records = getattr(table, "records", None)
    if not release or not records or "vigil_release" not in records[0]:
        return table, 0
    ids = [str(r.get("id", "")) for r in records]
    stored = dict(
        Event.objects.filter(source=source, source_id__in=ids).values_list(
            "source_id", "raw__vigil_release"
        )
    )
    keep = [
        r
        for r in records
        if not stored.get(str(r.get("id", "")))
        or version_key(str(stored[str(r.get("id", ""))])) <= version_key(release)
    ]
    if len(keep) == len(records):
        return table, 0
    return RecordTable.from_records(keep, list(table.frame.columns)), len(records) - len(keep)


def _store_item(run: SyncRun, page: Page, kind: str, item: dict[str, Any]) -> None:
    handler = ITEM_HANDLERS.get(kind)
    run.rows_read += 1
    if handler is None:
        raise ValueError(f"no handler is registered for {kind} items")
    try:
        # A refused item must not undo the page: its own savepoint.
        with transaction.atomic():
            outcome = handler(item)
    except ValueError as exc:
        run.rows_rejected += 1
        SyncRejection.objects.create(
            run=run, page=page.label[:200], row=run.rows_read, column="*",
            reason=str(getattr(exc, "reason", exc))[:2000],
            # What a reviewer needs to find or fix it (a CAP message by its address, an ODK
            # submission whole).
            record={"kind": kind, "where": item.get("where", ""),
                    "submission": item.get("submission")},
        )  # fmt: skip
        return
    # A handler says "new", "changed" or "unchanged" (True and False: new or unchanged).
    if outcome is True or outcome == "new":
        run.rows_new += 1
    elif outcome == "changed":
        run.rows_changed += 1
    else:
        run.rows_unchanged += 1


def _retract(sources: tuple[str, ...], ids: list[str]) -> int:
    return Event.objects.filter(
        source__in=sources, source_id__in=ids, standing=Standing.CURRENT
    ).update(standing=Standing.RETRACTED, withdrawn_at=timezone.now())


def _supersede(rule: Supersede) -> int:
    """Provisional events of the period stop counting; each is linked to the final event
    of the same id where the final release kept it (UCDP keeps Candidate ids it confirms)."""
    provisional = Event.objects.filter(
        source=rule.provisional_source, standing=Standing.CURRENT, date_start__lte=rule.last
    )
    if rule.countries != ["*"]:
        provisional = provisional.filter(country_id__in=rule.countries)
    final = Event.objects.filter(source=rule.final_source, source_id=OuterRef("source_id"))
    return provisional.update(
        standing=Standing.SUPERSEDED,
        withdrawn_at=timezone.now(),
        superseded_by=Subquery(final.values("pk")[:1]),
    )


def _declare(declared: Declared) -> None:
    owner = ensure_data_publisher(slug=IMPORTERS_BY_SOURCE.get(declared.source, "vigil"))
    declare_coverage(
        source=declared.source,
        release=declared.release,
        countries=declared.countries,
        first=declared.first,
        last=declared.last,
        owner_id=owner.pk,
    )


IMPORTERS_BY_SOURCE = {cls.source: cls.publisher for cls in IMPORTERS.values()}
