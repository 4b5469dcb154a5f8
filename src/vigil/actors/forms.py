"""Web forms of the registry and of accreditation: parse and check what a person typed.

The rules of what a valid application or review is live in `accreditation.py`; its
ValidationError keys are mapped back onto these forms' fields by `apply_service_errors`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.actors.accreditation import Funding
from vigil.actors.choices import AgreementKind, OrganisationKind, Theme, Verdict
from vigil.geo.choices import AdminLevel
from vigil.geo.selectors import areas
from vigil.sharing.choices import TLP

EXPIRY_WINDOWS = [("", _("Any")), ("30", _("30 days")), ("90", _("90 days")), ("365", _("a year"))]
DOCUMENT_TYPES = ".pdf,.docx,.odt,application/pdf"


class PlainLabels:
    """Labels as written, without Django's trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def country_choices(empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [(row["id"], row["name"]) for row in areas(level=0)]


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the field it names, else at the top."""
    aliases = {"registration_country_id": "registration_country", "document": "statutes"}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, texts in error.message_dict.items():
        name = aliases.get(key, key)
        form.add_error(name if name in form.fields else None, texts)


class RegistryFilterForm(PlainLabels, forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *OrganisationKind.choices]
    )
    theme = forms.ChoiceField(
        label=_("Mandate"), required=False, choices=[("", _("Any")), *Theme.choices]
    )
    country = forms.ChoiceField(label=_("Country covered"), required=False)
    language = forms.CharField(
        label=_("Language"), required=False, max_length=3, help_text=_("e.g. fr")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(str(_("Any")))


class AgreementFilterForm(PlainLabels, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *AgreementKind.choices]
    )
    expiring_within = forms.ChoiceField(
        label=_("Expiring within"), required=False, choices=EXPIRY_WINDOWS
    )


class BestPlacedForm(PlainLabels, forms.Form):
    """What response is needed, where: an alert, or a country and optionally an admin area."""

    theme = forms.ChoiceField(label=_("Kind of response"), choices=Theme.choices)
    alert = forms.IntegerField(label=_("Alert number"), required=False, min_value=1)
    country = forms.ChoiceField(label=_("Country"), required=False)
    admin_area = forms.TypedChoiceField(
        label=_("Region, state or province"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Choose a country and rank to narrow to one of its regions"),
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("ISO 639 codes separated by commas, e.g. fr, ha"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(str(_("Choose a country")))
        # The regions of the chosen country, so a second ranking can narrow to one of them
        # (no JavaScript needed).
        country = (self.data.get("country") or "").upper()
        regions = areas(country=country, level=AdminLevel.ADMIN1) if country else []
        self.fields["admin_area"].choices = [("", _("Whole country"))] + [
            (row["id"], row["name"]) for row in regions
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("alert") and not data.get("country") and not data.get("admin_area"):
            raise ValidationError(_("Choose an alert or a country."))
        return data

    def language_codes(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        return [code.strip().lower() for code in raw.split(",") if code.strip()]


class ApplicationForm(PlainLabels, forms.Form):
    """A CSO's application; funding sources come in the FundingFormSet beside it."""

    applicant = forms.ChoiceField(label=_("Applying organisation"))
    profile = forms.CharField(
        label=_("Profile"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mission, activities, constituency"),
    )
    founded_year = forms.IntegerField(
        label=_("Year founded"), required=False, min_value=1800, max_value=2100
    )
    registration_country = forms.ChoiceField(label=_("Country of registration"), required=False)
    registration_number = forms.CharField(
        label=_("Registration number"), required=False, max_length=100
    )
    statutes = forms.FileField(
        label=_("Statutes (PDF, DOCX or ODT)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_TYPES}),
    )
    governance = forms.CharField(
        label=_("Governance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Boards, elections, accountability"),
    )
    references = forms.CharField(
        label=_("References"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One referee per line"),
    )
    document_title = forms.CharField(
        label=_("Supporting document title"), required=False, max_length=200
    )
    document = forms.FileField(
        label=_("Supporting document"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_TYPES}),
    )

    def __init__(self, *args: Any, applicants: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = applicants
        self.fields["registration_country"].choices = country_choices(str(_("Choose a country")))


class FundingForm(PlainLabels, forms.Form):
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD", required=False)
    from_members = forms.BooleanField(label=_("From members"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("source") and data.get("amount") is None:
            self.add_error("amount", _("Give the amount."))
        if data.get("amount") is not None and not data.get("source"):
            self.add_error("source", _("Name the source."))
        return data


FundingFormSet = forms.formset_factory(FundingForm, extra=3, max_num=20)


def funding_from(formset: Any) -> list[Funding]:
    return [
        Funding(
            source=row["source"],
            amount=row["amount"],
            from_members=row.get("from_members", False),
            currency=(row.get("currency") or "USD").upper(),
        )
        for row in (form.cleaned_data for form in formset.forms)
        if row.get("source") and row.get("amount") is not None
    ]


class ReviewForm(PlainLabels, forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for an objection; the applicant sees them."),
    )
    country = forms.ChoiceField(label=_("On behalf of"))

    def __init__(self, *args: Any, countries: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [(c, c) for c in countries]
        if len(countries) == 1:
            self.fields["country"].initial = countries[0]
            self.fields["country"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("verdict") == Verdict.OBJECT and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("An objection states its reasons."))
        return data


class AgreementForm(PlainLabels, forms.Form):
    """Record an agreement your organisation is party to."""

    owner_org = forms.ChoiceField(label=_("Recorded by"))
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    parties = forms.MultipleChoiceField(
        label=_("Other parties"), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    signed_on = forms.DateField(
        label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if open-ended"),
    )
    scope = forms.CharField(
        label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        required=False,
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    document = forms.FileField(
        label=_("Signed document (PDF, DOCX or ODT)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_TYPES}),
    )
    tlp = forms.ChoiceField(label=_("Sharing"), choices=TLP.choices, initial=TLP.GREEN)

    def __init__(
        self,
        *args: Any,
        owners: list[tuple[int, str]],
        parties: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_org"].choices = owners
        self.fields["parties"].choices = parties


class ProfileForm(PlainLabels, forms.Form):
    """An organisation's own description of what it does and in which languages."""

    themes = forms.MultipleChoiceField(
        label=_("Thematic mandates"),
        required=False,
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label=_("Working languages"),
        required=False,
        help_text=_("ISO 639 codes separated by commas, e.g. en, fr, ha"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def language_codes(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        return [code.strip() for code in raw.split(",") if code.strip()]
