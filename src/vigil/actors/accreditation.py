"""Accreditation of civil-society organisations with a regional organisation (OAS model).

A CSO applies; the scheme's eligibility criteria are checked and the result is kept with
the application; each member state's focal point approves or objects with reasons before
the review deadline; the scheme's decision rule turns the standing reviews into a decision;
an approved CSO is registered with the scheme's privileges until its registration expires;
it renews by applying again within the renewal window. Every step is a row.

The two rules at the heart of it, `check_eligibility` and `tally`, are pure functions so
that the pages can show exactly the reasoning the decision used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.actors.choices import (
    ACCREDITABLE_KINDS,
    ApplicationStatus,
    DecisionRule,
    OrganisationKind,
    Verdict,
)
from vigil.actors.models import (
    AccreditationApplication,
    AccreditationScheme,
    ApplicationDocument,
    ApplicationStep,
    FundingSource,
    MemberStateReview,
    Organisation,
    Registration,
)
from vigil.actors.services import validate_document
from vigil.sharing.policy import organisation_ids
from vigil.sharing.privileges import focal_point_countries, member_state_codes, staff_regions

# --- Eligibility -------------------------------------------------------------------------


@dataclass(frozen=True)
class Funding:
    """One funding source as the applicant declares it."""

    source: str
    amount: Decimal
    from_members: bool
    currency: str = "USD"


@dataclass(frozen=True)
class Criterion:
    """One eligibility criterion as checked: what is required, what was found, the verdict."""

    code: str
    label: str
    required: str
    found: str
    passed: bool


@dataclass(frozen=True)
class ApplicantProfile:
    """What eligibility is checked against."""

    kind: str
    registration_country: str | None
    founded_year: int | None
    has_statutes: bool
    governance: str
    references: list[str]
    funding: list[Funding] = field(default_factory=list)


def member_funding_share(funding: list[Funding]) -> Decimal | None:
    """Percentage of declared funds that come from members (None when nothing declared).

    Amounts in different currencies are not converted: the applicant declares them in one
    currency, and a mixed declaration is refused at application time.
    """
    total = sum((f.amount for f in funding), Decimal(0))
    if total <= 0:
        return None
    members = sum((f.amount for f in funding if f.from_members), Decimal(0))
    return (members * 100 / total).quantize(Decimal("0.01"))


def check_eligibility(
    scheme: AccreditationScheme, profile: ApplicantProfile, *, today: dt.date, members: list[str]
) -> list[Criterion]:
    """Check every criterion the scheme applies; criteria it leaves blank are not listed."""
    results = [
        Criterion(
            "kind",
            _("Civil-society organisation or network"),
            _("CSO or CSO network"),
            str(OrganisationKind(profile.kind).label) if profile.kind else "—",
            profile.kind in ACCREDITABLE_KINDS,
        )
    ]
    if scheme.require_registration_in_region:
        results.append(
            Criterion(
                "registered_in_region",
                _("Registered in a member state"),
                ", ".join(members) or "—",
                profile.registration_country or _("not given"),
                profile.registration_country in members,
            )
        )
    if scheme.min_years_active is not None:
        years = today.year - profile.founded_year if profile.founded_year else None
        results.append(
            Criterion(
                "years_active",
                _("Years of activity"),
                _("at least %d") % scheme.min_years_active,
                str(years) if years is not None else _("not given"),
                years is not None and years >= scheme.min_years_active,
            )
        )
    if scheme.require_statutes:
        results.append(
            Criterion(
                "statutes",
                _("Statutes provided"),
                _("a copy of the statutes"),
                _("provided") if profile.has_statutes else _("missing"),
                profile.has_statutes,
            )
        )
    if scheme.require_governance:
        results.append(
            Criterion(
                "governance",
                _("Governance described"),
                _("a description of boards and accountability"),
                _("described") if profile.governance.strip() else _("missing"),
                bool(profile.governance.strip()),
            )
        )
    if scheme.min_references:
        results.append(
            Criterion(
                "references",
                _("References"),
                _("at least %d") % scheme.min_references,
                str(len(profile.references)),
                len(profile.references) >= scheme.min_references,
            )
        )
    if scheme.min_member_funding_share is not None:
        share = member_funding_share(profile.funding)
        results.append(
            Criterion(
                "member_funding",
                _("Funds from members"),
                _("at least %s%%") % format(scheme.min_member_funding_share.normalize(), "f"),
                f"{share}%" if share is not None else _("no funding declared"),
                share is not None and share >= scheme.min_member_funding_share,
            )
        )
    return results


def is_eligible(criteria: list[dict[str, Any]] | list[Criterion]) -> bool:
    return all((c["passed"] if isinstance(c, dict) else c.passed) for c in criteria)


# --- The decision rule -------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The standing reviews of one application and what the scheme's rule makes of them."""

    rule: str
    member_states: list[str]
    approvals: list[str]
    objections: list[str]
    silent: list[str]
    closed: bool
    approved: bool | None  # None while the review is still open
    explanation: str


def tally(rule: str, member_states: list[str], verdicts: dict[str, str], *, closed: bool) -> Tally:
    """Apply a decision rule to the member states' standing verdicts.

    - consensus: approved only if every member state approved; silence blocks.
    - no sustained objection: approved unless a member state's standing verdict is an
      objection; silence at the deadline counts as no objection.
    - majority: approved unless half the member states or more object; silence counts as
      no objection.
    `closed` is true once every member state has reviewed or the deadline has passed.
    """
    approvals = [c for c in member_states if verdicts.get(c) == Verdict.APPROVE]
    objections = [c for c in member_states if verdicts.get(c) == Verdict.OBJECT]
    silent = [c for c in member_states if c not in verdicts]
    n = len(member_states)
    if rule == DecisionRule.CONSENSUS:
        approved = n > 0 and len(approvals) == n
        why = (
            _("All %(n)d member states approved.") % {"n": n}
            if approved
            else _("Consensus needs all %(n)d member states to approve; %(a)d did.")
            % {"n": n, "a": len(approvals)}
        )
    elif rule == DecisionRule.NO_SUSTAINED_OBJECTION:
        approved = n > 0 and not objections
        why = (
            _("No member state sustained an objection.")
            if approved
            else _("Objection sustained by %(states)s.") % {"states": ", ".join(objections)}
        )
    elif rule == DecisionRule.MAJORITY:
        approved = n > 0 and 2 * len(objections) < n
        why = _(
            "%(o)d of %(n)d member states objected; a majority blocks only when half or more do."
        ) % {"o": len(objections), "n": n}
    else:
        raise ValueError(f"unknown decision rule {rule!r}")
    if not closed:
        return Tally(rule, member_states, approvals, objections, silent, False, None, "")
    return Tally(rule, member_states, approvals, objections, silent, True, approved, why)


def standing_verdicts(application: AccreditationApplication) -> dict[str, str]:
    """Each member state's latest verdict (a later review supersedes an earlier one)."""
    verdicts: dict[str, str] = {}
    for review in application.reviews.order_by("at", "pk"):
        if review.country_id in application.member_states:
            verdicts[review.country_id] = review.verdict
    return verdicts


def tally_of(application: AccreditationApplication, *, today: dt.date) -> Tally:
    verdicts = standing_verdicts(application)
    closed = today > application.review_deadline or all(
        c in verdicts for c in application.member_states
    )
    return tally(
        application.scheme.decision_rule, application.member_states, verdicts, closed=closed
    )


# --- Who may do what ---------------------------------------------------------------------


def can_apply_for(user: Any, organisation: Organisation) -> bool:
    """Members of a CSO apply on its behalf."""
    return organisation.kind in ACCREDITABLE_KINDS and organisation.pk in organisation_ids(user)


def reviewable_countries(user: Any, application: AccreditationApplication) -> list[str]:
    """The member states on whose behalf `user` may review this application."""
    return [c for c in focal_point_countries(user) if c in application.member_states]


def can_administer(user: Any, scheme: AccreditationScheme) -> bool:
    """The regional organisation's own staff and platform admins run its scheme."""
    return getattr(user, "is_superuser", False) or (
        scheme.regional_organisation_id in staff_regions(user)
    )


# --- Writes ------------------------------------------------------------------------------


def _step(
    application: AccreditationApplication, status: str, *, actor: Any, on: dt.date, note: str = ""
) -> ApplicationStep:
    application.status = status
    if status != ApplicationStatus.SUBMITTED:
        application.decided_on = on
    application.save(update_fields=["status", "decided_on"])
    return ApplicationStep.objects.create(
        application=application,
        status=status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        on=on,
        note=note,
    )


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` plus whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def renewable_registration(
    organisation: Organisation, scheme: AccreditationScheme, *, today: dt.date
) -> Registration | None:
    """The registration a new application would renew, or None for a first application.

    Raises ValidationError if the organisation is registered and not yet in its renewal window.
    """
    current = (
        Registration.objects.filter(
            organisation=organisation,
            regional_organisation=scheme.regional_organisation,
            revoked_on__isnull=True,
            expires_on__gt=today,
        )
        .order_by("-expires_on")
        .first()
    )
    if current is None:
        return None
    opens = current.expires_on - dt.timedelta(days=scheme.renewal_window_days)
    if today < opens:
        raise ValidationError(
            _("Already registered until %(expires)s; renewal opens on %(opens)s.")
            % {"expires": current.expires_on.isoformat(), "opens": opens.isoformat()}
        )
    return current


@transaction.atomic
def apply_for_accreditation(
    *,
    actor: Any,
    applicant: Organisation,
    scheme: AccreditationScheme,
    profile: str,
    governance: str = "",
    references: str = "",
    founded_year: int | None = None,
    registration_country_id: str | None = None,
    registration_number: str = "",
    funding: list[Funding] | None = None,
    statutes: UploadedFile | None = None,
    documents: list[tuple[str, UploadedFile]] | None = None,
    today: dt.date | None = None,
) -> AccreditationApplication:
    """File an application (or a renewal), check eligibility and open the member states'
    review. An ineligible application is kept, closed as such, with the criteria it failed."""
    today = today or timezone.localdate()
    funding = funding or []
    documents = documents or []
    if not can_apply_for(actor, applicant):
        raise PermissionDenied(_("Only members of a civil-society organisation apply for it."))
    if not scheme.is_open:
        raise ValidationError(_("This scheme is not accepting applications."))
    if not profile.strip():
        raise ValidationError({"profile": _("Describe the organisation.")})
    if len({f.currency for f in funding}) > 1:
        raise ValidationError({"funding": _("Declare every funding source in one currency.")})
    if any(f.amount < 0 for f in funding):
        raise ValidationError({"funding": _("An amount cannot be negative.")})
    if AccreditationApplication.objects.filter(
        scheme=scheme, applicant=applicant, status=ApplicationStatus.SUBMITTED
    ).exists():
        raise ValidationError(_("An application from this organisation is already under review."))
    renews = renewable_registration(applicant, scheme, today=today)
    for upload in [statutes, *(file for _title, file in documents)]:
        if upload is not None:
            validate_document(upload)
    members = member_state_codes(scheme.regional_organisation_id, today)
    if not members:
        raise ValidationError(_("This regional organisation has no member states to review."))
    reference_lines = [line.strip() for line in references.splitlines() if line.strip()]
    criteria = check_eligibility(
        scheme,
        ApplicantProfile(
            kind=applicant.kind,
            registration_country=registration_country_id,
            founded_year=founded_year,
            has_statutes=statutes is not None,
            governance=governance,
            references=reference_lines,
            funding=funding,
        ),
        today=today,
        members=members,
    )
    application = AccreditationApplication.objects.create(
        scheme=scheme,
        applicant=applicant,
        renews=renews,
        profile=profile.strip(),
        governance=governance.strip(),
        references="\n".join(reference_lines),
        founded_year=founded_year,
        registration_country_id=registration_country_id,
        registration_number=registration_number,
        eligibility=[asdict(c) for c in criteria],
        submitted_by=actor,
        submitted_on=today,
        review_deadline=today + dt.timedelta(days=scheme.review_days),
        member_states=members,
    )
    if statutes is not None:
        application.statutes.save(statutes.name, statutes, save=True)
    for f in funding:
        FundingSource.objects.create(
            application=application,
            source=f.source,
            amount=f.amount,
            currency=f.currency,
            from_members=f.from_members,
        )
    for title, upload in documents:
        document = ApplicationDocument(application=application, title=title or upload.name)
        document.file.save(upload.name, upload, save=True)
    ApplicationStep.objects.create(
        application=application,
        status=ApplicationStatus.SUBMITTED,
        actor=actor,
        on=today,
        note=_("Renewal of the registration expiring %s") % renews.expires_on if renews else "",
    )
    if not is_eligible(criteria):
        failed = ", ".join(str(c.label) for c in criteria if not c.passed)
        _step(application, ApplicationStatus.INELIGIBLE, actor=None, on=today, note=failed)
    return application


@transaction.atomic
def review_application(
    *,
    application: AccreditationApplication,
    actor: Any,
    verdict: str,
    reasons: str = "",
    country_id: str | None = None,
    today: dt.date | None = None,
) -> MemberStateReview:
    """A member state's focal point approves or objects (with reasons). A later review by
    the same state replaces its standing verdict; the last state to review closes the review."""
    today = today or timezone.localdate()
    application = AccreditationApplication.objects.select_for_update().get(pk=application.pk)
    countries = reviewable_countries(actor, application)
    if country_id is None and len(countries) == 1:
        country_id = countries[0]
    if country_id not in countries:
        raise PermissionDenied(_("Only a member state's focal point reviews for it."))
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("This application is no longer under review."))
    if today > application.review_deadline:
        raise ValidationError(_("The review deadline has passed."))
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Approve or object.")})
    if verdict == Verdict.OBJECT and not reasons.strip():
        raise ValidationError({"reasons": _("An objection states its reasons.")})
    review = MemberStateReview.objects.create(
        application=application,
        country_id=country_id,
        reviewer=actor,
        verdict=verdict,
        reasons=reasons.strip(),
        on=today,
    )
    if tally_of(application, today=today).closed:
        decide_application(application=application, actor=None, today=today)
    return review


@transaction.atomic
def decide_application(
    *, application: AccreditationApplication, actor: Any = None, today: dt.date | None = None
) -> AccreditationApplication:
    """Close the review by the scheme's rule once it can be closed; register if approved."""
    today = today or timezone.localdate()
    if application.status != ApplicationStatus.SUBMITTED:
        return application
    result = tally_of(application, today=today)
    if not result.closed:
        raise ValidationError(
            _("The review stays open until %s or until every member state has reviewed.")
            % application.review_deadline
        )
    if not result.approved:
        _step(
            application, ApplicationStatus.REJECTED, actor=actor, on=today, note=result.explanation
        )
        return application
    _step(application, ApplicationStatus.APPROVED, actor=actor, on=today, note=result.explanation)
    register(application=application, today=today)
    return application


def register(*, application: AccreditationApplication, today: dt.date) -> Registration:
    """Grant the scheme's privileges until the registration expires. A renewal continues
    from the end of the registration it renews, so renewing early loses no time."""
    scheme = application.scheme
    start = today
    if application.renews is not None and application.renews.expires_on > today:
        start = application.renews.expires_on
    return Registration.objects.create(
        application=application,
        organisation=application.applicant,
        regional_organisation=scheme.regional_organisation,
        granted_on=today,
        expires_on=add_years(start, scheme.validity_years),
        attend_meetings=scheme.attend_meetings,
        submit_written_input=scheme.submit_written_input,
        written_input_word_limit=scheme.written_input_word_limit,
        read_draft_documents=scheme.read_draft_documents,
        products_tlp=scheme.products_tlp,
    )


def decide_due_applications(*, today: dt.date | None = None) -> list[AccreditationApplication]:
    """Decide every application whose review deadline has passed (the daily job)."""
    today = today or timezone.localdate()
    decided = []
    for application in AccreditationApplication.objects.filter(
        status=ApplicationStatus.SUBMITTED, review_deadline__lt=today
    ).select_related("scheme"):
        decided.append(decide_application(application=application, actor=None, today=today))
    return decided


@transaction.atomic
def withdraw_application(
    *, application: AccreditationApplication, actor: Any, today: dt.date | None = None
) -> AccreditationApplication:
    """The applicant withdraws an application still under review."""
    today = today or timezone.localdate()
    if application.applicant_id not in organisation_ids(actor):
        raise PermissionDenied(_("Only the applicant withdraws its application."))
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("This application is no longer under review."))
    _step(application, ApplicationStatus.WITHDRAWN, actor=actor, on=today)
    return application


@transaction.atomic
def revoke_registration(
    *, registration: Registration, actor: Any, reason: str, today: dt.date | None = None
) -> Registration:
    """End a registration early (from `today`); its privileges stop the same day."""
    today = today or timezone.localdate()
    scheme = registration.application.scheme
    if not can_administer(actor, scheme):
        raise PermissionDenied(_("Only the regional organisation revokes a registration."))
    if not reason.strip():
        raise ValidationError({"reason": _("State why the registration is revoked.")})
    registration.revoked_on = today
    registration.revoked_reason = reason.strip()
    registration.save(update_fields=["revoked_on", "revoked_reason"])
    ApplicationStep.objects.create(
        application=registration.application,
        status=registration.application.status,
        actor=actor,
        on=today,
        note=_("Registration revoked: %s") % reason.strip(),
    )
    return registration
