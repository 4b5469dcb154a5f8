"""Web forms of indicator observations: one value select per indicator of the chosen set.

As with field reports, the rules live in `services`; `ObservationForm.apply_service_errors`
puts each message of its ValidationError beside the field it is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.fieldreports.forms import (
    TLP_EXPLAINED,
    DateInput,
    DecisionForm,
    PlainLabels,
    admin1_choices,
    apply_service_errors,
    country_choices,
    link_area_selects,
    new_idempotency_key,
    set_choices,
)
from vigil.indicators.choices import Period
from vigil.indicators.models import Indicator, IndicatorSet, Observation
from vigil.sharing.choices import TLP

VALUE_PREFIX = "value__"
# Service error keys that name a form field differently.
SERVICE_FIELDS = {"country_id": "country", "admin1_id": "admin1", "organisation_id": "organisation"}
NOTE_PREFIX = "note__"


def value_choices(indicator: Indicator) -> list[tuple[str, Any]]:
    """The indicator's scale as options ("3 — High"), after a "not scored" option."""
    labels = indicator.scale_labels or {}
    options: list[tuple[str, Any]] = [("", _("Not scored"))]
    for value in range(indicator.scale_min, indicator.scale_max + 1):
        label = labels.get(str(value))
        options.append((str(value), f"{value} — {label}" if label else str(value)))
    return options


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of the form with its value and note fields, for the template."""

    indicator: Indicator
    value: forms.BoundField
    note: forms.BoundField


class ObservationForm(PlainLabels, forms.Form):
    """A monitor's observation of one area and period against one indicator set. Amending an
    observation sent back keeps only the scores and notes (the service changes nothing else)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    organisation = forms.TypedChoiceField(
        label=_("Reporting for"), coerce=int, required=False, choices=()
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
    period = forms.ChoiceField(
        label=_("Period"), choices=Period.choices, initial=Period.WEEKLY, widget=forms.RadioSelect
    )
    period_start = forms.DateField(
        label=_("Period starts on"),
        help_text=_("A Monday for a week, the 1st for a month."),
        widget=DateInput(),
    )
    notes = forms.CharField(
        label=_("Your overall reading of the period"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tlp = forms.ChoiceField(
        label=_("Who may see this observation"),
        choices=TLP_EXPLAINED,
        initial=TLP.AMBER,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: Any,
        indicator_set: IndicatorSet,
        organisations: Iterable[tuple[int, str]] = (),
        amending: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicator_set = indicator_set
        self.indicators = list(indicator_set.indicators.all())
        organisations = list(organisations)
        if amending:
            for name in ("idempotency_key", "organisation", "country", "admin1", "period"):
                del self.fields[name]
            del self.fields["period_start"], self.fields["tlp"]
        else:
            set_choices(self, "country", country_choices())
            country = self["country"].value() if self.is_bound else self.initial.get("country")
            set_choices(self, "admin1", admin1_choices(country or None))
            self.fields["period_start"].widget.attrs["max"] = timezone.now().date().isoformat()
            link_area_selects(self)
            if len(organisations) > 1:
                self.fields["organisation"].required = True
                set_choices(self, "organisation", [("", _("Choose")), *organisations])
            else:
                del self.fields["organisation"]
        for indicator in self.indicators:
            # Labelled within the indicator's own fieldset, whose legend names it.
            self.fields[VALUE_PREFIX + indicator.code] = forms.TypedChoiceField(
                label=_("Score"),
                choices=value_choices(indicator),
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[NOTE_PREFIX + indicator.code] = forms.CharField(
                label=_("Note (optional)"), required=False, max_length=2_000
            )

    def indicator_rows(self) -> Iterator[IndicatorRow]:
        for indicator in self.indicators:
            yield IndicatorRow(
                indicator, self[VALUE_PREFIX + indicator.code], self[NOTE_PREFIX + indicator.code]
            )

    def values(self) -> dict[str, int]:
        """Scores given, by indicator code (a valid form only)."""
        return {
            indicator.code: self.cleaned_data[VALUE_PREFIX + indicator.code]
            for indicator in self.indicators
            if self.cleaned_data[VALUE_PREFIX + indicator.code] is not None
        }

    def value_notes(self) -> dict[str, str]:
        """Notes of the scored indicators, by code; an empty note clears one when amending."""
        scored = self.values()
        return {
            indicator.code: self.cleaned_data[NOTE_PREFIX + indicator.code].strip()
            for indicator in self.indicators
            if indicator.code in scored
        }

    def apply_service_errors(self, error: ValidationError) -> None:
        """Each message of the service beside the field it is about."""
        aliases = {
            "country_id": "country",
            "admin1_id": "admin1",
            "organisation_id": "organisation",
        }
        if hasattr(error, "error_dict"):
            for key in error.error_dict:
                kind, _dot, code = key.partition(".")
                if kind == "values" and code:
                    aliases[key] = VALUE_PREFIX + code
                elif kind == "value_notes" and code:
                    aliases[key] = NOTE_PREFIX + code
        apply_service_errors(self, error, aliases)

    @staticmethod
    def initial_for(*, country: str | None = None) -> dict[str, Any]:
        """A new observation: a fresh idempotency key, this week (from its Monday), AMBER."""
        today = timezone.now().date()
        return {
            "idempotency_key": new_idempotency_key(),
            "country": country or "",
            "period": Period.WEEKLY,
            "period_start": today - dt.timedelta(days=today.weekday()),
            "tlp": TLP.AMBER,
        }

    @staticmethod
    def initial_from(observation: Observation) -> dict[str, Any]:
        """The observation's own scores and notes, to amend it."""
        initial: dict[str, Any] = {"notes": observation.notes}
        for value in observation.values.all():
            initial[VALUE_PREFIX + value.indicator.code] = value.value
            initial[NOTE_PREFIX + value.indicator.code] = value.notes
        return initial


class ObservationDecisionForm(DecisionForm):
    """A reviewer's decision on an observation: no source grade, no event to link."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["reliability"], self.fields["link_to"]
