"""`/api/v1/reports`: token and session clients, idempotency, problem+json, review."""

from __future__ import annotations

import pytest
from django.test import Client

from vigil.actors.services import issue_api_token
from vigil.events.models import Event
from vigil.fieldreports.models import FieldReport

pytestmark = pytest.mark.usefixtures("reference_geography")
URL = "/api/v1/reports"
REPORT = {
    "date_start": "2026-11-20",
    "country": "NGA",
    "category": "armed_clash",
    "description": "Gunmen attacked Kawuri market at dawn.",
    "credibility": 2,
    "latitude": 11.9,
    "longitude": 13.3,
    "fatalities": 4,
}


def bearer(user) -> dict[str, str]:
    _, key = issue_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_retry_with_the_same_idempotency_key_returns_the_first_result(personas) -> None:
    client, auth = Client(), bearer(personas.monitor)
    first = client.post(URL, REPORT, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="abc-1", **auth)  # fmt: skip
    retry = client.post(URL, REPORT, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="abc-1", **auth)  # fmt: skip
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert FieldReport.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused_naming_the_field(personas) -> None:
    client, auth = Client(), bearer(personas.monitor)
    client.post(URL, REPORT, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-2",
                **auth)  # fmt: skip
    changed = client.post(URL, REPORT | {"fatalities": 9}, content_type="application/json",
                          HTTP_IDEMPOTENCY_KEY="abc-2", **auth)  # fmt: skip
    assert changed.status_code == 422
    assert changed["Content-Type"] == "application/problem+json"
    [error] = changed.json()["errors"]
    assert error["field"] == "Idempotency-Key"
    assert "abc-2" in error["reason"]
    assert "fatalities" in error["reason"]
    # Nothing was dropped silently: the first report is as sent, and no second one exists.
    assert list(FieldReport.objects.values_list("fatalities", flat=True)) == [4]


def test_anonymous_and_bad_tokens_are_refused(personas) -> None:
    client = Client()
    assert client.post(URL, REPORT, content_type="application/json").status_code == 401
    bad = client.post(URL, REPORT, content_type="application/json",
                      HTTP_AUTHORIZATION="Bearer nope")  # fmt: skip
    assert bad.status_code == 401
    assert bad["Content-Type"] == "application/problem+json"


def test_a_bad_submission_gets_422_naming_each_field(personas) -> None:
    response = Client().post(
        URL,
        REPORT | {"credibility": 9, "category": "picnic", "latitude": 123},
        content_type="application/json",
        **bearer(personas.monitor),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"payload.credibility", "payload.category", "payload.latitude"} <= fields
    assert FieldReport.objects.count() == 0


def test_domain_errors_are_422_too(personas) -> None:
    auth = bearer(personas.monitor)
    response = Client().post(
        URL, REPORT | {"date_start": "2099-01-01"}, content_type="application/json", **auth
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "date_start", "reason": "The incident cannot be in the future."}
    ]


def test_analyst_verifies_and_the_event_appears_for_the_organisation_only(personas) -> None:
    created = Client().post(URL, REPORT | {"tlp": "AMBER"}, content_type="application/json",
                            **bearer(personas.monitor)).json()  # fmt: skip
    analyst = Client()
    analyst.force_login(personas.analyst)
    decided = analyst.post(
        f"{URL}/{created['id']}/decision",
        {"to": "verified", "reliability": "B"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    body = decided.json()
    assert body["status"] == "verified"
    assert [h["to_status"] for h in body["history"]] == ["submitted", "verified"]
    event = Event.objects.get(pk=body["event"])
    assert analyst.get(f"/api/v1/events/{event.pk}").status_code == 200
    outsider = Client()
    outsider.force_login(personas.other_org_analyst)
    assert outsider.get(f"/api/v1/events/{event.pk}").status_code == 404
    assert outsider.get(f"{URL}/{created['id']}").status_code == 404
    assert Client().get(f"/api/v1/events/{event.pk}").status_code == 404


def test_only_reviewers_decide(personas) -> None:
    created = Client().post(URL, REPORT | {"tlp": "GREEN"}, content_type="application/json",
                            **bearer(personas.monitor)).json()  # fmt: skip
    outsider = Client()
    outsider.force_login(personas.other_org_analyst)
    response = outsider.post(f"{URL}/{created['id']}/decision", {"to": "rejected", "reason": "x"},
                             content_type="application/json")  # fmt: skip
    assert response.status_code == 403
