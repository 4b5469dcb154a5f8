"""Admin of alerts: rules are edited here; alerts are read-only (they change by services)."""

from django.contrib import admin

from vigil.alerts.models import Alert, AlertArea, AlertInfo, AlertRule, AlertTransition


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "region",
        "organisation",
        "kind",
        "is_active",
        "min_surprise",
        "measure",
        "threshold",
        "horizon",
    ]
    list_filter = ["region", "kind", "is_active"]


class InfoInline(admin.TabularInline):
    model = AlertInfo
    extra = 0
    can_delete = False
    readonly_fields = ["language", "headline", "description", "instruction"]
    fields = readonly_fields


class AreaInline(admin.TabularInline):
    model = AlertArea
    extra = 0
    can_delete = False
    readonly_fields = ["description", "geocodes"]
    fields = readonly_fields


class TransitionInline(admin.TabularInline):
    model = AlertTransition
    extra = 0
    can_delete = False
    readonly_fields = ["at", "from_status", "to_status", "actor", "msg_type", "identifier", "note"]
    fields = readonly_fields


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["event", "region", "status", "severity", "tlp", "owner_org", "issued_at"]
    list_filter = ["status", "region", "tlp", "source"]
    search_fields = ["event", "identifier", "sender"]
    inlines = [InfoInline, AreaInline, TransitionInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # state changes go through the services, which record them
