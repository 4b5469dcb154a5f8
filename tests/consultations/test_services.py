"""Writes of structured consultation, through the services every surface calls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.consultations.conftest import paper
from vigil.consultations import selectors, services
from vigil.consultations.models import MandateUpdate, ReviewStep, Statement, Submission

# -- submitting -----------------------------------------------------------------------------


def test_an_accredited_cso_submits_a_paper_with_separate_recommendations(rsc, call) -> None:
    submission, created = services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())

    assert created
    assert submission.owner_org == rsc.cso
    assert submission.status == "in_review"
    assert [r.text for r in submission.recommendations.all()] == paper().recommendations
    assert submission.word_count == services.count_words(paper().text, *paper().recommendations)
    assert [(s.to_status, s.actor) for s in submission.steps.all()] == [
        ("in_review", rsc.cso_member)
    ]


def test_a_resent_submission_with_the_same_key_makes_one_paper(rsc, call) -> None:
    first, created = services.submit_paper(
        actor=rsc.cso_member, call=call, paper=paper(), idempotency_key="k-1"
    )
    again, created_again = services.submit_paper(
        actor=rsc.cso_member, call=call, paper=paper(), idempotency_key="k-1"
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Submission.objects.count() == 1
    assert first.recommendations.count() == 2


def test_a_cso_without_accreditation_cannot_submit(rsc, call) -> None:
    with pytest.raises(PermissionDenied, match="not accredited to PIF"):
        services.submit_paper(actor=rsc.unaccredited_cso_member, call=call, paper=paper())
    assert not Submission.objects.exists()


def test_a_revoked_registration_stops_submissions(rsc, call) -> None:
    rsc.cso.registrations.update(revoked_on=timezone.localdate(), revoked_reason="lapsed")
    with pytest.raises(PermissionDenied):
        services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())


def test_a_member_state_delegate_cannot_submit_as_a_cso(rsc, call) -> None:
    with pytest.raises(ValidationError) as refused:
        services.submit_paper(actor=rsc.delegate, call=call, paper=paper())
    assert "organisation" in refused.value.message_dict


def test_the_word_limit_counts_the_paper_and_its_recommendations(rsc, call) -> None:
    text = "word " * 115
    with pytest.raises(ValidationError) as refused:
        services.submit_paper(actor=rsc.cso_member, call=call, paper=paper(text=text))

    message = refused.value.message_dict["text"][0]
    words = 115 + services.count_words(*paper().recommendations)
    assert f"have {words} words" in message
    assert "at most 120" in message
    assert f"by {words - 120} words" in message
    assert not Submission.objects.exists()


def test_a_paper_exactly_at_the_limit_is_accepted(rsc, call) -> None:
    text = "word " * (120 - services.count_words(*paper().recommendations))
    submission, _ = services.submit_paper(actor=rsc.cso_member, call=call, paper=paper(text=text))
    assert submission.word_count == 120


def test_the_registration_word_limit_applies_when_lower_than_the_calls(rsc, call) -> None:
    rsc.cso.registrations.update(written_input_word_limit=20)
    with pytest.raises(ValidationError, match="at most 20"):
        services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())


def test_a_closed_call_refuses_papers(rsc, call) -> None:
    later = call.closes_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        services.submit_paper(actor=rsc.cso_member, call=call, paper=paper(), now=later)
    assert "closed" in refused.value.message_dict["call"][0]


def test_a_paper_may_be_a_pdf_file(rsc, call, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("paper.pdf", b"%PDF-1.7\n" + b"0" * 100, "application/pdf")
    submission, _ = services.submit_paper(
        actor=rsc.cso_member, call=call, paper=paper(text=""), file=upload
    )
    assert submission.file_name == "paper.pdf"
    assert len(submission.file_sha256) == 64
    assert submission.file.read().startswith(b"%PDF-")


def test_a_file_that_is_not_what_it_claims_is_refused(rsc, call, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("paper.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.submit_paper(actor=rsc.cso_member, call=call, paper=paper(text=""), file=upload)
    assert "file" in refused.value.message_dict
    assert not Submission.objects.exists()


def test_a_paper_needs_a_text_or_a_file(rsc, call) -> None:
    with pytest.raises(ValidationError) as refused:
        services.submit_paper(actor=rsc.cso_member, call=call, paper=paper(text=""))
    assert "text" in refused.value.message_dict


def test_only_the_secretariat_opens_calls(rsc, meeting) -> None:
    with pytest.raises(PermissionDenied):
        services.open_call(
            meeting=meeting,
            actor=rsc.delegate,
            topic="Anything",
            opens_at=timezone.now(),
            closes_at=timezone.now() + dt.timedelta(days=1),
            word_limit=100,
        )


def test_a_call_closes_before_its_meeting(rsc, meeting) -> None:
    with pytest.raises(ValidationError) as refused:
        services.open_call(
            meeting=meeting,
            actor=rsc.secretariat,
            topic="Late",
            opens_at=timezone.now(),
            closes_at=meeting.starts_at + dt.timedelta(hours=1),
            word_limit=100,
        )
    assert "closes_at" in refused.value.message_dict


# -- review and mandates --------------------------------------------------------------------


@pytest.fixture
def submission(rsc, call) -> Submission:
    return services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())[0]


def terms(rsc, meeting, **changes: object) -> services.MandateTerms:
    values: dict = {
        "assignee": rsc.forum,
        "unit": "Political and Security Programme",
        "deadline": timezone.localdate(meeting.ends_at) + dt.timedelta(days=180),
    }
    values.update(changes)
    return services.MandateTerms(**values)


def test_review_goes_from_considered_to_endorsed_and_makes_a_mandate(
    rsc, meeting, submission
) -> None:
    first, second = submission.recommendations.all()
    services.consider_submission(submission=submission, actor=rsc.secretariat)
    mandate = services.endorse_recommendation(
        recommendation=first, actor=rsc.secretariat, terms=terms(rsc, meeting), reason="Agreed."
    )
    services.decline_recommendation(
        recommendation=second, actor=rsc.secretariat, reason="Covered by the Forum dialogue."
    )

    submission.refresh_from_db()
    assert submission.status == "endorsed"
    assert mandate.recommendation == first
    assert mandate.assignee == rsc.forum
    assert mandate.endorsed_at_meeting == meeting
    assert mandate.follow_up_status() == "not_started"
    steps = [
        (s.recommendation_id, s.from_status, s.to_status, s.actor, s.reason)
        for s in ReviewStep.objects.filter(submission=submission)
    ]
    assert steps == [
        (None, "", "in_review", rsc.cso_member, ""),
        (None, "in_review", "considered", rsc.secretariat, ""),
        (first.pk, "in_review", "considered", rsc.secretariat, ""),
        (second.pk, "in_review", "considered", rsc.secretariat, ""),
        (first.pk, "considered", "endorsed", rsc.secretariat, "Agreed."),
        (
            second.pk,
            "considered",
            "not_endorsed",
            rsc.secretariat,
            "Covered by the Forum dialogue.",
        ),
        (None, "considered", "endorsed", rsc.secretariat, "1 of 2 recommendations endorsed."),
    ]


def test_a_recommendation_is_considered_before_it_is_endorsed(rsc, meeting, submission) -> None:
    with pytest.raises(ValidationError):
        services.endorse_recommendation(
            recommendation=submission.recommendations.first(),
            actor=rsc.secretariat,
            terms=terms(rsc, meeting),
        )
    assert not ReviewStep.objects.filter(to_status="endorsed").exists()


def test_not_endorsing_needs_a_reason(rsc, submission) -> None:
    services.consider_submission(submission=submission, actor=rsc.secretariat)
    with pytest.raises(ValidationError) as refused:
        services.decline_recommendation(
            recommendation=submission.recommendations.first(), actor=rsc.secretariat, reason=" "
        )
    assert "reason" in refused.value.message_dict


def test_a_decision_is_final(rsc, meeting, submission) -> None:
    recommendation = submission.recommendations.first()
    services.consider_submission(submission=submission, actor=rsc.secretariat)
    services.decline_recommendation(
        recommendation=recommendation, actor=rsc.secretariat, reason="No."
    )
    with pytest.raises(ValidationError):
        services.endorse_recommendation(
            recommendation=recommendation, actor=rsc.secretariat, terms=terms(rsc, meeting)
        )


def test_only_the_secretariat_reviews(rsc, submission) -> None:
    with pytest.raises(PermissionDenied):
        services.consider_submission(submission=submission, actor=rsc.delegate)
    with pytest.raises(PermissionDenied):
        services.consider_submission(submission=submission, actor=rsc.cso_member)


def test_a_mandate_deadline_falls_after_the_meeting(rsc, meeting, submission) -> None:
    services.consider_submission(submission=submission, actor=rsc.secretariat)
    with pytest.raises(ValidationError) as refused:
        services.endorse_recommendation(
            recommendation=submission.recommendations.first(),
            actor=rsc.secretariat,
            terms=terms(rsc, meeting, deadline=timezone.localdate(meeting.starts_at)),
        )
    assert "deadline" in refused.value.message_dict


@pytest.fixture
def mandate(rsc, meeting, submission):
    services.consider_submission(submission=submission, actor=rsc.secretariat)
    return services.endorse_recommendation(
        recommendation=submission.recommendations.first(),
        actor=rsc.secretariat,
        terms=terms(rsc, meeting),
    )


@pytest.fixture
def next_meeting(rsc, meeting):
    return services.schedule_meeting(
        body=rsc.body,
        actor=rsc.secretariat,
        title="RSC 2026 second meeting",
        starts_at=meeting.starts_at + dt.timedelta(days=120),
        ends_at=meeting.starts_at + dt.timedelta(days=120, hours=6),
        agenda=["Follow-up of mandates"],
    )


def test_a_later_meeting_shows_the_mandates_due_and_takes_one_report_each(
    rsc, meeting, next_meeting, mandate
) -> None:
    assert selectors.follow_up_for(meeting, rsc.secretariat) == []
    due = selectors.follow_up_for(next_meeting, rsc.secretariat)
    assert [(item.mandate, item.report) for item in due] == [(mandate, None)]

    update = services.report_follow_up(
        mandate=mandate,
        actor=rsc.secretariat,
        progress="in_progress",
        note="Focal points named in 9 of 18 member states.",
        meeting=next_meeting,
    )

    mandate.refresh_from_db()
    assert mandate.progress == "in_progress"
    assert [item.report for item in selectors.follow_up_for(next_meeting, rsc.secretariat)] == [
        update
    ]
    with pytest.raises(ValidationError) as refused:
        services.report_follow_up(
            mandate=mandate, actor=rsc.secretariat, progress="done", note="x", meeting=next_meeting
        )
    assert "meeting" in refused.value.message_dict
    assert MandateUpdate.objects.filter(mandate=mandate).count() == 2  # endorsement + report


def test_follow_up_is_not_reported_at_the_endorsing_meeting(rsc, meeting, mandate) -> None:
    with pytest.raises(ValidationError):
        services.report_follow_up(
            mandate=mandate, actor=rsc.secretariat, progress="done", note="x", meeting=meeting
        )


def test_a_mandate_done_before_a_meeting_is_no_longer_due_there(
    rsc, meeting, next_meeting, mandate
) -> None:
    services.report_follow_up(
        mandate=mandate, actor=rsc.secretariat, progress="done", note="All focal points named."
    )
    assert selectors.follow_up_for(next_meeting, rsc.secretariat) == []


def test_the_mandate_owner_reports_but_a_cso_does_not(rsc, mandate) -> None:
    with pytest.raises(PermissionDenied):
        services.report_follow_up(
            mandate=mandate, actor=rsc.cso_member, progress="done", note="We did it."
        )


# -- meetings and the Chatham House rule ----------------------------------------------------


def test_the_service_refuses_attribution_under_the_chatham_house_rule(rsc, meeting) -> None:
    services.change_meeting(meeting=meeting, actor=rsc.secretariat, chatham_house=True)
    for attribution in (
        {"speaker": rsc.delegate},
        {"speaker_organisation": rsc.fiji},
        {"speaker_name": "The delegate of Fiji"},
    ):
        with pytest.raises(ValidationError, match="Chatham House"):
            services.record_statement(
                meeting=meeting, actor=rsc.secretariat, text="We object.", **attribution
            )
    assert not Statement.objects.exists()
    statement = services.record_statement(
        meeting=meeting, actor=rsc.secretariat, text="One participant objected."
    )
    assert not statement.is_attributed


def test_an_open_meeting_records_who_spoke(rsc, meeting) -> None:
    statement = services.record_statement(
        meeting=meeting, actor=rsc.secretariat, text="We agree.", speaker_organisation=rsc.fiji
    )
    assert statement.speaker_organisation == rsc.fiji


def test_the_rule_cannot_be_lifted_once_statements_are_recorded(rsc, meeting) -> None:
    services.change_meeting(meeting=meeting, actor=rsc.secretariat, chatham_house=True)
    services.record_statement(meeting=meeting, actor=rsc.secretariat, text="Said in confidence.")
    with pytest.raises(ValidationError) as refused:
        services.change_meeting(meeting=meeting, actor=rsc.secretariat, chatham_house=False)
    assert "chatham_house" in refused.value.message_dict
    meeting.refresh_from_db()
    assert meeting.chatham_house


def test_the_rule_cannot_be_imposed_on_an_attributed_record(rsc, meeting) -> None:
    services.record_statement(
        meeting=meeting, actor=rsc.secretariat, text="We agree.", speaker_organisation=rsc.fiji
    )
    with pytest.raises(ValidationError):
        services.change_meeting(meeting=meeting, actor=rsc.secretariat, chatham_house=True)


def test_changing_a_meeting_bumps_its_calendar_sequence(rsc, meeting) -> None:
    before = meeting.sequence
    services.change_meeting(meeting=meeting, actor=rsc.secretariat, place="Apia, Samoa")
    services.add_agenda_item(meeting=meeting, actor=rsc.secretariat, title="Any other business")
    meeting.refresh_from_db()
    assert meeting.sequence == before + 2
    assert [item.position for item in meeting.agenda_items.all()] == [1, 2, 3]


def test_invites_go_to_each_participant_with_an_icalendar_request(rsc, meeting, mailoutbox) -> None:
    sent = services.send_meeting_invites(
        meeting=meeting, actor=rsc.secretariat, base_url="https://vigil.example"
    )

    assert sent == 2  # the secretary and Fiji's delegate; the CSO is not a participant
    assert sorted(m.to[0] for m in mailoutbox) == [
        "fiji_delegate@example.org",
        "rsc_secretary@example.org",
    ]
    filename, content, mimetype = mailoutbox[0].attachments[0]
    assert filename == "invite.ics"
    assert mimetype.startswith("text/calendar; method=REQUEST")
    text = content.decode() if isinstance(content, bytes) else content
    assert "METHOD:REQUEST" in text
    assert f"UID:{meeting.uid}@vigil" in text
    assert "ATTENDEE" in text
    assert "mailto:" in text


def test_invites_are_delivered_over_smtp_one_per_person(
    rsc, meeting, smtp_server, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    sent = services.send_meeting_invites(meeting=meeting, actor=rsc.secretariat)

    smtp_server.handler.wait_for(2)
    received = sorted(smtp_server.handler.received, key=lambda m: m.to)
    assert sent == 2
    assert [m.to for m in received] == [
        ["fiji_delegate@example.org"],
        ["rsc_secretary@example.org"],
    ]
    assert {m.subject for m in received} == {"Invitation: RSC 2026 first meeting"}
    assert all(m.headers["Content-Type"].startswith("multipart/mixed") for m in received)


def test_only_the_secretariat_sends_invites(rsc, meeting, mailoutbox) -> None:
    with pytest.raises(PermissionDenied):
        services.send_meeting_invites(meeting=meeting, actor=rsc.delegate)
    assert mailoutbox == []


def test_a_report_of_done_made_for_a_meeting_keeps_the_mandate_on_its_agenda(
    rsc, meeting, next_meeting, mandate
) -> None:
    # Given the secretariat writes the follow-up report before the meeting opens,
    update = services.report_follow_up(
        mandate=mandate, actor=rsc.secretariat, progress="done", note="Done.", meeting=next_meeting
    )
    # the meeting still hears it, with the report.
    due = selectors.follow_up_for(next_meeting, rsc.secretariat)
    assert [(item.mandate, item.report) for item in due] == [(mandate, update)]


def test_every_change_to_a_meeting_is_a_row(rsc, meeting) -> None:
    services.change_meeting(meeting=meeting, actor=rsc.secretariat, place="Apia, Samoa")
    services.change_meeting(meeting=meeting, actor=rsc.secretariat, place="Apia, Samoa")  # no-op
    services.change_meeting(meeting=meeting, actor=rsc.secretariat, status="postponed")
    services.add_agenda_item(meeting=meeting, actor=rsc.secretariat, title="Any other business")

    rows = [(c.sequence, c.actor, c.changes) for c in meeting.changes.all()]
    assert rows == [
        (1, rsc.secretariat, {"place": ["Suva, Fiji", "Apia, Samoa"]}),
        (2, rsc.secretariat, {"status": ["scheduled", "postponed"]}),
        (3, rsc.secretariat, {"agenda": ["", "3. Any other business"]}),
    ]
    meeting.refresh_from_db()
    assert meeting.sequence == 3
