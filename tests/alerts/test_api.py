"""`/api/v1/alerts`: list/detail by policy, create, transitions, CAP export and import."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.alerts.conftest import MARKS, POLICY, issued
from vigil.alerts.models import Alert
from vigil.sharing.choices import TLP
from vigil.sharing.models import AuditEntry

pytestmark = pytest.mark.django_db
API = "/api/v1/alerts"

ALERT_JSON = {
    "event": "Escalation of violence",
    "region": "ECOWAS",
    "countries": ["NGA"],
    "tlp": "GREEN",
    "severity": "Severe",
    "infos": [
        {"language": "en", "headline": "Clashes spread in Borno", "description": "Details."},
        {"language": "ar", "headline": "اشتباكات تمتد في بورنو"},
    ],
    "areas": [
        {
            "description": "Maiduguri and surroundings",
            "circles": [{"lat": 11.85, "lon": 13.16, "radius_km": 30}],
            "geocodes": [{"valueName": "ISO3", "value": "NGA"}],
        }
    ],
}


def client_for(world, persona: str) -> Client:
    client = Client()
    if persona != "public":
        client.force_login(getattr(world, persona))
    return client


@pytest.mark.parametrize("persona", sorted(POLICY))
def test_list_answers_exactly_what_the_policy_allows(world, alerts_by_mark, persona):
    response = client_for(world, persona).get(API, {"region": "ECOWAS"})

    assert response.status_code == 200
    seen = {a["id"] for a in response.json()}
    assert seen == {alerts_by_mark[m] for m in POLICY[persona]}


@pytest.mark.parametrize("persona", sorted(POLICY))
@pytest.mark.parametrize("mark", MARKS)
def test_detail_and_cap_follow_the_policy(world, alerts_by_mark, persona, mark):
    client = client_for(world, persona)
    detail = client.get(f"{API}/{alerts_by_mark[mark]}")
    cap = client.get(f"{API}/{alerts_by_mark[mark]}/cap")

    expected = 200 if mark in POLICY[persona] else 404
    assert (detail.status_code, cap.status_code) == (expected, expected)
    if expected == 404:
        assert detail["Content-Type"] == "application/problem+json"


def test_reads_of_amber_and_red_are_audited(world, alerts_by_mark):
    client_for(world, "analyst").get(f"{API}/{alerts_by_mark[TLP.RED]}")
    assert AuditEntry.objects.filter(object_id=alerts_by_mark[TLP.RED], tlp=TLP.RED).exists()


def test_analyst_raises_a_draft(world):
    response = client_for(world, "analyst").post(
        API, json.dumps(ALERT_JSON), content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert [i["language"] for i in body["infos"]] == ["en", "ar"]
    assert body["areas"][0]["circles"] == [{"lat": 11.85, "lon": 13.16, "radius_km": 30.0}]
    assert body["history"][0]["to_status"] == "draft"


def test_anonymous_cannot_raise(world):
    response = Client().post(API, json.dumps(ALERT_JSON), content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_service_refusal_is_problem_json_422(world):
    bad = {**ALERT_JSON, "countries": ["KEN"]}
    response = client_for(world, "analyst").post(
        API, json.dumps(bad), content_type="application/json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "countries"


def test_schema_refusal_is_problem_json_422(world):
    bad = {**ALERT_JSON, "infos": [{"language": "xx", "headline": "?"}]}
    response = client_for(world, "analyst").post(
        API, json.dumps(bad), content_type="application/json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_full_lifecycle_through_the_api(world):
    client = client_for(world, "analyst")
    alert_id = client.post(API, json.dumps(ALERT_JSON), content_type="application/json").json()[
        "id"
    ]

    def move(to: str, **extra):
        return client.post(
            f"{API}/{alert_id}/transitions",
            json.dumps({"to": to, **extra}),
            content_type="application/json",
        )

    assert move("issued").json()["status"] == "issued"
    updated = move("updated", note="Now Yobe too", content={**ALERT_JSON, "event": "Spreading"})
    assert (updated.json()["status"], updated.json()["event"]) == ("updated", "Spreading")
    cancelled = move("cancelled", note="Calm restored").json()
    assert cancelled["msg_type"] == "Cancel"
    assert len(cancelled["references"].split()) == 2
    assert [h["to_status"] for h in cancelled["history"]] == [
        "draft",
        "issued",
        "updated",
        "cancelled",
    ]
    refused = move("issued")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"


def test_other_organisation_cannot_decide(world):
    alert = issued(world, tlp=TLP.GREEN)
    response = client_for(world, "other_org_analyst").post(
        f"{API}/{alert.pk}/transitions",
        json.dumps({"to": "cancelled", "note": "no"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_cap_import_creates_then_is_idempotent(world, shared_data):
    data = (shared_data / "cap/wmo_capvalidator/tg/valid.xml").read_bytes()
    client = client_for(world, "analyst")

    first = client.post(
        f"{API}/import?region=ECOWAS&country=TGO", data, content_type="application/xml"
    )
    again = client.post(
        f"{API}/import?region=ECOWAS&country=TGO", data, content_type="application/xml"
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["alert"]["countries"] == ["TGO"]
    assert first.json()["alert"]["id"] == again.json()["alert"]["id"]
    assert Alert.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["wmo_capvalidator/cm/invalid_schema.xml", "google_cap_library/testdata/xee.cap"]
)
def test_cap_import_refusal_is_problem_json_with_reasons(world, shared_data, name):
    response = client_for(world, "analyst").post(
        f"{API}/import", (shared_data / "cap" / name).read_bytes(), content_type="application/xml"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["reason"]
    assert Alert.objects.count() == 0


def test_bearer_token_can_raise(world):
    from vigil.actors.services import issue_api_token

    _, key = issue_api_token(user=world.analyst, name="script")
    response = Client().post(
        API,
        json.dumps(ALERT_JSON),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201


def test_list_query_count_does_not_grow_with_alerts(world, django_assert_max_num_queries):
    for _ in range(8):
        issued(world)
    client = client_for(world, "analyst")
    with django_assert_max_num_queries(12):
        assert len(client.get(API).json()) == 8


def test_analyst_configures_a_forecast_rule_for_their_region(world):
    client = client_for(world, "analyst")
    rule = {
        "region": "ecowas",
        "name": "P(≥25 deaths) ≥ 30% next month",
        "kind": "forecast",
        "measure": "p_ge25",
        "threshold": 0.3,
        "horizon": 1,
    }

    created = client.post(f"{API}/rules", json.dumps(rule), content_type="application/json")

    assert created.status_code == 201
    assert (created.json()["region"], created.json()["organisation"]) == ("ECOWAS", "ecowas")
    listed = Client().get(f"{API}/rules", {"region": "ECOWAS"}).json()
    assert [r["name"] for r in listed] == [rule["name"]]


def test_incomplete_rules_and_outsiders_are_refused(world):
    half = {"region": "ECOWAS", "name": "x", "kind": "forecast", "measure": "p_any"}
    response = client_for(world, "analyst").post(
        f"{API}/rules", json.dumps(half), content_type="application/json"
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"threshold", "horizon"}
    monitor = client_for(world, "monitor").post(
        f"{API}/rules",
        json.dumps({**half, "threshold": 0.5, "horizon": 1}),
        content_type="application/json",
    )
    assert monitor.status_code == 422
