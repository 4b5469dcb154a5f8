"""Admin pages for rosters, their members, deployments and configuration (Global South
lists, diversity targets). Platform staff only; the roster pages are the managers' tool."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils import timezone

from vigil.roster.choices import RoleType
from vigil.roster.models import (
    Deployment,
    DiversityTarget,
    GlobalSouthList,
    MemberExpertise,
    MemberLanguage,
    Roster,
    RosterActivity,
    RosterMember,
    SeniorityChange,
    Unavailability,
    VettingRecord,
)


@admin.register(GlobalSouthList)
class GlobalSouthListAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "as_of", "source_url"]
    filter_horizontal = ["countries"]


class DiversityTargetInline(admin.TabularInline):
    model = DiversityTarget
    extra = 0


@admin.register(Roster)
class RosterAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "owner_org", "tlp", "global_south_list"]
    list_filter = ["tlp"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DiversityTargetInline]


class LanguageInline(admin.TabularInline):
    model = MemberLanguage
    extra = 0


class ExpertiseInline(admin.TabularInline):
    model = MemberExpertise
    extra = 0


class SeniorityInline(admin.TabularInline):
    model = SeniorityChange
    extra = 0
    readonly_fields = ["recorded_by"]


class VettingInline(admin.TabularInline):
    model = VettingRecord
    extra = 0
    readonly_fields = ["recorded_by", "recorded_at"]


class UnavailabilityInline(admin.TabularInline):
    model = Unavailability
    extra = 0
    readonly_fields = ["recorded_by"]


class RosterMemberForm(forms.ModelForm):
    role_types = forms.MultipleChoiceField(
        choices=RoleType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = RosterMember
        fields = [
            "roster", "full_name", "gender", "nationality", "seniority", "role_types",
            "summary", "skills", "regions", "countries_of_experience", "email", "phone",
            "contact_notes", "on_standby", "joined_on", "left_on",
        ]  # fmt: skip


@admin.register(RosterMember)
class RosterMemberAdmin(admin.ModelAdmin):
    form = RosterMemberForm
    list_display = ["full_name", "roster", "seniority", "gender", "on_standby", "joined_on"]
    list_filter = ["roster", "seniority", "gender", "on_standby"]
    search_fields = ["full_name", "email"]
    filter_horizontal = ["regions", "countries_of_experience"]
    inlines = [
        LanguageInline,
        ExpertiseInline,
        SeniorityInline,
        VettingInline,
        UnavailabilityInline,
    ]

    def save_model(self, request: Any, obj: RosterMember, form: Any, change: bool) -> None:
        # Seniority has a dated history; an edit here starts a new row from today.
        super().save_model(request, obj, form, change)
        if not change or "seniority" in form.changed_data:
            SeniorityChange.objects.create(
                member=obj,
                seniority=obj.seniority,
                effective_on=obj.joined_on if not change else timezone.localdate(),
                recorded_by=request.user,
            )


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    list_display = ["member", "mission", "requesting_organisation", "start", "end", "cancelled_at"]
    list_filter = ["role_type"]
    search_fields = ["mission", "member__full_name"]
    date_hierarchy = "start"


@admin.register(RosterActivity)
class RosterActivityAdmin(admin.ModelAdmin):
    list_display = ["at", "roster", "action", "member", "actor"]
    list_filter = ["action", "roster"]
    readonly_fields = ["roster", "member", "action", "detail", "actor", "at"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
