"""Consultation pages: the CSO's form, the secretariat's review, the meeting page with its
follow-up and record (never attributing statements under the Chatham House rule), the
tracker and the exports, each seen by the personas who use them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.consultations.conftest import paper
from vigil.consultations import services
from vigil.consultations.models import Mandate, Statement, Submission
from vigil.sharing.models import AuditEntry


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "title": "Community early warning",
        "text": "Sea-level rise displaces coastal villages.",
        "recommendations": "Fund focal points.\nHold an annual dialogue.",
        "tlp": "GREEN",
    }
    data.update(changes)
    return data


# -- the CSO's submission form --------------------------------------------------------------


def test_an_accredited_cso_submits_a_paper_from_the_form(rsc, call) -> None:
    client = client_for(rsc.cso_member)
    page = client.get(reverse("consultations:submit", args=[call.pk]))
    assert page.status_code == 200
    assert b'data-word-limit="120"' in page.content

    response = client.post(reverse("consultations:submit", args=[call.pk]), form_data())

    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:submission", args=[submission.pk])
    assert [r.text for r in submission.recommendations.all()] == [
        "Fund focal points.",
        "Hold an annual dialogue.",
    ]
    mine = client.get(reverse("consultations:mine"))
    assert submission.title in mine.content.decode()


def test_a_double_click_makes_one_submission(rsc, call) -> None:
    client = client_for(rsc.cso_member)
    data = form_data()
    client.post(reverse("consultations:submit", args=[call.pk]), data)
    again = client.post(reverse("consultations:submit", args=[call.pk]), data, follow=True)
    assert Submission.objects.count() == 1
    assert "already been received" in again.content.decode()


def test_the_form_shows_the_word_count_error_beside_the_paper(rsc, call) -> None:
    response = client_for(rsc.cso_member).post(
        reverse("consultations:submit", args=[call.pk]), form_data(text="word " * 130)
    )
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["text"][0]
        .startswith("The paper and its recommendations have 137 words; at most 120")
    )
    assert not Submission.objects.exists()


def test_an_unaccredited_cso_sees_why_it_cannot_submit(rsc, call) -> None:
    client = client_for(rsc.unaccredited_cso_member)
    call_page = client.get(reverse("consultations:call", args=[call.pk])).content.decode()
    assert "not accredited" in call_page
    assert reverse("consultations:submit", args=[call.pk]) not in call_page
    response = client.post(reverse("consultations:submit", args=[call.pk]), form_data())
    assert response.status_code == 200
    assert "not accredited to PIF" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_person_without_a_cso_gets_a_403_page(rsc, call) -> None:
    response = client_for(rsc.delegate).get(reverse("consultations:submit", args=[call.pk]))
    assert response.status_code == 403


# -- the secretariat's review ---------------------------------------------------------------


@pytest.fixture
def submission(rsc, call) -> Submission:
    return services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())[0]


def test_the_secretariat_considers_and_endorses_from_the_pages(rsc, meeting, submission) -> None:
    client = client_for(rsc.secretariat)
    queue = client.get(reverse("consultations:review")).content.decode()
    assert submission.title in queue

    client.post(reverse("consultations:submission-decide", args=[submission.pk]),
                {"paper-to": "considered"})  # fmt: skip
    first, second = submission.recommendations.all()
    deadline = timezone.localdate(meeting.ends_at) + dt.timedelta(days=90)
    endorsed = client.post(
        reverse("consultations:recommendation-decide", args=[first.pk]),
        {f"rec-{first.pk}-to": "endorsed", f"rec-{first.pk}-assignee": rsc.forum.pk,
         f"rec-{first.pk}-deadline": deadline.isoformat(), f"rec-{first.pk}-tlp": "GREEN",
         f"rec-{first.pk}-unit": "Political and Security Programme"},
    )  # fmt: skip
    assert endorsed.status_code == 302
    not_endorsed = client.post(
        reverse("consultations:recommendation-decide", args=[second.pk]),
        {f"rec-{second.pk}-to": "not_endorsed", f"rec-{second.pk}-tlp": "GREEN"},
    )
    assert not_endorsed.status_code == 200  # the reason is missing
    assert not_endorsed.context["items"][1][1]["decline"].errors["reason"]

    mandate = Mandate.objects.get()
    assert (mandate.recommendation, mandate.assignee, mandate.deadline) == (
        first,
        rsc.forum,
        deadline,
    )
    page = client.get(reverse("consultations:submission", args=[submission.pk])).content.decode()
    assert reverse("consultations:mandate", args=[mandate.pk]) in page


def test_the_delegate_reads_papers_but_gets_no_review_forms(rsc, submission) -> None:
    client = client_for(rsc.delegate)
    page = client.get(reverse("consultations:submission", args=[submission.pk]))
    assert page.status_code == 200
    assert "Mark as considered" not in page.content.decode()
    assert client.get(reverse("consultations:review")).status_code == 403
    refused = client.post(reverse("consultations:submission-decide", args=[submission.pk]),
                          {"paper-to": "considered"})  # fmt: skip
    assert refused.status_code == 403


# -- the meeting page: agenda, follow-up, record --------------------------------------------


def test_a_later_meeting_lists_and_takes_follow_up_reports(rsc, meeting, submission) -> None:
    services.consider_submission(submission=submission, actor=rsc.secretariat)
    mandate = services.endorse_recommendation(
        recommendation=submission.recommendations.first(),
        actor=rsc.secretariat,
        terms=services.MandateTerms(
            assignee=rsc.forum, deadline=timezone.localdate() + dt.timedelta(days=300)
        ),
    )
    later = services.schedule_meeting(
        body=rsc.body, actor=rsc.secretariat, title="RSC second meeting",
        starts_at=meeting.starts_at + dt.timedelta(days=100),
        ends_at=meeting.starts_at + dt.timedelta(days=100, hours=5),
    )  # fmt: skip
    client = client_for(rsc.secretariat)
    page = client.get(later.get_absolute_url()).content.decode()
    assert "Follow-up of 1 mandate of earlier meetings" in page
    assert f'data-mandate-id="{mandate.pk}"' in page

    client.post(
        reverse("consultations:follow-up", args=[later.pk, mandate.pk]),
        {f"fu-{mandate.pk}-progress": "in_progress", f"fu-{mandate.pk}-note": "Half done."},
    )

    mandate.refresh_from_db()
    assert mandate.progress == "in_progress"
    page = client.get(later.get_absolute_url()).content.decode()
    assert "Reported at this meeting:" in page
    assert "Half done." in page


def record_section(page: str) -> str:
    """The meeting page's record section: statements and the form to add one."""
    start = page.index('id="record"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def chatham_meeting(rsc, meeting):
    return services.change_meeting(meeting=meeting, actor=rsc.secretariat, chatham_house=True)


def test_the_chatham_house_form_has_no_speaker_and_refuses_one(rsc, chatham_meeting) -> None:
    client = client_for(rsc.secretariat)
    page = client.get(chatham_meeting.get_absolute_url()).content.decode()
    assert 'name="speaker_name"' not in page
    assert 'name="speaker_organisation"' not in page

    url = reverse("consultations:statement-add", args=[chatham_meeting.pk])
    refused = client.post(url, {"text": "We object.", "speaker_name": "Fiji's delegate"})
    crafted = client.post(url, {"text": "We object.", "speaker_organisation": rsc.fiji.pk})
    assert (refused.status_code, crafted.status_code) == (200, 200)
    assert "Chatham House" in refused.content.decode()
    assert not Statement.objects.exists()

    client.post(url, {"text": "One participant urged restraint."})
    assert Statement.objects.get().is_attributed is False


def test_no_page_shows_who_said_what_under_the_rule(rsc, chatham_meeting) -> None:
    services.record_statement(
        meeting=chatham_meeting, actor=rsc.secretariat, text="One participant urged restraint."
    )
    for user in (rsc.secretariat, rsc.delegate, rsc.cso_member):
        page = client_for(user).get(chatham_meeting.get_absolute_url()).content.decode()
        record = record_section(page)
        assert "One participant urged restraint." in record
        assert 'class="speaker"' not in record
        assert "Fiji" not in record
        assert rsc.delegate.username not in record


def test_an_open_meeting_page_attributes_statements(rsc, meeting) -> None:
    client = client_for(rsc.secretariat)
    client.post(reverse("consultations:statement-add", args=[meeting.pk]),
                {"text": "We agree.", "speaker_organisation": rsc.fiji.pk})  # fmt: skip
    page = client.get(meeting.get_absolute_url()).content.decode()
    record = record_section(page)
    assert 'class="speaker"' in record
    assert "Fiji" in record


# -- access to drafts and papers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees_draft"),
    [
        ("secretariat", True),
        ("delegate", True),
        ("cso_member", True),  # accredited with "read draft documents"
        ("unaccredited_cso_member", False),
    ],
)
def test_draft_documents_go_to_members_and_privileged_csos(rsc, meeting, who, sees_draft) -> None:
    meeting.tlp = "CLEAR"
    meeting.save()
    services.add_document(
        meeting=meeting, actor=rsc.secretariat, kind="outcome", title="Draft communiqué",
        text="The committee welcomed...", is_draft=True, tlp="GREEN",
    )  # fmt: skip
    page = client_for(getattr(rsc, who)).get(meeting.get_absolute_url()).content.decode()
    assert ("Draft communiqué" in page) is sees_draft


def test_the_draft_privilege_is_what_lets_a_cso_read_drafts(rsc, meeting) -> None:
    rsc.cso.registrations.update(read_draft_documents=False)
    meeting.tlp = "CLEAR"
    meeting.save()
    services.add_document(
        meeting=meeting, actor=rsc.secretariat, kind="outcome", title="Draft communiqué",
        text="...", is_draft=True,
    )  # fmt: skip
    page = client_for(rsc.cso_member).get(meeting.get_absolute_url()).content.decode()
    assert "Draft communiqué" not in page


def test_an_amber_paper_is_hidden_from_other_csos_and_its_reads_audited(rsc, call) -> None:
    submission, _ = services.submit_paper(actor=rsc.cso_member, call=call, paper=paper(tlp="AMBER"))
    url = reverse("consultations:submission", args=[submission.pk])
    assert client_for(rsc.unaccredited_cso_member).get(url).status_code == 404
    assert client_for(rsc.delegate).get(url).status_code == 200
    assert AuditEntry.objects.filter(object_id=submission.pk, user=rsc.delegate).exists()


# -- calendar, tracker, exports -------------------------------------------------------------


def test_calendar_lists_coming_meetings_with_their_calendar_files(rsc, meeting) -> None:
    client = client_for(rsc.delegate)
    page = client.get(reverse("consultations:calendar")).content.decode()
    assert meeting.title in page
    ics = client.get(reverse("consultations:meeting-ics", args=[meeting.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert f"UID:{meeting.uid}@vigil" in ics.content.decode()
    feed = client.get(reverse("consultations:body-feed", args=["rsc"])).content.decode()
    assert "BEGIN:VCALENDAR" in feed
    assert f"UID:{meeting.uid}@vigil" in feed


def test_the_tracker_filters_on_the_computed_overdue_status(rsc, meeting, submission) -> None:
    services.consider_submission(submission=submission, actor=rsc.secretariat)
    first, second = submission.recommendations.all()
    for recommendation in (first, second):
        services.endorse_recommendation(
            recommendation=recommendation,
            actor=rsc.secretariat,
            terms=services.MandateTerms(
                assignee=rsc.forum, deadline=timezone.localdate() + dt.timedelta(days=60)
            ),
        )
    # The first mandate's deadline passes without it being done.
    Mandate.objects.filter(recommendation=first).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    client = client_for(rsc.delegate)
    overdue = client.get(reverse("consultations:mandates") + "?status=overdue")
    assert [m.recommendation for m in overdue.context["mandates"]] == [first]
    assert dict((s.value, n) for s, n in overdue.context["statuses"]) == {
        "not_started": 1, "in_progress": 0, "done": 0, "overdue": 1,
    }  # fmt: skip
    export = client.get(reverse("consultations:export-mandates")).content.decode().splitlines()
    assert export[1].startswith("#meta+id,#org+name+body")
    assert sorted(line.split(",")[9] for line in export[2:]) == ["not_started", "overdue"]


def test_pages_answer_the_public_without_leaking(rsc, meeting, call) -> None:
    client = Client()
    assert client.get(reverse("consultations:bodies")).status_code == 200
    assert client.get(reverse("consultations:body", args=["rsc"])).status_code == 200
    assert client.get(meeting.get_absolute_url()).status_code == 404  # GREEN
    assert client.get(reverse("consultations:call", args=[call.pk])).status_code == 200  # CLEAR
    assert client.get(reverse("consultations:mandates")).status_code == 200


# -- the secretariat manages a meeting ------------------------------------------------------


def test_the_secretariat_moves_a_meeting_and_calendars_get_the_change(rsc, meeting) -> None:
    client = client_for(rsc.secretariat)
    url = reverse("consultations:manage", args=[meeting.pk, "change"])
    starts = timezone.localtime(meeting.starts_at) + dt.timedelta(days=1)
    response = client.post(url, {
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Apia, Samoa", "status": "scheduled", "chatham_house": "on",
    })  # fmt: skip
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.place, meeting.chatham_house, meeting.sequence) == ("Apia, Samoa", True, 1)
    ics = client.get(reverse("consultations:meeting-ics", args=[meeting.pk])).content.decode()
    assert "SEQUENCE:1" in ics
    assert "LOCATION:Apia\\, Samoa" in ics


def test_the_rule_cannot_be_lifted_from_the_page_once_statements_exist(rsc, meeting) -> None:
    services.change_meeting(meeting=meeting, actor=rsc.secretariat, chatham_house=True)
    services.record_statement(meeting=meeting, actor=rsc.secretariat, text="In confidence.")
    response = client_for(rsc.secretariat).post(
        reverse("consultations:manage", args=[meeting.pk, "change"]),
        {
            "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "status": "scheduled",
        },
    )
    assert response.status_code == 200
    assert "cannot be lifted" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.chatham_house


def test_agenda_items_and_documents_are_added_from_the_meeting_page(rsc, meeting) -> None:
    client = client_for(rsc.secretariat)
    client.post(reverse("consultations:manage", args=[meeting.pk, "agenda"]),
                {"title": "Any other business"})  # fmt: skip
    client.post(reverse("consultations:manage", args=[meeting.pk, "document"]), {
        "kind": "outcome", "title": "Draft outcome", "text": "The committee...",
        "is_draft": "on", "tlp": "GREEN",
    })  # fmt: skip
    assert [i.title for i in meeting.agenda_items.all()][-1] == "Any other business"
    page = client_for(rsc.delegate).get(meeting.get_absolute_url()).content.decode()
    assert "Any other business" in page
    assert "Draft outcome" in page
    assert "Manage the meeting" not in page  # the delegate manages nothing
    refused = client_for(rsc.delegate).post(
        reverse("consultations:manage", args=[meeting.pk, "agenda"]), {"title": "Mine"}
    )
    assert refused.status_code == 403


def test_a_paper_without_recommendations_is_decided_as_a_whole(rsc, call) -> None:
    submission, _ = services.submit_paper(
        actor=rsc.cso_member, call=call, paper=paper(recommendations=[])
    )
    client = client_for(rsc.secretariat)
    url = reverse("consultations:submission-decide", args=[submission.pk])
    client.post(url, {"paper-to": "considered"})
    page = client.get(reverse("consultations:submission", args=[submission.pk])).content.decode()
    assert "Endorse the paper" in page
    refused = client.post(url, {"paper-to": "not_endorsed", "paper-reason": ""})
    assert "Give the committee" in refused.content.decode()
    client.post(url, {"paper-to": "not_endorsed", "paper-reason": "Outside the agenda."})
    submission.refresh_from_db()
    assert submission.status == "not_endorsed"
    assert submission.steps.last().reason == "Outside the agenda."


def test_a_papers_file_is_served_only_to_its_readers(rsc, call, settings, tmp_path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("paper.pdf", b"%PDF-1.7\n" + b"1" * 64, "application/pdf")
    submission, _ = services.submit_paper(
        actor=rsc.cso_member, call=call, paper=paper(text="", tlp="AMBER"), file=upload
    )
    url = reverse("consultations:submission-file", args=[submission.pk])
    download = client_for(rsc.delegate).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["Cache-Control"] == "private, no-store"
    assert client_for(rsc.unaccredited_cso_member).get(url).status_code == 404
