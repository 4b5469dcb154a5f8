"""Forms of the product pages: list filters, starting a policy brief, editing one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.geo.selectors import areas, regions_with_members
from vigil.reports.choices import Language, ProductKind, ProductStatus
from vigil.reports.models import Product
from vigil.reports.services import AUTHOR_ROLES
from vigil.sharing.choices import TLP


def _memberships(user: Any) -> list[Any]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        user.memberships.filter(is_active=True, role__in=list(AUTHOR_ROLES))
        .select_related("organisation")
        .order_by("organisation__name")
    )


def writable_organisations(user: Any) -> list[Any]:
    """Organisations whose products the user may write (as an analyst or supervisor)."""
    seen: dict[int, Any] = {}
    for membership in _memberships(user):
        seen.setdefault(membership.organisation_id, membership.organisation)
    return list(seen.values())


def writable_organisation_ids(user: Any) -> set[int]:
    return {o.pk for o in writable_organisations(user)}


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors on the form's fields (or above it)."""
    if hasattr(error, "error_dict"):
        for name, items in error.error_dict.items():
            field = name if name in form.fields else None
            for item in items:
                form.add_error(field, item.messages)
    else:
        form.add_error(None, error.messages)


def _region_choices() -> list[tuple[str, str]]:
    return [(r["code"], f"{r['code']} — {r['name']}") for r in regions_with_members()]


class ProductFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ProductKind.choices]
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=16)
    country = forms.CharField(label=_("Country"), required=False, max_length=3)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ProductStatus.choices]
    )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        filters: dict[str, Any] = {}
        if data.get("kind"):
            filters["kind"] = data["kind"]
        if data.get("region"):
            filters["region_id"] = data["region"].upper()
        if data.get("country"):
            filters["country_id"] = data["country"].upper()
        if data.get("status"):
            filters["status"] = data["status"]
        return filters


class BriefStartForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    region = forms.ChoiceField(label=_("Regional organisation"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    date = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tlp = forms.ChoiceField(label=_("TLP mark"), choices=TLP.choices, initial=TLP.AMBER)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._organisations = {o.pk: o for o in organisations}
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        self.fields["region"].choices = [("", "—"), *_region_choices()]
        self.fields["country"].choices = [("", "—")] + [
            (row["id"], row["name"]) for row in areas(level=0)
        ]
        self.fields["date"].initial = dt.date.today()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("region")) == bool(data.get("country")):
            raise ValidationError(_("Choose a regional organisation or a country, not both."))
        return data

    def owner(self) -> Any:
        return self._organisations[self.cleaned_data["organisation"]]


class BriefForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}))
    analysis = forms.CharField(
        label=_("Analysis"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    recommendations = forms.CharField(
        label=_("Recommendations"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    @staticmethod
    def initial_from(product: Product) -> dict[str, str]:
        brief = product.content.get("brief", {})
        return {
            "title": product.title,
            "summary": brief.get("summary", ""),
            "analysis": brief.get("analysis", ""),
            "recommendations": brief.get("recommendations", ""),
        }
