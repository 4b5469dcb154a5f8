"""Reads of the registry and accreditation (src/vigil/actors/selectors.py): filters, who sees
which contacts, agreements and applications, the review queue, and who is best placed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from tests.factories import CountryFactory, OrganisationFactory
from tests.personas import make_accreditation_personas
from vigil.actors import accreditation, selectors
from vigil.actors.choices import ContactRole, OrganisationKind, Presence
from vigil.actors.models import (
    Agreement,
    AreaMandate,
    Capacity,
    Contact,
    OrganisationLanguage,
    ThematicMandate,
)
from vigil.geo.models import AdminArea
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(db):
    """Three organisations working in Nigeria, one of them on the ground in Kano."""
    nga = CountryFactory(iso3="NGA", name="Nigeria")
    CountryFactory(iso3="GHA", name="Ghana")
    kano = AdminArea.objects.create(country=nga, level=1, name="Kano", key="kano")
    network = OrganisationFactory(slug="kano-peace", name="Kano Peace Network", country=nga)
    ThematicMandate.objects.create(organisation=network, theme="mediation")
    AreaMandate.objects.create(
        organisation=network, country=nga, admin_area=kano, presence=Presence.OFFICE
    )
    Capacity.objects.create(organisation=network, theme="mediation", level=3)
    OrganisationLanguage.objects.create(organisation=network, code="ha")
    ngo = OrganisationFactory(slug="accra-rights", name="Accra Rights", country_id="GHA")
    ThematicMandate.objects.create(organisation=ngo, theme="mediation")
    AreaMandate.objects.create(organisation=ngo, country_id="NGA", presence=Presence.MANDATE)
    relief = OrganisationFactory(slug="relief", name="Relief Now", kind=OrganisationKind.CSO)
    ThematicMandate.objects.create(organisation=relief, theme="humanitarian")
    OrganisationFactory(slug="ucdp", kind=OrganisationKind.DATA_PUBLISHER)
    return {"kano": kano, "network": network, "ngo": ngo, "relief": relief}


def slugs(queryset) -> list[str]:
    return [o.slug for o in queryset]


class TestRegistry:
    def test_data_publishers_are_not_in_the_registry(self, registry):
        assert slugs(selectors.registry()) == ["accra-rights", "kano-peace", "relief"]

    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            ({"theme": "mediation"}, ["accra-rights", "kano-peace"]),
            ({"country": "NGA"}, ["accra-rights", "kano-peace"]),
            ({"country": "GHA"}, ["accra-rights"]),
            ({"language": "HA"}, ["kano-peace"]),
            ({"q": "relief"}, ["relief"]),
            ({"kind": "member_state"}, []),
        ],
    )
    def test_filters(self, registry, filters, expected):
        assert slugs(selectors.registry(selectors.RegistryFilters(**filters))) == expected

    def test_an_unknown_organisation_is_404(self, registry):
        with pytest.raises(Http404):
            selectors.organisation_for("ucdp")


class TestBestPlaced:
    def test_ranks_by_mandate_presence_capacity_and_language(self, registry):
        result = selectors.best_placed(
            reader=None,
            theme="mediation",
            countries=[],
            admin_area_id=registry["kano"].pk,
            languages=["ha"],
        )

        assert [p.name for p in result.placements][:2] == ["Kano Peace Network", "Accra Rights"]
        assert result.request.countries == ("NGA",)
        top = result.placements[0]
        assert {c.name: c.score for c in top.components}["presence"] == 1.0

    def test_track_records_come_from_the_response_loop(self, registry):
        result = selectors.best_placed(reader=None, theme="mediation", countries=["NGA"])
        assert result.track_records_available is True

    def test_organisations_with_neither_mandate_nor_presence_are_not_ranked(self, registry):
        result = selectors.best_placed(reader=None, theme="security", countries=["GHA"])
        assert [p.name for p in result.placements] == ["Accra Rights"]


class TestContactsAndAgreements:
    def test_contacts_follow_their_tlp_mark(self, registry, personas):
        network = registry["network"]
        for mark in (TLP.CLEAR, TLP.GREEN, TLP.AMBER):
            Contact.objects.create(
                organisation=network,
                owner_org=network,
                name=f"Contact {mark}",
                role=ContactRole.FOCAL_POINT,
                tlp=mark,
            )

        def seen(user):
            return sorted(c.tlp for c in selectors.contacts_visible_to(user, network))

        assert seen(personas.public) == ["CLEAR"]
        assert seen(personas.analyst) == ["CLEAR", "GREEN"]
        assert seen(personas.admin) == ["AMBER", "CLEAR", "GREEN"]

    def test_agreements_expiring_soon(self, registry, personas):
        today = dt.date(2026, 1, 1)
        for title, expires in (("soon", dt.date(2026, 2, 1)), ("later", dt.date(2027, 1, 1))):
            agreement = Agreement.objects.create(
                owner_org=personas.ecowas,
                tlp=TLP.GREEN,
                kind="mou",
                title=title,
                signed_on=dt.date(2024, 1, 1),
                expires_on=expires,
            )
            agreement.parties.set([personas.ecowas, registry["network"]])

        soon = selectors.agreements_visible_to(personas.analyst, expiring_within=90, today=today)
        assert [a.title for a in soon] == ["soon"]
        assert selectors.agreements_visible_to(personas.public).count() == 0
        with pytest.raises(Http404):
            selectors.agreement_for(personas.public, soon[0].pk)


class TestApplications:
    @pytest.fixture
    def application(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        people = make_accreditation_personas(min_member_funding_share=Decimal(50))
        application = accreditation.apply_for_accreditation(
            actor=people.cso_applicant,
            applicant=people.cso,
            scheme=people.scheme,
            profile="Early warning in Lofa.",
            governance="Elected board.",
            registration_country_id="LBR",
            funding=[accreditation.Funding("Dues", Decimal(100), True)],
            statutes=SimpleUploadedFile("statutes.pdf", b"%PDF-1.4 statutes"),
        )
        return people, application

    def test_who_reads_an_application(self, application, personas):
        people, application = application
        readers = {
            "cso_applicant": people.cso_applicant,
            "liberia_focal_point": people.liberia_focal_point,
            "sierra_leone_focal_point": people.sierra_leone_focal_point,
            "secretariat": people.secretariat,
            "admin": personas.admin,
        }
        outsiders = {
            "analyst": personas.analyst,
            "other_org_analyst": personas.other_org_analyst,
            "public": personas.public,
        }
        for name, user in readers.items():
            assert selectors.application_for(user, application.pk) == application, name
        for name, user in outsiders.items():
            with pytest.raises(Http404):
                selectors.application_for(user, application.pk)
            assert not selectors.applications_visible_to(user).exists(), name

    def test_a_focal_point_of_a_non_member_sees_nothing(self, application):
        _people, application = application
        CountryFactory(iso3="GHA", name="Ghana")
        ghana = OrganisationFactory(
            slug="ghana", kind=OrganisationKind.MEMBER_STATE, country_id="GHA"
        )
        from tests.factories import MembershipFactory, UserFactory

        ghanaian = UserFactory(username="ghana_focal_point")
        MembershipFactory(user=ghanaian, organisation=ghana, role="focal_point")
        assert not selectors.applications_visible_to(ghanaian).exists()
        assert selectors.review_queue(ghanaian) == []

    def test_the_review_queue_puts_unreviewed_first(self, application):
        people, application = application
        [item] = selectors.review_queue(people.liberia_focal_point)
        assert (item.application, item.country, item.standing_verdict) == (
            application,
            "LBR",
            None,
        )
        accreditation.review_application(
            application=application, actor=people.liberia_focal_point, verdict="approve"
        )
        [item] = selectors.review_queue(people.liberia_focal_point)
        assert item.standing_verdict == "approve"
        assert selectors.review_queue(people.cso_applicant) == []

    def test_the_applicant_sees_its_own_applications(self, application):
        people, application = application
        assert list(selectors.applications_of(people.cso_applicant)) == [application]
        assert list(selectors.applications_of(people.liberia_focal_point)) == []


class TestBestPlacedForAnAlert:
    def test_the_alerts_countries_are_the_area(self, registry, personas):
        from tests.factories import AlertFactory

        alert = AlertFactory(
            owner_org=personas.ecowas, tlp=TLP.AMBER, event="Farmer-herder clashes"
        )
        alert.countries.set(["NGA"])

        countries, headline = selectors.alert_area(personas.analyst, alert.pk)

        assert (countries, headline) == (["NGA"], "Farmer-herder clashes")
        ranked = selectors.best_placed(reader=None, theme="mediation", countries=countries)
        assert ranked.placements[0].name == "Kano Peace Network"

    def test_an_alert_the_reader_may_not_see_is_404(self, registry, personas):
        from tests.factories import AlertFactory

        alert = AlertFactory(owner_org=personas.ecowas, tlp=TLP.AMBER_STRICT)
        with pytest.raises(Http404):
            selectors.alert_area(personas.other_org_analyst, alert.pk)
