"""Reads of consultation records, always through the access policy.

On top of the TLP rules of `vigil.sharing.policy.visible`, a body's participants (people of
its secretariat's organisation and of the organisations sitting on it) see the meetings,
submissions, recommendations and mandates of that body, and a CSO sees what it submitted
and the mandates arising from it. Draft documents are read only by participants and by CSOs
accredited with the "read draft documents" privilege.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vigil.actors.choices import OrganisationKind, Role
from vigil.actors.models import Organisation
from vigil.consultations.choices import DECIDED, MandateProgress, Privilege
from vigil.consultations.models import (
    Body,
    BodyMember,
    CallForSubmissions,
    Mandate,
    MandateUpdate,
    Meeting,
    MeetingDocument,
    Recommendation,
    ReviewStep,
    Statement,
    Submission,
)
from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisation_ids, organisations_with_role, visible

CSO_KINDS = (OrganisationKind.CSO, OrganisationKind.CSO_NETWORK)
# TLP:RED goes to named people only (shares), never to a whole body or organisation.
NOT_RED = ~Q(tlp=TLP.RED)


# -- who takes part -------------------------------------------------------------------------


def participant_body_ids(user: Any) -> set[int]:
    """Bodies the person takes part in: through the secretariat's organisation or a member."""
    orgs = organisation_ids(user)
    if not orgs:
        return set()
    served = Body.objects.filter(owner_org_id__in=orgs).values_list("pk", flat=True)
    seated = BodyMember.objects.filter(organisation_id__in=orgs).values_list("body_id", flat=True)
    return set(served) | set(seated)


def secretariat_body_ids(user: Any) -> set[int]:
    """Bodies whose business the person runs: secretariat role in the body's organisation."""
    if getattr(user, "is_superuser", False):
        return set(Body.objects.values_list("pk", flat=True))
    orgs = organisations_with_role(user, (Role.SECRETARIAT,))
    return set(Body.objects.filter(owner_org_id__in=orgs).values_list("pk", flat=True))


def is_secretariat(user: Any, body: Body) -> bool:
    return body.pk in secretariat_body_ids(user)


def cso_organisations(user: Any) -> list[Organisation]:
    """The civil-society organisations the person acts for (active memberships)."""
    return list(
        Organisation.objects.filter(pk__in=organisation_ids(user), kind__in=CSO_KINDS).order_by(
            "name"
        )
    )


def holds_privilege_for(organisation: Organisation, body: Body, privilege: str) -> bool:
    """Whether `organisation` is accredited to the body's regional organisation with
    `privilege` today (decided by the accreditation registry in `vigil.actors`)."""
    from vigil.actors.selectors import holds_privilege

    return bool(holds_privilege(organisation, body.regional_organisation_id, privilege))


def word_limit_for(organisation: Organisation, call: CallForSubmissions) -> int:
    """The word limit on this CSO's paper: the call's, or its registration's if lower."""
    from vigil.sharing.privileges import word_limit

    registered = word_limit(organisation, call.meeting.body.regional_organisation_id)
    return min(call.word_limit, registered) if registered else call.word_limit


def secretariat_of(body: Body) -> list[Any]:
    """The people of the body's secretariat (for its page and invites)."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            memberships__organisation_id=body.owner_org_id,
            memberships__role=Role.SECRETARIAT,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("username")
    )


# -- bodies and meetings --------------------------------------------------------------------


def bodies_visible_to(user: Any, **filters: Any) -> QuerySet[Body]:
    rule = Q(pk__in=visible(Body.objects.all(), user).values("pk"))
    participating = participant_body_ids(user)
    if participating:
        rule |= Q(pk__in=participating) & NOT_RED
    return Body.objects.filter(rule, **filters).select_related("owner_org", "regional_organisation")


def body_for(user: Any, slug: str) -> Body:
    """One body, or 404 alike for missing and not visible."""
    body = bodies_visible_to(user, slug=slug).first()
    if body is None:
        raise Http404("No such body")
    return body


def members_of(body: Body) -> list[BodyMember]:
    return list(body.members.select_related("organisation", "organisation__country"))


def attending_regions(user: Any) -> set[str]:
    """Regional organisations whose meetings the person's CSO may attend (accredited with
    the "attend meetings" privilege, in force today)."""
    from vigil.actors.selectors import privileges_of

    return {
        held.regional_organisation
        for organisation in cso_organisations(user)
        for held in privileges_of(organisation)
        if held.attend_meetings
    }


def meetings_visible_to(user: Any, **filters: Any) -> QuerySet[Meeting]:
    """Meetings by mark, of the person's bodies, and (short of TLP:RED) those of the
    regional organisations their CSO is accredited to attend."""
    rule = Q(pk__in=visible(Meeting.objects.all(), user).values("pk"))
    participating = participant_body_ids(user)
    if participating:
        rule |= Q(body_id__in=participating) & NOT_RED
    attending = attending_regions(user)
    if attending:
        rule |= Q(body__regional_organisation_id__in=attending) & NOT_RED
    return Meeting.objects.filter(rule, **filters).select_related("body", "owner_org")


def meeting_for(user: Any, pk: int) -> Meeting:
    meeting = meetings_visible_to(user, pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def upcoming_meetings(user: Any, *, since: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings ending after `since` (now by default), soonest first: the calendar."""
    return meetings_visible_to(user, ends_at__gte=since or timezone.now()).order_by("starts_at")


def changes_of(meeting: Meeting) -> list[Any]:
    """Every change to the meeting (time, place, status, rule, agenda), oldest first."""
    return list(meeting.changes.select_related("actor"))


def agenda_of(meeting: Meeting) -> list[Any]:
    return list(meeting.agenda_items.all())


def statements_of(meeting: Meeting) -> list[Statement]:
    """The meeting's record. Under the Chatham House rule nothing in it names a speaker."""
    return list(meeting.statements.select_related("agenda_item", "speaker", "speaker_organisation"))


def documents_visible_to(user: Any, meeting: Meeting) -> list[MeetingDocument]:
    """The meeting's documents: final ones by their mark; drafts only for participants and
    CSOs holding "read draft documents" with the body's regional organisation."""
    documents = MeetingDocument.objects.filter(meeting=meeting)
    finals = visible(documents.filter(is_draft=False), user)
    if getattr(user, "is_superuser", False) or may_read_drafts(user, meeting.body):
        return list(finals | documents.filter(NOT_RED, is_draft=True))
    return list(finals)


def may_read_drafts(user: Any, body: Body) -> bool:
    if body.pk in participant_body_ids(user):
        return True
    return any(
        holds_privilege_for(organisation, body, Privilege.READ_DRAFT_DOCUMENTS)
        for organisation in cso_organisations(user)
    )


# -- calls and submissions ------------------------------------------------------------------


def calls_visible_to(user: Any, **filters: Any) -> QuerySet[CallForSubmissions]:
    rule = Q(pk__in=visible(CallForSubmissions.objects.all(), user).values("pk"))
    participating = participant_body_ids(user)
    if participating:
        rule |= Q(meeting__body_id__in=participating) & NOT_RED
    return CallForSubmissions.objects.filter(rule, **filters).select_related(
        "meeting", "meeting__body"
    )


def call_for(user: Any, pk: int) -> CallForSubmissions:
    call = calls_visible_to(user, pk=pk).first()
    if call is None:
        raise Http404("No such call for submissions")
    return call


def _submission_rule(user: Any, queryset: QuerySet, prefix: str = "") -> Q:
    # The person who submitted a paper always reads it, whatever its mark.
    rule = Q(pk__in=visible(queryset, user, author_field=f"{prefix}submitted_by").values("pk"))
    orgs = organisation_ids(user)
    if orgs:
        rule |= Q(owner_org_id__in=orgs) & NOT_RED
    participating = participant_body_ids(user)
    if participating:
        rule |= Q(**{f"{prefix}call__meeting__body_id__in": participating}) & NOT_RED
    return rule


def submissions_visible_to(user: Any, **filters: Any) -> QuerySet[Submission]:
    """Papers the person may read: by mark, the CSO's own, and all of their bodies'."""
    rule = _submission_rule(user, Submission.objects.all())
    return Submission.objects.filter(rule, **filters).select_related(
        "owner_org", "call", "call__meeting", "call__meeting__body", "submitted_by"
    )


def submission_for(user: Any, pk: int) -> Submission:
    submission = submissions_visible_to(user, pk=pk).first()
    if submission is None:
        raise Http404("No such submission")
    return submission


def own_submissions(user: Any) -> QuerySet[Submission]:
    """What the person's organisations submitted, newest first (the CSO's own view)."""
    return submissions_visible_to(user, owner_org_id__in=organisation_ids(user))


def recommendations_visible_to(user: Any, **filters: Any) -> QuerySet[Recommendation]:
    rule = _submission_rule(user, Recommendation.objects.all(), prefix="submission__")
    return Recommendation.objects.filter(rule, **filters).select_related(
        "submission",
        "submission__owner_org",
        "submission__call__meeting__body",
        "mandate",
    )


def recommendation_for(user: Any, pk: int) -> Recommendation:
    recommendation = recommendations_visible_to(user, pk=pk).first()
    if recommendation is None:
        raise Http404("No such recommendation")
    return recommendation


def recommendations_of(submission: Submission) -> list[Recommendation]:
    return list(submission.recommendations.select_related("mandate"))


def history_of(submission: Submission) -> list[ReviewStep]:
    """Every review step of the paper and its recommendations, oldest first."""
    return list(submission.steps.select_related("actor", "recommendation"))


def review_queue(user: Any, **filters: Any) -> QuerySet[Submission]:
    """Undecided papers of the bodies the person's secretariat runs, oldest first."""
    return (
        submissions_visible_to(user, **filters)
        .filter(call__meeting__body_id__in=secretariat_body_ids(user))
        .exclude(status__in=DECIDED)
        .order_by("submitted_at", "pk")
    )


# -- mandates -------------------------------------------------------------------------------


def mandates_visible_to(user: Any, **filters: Any) -> QuerySet[Mandate]:
    """Mandates by mark, of the person's bodies, and those arising from their CSO's papers."""
    rule = Q(pk__in=visible(Mandate.objects.all(), user).values("pk"))
    participating = participant_body_ids(user)
    if participating:
        rule |= Q(body_id__in=participating) & NOT_RED
    orgs = organisation_ids(user)
    if orgs:
        rule |= (
            Q(recommendation__submission__owner_org_id__in=orgs) | Q(assignee_id__in=orgs)
        ) & NOT_RED
    return Mandate.objects.filter(rule, **filters).select_related(
        "body",
        "assignee",
        "endorsed_at_meeting",
        "recommendation",
        "recommendation__submission",
        "recommendation__submission__owner_org",
    )


def mandate_for(user: Any, pk: int) -> Mandate:
    mandate = mandates_visible_to(user, pk=pk).first()
    if mandate is None:
        raise Http404("No such mandate")
    return mandate


def mandates_by_follow_up(
    user: Any, status: str | None = None, *, today: dt.date | None = None, **filters: Any
) -> list[Mandate]:
    """Mandates the person may see, filtered on the computed follow-up status."""
    today = today or timezone.localdate()
    queryset = mandates_visible_to(user, **filters)
    if status == "overdue":
        queryset = queryset.filter(deadline__lt=today).exclude(progress=MandateProgress.DONE)
    elif status == MandateProgress.DONE:
        queryset = queryset.filter(progress=MandateProgress.DONE)
    elif status in (MandateProgress.NOT_STARTED, MandateProgress.IN_PROGRESS):
        queryset = queryset.filter(progress=status, deadline__gte=today)
    return list(queryset)


def updates_of(mandate: Mandate) -> list[MandateUpdate]:
    return list(mandate.updates.select_related("actor", "meeting"))


@dataclass(frozen=True)
class FollowUpItem:
    """A mandate due for follow-up at a meeting, with the report entered there (if any)."""

    mandate: Mandate
    report: MandateUpdate | None


def follow_up_for(meeting: Meeting, user: Any) -> list[FollowUpItem]:
    """Mandates the meeting must hear about: those its body endorsed at earlier meetings that
    were not done before this meeting, each with the follow-up report entered at it."""
    from django.db.models import OuterRef, Subquery

    # Where each mandate stood when the meeting opened (reports made *for* this meeting,
    # often written beforehand, do not count: they are what the meeting hears).
    standing = (
        MandateUpdate.objects.filter(mandate=OuterRef("pk"), at__lt=meeting.starts_at)
        .exclude(meeting=meeting)
        .order_by("-at", "-pk")
        .values("progress")[:1]
    )
    mandates = (
        mandates_visible_to(user, body_id=meeting.body_id)
        .filter(endorsed_at_meeting__starts_at__lt=meeting.starts_at)
        .annotate(progress_before=Subquery(standing))
        .exclude(progress_before=MandateProgress.DONE)
        .order_by("deadline", "pk")
    )
    reports = {
        update.mandate_id: update
        for update in MandateUpdate.objects.filter(
            meeting=meeting, mandate__in=mandates
        ).select_related("actor")
    }
    return [FollowUpItem(mandate=m, report=reports.get(m.pk)) for m in mandates]


def invitees_of(meeting: Meeting) -> list[Any]:
    """People to invite: active members of the secretariat's organisation and of the
    organisations seated on the body, who have an e-mail address."""
    from django.contrib.auth import get_user_model

    organisations = [
        meeting.body.owner_org_id,
        *meeting.body.members.values_list("organisation_id", flat=True),
    ]
    return list(
        get_user_model()
        .objects.filter(memberships__organisation_id__in=organisations, memberships__is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("username")
    )


def mandate_assignees(body: Body) -> QuerySet[Organisation]:
    """Who a mandate may be given to: the secretariat's organisation first, then the body's
    members, then every other organisation of the registry."""
    from django.db.models import Case, IntegerField, Value, When

    seated = body.members.values_list("organisation_id", flat=True)
    return Organisation.objects.annotate(
        rank=Case(
            When(pk=body.owner_org_id, then=Value(0)),
            When(pk__in=seated, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", "name")


def delegations_of(body: Body) -> QuerySet[Organisation]:
    """Organisations that speak at the body's meetings: its members and its secretariat."""
    seated = list(body.members.values_list("organisation_id", flat=True))
    return Organisation.objects.filter(pk__in=[body.owner_org_id, *seated]).order_by("name")
