"""Accreditation (src/vigil/actors/accreditation.py): apply, eligibility, review, decision
by each configured rule, registration with privileges, expiry and renewal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.personas import make_accreditation_personas
from vigil.actors import accreditation
from vigil.actors.accreditation import Funding, tally
from vigil.actors.choices import ApplicationStatus, DecisionRule, OrganisationKind, Role
from vigil.actors.models import ApplicationStep, MemberStateReview, Registration
from vigil.actors.selectors import holds_privilege, privileges_of

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
PDF = b"%PDF-1.4\n" + b"0" * 64
MRU = ["CIV", "GIN", "LBR", "SLE"]


def statutes() -> SimpleUploadedFile:
    return SimpleUploadedFile("statutes.pdf", PDF, content_type="application/pdf")


def apply(people, **overrides):
    """The Liberian CSO applies with a complete, eligible file."""
    options = {
        "actor": people.cso_applicant,
        "applicant": people.cso,
        "scheme": people.scheme,
        "profile": "Community early warning in Lofa and Nimba counties.",
        "governance": "An elected board of seven; annual general assembly; audited accounts.",
        "references": "UNDP Liberia\nWANEP Regional",
        "founded_year": 2005,
        "registration_country_id": "LBR",
        "funding": [
            Funding("Membership dues", Decimal("6000"), True),
            Funding("Foundation grant", Decimal("4000"), False),
        ],
        "statutes": statutes(),
        "today": TODAY,
    }
    options.update(overrides)
    return accreditation.apply_for_accreditation(**options)


@pytest.fixture
def people(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_accreditation_personas(
        min_member_funding_share=Decimal("50"), min_references=2, review_days=30
    )


class TestTally:
    """The decision rules, on Liberia approving and Sierra Leone objecting in the MRU."""

    verdicts = {"LBR": "approve", "SLE": "object"}

    def test_open_review_has_no_outcome(self):
        result = tally(DecisionRule.MAJORITY, MRU, self.verdicts, closed=False)
        assert result.approved is None
        assert result.silent == ["CIV", "GIN"]

    def test_consensus_needs_every_state_to_approve(self):
        assert tally(DecisionRule.CONSENSUS, MRU, self.verdicts, closed=True).approved is False
        everyone = dict.fromkeys(MRU, "approve")
        assert tally(DecisionRule.CONSENSUS, MRU, everyone, closed=True).approved is True
        silent = {"LBR": "approve"}
        assert tally(DecisionRule.CONSENSUS, MRU, silent, closed=True).approved is False

    def test_one_objection_blocks_under_no_sustained_objection(self):
        result = tally(DecisionRule.NO_SUSTAINED_OBJECTION, MRU, self.verdicts, closed=True)
        assert result.approved is False
        assert result.objections == ["SLE"]
        silent = tally(DecisionRule.NO_SUSTAINED_OBJECTION, MRU, {}, closed=True)
        assert silent.approved is True

    def test_majority_blocks_only_when_half_object(self):
        assert tally(DecisionRule.MAJORITY, MRU, self.verdicts, closed=True).approved is True
        half = {"LBR": "object", "SLE": "object"}
        assert tally(DecisionRule.MAJORITY, MRU, half, closed=True).approved is False


class TestApply:
    def test_eligibility_is_checked_and_kept_criterion_by_criterion(self, people):
        application = apply(people)

        assert application.status == ApplicationStatus.SUBMITTED
        by_code = {c["code"]: c for c in application.eligibility}
        assert set(by_code) == {
            "kind",
            "registered_in_region",
            "statutes",
            "governance",
            "references",
            "member_funding",
        }
        assert by_code["member_funding"]["found"] == "60.00%"
        assert all(c["passed"] for c in application.eligibility)
        assert application.member_states == MRU
        assert application.review_deadline == TODAY + dt.timedelta(days=30)

    def test_funds_mostly_from_outside_members_make_it_ineligible(self, people):
        application = apply(
            people,
            funding=[
                Funding("Membership dues", Decimal("4999"), True),
                Funding("Foundation grant", Decimal("5001"), False),
            ],
        )

        assert application.status == ApplicationStatus.INELIGIBLE
        failed = [c["code"] for c in application.eligibility if not c["passed"]]
        assert failed == ["member_funding"]
        assert [s.status for s in application.steps.all()] == ["submitted", "ineligible"]

    def test_member_states_are_those_of_the_day(self, people):
        # Côte d'Ivoire joined the MRU in 2008: an application in 2007 is not sent to it.
        application = apply(people, today=dt.date(2007, 6, 1), founded_year=2000)
        assert application.member_states == ["GIN", "LBR", "SLE"]

    def test_only_members_of_a_cso_apply(self, people):
        with pytest.raises(PermissionDenied):
            apply(people, actor=people.liberia_focal_point)
        state_member = UserFactory(username="state_staff")
        MembershipFactory(user=state_member, organisation=people.liberia, role=Role.ORG_ADMIN)
        with pytest.raises(PermissionDenied):
            apply(people, actor=state_member, applicant=people.liberia)

    def test_a_second_application_under_review_is_refused(self, people):
        apply(people)
        with pytest.raises(ValidationError):
            apply(people)

    def test_a_closed_scheme_refuses(self, people):
        people.scheme.is_open = False
        people.scheme.save()
        with pytest.raises(ValidationError):
            apply(people)

    def test_statutes_must_be_a_document(self, people):
        exe = SimpleUploadedFile("statutes.pdf", b"MZ\x90\x00", content_type="application/pdf")
        with pytest.raises(ValidationError):
            apply(people, statutes=exe)


class TestReview:
    def test_only_the_states_focal_point_reviews_for_it(self, people):
        application = apply(people)
        with pytest.raises(PermissionDenied):
            accreditation.review_application(
                application=application, actor=people.cso_applicant, verdict="approve", today=TODAY
            )
        with pytest.raises(PermissionDenied):
            accreditation.review_application(
                application=application,
                actor=people.liberia_focal_point,
                verdict="approve",
                country_id="SLE",
                today=TODAY,
            )

    def test_an_objection_states_reasons(self, people):
        application = apply(people)
        with pytest.raises(ValidationError):
            accreditation.review_application(
                application=application,
                actor=people.sierra_leone_focal_point,
                verdict="object",
                today=TODAY,
            )

    def test_no_review_after_the_deadline(self, people):
        application = apply(people)
        with pytest.raises(ValidationError):
            accreditation.review_application(
                application=application,
                actor=people.liberia_focal_point,
                verdict="approve",
                today=application.review_deadline + dt.timedelta(days=1),
            )

    def review_split(self, people):
        """Liberia approves, Sierra Leone objects, Guinea and Côte d'Ivoire stay silent."""
        application = apply(people)
        accreditation.review_application(
            application=application,
            actor=people.liberia_focal_point,
            verdict="approve",
            today=TODAY,
        )
        accreditation.review_application(
            application=application,
            actor=people.sierra_leone_focal_point,
            verdict="object",
            reasons="Its registration lapsed in 2024.",
            today=TODAY,
        )
        return application

    def test_decision_waits_for_the_deadline_while_states_are_silent(self, people):
        application = self.review_split(people)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        with pytest.raises(ValidationError):
            accreditation.decide_application(application=application, today=TODAY)
        assert accreditation.decide_due_applications(today=application.review_deadline) == []

    @pytest.mark.parametrize(
        ("rule", "outcome"),
        [
            (DecisionRule.CONSENSUS, ApplicationStatus.REJECTED),
            (DecisionRule.NO_SUSTAINED_OBJECTION, ApplicationStatus.REJECTED),
            (DecisionRule.MAJORITY, ApplicationStatus.APPROVED),
        ],
    )
    def test_the_configured_rule_decides_at_the_deadline(self, people, rule, outcome):
        people.scheme.decision_rule = rule
        people.scheme.save()
        application = self.review_split(people)

        decided = accreditation.decide_due_applications(
            today=application.review_deadline + dt.timedelta(days=1)
        )

        assert [a.pk for a in decided] == [application.pk]
        application.refresh_from_db()
        assert application.status == outcome
        assert Registration.objects.filter(application=application).exists() == (
            outcome == ApplicationStatus.APPROVED
        )
        assert [s.status for s in application.steps.all()] == ["submitted", outcome]

    def test_a_withdrawn_objection_is_not_sustained(self, people):
        application = self.review_split(people)
        accreditation.review_application(
            application=application,
            actor=people.sierra_leone_focal_point,
            verdict="approve",
            today=TODAY + dt.timedelta(days=3),
        )
        accreditation.decide_due_applications(today=TODAY + dt.timedelta(days=31))

        application.refresh_from_db()
        assert application.status == ApplicationStatus.APPROVED
        assert MemberStateReview.objects.filter(application=application).count() == 3

    def test_the_last_state_to_review_closes_the_review(self, people):
        people.scheme.decision_rule = DecisionRule.CONSENSUS
        people.scheme.save()
        application = apply(people)
        for iso3, name in (("GIN", "guinea"), ("CIV", "cote-divoire")):
            state = OrganisationFactory(
                slug=name, kind=OrganisationKind.MEMBER_STATE, country_id=iso3
            )
            user = UserFactory(username=f"{name}_focal_point")
            MembershipFactory(user=user, organisation=state, role=Role.FOCAL_POINT)
            accreditation.review_application(
                application=application, actor=user, verdict="approve", today=TODAY
            )
        for fp in (people.liberia_focal_point, people.sierra_leone_focal_point):
            accreditation.review_application(
                application=application, actor=fp, verdict="approve", today=TODAY
            )

        application.refresh_from_db()
        assert application.status == ApplicationStatus.APPROVED
        assert application.decided_on == TODAY


class TestRegistration:
    def approved(self, people, today=TODAY):
        people.scheme.decision_rule = DecisionRule.NO_SUSTAINED_OBJECTION
        people.scheme.save()
        application = apply(people, today=today)
        accreditation.decide_due_applications(today=application.review_deadline + dt.timedelta(1))
        application.refresh_from_db()
        return application.registration

    def test_privileges_come_from_the_scheme_and_lapse_on_expiry(self, people):
        people.scheme.read_draft_documents = True
        people.scheme.products_tlp = "GREEN"
        people.scheme.save()
        registration = self.approved(people)
        granted = registration.granted_on

        assert registration.expires_on == granted.replace(year=granted.year + 4)
        assert holds_privilege(people.cso, "MRU", "submit_written_input", on=granted)
        assert holds_privilege(people.cso, "MRU", "read_draft_documents", on=granted)
        assert holds_privilege(people.cso, "MRU", "receive_products", on=granted)
        assert not holds_privilege(people.cso, "ECOWAS", "submit_written_input", on=granted)
        assert not holds_privilege(people.cso, "MRU", "fly_the_flag", on=granted)
        last_day = registration.expires_on - dt.timedelta(days=1)
        assert holds_privilege(people.cso, "MRU", "attend_meetings", on=last_day)
        assert not holds_privilege(people.cso, "MRU", "attend_meetings", on=registration.expires_on)
        assert privileges_of(people.cso, on=registration.expires_on) == []
        [held] = privileges_of(people.cso, on=granted)
        assert held.written_input_word_limit == 2000
        assert set(held.names()) == {
            "attend_meetings",
            "submit_written_input",
            "read_draft_documents",
            "receive_products",
        }

    def test_privileges_stop_on_revocation(self, people):
        registration = self.approved(people)
        day = registration.granted_on + dt.timedelta(days=10)
        accreditation.revoke_registration(
            registration=registration, actor=people.secretariat, reason="Dissolved", today=day
        )
        assert holds_privilege(people.cso, "MRU", "attend_meetings", on=day - dt.timedelta(1))
        assert not holds_privilege(people.cso, "MRU", "attend_meetings", on=day)

    def test_only_the_regional_organisation_revokes(self, people):
        registration = self.approved(people)
        with pytest.raises(PermissionDenied):
            accreditation.revoke_registration(
                registration=registration, actor=people.cso_applicant, reason="x"
            )

    def test_renewal_opens_in_the_window_and_continues_the_registration(self, people):
        registration = self.approved(people)
        too_early = registration.expires_on - dt.timedelta(days=181)
        with pytest.raises(ValidationError):
            apply(people, today=too_early)

        in_window = registration.expires_on - dt.timedelta(days=60)
        renewal = apply(people, today=in_window)
        assert renewal.renews == registration
        accreditation.decide_due_applications(today=renewal.review_deadline + dt.timedelta(1))
        renewal.refresh_from_db()

        assert renewal.registration.expires_on == registration.expires_on.replace(
            year=registration.expires_on.year + 4
        )
        assert holds_privilege(people.cso, "MRU", "attend_meetings", on=registration.expires_on)

    def test_every_step_is_a_row(self, people):
        registration = self.approved(people)
        steps = ApplicationStep.objects.filter(application=registration.application)
        assert [s.status for s in steps] == ["submitted", "approved"]
        assert "objection" in steps.last().note.lower()


def test_add_years_keeps_leap_days_in_common_years():
    assert accreditation.add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
