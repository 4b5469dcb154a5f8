"""`/api/v1/consultations`: bodies, meetings (JSON and iCalendar), calls for submissions,
papers from accredited CSOs (at most once per Idempotency-Key), the committee's review, and
mandates with their follow-up. Reads go through the selectors (the access policy); writes
through one service each. Under the Chatham House rule statements carry no speaker: there
is none stored to return."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from ninja.security import django_auth

from vigil.consultations import exports, ical, selectors, services
from vigil.consultations.choices import (
    FollowUpStatus,
    PaperStatus,
)
from vigil.consultations.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    BodyDetail,
    BodyOut,
    CallIn,
    CallOut,
    DocumentIn,
    DocumentOut,
    FollowUpIn,
    MandateOut,
    MeetingChangeIn,
    MeetingDetail,
    MeetingIn,
    MeetingOut,
    RecommendationDecisionIn,
    RecommendationOut,
    StatementIn,
    StatementOut,
    SubmissionDecisionIn,
    SubmissionDetail,
    SubmissionIn,
    SubmissionOut,
)
from vigil.inputs import DbId, Slug
from vigil.openapi import CSV, TEXT, answers
from vigil.sharing.choices import Surface
from vigil.sharing.policy import record_reads

router = Router(tags=["consultations"])

ICS = "text/calendar; charset=utf-8"


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# -- bodies and meetings --------------------------------------------------------------------


@router.get("/bodies", response=list[BodyOut], summary="Bodies you may see")
def list_bodies(request: HttpRequest) -> list:
    bodies = list(selectors.bodies_visible_to(request.user))
    record_reads(bodies, request.user, surface=Surface.API)
    return bodies


@router.get("/bodies/{slug}", response=BodyDetail, summary="One body with its members")
def get_body(request: HttpRequest, slug: Slug) -> object:
    body = selectors.body_for(request.user, slug)
    record_reads([body], request.user, surface=Surface.API)
    return body


@router.get(
    "/bodies/{slug}/meetings.ics",
    summary="The body's meetings as an iCalendar feed (RFC 5545)",
    response={200: None},
    openapi_extra=answers((ICS, TEXT)),
)
def body_feed(request: HttpRequest, slug: Slug) -> HttpResponse:
    body = selectors.body_for(request.user, slug)
    meetings = list(selectors.meetings_visible_to(request.user, body=body))
    record_reads(meetings, request.user, surface=Surface.EXPORT)
    content = ical.meetings_feed(meetings, name=body.name, base_url=_base_url(request))
    return HttpResponse(content, content_type=ICS)


@router.get("/meetings", response=list[MeetingOut], summary="Meetings you may see")
def list_meetings(
    request: HttpRequest,
    body: Slug | None = None,
    upcoming: bool = False,
    limit: int = Query(200, ge=1, le=1000),
) -> list:
    meetings = (
        selectors.upcoming_meetings(request.user)
        if upcoming
        else selectors.meetings_visible_to(request.user)
    )
    if body:
        meetings = meetings.filter(body__slug=body)
    rows = list(meetings[:limit])
    record_reads(rows, request.user, surface=Surface.API)
    return rows


@router.post(
    "/meetings", response={201: MeetingOut}, auth=django_auth, summary="Schedule a meeting"
)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status:
    try:
        body = selectors.body_for(request.user, payload.body)
    except Http404 as missing:
        # A record named in the body is a field error, not a missing resource.
        raise ValidationError({"body": _("No such body, or not one you may see.")}) from missing
    data = payload.dict(exclude={"body"})
    meeting = services.schedule_meeting(body=body, actor=request.user, **data)
    return Status(201, meeting)


@router.get(
    "/meetings/{meeting_id}",
    response=MeetingDetail,
    summary="A meeting with its agenda, record and mandates due for follow-up",
)
def get_meeting(request: HttpRequest, meeting_id: DbId) -> object:
    meeting = selectors.meeting_for(request.user, meeting_id)
    meeting.follow_up_for_reader = selectors.follow_up_for(meeting, request.user)
    mandates = [item.mandate for item in meeting.follow_up_for_reader]
    record_reads([meeting, *mandates], request.user, surface=Surface.API)
    return meeting


@router.patch(
    "/meetings/{meeting_id}", response=MeetingOut, auth=django_auth, summary="Change a meeting"
)
def change_meeting(request: HttpRequest, meeting_id: DbId, payload: MeetingChangeIn) -> object:
    meeting = selectors.meeting_for(request.user, meeting_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.change_meeting(meeting=meeting, actor=request.user, **changes)


@router.post(
    "/meetings/{meeting_id}/agenda",
    response={201: AgendaItemOut},
    auth=django_auth,
    summary="Add an item to a meeting's agenda",
)
def add_agenda_item(request: HttpRequest, meeting_id: DbId, payload: AgendaItemIn) -> Status:
    meeting = selectors.meeting_for(request.user, meeting_id)
    item = services.add_agenda_item(meeting=meeting, actor=request.user, **payload.dict())
    return Status(201, item)


@router.get(
    "/meetings/{meeting_id}/documents",
    response=list[DocumentOut],
    summary="A meeting's documents (drafts only for members and privileged CSOs)",
)
def list_documents(request: HttpRequest, meeting_id: DbId) -> list:
    meeting = selectors.meeting_for(request.user, meeting_id)
    documents = selectors.documents_visible_to(request.user, meeting)
    record_reads(documents, request.user, surface=Surface.API)
    return documents


@router.post(
    "/meetings/{meeting_id}/documents",
    response={201: DocumentOut},
    auth=django_auth,
    summary="File a document for a meeting",
)
def add_document(request: HttpRequest, meeting_id: DbId, payload: DocumentIn) -> Status:
    meeting = selectors.meeting_for(request.user, meeting_id)
    document = services.add_document(meeting=meeting, actor=request.user, **payload.dict())
    return Status(201, document)


@router.get(
    "/meetings/{meeting_id}/meeting.ics",
    summary="One meeting as an iCalendar file (RFC 5545)",
    response={200: None},
    openapi_extra=answers((ICS, TEXT)),
)
def meeting_ics(request: HttpRequest, meeting_id: DbId) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, meeting_id)
    record_reads([meeting], request.user, surface=Surface.EXPORT)
    return HttpResponse(ical.meeting_ics(meeting, base_url=_base_url(request)), content_type=ICS)


@router.post(
    "/meetings/{meeting_id}/statements",
    response={201: StatementOut},
    auth=django_auth,
    summary="Add a statement to the record (no speaker under the Chatham House rule)",
)
def add_statement(request: HttpRequest, meeting_id: DbId, payload: StatementIn) -> Status:
    meeting = selectors.meeting_for(request.user, meeting_id)
    agenda = {item.pk: item for item in selectors.agenda_of(meeting)}
    delegations = {o.slug: o for o in selectors.delegations_of(meeting.body)}
    if payload.agenda_item is not None and payload.agenda_item not in agenda:
        raise ValidationError({"agenda_item": "No such item on this meeting's agenda."})
    if payload.speaker_organisation and payload.speaker_organisation not in delegations:
        raise ValidationError({"speaker_organisation": "Not a delegation of this body."})
    statement = services.record_statement(
        meeting=meeting,
        actor=request.user,
        text=payload.text,
        agenda_item=agenda.get(payload.agenda_item) if payload.agenda_item else None,
        speaker_organisation=delegations.get(payload.speaker_organisation or ""),
        speaker_name=payload.speaker_name,
    )
    return Status(201, statement)


@router.post(
    "/meetings/{meeting_id}/calls",
    response={201: CallOut},
    auth=django_auth,
    summary="Call for submissions ahead of a meeting",
)
def create_call(request: HttpRequest, meeting_id: DbId, payload: CallIn) -> Status:
    meeting = selectors.meeting_for(request.user, meeting_id)
    return Status(201, services.open_call(meeting=meeting, actor=request.user, **payload.dict()))


# -- calls and submissions ------------------------------------------------------------------


@router.get("/calls", response=list[CallOut], summary="Calls for submissions you may see")
def list_calls(request: HttpRequest, open_only: bool = False) -> list:
    calls = list(selectors.calls_visible_to(request.user))
    if open_only:
        calls = [call for call in calls if call.is_open()]
    record_reads(calls, request.user, surface=Surface.API)
    return calls


@router.get("/calls/{call_id}", response=CallOut, summary="One call for submissions")
def get_call(request: HttpRequest, call_id: DbId) -> object:
    call = selectors.call_for(request.user, call_id)
    record_reads([call], request.user, surface=Surface.API)
    return call


@router.post(
    "/calls/{call_id}/submissions",
    response={200: SubmissionDetail, 201: SubmissionDetail},
    auth=django_auth,
    summary="Submit a paper (accredited CSOs)",
    description=(
        "Only a CSO accredited to the body's regional organisation with the privilege to "
        "submit written input, while the call is open. The word limit counts the paper and its "
        "recommendations; a paper over it is refused with 422. Send an `Idempotency-Key` "
        "header: a retry with the same key returns the first paper with status 200."
    ),
)
def submit(
    request: HttpRequest,
    call_id: DbId,
    payload: SubmissionIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=128),
) -> Status:
    call = selectors.call_for(request.user, call_id)
    submission, created = services.submit_paper(
        actor=request.user,
        call=call,
        paper=services.PaperInput(
            title=payload.title,
            text=payload.text,
            recommendations=payload.recommendations,
            tlp=payload.tlp,
        ),
        organisation_id=payload.organisation,
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, selectors.submission_for(request.user, submission.pk))


@router.get(
    "/submissions",
    response=list[SubmissionOut],
    auth=django_auth,
    summary="Papers you may read (mine=true: your organisations' own)",
)
def list_submissions(
    request: HttpRequest,
    mine: bool = False,
    call: DbId | None = None,
    status: PaperStatus | None = None,
) -> list:
    queryset = (
        selectors.own_submissions(request.user)
        if mine
        else selectors.submissions_visible_to(request.user)
    )
    if call is not None:
        queryset = queryset.filter(call_id=call)
    if status:
        queryset = queryset.filter(status=status)
    rows = list(queryset.prefetch_related("recommendations")[:500])
    record_reads(rows, request.user, surface=Surface.API)
    return rows


@router.get(
    "/submissions/{submission_id}",
    response=SubmissionDetail,
    auth=django_auth,
    summary="One paper with its recommendations and review history",
)
def get_submission(request: HttpRequest, submission_id: DbId) -> object:
    submission = selectors.submission_for(request.user, submission_id)
    record_reads([submission], request.user, surface=Surface.API)
    return submission


@router.post(
    "/submissions/{submission_id}/decision",
    response=SubmissionDetail,
    auth=django_auth,
    summary="Consider a paper, or decide a paper without recommendations (secretariat)",
)
def decide_submission(
    request: HttpRequest, submission_id: DbId, payload: SubmissionDecisionIn
) -> object:
    submission = selectors.submission_for(request.user, submission_id)
    services.decide_submission(
        submission=submission, actor=request.user, to=payload.to, reason=payload.reason
    )
    return selectors.submission_for(request.user, submission_id)


@router.post(
    "/recommendations/{recommendation_id}/decision",
    response=RecommendationOut,
    auth=django_auth,
    summary="Consider, endorse (it becomes a mandate) or not endorse a recommendation",
)
def decide_recommendation(
    request: HttpRequest, recommendation_id: DbId, payload: RecommendationDecisionIn
) -> object:
    recommendation = selectors.recommendation_for(request.user, recommendation_id)
    terms = None
    if payload.to == PaperStatus.ENDORSED:
        assignee = (
            selectors.mandate_assignees(recommendation.submission.call.meeting.body)
            .filter(slug=payload.assignee or "")
            .first()
        )
        if assignee is None or payload.deadline is None:
            raise ValidationError(
                {"assignee": "Give the mandate's owner (an organisation slug) and deadline."}
            )
        terms = services.MandateTerms(
            assignee=assignee,
            deadline=payload.deadline,
            unit=payload.unit,
            text=payload.mandate_text,
            tlp=payload.mandate_tlp,
        )
    services.decide_recommendation(
        recommendation=recommendation,
        actor=request.user,
        to=payload.to,
        reason=payload.reason,
        terms=terms,
    )
    return selectors.recommendation_for(request.user, recommendation_id)


# -- mandates -------------------------------------------------------------------------------


@router.get("/mandates", response=list[MandateOut], summary="Mandates you may see (the tracker)")
def list_mandates(
    request: HttpRequest,
    status: Literal[tuple(FollowUpStatus.values)] | None = None,  # type: ignore[valid-type]
    body: Slug | None = None,
) -> list:
    filters = {"body__slug": body} if body else {}
    mandates = selectors.mandates_by_follow_up(request.user, status, **filters)
    record_reads(mandates, request.user, surface=Surface.API)
    return mandates


@router.get("/mandates/{mandate_id}", response=MandateOut, summary="One mandate")
def get_mandate(request: HttpRequest, mandate_id: DbId) -> object:
    mandate = selectors.mandate_for(request.user, mandate_id)
    record_reads([mandate], request.user, surface=Surface.API)
    return mandate


@router.post(
    "/mandates/{mandate_id}/follow-up",
    response={201: MandateOut},
    auth=django_auth,
    summary="Report progress on a mandate (at a later meeting, or between meetings)",
)
def report_follow_up(request: HttpRequest, mandate_id: DbId, payload: FollowUpIn) -> Status:
    mandate = selectors.mandate_for(request.user, mandate_id)
    meeting = selectors.meeting_for(request.user, payload.meeting) if payload.meeting else None
    services.report_follow_up(
        mandate=mandate,
        actor=request.user,
        progress=payload.progress,
        note=payload.note,
        meeting=meeting,
    )
    return Status(201, selectors.mandate_for(request.user, mandate_id))


# -- exports --------------------------------------------------------------------------------


@router.get(
    "/recommendations.csv",
    summary="Recommendations you may see, as CSV with HXL hashtags",
    response={200: None},
    openapi_extra=answers((CSV, TEXT)),
)
def recommendations_csv(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.recommendations_visible_to(request.user))
    record_reads(rows, request.user, surface=Surface.EXPORT)
    return HttpResponse(exports.recommendations_csv(rows), content_type="text/csv; charset=utf-8")


@router.get(
    "/mandates.csv",
    summary="Mandates you may see, as CSV with HXL hashtags",
    response={200: None},
    openapi_extra=answers((CSV, TEXT)),
)
def mandates_csv(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.mandates_visible_to(request.user))
    record_reads(rows, request.user, surface=Surface.EXPORT)
    return HttpResponse(exports.mandates_csv(rows), content_type="text/csv; charset=utf-8")
