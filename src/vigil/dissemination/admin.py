"""Admin: subscriptions, and the outbox — failed messages and possible duplicates are where an
operator looks first; a failed message can be queued again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vigil.dissemination import services
from vigil.dissemination.models import DeliveryAttempt, OutboxMessage, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "region", "country", "min_severity", "language", "is_active")
    list_filter = ("kind", "language", "is_active", "region")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "worker", "outcome", "smtp_code", "handed_over", "detail", "at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "to_address",
        "kind",
        "tlp",
        "status",
        "attempts",
        "next_attempt_at",
        "possibly_duplicated",
        "sent_at",
    )
    list_filter = ("status", "possibly_duplicated", "kind", "tlp", "language")
    search_fields = ("to_address", "message_id", "subject")
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
    actions = ["requeue"]
    # The outbox is written by services and the worker only; admins read and re-queue.
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Queue failed messages again"))
    def requeue(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = services.requeue_failed(messages=queryset, actor=request.user)
        self.message_user(
            request, _("%(n)d message(s) queued again.") % {"n": count}, messages.INFO
        )
