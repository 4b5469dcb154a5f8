"""`/api/v1/indicators` and `/api/v1/observations`: idempotency, 422s, access, review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.indicators.conftest import MONDAY, observe
from vigil.actors.services import issue_api_token
from vigil.indicators.models import Observation
from vigil.sharing.models import AuditEntry

pytestmark = pytest.mark.usefixtures("reference_geography", "shipped_sets")
URL = "/api/v1/observations"
OBSERVATION = {
    "indicator_set": "cewarn-conflict-peace",
    "country": "NGA",
    "period": "weekly",
    "period_start": "2026-03-02",
    "values": {"armed-raids": 3, "markets-open": 1},
    "value_notes": {"markets-open": "Kawuri market closed after the raid"},
    "notes": "Tense week along the Yobe river.",
}


def bearer(user) -> dict[str, str]:
    _, key = issue_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_indicator_sets_are_public() -> None:
    response = Client().get("/api/v1/indicators")
    assert response.status_code == 200
    sets = {s["code"]: s for s in response.json()}
    assert set(sets) == {"cewarn-conflict-peace", "election-violence"}
    markets = next(i for i in sets["cewarn-conflict-peace"]["indicators"]
                   if i["code"] == "markets-open")  # fmt: skip
    assert markets["direction"] == "mitigating"
    assert markets["scale_labels"]["4"] == "Open as normal"


def test_retry_with_the_same_idempotency_key_returns_the_first_result(personas) -> None:
    client, auth = Client(), bearer(personas.monitor)
    first = client.post(URL, OBSERVATION, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="obs-1", **auth)  # fmt: skip
    retry = client.post(URL, OBSERVATION, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="obs-1", **auth)  # fmt: skip
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    changed = client.post(URL, OBSERVATION | {"values": {"armed-raids": 4}},
                          content_type="application/json", HTTP_IDEMPOTENCY_KEY="obs-1",
                          **auth)  # fmt: skip
    assert changed.status_code == 422
    [error] = changed.json()["errors"]
    assert error["field"] == "Idempotency-Key"
    assert "values" in error["reason"]
    body = first.json()
    assert body["values"] == [
        {"indicator": "armed-raids", "value": 3, "notes": ""},
        {"indicator": "markets-open", "value": 1, "notes": "Kawuri market closed after the raid"},
    ]
    assert (body["tlp"], body["owner_org"], body["channel"]) == ("AMBER", "ecowas", "api")
    assert Observation.objects.count() == 1


def test_a_value_off_the_scale_gets_422_naming_the_indicator(personas) -> None:
    off_scale = OBSERVATION | {"values": {"armed-raids": 9, "markets-open": 1}}
    response = Client().post(
        URL, off_scale, content_type="application/json", **bearer(personas.monitor)
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "values.armed-raids", "reason": "Must be between 0 and 4."}
    ]
    assert Observation.objects.count() == 0


def test_a_malformed_payload_gets_422_naming_each_field(personas) -> None:
    response = Client().post(
        URL,
        OBSERVATION | {"period": "daily", "values": {"armed-raids": "many"}, "tlp": "PINK"},
        content_type="application/json",
        **bearer(personas.monitor),
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"payload.period", "payload.values.armed-raids", "payload.tlp"} <= fields


def test_anonymous_cannot_file(personas) -> None:
    response = Client().post(URL, OBSERVATION, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("persona", "status"),
    [("monitor", 200), ("analyst", 200), ("decision_maker", 200),
     ("other_org_analyst", 404), ("public", 404)],
)  # fmt: skip
def test_amber_observation_is_read_by_its_organisation_only(persona, status, personas, cewarn):
    observation = observe(personas.monitor, cewarn)
    reader = getattr(personas, persona)
    client = Client() if persona == "public" else signed_in(reader)
    response = client.get(f"{URL}/{observation.pk}")
    assert response.status_code == status
    listed = [o["id"] for o in client.get(URL).json()]
    assert (observation.pk in listed) is (status == 200)


def test_reading_an_amber_observation_is_audited(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    signed_in(personas.analyst).get(f"{URL}/{observation.pk}")
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.object_id, entry.tlp) == (personas.analyst, observation.pk, "AMBER")


def test_review_with_needs_info_and_resubmission(personas) -> None:
    created = Client().post(URL, OBSERVATION, content_type="application/json",
                            **bearer(personas.monitor)).json()  # fmt: skip
    analyst, monitor = signed_in(personas.analyst), signed_in(personas.monitor)
    decision = f"{URL}/{created['id']}/decision"

    missing_reason = analyst.post(decision, {"to": "needs_info"}, content_type="application/json")
    sent_back = analyst.post(decision, {"to": "needs_info", "reason": "Which markets?"},
                             content_type="application/json")  # fmt: skip
    amended = monitor.post(f"{URL}/{created['id']}/resubmission",
                           {"values": {"markets-open": 2}, "notes": "Dikwa market reopened."},
                           content_type="application/json")  # fmt: skip
    verified = analyst.post(decision, {"to": "verified"}, content_type="application/json")

    assert missing_reason.status_code == 422
    assert missing_reason.json()["errors"][0]["field"] == "reason"
    assert (sent_back.status_code, amended.status_code, verified.status_code) == (200, 200, 200)
    body = verified.json()
    assert body["status"] == "verified"
    assert body["notes"] == "Dikwa market reopened."
    assert [h["to_status"] for h in body["history"]] == [
        "submitted", "needs_info", "submitted", "verified"
    ]  # fmt: skip
    assert body["history"][1] | {"at": None} == {
        "from_status": "submitted", "to_status": "needs_info", "actor": "analyst",
        "reason": "Which markets?", "at": None,
    }  # fmt: skip


def test_only_reviewers_of_the_owning_organisation_decide(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    decision = {"to": "rejected", "reason": "x"}
    as_decision_maker = signed_in(personas.decision_maker).post(
        f"{URL}/{observation.pk}/decision", decision, content_type="application/json"
    )
    as_outsider = signed_in(personas.other_org_analyst).post(
        f"{URL}/{observation.pk}/decision", decision, content_type="application/json"
    )
    assert as_decision_maker.status_code == 403
    assert as_outsider.status_code == 404
    observation.refresh_from_db()
    assert observation.status == "submitted"


def test_listing_takes_a_fixed_number_of_queries(
    personas, cewarn, django_assert_max_num_queries
) -> None:
    for week in range(5):
        observe(personas.monitor, cewarn, period_start=MONDAY - dt.timedelta(weeks=week))
    client = signed_in(personas.analyst)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"indicator_set": "cewarn-conflict-peace", "country": "nga"})
    assert len(response.json()) == 5
