"""Web forms of consultation: parse and check what a person typed, nothing more.

The rules (word limits, who may act, the Chatham House rule) live in `services`; these forms
turn a request into one service call's arguments, and the views map the services'
ValidationError keys back onto the fields.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.actors.models import Organisation
from vigil.consultations.choices import DocumentKind, MandateProgress, MeetingStatus, PaperStatus
from vigil.consultations.models import CHATHAM_HOUSE_REFUSAL, AgendaItem, Meeting
from vigil.consultations.services import MandateTerms, PaperInput
from vigil.sharing.choices import TLP

ACCEPTED_PAPERS = (
    "application/pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.oasis.opendocument.text"
)
TLP_EXPLAINED = [
    (TLP.CLEAR, _("TLP:CLEAR — anyone, including the public")),
    (TLP.GREEN, _("TLP:GREEN — anyone signed in to Vigil")),
    (TLP.AMBER, _("TLP:AMBER — your organisation and those it shares with")),
    (TLP.AMBER_STRICT, _("TLP:AMBER+STRICT — your organisation only")),
]


class PlainForm(forms.Form):
    """Labels as written, without Django's trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, each message beside its field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, texts in error.message_dict.items():
        shown = key in form.fields and not form.fields[key].widget.is_hidden
        form.add_error(key if shown else None, texts)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SubmissionForm(PlainForm):
    """A CSO's paper: title, text and/or file, recommendations one per line, and its mark."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    organisation = forms.TypedChoiceField(label=_("Submitted for"), coerce=int, required=False)
    title = forms.CharField(label=_("Title of the paper"), max_length=300)
    text = forms.CharField(
        label=_("Paper"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "data-word-count": "paper"}),
        help_text=_("Write or paste the paper here, or attach it as a file below."),
    )
    recommendations = forms.CharField(
        label=_("Recommendations — one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "data-word-count": "recommendations"}),
        help_text=_("Each line is decided on its own by the committee."),
    )
    file = forms.FileField(
        label=_("Paper as a file (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_PAPERS}),
        help_text=_("PDF, Word (.docx) or OpenDocument (.odt), up to 10 MB."),
    )
    tlp = forms.ChoiceField(
        label=_("Who may read it"),
        choices=TLP_EXPLAINED,
        initial=TLP.GREEN,
        widget=forms.RadioSelect,
        help_text=_("The committee's members and secretariat always read papers sent to it."),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(organisations) > 1:
            self.fields["organisation"].choices = [("", _("Choose"))] + [
                (o.pk, o.name) for o in organisations
            ]
            self.fields["organisation"].required = True
        else:
            del self.fields["organisation"]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def to_input(self) -> PaperInput:
        data = self.cleaned_data
        return PaperInput(
            title=data["title"],
            text=data["text"],
            recommendations=data["recommendations"].splitlines(),
            tlp=data["tlp"],
        )


class SubmissionDecisionForm(PlainForm):
    to = forms.ChoiceField(
        choices=[(s.value, s.label) for s in PaperStatus if s != PaperStatus.IN_REVIEW],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecommendationDecisionForm(PlainForm):
    """Consider, endorse (with the mandate's owner and deadline) or not endorse (with reasons)."""

    to = forms.ChoiceField(
        choices=[(s.value, s.label) for s in PaperStatus if s != PaperStatus.IN_REVIEW],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assignee = forms.ModelChoiceField(
        label=_("Mandate owner"), queryset=Organisation.objects.none(), required=False
    )
    unit = forms.CharField(label=_("Unit or office"), max_length=200, required=False)
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tlp = forms.ChoiceField(
        label=_("Mandate's mark"), choices=TLP_EXPLAINED, initial=TLP.GREEN, required=False
    )

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("to") == PaperStatus.ENDORSED:
            if not data.get("assignee"):
                self.add_error("assignee", _("Say who owns the mandate."))
            if not data.get("deadline"):
                self.add_error("deadline", _("Give the mandate a deadline."))
        return data

    def terms(self) -> MandateTerms | None:
        data = self.cleaned_data
        if data["to"] != PaperStatus.ENDORSED:
            return None
        return MandateTerms(
            assignee=data["assignee"],
            deadline=data["deadline"],
            unit=data["unit"],
            tlp=data["tlp"] or TLP.GREEN,
        )


class StatementForm(PlainForm):
    """A statement for the meeting's record. Under the Chatham House rule the form has no
    speaker fields at all: there is nowhere to type an attribution."""

    text = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 3}))
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )
    speaker_organisation = forms.ModelChoiceField(
        label=_("Delegation"), queryset=Organisation.objects.none(), required=False
    )
    speaker_name = forms.CharField(label=_("Speaker"), max_length=200, required=False)

    def __init__(self, *args: Any, meeting: Meeting, delegations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        if meeting.chatham_house:
            del self.fields["speaker_organisation"]
            del self.fields["speaker_name"]
        else:
            self.fields["speaker_organisation"].queryset = delegations
        self.meeting = meeting

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The fields are not offered under the rule; a hand-made request that sends them
        # anyway is refused out loud rather than silently stripped.
        if self.meeting.chatham_house and any(
            (self.data.get(name) or "").strip() for name in ("speaker_organisation", "speaker_name")
        ):
            raise ValidationError(CHATHAM_HOUSE_REFUSAL)
        return data


class FollowUpForm(PlainForm):
    progress = forms.ChoiceField(label=_("Status"), choices=MandateProgress.choices)
    note = forms.CharField(label=_("Follow-up report"), widget=forms.Textarea(attrs={"rows": 2}))


class MeetingForm(PlainForm):
    """The secretariat schedules a meeting of its body."""

    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    chatham_house = forms.BooleanField(
        label=_("Held under the Chatham House rule (statements are never attributed)"),
        required=False,
    )
    agenda = forms.CharField(
        label=_("Agenda — one item per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    tlp = forms.ChoiceField(
        label=_("Who may see the meeting"), choices=TLP_EXPLAINED, initial=TLP.GREEN
    )


class CallForm(PlainForm):
    """The secretariat calls for papers ahead of a meeting."""

    topic = forms.CharField(label=_("Topic"), max_length=300)
    description = forms.CharField(
        label=_("What papers should address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())
    word_limit = forms.IntegerField(label=_("Word limit"), min_value=1, initial=1500)

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, dt.datetime]:
        now = timezone.localtime().replace(second=0, microsecond=0)
        closes = min(now + dt.timedelta(days=21), timezone.localtime(meeting.starts_at))
        return {"opens_at": now, "closes_at": closes - dt.timedelta(days=1)}


class MeetingChangeForm(PlainForm):
    """The secretariat reschedules, moves, cancels a meeting or sets the Chatham House rule."""

    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=MeetingStatus.choices)
    chatham_house = forms.BooleanField(
        label=_("Held under the Chatham House rule (statements are never attributed)"),
        required=False,
    )

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        return {
            "starts_at": timezone.localtime(meeting.starts_at),
            "ends_at": timezone.localtime(meeting.ends_at),
            "place": meeting.place,
            "status": meeting.status,
            "chatham_house": meeting.chatham_house,
        }


class AgendaItemForm(PlainForm):
    title = forms.CharField(label=_("New agenda item"), max_length=300)


class DocumentForm(PlainForm):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Document title"), max_length=300)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    is_draft = forms.BooleanField(
        label=_("Draft (members, secretariat and CSOs allowed to read drafts only)"),
        required=False,
        initial=True,
    )
    tlp = forms.ChoiceField(
        label=_("Who may read it once final"), choices=TLP_EXPLAINED, initial=TLP.GREEN
    )
