"""Privileges of accreditation as access rules (src/vigil/sharing/privileges.py): held only
while the registration is in force, and products received up to the granted TLP mark."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import EventFactory
from tests.personas import make_accreditation_personas
from vigil.actors import accreditation
from vigil.actors.choices import DecisionRule
from vigil.events.models import Event
from vigil.sharing import privileges
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()  # privileges are asked about today by default


@pytest.fixture
def people(db):
    return make_accreditation_personas(
        decision_rule=DecisionRule.NO_SUSTAINED_OBJECTION,
        require_statutes=False,
        written_input_word_limit=1500,
        read_draft_documents=False,
    )


def registered(people, products_tlp: str = ""):
    """The Liberian CSO applied forty days ago; nobody objected by the deadline, so the
    daily decision registers it today with the scheme's privileges."""
    people.scheme.products_tlp = products_tlp
    people.scheme.save()
    accreditation.apply_for_accreditation(
        actor=people.cso_applicant,
        applicant=people.cso,
        scheme=people.scheme,
        profile="Community early warning.",
        governance="Elected board.",
        registration_country_id="LBR",
        today=TODAY - dt.timedelta(days=40),
    )
    [application] = accreditation.decide_due_applications(today=TODAY)
    return application.registration


def test_privileges_hold_from_grant_to_the_day_before_expiry(people):
    registration = registered(people)
    before = registration.granted_on - dt.timedelta(days=1)

    assert not privileges.holds_privilege(people.cso, "MRU", "attend_meetings", before)
    assert privileges.holds_privilege(people.cso.pk, "MRU", "attend_meetings", TODAY)
    assert not privileges.holds_privilege(people.cso, "MRU", "read_draft_documents", TODAY)
    assert not privileges.holds_privilege(
        people.cso, "MRU", "attend_meetings", registration.expires_on
    )
    assert privileges.word_limit(people.cso, "MRU", TODAY) == 1500
    assert not privileges.holds_privilege(None, "MRU", "attend_meetings", TODAY)


def test_a_person_holds_what_their_organisation_holds(people):
    registered(people)
    assert privileges.user_holds_privilege(people.cso_applicant, "MRU", "submit_written_input")
    assert not privileges.user_holds_privilege(
        people.liberia_focal_point, "MRU", "submit_written_input"
    )


@pytest.mark.parametrize(
    ("ceiling", "seen"),
    [
        ("", {TLP.CLEAR, TLP.GREEN}),
        (TLP.GREEN, {TLP.CLEAR, TLP.GREEN}),
        (TLP.AMBER, {TLP.CLEAR, TLP.GREEN, TLP.AMBER}),
        (TLP.AMBER_STRICT, {TLP.CLEAR, TLP.GREEN, TLP.AMBER}),
        (TLP.RED, {TLP.CLEAR, TLP.GREEN, TLP.AMBER}),
    ],
)
def test_products_are_received_up_to_the_granted_mark(people, ceiling, seen):
    """The MRU secretariat's own records, read by a member of the accredited CSO. RED is
    never opened by a privilege (it goes to named people only), nor AMBER+STRICT (it never
    leaves its owner), whatever ceiling a scheme grants."""
    for mark in TLP.values:
        EventFactory(owner_org=people.secretariat_org, tlp=mark, country_id="LBR")
    registered(people, products_tlp=ceiling)

    visible = privileges.visible_with_privileges(Event.objects.all(), people.cso_applicant)
    assert {e.tlp for e in visible} == seen


def test_products_stop_when_the_registration_lapses(people):
    EventFactory(owner_org=people.secretariat_org, tlp=TLP.AMBER, country_id="LBR")
    registration = registered(people, products_tlp=TLP.AMBER)
    lapsed = registration.expires_on
    visible = privileges.visible_with_privileges(Event.objects.all(), people.cso_applicant, lapsed)
    assert not visible.filter(tlp=TLP.AMBER).exists()


def test_other_organisations_products_are_not_opened(people, personas):
    EventFactory(owner_org=personas.ecowas, tlp=TLP.AMBER, country_id="NGA")
    registered(people, products_tlp=TLP.AMBER)
    visible = privileges.visible_with_privileges(Event.objects.all(), people.cso_applicant)
    assert not visible.filter(tlp=TLP.AMBER).exists()
