"""Admin pages: indicator sets are edited here; observations are only inspected.

Observations change through the review services (each change a transition row), so their
admin is read-only, and its lists go through the access policy like every read.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from vigil.indicators.models import (
    Indicator,
    IndicatorSet,
    Observation,
    ObservationTransition,
    ObservationValue,
)
from vigil.sharing.policy import visible


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["order", "code", "name", "direction", "phase", "scale_min", "scale_max",
              "scale_labels", "definition", "is_active"]  # fmt: skip
    ordering = ["order", "code"]


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "version"]
    search_fields = ["code", "name"]
    inlines = [IndicatorInline]


class ReadOnlyInline(admin.TabularInline):
    """An observation's own rows: shown to whoever may view the observation, never edited."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("indicators.view_observation")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ObservationValueInline(ReadOnlyInline):
    model = ObservationValue
    fields = ("indicator", "value", "notes")
    readonly_fields = fields


class ObservationTransitionInline(ReadOnlyInline):
    model = ObservationTransition
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["id", "indicator_set", "country", "admin1", "period", "period_start",
                    "monitor", "status", "tlp", "submitted_at"]  # fmt: skip
    list_filter = ["indicator_set", "period", "status", "tlp", "channel"]
    date_hierarchy = "period_start"
    list_select_related = ["indicator_set", "country", "admin1", "monitor"]
    readonly_fields = [f.name for f in Observation._meta.fields]
    inlines = [ObservationValueInline, ObservationTransitionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Observation]:
        return visible(super().get_queryset(request), request.user, author_field="monitor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Rejected observations are kept on record; nothing is ever deleted.
        return False
