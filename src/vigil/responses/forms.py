"""Web forms of the response loop: parse what a person typed into one service call's
arguments. The rules live in `services`; their errors are shown beside the fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.fieldreports.forms import DateInput, PlainLabels
from vigil.responses.choices import ACTION_TRANSITIONS, ActionStatus, Effect, ResponderRole

MOVES = [
    (ActionStatus.UNDER_WAY, _("Started (under way)")),
    (ActionStatus.DONE, _("Done")),
    (ActionStatus.ABANDONED, _("Abandoned")),
]


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ProposeForm(PlainLabels, forms.Form):
    option = forms.TypedChoiceField(label=_("Response option"), coerce=int, choices=())
    rationale = forms.CharField(
        label=_("Why this option"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, options: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "option", [("", _("Choose an option")), *options])


class AssignForm(PlainLabels, forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int, choices=())
    role = forms.ChoiceField(label=_("Role"), choices=ResponderRole.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5_000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, organisations: Sequence[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "organisation", [("", _("Choose an organisation")), *organisations])


class ActionForm(PlainLabels, forms.Form):
    responder = forms.TypedChoiceField(label=_("Responder"), coerce=int, choices=())
    option = forms.TypedChoiceField(
        label=_("Option carried out"), coerce=int, empty_value=None, required=False, choices=()
    )
    description = forms.CharField(
        label=_("What was done or is planned"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DateInput())
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: Any,
        responders: Sequence[tuple[int, str]] = (),
        options: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "responder", list(responders))
        _choices(self, "option", [("", _("None in particular")), *options])


class StatusForm(PlainLabels, forms.Form):
    """Move an action on; only the moves allowed from its `current` status are offered."""

    to = forms.ChoiceField(label=_("New status"), choices=MOVES)
    on = forms.DateField(label=_("On"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, max_length=5_000)

    def __init__(self, *args: Any, current: str = ActionStatus.PLANNED, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self, "to", [(m, label) for m, label in MOVES if (current, m) in ACTION_TRANSITIONS]
        )


class AssessForm(PlainLabels, forms.Form):
    effect = forms.TypedChoiceField(label=_("Effect"), coerce=int, choices=Effect.choices)
    evidence = forms.CharField(
        label=_("Evidence"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    assessed_on = forms.DateField(
        label=_("Assessed on"), widget=DateInput(), initial=timezone.localdate
    )
    action = forms.TypedChoiceField(
        label=_("About"), coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args: Any, actions: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "action", [("", _("The response as a whole")), *actions])


class GapFilterForm(PlainLabels, forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False, choices=())
    issued_from = forms.DateField(label=_("Issued from"), required=False, widget=DateInput())
    issued_to = forms.DateField(label=_("Issued to"), required=False, widget=DateInput())

    def __init__(self, *args: Any, regions: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "region", [("", _("All regions")), *((c, f"{c} — {n}") for c, n in regions)])

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("region", "issued_from", "issued_to") if data[name]}
