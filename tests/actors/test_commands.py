"""The daily jobs of the actors app (src/vigil/actors/management/commands/)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.factories import OrganisationFactory
from tests.personas import make_accreditation_personas
from vigil.actors import accreditation
from vigil.actors.choices import ApplicationStatus
from vigil.actors.models import Agreement, AgreementReminder

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_remind_agreements_raises_each_reminder_once(db):
    owner = OrganisationFactory(slug="ecowas")
    agreement = Agreement.objects.create(
        owner_org=owner,
        kind="mou",
        title="ECOWARN MoU",
        signed_on=dt.date(2023, 1, 1),
        expires_on=dt.date(2026, 3, 31),
    )
    agreement.parties.set([owner, OrganisationFactory(slug="wanep")])

    first = run("remind_agreements", "--today=2026-03-01", "--no-email")
    second = run("remind_agreements", "--today=2026-03-01", "--no-email")

    assert "ECOWARN MoU: expires 2026-03-31 (reminder T-30)" in first
    assert "0 reminder(s) raised" in second
    assert AgreementReminder.objects.get().days_before == 30


def test_decide_accreditations_applies_the_rule_after_the_deadline(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = make_accreditation_personas(require_statutes=False, review_days=30)
    application = accreditation.apply_for_accreditation(
        actor=people.cso_applicant,
        applicant=people.cso,
        scheme=people.scheme,
        profile="Community early warning.",
        governance="Elected board.",
        registration_country_id="LBR",
        today=dt.date(2026, 1, 5),
    )

    assert "0 application(s) decided" in run("decide_accreditations", "--today=2026-02-04")
    output = run("decide_accreditations", "--today=2026-02-05")

    application.refresh_from_db()
    assert "1 application(s) decided" in output
    assert application.status == ApplicationStatus.APPROVED  # silence is no objection
