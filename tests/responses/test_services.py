"""Writes of the response loop: the option library, proposals, assignments, actions with
their status rows, outcome assessments, and who may do each."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import AlertFactory, MembershipFactory, UserFactory
from tests.responses.conftest import days_ago, issued_alert
from vigil.actors.choices import Role
from vigil.responses.choices import ActionStatus, Effect
from vigil.responses.models import ActionStatusChange, ResponseAction, ResponseOption
from vigil.responses.selectors import alerts_visible_to
from vigil.responses.services import (
    OPTIONS_FILE,
    assess_outcome,
    assign_responder,
    change_action_status,
    load_response_options,
    propose_response,
    record_action,
)
from vigil.sharing.choices import TLP
from vigil.sharing.models import Share

# ---------------------------------------------------------------- the option library


def test_a_new_installation_has_the_bundled_library_of_every_kind(db) -> None:
    bundled = json.loads(OPTIONS_FILE.read_text(encoding="utf-8"))["options"]
    assert ResponseOption.objects.count() == len(bundled) >= 12
    kinds = set(ResponseOption.objects.values_list("kind", flat=True))
    assert kinds == {
        "preventive_diplomacy",
        "mediation",
        "fact_finding",
        "humanitarian",
        "protection",
        "security",
    }
    option = ResponseOption.objects.get(code="mediation-support-team")
    assert option.typical_lead_time_days == 3
    assert "Standby Team" in option.typical_actors


def test_reloading_the_library_changes_nothing(db) -> None:
    ResponseOption.objects.filter(code="fact-finding-mission").delete()
    first = load_response_options()
    again = load_response_options()
    assert (first.created, first.updated) == (1, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, ResponseOption.objects.count())


def test_a_csv_library_updates_options_by_code(db, tmp_path) -> None:
    load_response_options()
    csv = tmp_path / "options.csv"
    csv.write_text(
        "code,kind,name,description,typical_lead_time_days,typical_actors\n"
        "mediation-support-team,mediation,Mediation support team,Deploys mediators.,2,Roster\n"
        "womens-situation-room,preventive_diplomacy,Women's situation room,Election watch.,5,"
        "Women's networks\n",
        encoding="utf-8",
    )
    result = load_response_options(path=csv)
    assert (result.created, result.updated) == (1, 1)
    assert ResponseOption.objects.get(code="mediation-support-team").typical_lead_time_days == 2


def test_a_bad_library_names_each_row_and_writes_nothing(db, tmp_path) -> None:
    bad = tmp_path / "options.json"
    bad.write_text(
        '{"options": [{"code": "a", "kind": "prayer", "name": "A", "description": "x", '
        '"typical_lead_time_days": 3, "typical_actors": "y"}, {"code": "b", "kind": "mediation", '
        '"name": "B", "description": "x", "typical_lead_time_days": "soon", '
        '"typical_actors": "y"}]}'
    )
    with pytest.raises(ValidationError) as refused:
        load_response_options(path=bad)
    assert set(refused.value.message_dict) == {"options[1]", "options[2]"}
    assert not ResponseOption.objects.filter(code__in=["a", "b"]).exists()


# ---------------------------------------------------------------- proposing and assigning


def test_an_analyst_of_the_owner_proposes_options_once_each(personas, library) -> None:
    alert = issued_alert(personas.ecowas)
    option = library["good-offices-envoy"]
    proposal = propose_response(alert=alert, option=option, actor=personas.analyst)
    assert (proposal.proposed_by, proposal.option) == (personas.analyst, option)
    with pytest.raises(ValidationError):
        propose_response(alert=alert, option=option, actor=personas.analyst)


@pytest.mark.parametrize("who", ["other_org_analyst", "monitor", "unshared_analyst"])
def test_only_the_owners_analysts_and_decision_makers_propose(personas, library, who) -> None:
    alert = issued_alert(personas.ecowas, tlp=TLP.GREEN)
    with pytest.raises(PermissionDenied):
        propose_response(
            alert=alert, option=library["rapid-assessment"], actor=getattr(personas, who)
        )


def test_assigning_an_organisation_to_an_amber_alert_shares_it(personas, responder) -> None:
    alert = issued_alert(personas.ecowas, tlp=TLP.AMBER)
    assert not alerts_visible_to(responder, pk=alert.pk).exists()
    assign_responder(alert=alert, organisation=personas.wanep, role="lead", actor=personas.analyst)
    share = Share.objects.get(object_id=alert.pk)
    assert (share.organisation, share.granted_by) == (personas.wanep, personas.analyst)
    assert alerts_visible_to(responder, pk=alert.pk).exists()
    with pytest.raises(ValidationError):  # once per organisation
        assign_responder(
            alert=alert, organisation=personas.wanep, role="support", actor=personas.analyst
        )


def test_an_amber_strict_alert_is_not_assigned_outside_its_owner(personas) -> None:
    alert = issued_alert(personas.ecowas, tlp=TLP.AMBER_STRICT)
    with pytest.raises(ValidationError) as refused:
        assign_responder(
            alert=alert, organisation=personas.wanep, role="lead", actor=personas.analyst
        )
    assert "organisation" in refused.value.message_dict
    assign_responder(alert=alert, organisation=personas.ecowas, role="lead", actor=personas.analyst)
    assert not Share.objects.exists()


# ---------------------------------------------------------------- actions and their status rows


@pytest.fixture
def assigned(personas, responder, library):
    """An AMBER ECOWAS alert issued 10 days ago, with WANEP assigned as lead responder."""
    alert = issued_alert(personas.ecowas, tlp=TLP.AMBER, issued=days_ago(10))
    assign_responder(alert=alert, organisation=personas.wanep, role="lead", actor=personas.analyst)
    return alert


def test_a_responder_records_an_action_and_every_status_change_is_a_row(
    personas, responder, library, assigned
) -> None:
    action = record_action(
        alert=assigned,
        responder=personas.wanep,
        actor=responder,
        option=library["insider-mediation"],
        description="Peace committee convened in Kawuri.",
    )
    change_action_status(action=action, to=ActionStatus.UNDER_WAY, actor=responder, on=days_ago(6))
    change_action_status(action=action, to=ActionStatus.DONE, actor=responder, on=days_ago(2))
    action.refresh_from_db()
    assert (action.status, action.started_on, action.completed_on) == (
        ActionStatus.DONE,
        days_ago(6),
        days_ago(2),
    )
    steps = [(c.from_status, c.to_status, c.on) for c in action.status_changes.all()]
    assert steps == [
        ("", ActionStatus.PLANNED, timezone.localdate()),
        (ActionStatus.PLANNED, ActionStatus.UNDER_WAY, days_ago(6)),
        (ActionStatus.UNDER_WAY, ActionStatus.DONE, days_ago(2)),
    ]
    with pytest.raises(ValidationError):  # a done action no longer changes
        change_action_status(action=action, to=ActionStatus.ABANDONED, actor=responder, note="x")
    assert ActionStatusChange.objects.count() == 3


def test_an_action_recorded_as_under_way_needs_its_start_day(personas, assigned) -> None:
    with pytest.raises(ValidationError) as refused:
        record_action(
            alert=assigned,
            responder=personas.wanep,
            actor=personas.analyst,
            description="Envoy travelled to Maiduguri.",
            status=ActionStatus.UNDER_WAY,
        )
    assert "started_on" in refused.value.message_dict
    future = timezone.localdate() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as refused:
        record_action(
            alert=assigned,
            responder=personas.wanep,
            actor=personas.analyst,
            description="Envoy travelled to Maiduguri.",
            status=ActionStatus.UNDER_WAY,
            started_on=future,
        )
    assert "started_on" in refused.value.message_dict
    assert not ResponseAction.objects.exists()


def test_abandoning_needs_a_reason(personas, responder, assigned) -> None:
    action = record_action(
        alert=assigned, responder=personas.wanep, actor=responder, description="Town hall."
    )
    with pytest.raises(ValidationError):
        change_action_status(action=action, to=ActionStatus.ABANDONED, actor=responder)
    change_action_status(
        action=action, to=ActionStatus.ABANDONED, actor=responder, note="Roads cut by floods."
    )
    assert action.status_changes.last().note == "Roads cut by floods."


def test_the_owners_decision_maker_records_for_an_assigned_responder(personas, assigned) -> None:
    action = record_action(
        alert=assigned,
        responder=personas.wanep,
        actor=personas.decision_maker,
        description="Mediators deployed.",
        status=ActionStatus.DONE,
        started_on=days_ago(9),
        completed_on=days_ago(3),
    )
    assert action.status_changes.get().to_status == ActionStatus.DONE


@pytest.mark.parametrize("who", ["monitor", "other_org_analyst", "unshared_analyst"])
def test_people_neither_steering_nor_assigned_do_not_record_actions(
    personas, assigned, who
) -> None:
    with pytest.raises(PermissionDenied):
        record_action(
            alert=assigned,
            responder=personas.wanep,
            actor=getattr(personas, who),
            description="Something.",
        )


def test_a_responder_records_only_for_its_own_organisation(personas, responder, assigned) -> None:
    assign_responder(alert=assigned, organisation=personas.igad, role="support",
                     actor=personas.analyst)  # fmt: skip
    with pytest.raises(PermissionDenied):
        record_action(
            alert=assigned, responder=personas.igad, actor=responder, description="Not ours."
        )


def test_an_unassigned_organisations_people_cannot_record_even_if_they_see_the_alert(
    personas,
) -> None:
    alert = issued_alert(personas.ecowas, tlp=TLP.GREEN)
    volunteer = UserFactory(username="volunteer")
    MembershipFactory(user=volunteer, organisation=personas.wanep, role=Role.ANALYST)
    with pytest.raises(PermissionDenied):
        record_action(alert=alert, responder=personas.wanep, actor=volunteer, description="x")


def test_no_action_on_a_draft_alert(personas) -> None:
    draft = AlertFactory(owner_org=personas.ecowas, status="draft")
    assign_responder(alert=draft, organisation=personas.ecowas, role="lead", actor=personas.analyst)
    with pytest.raises(ValidationError) as refused:
        record_action(
            alert=draft, responder=personas.ecowas, actor=personas.analyst, description="x"
        )
    assert "alert" in refused.value.message_dict


# ---------------------------------------------------------------- outcomes


def test_the_owner_assesses_the_outcome_with_evidence(personas, responder, assigned) -> None:
    action = record_action(
        alert=assigned, responder=personas.wanep, actor=responder, description="Dialogue.",
        status=ActionStatus.UNDER_WAY, started_on=days_ago(8),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        assess_outcome(alert=assigned, actor=personas.analyst, effect=Effect.SUBSTANTIAL,
                       evidence=" ")  # fmt: skip
    with pytest.raises(PermissionDenied):  # responders do not grade themselves
        assess_outcome(alert=assigned, actor=responder, effect=Effect.DECISIVE, evidence="We won.")
    assessment = assess_outcome(
        alert=assigned,
        actor=personas.decision_maker,
        effect=Effect.SUBSTANTIAL,
        evidence="No clashes reported in the LGA for three weeks (field reports 12-15).",
        action=action,
    )
    assert (assessment.assessor_org, assessment.assessed_on) == (
        personas.ecowas,
        timezone.localdate(),
    )
    other = issued_alert(personas.ecowas)
    with pytest.raises(ValidationError):  # an action of another alert
        assess_outcome(alert=other, actor=personas.analyst, effect=0, evidence="x", action=action)
