"""iCalendar (RFC 5545) of meetings: stable UID, growing SEQUENCE, status, and invites."""

from __future__ import annotations

from icalendar import Calendar

from vigil.consultations import ical, services


def event_of(content: bytes):
    calendar = Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0]


def test_a_meeting_file_has_the_fields_calendars_need(rsc, meeting) -> None:
    calendar, event = event_of(ical.meeting_ics(meeting, base_url="https://vigil.example"))
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == f"{meeting.uid}@vigil"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["SUMMARY"]) == "Regional Security Committee: RSC 2026 first meeting"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == f"https://vigil.example/consultations/meetings/{meeting.pk}/"
    assert b"DTSTAMP" in ical.meeting_ics(meeting)


def test_a_change_keeps_the_uid_and_raises_the_sequence(rsc, meeting) -> None:
    _, before = event_of(ical.meeting_ics(meeting))
    services.change_meeting(meeting=meeting, actor=rsc.secretariat, status="cancelled")
    _, after = event_of(ical.meeting_ics(meeting))
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert str(after["STATUS"]) == "CANCELLED"


def test_the_chatham_house_rule_is_announced_in_the_invite(rsc, meeting) -> None:
    services.change_meeting(meeting=meeting, actor=rsc.secretariat, chatham_house=True)
    _, event = event_of(ical.meeting_ics(meeting))
    assert "Chatham House rule" in str(event["DESCRIPTION"])


def test_an_invite_is_a_request_to_one_attendee(rsc, meeting) -> None:
    calendar, event = event_of(ical.meeting_invite(meeting, attendee=rsc.delegate))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:rsc@forumsec.example"
    assert str(event["ATTENDEE"]) == "mailto:fiji_delegate@example.org"
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"


def test_a_feed_holds_every_meeting_given(rsc, meeting) -> None:
    other = services.schedule_meeting(
        body=rsc.body, actor=rsc.secretariat, title="Extraordinary session",
        starts_at=meeting.starts_at.replace(year=meeting.starts_at.year + 1),
        ends_at=meeting.ends_at.replace(year=meeting.ends_at.year + 1),
    )  # fmt: skip
    calendar = Calendar.from_ical(ical.meetings_feed([meeting, other], name="RSC"))
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [
        f"{meeting.uid}@vigil",
        f"{other.uid}@vigil",
    ]
