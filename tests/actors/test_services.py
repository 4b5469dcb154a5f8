"""Registry and agreement writes (src/vigil/actors/services.py): profiles, contacts,
agreements, and reminders before expiry that are raised once and e-mailed once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import CountryFactory, MembershipFactory, OrganisationFactory, UserFactory
from vigil.actors import services
from vigil.actors.choices import AgreementKind, ContactRole, OrganisationKind, Presence, Role
from vigil.actors.models import AgreementReminder, Contact

pytestmark = pytest.mark.django_db

SIGNED = dt.date(2024, 1, 15)
EXPIRES = dt.date(2026, 6, 30)


@pytest.fixture
def wanep(db):
    """WANEP Nigeria with its admin (who keeps its registry entry) and ECOWAS."""
    CountryFactory(iso3="NGA", name="Nigeria")
    wanep = OrganisationFactory(slug="wanep-nigeria", name="WANEP Nigeria", country_id="NGA")
    admin = UserFactory(username="wanep_admin", email="admin@wanep.example")
    MembershipFactory(user=admin, organisation=wanep, role=Role.ORG_ADMIN)
    ecowas = OrganisationFactory(slug="ecowas", kind=OrganisationKind.REGIONAL_ORGANISATION)
    return wanep, admin, ecowas


def test_profile_edits_replace_mandates_and_languages(wanep):
    organisation, admin, _ = wanep
    services.update_registry_profile(
        organisation=organisation,
        actor=admin,
        themes=["mediation", "early_warning"],
        languages=["en", "ha"],
    )
    services.update_registry_profile(
        organisation=organisation, actor=admin, themes=["early_warning"], languages=["EN", "yo"]
    )

    assert [m.theme for m in organisation.thematic_mandates.all()] == ["early_warning"]
    assert sorted(language.code for language in organisation.languages.all()) == ["en", "yo"]


def test_only_the_organisations_admins_edit_its_entry(wanep):
    organisation, _, _ = wanep
    monitor = UserFactory(username="wanep_monitor")
    MembershipFactory(user=monitor, organisation=organisation, role=Role.MONITOR)
    with pytest.raises(PermissionDenied):
        services.update_registry_profile(organisation=organisation, actor=monitor, themes=[])


def test_unknown_themes_and_languages_are_refused(wanep):
    organisation, admin, _ = wanep
    with pytest.raises(ValidationError):
        services.update_registry_profile(organisation=organisation, actor=admin, themes=["war"])
    with pytest.raises(ValidationError):
        services.update_registry_profile(
            organisation=organisation, actor=admin, languages=["english"]
        )


def test_area_presence_is_updated_not_duplicated(wanep):
    organisation, admin, _ = wanep
    services.add_area_mandate(organisation=organisation, actor=admin, country_id="NGA")
    services.add_area_mandate(
        organisation=organisation, actor=admin, country_id="NGA", presence=Presence.OFFICE
    )
    assert [(a.country_id, a.presence) for a in organisation.area_mandates.all()] == [
        ("NGA", "office")
    ]


def test_champions_sit_inside_regional_organisations(wanep):
    organisation, admin, ecowas = wanep
    with pytest.raises(ValidationError):
        services.add_contact(
            organisation=organisation, actor=admin, name="A. Bello", role=ContactRole.CHAMPION
        )
    ecowas_admin = UserFactory(username="ecowas_admin")
    MembershipFactory(user=ecowas_admin, organisation=ecowas, role=Role.ORG_ADMIN)
    champion = services.add_contact(
        organisation=ecowas,
        actor=ecowas_admin,
        name="F. Diallo",
        role=ContactRole.CHAMPION,
        portfolio="Civil-society relations",
    )
    assert champion.owner_org == ecowas
    assert champion.tlp == "GREEN"


def record(wanep, **overrides):
    organisation, admin, ecowas = wanep
    options = {
        "actor": admin,
        "owner_org": organisation,
        "kind": AgreementKind.MOU,
        "title": "ECOWARN data-sharing MoU",
        "parties": [ecowas],
        "signed_on": SIGNED,
        "expires_on": EXPIRES,
        "scope": "Field reports from WANEP monitors into ECOWARN.",
        "themes": ["early_warning"],
    }
    options.update(overrides)
    return services.record_agreement(**options)


def test_an_agreement_has_its_recorder_among_at_least_two_parties(wanep, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("mou.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    agreement = record(wanep, document=pdf)

    assert {p.slug for p in agreement.parties.all()} == {"wanep-nigeria", "ecowas"}
    assert agreement.document.name.endswith(".pdf")
    with pytest.raises(ValidationError):
        record(wanep, parties=[])


def test_an_agreement_expires_after_it_is_signed(wanep):
    with pytest.raises(ValidationError):
        record(wanep, expires_on=SIGNED)


def test_outsiders_do_not_record_agreements_for_an_organisation(wanep):
    outsider = UserFactory(username="outsider")
    with pytest.raises(PermissionDenied):
        record(wanep, actor=outsider)


def test_a_document_must_be_a_pdf_or_office_file(wanep, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    html = SimpleUploadedFile("mou.pdf", b"<html>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        record(wanep, document=html)


class TestReminders:
    def test_nothing_is_due_before_the_first_lead_time(self, wanep):
        record(wanep)
        assert services.due_agreement_reminders(EXPIRES - dt.timedelta(days=91)) == []

    def test_each_lead_time_is_raised_once(self, wanep):
        agreement = record(wanep)
        day_90 = EXPIRES - dt.timedelta(days=90)

        first = services.due_agreement_reminders(day_90)
        again = services.due_agreement_reminders(day_90)
        next_day = services.due_agreement_reminders(day_90 + dt.timedelta(days=1))
        at_30 = services.due_agreement_reminders(EXPIRES - dt.timedelta(days=30))
        at_7 = services.due_agreement_reminders(EXPIRES - dt.timedelta(days=7))

        assert [(r.agreement_id, r.days_before) for r in first] == [(agreement.pk, 90)]
        assert again == []
        assert next_day == []
        assert [r.days_before for r in at_30] == [30]
        assert [r.days_before for r in at_7] == [7]
        assert AgreementReminder.objects.count() == 3

    def test_a_late_run_raises_only_the_nearest_reminder(self, wanep):
        record(wanep)
        late = services.due_agreement_reminders(EXPIRES - dt.timedelta(days=5))
        assert [r.days_before for r in late] == [7]
        assert services.due_agreement_reminders(EXPIRES - dt.timedelta(days=4)) == []

    def test_expired_and_open_ended_agreements_raise_nothing(self, wanep):
        record(wanep, expires_on=None)
        record(wanep, title="Old MoU", expires_on=dt.date(2025, 1, 1))
        assert services.due_agreement_reminders(dt.date(2025, 1, 1)) == []

    def test_a_renewed_agreement_is_reminded_again(self, wanep):
        agreement = record(wanep)
        services.due_agreement_reminders(EXPIRES - dt.timedelta(days=7))
        agreement.expires_on = dt.date(2028, 6, 30)
        agreement.save()
        renewed = services.due_agreement_reminders(dt.date(2028, 6, 30) - dt.timedelta(days=90))
        assert [(r.expires_on, r.days_before) for r in renewed] == [(dt.date(2028, 6, 30), 90)]

    def test_reminders_are_emailed_once_to_focal_points_and_admins(
        self, wanep, smtp_server, settings
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        _organisation, _admin, ecowas = wanep
        Contact.objects.create(
            organisation=ecowas,
            owner_org=ecowas,
            name="ECOWAS focal point",
            role=ContactRole.FOCAL_POINT,
            email="focal@ecowas.example",
        )
        record(wanep)
        services.due_agreement_reminders(EXPIRES - dt.timedelta(days=30))

        assert services.send_agreement_reminders() == 1
        assert services.send_agreement_reminders() == 0
        smtp_server.handler.wait_for(1)
        [message] = smtp_server.handler.received
        assert sorted(message.to) == ["admin@wanep.example", "focal@ecowas.example"]
        assert "2026-06-30" in message.subject
        assert AgreementReminder.objects.get().notified_at is not None


def test_a_refused_reminder_is_retried_on_the_next_run(wanep, smtp_server, settings):
    import smtplib

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    record(wanep)
    services.due_agreement_reminders(EXPIRES - dt.timedelta(days=7))
    smtp_server.handler.replies.append("554 5.7.1 Refused")

    with pytest.raises(smtplib.SMTPDataError):
        services.send_agreement_reminders()
    assert AgreementReminder.objects.get().notified_at is None

    assert services.send_agreement_reminders() == 1
    smtp_server.handler.wait_for(1)
