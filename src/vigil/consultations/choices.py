"""Vocabularies of structured consultation: meetings, reviews of submissions, mandates."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class MemberKind(models.TextChoices):
    """How an organisation sits on a body."""

    MEMBER_STATE = "member_state", _("Member state")
    OBSERVER = "observer", _("Observer")
    PARTNER = "partner", _("Partner organisation")


class PaperStatus(models.TextChoices):
    """Where a submitted paper or one of its recommendations stands before the committee."""

    IN_REVIEW = "in_review", _("In review")
    CONSIDERED = "considered", _("Considered")
    ENDORSED = "endorsed", _("Endorsed")
    NOT_ENDORSED = "not_endorsed", _("Not endorsed")


# The only moves a review may make; a decision is final (a new paper reopens a question).
REVIEW_TRANSITIONS = frozenset(
    {
        (PaperStatus.IN_REVIEW, PaperStatus.CONSIDERED),
        (PaperStatus.CONSIDERED, PaperStatus.ENDORSED),
        (PaperStatus.CONSIDERED, PaperStatus.NOT_ENDORSED),
    }
)
DECIDED = frozenset({PaperStatus.ENDORSED, PaperStatus.NOT_ENDORSED})


class MandateProgress(models.TextChoices):
    """What the owner of a mandate reports; "overdue" is computed, never stored."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class FollowUpStatus(models.TextChoices):
    """A mandate's status as trackers show it: the reported progress, or overdue."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")


class CallState(models.TextChoices):
    """Whether a call for submissions accepts papers now (computed from its dates)."""

    UPCOMING = "upcoming", _("Not open yet")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class DocumentKind(models.TextChoices):
    AGENDA = "agenda", _("Annotated agenda")
    BACKGROUND = "background", _("Background paper")
    OUTCOME = "outcome", _("Outcome document")
    RECORD = "record", _("Record of the meeting")


class Privilege:
    """Names of accreditation privileges (defined by the actors app) this app relies on."""

    ATTEND_MEETINGS = "attend_meetings"
    SUBMIT_WRITTEN_INPUT = "submit_written_input"
    READ_DRAFT_DOCUMENTS = "read_draft_documents"
