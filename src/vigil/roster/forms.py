"""Forms of the roster pages: the request form for matching and the managers' forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.roster import selectors
from vigil.roster.choices import (
    DiversityPreference,
    Expertise,
    ExpertiseLevel,
    Gender,
    Language,
    Proficiency,
    RoleType,
    Seniority,
    UnavailabilityReason,
    VettingStatus,
)
from vigil.roster.matching import MatchRequest

DATE = forms.DateInput(attrs={"type": "date"})


def _blank(choices: list[tuple[str, Any]], label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class DashboardQuery(forms.Form):
    on = forms.DateField(label=_("As of"), widget=DATE, required=False)


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or profile contains"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    expertise = forms.ChoiceField(label=_("Expertise"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _blank(Language.choices)
        self.fields["expertise"].choices = _blank(Expertise.choices)
        self.fields["region"].choices = _blank(selectors.regional_organisations())

    def filters(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v}


class MatchForm(forms.Form):
    """A request as a mediation support officer phrases it."""

    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    deploy_by = forms.DateField(
        label=_("Latest start (deployment deadline)"), widget=DATE, required=False
    )
    duration_days = forms.IntegerField(
        label=_("Duration (days)"), min_value=1, max_value=730, initial=30
    )
    required_language = forms.ChoiceField(label=_("Required language"), required=False)
    required_level = forms.TypedChoiceField(
        label=_("at least"),
        choices=Proficiency.choices,
        coerce=int,
        initial=Proficiency.FLUENT,
    )
    preferred_languages = forms.MultipleChoiceField(
        label=_("Preferred languages (working knowledge or better)"),
        choices=Language.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    required_expertise = forms.MultipleChoiceField(
        label=_("Required expertise"),
        choices=Expertise.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    preferred_expertise = forms.MultipleChoiceField(
        label=_("Preferred expertise"),
        choices=Expertise.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    regions = forms.MultipleChoiceField(
        label=_("Region"), required=False, widget=forms.CheckboxSelectMultiple
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries concerned"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    area_required = forms.BooleanField(
        label=_("Experience in the area is required"), required=False
    )
    role_type = forms.ChoiceField(label=_("Role"), required=False)
    min_seniority = forms.ChoiceField(label=_("Minimum seniority"), required=False)
    within_72_hours = forms.BooleanField(label=_("Deployable within 72 hours"), required=False)
    diversity = forms.ChoiceField(
        label=_("Diversity preference"), choices=DiversityPreference.choices, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["required_language"].choices = _blank(Language.choices, _("None"))
        self.fields["regions"].choices = selectors.regional_organisations()
        self.fields["countries"].choices = selectors.countries()
        self.fields["role_type"].choices = _blank(RoleType.choices, _("Any"))
        self.fields["min_seniority"].choices = _blank(Seniority.choices, _("Any"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, deadline = data.get("start_date"), data.get("deploy_by")
        if start and deadline and deadline < start:
            self.add_error("deploy_by", _("The deadline cannot be before the start date."))
        return data

    def to_request(self) -> MatchRequest:
        data = self.cleaned_data
        required = {data["required_language"]: data["required_level"]}
        return MatchRequest(
            start_date=data["start_date"],
            deploy_by=data["deploy_by"],
            duration_days=data["duration_days"],
            required_languages=required if data["required_language"] else {},
            preferred_languages={code: Proficiency.WORKING for code in data["preferred_languages"]},
            required_expertise=list(data["required_expertise"]),
            preferred_expertise=list(data["preferred_expertise"]),
            regions=list(data["regions"]),
            countries=list(data["countries"]),
            area_required=data["area_required"],
            role_type=data["role_type"],
            min_seniority=data["min_seniority"],
            within_72_hours=data["within_72_hours"],
            diversity=data["diversity"],
        )

    @staticmethod
    def initial_for(day: dt.date | None = None) -> dict[str, Any]:
        day = day or timezone.localdate()
        return {"start_date": day, "deploy_by": day + dt.timedelta(days=3), "duration_days": 30}


class DeploymentForm(forms.Form):
    mission = forms.CharField(label=_("Mission"), max_length=200)
    requesting_organisation = forms.TypedChoiceField(label=_("Requesting organisation"), coerce=int)
    role_type = forms.ChoiceField(label=_("Role"), choices=RoleType.choices)
    country = forms.ChoiceField(label=_("Country"), required=False)
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requesting_organisation"].choices = selectors.organisations()
        self.fields["country"].choices = _blank(selectors.countries())


class UnavailabilityForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    reason = forms.ChoiceField(label=_("Reason"), choices=UnavailabilityReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class VettingForm(forms.Form):
    status = forms.ChoiceField(label=_("Vetting status"), choices=VettingStatus.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DebriefForm(forms.Form):
    summary = forms.CharField(label=_("Debrief"), widget=forms.Textarea(attrs={"rows": 3}))
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[("", "—"), *[(i, str(i)) for i in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    lessons = forms.CharField(
        label=_("Lessons for future missions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class MemberForm(forms.Form):
    """A member's profile. Languages and expertise are picked per level, so the form needs no
    script: a language ticked at two levels is refused rather than guessed."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    seniority = forms.ChoiceField(label=_("Seniority"), choices=Seniority.choices)
    role_types = forms.MultipleChoiceField(
        label=_("Can serve as"),
        choices=RoleType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Profile"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    skills = forms.CharField(
        label=_("Other skills (one per line)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"), required=False, widget=forms.CheckboxSelectMultiple
    )
    countries_of_experience = forms.MultipleChoiceField(
        label=_("Countries of experience"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    on_standby = forms.BooleanField(
        label=_("On standby (agrees to deploy at 72 hours' notice)"), required=False
    )
    joined_on = forms.DateField(label=_("Joined the roster on"), widget=DATE)
    # Personal data
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    contact_notes = forms.CharField(
        label=_("Other contact details"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    LANGUAGE_LEVELS = [
        ("languages_native", Proficiency.NATIVE),
        ("languages_fluent", Proficiency.FLUENT),
        ("languages_working", Proficiency.WORKING),
        ("languages_basic", Proficiency.BASIC),
    ]
    EXPERTISE_LEVELS = [
        ("expertise_expert", ExpertiseLevel.EXPERT),
        ("expertise_experienced", ExpertiseLevel.EXPERIENCED),
        ("expertise_familiar", ExpertiseLevel.FAMILIAR),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = selectors.regional_organisations()
        self.fields["countries_of_experience"].choices = selectors.countries()
        self.fields["nationality"].choices = _blank(selectors.countries(), _("Not recorded"))
        for name, level in self.LANGUAGE_LEVELS:
            self.fields[name] = forms.MultipleChoiceField(
                label=_("Languages: %(level)s") % {"level": level.label},
                choices=Language.choices,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 5}),
            )
        for name, level in self.EXPERTISE_LEVELS:
            self.fields[name] = forms.MultipleChoiceField(
                label=_("Expertise: %(level)s") % {"level": level.label},
                choices=Expertise.choices,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 6}),
            )

    def _by_level(self, levels: list[tuple[str, int]]) -> dict[str, int]:
        chosen: dict[str, int] = {}
        for name, level in levels:
            for code in self.cleaned_data.get(name, []):
                if code in chosen:
                    self.add_error(name, _("Each is listed at one level only."))
                chosen.setdefault(code, int(level))
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["languages"] = self._by_level(self.LANGUAGE_LEVELS)
        data["expertise"] = self._by_level(self.EXPERTISE_LEVELS)
        return data

    def to_input(self) -> Any:
        from vigil.roster.services import MemberInput

        data = self.cleaned_data
        return MemberInput(
            full_name=data["full_name"],
            seniority=data["seniority"],
            gender=data["gender"],
            nationality=data["nationality"],
            role_types=list(data["role_types"]),
            summary=data["summary"],
            skills=data["skills"],
            languages=data["languages"],
            expertise=data["expertise"],
            regions=list(data["regions"]),
            countries_of_experience=list(data["countries_of_experience"]),
            email=data["email"],
            phone=data["phone"],
            contact_notes=data["contact_notes"],
            on_standby=data["on_standby"],
            joined_on=data["joined_on"],
        )

    @classmethod
    def initial_from(cls, profile: dict[str, Any]) -> dict[str, Any]:
        """Initial values from a manager's view of a profile (`selectors.member_profile`)."""
        initial = {
            key: profile.get(key, "")
            for key in (
                "full_name", "gender", "seniority", "role_types", "summary", "regions",
                "countries_of_experience", "on_standby", "joined_on", "nationality", "email",
                "phone", "contact_notes",
            )
        }  # fmt: skip
        initial["skills"] = "\n".join(profile.get("skills", []))
        for name, level in cls.LANGUAGE_LEVELS:
            initial[name] = [x["code"] for x in profile["languages"] if x["proficiency"] == level]
        expertise = profile["thematic_expertise"] + profile["process_expertise"]
        for name, level in cls.EXPERTISE_LEVELS:
            initial[name] = [x["code"] for x in expertise if x["level"] == level]
        return initial
