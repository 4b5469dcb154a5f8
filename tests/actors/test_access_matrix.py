"""Who sees which registry and accreditation record, on every read surface.

One table per kind of record states the rule; each test asserts every persona × record ×
surface (web page and API) answers exactly that.

- Contacts and agreements follow their TLP mark (owned by ECOWAS; the AMBER ones are shared
  with IGAD; RED ones with nobody).
- Applications are not TLP-marked: the applicant, the focal points of the member states
  asked to review, the regional organisation's staff and platform admins read them;
  everyone else gets 404, indistinguishable from a missing record.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import make_accreditation_personas
from vigil.actors import accreditation
from vigil.actors.choices import ContactRole
from vigil.actors.models import Agreement, Contact
from vigil.sharing.choices import TLP
from vigil.sharing.services import share_record

pytestmark = pytest.mark.django_db

MARKS = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]
# persona -> the marks of ECOWAS's contacts and agreements they may see
TLP_POLICY: dict[str, set[str]] = {
    "public": {TLP.CLEAR},
    "analyst": {TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT},  # ECOWAS itself
    "other_org_analyst": {TLP.CLEAR, TLP.GREEN, TLP.AMBER},  # IGAD, shared with
    "unshared_analyst": {TLP.CLEAR, TLP.GREEN},
    "cso_applicant": {TLP.CLEAR, TLP.GREEN},
    "liberia_focal_point": {TLP.CLEAR, TLP.GREEN},
    "admin": set(MARKS),
}
# persona -> may read the Liberian CSO's application to the MRU
APPLICATION_POLICY: dict[str, bool] = {
    "public": False,
    "analyst": False,
    "other_org_analyst": False,
    "unshared_analyst": False,
    "cso_applicant": True,
    "liberia_focal_point": True,
    "sierra_leone_focal_point": True,
    "secretariat": True,
    "admin": True,
}


@pytest.fixture
def world(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = make_accreditation_personas(require_statutes=False)
    users = {
        "public": personas.public,
        "analyst": personas.analyst,
        "other_org_analyst": personas.other_org_analyst,
        "unshared_analyst": personas.unshared_analyst,
        "admin": personas.admin,
        "cso_applicant": people.cso_applicant,
        "liberia_focal_point": people.liberia_focal_point,
        "sierra_leone_focal_point": people.sierra_leone_focal_point,
        "secretariat": people.secretariat,
    }
    for mark in MARKS:
        Contact.objects.create(
            organisation=personas.ecowas,
            owner_org=personas.ecowas,
            name=f"Contact {mark}",
            role=ContactRole.FOCAL_POINT,
            email=f"{mark.lower().replace('+', '-')}@ecowas.example",
            tlp=mark,
        )
        agreement = Agreement.objects.create(
            owner_org=personas.ecowas,
            tlp=mark,
            kind="mou",
            title=f"Agreement {mark}",
            signed_on=dt.date(2024, 1, 1),
            expires_on=dt.date(2030, 1, 1),
        )
        agreement.parties.set([personas.ecowas, personas.wanep])
        if mark == TLP.AMBER:
            share_record(record=agreement, organisation=personas.igad, actor=personas.analyst)
            contact = Contact.objects.get(tlp=TLP.AMBER)
            share_record(record=contact, organisation=personas.igad, actor=personas.analyst)
    application = accreditation.apply_for_accreditation(
        actor=people.cso_applicant,
        applicant=people.cso,
        scheme=people.scheme,
        profile="Community early warning.",
        governance="Elected board.",
        registration_country_id="LBR",
        funding=[accreditation.Funding("Dues", Decimal(10), True)],
    )
    return users, personas, application


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


@pytest.mark.parametrize("persona", list(TLP_POLICY))
def test_contacts_on_the_page_and_the_api(world, persona):
    users, personas, _ = world
    client = client_for(users[persona])
    page = client.get(reverse("actors:organisation", args=[personas.ecowas.slug])).text
    api = client.get(f"/api/v1/actors/organisations/{personas.ecowas.slug}").json()

    on_page = {mark for mark in MARKS if f"Contact {mark}<" in page or f"Contact {mark} " in page}
    in_api = {c["tlp"] for c in api["contacts"]}
    assert on_page == TLP_POLICY[persona]
    assert in_api == TLP_POLICY[persona]


@pytest.mark.parametrize("persona", list(TLP_POLICY))
def test_agreements_on_the_page_and_the_api(world, persona):
    users, _, _ = world
    client = client_for(users[persona])
    page = client.get(reverse("actors:agreements")).text
    api = client.get("/api/v1/actors/agreements").json()

    assert {mark for mark in MARKS if f"Agreement {mark}<" in page} == TLP_POLICY[persona]
    assert {a["tlp"] for a in api} == TLP_POLICY[persona]


@pytest.mark.parametrize("persona", list(APPLICATION_POLICY))
def test_applications_on_the_page_and_the_api(world, persona):
    users, _, application = world
    client = client_for(users[persona])
    page = client.get(reverse("actors:application", args=[application.pk]))
    api = client.get(f"/api/v1/actors/applications/{application.pk}")

    allowed = APPLICATION_POLICY[persona]
    if users[persona].is_authenticated:
        assert page.status_code == (200 if allowed else 404)
        assert api.status_code == (200 if allowed else 404)
    else:
        assert page.status_code == 302  # to the sign-in page
        assert api.status_code == 401


def test_the_registry_list_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("actors:registry"))
    assert response.status_code == 200
