"""ODK Central and KoboToolbox pulled on a schedule against a real HTTP server on loopback:
submissions of Vigil's incident form built from real GED rows of Nigeria, filed as field
reports through the same importer as an uploaded export (idempotent by instance id)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.events.conftest import make_feed
from tests.events.sources_server import (
    KOBO_TOKEN,
    ODK_USER,
    SourceServer,
    odk_submissions_from_ged,
)
from vigil.events.choices import SyncStatus
from vigil.events.connectors import Http
from vigil.events.models import SyncRejection
from vigil.events.services.sync import sync_feed
from vigil.fieldreports.choices import Channel
from vigil.fieldreports.models import FieldReport
from vigil.indicators.models import Observation
from vigil.indicators.services import load_indicator_set, shipped_set_paths

pytestmark = pytest.mark.django_db

NIGERIA = "ucdp_ged/hdx_ucdp_ged_conflict_data_nga.csv.gz"


@pytest.fixture
def odk_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODK_CENTRAL_EMAIL", ODK_USER[0])
    monkeypatch.setenv("ODK_CENTRAL_PASSWORD", ODK_USER[1])
    monkeypatch.setenv("KOBO_API_TOKEN", KOBO_TOKEN)


@pytest.fixture
def submissions(shared_data: Any) -> list[dict[str, Any]]:
    return odk_submissions_from_ged(shared_data / NIGERIA, 300)


def central_feed(server: SourceServer, personas: Any) -> Any:
    return make_feed(server, "wanep-odk", "odk", "odk", options={
        "platform": "central", "project": 1, "form": "vigil_incident",
        "monitor": personas.monitor.username, "organisation": "ecowas",
    })  # fmt: skip


def test_central_submissions_become_field_reports_once(
    reference_geography: None, personas: Any, odk_credentials: None,
    source_server: SourceServer, submissions: list,
) -> None:  # fmt: skip
    source_server.odk = submissions
    feed = central_feed(source_server, personas)

    run = sync_feed(feed, http=Http(backoff=0.01))

    assert run.status == SyncStatus.SUCCEEDED, run.error
    assert run.pages == 2  # 250 a page, following @odata.nextLink
    assert (run.rows_read, run.rows_new, run.rows_rejected) == (300, 300, 0)
    reports = FieldReport.objects.filter(channel=Channel.ODK)
    assert reports.count() == 300
    first = reports.get(odk_instance_id=submissions[0]["__id"])
    assert first.description == submissions[0]["incident"]["description"]
    assert first.fatalities == int(submissions[0]["incident"]["fatalities"])
    feed.refresh_from_db()
    assert feed.cursor == {"after": submissions[-1]["__system"]["submissionDate"]}

    # The next pull asks only for what changed since; a re-sent one is stored once.
    source_server.odk = [*submissions, {**submissions[0]}]
    again = sync_feed(feed, http=Http(backoff=0.01))
    assert (again.status, again.rows_new) == (SyncStatus.SUCCEEDED, 0)
    asked = [q for m, p, q in source_server.requests if p.endswith("/Submissions")][-1]
    assert asked["$filter"].endswith(f"gt {submissions[-1]['__system']['submissionDate']}")
    assert reports.count() == 300


def test_an_expired_central_session_is_renewed_and_a_bad_submission_kept(
    reference_geography: None, personas: Any, odk_credentials: None,
    source_server: SourceServer, submissions: list,
) -> None:  # fmt: skip
    bad = {**submissions[1], "incident": {**submissions[1]["incident"], "country": "XXX"}}
    source_server.odk = [submissions[0], bad, *submissions[2:260]]
    handle = source_server.handle
    expired: list[bool] = []

    def expire_on_second_page(method: str, path: str, query: dict, headers: Any, body: bytes):
        if path.endswith("/Submissions") and query.get("$skip") == "250" and not expired:
            expired.append(True)
            source_server.odk_sessions.clear()  # the session token expires
        return handle(method, path, query, headers, body)

    source_server.handle = expire_on_second_page  # type: ignore[method-assign]
    run = sync_feed(central_feed(source_server, personas), http=Http(backoff=0.01))

    assert run.status == SyncStatus.SUCCEEDED, run.error
    assert source_server.paths("/odk/v1/sessions") == ["/odk/v1/sessions"] * 2
    assert (run.rows_new, run.rows_rejected) == (259, 1)
    rejection = SyncRejection.objects.get(run=run)
    assert "country" in rejection.reason
    assert rejection.record["submission"]["__id"] == bad["__id"]  # kept for review


def test_kobo_submissions_are_pulled_with_a_token(
    reference_geography: None, personas: Any, odk_credentials: None,
    source_server: SourceServer, submissions: list,
) -> None:  # fmt: skip
    source_server.odk = submissions[:120]
    feed = make_feed(source_server, "kobo", "odk", "kobo", options={
        "platform": "kobo", "asset": "aBcD123", "form": "vigil_incident",
        "monitor": personas.monitor.username,
    })  # fmt: skip

    run = sync_feed(feed, http=Http(backoff=0.01))

    assert run.status == SyncStatus.SUCCEEDED, run.error
    assert run.rows_new == 120
    report = FieldReport.objects.get(odk_instance_id=submissions[5]["__id"])
    assert report.latitude == pytest.approx(
        submissions[5]["incident"]["location_gps"]["coordinates"][1]
    )


def test_observation_forms_file_observations(
    reference_geography: None, personas: Any, odk_credentials: None, source_server: SourceServer
) -> None:
    for path in shipped_set_paths():
        load_indicator_set(path=path)
    source_server.odk = [
        {
            "__id": f"uuid:obs-{week}",
            "__system": {"submissionDate": f"2026-03-{week:02d}T08:00:00.000Z", "updatedAt": None},
            "meta": {"instanceID": f"uuid:obs-{week}"},
            "indicator_set": "cewarn-conflict-peace", "country": "NGA", "admin1": "Borno",
            "period": "weekly", "period_start": f"2026-03-{week:02d}",
            "obs": {"armed-raids": 2, "markets-open": 3},
        }
        for week in (2, 9, 16)
    ]  # fmt: skip
    feed = make_feed(source_server, "wanep-obs", "odk", "odk", options={
        "platform": "central", "project": 1, "form": "cewarn_weekly", "records": "observations",
        "monitor": personas.monitor.username,
    })  # fmt: skip

    run = sync_feed(feed, http=Http(backoff=0.01))

    assert run.status == SyncStatus.SUCCEEDED, run.error
    assert run.rows_new == 3, list(SyncRejection.objects.values_list("reason", flat=True))
    assert Observation.objects.filter(admin1__name="Borno").count() == 3
    assert sync_feed(feed, http=Http(backoff=0.01)).rows_new == 0
