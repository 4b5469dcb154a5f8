"""A sync SIGKILLed in the middle of writing a page, on PostgreSQL, resumes to exactly the
store an uninterrupted run makes.

`vigil sync` runs in its own process against the loopback UCDP server (real GED rows of
Myanmar, 2020-2023: several pages). The test watches PostgreSQL's pg_stat_activity and kills
the process while it holds a page's transaction open, after at least one page committed.
The rerun resumes from the stored cursor; then the store is rebuilt by one uninterrupted run
and the two are compared row by row.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.events.conftest import make_feed
from tests.events.sources_server import UCDP_TOKEN, SourceServer, ged_api_rows
from tests.processes import database_url
from vigil.events.choices import Source, SyncStatus
from vigil.events.models import Event, ImportRun, SourceCoverage, SourceFeed, SyncRun
from vigil.events.services.sync import sync_feed

APP_NAME = "vigil-sync-kill-test"


def _store() -> set[tuple[Any, ...]]:
    return set(
        Event.objects.filter(source=Source.UCDP_GED).values_list(
            "source_id", "content_hash", "date_start", "fatalities_best", "admin1_id", "standing"
        )
    )


def _in_a_page_transaction() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
            "AND xact_start IS NOT NULL AND state <> 'idle'",
            [APP_NAME],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_sync_killed_mid_page_resumes_to_the_same_store(
    reference_geography: None, source_server: SourceServer, shared_data: Path, tmp_path: Path,
    credentials: None,
) -> None:  # fmt: skip
    if connection.vendor != "postgresql":
        pytest.skip("runs against a PostgreSQL server (make test-pg); SQLite's test database "
                    "is in memory and cannot be shared with a second process")  # fmt: skip
    rows = ged_api_rows(
        shared_data / "ucdp_ged/ged241_myanmar_1989-2023.csv.gz", years={2020, 2021, 2022, 2023}
    )
    assert len(rows) > 4000
    source_server.ucdp["24.1"] = rows
    feed = make_feed(source_server, "ucdp-kill", "ucdp", "ucdp", options={"ged": "24.1"},
                     countries=["MMR"])  # fmt: skip
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "PGAPPNAME": APP_NAME,
        "UCDP_API_TOKEN": UCDP_TOKEN,
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / "sync.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("vigil")), "sync", "ucdp-kill"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        killed = False
        while time.monotonic() < deadline and process.poll() is None:
            committed = SyncRun.objects.filter(feed=feed).values_list("pages", flat=True).first()
            if committed and committed >= 1 and _in_a_page_transaction():
                process.send_signal(signal.SIGKILL)
                killed = True
                break
            time.sleep(0.005)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert killed, (tmp_path / "sync.log").read_text()
    assert process.returncode == -signal.SIGKILL

    feed.refresh_from_db()
    interrupted = SyncRun.objects.get(feed=feed)
    assert 1 <= interrupted.pages < -(-len(rows) // 1000)
    assert Event.objects.filter(source=Source.UCDP_GED).count() == interrupted.pages * 1000
    assert feed.cursor["page"] == interrupted.pages  # the committed cursor: the next page

    resumed = sync_feed(feed)
    assert resumed.status == SyncStatus.SUCCEEDED, resumed.error
    interrupted.refresh_from_db()
    assert interrupted.status == SyncStatus.FAILED
    assert "interrupted" in interrupted.error
    after_kill = _store()
    assert len(after_kill) == len(rows)

    # The same source read by one uninterrupted run, from an empty store.
    Event.objects.all().delete()
    ImportRun.objects.all().delete()
    SourceCoverage.objects.all().delete()
    SourceFeed.objects.filter(pk=feed.pk).update(cursor={})
    feed.refresh_from_db()
    clean = sync_feed(feed)
    assert clean.status == SyncStatus.SUCCEEDED
    assert _store() == after_kill
