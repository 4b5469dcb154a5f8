"""Admin for consultation records. Statements are read-only here: their attribution rules
are enforced by the model and the database, and the admin must not be a way around them."""

from django.contrib import admin

from vigil.consultations.models import (
    AgendaItem,
    Body,
    BodyMember,
    CallForSubmissions,
    Mandate,
    MandateUpdate,
    Meeting,
    MeetingChange,
    MeetingDocument,
    Recommendation,
    ReviewStep,
    Statement,
    Submission,
)


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "regional_organisation", "owner_org", "tlp")
    inlines = [BodyMemberInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "body", "starts_at", "status", "chatham_house", "tlp")
    list_filter = ("status", "chatham_house")
    inlines = [AgendaItemInline]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ("meeting", "position", "chatham_house")

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(CallForSubmissions)
class CallAdmin(admin.ModelAdmin):
    list_display = ("topic", "meeting", "opens_at", "closes_at", "word_limit")


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    readonly_fields = ("status",)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("title", "owner_org", "call", "status", "submitted_at")
    list_filter = ("status",)
    readonly_fields = ("status", "word_count")
    inlines = [RecommendationInline]


@admin.register(ReviewStep)
class ReviewStepAdmin(admin.ModelAdmin):
    list_display = ("submission", "recommendation", "from_status", "to_status", "actor", "at")


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ("pk", "body", "assignee", "deadline", "progress")


@admin.register(MandateUpdate)
class MandateUpdateAdmin(admin.ModelAdmin):
    list_display = ("mandate", "meeting", "progress", "actor", "at")


@admin.register(MeetingChange)
class MeetingChangeAdmin(admin.ModelAdmin):
    list_display = ("meeting", "sequence", "actor", "at")


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "meeting", "kind", "is_draft", "tlp")
