"""Response-loop pages through Django's test client: the gap page's figures and censoring
note, an alert's response page, its forms, and who may see and use them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.responses.conftest import days_ago, issued_alert
from vigil.responses.choices import ActionStatus
from vigil.responses.models import ResponseAction
from vigil.responses.services import assign_responder, record_action
from vigil.sharing.choices import TLP


def signed_in(user: Any) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def text(response: Any) -> str:
    """The page's text without tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def answered(personas, responder, regions, library):
    """An AMBER ECOWAS alert issued 20 days ago that WANEP acted on 5 days later, and one
    issued 4 days ago still waiting."""
    alert = issued_alert(personas.ecowas, tlp=TLP.AMBER, issued=days_ago(20),
                         region=regions["ECOWAS"], event="Clashes in Borno")  # fmt: skip
    assign_responder(alert=alert, organisation=personas.wanep, role="lead", actor=personas.analyst)
    record_action(alert=alert, responder=personas.wanep, actor=responder, description="Dialogue",
                  status=ActionStatus.UNDER_WAY, started_on=days_ago(15))  # fmt: skip
    issued_alert(personas.ecowas, tlp=TLP.AMBER, issued=days_ago(4), region=regions["ECOWAS"],
                 event="Tension in Jos")  # fmt: skip
    return alert


def test_the_gap_page_shows_the_figures_and_says_what_is_not_yet_counted(
    personas, answered
) -> None:
    page = signed_in(personas.analyst).get(reverse("responses:gap"))
    assert page.status_code == 200
    content = text(page)
    assert "The gap between warning and action" in content
    # The 4-day-old alert is too recent for either share; the other was acted on in 5 days.
    assert "100% (1 of 1) +1 too recent" in content
    assert "none eligible yet +2 too recent" in content
    assert "issued more than 7 days ago" in content
    assert re.search(r"Tension in Jos TLP:AMBER Issued ECOWAS \d{4}-\d\d-\d\d 4 ", content)
    by_region = page.content.decode().split('id="by-region"')[1].split("</table>")[0]
    assert "ECOWAS — Economic Community of West African States" in by_region


def test_the_gap_page_counts_only_what_the_reader_may_see(personas, answered) -> None:
    page = signed_in(personas.other_org_analyst).get(reverse("responses:gap"))
    assert "Clashes in Borno" not in page.content.decode()
    assert "No issued alerts match these filters." in text(page)
    anonymous = Client().get(reverse("responses:gap"), {"region": "ECOWAS"})
    assert anonymous.status_code == 200
    assert "Tension in Jos" not in anonymous.content.decode()


@pytest.mark.parametrize("who", ["public", "other_org_analyst", "unshared_analyst"])
def test_an_alerts_response_page_is_404_for_those_who_may_not_see_it(
    personas, answered, who
) -> None:
    page = signed_in(getattr(personas, who)).get(reverse("responses:alert", args=[answered.pk]))
    assert page.status_code == 404


def test_the_analyst_steers_and_the_responder_acts(personas, responder, answered) -> None:
    url = reverse("responses:alert", args=[answered.pk])
    desk = text(signed_in(personas.analyst).get(url))
    assert "Propose an option" in desk
    assert "Assign a responder" in desk
    assert "started" in desk
    assert "5 days after the warning" in desk
    field = text(signed_in(responder).get(url))
    assert "Record an action" in field
    assert "Propose an option" not in field
    assert "Assess the outcome" not in field
    # A monitor of the owner may read it but neither steers nor acts.
    monitor = text(signed_in(personas.monitor).get(url))
    assert "Clashes in Borno" in monitor
    assert "Record an action" not in monitor


def test_recording_an_action_from_the_page(personas, responder, answered, library) -> None:
    client = signed_in(responder)
    response = client.post(
        reverse("responses:record", args=[answered.pk]),
        {"act-responder": personas.wanep.pk, "act-option": library["insider-mediation"].pk,
         "act-description": "Women mediators met both sides.", "act-status": "done",
         "act-started_on": days_ago(3).isoformat(), "act-completed_on": days_ago(1).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"].endswith("#actions")
    action = ResponseAction.objects.get(description="Women mediators met both sides.")
    assert (action.status, action.recorded_by) == (ActionStatus.DONE, responder)
    assert "Action recorded." in text(client.get(response["Location"]))


def test_a_refused_action_comes_back_with_the_reason_beside_the_field(
    personas, responder, answered
) -> None:
    response = signed_in(responder).post(
        reverse("responses:record", args=[answered.pk]),
        {"act-responder": personas.wanep.pk, "act-description": "Went there.",
         "act-status": "under_way"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Give the day the action started." in text(response)
    assert ResponseAction.objects.count() == 1


def test_a_status_change_from_the_page(personas, responder, answered) -> None:
    action = ResponseAction.objects.get()
    response = signed_in(responder).post(
        reverse("responses:move", args=[action.pk]),
        {f"action-{action.pk}-to": "done", f"action-{action.pk}-on": days_ago(2).isoformat()},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_on) == (ActionStatus.DONE, days_ago(2))
    # Someone who may read the alert but does not act for WANEP is refused.
    other = signed_in(personas.monitor).post(
        reverse("responses:move", args=[action.pk]),
        {f"action-{action.pk}-to": "abandoned", f"action-{action.pk}-on": days_ago(1).isoformat(),
         f"action-{action.pk}-note": "no"},
    )  # fmt: skip
    assert other.status_code == 403


def test_the_library_page_lists_options_by_kind(db, library) -> None:
    content = text(Client().get(reverse("responses:options")))
    assert "Preventive diplomacy and good offices" in content
    assert "Deployment of a mediation support team" in content


def test_anyone_reads_the_response_to_a_clear_alert_without_its_forms(personas) -> None:
    alert = issued_alert(personas.ecowas, tlp=TLP.CLEAR, event="Public warning")
    page = Client().get(reverse("responses:alert", args=[alert.pk]))
    assert page.status_code == 200
    assert "Public warning" in text(page)
    assert '<form method="post" action="/responses/' not in page.content.decode()


def test_only_the_moves_allowed_from_the_actions_status_are_offered(
    personas, responder, answered
) -> None:
    action = ResponseAction.objects.get()  # under way
    client = signed_in(responder)
    page = client.get(reverse("responses:alert", args=[answered.pk])).content.decode()
    select = page.split(f'name="action-{action.pk}-to"')[1].split("</select>")[0]
    assert 'value="done"' in select
    assert 'value="abandoned"' in select
    assert 'value="under_way"' not in select
    moves = {f"action-{action.pk}-to": "done", f"action-{action.pk}-on": days_ago(1)}
    client.post(reverse("responses:move", args=[action.pk]), moves)
    # A second click on the now closed action says why nothing happened.
    again = client.post(reverse("responses:move", args=[action.pk]), moves, follow=True)
    assert "This action is already done." in text(again)
    assert action.status_changes.count() == 2
