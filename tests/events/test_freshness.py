"""Freshness, visible: `vigil sync` on the command line, `/sources/` and `/api/v1/sources`,
the admins told once when a source goes stale, and products built meanwhile saying so."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.events.conftest import make_feed
from tests.events.sources_server import SourceServer, ged_api_rows
from vigil.dissemination.models import OutboxMessage
from vigil.events.models import SourceFeed
from vigil.events.services.feeds import ensure_feeds
from vigil.events.services.freshness import check_freshness
from vigil.reports import services as products

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale_feed(source_server: SourceServer, credentials: None) -> Any:
    feed = make_feed(source_server, "ucdp", "ucdp", "ucdp", options={"ged": "24.1"},
                     stale_after_hours=48)  # fmt: skip
    SourceFeed.objects.filter(pk=feed.pk).update(
        last_success_at=timezone.now() - dt.timedelta(days=3)
    )
    feed.refresh_from_db()
    return feed


def test_vigil_sync_prints_what_each_run_did(
    reference_geography: None, credentials: None, source_server: SourceServer, shared_data: Any
) -> None:
    rows = ged_api_rows(shared_data / "ucdp_ged/ged241_myanmar_1989-2023.csv.gz", years={2023})
    source_server.ucdp["24.1"] = rows[:25]
    make_feed(source_server, "ucdp-test", "ucdp", "ucdp", options={"ged": "24.1"})
    out = io.StringIO()

    call_command("sync", "ucdp-test", stdout=out)

    assert "ucdp-test: succeeded, 1 pages, 25 rows read, 25 new" in out.getvalue()
    listing = io.StringIO()
    call_command("sync", "--list", stdout=listing)
    assert "ucdp-test: fresh; last success" in listing.getvalue()
    # The settings block's sources are there too, disabled: not configured.
    assert "acled: not configured" in listing.getvalue()
    with pytest.raises(CommandError, match="no feed 'nope'"):
        call_command("sync", "nope")


def test_a_failed_sync_fails_the_command_and_keeps_the_error(
    reference_geography: None, source_server: SourceServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UCDP_API_TOKEN", raising=False)
    make_feed(source_server, "ucdp-test", "ucdp", "ucdp", options={"ged": "24.1"})
    out = io.StringIO()
    with pytest.raises(CommandError, match="a sync failed"):
        call_command("sync", "ucdp-test", stdout=out)
    assert "environment variable UCDP_API_TOKEN (token) is not set" in out.getvalue()


def test_the_sources_page_shows_feeds_and_file_imports(
    reference_geography: None, personas: Any, stale_feed: Any
) -> None:
    ensure_feeds()
    assert Client().get("/sources/").status_code == 302  # signed-in readers only
    client = Client()
    client.force_login(personas.analyst)

    body = client.get("/sources/").content.decode()

    assert 'data-key="ucdp"' in body
    assert "stale" in body
    assert "not configured" in body  # acled, gdelt: seeded disabled
    answer = client.get("/api/v1/sources").json()
    states = {row["key"]: row["state"] for row in answer}
    assert states["ucdp"] == "stale"
    assert states["acled"] == "not_configured"
    assert all(row["last_error"] == "" for row in answer)  # errors are for admins


def test_a_stale_source_tells_the_admins_once(
    reference_geography: None, personas: Any, stale_feed: Any
) -> None:
    personas.admin.email = "admin@example.org"
    personas.admin.save()

    assert check_freshness() == ["ucdp"]
    assert check_freshness() == []  # once per stale spell

    notice = OutboxMessage.objects.get(kind="source_stale")
    assert notice.recipient == personas.admin
    assert "Source ucdp is stale" in notice.subject
    assert "/sources/" in notice.body_text


def test_a_product_built_while_a_source_is_stale_says_so_at_the_top(
    reference_geography: None, personas: Any, stale_feed: Any
) -> None:
    product = products.generate_situation_report(
        country="NGA", date=dt.date(2024, 3, 14), owner=personas.ecowas
    ).product
    stale = [w for w in product.content["warnings"] if w.startswith("Source ucdp is stale")]
    assert len(stale) == 1
    assert "last successful sync" in stale[0]


# The worker closes its database connection when it stops: not inside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_due_feeds_are_enqueued_and_the_worker_syncs_them(
    reference_geography: None, credentials: None, source_server: SourceServer, shared_data: Any
) -> None:
    rows = ged_api_rows(shared_data / "ucdp_ged/ged241_myanmar_1989-2023.csv.gz", years={2023})
    source_server.ucdp["24.1"] = rows[:30]
    due = make_feed(source_server, "due", "ucdp", "ucdp", options={"ged": "24.1"})
    fresh = make_feed(source_server, "not-due", "ucdp", "ucdp", options={"ged": "24.1"})
    SourceFeed.objects.filter(pk=fresh.pk).update(last_attempt_at=timezone.now())
    out = io.StringIO()

    call_command("sync", "--due", stdout=out)

    assert "enqueued due: task" in out.getvalue()
    assert "enqueued not-due" not in out.getvalue()
    assert source_server.paths("/ucdp/") == []  # enqueued, not yet run
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    due.refresh_from_db()
    assert due.last_success_at is not None
    assert due.runs.get().rows_new == 30
