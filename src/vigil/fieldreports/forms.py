"""Web forms of field reports: parse and check what a person typed, nothing more.

The forms turn the request into the arguments of one service call; the rules of what a
valid report is live in `services`, whose ValidationError keys these forms map back onto
their own fields (`apply_service_errors`) so each message appears beside its field.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.actors.choices import Role
from vigil.actors.models import Organisation
from vigil.events.choices import Category, Credibility, Reliability
from vigil.fieldreports.choices import REVIEW_TRANSITIONS, ReviewStatus
from vigil.fieldreports.services import ReportInput
from vigil.geo.choices import AdminLevel
from vigil.geo.selectors import areas
from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisations_with_role

# The decisions a reviewer takes on a report or an observation, in the order they are offered.
DECISIONS = (
    ReviewStatus.UNDER_REVIEW,
    ReviewStatus.NEEDS_INFO,
    ReviewStatus.REJECTED,
    ReviewStatus.VERIFIED,
)
ACCEPTED_ATTACHMENTS = "image/jpeg,image/png,image/webp,application/pdf"


# Each mark with who it lets see the record, in words a new monitor understands.
TLP_EXPLAINED = [
    (TLP.CLEAR, _("TLP:CLEAR — anyone, including the public")),
    (TLP.GREEN, _("TLP:GREEN — anyone signed in to Vigil, not the public")),
    (TLP.AMBER, _("TLP:AMBER — your organisation and those it shares with")),
    (TLP.AMBER_STRICT, _("TLP:AMBER+STRICT — your organisation only")),
    (TLP.RED, _("TLP:RED — only the people it is shared with by name")),
]


class PlainLabels:
    """Labels as written, without Django's trailing colon (most of ours are questions)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def country_choices() -> list[tuple[str, str]]:
    """Every country as (ISO3, name), by name, after an empty "choose" option."""
    return [("", _("Choose a country"))] + [(row["id"], row["name"]) for row in areas(level=0)]


def admin1_choices(country: str | None) -> list[tuple[str, str]]:
    """The first-level areas of `country` as (id, name); only the empty option without one."""
    rows = areas(country=country, level=AdminLevel.ADMIN1) if country else []
    return [("", _("Whole country or not known"))] + [(row["id"], row["name"]) for row in rows]


def monitor_organisations(user: Any) -> list[Organisation]:
    """The organisations `user` reports for as a monitor, by name."""
    ids = organisations_with_role(user, (Role.MONITOR,))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def link_area_selects(form: forms.Form, country: str = "country", admin1: str = "admin1") -> None:
    """Refill the area select from the server when the country changes (htmx; without
    JavaScript the list follows the country when the form comes back)."""
    form.fields[country].widget.attrs.update(
        {
            "hx-get": reverse("fieldreports:admin1-options"),
            "hx-target": f"#{form[admin1].auto_id}",
            "hx-swap": "innerHTML",
        }
    )
    # Which country the listed areas belong to, so forms.js can catch up a change made
    # before htmx had loaded.
    shown = form[country].value() if form.is_bound else form.initial.get(country)
    form.fields[admin1].widget.attrs.update(
        {"data-areas-of": shown or "", "data-country-field": form[country].html_name}
    )


def new_idempotency_key() -> str:
    """A fresh key for one rendering of a form: a resent copy of the form repeats it."""
    return str(uuid.uuid4())


def apply_service_errors(
    form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: each message beside the field it names.

    `aliases` maps a service's key to the form's field name (`country_id` -> `country`);
    messages for keys the form has no field for are shown at the top of the form.
    """
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, texts in error.message_dict.items():
        name = aliases.get(key, key)
        shown = name in form.fields and not form.fields[name].widget.is_hidden
        form.add_error(name if shown else None, texts)


def flash_errors(request: HttpRequest, form: forms.Form) -> None:
    """A form's errors as messages, for when the form itself is no longer on the page."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def offered_decisions(status: str) -> list[str]:
    """The decisions a reviewer may take on a submission in `status`, in display order."""
    return [str(d) for d in DECISIONS if (status, d) in REVIEW_TRANSITIONS]


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files; the service checks each one's size and type."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class DateInput(forms.DateInput):
    """The browser's own date picker (the value is always ISO 8601 whatever the language)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ReportForm(PlainLabels, forms.Form):
    """A monitor's field report. Amending a report sent back drops the fields a first
    submission alone has (the idempotency key, attachments, the organisation)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    organisation = forms.TypedChoiceField(
        label=_("Reporting for"), coerce=int, required=False, choices=()
    )

    date_start = forms.DateField(label=_("When did it happen?"), widget=DateInput())
    date_end = forms.DateField(
        label=_("Until (if it lasted more than a day)"), required=False, widget=DateInput()
    )

    country = forms.ChoiceField(label=_("Country"), choices=())
    admin1 = forms.TypedChoiceField(
        label=_("Region, state or province"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=(),
        error_messages={"invalid_choice": _("This area is not in the chosen country.")},
    )
    location = forms.CharField(
        label=_("Place (town, village, landmark)"), max_length=300, required=False
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    category = forms.ChoiceField(
        label=_("What happened?"), choices=[("", _("Choose a category")), *Category.choices]
    )
    actor1 = forms.CharField(
        label=_("Who acted (group, force or person)"), max_length=300, required=False
    )
    actor2 = forms.CharField(
        label=_("Against whom (the other side or the victims)"), max_length=300, required=False
    )
    fatalities = forms.IntegerField(
        label=_("People killed"),
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    injured = forms.IntegerField(
        label=_("People injured"),
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    description = forms.CharField(
        label=_("Description"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    sources = forms.CharField(
        label=_("Sources (who or what you learned it from)"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachments = MultipleFileField(
        label=_("Photos and documents"),
        required=False,
        help_text=_("JPEG, PNG or WebP photos and PDF documents, up to 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_ATTACHMENTS}),
    )
    credibility = forms.TypedChoiceField(
        label=_("How credible is this information?"),
        coerce=int,
        choices=[("", _("Choose your judgement")), *Credibility.choices],
    )
    tlp = forms.ChoiceField(
        label=_("Who may see this report"),
        choices=TLP_EXPLAINED,
        initial=TLP.AMBER,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[tuple[int, str]] = (),
        amending: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.now().date().isoformat()
        for name in ("date_start", "date_end"):
            self.fields[name].widget.attrs["max"] = today
        set_choices(self, "country", country_choices())
        country = self["country"].value() if self.is_bound else self.initial.get("country")
        set_choices(self, "admin1", admin1_choices(country or None))
        link_area_selects(self)
        organisations = list(organisations)
        if amending:
            for name in ("idempotency_key", "attachments", "organisation"):
                del self.fields[name]
        elif len(organisations) > 1:
            self.fields["organisation"].required = True
            set_choices(self, "organisation", [("", _("Choose")), *organisations])
        else:
            # One organisation (or none: the service explains) needs no question.
            del self.fields["organisation"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        start, end = self.cleaned_data.get("date_start"), self.cleaned_data.get("date_end")
        if start and end and end < start:
            self.add_error("date_end", _("The incident cannot end before it starts."))
        return self.cleaned_data

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            date_start=data["date_start"],
            date_end=data["date_end"],
            country_id=data["country"],
            admin1_id=data["admin1"],
            location=data["location"].strip(),
            latitude=data["latitude"],
            longitude=data["longitude"],
            category=data["category"],
            actor1=data["actor1"].strip(),
            actor2=data["actor2"].strip(),
            fatalities=data["fatalities"],
            injured=data["injured"],
            description=data["description"].strip(),
            sources=data["sources"].strip(),
            credibility=data["credibility"],
            tlp=data["tlp"],
        )

    @classmethod
    def initial_for(cls, *, country: str | None = None) -> dict[str, Any]:
        """Initial values of a new report: a fresh idempotency key, today, AMBER."""
        return {
            "idempotency_key": new_idempotency_key(),
            "date_start": timezone.now().date(),
            "country": country or "",
            "tlp": TLP.AMBER,
            "fatalities": 0,
            "injured": 0,
        }

    @classmethod
    def initial_from(cls, report: Any) -> dict[str, Any]:
        """The report's own values, to amend it."""
        return {
            "date_start": report.date_start,
            "date_end": report.date_end if report.date_end != report.date_start else None,
            "country": report.country_id,
            "admin1": report.admin1_id,
            "location": report.location,
            "latitude": report.latitude,
            "longitude": report.longitude,
            "category": report.category,
            "actor1": report.actor1,
            "actor2": report.actor2,
            "fatalities": report.fatalities,
            "injured": report.injured,
            "description": report.description,
            "sources": report.sources,
            "credibility": report.credibility,
            "tlp": report.tlp,
        }


class DecisionForm(PlainLabels, forms.Form):
    """A reviewer's decision on a report. Which fields matter depends on `to`; the service
    says which are required (a reason to send back or reject, a grade to verify)."""

    to = forms.ChoiceField(
        choices=[(d.value, d.label) for d in DECISIONS], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        required=False, max_length=5_000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reliability = forms.ChoiceField(
        label=_("Reliability of the source"),
        required=False,
        choices=[("", _("Choose a grade")), *Reliability.choices],
    )
    link_to = forms.IntegerField(
        label=_("Link to existing event id (optional)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    @classmethod
    def for_each_decision(
        cls, bound: DecisionForm | None = None, *, decisions: Iterable[str] = DECISIONS
    ) -> dict[str, DecisionForm]:
        """One form per decision, ids prefixed by the decision so they never collide; the
        bound form (a decision that failed) replaces its empty twin to show its errors."""
        forms_by_decision = {
            str(to): cls(initial={"to": to}, auto_id=f"{to}-%s") for to in decisions
        }
        if bound is not None and bound.data.get("to") in forms_by_decision:
            forms_by_decision[bound.data["to"]] = bound
        return forms_by_decision


class QueueFilterForm(PlainLabels, forms.Form):
    """The review queue's filters; a blank status shows what still waits for a decision."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Waiting for a decision")),
            ("all", _("Any status")),
            *ReviewStatus.choices,
        ],
    )
    country = forms.ChoiceField(label=_("Country"), required=False, choices=())
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Category.choices],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    WAITING = (ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "country", [("", _("All countries")), *country_choices()[1:]])

    def clean(self) -> dict[str, Any]:
        super().clean()
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the range is before its start."))
        return self.cleaned_data

    def filters(self) -> dict[str, Any]:
        """The selector's filters for a valid form (call is_valid first)."""
        data = self.cleaned_data
        filters: dict[str, Any] = {}
        if data["status"] == "":
            filters["status__in"] = list(self.WAITING)
        elif data["status"] != "all":
            filters["status"] = data["status"]
        if data["country"]:
            filters["country_id"] = data["country"]
        if data["category"]:
            filters["category"] = data["category"]
        if data["date_from"]:
            filters["date_start__gte"] = data["date_from"]
        if data["date_to"]:
            filters["date_start__lte"] = data["date_to"]
        return filters
