"""Bodies, meetings, calls for submissions, submissions, recommendations and mandates.

The shape follows the Pacific Islands Forum's practice: civil-society organisations
accredited to a regional organisation submit papers to one of its bodies (the Regional
Security Committee); the committee considers them at a meeting and endorses some
recommendations, which become mandates for the secretariat, reported on at each later
meeting until done.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.consultations.choices import (
    DocumentKind,
    FollowUpStatus,
    MandateProgress,
    MeetingStatus,
    MemberKind,
    PaperStatus,
)
from vigil.sharing.models import ProtectedModel

CHATHAM_HOUSE_REFUSAL = _(
    "This meeting is held under the Chatham House rule: statements are recorded without "
    "naming the speaker or their organisation."
)


class Body(ProtectedModel):
    """A standing body of a regional organisation that holds meetings and takes submissions,
    e.g. the Forum's Regional Security Committee. `owner_org` is the organisation whose
    secretariat serves it; people with the secretariat role there run its business."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    regional_organisation = models.ForeignKey(
        "geo.RegionalOrganisation", on_delete=models.PROTECT, related_name="+"
    )
    mandate = models.TextField(blank=True, help_text=_("What the body is for, in a paragraph"))
    email = models.EmailField(blank=True, help_text=_("The secretariat's address (invites)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name


class BodyMember(models.Model):
    """An organisation sitting on a body (a member state's delegation, an observer).

    Configuration of the body rather than a protected record: who sits on a committee is
    public in every regional organisation Vigil serves."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        max_length=16, choices=MemberKind.choices, default=MemberKind.MEMBER_STATE
    )
    since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["body_id", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "organisation"],
                name="bodymember_unique",
                violation_error_message=_("This organisation already sits on this body."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.body}"


class Meeting(ProtectedModel):
    """One meeting of a body. Under the Chatham House rule its record holds no attribution."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    chatham_house = models.BooleanField(
        default=False,
        help_text=_("Held under the Chatham House rule: statements are never attributed"),
    )
    description = models.TextField(blank=True)
    # iCalendar identity: the UID stays, SEQUENCE grows with each change calendars must apply.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("A meeting ends after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("consultations:meeting", args=[self.pk])

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A meeting ends after it starts.")})


class MeetingChange(models.Model):
    """One change to a meeting (rescheduled, moved, cancelled, rule set): who, when, what.

    `changes` maps each changed field to its [old, new] values, as text."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField()
    sequence = models.PositiveIntegerField(help_text=_("The meeting's iCalendar SEQUENCE after"))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"meeting {self.meeting_id} change {self.sequence}"


class AgendaItem(models.Model):
    """A numbered item of a meeting's agenda (the follow-up of mandates is added on top)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agendaitem_unique_position",
                violation_error_message=_("This agenda already has an item at this position."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Statement(models.Model):
    """A statement in a meeting's record.

    Under the Chatham House rule the statement is stored without any attribution. The rule is
    held three times over: `clean()` names the refused field, the service refuses, and a
    database CHECK refuses a row whose `chatham_house` copy is set while a speaker,
    organisation or name is stored. `chatham_house` is copied from the meeting on every save
    (a CHECK cannot look into another table) and the meeting's rule cannot be lifted once
    statements exist, so the copy cannot drift.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="statements")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    chatham_house = models.BooleanField(editable=False)
    text = models.TextField()
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speaker_organisation = models.ForeignKey(
        "actors.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speaker_name = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(chatham_house=False)
                | Q(speaker__isnull=True, speaker_organisation__isnull=True, speaker_name=""),
                name="statement_chatham_house_unattributed",
                violation_error_message=CHATHAM_HOUSE_REFUSAL,
            )
        ]

    def __str__(self) -> str:
        return f"statement #{self.pk} at meeting {self.meeting_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.chatham_house = self.meeting.chatham_house
        super().save(*args, **kwargs)

    @property
    def is_attributed(self) -> bool:
        return bool(self.speaker_id or self.speaker_organisation_id or self.speaker_name)

    def clean(self) -> None:
        if self.meeting_id and self.meeting.chatham_house:
            stored = {
                "speaker": self.speaker_id,
                "speaker_organisation": self.speaker_organisation_id,
                "speaker_name": self.speaker_name,
            }
            refused = {name: CHATHAM_HOUSE_REFUSAL for name, value in stored.items() if value}
            if refused:
                raise ValidationError(refused)


class MeetingDocument(ProtectedModel):
    """A document of a meeting. Drafts are read only by the body's members and secretariat
    and by CSOs accredited with the "read draft documents" privilege."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    title = models.CharField(max_length=300)
    text = models.TextField()
    is_draft = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class CallForSubmissions(ProtectedModel):
    """An invitation to accredited CSOs to send papers on a topic ahead of a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="calls")
    topic = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    word_limit = models.PositiveIntegerField(
        help_text=_("Most words a paper may have, its recommendations included")
    )
    max_recommendations = models.PositiveSmallIntegerField(default=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-closes_at", "pk"]
        verbose_name_plural = "calls for submissions"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opening",
                violation_error_message=_("A call closes after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(word_limit__gt=0),
                name="call_word_limit_positive",
                violation_error_message=_("A word limit is at least one word."),
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    def is_open(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at


def paper_path(instance: Submission, filename: str) -> str:
    # Content-addressed, outside the web root (MEDIA is never served directly).
    return f"consultations/{instance.file_sha256[:2]}/{instance.file_sha256}"


class Submission(ProtectedModel):
    """A paper a CSO sent in answer to a call. `owner_org` is the submitting CSO."""

    call = models.ForeignKey(
        CallForSubmissions, on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # At most once: a resent form or retried API call carries the same key.
    idempotency_key = models.CharField(max_length=128, blank=True)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    word_count = models.PositiveIntegerField()
    file = models.FileField(upload_to=paper_path, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=16, choices=PaperStatus.choices, default=PaperStatus.IN_REVIEW
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_org", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="submission_unique_idempotency_key",
                violation_error_message=_("This submission was already received."),
            ),
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(file=""),
                name="submission_has_paper",
                violation_error_message=_("A submission has a text or a file."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Recommendation(ProtectedModel):
    """One recommendation of a submission, decided on its own. Its mark is the paper's."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="recommendations"
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    status = models.CharField(
        max_length=16, choices=PaperStatus.choices, default=PaperStatus.IN_REVIEW
    )

    class Meta:
        ordering = ["submission_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "position"],
                name="recommendation_unique_position",
                violation_error_message=_("This paper already has a recommendation here."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}.{self.position}"


class ReviewStep(models.Model):
    """One step of the review of a paper or of one of its recommendations: who, when, why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="steps")
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    from_status = models.CharField(max_length=16, choices=PaperStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=PaperStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        target = f"rec {self.recommendation_id}" if self.recommendation_id else "paper"
        return f"#{self.submission_id} {target}: {self.from_status or '-'} → {self.to_status}"


class Mandate(ProtectedModel):
    """What an endorsed recommendation asks someone to do, by when. `owner_org` is the
    body's organisation; `assignee` is who must act (often the secretariat itself)."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.PROTECT, related_name="mandate"
    )
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="mandates")
    endorsed_at_meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    assignee = models.ForeignKey("actors.Organisation", on_delete=models.PROTECT, related_name="+")
    unit = models.CharField(
        max_length=200, blank=True, help_text=_("The unit or office inside the assignee")
    )
    deadline = models.DateField()
    progress = models.CharField(
        max_length=12, choices=MandateProgress.choices, default=MandateProgress.NOT_STARTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return f"mandate #{self.pk} ({self.assignee}, by {self.deadline})"

    def follow_up_status(self, today: dt.date | None = None) -> str:
        """The reported progress, except that a mandate not done by its deadline is overdue."""
        today = today or timezone.localdate()
        if self.progress != MandateProgress.DONE and self.deadline < today:
            return FollowUpStatus.OVERDUE
        return self.progress

    def get_follow_up_status_display(self) -> str:
        return str(FollowUpStatus(self.follow_up_status()).label)


class MandateUpdate(models.Model):
    """A follow-up report on a mandate, at a later meeting of the body or between meetings.

    The mandate's `progress` is the last of these; the rows are its history."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="updates")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="mandate_updates"
    )
    progress = models.CharField(max_length=12, choices=MandateProgress.choices)
    note = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mandate", "meeting"],
                condition=Q(meeting__isnull=False),
                name="mandateupdate_one_report_per_meeting",
                violation_error_message=_(
                    "A follow-up report on this mandate was already entered for this meeting."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"mandate #{self.mandate_id}: {self.progress}"
