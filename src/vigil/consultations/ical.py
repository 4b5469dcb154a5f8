"""Meetings as iCalendar (RFC 5545): one meeting's file, a body's feed, and e-mail invites.

Times are written in UTC (a `Z` suffix), which every calendar client accepts without a
VTIMEZONE block. A meeting keeps its UID for life and its SEQUENCE grows with every change,
so calendars that imported it update the entry instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vText

from vigil.consultations.choices import MeetingStatus
from vigil.consultations.models import Meeting

PRODID = "-//Vigil//Consultations//EN"
STATUS = {
    MeetingStatus.SCHEDULED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.POSTPONED: "TENTATIVE",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def _calendar(method: str, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _event(meeting: Meeting, *, base_url: str = "", stamp: dt.datetime | None = None) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@vigil")
    event.add("dtstamp", stamp or dt.datetime.now(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("sequence", meeting.sequence)
    event.add("summary", f"{meeting.body.name}: {meeting.title}")
    if meeting.place:
        event.add("location", meeting.place)
    event.add("status", STATUS[MeetingStatus(meeting.status)])
    event.add("class", "PUBLIC" if meeting.tlp == "CLEAR" else "CONFIDENTIAL")
    event.add("categories", [meeting.body.name])
    lines = [meeting.description] if meeting.description else []
    agenda = list(meeting.agenda_items.all())
    if agenda:
        lines.append("Agenda:")
        lines.extend(f"{item.position}. {item.title}" for item in agenda)
    if meeting.chatham_house:
        lines.append("This meeting is held under the Chatham House rule.")
    if base_url:
        url = f"{base_url.rstrip('/')}/consultations/meetings/{meeting.pk}/"
        event.add("url", url)
        lines.append(url)
    if lines:
        event.add("description", "\n".join(lines))
    return event


def meeting_ics(meeting: Meeting, *, base_url: str = "") -> bytes:
    """One meeting as a calendar file to open or import (METHOD:PUBLISH)."""
    calendar = _calendar("PUBLISH", meeting.body.name)
    calendar.add_component(_event(meeting, base_url=base_url))
    return calendar.to_ical()


def meetings_feed(meetings: Iterable[Meeting], *, name: str, base_url: str = "") -> bytes:
    """A body's meetings as a subscribable feed (only those the reader may see)."""
    calendar = _calendar("PUBLISH", name)
    stamp = dt.datetime.now(dt.UTC)
    for meeting in meetings:
        calendar.add_component(_event(meeting, base_url=base_url, stamp=stamp))
    return calendar.to_ical()


def meeting_invite(meeting: Meeting, *, attendee: Any, base_url: str = "") -> bytes:
    """An invitation (METHOD:REQUEST) addressed to one person, from the body's secretariat."""
    calendar = _calendar("REQUEST")
    event = _event(meeting, base_url=base_url)
    organizer = vCalAddress(f"mailto:{meeting.body.email or 'secretariat@vigil.invalid'}")
    organizer.params["cn"] = vText(meeting.body.name)
    event.add("organizer", organizer)
    guest = vCalAddress(f"mailto:{attendee.email}")
    guest.params["cn"] = vText(attendee.get_full_name() or attendee.get_username())
    guest.params["role"] = vText("REQ-PARTICIPANT")
    guest.params["partstat"] = vText("NEEDS-ACTION")
    guest.params["rsvp"] = vText("TRUE")
    event.add("attendee", guest, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
