"""Who sees what in a consultation: one table per record kind, persona by persona, checked
on the selectors and on the page and API surfaces built on them.

The committee's participants (secretariat, member-state delegate) see everything of their
body; the accredited CSO sees its own papers, the mandates arising from them and the
drafts its privilege opens; an outsider CSO and the public see only what the marks allow.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.consultations.conftest import paper
from vigil.consultations import selectors, services

PERSONAS = ["public", "secretariat", "delegate", "cso_member", "unaccredited_cso_member"]

# record -> the personas who may see it
POLICY: dict[str, set[str]] = {
    # A paper marked AMBER by its CSO: the CSO, and the committee it was sent to.
    "amber_paper": {"secretariat", "delegate", "cso_member"},
    # A GREEN meeting: everyone signed in.
    "green_meeting": {"secretariat", "delegate", "cso_member", "unaccredited_cso_member"},
    # An AMBER mandate of the committee: participants and the CSO whose paper it came from.
    "amber_mandate": {"secretariat", "delegate", "cso_member"},
    # A draft outcome document: participants and the CSO with "read draft documents".
    "draft_document": {"secretariat", "delegate", "cso_member"},
}


def user_of(rsc, persona: str):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if persona == "public" else getattr(rsc, persona)


@pytest.fixture
def records(rsc, meeting, call) -> dict[str, object]:
    submission, _ = services.submit_paper(actor=rsc.cso_member, call=call, paper=paper(tlp="AMBER"))
    services.consider_submission(submission=submission, actor=rsc.secretariat)
    mandate = services.endorse_recommendation(
        recommendation=submission.recommendations.first(),
        actor=rsc.secretariat,
        terms=services.MandateTerms(
            assignee=rsc.forum, deadline=timezone.localdate() + dt.timedelta(days=90), tlp="AMBER"
        ),
    )
    document = services.add_document(
        meeting=meeting, actor=rsc.secretariat, kind="outcome", title="Draft communiqué",
        text="...", is_draft=True, tlp="CLEAR",
    )  # fmt: skip
    return {
        "amber_paper": submission,
        "green_meeting": meeting,
        "amber_mandate": mandate,
        "draft_document": document,
    }


def visible_ids(rsc, records, record: str, user) -> bool:
    target = records[record]
    if record == "amber_paper":
        return selectors.submissions_visible_to(user, pk=target.pk).exists()
    if record == "green_meeting":
        return selectors.meetings_visible_to(user, pk=target.pk).exists()
    if record == "amber_mandate":
        return selectors.mandates_visible_to(user, pk=target.pk).exists()
    return target in selectors.documents_visible_to(user, target.meeting)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("record", sorted(POLICY))
def test_selectors_follow_the_policy_table(rsc, records, persona, record) -> None:
    user = user_of(rsc, persona)
    assert visible_ids(rsc, records, record, user) is (persona in POLICY[record])


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_and_api_answer_as_the_selectors(rsc, records, persona) -> None:
    client = Client()
    if persona != "public":
        client.force_login(getattr(rsc, persona))
    expected = {True: 200, False: 404}
    paper_page = client.get(reverse("consultations:submission", args=[records["amber_paper"].pk]))
    mandate_page = client.get(reverse("consultations:mandate", args=[records["amber_mandate"].pk]))
    mandate_api = client.get(f"/api/v1/consultations/mandates/{records['amber_mandate'].pk}")
    meeting_api = client.get(f"/api/v1/consultations/meetings/{records['green_meeting'].pk}")
    if persona == "public":
        assert paper_page.status_code == 302  # to the sign-in page
    else:
        assert paper_page.status_code == expected["amber_paper" in _seen(persona)]
    assert mandate_page.status_code == expected["amber_mandate" in _seen(persona)]
    assert mandate_api.status_code == expected["amber_mandate" in _seen(persona)]
    assert meeting_api.status_code == expected["green_meeting" in _seen(persona)]


def _seen(persona: str) -> set[str]:
    return {record for record, personas in POLICY.items() if persona in personas}


def test_the_cso_sees_only_its_own_papers_as_its_own(rsc, call) -> None:
    services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())
    assert selectors.own_submissions(rsc.cso_member).count() == 1
    assert selectors.own_submissions(rsc.delegate).count() == 0
    assert selectors.own_submissions(rsc.unaccredited_cso_member).count() == 0


def test_the_review_queue_is_the_secretariats_and_holds_undecided_papers(rsc, call) -> None:
    submission, _ = services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())
    assert list(selectors.review_queue(rsc.secretariat)) == [submission]
    assert list(selectors.review_queue(rsc.delegate)) == []


def test_the_registration_word_limit_is_the_lower_of_the_two(rsc, call) -> None:
    assert selectors.word_limit_for(rsc.cso, call) == 120  # the call's 120 < registration's 2000
    rsc.cso.registrations.update(written_input_word_limit=80)
    assert selectors.word_limit_for(rsc.cso, call) == 80


def test_the_attend_meetings_privilege_opens_amber_meetings_to_the_cso(rsc, meeting) -> None:
    meeting.tlp = "AMBER"
    meeting.save()
    assert selectors.meetings_visible_to(rsc.cso_member, pk=meeting.pk).exists()
    assert not selectors.meetings_visible_to(rsc.unaccredited_cso_member, pk=meeting.pk).exists()
    rsc.cso.registrations.update(attend_meetings=False)
    assert not selectors.meetings_visible_to(rsc.cso_member, pk=meeting.pk).exists()


def test_nothing_but_a_named_share_opens_a_red_meeting(rsc, meeting) -> None:
    meeting.tlp = "RED"
    meeting.save()
    assert not selectors.meetings_visible_to(rsc.cso_member, pk=meeting.pk).exists()
    assert not selectors.meetings_visible_to(rsc.delegate, pk=meeting.pk).exists()
    assert not selectors.meetings_visible_to(rsc.secretariat, pk=meeting.pk).exists()


def test_a_red_paper_reaches_only_its_author_and_named_people(rsc, call) -> None:
    from vigil.sharing.services import share_record

    submission, _ = services.submit_paper(actor=rsc.cso_member, call=call, paper=paper(tlp="RED"))
    assert selectors.submissions_visible_to(rsc.cso_member, pk=submission.pk).exists()
    assert not selectors.submissions_visible_to(rsc.delegate, pk=submission.pk).exists()
    share_record(record=submission, user=rsc.secretariat, actor=rsc.cso_member)
    assert selectors.submissions_visible_to(rsc.secretariat, pk=submission.pk).exists()
