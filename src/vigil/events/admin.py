"""Admin pages for the event store. Lists go through the access policy like every read."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from vigil.events.models import (
    Event,
    EventLink,
    ImportRun,
    SourceCoverage,
    SourceFeed,
    SyncRejection,
    SyncRun,
)
from vigil.events.services import undo_link
from vigil.sharing.policy import visible


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "source_id", "date_start", "country", "category",
                    "fatalities_best", "verification_status", "tlp"]  # fmt: skip
    list_filter = ["source", "kind", "category", "verification_status", "tlp"]
    search_fields = ["source_id", "description", "actor1", "actor2", "location"]
    date_hierarchy = "date_start"
    raw_id_fields = ["admin1", "admin2", "import_run", "superseded_by"]
    readonly_fields = ["source", "source_id", "raw", "content_hash", "import_run", "created_at",
                       "updated_at", "standing", "superseded_by", "withdrawn_at"]  # fmt: skip
    list_select_related = ["country"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return visible(super().get_queryset(request), request.user)


@admin.action(description="Undo the selected links (they stay on record)")
def undo_selected_links(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> None:
    for link in queryset.filter(undone_at__isnull=True):
        undo_link(link=link, actor=request.user, reason="undone in the admin")
    messages.success(request, "Links undone.")


@admin.register(EventLink)
class EventLinkAdmin(admin.ModelAdmin):
    list_display = ["event", "other", "rule", "days_apart", "distance_km", "created_at",
                    "undone_at", "undone_by"]  # fmt: skip
    list_filter = ["rule", ("undone_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["event", "other"]
    readonly_fields = ["created_at", "created_by", "undone_at", "undone_by"]
    actions = [undo_selected_links]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EventLink]:
        # A link reveals both events' ids: list it only when the reader may see both.
        seen = visible(Event.objects.all(), request.user).values("pk")
        return super().get_queryset(request).filter(event__in=seen, other__in=seen)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "file_name", "status", "rows_read", "rows_new",
                    "rows_changed", "rows_unchanged", "rows_rejected", "started_at"]  # fmt: skip
    list_filter = ["source", "status"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]


@admin.register(SourceCoverage)
class SourceCoverageAdmin(admin.ModelAdmin):
    """Read-only here: corrections go through the coverage page or the API, which require a
    reason and record who made them (`events.services.correct_coverage`)."""

    list_display = ["country", "source", "release", "kind", "first_date", "last_date",
                    "corrected_at"]  # fmt: skip
    list_filter = ["source", "kind"]
    search_fields = ["country", "release", "note"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SourceCoverage]:
        return visible(super().get_queryset(request), request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SourceFeed)
class SourceFeedAdmin(admin.ModelAdmin):
    """Where an operator enables a live source and sets its scope. Credentials are names of
    environment variables: the admin never sees or stores a secret."""

    list_display = ["key", "connector", "enabled", "every_minutes", "stale_after_hours",
                    "last_success_at", "last_error"]  # fmt: skip
    list_filter = ["connector", "enabled"]
    readonly_fields = ["cursor", "last_success_at", "last_attempt_at", "last_error",
                       "stale_notified_at"]  # fmt: skip


class SyncRejectionInline(admin.TabularInline):
    model = SyncRejection
    extra = 0
    can_delete = False
    readonly_fields = ["page", "row", "column", "reason", "record"]
    fields = ["page", "row", "column", "reason", "record", "reviewed_at"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["feed", "started_at", "status", "pages", "rows_new", "rows_changed",
                    "rows_rejected", "rows_withdrawn", "rows_out_of_scope",
                    "newest_event"]  # fmt: skip
    list_filter = ["feed", "status"]
    readonly_fields = [f.name for f in SyncRun._meta.concrete_fields]
    inlines = [SyncRejectionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
