"""Consultation pages: bodies and their calendar, meetings with agenda, record and follow-up,
calls for papers, a CSO's submission form and papers, the secretariat's review, and the
mandates tracker. Thin: parse a form, call one service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.consultations import exports, ical, selectors, services
from vigil.consultations.choices import DECIDED, CallState, FollowUpStatus, PaperStatus
from vigil.consultations.forms import (
    AgendaItemForm,
    CallForm,
    DocumentForm,
    FollowUpForm,
    MeetingChangeForm,
    MeetingForm,
    RecommendationDecisionForm,
    StatementForm,
    SubmissionDecisionForm,
    SubmissionForm,
    apply_service_errors,
)
from vigil.consultations.models import CallForSubmissions, Meeting, Submission
from vigil.sharing.choices import Surface
from vigil.sharing.policy import record_reads

ICS = "text/calendar; charset=utf-8"


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _call_state(call: CallForSubmissions) -> str:
    now = timezone.now()
    if now < call.opens_at:
        return CallState.UPCOMING
    return CallState.OPEN if call.is_open(now) else CallState.CLOSED


# -- bodies, calendar -----------------------------------------------------------------------


def body_list(request: HttpRequest) -> HttpResponse:
    """The bodies the reader may see, with the next meetings and the calls open now."""
    bodies = list(selectors.bodies_visible_to(request.user))
    record_reads(bodies, request.user, surface=Surface.PAGE)
    calls = [c for c in selectors.calls_visible_to(request.user) if _call_state(c) == "open"]
    context = {
        "bodies": bodies,
        "meetings": list(selectors.upcoming_meetings(request.user)[:10]),
        "open_calls": calls,
        "is_secretariat": bool(selectors.secretariat_body_ids(request.user)),
        "has_cso": bool(selectors.cso_organisations(request.user)),
    }
    return render(request, "consultations/body_list.html", context)


def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    body = selectors.body_for(request.user, slug)
    record_reads([body], request.user, surface=Surface.PAGE)
    meetings = list(selectors.meetings_visible_to(request.user, body=body).order_by("-starts_at"))
    now = timezone.now()
    secretariat = selectors.is_secretariat(request.user, body)
    form = None
    if secretariat:
        form = MeetingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.schedule_meeting(
                    body=body,
                    actor=request.user,
                    title=data["title"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    place=data["place"],
                    chatham_house=data["chatham_house"],
                    agenda=data["agenda"].splitlines(),
                    tlp=data["tlp"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Meeting scheduled."))
                return redirect("consultations:meeting", meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "body": body,
        "members": selectors.members_of(body),
        "secretariat": selectors.secretariat_of(body),
        "upcoming": [m for m in meetings if m.ends_at >= now][::-1],
        "past": [m for m in meetings if m.ends_at < now],
        "is_secretariat": secretariat,
        "form": form,
    }
    return render(request, "consultations/body_detail.html", context)


def body_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The body's meetings as an iCalendar feed (only those the reader may see)."""
    body = selectors.body_for(request.user, slug)
    meetings = list(
        selectors.meetings_visible_to(request.user, body=body).prefetch_related("agenda_items")
    )
    record_reads(meetings, request.user, surface=Surface.EXPORT)
    content = ical.meetings_feed(meetings, name=body.name, base_url=_base_url(request))
    response = HttpResponse(content, content_type=ICS)
    response["Content-Disposition"] = f'inline; filename="{body.slug}.ics"'
    return response


def calendar(request: HttpRequest) -> HttpResponse:
    """Coming meetings of every body the reader may see, month by month."""
    meetings = list(selectors.upcoming_meetings(request.user).select_related("body"))
    record_reads(meetings, request.user, surface=Surface.PAGE)
    months: dict[str, list[Meeting]] = {}
    for meeting in meetings:
        months.setdefault(timezone.localtime(meeting.starts_at).strftime("%Y-%m"), []).append(
            meeting
        )
    return render(
        request,
        "consultations/calendar.html",
        {"months": list(months.items()), "now": timezone.now()},
    )


# -- meetings -------------------------------------------------------------------------------


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, meeting_id)
    record_reads([meeting], request.user, surface=Surface.PAGE)
    return _render_meeting(request, meeting)


def _render_meeting(request: HttpRequest, meeting: Meeting, **forms: Any) -> HttpResponse:
    secretariat = selectors.is_secretariat(request.user, meeting.body)
    calls = list(selectors.calls_visible_to(request.user, meeting=meeting))
    submissions = list(selectors.submissions_visible_to(request.user, call__meeting=meeting))
    documents = selectors.documents_visible_to(request.user, meeting)
    follow_up = selectors.follow_up_for(meeting, request.user)
    endorsed_here = list(selectors.mandates_visible_to(request.user, endorsed_at_meeting=meeting))
    record_reads(
        [*calls, *submissions, *documents, *(i.mandate for i in follow_up), *endorsed_here],
        request.user,
        surface=Surface.PAGE,
    )
    statement_form = forms.get("statement_form")
    bound_follow_up = forms.get("follow_up_forms") or {}
    if secretariat and statement_form is None:
        statement_form = StatementForm(
            meeting=meeting, delegations=selectors.delegations_of(meeting.body)
        )
    manage = {}
    if secretariat:
        manage = {
            "change": forms.get("change")
            or MeetingChangeForm(initial=MeetingChangeForm.initial_for(meeting)),
            "agenda": forms.get("agenda") or AgendaItemForm(),
            "document": forms.get("document") or DocumentForm(),
        }
    context = {
        "meeting": meeting,
        "manage": manage,
        "agenda": selectors.agenda_of(meeting),
        "changes": selectors.changes_of(meeting),
        "statements": selectors.statements_of(meeting),
        "calls": [(c, _call_state(c)) for c in calls],
        "submissions": submissions,
        "documents": documents,
        "follow_up": [
            (
                item,
                bound_follow_up.get(item.mandate.pk) or FollowUpForm(prefix=f"fu-{item.mandate.pk}")
                if secretariat and item.report is None
                else None,
            )
            for item in follow_up
        ],
        "endorsed_here": endorsed_here,
        "is_secretariat": secretariat,
        "statement_form": statement_form if secretariat else None,
    }
    return render(request, "consultations/meeting_detail.html", context)


def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """One meeting as a calendar file (open it to add the meeting to a calendar)."""
    meeting = selectors.meeting_for(request.user, meeting_id)
    record_reads([meeting], request.user, surface=Surface.EXPORT)
    response = HttpResponse(
        ical.meeting_ics(meeting, base_url=_base_url(request)), content_type=ICS
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_POST
def meeting_invite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, meeting_id)
    sent = services.send_meeting_invites(
        meeting=meeting, actor=request.user, base_url=_base_url(request)
    )
    messages.success(request, _("%(count)d invitations sent.") % {"count": sent})
    return redirect("consultations:meeting", meeting.pk)


@login_required
@require_POST
def meeting_manage(request: HttpRequest, meeting_id: int, action: str) -> HttpResponse:
    """The secretariat changes the meeting, adds an agenda item or files a document."""
    meeting = selectors.meeting_for(request.user, meeting_id)
    forms_by_action = {
        "change": MeetingChangeForm,
        "agenda": AgendaItemForm,
        "document": DocumentForm,
    }
    if action not in forms_by_action:
        raise Http404("No such action")
    form = forms_by_action[action](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "change":
                services.change_meeting(meeting=meeting, actor=request.user, **data)
            elif action == "agenda":
                services.add_agenda_item(meeting=meeting, actor=request.user, title=data["title"])
            else:
                services.add_document(meeting=meeting, actor=request.user, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("consultations:meeting", meeting.pk)
    meeting = selectors.meeting_for(request.user, meeting_id)
    return _render_meeting(request, meeting, **{action: form})


@login_required
@require_POST
def statement_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Add a statement to the record; under the Chatham House rule the form has no speaker."""
    meeting = selectors.meeting_for(request.user, meeting_id)
    form = StatementForm(
        request.POST, meeting=meeting, delegations=selectors.delegations_of(meeting.body)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_statement(
                meeting=meeting,
                actor=request.user,
                text=data["text"],
                agenda_item=data["agenda_item"],
                speaker_organisation=data.get("speaker_organisation"),
                speaker_name=data.get("speaker_name", ""),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Statement recorded."))
            return redirect(f"{meeting.get_absolute_url()}#record")
    return _render_meeting(request, meeting, statement_form=form)


@login_required
@require_POST
def follow_up_report(request: HttpRequest, meeting_id: int, mandate_id: int) -> HttpResponse:
    """The secretariat enters a mandate's follow-up report at a later meeting."""
    meeting = selectors.meeting_for(request.user, meeting_id)
    mandate = selectors.mandate_for(request.user, mandate_id)
    form = FollowUpForm(request.POST, prefix=f"fu-{mandate.pk}")
    if form.is_valid():
        try:
            services.report_follow_up(
                mandate=mandate,
                actor=request.user,
                progress=form.cleaned_data["progress"],
                note=form.cleaned_data["note"],
                meeting=meeting,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Follow-up report recorded."))
            return redirect(f"{meeting.get_absolute_url()}#follow-up")
    return _render_meeting(request, meeting, follow_up_forms={mandate.pk: form})


@login_required
def call_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, meeting_id)
    if not selectors.is_secretariat(request.user, meeting.body):
        raise PermissionDenied
    form = CallForm(request.POST or None, initial=CallForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call = services.open_call(meeting=meeting, actor=request.user, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Call for submissions published."))
            return redirect("consultations:call", call.pk)
    return render(request, "consultations/call_form.html", {"form": form, "meeting": meeting})


# -- calls and submissions ------------------------------------------------------------------


def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = selectors.call_for(request.user, call_id)
    record_reads([call], request.user, surface=Surface.PAGE)
    organisations = selectors.cso_organisations(request.user)
    mine = list(selectors.own_submissions(request.user).filter(call=call)) if organisations else []
    may_submit = [
        o
        for o in organisations
        if selectors.holds_privilege_for(o, call.meeting.body, "submit_written_input")
    ]
    context = {
        "call": call,
        "state": _call_state(call),
        "mine": mine,
        "cso_organisations": organisations,
        "may_submit": may_submit,
        "is_secretariat": selectors.is_secretariat(request.user, call.meeting.body),
        "submission_count": selectors.submissions_visible_to(request.user, call=call).count(),
    }
    return render(request, "consultations/call_detail.html", context)


@login_required
def submission_new(request: HttpRequest, call_id: int) -> HttpResponse:
    """A CSO's submission form; a resent copy (same idempotency key) makes no second paper."""
    call = selectors.call_for(request.user, call_id)
    organisations = selectors.cso_organisations(request.user)
    if not organisations:
        return render(request, "consultations/not_a_cso.html", {"call": call}, status=403)
    limit = min(selectors.word_limit_for(o, call) for o in organisations)
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES, organisations=organisations)
        if form.is_valid():
            try:
                submission, created = services.submit_paper(
                    actor=request.user,
                    call=call,
                    paper=form.to_input(),
                    organisation_id=form.cleaned_data.get("organisation"),
                    file=request.FILES.get("file"),
                    idempotency_key=str(form.cleaned_data["idempotency_key"]),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    _("Your paper was received. The secretariat will put it to the committee.")
                    if created
                    else _("This paper had already been received; it was not sent twice."),
                )
                return redirect("consultations:submission", submission.pk)
    else:
        form = SubmissionForm(organisations=organisations)
    context = {"form": form, "call": call, "state": _call_state(call), "word_limit": limit}
    return render(request, "consultations/submission_form.html", context)


@login_required
def my_submissions(request: HttpRequest) -> HttpResponse:
    """The papers the person's organisations submitted, with where each stands."""
    submissions = list(selectors.own_submissions(request.user).prefetch_related("recommendations"))
    record_reads(submissions, request.user, surface=Surface.PAGE)
    return render(request, "consultations/my_submissions.html", {"submissions": submissions})


@login_required
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_for(request.user, submission_id)
    record_reads([submission], request.user, surface=Surface.PAGE)
    return _render_submission(request, submission)


def _render_submission(
    request: HttpRequest, submission: Submission, *, bound: dict[str, Any] | None = None
) -> HttpResponse:
    bound = bound or {}
    body = submission.call.meeting.body
    reviewing = selectors.is_secretariat(request.user, body)
    recommendations = selectors.recommendations_of(submission)
    assignees = selectors.mandate_assignees(body)
    items = []
    for recommendation in recommendations:
        forms: dict[str, Any] = {}
        if reviewing and recommendation.status == PaperStatus.CONSIDERED:
            prefix = f"rec-{recommendation.pk}"
            posted = bound.get(prefix)
            for name, to in (
                ("endorse", PaperStatus.ENDORSED),
                ("decline", PaperStatus.NOT_ENDORSED),
            ):
                if posted is not None and posted.data.get(f"{prefix}-to") == to:
                    forms[name] = posted
                else:
                    forms[name] = RecommendationDecisionForm(
                        prefix=prefix,
                        auto_id=f"{name}-%s",
                        assignees=assignees,
                        initial={"to": to, "assignee": body.owner_org_id},
                    )
        items.append((recommendation, forms))
    paper_form = None
    # The paper is decided on its own only while in review (to consider it) or, without
    # recommendations, once considered; otherwise its recommendations' decisions settle it.
    if reviewing and (
        submission.status == PaperStatus.IN_REVIEW
        or (submission.status == PaperStatus.CONSIDERED and not recommendations)
    ):
        paper_form = bound.get("paper") or SubmissionDecisionForm(prefix="paper")
    context = {
        "submission": submission,
        "items": items,
        "history": selectors.history_of(submission),
        "reviewing": reviewing,
        "paper_form": paper_form,
        "all_decided": all(r.status in DECIDED for r in recommendations),
    }
    return render(request, "consultations/submission_detail.html", context)


@login_required
def submission_file(request: HttpRequest, submission_id: int) -> FileResponse:
    """The paper's file, for those who may read the paper (never from MEDIA directly)."""
    submission = selectors.submission_for(request.user, submission_id)
    if not submission.file:
        raise Http404("No file")
    record_reads([submission], request.user, surface=Surface.PAGE, action="download")
    response = FileResponse(
        submission.file.open("rb"),
        as_attachment=True,
        filename=submission.file_name,
        content_type=submission.file_content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def submission_decide(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Consider the paper (and its recommendations), or decide a paper as a whole."""
    submission = selectors.submission_for(request.user, submission_id)
    form = SubmissionDecisionForm(request.POST, prefix="paper")
    if form.is_valid():
        try:
            services.decide_submission(
                submission=submission,
                actor=request.user,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            label = PaperStatus(form.cleaned_data["to"]).label
            messages.success(request, _("Paper: %(status)s.") % {"status": label})
            return redirect("consultations:submission", submission.pk)
    submission = selectors.submission_for(request.user, submission_id)
    return _render_submission(request, submission, bound={"paper": form})


@login_required
@require_POST
def recommendation_decide(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    """Consider, endorse (it becomes a mandate) or not endorse one recommendation."""
    recommendation = selectors.recommendation_for(request.user, recommendation_id)
    submission = selectors.submission_for(request.user, recommendation.submission_id)
    prefix = f"rec-{recommendation.pk}"
    kind = "endorse" if request.POST.get(f"{prefix}-to") == PaperStatus.ENDORSED else "decline"
    form = RecommendationDecisionForm(
        request.POST,
        prefix=prefix,
        auto_id=f"{kind}-%s",
        assignees=selectors.mandate_assignees(submission.call.meeting.body),
    )
    if form.is_valid():
        try:
            services.decide_recommendation(
                recommendation=recommendation,
                actor=request.user,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                terms=form.terms(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            label = PaperStatus(form.cleaned_data["to"]).label
            messages.success(
                request,
                _("Recommendation %(n)d: %(status)s.")
                % {"n": recommendation.position, "status": label},
            )
            return redirect("consultations:submission", submission.pk)
    submission = selectors.submission_for(request.user, submission.pk)
    return _render_submission(request, submission, bound={prefix: form})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Papers waiting for a decision of the committees the person's secretariat runs."""
    if not selectors.secretariat_body_ids(request.user):
        raise PermissionDenied
    submissions = list(selectors.review_queue(request.user).prefetch_related("recommendations"))
    record_reads(submissions, request.user, surface=Surface.PAGE)
    return render(request, "consultations/review_queue.html", {"submissions": submissions})


# -- mandates -------------------------------------------------------------------------------


def mandate_list(request: HttpRequest) -> HttpResponse:
    """The mandates tracker: every mandate the reader may see, by follow-up status."""
    status = request.GET.get("status") or None
    if status not in FollowUpStatus.values:
        status = None
    body = request.GET.get("body") or None
    filters = {"body__slug": body} if body else {}
    mandates = selectors.mandates_by_follow_up(request.user, status, **filters)
    record_reads(mandates, request.user, surface=Surface.PAGE)
    counts: dict[str, int] = {}
    for mandate in selectors.mandates_by_follow_up(request.user, None, **filters):
        counts[mandate.follow_up_status()] = counts.get(mandate.follow_up_status(), 0) + 1
    context = {
        "mandates": mandates,
        "status": status,
        "body": body,
        "statuses": [(s, counts.get(s.value, 0)) for s in FollowUpStatus],
        "bodies": list(selectors.bodies_visible_to(request.user)),
    }
    return render(request, "consultations/mandate_list.html", context)


def mandate_detail(request: HttpRequest, mandate_id: int) -> HttpResponse:
    mandate = selectors.mandate_for(request.user, mandate_id)
    record_reads([mandate], request.user, surface=Surface.PAGE)
    may_report = services.can_report_on(request.user, mandate)
    form = None
    if may_report:
        form = FollowUpForm(request.POST or None, initial={"progress": mandate.progress})
        if request.method == "POST" and form.is_valid():
            try:
                services.report_follow_up(mandate=mandate, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Progress recorded."))
                return redirect("consultations:mandate", mandate.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {"mandate": mandate, "updates": selectors.updates_of(mandate), "form": form}
    return render(request, "consultations/mandate_detail.html", context)


# -- exports --------------------------------------------------------------------------------


def _csv(content: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def recommendations_export(request: HttpRequest) -> HttpResponse:
    """Recommendations the reader may see, as CSV with HXL hashtags."""
    recommendations = list(selectors.recommendations_visible_to(request.user))
    record_reads(recommendations, request.user, surface=Surface.EXPORT)
    return _csv(exports.recommendations_csv(recommendations), "recommendations.csv")


def mandates_export(request: HttpRequest) -> HttpResponse:
    """Mandates the reader may see, as CSV with HXL hashtags."""
    mandates = list(selectors.mandates_visible_to(request.user))
    record_reads(mandates, request.user, surface=Surface.EXPORT)
    return _csv(exports.mandates_csv(mandates), "mandates.csv")
