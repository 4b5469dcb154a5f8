"""Admin: the option library is edited here; the loop's records are read-only history."""

from __future__ import annotations

from django.contrib import admin

from vigil.responses.models import (
    ActionStatusChange,
    OutcomeAssessment,
    ProposedResponse,
    ResponderAssignment,
    ResponseAction,
    ResponseOption,
)


@admin.register(ResponseOption)
class ResponseOptionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "typical_lead_time_days", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "description", "typical_actors"]
    prepopulated_fields = {"code": ["name"]}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: corrected by new rows through the services, never edited."""

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class StatusChangeInline(admin.TabularInline):
    model = ActionStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "on", "note", "actor", "at"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ResponseAction)
class ResponseActionAdmin(ReadOnlyAdmin):
    list_display = ["alert", "responder", "option", "status", "started_on", "completed_on"]
    list_filter = ["status", "option__kind"]
    inlines = [StatusChangeInline]


@admin.register(ProposedResponse)
class ProposedResponseAdmin(ReadOnlyAdmin):
    list_display = ["alert", "option", "proposed_by", "proposed_at"]


@admin.register(ResponderAssignment)
class ResponderAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["alert", "organisation", "role", "assigned_by", "assigned_at"]
    list_filter = ["role"]


@admin.register(OutcomeAssessment)
class OutcomeAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["alert", "action", "effect", "assessed_on", "assessed_by", "assessor_org"]
    list_filter = ["effect"]
