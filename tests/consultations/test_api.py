"""`/api/v1/consultations`: the walk from a call for papers to a tracked mandate through the
API, with problem+json refusals, idempotency, iCalendar and HXL exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from tests.consultations.conftest import paper
from vigil.consultations import services
from vigil.consultations.models import Statement, Submission

URL = "/api/v1/consultations"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, data: dict, **headers: str):
    return client.post(URL + path, data, content_type="application/json", **headers)


def errors_of(response) -> dict[str, str]:
    return {error["field"]: error["reason"] for error in response.json()["errors"]}


PAPER = {
    "title": "Community early warning in Pacific climate hotspots",
    "text": "Sea-level rise displaces coastal villages and strains land tenure.",
    "recommendations": [
        "Fund community early-warning focal points in every member state.",
        "Hold an annual CSO dialogue before the committee meets.",
    ],
}


def test_from_call_to_tracked_mandate_through_the_api(rsc) -> None:
    secretary, cso = client_for(rsc.secretariat), client_for(rsc.cso_member)
    starts = timezone.now() + dt.timedelta(days=20)
    created = post(secretary, "/meetings", {
        "body": "rsc", "title": "RSC special session", "place": "Suva",
        "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=4)).isoformat(),
        "agenda": ["Climate security"],
    })  # fmt: skip
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    call = post(secretary, f"/meetings/{meeting_id}/calls", {
        "topic": "Climate security", "word_limit": 200,
        "opens_at": timezone.now().isoformat(),
        "closes_at": (starts - dt.timedelta(days=2)).isoformat(),
    })  # fmt: skip
    assert call.status_code == 201, call.content
    call_id = call.json()["id"]

    first = post(cso, f"/calls/{call_id}/submissions", PAPER, HTTP_IDEMPOTENCY_KEY="paper-1")
    retry = post(cso, f"/calls/{call_id}/submissions", PAPER, HTTP_IDEMPOTENCY_KEY="paper-1")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]
    submission = first.json()
    assert submission["organisation"] == "pacific-women-mediators"
    assert [r["status"] for r in submission["recommendations"]] == ["in_review", "in_review"]

    considered = post(secretary, f"/submissions/{submission['id']}/decision", {"to": "considered"})
    assert considered.json()["status"] == "considered"
    endorse, decline = (r["id"] for r in submission["recommendations"])
    deadline = (timezone.localdate() + dt.timedelta(days=200)).isoformat()
    endorsed = post(secretary, f"/recommendations/{endorse}/decision", {
        "to": "endorsed", "assignee": "forum-secretariat", "deadline": deadline,
        "unit": "Political and Security Programme",
    })  # fmt: skip
    assert endorsed.status_code == 200, endorsed.content
    mandate_id = endorsed.json()["mandate"]
    refused = post(secretary, f"/recommendations/{decline}/decision", {"to": "not_endorsed"})
    assert refused.status_code == 422
    assert "reason" in errors_of(refused)
    post(secretary, f"/recommendations/{decline}/decision",
         {"to": "not_endorsed", "reason": "Already funded by the Forum."})  # fmt: skip

    mine = cso.get(URL + "/submissions?mine=true").json()
    assert [(s["id"], s["status"]) for s in mine] == [(submission["id"], "endorsed")]
    mandates = cso.get(URL + "/mandates").json()
    assert [(m["id"], m["assignee"], m["follow_up_status"]) for m in mandates] == [
        (mandate_id, "forum-secretariat", "not_started")
    ]
    history = cso.get(URL + f"/submissions/{submission['id']}").json()["history"]
    assert [step["to_status"] for step in history] == [
        "in_review", "considered", "considered", "considered", "endorsed", "not_endorsed",
        "endorsed",
    ]  # fmt: skip


def test_a_paper_over_the_word_limit_is_refused_with_the_count(rsc, call) -> None:
    response = post(client_for(rsc.cso_member), f"/calls/{call.pk}/submissions",
                    PAPER | {"text": "word " * 200})  # fmt: skip
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert "at most 120" in errors_of(response)["text"]
    assert not Submission.objects.exists()


def test_an_unaccredited_cso_is_refused(rsc, call) -> None:
    response = post(client_for(rsc.unaccredited_cso_member), f"/calls/{call.pk}/submissions", PAPER)
    assert response.status_code == 403
    assert "not accredited" in response.json()["detail"]


def test_writes_need_a_signed_in_client(call) -> None:
    assert post(Client(), f"/calls/{call.pk}/submissions", PAPER).status_code == 401


def test_the_delegate_cannot_endorse(rsc, call) -> None:
    submission, _ = services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())
    response = post(client_for(rsc.delegate), f"/submissions/{submission.pk}/decision",
                    {"to": "considered"})  # fmt: skip
    assert response.status_code == 403


def test_a_chatham_house_record_refuses_and_never_returns_a_speaker(rsc, meeting) -> None:
    services.change_meeting(meeting=meeting, actor=rsc.secretariat, chatham_house=True)
    secretary = client_for(rsc.secretariat)

    refused = post(secretary, f"/meetings/{meeting.pk}/statements",
                   {"text": "We object.", "speaker_organisation": "fiji"})  # fmt: skip
    named = post(secretary, f"/meetings/{meeting.pk}/statements",
                 {"text": "We object.", "speaker_name": "Fiji's delegate"})  # fmt: skip
    kept = post(secretary, f"/meetings/{meeting.pk}/statements", {"text": "One objected."})

    assert (refused.status_code, named.status_code, kept.status_code) == (422, 422, 201)
    assert Statement.objects.count() == 1
    detail = client_for(rsc.delegate).get(f"{URL}/meetings/{meeting.pk}").json()
    assert detail["chatham_house"] is True
    assert detail["statements"] == [
        {"position": 1, "agenda_item": None, "text": "One objected.",
         "speaker_organisation": None, "speaker_name": ""}
    ]  # fmt: skip


def test_an_open_meeting_record_names_the_delegation(rsc, meeting) -> None:
    secretary = client_for(rsc.secretariat)
    post(secretary, f"/meetings/{meeting.pk}/statements",
         {"text": "We agree.", "speaker_organisation": "fiji"})  # fmt: skip
    detail = secretary.get(f"{URL}/meetings/{meeting.pk}").json()
    assert detail["statements"][0]["speaker_organisation"] == "Fiji"


def test_a_meeting_and_a_body_feed_are_valid_icalendar(rsc, meeting) -> None:
    client = client_for(rsc.delegate)
    one = client.get(f"{URL}/meetings/{meeting.pk}/meeting.ics")
    feed = client.get(f"{URL}/bodies/rsc/meetings.ics")

    assert one["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(one.content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{meeting.uid}@vigil"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event["LOCATION"]) == "Suva, Fiji"
    assert "2. Regional security outlook" in str(event["DESCRIPTION"])
    assert [str(e["UID"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")] == [
        f"{meeting.uid}@vigil"
    ]


def test_green_meetings_stay_out_of_the_anonymous_feed(rsc, meeting) -> None:
    # The body is CLEAR, its meeting GREEN: the public sees the body and an empty feed.
    feed = Client().get(f"{URL}/bodies/rsc/meetings.ics")
    assert feed.status_code == 200
    assert Calendar.from_ical(feed.content).walk("VEVENT") == []
    assert Client().get(f"{URL}/meetings/{meeting.pk}").status_code == 404


def test_exports_carry_hxl_hashtags(rsc, call) -> None:
    services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())
    client = client_for(rsc.delegate)
    rows = list(csv.reader(io.StringIO(client.get(URL + "/recommendations.csv").text)))
    assert rows[1][:2] == ["#meta+id", "#org+name+body"]
    assert "#description" in rows[1]
    assert [row[rows[0].index("recommendation")] for row in rows[2:]] == paper().recommendations
    mandates = list(csv.reader(io.StringIO(client.get(URL + "/mandates.csv").text)))
    assert mandates[1][mandates[0].index("deadline")] == "#date+end"
    assert len(mandates) == 2  # header and hashtags: nothing endorsed yet


@pytest.mark.parametrize("who", ["public", "unaccredited_cso_member"])
def test_papers_stay_with_the_cso_and_the_committee(rsc, call, who) -> None:
    submission, _ = services.submit_paper(actor=rsc.cso_member, call=call, paper=paper(tlp="AMBER"))
    client = Client() if who == "public" else client_for(getattr(rsc, who))
    response = client.get(f"{URL}/submissions/{submission.pk}")
    assert response.status_code in (401, 404)
    assert client_for(rsc.delegate).get(f"{URL}/submissions/{submission.pk}").status_code == 200


def test_the_secretariat_manages_a_meeting_through_the_api(rsc, meeting) -> None:
    secretary = client_for(rsc.secretariat)
    changed = secretary.patch(f"{URL}/meetings/{meeting.pk}", {"place": "Apia, Samoa"},
                              content_type="application/json")  # fmt: skip
    item = post(secretary, f"/meetings/{meeting.pk}/agenda", {"title": "Any other business"})
    document = {"kind": "outcome", "title": "Draft outcome", "text": "The committee..."}
    draft = post(secretary, f"/meetings/{meeting.pk}/documents", document)

    assert changed.json()["place"] == "Apia, Samoa"
    assert changed.json()["sequence"] == 1
    # the agenda item is a change calendars must apply too
    assert secretary.get(f"{URL}/meetings/{meeting.pk}").json()["sequence"] == 2
    assert (item.status_code, item.json()["position"]) == (201, 3)
    assert draft.json()["is_draft"] is True
    seen = client_for(rsc.unaccredited_cso_member).get(f"{URL}/meetings/{meeting.pk}/documents")
    assert seen.json() == []
    delegate = client_for(rsc.delegate)
    assert [d["title"] for d in delegate.get(f"{URL}/meetings/{meeting.pk}/documents").json()] == [
        "Draft outcome"
    ]
    refused = delegate.patch(f"{URL}/meetings/{meeting.pk}", {"status": "cancelled"},
                             content_type="application/json")  # fmt: skip
    assert refused.status_code == 403


def test_the_mandates_list_costs_the_same_queries_for_one_or_many(
    rsc, meeting, call, django_assert_max_num_queries
) -> None:
    client = client_for(rsc.delegate)

    def endorse_all() -> None:
        submission, _ = services.submit_paper(actor=rsc.cso_member, call=call, paper=paper())
        services.consider_submission(submission=submission, actor=rsc.secretariat)
        for recommendation in submission.recommendations.all():
            services.endorse_recommendation(
                recommendation=recommendation,
                actor=rsc.secretariat,
                terms=services.MandateTerms(
                    assignee=rsc.forum, deadline=timezone.localdate() + dt.timedelta(days=60)
                ),
            )

    endorse_all()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        assert len(client.get(URL + "/mandates").json()) == 2
    for _ in range(3):
        endorse_all()
    with django_assert_max_num_queries(len(two)):
        assert len(client.get(URL + "/mandates").json()) == 8
