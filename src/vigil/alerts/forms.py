"""Forms of the alert pages: an analyst's alert (texts in four languages, one area), the
update and cancel notes, and the list filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.alerts.choices import (
    AlertStatus,
    CapCategory,
    Certainty,
    Language,
    Severity,
    Urgency,
)
from vigil.alerts.models import Alert
from vigil.alerts.selectors import regions
from vigil.alerts.services import AlertInput, AreaInput, InfoInput
from vigil.sharing.choices import TLP

CAP_STATUSES = [("Actual", _("Actual")), ("Exercise", _("Exercise")), ("Test", _("Test"))]


def region_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((r.code, f"{r.code} — {r.name}") for r in regions())]


def parse_polygon(text: str) -> list[list[float]]:
    """'lat,lon lat,lon …' (CAP's own notation, latitude first) into points."""
    try:
        points = [[float(v) for v in pair.split(",")] for pair in text.split()]
    except ValueError as exc:
        raise ValidationError(_("Write the polygon as 'lat,lon lat,lon …'.")) from exc
    if any(len(p) != 2 for p in points):
        raise ValidationError(_("Write the polygon as 'lat,lon lat,lon …'."))
    return points


def parse_circle(text: str) -> dict[str, float]:
    """'lat,lon radius_km' into a circle."""
    try:
        centre, radius = text.split()
        lat, lon = (float(v) for v in centre.split(","))
        return {"lat": lat, "lon": lon, "radius_km": float(radius)}
    except ValueError as exc:
        raise ValidationError(_("Write the circle as 'lat,lon radius-in-km'.")) from exc


class AlertForm(forms.Form):
    """An alert as an analyst writes it: what, where, how bad, and the text per language."""

    event = forms.CharField(label=_("What the alert is about"), max_length=255)
    region = forms.ChoiceField(label=_("Region"), required=False)
    countries = forms.CharField(
        label=_("Countries"), required=False, help_text=_("ISO 3166 alpha-3 codes, e.g. NGA NER")
    )
    tlp = forms.ChoiceField(label=_("Sharing (TLP)"), choices=TLP.choices, initial=TLP.GREEN)
    cap_status = forms.ChoiceField(label=_("Handling"), choices=CAP_STATUSES, initial="Actual")
    category = forms.ChoiceField(
        label=_("Category"), choices=CapCategory.choices, initial=CapCategory.SECURITY
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.EXPECTED
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.SEVERE
    )
    certainty = forms.ChoiceField(
        label=_("Certainty"), choices=Certainty.choices, initial=Certainty.POSSIBLE
    )
    expires = forms.DateTimeField(
        label=_("Expires (UTC)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Blank: 30 days after it is issued"),
    )
    area_description = forms.CharField(label=_("Area"), max_length=500, required=False)
    area_polygon = forms.CharField(
        label=_("Polygon"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("'lat,lon lat,lon …', latitude first"),
    )
    area_circle = forms.CharField(
        label=_("Circle"), required=False, help_text=_("'lat,lon radius-in-km'")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
        for code in Language.values:
            required = code == Language.EN
            self.fields[f"headline_{code}"] = forms.CharField(
                label=_("Headline"), max_length=300, required=required
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
            self.fields[f"instruction_{code}"] = forms.CharField(
                label=_("Instruction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            for part in ("headline", "description", "instruction"):
                self.fields[f"{part}_{code}"].widget.attrs.update(
                    {"lang": code, "dir": "rtl" if code == Language.AR else "auto"}
                )

    MAIN_FIELDS = (
        "event",
        "region",
        "countries",
        "tlp",
        "cap_status",
        "category",
        "urgency",
        "severity",
        "certainty",
        "expires",
    )

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.MAIN_FIELDS]

    def language_blocks(self) -> list[dict[str, Any]]:
        """The per-language fields, grouped, for the template."""
        return [
            {
                "code": code,
                "name": name,
                "rtl": code == Language.AR,
                "fields": [
                    self[f"{part}_{code}"] for part in ("headline", "description", "instruction")
                ],
            }
            for code, name in Language.choices
        ]

    def clean_countries(self) -> list[str]:
        return [c.strip().upper() for c in self.cleaned_data["countries"].replace(",", " ").split()]

    def clean_area_polygon(self) -> list[list[float]] | None:
        text = self.cleaned_data["area_polygon"].strip()
        return parse_polygon(text) if text else None

    def clean_area_circle(self) -> dict[str, float] | None:
        text = self.cleaned_data["area_circle"].strip()
        return parse_circle(text) if text else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        has_shape = data.get("area_polygon") or data.get("area_circle")
        if has_shape and not data.get("area_description"):
            self.add_error("area_description", _("Describe the area the shape draws."))
        return data

    def to_input(self) -> AlertInput:
        data = self.cleaned_data
        infos = [
            InfoInput(
                language=code,
                headline=data[f"headline_{code}"],
                description=data[f"description_{code}"],
                instruction=data[f"instruction_{code}"],
            )
            for code in Language.values
            if data.get(f"headline_{code}")
        ]
        areas = []
        if data.get("area_description"):
            areas.append(
                AreaInput(
                    description=data["area_description"],
                    polygons=[data["area_polygon"]] if data.get("area_polygon") else [],
                    circles=[data["area_circle"]] if data.get("area_circle") else [],
                    geocodes=[{"valueName": "ISO3", "value": c} for c in data["countries"]],
                )
            )
        return AlertInput(
            event=data["event"],
            region_id=data["region"] or None,
            country_ids=data["countries"],
            infos=infos,
            areas=areas,
            category=data["category"],
            urgency=data["urgency"],
            severity=data["severity"],
            certainty=data["certainty"],
            cap_status=data["cap_status"],
            tlp=data["tlp"],
            expires=data.get("expires"),
        )

    @classmethod
    def initial_for(cls, alert: Alert) -> dict[str, Any]:
        """The form's values for an existing alert (to revise a draft or update an alert)."""
        initial: dict[str, Any] = {
            "event": alert.event,
            "region": alert.region_id or "",
            "countries": " ".join(c.pk for c in alert.countries.all()),
            "tlp": alert.tlp,
            "cap_status": alert.cap_status,
            "category": alert.category,
            "urgency": alert.urgency,
            "severity": alert.severity,
            "certainty": alert.certainty,
            "expires": alert.expires,
        }
        for info in alert.infos.all():
            initial[f"headline_{info.language}"] = info.headline
            initial[f"description_{info.language}"] = info.description
            initial[f"instruction_{info.language}"] = info.instruction
        area = alert.areas.first()
        if area is not None:
            from vigil.alerts.cap import format_circle, format_polygon

            initial["area_description"] = area.description
            if area.polygons:
                initial["area_polygon"] = format_polygon(area.polygons[0])
            if area.circles:
                initial["area_circle"] = format_circle(area.circles[0])
        return initial


class NoteForm(forms.Form):
    """Why an alert is updated or cancelled: required, it goes into the CAP message."""

    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class FilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *AlertStatus.choices]
    )
    country = forms.CharField(label=_("Country"), required=False, max_length=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Any")), *region_choices()[1:]]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CAP 1.2 file"))
    tlp = forms.ChoiceField(
        label=_("Sharing (TLP)"),
        required=False,
        choices=[("", _("From the alert's scope")), *TLP.choices],
    )
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
