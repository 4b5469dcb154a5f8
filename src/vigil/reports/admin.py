"""Products in the admin: read-mostly; every change of status goes through the services."""

from django.contrib import admin

from vigil.reports.models import Product, ProductTransition


class TransitionInline(admin.TabularInline):
    model = ProductTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "note", "at"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "region", "country", "period_end", "language", "tlp", "status"]
    list_filter = ["kind", "status", "tlp", "language"]
    readonly_fields = ["status", "content", "input_event_ids", "analysis_run", "rendered_markdown"]
    exclude = ["rendered_pdf"]
    inlines = [TransitionInline]
