"""Writes on bodies and meetings: set up, schedule, change (every change a row), the
record under the Chatham House rule, documents and iCalendar invites."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.actors.models import Organisation
from vigil.consultations import selectors
from vigil.consultations.choices import (
    MemberKind,
)
from vigil.consultations.models import (
    CHATHAM_HOUSE_REFUSAL,
    AgendaItem,
    Body,
    BodyMember,
    Meeting,
    MeetingChange,
    MeetingDocument,
    Statement,
)
from vigil.sharing.choices import TLP


def require_secretariat(actor: Any, body: Body) -> None:
    if not selectors.is_secretariat(actor, body):
        raise PermissionDenied(_("Only the secretariat of %(body)s does this.") % {"body": body})


# -- bodies and meetings --------------------------------------------------------------------


@transaction.atomic
def create_body(
    *,
    actor: Any,
    owner_org: Organisation,
    regional_organisation_id: str,
    slug: str,
    name: str,
    mandate: str = "",
    email: str = "",
    tlp: str = TLP.CLEAR,
) -> Body:
    """Set up a body served by `owner_org`'s secretariat (a platform admin or that secretariat)."""
    from vigil.actors.choices import Role
    from vigil.sharing.policy import organisations_with_role

    if not (
        getattr(actor, "is_superuser", False)
        or owner_org.pk in organisations_with_role(actor, (Role.SECRETARIAT,))
    ):
        raise PermissionDenied(_("Only the organisation's secretariat sets up its bodies."))
    body = Body(
        owner_org=owner_org,
        regional_organisation_id=regional_organisation_id,
        slug=slug,
        name=name,
        mandate=mandate,
        email=email,
        tlp=tlp,
    )
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def seat_member(
    *, body: Body, organisation: Organisation, actor: Any, kind: str = MemberKind.MEMBER_STATE
) -> BodyMember:
    """Seat an organisation (a member state's delegation, an observer) on the body."""
    require_secretariat(actor, body)
    member = BodyMember(body=body, organisation=organisation, kind=kind, since=timezone.localdate())
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def schedule_meeting(
    *,
    body: Body,
    actor: Any,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    chatham_house: bool = False,
    description: str = "",
    agenda: list[str] | None = None,
    tlp: str = TLP.GREEN,
) -> Meeting:
    """Put a meeting on the body's calendar, with its agenda items in order."""
    require_secretariat(actor, body)
    meeting = Meeting(
        body=body,
        owner_org_id=body.owner_org_id,
        tlp=tlp,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        chatham_house=chatham_house,
        description=description,
    )
    meeting.full_clean()
    meeting.save()
    for position, item in enumerate(agenda or [], start=1):
        if item.strip():
            AgendaItem.objects.create(meeting=meeting, position=position, title=item.strip())
    return meeting


@transaction.atomic
def add_agenda_item(
    *, meeting: Meeting, actor: Any, title: str, description: str = ""
) -> AgendaItem:
    """Append an item to the meeting's agenda; calendars get the change (SEQUENCE + 1)."""
    require_secretariat(actor, meeting.body)
    if not title.strip():
        raise ValidationError({"title": _("Name the agenda item.")})
    position = (
        meeting.agenda_items.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    item = AgendaItem.objects.create(
        meeting=meeting, position=position, title=title.strip(), description=description
    )
    _bump_sequence(meeting)
    MeetingChange.objects.create(
        meeting=meeting,
        actor=actor,
        changes={"agenda": ["", f"{item.position}. {item.title}"]},
        sequence=meeting.sequence,
    )
    return item


@transaction.atomic
def change_meeting(*, meeting: Meeting, actor: Any, **changes: Any) -> Meeting:
    """Change a meeting's time, place, status or rule. Calendars that imported it update
    (SEQUENCE + 1). The Chatham House rule cannot be lifted once statements are on record:
    they were given on the promise that they would never be attributed."""
    require_secretariat(actor, meeting.body)
    allowed = {"title", "starts_at", "ends_at", "place", "status", "chatham_house", "description"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: _("This cannot be changed here.") for name in unknown})
    if (
        meeting.chatham_house
        and changes.get("chatham_house") is False
        and meeting.statements.exists()
    ):
        raise ValidationError(
            {
                "chatham_house": _(
                    "Statements were recorded under the Chatham House rule; it "
                    "cannot be lifted for this meeting."
                )
            }
        )
    if (
        changes.get("chatham_house")
        and not meeting.chatham_house
        and meeting.statements.exclude(
            speaker=None, speaker_organisation=None, speaker_name=""
        ).exists()
    ):
        raise ValidationError(
            {
                "chatham_house": _(
                    "Attributed statements are already on record; the rule "
                    "must be chosen before the meeting's record starts."
                )
            }
        )
    before = {name: getattr(meeting, name) for name in changes}
    for name, value in changes.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    changed = {
        name: [str(before[name]), str(value)]
        for name, value in changes.items()
        if before[name] != value
    }
    if not changed:
        return meeting
    meeting.sequence += 1
    meeting.save()
    MeetingChange.objects.create(
        meeting=meeting, actor=actor, changes=changed, sequence=meeting.sequence
    )
    # Keep each statement's copy of the rule equal to the meeting's (see Statement).
    meeting.statements.update(chatham_house=meeting.chatham_house)
    return meeting


def _bump_sequence(meeting: Meeting) -> None:
    meeting.sequence += 1
    meeting.save(update_fields=["sequence", "updated_at"])


@transaction.atomic
def record_statement(
    *,
    meeting: Meeting,
    actor: Any,
    text: str,
    agenda_item: AgendaItem | None = None,
    speaker: Any = None,
    speaker_organisation: Organisation | None = None,
    speaker_name: str = "",
) -> Statement:
    """Add a statement to the meeting's record. Under the Chatham House rule any attribution
    is refused outright (not dropped silently: the secretariat must know it was not kept)."""
    require_secretariat(actor, meeting.body)
    if not text.strip():
        raise ValidationError({"text": _("Write what was said.")})
    if meeting.chatham_house and (speaker or speaker_organisation or speaker_name.strip()):
        raise ValidationError({"speaker": CHATHAM_HOUSE_REFUSAL})
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("This item is on another meeting's agenda.")})
    statement = Statement(
        meeting=meeting,
        agenda_item=agenda_item,
        text=text.strip(),
        speaker=speaker,
        speaker_organisation=speaker_organisation,
        speaker_name=speaker_name.strip(),
        position=meeting.statements.count() + 1,
    )
    statement.full_clean(exclude=["chatham_house"])
    statement.save()
    return statement


@transaction.atomic
def add_document(
    *,
    meeting: Meeting,
    actor: Any,
    kind: str,
    title: str,
    text: str,
    is_draft: bool = True,
    tlp: str = TLP.GREEN,
) -> MeetingDocument:
    """File a document for the meeting; drafts stay with participants and privileged CSOs."""
    require_secretariat(actor, meeting.body)
    document = MeetingDocument(
        meeting=meeting,
        owner_org_id=meeting.owner_org_id,
        tlp=tlp,
        kind=kind,
        title=title,
        text=text,
        is_draft=is_draft,
        created_by=actor,
    )
    document.full_clean()
    document.save()
    return document


def send_meeting_invites(*, meeting: Meeting, actor: Any, base_url: str = "") -> int:
    """E-mail an iCalendar invite (METHOD:REQUEST) to every participant with an address.

    One message per person so that no one learns the others' addresses. Returns how many
    were sent."""
    from vigil.consultations.ical import meeting_invite

    require_secretariat(actor, meeting.body)
    people = selectors.invitees_of(meeting)
    sent = 0
    for person in people:
        message = EmailMessage(
            subject=_("Invitation: %(title)s") % {"title": meeting.title},
            body=_("You are invited to %(title)s, %(when)s, %(place)s.")
            % {
                "title": meeting.title,
                "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M %Z"),
                "place": meeting.place or "—",
            },
            to=[person.email],
            reply_to=[meeting.body.email] if meeting.body.email else None,
        )
        message.attach(
            "invite.ics",
            meeting_invite(meeting, attendee=person, base_url=base_url),
            "text/calendar; method=REQUEST; charset=utf-8",
        )
        sent += message.send()
    return sent
