"""`vigil sync` of the UCDP API against a real HTTP server on loopback, serving real GED rows
(Myanmar, GED 24.1) in the API's shape: paging, the token header, 429/500, a failure
mid-sync, Candidate months superseded by a release, an older release read after a newer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.events.conftest import make_feed
from tests.events.sources_server import CUT, UCDP_TOKEN, SourceServer, ged_api_rows
from vigil.events.choices import Source, Standing, SyncStatus
from vigil.events.connectors import Http
from vigil.events.models import Event, SourceCoverage, SyncRun
from vigil.events.selectors import events_for_audience
from vigil.events.services.sync import sync_feed

pytestmark = pytest.mark.django_db

MYANMAR = "ucdp_ged/ged241_myanmar_1989-2023.csv.gz"


@pytest.fixture
def ged_2023(shared_data: Any) -> list[dict[str, Any]]:
    return ged_api_rows(shared_data / MYANMAR, years={2023})


def fast_http() -> Http:
    """Real HTTP, short waits: the server's Retry-After (1 s) is honoured, backoff is 10 ms."""
    return Http(backoff=0.01, max_wait=1.0)


def ucdp_feed(server: SourceServer, **options: Any) -> Any:
    return make_feed(
        server, "ucdp", "ucdp", "ucdp", countries=["MMR"], options=options,
        credential_env={"token": "UCDP_API_TOKEN"},
    )  # fmt: skip


def test_a_release_is_read_page_by_page_once(
    reference_geography: None, credentials: None, source_server: SourceServer, ged_2023: list
) -> None:
    source_server.ucdp["24.1"] = ged_2023
    feed = ucdp_feed(source_server, ged="24.1")

    run = sync_feed(feed, http=fast_http())

    assert run.status == SyncStatus.SUCCEEDED, run.error
    pages = -(-len(ged_2023) // 1000)
    assert run.pages == pages
    assert (run.rows_read, run.rows_new, run.rows_rejected) == (len(ged_2023), len(ged_2023), 0)
    assert Event.objects.filter(source=Source.UCDP_GED).count() == len(ged_2023)
    # Asked for Myanmar by its Gleditsch-Ward code, a thousand rows a page.
    first = source_server.requests[0][2]
    assert (first["Country"], first["pagesize"], first["page"]) == ("775", "1000", "0")
    # The release was read in full: Myanmar is covered to the end of 2023, quiet days too.
    coverage = SourceCoverage.objects.get(source=Source.UCDP_GED, release="24.1", country="MMR")
    assert (coverage.first_date, coverage.last_date) == (dt.date(1989, 1, 1), dt.date(2023, 12, 31))
    assert run.newest_event == max(dt.date.fromisoformat(r["date_start"][:10]) for r in ged_2023)

    # Done is done: the next sync asks for nothing; a restart from a date changes nothing.
    again = sync_feed(feed, http=fast_http())
    assert (again.status, again.pages, again.rows_read) == (SyncStatus.SUCCEEDED, 0, 0)
    restarted = sync_feed(feed, since=dt.date(2023, 1, 1), http=fast_http())
    assert (restarted.rows_new, restarted.rows_changed) == (0, 0)
    assert restarted.rows_unchanged == len(ged_2023)
    assert Event.objects.filter(source=Source.UCDP_GED).count() == len(ged_2023)


def test_429_and_500_are_waited_out(
    reference_geography: None, credentials: None, source_server: SourceServer, ged_2023: list
) -> None:
    source_server.ucdp["24.1"] = ged_2023[:50]
    source_server.fail("/ucdp/", 429, 500, CUT)
    http = fast_http()

    run = sync_feed(ucdp_feed(source_server, ged="24.1"), http=http)

    assert run.status == SyncStatus.SUCCEEDED, run.error
    assert run.rows_new == 50
    assert http.waits[0] == 1.0  # the 429's Retry-After
    assert len(source_server.paths("/ucdp/")) == 4


def test_requests_are_spaced_as_the_source_asks(source_server: SourceServer) -> None:
    waited: list[float] = []
    source_server.ucdp["24.1"] = []
    http = Http(min_interval=5.0, sleep=waited.append)
    url = f"{source_server.base}/ucdp/gedevents/24.1"
    for _ in range(3):
        http.get(url, headers={"x-ucdp-access-token": UCDP_TOKEN})
    assert len(waited) == 2
    assert all(4.5 < seconds <= 5.0 for seconds in waited)


def test_without_its_token_the_sync_fails_and_says_which_variable(
    reference_geography: None, source_server: SourceServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UCDP_API_TOKEN", raising=False)
    source_server.ucdp["24.1"] = []
    feed = ucdp_feed(source_server, ged="24.1")

    run = sync_feed(feed, http=fast_http())

    assert run.status == SyncStatus.FAILED
    assert "UCDP_API_TOKEN" in run.error
    assert source_server.requests == []
    feed.refresh_from_db()
    assert feed.cursor == {}
    assert "UCDP_API_TOKEN" in feed.last_error


def test_a_failure_mid_sync_keeps_the_pages_before_it_and_the_next_run_resumes(
    reference_geography: None, credentials: None, source_server: SourceServer, ged_2023: list
) -> None:
    assert len(ged_2023) > 2000
    source_server.ucdp["24.1"] = ged_2023
    feed = ucdp_feed(source_server, ged="24.1")
    http = Http(backoff=0.01, retries=2)
    # Pages 0 and 1 answer; page 2 fails on every attempt.
    original = source_server.scripted_failure

    def fail_third_page(path: str) -> int | None:
        if path.startswith("/ucdp/") and source_server.requests[-1][2].get("page") == "2":
            return 500
        return original(path)

    source_server.scripted_failure = fail_third_page  # type: ignore[method-assign]
    failed = sync_feed(feed, http=http)

    assert failed.status == SyncStatus.FAILED
    assert "HTTP 500" in failed.error
    assert failed.pages == 2
    assert Event.objects.filter(source=Source.UCDP_GED).count() == 2000
    feed.refresh_from_db()
    assert (feed.cursor["version"], feed.cursor["page"]) == ("24.1", 2)

    source_server.scripted_failure = original  # type: ignore[method-assign]
    resumed = sync_feed(feed, http=fast_http())

    assert resumed.status == SyncStatus.SUCCEEDED
    assert source_server.requests[-resumed.pages][2]["page"] == "2"  # from where it stopped
    assert Event.objects.filter(source=Source.UCDP_GED).count() == len(ged_2023)
    assert resumed.rows_new == len(ged_2023) - 2000


def test_a_release_supersedes_the_candidate_months_it_covers(
    reference_geography: None, credentials: None, source_server: SourceServer, ged_2023: list
) -> None:
    december = [dict(r) for r in ged_2023 if r["date_start"].startswith("2023-12")]
    # The Candidate version of December 2023, as UCDP first published it: one event that the
    # final release dropped in vetting, one whose deaths it revised.
    dropped = {**december[0], "id": 99_000_001}
    revised = {**december[1], "best": december[1]["best"] + 5}
    source_server.ucdp["23.0.12"] = [dropped, revised, *december[2:]]
    source_server.ucdp["24.1"] = ged_2023
    feed = ucdp_feed(source_server, candidate=["23.0.12"])
    assert sync_feed(feed, http=fast_http()).status == SyncStatus.SUCCEEDED
    candidate_deaths = sum(r["best"] for r in [dropped, revised, *december[2:]])
    assert _december_deaths() == candidate_deaths

    # GED 24.1 arrives (configured after the Candidate month, as an operator would).
    feed.options = {"ged": "24.1", "candidate": ["23.0.12"]}
    feed.save()
    run = sync_feed(feed, http=fast_http())

    assert run.status == SyncStatus.SUCCEEDED, run.error
    candidates = Event.objects.filter(source=Source.UCDP_CANDIDATE)
    assert candidates.count() == len(december)  # kept, never deleted
    assert set(candidates.values_list("standing", flat=True)) == {Standing.SUPERSEDED}
    assert run.rows_withdrawn == len(december)
    # Linked to the GED event of the same id, where the release kept it.
    kept = candidates.get(source_id=str(december[1]["id"]))
    assert kept.superseded_by.source == Source.UCDP_GED
    assert kept.superseded_by.source_id == kept.source_id
    assert candidates.get(source_id="99000001").superseded_by is None
    # Its page says so and leads to its successor; the events list no longer shows it.
    page = Client().get(f"/events/{kept.pk}/").content.decode()
    assert "Superseded by a newer release" in page
    assert f"/events/{kept.superseded_by_id}/" in page
    listed = Client().get("/api/v1/events", {"source": "ucdp_candidate"}).json()
    assert listed["items"] == []
    # Counts stay right: December is counted once, from the release.
    assert _december_deaths() == sum(r["best"] for r in december)


def test_an_older_release_read_after_a_newer_one_does_not_overwrite_it(
    reference_geography: None, credentials: None, source_server: SourceServer, ged_2023: list
) -> None:
    newer = ged_2023[:20]
    older = [{**r, "best": r["best"] + 100} for r in newer]
    source_server.ucdp["25.1"] = newer
    source_server.ucdp["24.1"] = older
    feed = ucdp_feed(source_server, ged="25.1")
    assert sync_feed(feed, http=fast_http()).status == SyncStatus.SUCCEEDED

    feed.options = {"ged": "24.1"}
    feed.save()
    run = sync_feed(feed, http=fast_http())

    assert run.status == SyncStatus.SUCCEEDED
    assert (run.rows_changed, run.rows_unchanged) == (0, 20)
    stored = dict(Event.objects.values_list("source_id", "fatalities_best"))
    assert stored == {str(r["id"]): r["best"] for r in newer}


def _december_deaths() -> int:
    events = events_for_audience(None).filter(
        date_start__gte=dt.date(2023, 12, 1), date_start__lte=dt.date(2023, 12, 31)
    )
    return sum(events.values_list("fatalities_best", flat=True))


def test_every_run_is_recorded(
    reference_geography: None, credentials: None, source_server: SourceServer, ged_2023: list
) -> None:
    source_server.ucdp["24.1"] = ged_2023[:10]
    sync_feed(ucdp_feed(source_server, ged="24.1"), http=fast_http())
    run = SyncRun.objects.get()
    assert run.finished_at is not None
    assert run.cursor_after == {"done": ["24.1"]}
