"""Writes of the committee's review and of mandates: in review → considered → endorsed /
not endorsed, each step a row; an endorsement becomes a mandate in the same transaction;
follow-up reports at later meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.actors.models import Organisation
from vigil.consultations import selectors
from vigil.consultations.choices import (
    DECIDED,
    REVIEW_TRANSITIONS,
    MandateProgress,
    MeetingStatus,
    PaperStatus,
)
from vigil.consultations.models import (
    Mandate,
    MandateUpdate,
    Meeting,
    Recommendation,
    ReviewStep,
    Submission,
)
from vigil.consultations.services.meetings import require_secretariat
from vigil.sharing.choices import TLP

# -- review ---------------------------------------------------------------------------------


def _move(target: Submission | Recommendation, *, to: str, actor: Any, reason: str = "") -> None:
    # Decide on the stored status, locked: a second click or a second reviewer acting at the
    # same moment sees the first decision and is refused instead of writing a second one.
    target.status = (
        type(target).objects.select_for_update().values_list("status", flat=True).get(pk=target.pk)
    )
    if (target.status, to) not in REVIEW_TRANSITIONS:
        raise ValidationError(
            {
                "status": _("This cannot go from %(from)s to %(to)s.")
                % {"from": PaperStatus(target.status).label, "to": PaperStatus(to).label}
            }
        )
    submission = target if isinstance(target, Submission) else target.submission
    ReviewStep.objects.create(
        submission=submission,
        recommendation=target if isinstance(target, Recommendation) else None,
        from_status=target.status,
        to_status=to,
        actor=actor,
        reason=reason,
    )
    target.status = to
    target.save(update_fields=["status"])


@transaction.atomic
def consider_submission(*, submission: Submission, actor: Any, reason: str = "") -> Submission:
    """The committee takes up a paper: it and its recommendations still in review become
    considered (one step row each)."""
    require_secretariat(actor, submission.call.meeting.body)
    _move(submission, to=PaperStatus.CONSIDERED, actor=actor, reason=reason)
    for recommendation in submission.recommendations.filter(status=PaperStatus.IN_REVIEW):
        _move(recommendation, to=PaperStatus.CONSIDERED, actor=actor, reason=reason)
    return submission


@transaction.atomic
def consider_recommendation(
    *, recommendation: Recommendation, actor: Any, reason: str = ""
) -> Recommendation:
    require_secretariat(actor, recommendation.submission.call.meeting.body)
    _move(recommendation, to=PaperStatus.CONSIDERED, actor=actor, reason=reason)
    return recommendation


@dataclass
class MandateTerms:
    """Who must act on an endorsed recommendation, by when."""

    assignee: Organisation
    deadline: dt.date
    unit: str = ""
    text: str = ""
    tlp: str = TLP.GREEN


@transaction.atomic
def endorse_recommendation(
    *, recommendation: Recommendation, actor: Any, terms: MandateTerms, reason: str = ""
) -> Mandate:
    """The committee endorses a recommendation; it becomes a mandate with an owner and a
    deadline, in the same transaction, so no endorsement is ever left without its mandate."""
    submission = recommendation.submission
    meeting = submission.call.meeting
    require_secretariat(actor, meeting.body)
    errors: dict[str, str] = {}
    if terms.deadline <= timezone.localdate(meeting.ends_at):
        errors["deadline"] = _("A mandate's deadline falls after the meeting that endorses it.")
    if terms.tlp not in TLP.values:
        errors["tlp"] = _("Choose a TLP mark.")
    if errors:
        raise ValidationError(errors)
    _move(recommendation, to=PaperStatus.ENDORSED, actor=actor, reason=reason)
    mandate = Mandate.objects.create(
        recommendation=recommendation,
        body=meeting.body,
        endorsed_at_meeting=meeting,
        owner_org_id=meeting.body.owner_org_id,
        tlp=terms.tlp,
        text=terms.text.strip() or recommendation.text,
        assignee=terms.assignee,
        unit=terms.unit.strip(),
        deadline=terms.deadline,
        created_by=actor,
    )
    MandateUpdate.objects.create(
        mandate=mandate,
        meeting=None,
        progress=MandateProgress.NOT_STARTED,
        note=_("Endorsed at %(meeting)s.") % {"meeting": meeting.title},
        actor=actor,
    )
    _settle_submission(submission, actor=actor)
    return mandate


@transaction.atomic
def decline_recommendation(
    *, recommendation: Recommendation, actor: Any, reason: str
) -> Recommendation:
    """The committee does not endorse a recommendation; the reason is kept for the CSO."""
    require_secretariat(actor, recommendation.submission.call.meeting.body)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the recommendation is not endorsed.")})
    _move(recommendation, to=PaperStatus.NOT_ENDORSED, actor=actor, reason=reason.strip())
    _settle_submission(recommendation.submission, actor=actor)
    return recommendation


@transaction.atomic
def decide_submission(
    *, submission: Submission, actor: Any, to: str, reason: str = ""
) -> Submission:
    """Decide a paper as a whole (a paper without recommendations, or to close its review)."""
    require_secretariat(actor, submission.call.meeting.body)
    if to == PaperStatus.CONSIDERED:
        return consider_submission(submission=submission, actor=actor, reason=reason)
    if to not in DECIDED:
        raise ValidationError({"to": _("Unknown decision.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the committee's reasons.")})
    if submission.recommendations.exclude(status__in=DECIDED).exists():
        raise ValidationError(
            {"to": _("Decide each recommendation first; the paper's decision follows them.")}
        )
    _move(submission, to=to, actor=actor, reason=reason.strip())
    return submission


def _settle_submission(submission: Submission, *, actor: Any) -> None:
    """Once every recommendation is decided, the paper is endorsed if any of them was."""
    recommendations = list(submission.recommendations.values_list("status", flat=True))
    if submission.status != PaperStatus.CONSIDERED or not all(
        status in DECIDED for status in recommendations
    ):
        return
    endorsed = recommendations.count(PaperStatus.ENDORSED)
    to = PaperStatus.ENDORSED if endorsed else PaperStatus.NOT_ENDORSED
    reason = _("%(endorsed)d of %(total)d recommendations endorsed.") % {
        "endorsed": endorsed,
        "total": len(recommendations),
    }
    _move(submission, to=to, actor=actor, reason=reason)


def decide_recommendation(
    *,
    recommendation: Recommendation,
    actor: Any,
    to: str,
    reason: str = "",
    terms: MandateTerms | None = None,
) -> Recommendation:
    """One entry point for the review page and the API."""
    if to == PaperStatus.CONSIDERED:
        return consider_recommendation(recommendation=recommendation, actor=actor, reason=reason)
    if to == PaperStatus.NOT_ENDORSED:
        return decline_recommendation(recommendation=recommendation, actor=actor, reason=reason)
    if to == PaperStatus.ENDORSED:
        if terms is None:
            raise ValidationError(
                {"assignee": _("Say who owns the mandate and by when it is due.")}
            )
        endorse_recommendation(
            recommendation=recommendation, actor=actor, terms=terms, reason=reason
        )
        return recommendation
    raise ValidationError({"to": _("Unknown decision.")})


# -- mandates -------------------------------------------------------------------------------


def can_report_on(user: Any, mandate: Mandate) -> bool:
    """The body's secretariat and the people of the assignee report on a mandate."""
    from vigil.sharing.policy import organisation_ids

    return selectors.is_secretariat(user, mandate.body) or mandate.assignee_id in organisation_ids(
        user
    )


@transaction.atomic
def report_follow_up(
    *,
    mandate: Mandate,
    actor: Any,
    progress: str,
    note: str,
    meeting: Meeting | None = None,
) -> MandateUpdate:
    """Report progress on a mandate, at a later meeting of its body or between meetings.
    At most one report per meeting (a database constraint)."""
    if not can_report_on(actor, mandate):
        raise PermissionDenied(_("Only the secretariat or the mandate's owner reports on it."))
    errors: dict[str, str] = {}
    if progress not in MandateProgress.values:
        errors["progress"] = _("Choose a status.")
    if not note.strip():
        errors["note"] = _("Say what was done.")
    if meeting is not None:
        if meeting.body_id != mandate.body_id:
            errors["meeting"] = _("This meeting is of another body.")
        elif meeting.starts_at <= mandate.endorsed_at_meeting.starts_at:
            errors["meeting"] = _("Follow-up is reported at a later meeting than the endorsement.")
        elif MandateUpdate.objects.filter(mandate=mandate, meeting=meeting).exists():
            errors["meeting"] = _(
                "A follow-up report on this mandate was already entered for this meeting."
            )
        elif meeting.status == MeetingStatus.CANCELLED:
            errors["meeting"] = _("This meeting was cancelled.")
    if errors:
        raise ValidationError(errors)
    update = MandateUpdate.objects.create(
        mandate=mandate, meeting=meeting, progress=progress, note=note.strip(), actor=actor
    )
    mandate.progress = progress
    mandate.save(update_fields=["progress"])
    return update
