"""`/api/v1/actors` (src/vigil/actors/api.py): the registry, best placed, and the
accreditation walk over HTTP, with problem+json refusals."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import CountryFactory, OrganisationFactory
from tests.personas import make_accreditation_personas
from vigil.actors.choices import ContactRole, DecisionRule
from vigil.actors.models import Contact, ThematicMandate

pytestmark = pytest.mark.django_db

BASE = "/api/v1/actors"


@pytest.fixture
def people(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_accreditation_personas(
        min_member_funding_share=Decimal(50), decision_rule=DecisionRule.NO_SUSTAINED_OBJECTION
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def application_fields(people, **overrides) -> dict:
    fields = {
        "applicant": people.cso.slug,
        "profile": "Community early warning in Lofa county.",
        "governance": "Elected board.",
        "references": "UNDP Liberia",
        "registration_country": "lbr",
        "funding": json.dumps(
            [
                {"source": "Dues", "amount": "600", "from_members": True},
                {"source": "Grant", "amount": "400"},
            ]
        ),
        "statutes": SimpleUploadedFile("statutes.pdf", b"%PDF-1.4 x", "application/pdf"),
    }
    fields.update(overrides)
    return fields


def test_the_registry_is_public_and_filterable(db):
    CountryFactory(iso3="NGA")
    network = OrganisationFactory(slug="kano-peace", name="Kano Peace Network")
    ThematicMandate.objects.create(organisation=network, theme="mediation")
    OrganisationFactory(slug="relief")

    response = Client().get(f"{BASE}/organisations", {"theme": "mediation"})

    assert response.status_code == 200
    assert [o["slug"] for o in response.json()] == ["kano-peace"]
    assert response.json()[0]["themes"] == ["mediation"]


def test_an_organisation_shows_only_contacts_the_caller_may_see(people, personas):
    Contact.objects.create(
        organisation=people.cso,
        owner_org=people.cso,
        name="Public face",
        role=ContactRole.HEAD,
        tlp="CLEAR",
    )
    Contact.objects.create(
        organisation=people.cso,
        owner_org=people.cso,
        name="Field coordinator",
        role=ContactRole.FOCAL_POINT,
        tlp="GREEN",
        phone="+231 555 0100",
    )
    url = f"{BASE}/organisations/{people.cso.slug}"

    public = Client().get(url).json()["contacts"]
    member = signed_in(personas.analyst).get(url).json()["contacts"]

    assert [c["name"] for c in public] == ["Public face"]
    assert sorted(c["name"] for c in member) == ["Field coordinator", "Public face"]


def test_unknown_organisation_is_problem_json_404(db):
    response = Client().get(f"{BASE}/organisations/nobody")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_best_placed_needs_a_place(db):
    response = Client().get(f"{BASE}/best-placed", {"theme": "mediation"})
    assert response.status_code == 422


def test_best_placed_returns_components(people):
    ThematicMandate.objects.create(organisation=people.cso, theme="early_warning")
    response = Client().get(f"{BASE}/best-placed", {"theme": "early_warning", "country": "LBR"})
    body = response.json()
    assert response.status_code == 200
    assert body["ranking"][0]["organisation"] == people.cso.slug
    assert {c["name"] for c in body["ranking"][0]["components"]} == {
        "mandate",
        "presence",
        "capacity",
        "language",
        "track_record",
    }


def test_the_accreditation_walk_over_the_api(people):
    applicant = signed_in(people.cso_applicant)
    created = applicant.post(f"{BASE}/schemes/MRU/applications", application_fields(people))
    assert created.status_code == 201, created.content
    application = created.json()
    assert application["status"] == "submitted"
    assert {c["code"]: c["passed"] for c in application["eligibility"]}["member_funding"] is True

    queue = signed_in(people.liberia_focal_point).get(f"{BASE}/reviews/queue").json()
    assert [(i["application"], i["country"]) for i in queue] == [(application["id"], "LBR")]

    objection = signed_in(people.sierra_leone_focal_point).post(
        f"{BASE}/applications/{application['id']}/reviews",
        {"verdict": "object", "reasons": "Unknown to our registry."},
        content_type="application/json",
    )
    assert objection.status_code == 201
    seen = applicant.get(f"{BASE}/applications/{application['id']}").json()
    assert [(r["country"], r["verdict"]) for r in seen["reviews"]] == [("SLE", "object")]


def test_an_objection_without_reasons_is_422(people):
    applicant = signed_in(people.cso_applicant)
    application = applicant.post(
        f"{BASE}/schemes/MRU/applications", application_fields(people)
    ).json()
    response = signed_in(people.liberia_focal_point).post(
        f"{BASE}/applications/{application['id']}/reviews",
        {"verdict": "object"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_applying_for_someone_elses_cso_is_refused(people, personas):
    response = signed_in(personas.analyst).post(
        f"{BASE}/schemes/MRU/applications", application_fields(people)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "applicant"


def test_applications_need_sign_in_and_stay_with_their_readers(people, personas):
    signed_in(people.cso_applicant).post(
        f"{BASE}/schemes/MRU/applications", application_fields(people)
    )
    assert Client().get(f"{BASE}/applications").status_code == 401
    assert signed_in(personas.analyst).get(f"{BASE}/applications").json() == []
    assert len(signed_in(people.secretariat).get(f"{BASE}/applications").json()) == 1


def test_bad_funding_json_is_422(people):
    response = signed_in(people.cso_applicant).post(
        f"{BASE}/schemes/MRU/applications", application_fields(people, funding="not json")
    )
    assert response.status_code == 422
