"""The Atom feed of alerts in force per region, filtered by the access policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from tests.alerts.conftest import MARKS, POLICY, alert_input, issued
from vigil.actors.services import issue_api_token
from vigil.alerts import services
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.django_db
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def feed_titles(response) -> set[str]:
    document = etree.fromstring(response.content)
    return {e.findtext("a:title", namespaces=ATOM) for e in document.findall("a:entry", ATOM)}


def marks_in(response, alerts_by_mark) -> set[str]:
    document = etree.fromstring(response.content)
    ids = {
        link.get("href").rstrip("/").rsplit("/", 1)[-1]
        for link in document.findall("a:entry/a:link[@rel='alternate']", ATOM)
        if not link.get("type")
    }
    return {mark for mark, pk in alerts_by_mark.items() if str(pk) in ids}


def test_public_feed_carries_clear_alerts_only(world, alerts_by_mark):
    response = Client().get("/alerts/feed/ECOWAS.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert marks_in(response, alerts_by_mark) == {TLP.CLEAR}
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("persona", sorted(POLICY))
def test_the_public_feed_is_clear_only_even_when_signed_in(world, alerts_by_mark, persona):
    client = Client()
    if persona != "public":
        client.force_login(getattr(world, persona))

    response = client.get("/alerts/feed/ECOWAS.atom")

    assert marks_in(response, alerts_by_mark) == {TLP.CLEAR}


@pytest.mark.parametrize("persona", sorted(p for p in POLICY if p != "public"))
def test_a_private_feed_carries_what_its_reader_may_see(world, alerts_by_mark, persona):
    _, key = services.issue_feed_token(user=getattr(world, persona))

    response = Client().get(f"/alerts/feed/ECOWAS/{key}.atom")  # no session: the key

    assert marks_in(response, alerts_by_mark) == POLICY[persona]
    assert response["Cache-Control"] == "private, no-store"
    # The key is in the feed's own address (rel="self", which readers refresh from) and
    # nowhere else: not in the feed's id, which aggregators publish, nor in any entry.
    document = etree.fromstring(response.content)
    assert key not in document.findtext("a:id", namespaces=ATOM)
    assert all(key not in etree.tostring(e).decode() for e in document.findall("a:entry", ATOM))


def test_a_private_feed_shows_restricted_alerts_by_mark_and_number_only(world, alerts_by_mark):
    reader = world.analyst
    _, key = services.issue_feed_token(user=reader)
    document = etree.fromstring(Client().get(f"/alerts/feed/ECOWAS/{key}.atom").content)
    for entry in document.findall("a:entry", ATOM):
        title = entry.findtext("a:title", namespaces=ATOM)
        mark = entry.find("a:category[@label='tlp']", ATOM).get("term")
        if mark in ("TLP:CLEAR", "TLP:GREEN"):
            continue
        assert title.startswith(f"{mark} alert #")
        assert not (entry.findtext("a:summary", namespaces=ATOM) or "").strip()
    assert {m for m in POLICY["analyst"]} - {TLP.CLEAR, TLP.GREEN}  # the test saw some


def test_a_revoked_or_renewed_key_stops_working(world, alerts_by_mark):
    _, first = services.issue_feed_token(user=world.analyst)
    _, second = services.issue_feed_token(user=world.analyst)
    assert Client().get(f"/alerts/feed/ECOWAS/{first}.atom").status_code == 404
    assert Client().get(f"/alerts/feed/ECOWAS/{second}.atom").status_code == 200
    services.revoke_feed_tokens(user=world.analyst)
    assert Client().get(f"/alerts/feed/ECOWAS/{second}.atom").status_code == 404


def test_an_api_token_does_not_open_the_feeds(world, alerts_by_mark):
    _, key = issue_api_token(user=world.other_org_analyst, name="hub")
    response = Client().get("/alerts/feed/ECOWAS.atom", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert marks_in(response, alerts_by_mark) == {TLP.CLEAR}


def test_a_reader_makes_and_revokes_private_feeds_on_their_page(world):
    client = Client()
    client.force_login(world.analyst)
    made = client.post("/alerts/feeds/", {"issue": "1"}).content.decode()
    assert "/alerts/feed/ECOWAS/" in made
    assert "A private feed key starting" in client.get("/alerts/feeds/").content.decode()
    client.post("/alerts/feeds/", {"revoke": "1"})
    assert "You have no private feed yet." in client.get("/alerts/feeds/").content.decode()


def test_entries_link_to_the_page_and_the_cap_message(world):
    alert = issued(world, tlp=TLP.CLEAR)
    document = etree.fromstring(Client().get("/alerts/feed/ECOWAS.atom").content)
    entry = document.find("a:entry", ATOM)
    links = {(link.get("type"), link.get("href")) for link in entry.findall("a:link", ATOM)}
    assert (None, f"http://testserver/alerts/{alert.pk}/") in links
    assert ("application/cap+xml", f"http://testserver/alerts/{alert.pk}.cap.xml") in links
    assert entry.findtext("a:title", namespaces=ATOM) == "Clashes spread in Borno"
    assert entry.findtext("a:id", namespaces=ATOM) == f"urn:cap:{alert.sender}:{alert.identifier}"


def test_only_alerts_in_force_of_the_region_are_listed(world):
    live = issued(world, event="live")
    updated = services.update_alert(
        alert=issued(world, event="updated"), actor=world.analyst, note="more"
    )
    services.raise_alert(actor=world.analyst, data=alert_input(event="draft"))
    services.cancel_alert(alert=issued(world, event="cancelled"), actor=world.analyst, note="x")
    gone = issued(world, event="expired")
    type(gone).objects.filter(pk=gone.pk).update(expires=timezone.now())
    assert services.expire_due_alerts() == 1
    lapsing = issued(world, event="lapsing")
    type(lapsing).objects.filter(pk=lapsing.pk).update(
        expires=timezone.now() - dt.timedelta(seconds=1)
    )  # past its expiry, and the expiry job has not run yet
    issued(world, event="elsewhere", region_id="IGAD", country_ids=["KEN"])

    response = Client().get("/alerts/feed/ECOWAS.atom")

    document = etree.fromstring(response.content)
    ids = {e.findtext("a:id", namespaces=ATOM) for e in document.findall("a:entry", ATOM)}
    assert ids == {f"urn:cap:{a.sender}:{a.identifier}" for a in (live, updated)}


def test_unknown_region_is_404(world):
    assert Client().get("/alerts/feed/NOPE.atom").status_code == 404


@pytest.mark.parametrize("mark", MARKS)
def test_cap_download_follows_the_policy(world, alerts_by_mark, mark):
    public = Client().get(f"/alerts/{alerts_by_mark[mark]}.cap.xml")
    outsider = Client()
    outsider.force_login(world.unshared_analyst)
    seen = outsider.get(f"/alerts/{alerts_by_mark[mark]}.cap.xml")

    assert public.status_code == (200 if mark in POLICY["public"] else 404)
    assert seen.status_code == (200 if mark in POLICY["unshared_analyst"] else 404)
    if public.status_code == 200:
        assert public["Content-Type"].startswith("application/cap+xml")
        assert b"urn:oasis:names:tc:emergency:cap:1.2" in public.content
