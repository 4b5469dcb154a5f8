"""`/api/v1/responses`: the loop through the API, refusals as problem+json, and access
that follows the alert's TLP mark."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.responses.conftest import days_ago, issued_alert
from vigil.responses.models import ActionStatusChange
from vigil.sharing.choices import TLP
from vigil.sharing.models import AuditEntry

URL = "/api/v1/responses"


def client_of(user: Any) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def post(user: Any, path: str, body: dict) -> Any:
    return client_of(user).post(URL + path, body, content_type="application/json")


def test_an_alert_walks_from_warning_to_assessed_response(
    personas, responder, regions, library
) -> None:
    alert = issued_alert(personas.ecowas, tlp=TLP.AMBER, issued=days_ago(9),
                         region=regions["ECOWAS"])  # fmt: skip
    analyst = personas.analyst
    option = library["insider-mediation"]

    proposal = post(analyst, f"/alerts/{alert.pk}/proposals", {"option": option.pk})
    assert proposal.status_code == 201, proposal.json()
    assert proposal.json()["option"]["code"] == "insider-mediation"
    assigned = post(analyst, f"/alerts/{alert.pk}/responders",
                    {"organisation": personas.wanep.pk, "role": "lead"})  # fmt: skip
    assert assigned.status_code == 201
    recorded = post(
        responder,
        f"/alerts/{alert.pk}/actions",
        {"responder": personas.wanep.pk, "option": option.pk, "description": "Peace committee",
         "status": "under_way", "started_on": days_ago(6).isoformat()},
    )  # fmt: skip
    assert recorded.status_code == 201, recorded.json()
    action = recorded.json()
    assert [s["to_status"] for s in action["history"]] == ["under_way"]
    done = post(responder, f"/actions/{action['id']}/status", {"to": "done"})
    assert done.status_code == 200
    assert [s["to_status"] for s in done.json()["history"]] == ["under_way", "done"]
    assessed = post(
        analyst,
        f"/alerts/{alert.pk}/assessments",
        {"effect": 2, "evidence": "No clashes since.", "action": action["id"]},
    )
    assert assessed.status_code == 201
    assert assessed.json()["assessor_org"] == personas.ecowas.name

    loop = client_of(responder).get(f"{URL}/alerts/{alert.pk}").json()
    assert (loop["days_to_first_action"], loop["first_action_on"]) == (3, days_ago(6).isoformat())
    assert [len(loop[k]) for k in ("proposals", "responders", "actions", "assessments")] == [
        1,
        1,
        1,
        1,
    ]
    gap = client_of(analyst).get(f"{URL}/gap").json()
    assert gap["overall"]["median_days"] == 3.0
    assert gap["overall"]["within_7"] == {
        "window_days": 7, "hits": 1, "eligible": 1, "not_yet_eligible": 0, "ratio": 1.0,
    }  # fmt: skip
    assert gap["by_region"][0]["key"] == "ECOWAS"
    assert gap["by_responder"][0]["label"] == personas.wanep.name
    # Reading an AMBER alert's response is audited like reading the alert.
    assert AuditEntry.objects.filter(object_id=alert.pk, surface="api").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("public", 404), ("other_org_analyst", 404), ("unshared_analyst", 404), ("analyst", 200),
     ("decision_maker", 200), ("admin", 200)],
)  # fmt: skip
def test_an_amber_alerts_response_is_seen_exactly_by_those_who_see_the_alert(
    personas, responder, who, status
) -> None:
    alert = issued_alert(personas.ecowas, tlp=TLP.AMBER, issued=days_ago(3))
    post(personas.analyst, f"/alerts/{alert.pk}/responders",
         {"organisation": personas.ecowas.pk, "role": "lead"})  # fmt: skip
    action = post(
        personas.analyst,
        f"/alerts/{alert.pk}/actions",
        {"responder": personas.ecowas.pk, "description": "Envoy named."},
    ).json()
    client = client_of(getattr(personas, who))
    assert client.get(f"{URL}/alerts/{alert.pk}").status_code == status
    assert client.get(f"{URL}/actions/{action['id']}").status_code == status
    listed = client.get(f"{URL}/actions").json()
    assert [a["id"] for a in listed] == ([action["id"]] if status == 200 else [])
    assert client.get(f"{URL}/gap").json()["overall"]["alerts"] == (1 if status == 200 else 0)


def test_anonymous_readers_see_the_response_to_a_clear_alert(personas) -> None:
    alert = issued_alert(personas.ecowas, tlp=TLP.CLEAR)
    response = Client().get(f"{URL}/alerts/{alert.pk}")
    assert response.status_code == 200
    assert Client().post(f"{URL}/alerts/{alert.pk}/proposals", {"option": 1},
                         content_type="application/json").status_code == 401  # fmt: skip


def test_a_reader_who_may_not_steer_gets_403_problem(personas, library) -> None:
    alert = issued_alert(personas.ecowas, tlp=TLP.GREEN)
    refused = post(personas.other_org_analyst, f"/alerts/{alert.pk}/proposals",
                   {"option": library["rapid-assessment"].pk})  # fmt: skip
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"


def test_an_invalid_action_gets_422_naming_the_field(personas) -> None:
    alert = issued_alert(personas.ecowas)
    post(personas.analyst, f"/alerts/{alert.pk}/responders",
         {"organisation": personas.ecowas.pk, "role": "lead"})  # fmt: skip
    refused = post(
        personas.analyst,
        f"/alerts/{alert.pk}/actions",
        {"responder": personas.ecowas.pk, "description": "x", "status": "done"},
    )
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"started_on"}
    assert not ActionStatusChange.objects.exists()


def test_options_and_track_records(personas, library) -> None:
    options = Client().get(f"{URL}/options?kind=mediation").json()
    assert {o["kind"] for o in options} == {"mediation"}
    assert len(options) == 2
    records = client_of(personas.analyst).get(
        f"{URL}/track-records?organisation={personas.wanep.pk}&organisation={personas.ecowas.pk}"
    )
    assert records.status_code == 200
    assert {r["organisation_id"] for r in records.json()} == {personas.wanep.pk, personas.ecowas.pk}


def test_listing_actions_costs_the_same_queries_however_many_there_are(personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(personas.analyst)

    def add_actions(count: int) -> None:
        for _ in range(count):
            alert = issued_alert(personas.ecowas, tlp=TLP.AMBER)
            post(personas.analyst, f"/alerts/{alert.pk}/responders",
                 {"organisation": personas.ecowas.pk, "role": "lead"})  # fmt: skip
            post(personas.analyst, f"/alerts/{alert.pk}/actions",
                 {"responder": personas.ecowas.pk, "description": "Envoy named."})  # fmt: skip

    add_actions(1)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(f"{URL}/actions").json()) == 1
    add_actions(4)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(f"{URL}/actions").json()) == 5
    assert len(five) == len(one)
