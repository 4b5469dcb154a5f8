"""The registry and accreditation pages (src/vigil/actors/views.py), through the test client:
filters, the HXL export, best placed with explanations, the application form, the status
page, the review form and the focal point's queue."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import CountryFactory, OrganisationFactory
from tests.personas import make_accreditation_personas
from vigil.actors import accreditation
from vigil.actors.choices import ApplicationStatus, ContactRole, DecisionRule, Presence
from vigil.actors.models import (
    AccreditationApplication,
    Agreement,
    AreaMandate,
    Contact,
    ThematicMandate,
)
from vigil.geo.models import AdminArea
from vigil.sharing.choices import TLP
from vigil.sharing.models import AuditEntry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 32


@pytest.fixture
def people(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_accreditation_personas(
        min_member_funding_share=Decimal(50), decision_rule=DecisionRule.MAJORITY
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestRegistryPages:
    @pytest.fixture
    def network(self, db):
        CountryFactory(iso3="NGA", name="Nigeria")
        network = OrganisationFactory(
            slug="kano-peace", name="Kano Peace Network", country_id="NGA", acronym="KPN"
        )
        ThematicMandate.objects.create(organisation=network, theme="mediation")
        AreaMandate.objects.create(organisation=network, country_id="NGA", presence=Presence.FIELD)
        OrganisationFactory(slug="relief", name="Relief Now")
        return network

    def test_the_registry_filters_by_mandate(self, client, network):
        response = client.get(reverse("actors:registry"), {"theme": "mediation"})
        assert response.status_code == 200
        assert 'data-organisation="kano-peace"' in response.text
        assert 'data-organisation="relief"' not in response.text
        assert " style=" not in response.text

    def test_the_csv_carries_hxl_tags(self, client, network):
        response = client.get(reverse("actors:registry-csv"), {"country": "NGA"})
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert response["Content-Type"].startswith("text/csv")
        assert rows[1][:5] == [
            "#org+name",
            "#org+code",
            "#org+acronym",
            "#org+type",
            "#country+code",
        ]
        assert "#sector" in rows[1]
        assert rows[2][:2] == ["Kano Peace Network", "kano-peace"]
        assert rows[2][rows[1].index("#sector")] == "mediation"
        assert len(rows) == 3

    def test_contacts_show_by_their_mark_and_amber_reads_are_audited(self, network, personas):
        for mark in (TLP.GREEN, TLP.AMBER):
            Contact.objects.create(
                organisation=network,
                owner_org=network,
                name=f"Person {mark}",
                role=ContactRole.FOCAL_POINT,
                tlp=mark,
                email=f"{mark.lower()}@kpn.example",
            )
        url = reverse("actors:organisation", args=["kano-peace"])

        public = Client().get(url).text
        analyst = signed_in(personas.analyst).get(url).text
        admin = signed_in(personas.admin).get(url).text

        assert "green@kpn.example" not in public
        assert "green@kpn.example" in analyst
        assert "amber@kpn.example" not in analyst
        assert "amber@kpn.example" in admin
        assert AuditEntry.objects.filter(user=personas.admin, tlp=TLP.AMBER).count() == 1

    def test_agreements_list_only_what_the_reader_may_see(self, network, personas):
        for mark in (TLP.GREEN, TLP.AMBER_STRICT):
            agreement = Agreement.objects.create(
                owner_org=personas.ecowas,
                tlp=mark,
                kind="mou",
                title=f"MoU {mark}",
                signed_on=dt.date(2024, 1, 1),
                expires_on=dt.date(2030, 1, 1),
            )
            agreement.parties.set([personas.ecowas, network])

        def titles(user):
            client = signed_in(user) if user.is_authenticated else Client()
            return client.get(reverse("actors:agreements")).text

        assert "MoU GREEN" in titles(personas.other_org_analyst)
        assert "MoU AMBER+STRICT" not in titles(personas.other_org_analyst)
        assert "MoU AMBER+STRICT" in titles(personas.analyst)
        assert "MoU GREEN" not in titles(personas.public)

    def test_best_placed_explains_each_component(self, client, network):
        response = client.get(
            reverse("actors:best-placed"), {"theme": "mediation", "country": "NGA"}
        )
        assert response.status_code == 200
        assert "Kano Peace Network" in response.text
        assert "Mandated for Mediation." in response.text
        assert "component-presence" in response.text

    def test_best_placed_narrows_to_a_region_of_the_chosen_country(self, client, network):
        kano = AdminArea.objects.create(country_id="NGA", level=1, name="Kano", key="kano")
        AreaMandate.objects.create(
            organisation=network, country_id="NGA", admin_area=kano, presence=Presence.OFFICE
        )
        url = reverse("actors:best-placed")
        first = client.get(url, {"theme": "mediation", "country": "NGA"})
        assert f'<option value="{kano.pk}">Kano</option>' in first.text

        narrowed = client.get(url, {"theme": "mediation", "country": "NGA", "admin_area": kano.pk})
        assert "Office in the area itself." in narrowed.text

    def test_best_placed_needs_a_place(self, client, network):
        response = client.get(reverse("actors:best-placed"), {"theme": "mediation"})
        assert "Choose an alert or a country." in response.text


class TestAccreditationPages:
    def form_data(self, people, **overrides):
        data = {
            "applicant": str(people.cso.pk),
            "profile": "Community early warning in Lofa county.",
            "founded_year": "2004",
            "registration_country": "LBR",
            "registration_number": "LR-CSO-0042",
            "governance": "Elected board; audited accounts.",
            "references": "UNDP Liberia",
            "funding-TOTAL_FORMS": "3",
            "funding-INITIAL_FORMS": "0",
            "funding-MIN_NUM_FORMS": "0",
            "funding-MAX_NUM_FORMS": "20",
            "funding-0-source": "Members' dues",
            "funding-0-amount": "7000",
            "funding-0-currency": "USD",
            "funding-0-from_members": "on",
            "funding-1-source": "Foundation grant",
            "funding-1-amount": "3000",
            "funding-1-currency": "USD",
            "statutes": SimpleUploadedFile("statutes.pdf", PDF, content_type="application/pdf"),
        }
        data.update(overrides)
        return data

    def test_a_cso_member_applies_and_lands_on_the_status_page(self, people):
        client = signed_in(people.cso_applicant)
        url = reverse("actors:apply", args=["MRU"])
        assert client.get(url).status_code == 200

        response = client.post(url, self.form_data(people), follow=True)

        application = AccreditationApplication.objects.get()
        assert response.redirect_chain[-1][0] == reverse(
            "actors:application", args=[application.pk]
        )
        assert application.status == ApplicationStatus.SUBMITTED
        assert [(f.source, f.from_members) for f in application.funding_sources.all()] == [
            ("Members' dues", True),
            ("Foundation grant", False),
        ]
        assert 'data-criterion="member_funding"' in response.text
        assert "70.00%" in response.text
        assert 'id="review-form"' not in response.text

    def test_someone_who_is_not_in_a_cso_is_told_so(self, people):
        response = signed_in(people.liberia_focal_point).get(reverse("actors:apply", args=["MRU"]))
        assert response.status_code == 403

    def test_anonymous_visitors_are_sent_to_sign_in(self, people):
        response = Client().get(reverse("actors:apply", args=["MRU"]))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_a_bad_funding_row_is_shown_beside_its_field(self, people):
        client = signed_in(people.cso_applicant)
        data = self.form_data(people, **{"funding-2-source": "Mystery donor"})
        response = client.post(reverse("actors:apply", args=["MRU"]), data)
        assert response.status_code == 200
        assert "Give the amount." in response.text
        assert not AccreditationApplication.objects.exists()

    def test_focal_points_review_from_the_queue_and_objections_need_reasons(self, people):
        signed_in(people.cso_applicant).post(
            reverse("actors:apply", args=["MRU"]), self.form_data(people)
        )
        application = AccreditationApplication.objects.get()
        focal_point = signed_in(people.sierra_leone_focal_point)
        queue = focal_point.get(reverse("actors:review-queue")).text
        assert f'data-application-id="{application.pk}"' in queue

        detail_url = reverse("actors:application", args=[application.pk])
        assert 'id="review-form"' in focal_point.get(detail_url).text
        review_url = reverse("actors:application-review", args=[application.pk])
        refused = focal_point.post(review_url, {"verdict": "object", "country": "SLE"})
        assert refused.status_code == 422
        assert "An objection states its reasons." in refused.text

        done = focal_point.post(
            review_url,
            {"verdict": "object", "reasons": "Not registered with us.", "country": "SLE"},
            follow=True,
        )
        assert "Not registered with us." in done.text
        assert application.reviews.get().verdict == "object"

    def test_outsiders_cannot_see_or_review_an_application(self, people, personas):
        application = accreditation.apply_for_accreditation(
            actor=people.cso_applicant,
            applicant=people.cso,
            scheme=people.scheme,
            profile="x",
            governance="y",
            registration_country_id="LBR",
            funding=[accreditation.Funding("Dues", Decimal(1), True)],
        )
        for user in (personas.analyst, personas.other_org_analyst):
            client = signed_in(user)
            assert (
                client.get(reverse("actors:application", args=[application.pk])).status_code == 404
            )
            assert (
                client.post(
                    reverse("actors:application-review", args=[application.pk]),
                    {"verdict": "approve", "country": "LBR"},
                ).status_code
                == 404
            )
        assert not application.reviews.exists()

    def test_the_accreditation_page_lists_schemes_and_my_applications(self, people):
        response = signed_in(people.cso_applicant).get(reverse("actors:accreditation"))
        assert 'data-scheme="MRU"' in response.text
        assert 'id="apply-MRU"' in response.text


def test_the_nav_links_focal_points_to_their_queue(people, rf):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = people.liberia_focal_point
    focal_point = render_to_string("actors/nav.html", {"user": request.user}, request=request)
    request.user = people.cso_applicant
    applicant = render_to_string("actors/nav.html", {"user": request.user}, request=request)

    assert reverse("actors:review-queue") in focal_point
    assert reverse("actors:review-queue") not in applicant
    assert reverse("actors:accreditation") in applicant


class TestRecordingAgreements:
    @pytest.fixture
    def parties(self, personas, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        return personas

    def test_a_member_records_an_agreement_with_its_document(self, parties):
        client = signed_in(parties.analyst)
        url = reverse("actors:agreement-new")
        assert client.get(url).status_code == 200

        response = client.post(
            url,
            {
                "owner_org": parties.ecowas.pk,
                "kind": "mou",
                "title": "ECOWAS–WANEP MoU on ECOWARN",
                "parties": [parties.wanep.pk],
                "signed_on": "2024-03-01",
                "expires_on": "2029-02-28",
                "themes": ["early_warning"],
                "tlp": "GREEN",
                "document": SimpleUploadedFile("mou.pdf", PDF, content_type="application/pdf"),
            },
            follow=True,
        )

        assert "Agreement recorded." in response.text
        agreement = Agreement.objects.get()
        assert {p.slug for p in agreement.parties.all()} == {"ecowas", "wanep-nigeria"}
        assert agreement.document
        download = client.get(reverse("actors:agreement-document", args=[agreement.pk]))
        assert b"".join(download.streaming_content) == PDF
        assert (
            Client().get(reverse("actors:agreement-document", args=[agreement.pk])).status_code
            == 404
        )

    def test_an_expiry_before_signature_is_shown_beside_the_field(self, parties):
        response = signed_in(parties.analyst).post(
            reverse("actors:agreement-new"),
            {
                "owner_org": parties.ecowas.pk,
                "kind": "mou",
                "title": "Backwards",
                "parties": [parties.wanep.pk],
                "signed_on": "2024-03-01",
                "expires_on": "2023-03-01",
                "tlp": "GREEN",
            },
        )
        assert "An agreement expires after it is signed." in response.text
        assert not Agreement.objects.exists()

    def test_the_api_records_an_agreement(self, parties):
        response = signed_in(parties.analyst).post(
            "/api/v1/actors/agreements",
            {
                "owner_org": "ecowas",
                "kind": "cooperation",
                "title": "Cooperation on mediation",
                "parties": ["wanep-nigeria"],
                "signed_on": "2025-01-01",
                "expires_on": "2027-01-01",
                "themes": ["mediation"],
            },
            content_type="application/json",
        )
        assert response.status_code == 201
        assert sorted(response.json()["parties"]) == ["ecowas", "wanep-nigeria"]
        refused = signed_in(parties.other_org_analyst).post(
            "/api/v1/actors/agreements",
            {
                "owner_org": "ecowas",
                "kind": "mou",
                "title": "x",
                "parties": ["igad"],
                "signed_on": "2025-01-01",
            },
            content_type="application/json",
        )
        assert refused.status_code == 422


class TestEditingTheRegistryEntry:
    def test_the_organisations_admin_edits_mandates_and_languages(self, people):
        client = signed_in(people.cso_applicant)  # an org_admin of the CSO
        url = reverse("actors:organisation-edit", args=[people.cso.slug])
        assert (
            'id="edit-profile"'
            in client.get(reverse("actors:organisation", args=[people.cso.slug])).text
        )

        response = client.post(
            url,
            {"themes": ["early_warning", "mediation"], "languages": "en, fr", "website": ""},
            follow=True,
        )

        assert "Registry entry updated." in response.text
        assert sorted(m.theme for m in people.cso.thematic_mandates.all()) == [
            "early_warning",
            "mediation",
        ]
        assert sorted(language.code for language in people.cso.languages.all()) == ["en", "fr"]

    def test_others_may_not_edit_it(self, people):
        url = reverse("actors:organisation-edit", args=[people.cso.slug])
        assert signed_in(people.liberia_focal_point).get(url).status_code == 403
        detail = signed_in(people.liberia_focal_point).get(
            reverse("actors:organisation", args=[people.cso.slug])
        )
        assert 'id="edit-profile"' not in detail.text

    def test_a_bad_language_code_is_shown_beside_the_field(self, people):
        response = signed_in(people.cso_applicant).post(
            reverse("actors:organisation-edit", args=[people.cso.slug]),
            {"languages": "english"},
        )
        assert "Use ISO 639 codes such as en, fr, ha." in response.text
