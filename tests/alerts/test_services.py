"""Alert lifecycle services: every change a row, illegal moves refused, CAP references kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.alerts.conftest import alert_input
from vigil.alerts import services
from vigil.alerts.cap import format_cap_datetime
from vigil.alerts.choices import AlertStatus, MsgType
from vigil.alerts.models import AlertTransition
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.django_db


def test_raise_alert_creates_a_draft_with_one_transition(world):
    alert = services.raise_alert(actor=world.analyst, data=alert_input())

    assert alert.status == AlertStatus.DRAFT
    assert alert.owner_org == world.ecowas
    assert alert.issued_at is None
    assert list(alert.countries.values_list("pk", flat=True)) == ["NGA"]
    assert sorted(alert.infos.values_list("language", flat=True)) == ["ar", "en", "fr", "pt"]
    steps = list(alert.transitions.values_list("from_status", "to_status", "actor"))
    assert steps == [("", AlertStatus.DRAFT, world.analyst.pk)]


def test_monitor_cannot_raise_an_alert(world):
    with pytest.raises(ValidationError):
        services.raise_alert(actor=world.monitor, data=alert_input())


def test_country_outside_the_region_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.raise_alert(actor=world.analyst, data=alert_input(country_ids=["KEN"]))
    assert "countries" in error.value.message_dict


def test_duplicate_language_is_refused(world):
    data = alert_input()
    data.infos.append(data.infos[0])
    with pytest.raises(ValidationError) as error:
        services.raise_alert(actor=world.analyst, data=data)
    assert "infos" in error.value.message_dict


def test_area_defaults_to_the_countries_geocodes(world):
    alert = services.raise_alert(actor=world.analyst, data=alert_input(areas=[]))
    area = alert.areas.get()
    assert area.geocodes == [{"valueName": "ISO3", "value": "NGA"}]
    assert area.description == "Nigeria"


def test_polygons_are_stored_closed(world):
    alert = services.raise_alert(actor=world.analyst, data=alert_input())
    polygon = alert.areas.get().polygons[0]
    assert polygon[0] == polygon[-1]
    assert len(polygon) == 5


def test_issue_sets_issued_at_sent_and_expiry_and_records_the_message(world):
    data = alert_input(expires=None)
    alert = services.raise_alert(actor=world.analyst, data=data)
    before = timezone.now()

    alert = services.issue_alert(alert=alert, actor=world.analyst, note="Reviewed.")

    assert alert.status == AlertStatus.ISSUED
    assert alert.issued_at >= before
    assert alert.sent == alert.issued_at
    assert alert.msg_type == MsgType.ALERT
    assert alert.expires == alert.issued_at + dt.timedelta(days=services.DEFAULT_VALID_DAYS)
    step = alert.transitions.last()
    assert (step.from_status, step.to_status) == (AlertStatus.DRAFT, AlertStatus.ISSUED)
    assert (step.identifier, step.msg_type, step.note) == (alert.identifier, "Alert", "Reviewed.")


def test_update_references_the_issued_message_and_keeps_issued_at(world):
    alert = services.raise_alert(actor=world.analyst, data=alert_input())
    alert = services.issue_alert(alert=alert, actor=world.analyst)
    first = (alert.sender, alert.identifier, alert.sent)
    issued_at = alert.issued_at

    alert = services.update_alert(
        alert=alert,
        actor=world.analyst,
        note="Spread to Yobe.",
        data=alert_input(event="Escalation spreading"),
    )

    assert alert.status == AlertStatus.UPDATED
    assert alert.msg_type == MsgType.UPDATE
    assert alert.identifier != first[1]
    assert alert.references == f"{first[0]},{first[1]},{format_cap_datetime(first[2])}"
    assert alert.issued_at == issued_at
    assert alert.event == "Escalation spreading"


def test_cancel_after_two_messages_references_both(world):
    alert = services.raise_alert(actor=world.analyst, data=alert_input())
    alert = services.issue_alert(alert=alert, actor=world.analyst)
    alert = services.update_alert(alert=alert, actor=world.analyst, note="Revised figures.")

    alert = services.cancel_alert(alert=alert, actor=world.analyst, note="Situation resolved.")

    assert alert.status == AlertStatus.CANCELLED
    assert alert.msg_type == MsgType.CANCEL
    assert len(alert.references.split()) == 2
    messages = AlertTransition.objects.filter(alert=alert).exclude(identifier="")
    assert [m.msg_type for m in messages] == ["Alert", "Update", "Cancel"]
    assert [m.to_status for m in alert.transitions.all()] == [
        "draft",
        "issued",
        "updated",
        "cancelled",
    ]


def test_cancelling_a_draft_sends_no_message(world):
    alert = services.raise_alert(actor=world.analyst, data=alert_input())
    alert = services.cancel_alert(alert=alert, actor=world.analyst, note="Not needed.")
    assert alert.status == AlertStatus.CANCELLED
    assert alert.transitions.last().identifier == ""


@pytest.mark.parametrize(
    ("moves", "illegal"),
    [
        ([], "update"),
        (["issue"], "issue"),
        (["cancel"], "issue"),
        (["cancel"], "cancel"),
        (["issue", "cancel"], "update"),
    ],
)
def test_illegal_transitions_are_refused_and_leave_no_row(world, moves, illegal):
    alert = services.raise_alert(actor=world.analyst, data=alert_input())
    do = {
        "issue": lambda a: services.issue_alert(alert=a, actor=world.analyst),
        "update": lambda a: services.update_alert(alert=a, actor=world.analyst, note="x"),
        "cancel": lambda a: services.cancel_alert(alert=a, actor=world.analyst, note="x"),
    }
    for move in moves:
        alert = do[move](alert)
    rows = alert.transitions.count()

    with pytest.raises(ValidationError):
        do[illegal](alert)

    assert alert.transitions.count() == rows


def test_other_organisations_analyst_cannot_issue(world):
    alert = services.raise_alert(actor=world.analyst, data=alert_input())
    with pytest.raises(PermissionDenied):
        services.issue_alert(alert=alert, actor=world.other_org_analyst)
    with pytest.raises(PermissionDenied):
        services.issue_alert(alert=alert, actor=world.decision_maker)


def test_update_and_cancel_need_a_note(world):
    alert = services.issue_alert(
        alert=services.raise_alert(actor=world.analyst, data=alert_input()), actor=world.analyst
    )
    with pytest.raises(ValidationError):
        services.update_alert(alert=alert, actor=world.analyst, note=" ")
    with pytest.raises(ValidationError):
        services.cancel_alert(alert=alert, actor=world.analyst, note="")


def test_revise_draft_replaces_texts_and_records_the_review(world):
    alert = services.raise_alert(actor=world.analyst, data=alert_input())
    services.revise_draft(
        alert=alert, actor=world.analyst, data=alert_input(infos=alert_input().infos[:1])
    )
    assert list(alert.infos.values_list("language", flat=True)) == ["en"]
    assert alert.transitions.last().to_status == AlertStatus.DRAFT


def test_expire_due_alerts_expires_once_with_a_system_row(world):
    alert = services.issue_alert(
        alert=services.raise_alert(actor=world.analyst, data=alert_input()), actor=world.analyst
    )
    later = alert.expires + dt.timedelta(seconds=1)

    assert services.expire_due_alerts(alert.expires - dt.timedelta(seconds=1)) == 0
    assert services.expire_due_alerts(later) == 1
    assert services.expire_due_alerts(later) == 0

    alert.refresh_from_db()
    assert alert.status == AlertStatus.EXPIRED
    step = alert.transitions.last()
    assert (step.from_status, step.to_status, step.actor) == ("issued", "expired", None)


def test_scope_follows_the_tlp_mark(world):
    public = services.raise_alert(actor=world.analyst, data=alert_input(tlp=TLP.CLEAR))
    amber = services.raise_alert(actor=world.analyst, data=alert_input(tlp=TLP.AMBER))
    assert (public.scope, public.restriction) == ("Public", "")
    assert (amber.scope, amber.restriction) == ("Restricted", "TLP:AMBER")


def subscribe_decision_maker(world, language: str = "fr"):
    from vigil.dissemination.services import SubscriptionInput, subscribe

    world.decision_maker.email = "commissioner@ecowas.example"
    world.decision_maker.save()
    subscribe(
        actor=world.decision_maker,
        data=SubscriptionInput(region_code="ECOWAS", kind="alert", language=language),
    )


def test_issue_update_and_cancel_each_queue_one_message_for_subscribers(world):
    from vigil.dissemination.models import OutboxMessage

    subscribe_decision_maker(world)
    alert = services.raise_alert(actor=world.analyst, data=alert_input(tlp=TLP.GREEN))
    assert OutboxMessage.objects.count() == 0  # a draft is not announced

    alert = services.issue_alert(alert=alert, actor=world.analyst)
    alert = services.update_alert(alert=alert, actor=world.analyst, note="Yobe too")
    services.cancel_alert(alert=alert, actor=world.analyst, note="Calm restored")

    messages = list(OutboxMessage.objects.order_by("pk"))
    assert [m.to_address for m in messages] == ["commissioner@ecowas.example"] * 3
    assert messages[0].subject.endswith("Les affrontements s'étendent au Borno")
    assert "Calm restored" in messages[2].body_text


def test_amber_alert_email_carries_a_link_not_the_text(world):
    from vigil.dissemination.models import OutboxMessage

    subscribe_decision_maker(world, language="en")
    services.issue_alert(
        alert=services.raise_alert(actor=world.analyst, data=alert_input(tlp=TLP.AMBER)),
        actor=world.analyst,
    )
    message = OutboxMessage.objects.get()
    assert "Armed clashes in Borno" not in message.body_text
    assert "/alerts/" in message.link


def test_exercise_alerts_are_not_announced(world):
    from vigil.dissemination.models import OutboxMessage

    subscribe_decision_maker(world)
    services.issue_alert(
        alert=services.raise_alert(actor=world.analyst, data=alert_input(cap_status="Exercise")),
        actor=world.analyst,
    )
    assert OutboxMessage.objects.count() == 0


def test_update_without_a_new_expiry_keeps_the_old_one(world):
    alert = services.issue_alert(
        alert=services.raise_alert(actor=world.analyst, data=alert_input()), actor=world.analyst
    )
    expires = alert.expires
    alert = services.update_alert(
        alert=alert, actor=world.analyst, note="New text", data=alert_input(expires=None)
    )
    assert alert.expires == expires
