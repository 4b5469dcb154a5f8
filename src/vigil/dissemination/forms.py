"""The subscription form: parse what a person chose into the service's input, nothing more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.dissemination import selectors
from vigil.dissemination.choices import SUBSCRIBABLE, Language, Severity
from vigil.dissemination.services import SubscriptionInput


class SubscriptionForm(forms.Form):
    region = forms.ChoiceField(label=_("Regional organisation"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(
        label=_("What to receive"),
        required=False,
        choices=[("", _("Everything: products and alerts")), *SUBSCRIBABLE],
    )
    min_severity = forms.ChoiceField(
        label=_("Alerts from this severity up"),
        choices=Severity.choices,
        initial=Severity.UNKNOWN,
        help_text=_("Products have no severity and are always sent."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Any region")), *selectors.region_choices()]
        self.fields["country"].choices = [("", _("Any country")), *selectors.country_choices()]

    @classmethod
    def initial_from(cls, subscription: Any) -> dict[str, str]:
        return {
            "region": subscription.region_id or "",
            "country": subscription.country_id or "",
            "kind": subscription.kind,
            "min_severity": subscription.min_severity,
            "language": subscription.language,
        }

    def to_input(self) -> SubscriptionInput:
        data = self.cleaned_data
        return SubscriptionInput(
            region_code=data["region"] or None,
            country_id=data["country"] or None,
            kind=data["kind"],
            min_severity=data["min_severity"],
            language=data["language"],
        )

    def apply_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal beside the field it names."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)
