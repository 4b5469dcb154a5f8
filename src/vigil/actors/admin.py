"""Admin pages for organisations, the registry, agreements and accreditation schemes.

Accreditation schemes are configured here by platform admins (eligibility criteria,
review deadline, decision rule, privileges, validity). Applications, reviews and steps are
shown read-only: they change only through the services, so that every step is a row.
"""

from django.contrib import admin

from vigil.actors.models import (
    AccreditationApplication,
    AccreditationScheme,
    Agreement,
    AgreementReminder,
    ApplicationStep,
    AreaMandate,
    Capacity,
    Contact,
    FundingSource,
    Membership,
    MemberStateReview,
    Organisation,
    OrganisationLanguage,
    Registration,
    ThematicMandate,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class ThematicMandateInline(admin.TabularInline):
    model = ThematicMandate
    extra = 0


class AreaMandateInline(admin.TabularInline):
    model = AreaMandate
    extra = 0
    raw_id_fields = ["admin_area"]


class CapacityInline(admin.TabularInline):
    model = Capacity
    extra = 0


class LanguageInline(admin.TabularInline):
    model = OrganisationLanguage
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    fk_name = "organisation"
    extra = 0
    exclude = ["owner_org"]
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "country", "regional_organisation", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [
        MembershipInline,
        ThematicMandateInline,
        AreaMandateInline,
        CapacityInline,
        LanguageInline,
        ContactInline,
    ]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "organisation__name"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "signed_on", "expires_on", "owner_org", "tlp"]
    list_filter = ["kind", "tlp"]
    search_fields = ["title", "scope"]
    filter_horizontal = ["parties"]


@admin.register(AgreementReminder)
class AgreementReminderAdmin(admin.ModelAdmin):
    list_display = ["agreement", "expires_on", "days_before", "due_on", "notified_at"]
    readonly_fields = [f.name for f in AgreementReminder._meta.fields]


@admin.register(AccreditationScheme)
class AccreditationSchemeAdmin(admin.ModelAdmin):
    list_display = ["regional_organisation", "is_open", "decision_rule", "review_days"]
    fieldsets = [
        (None, {"fields": ["regional_organisation", "is_open"]}),
        (
            "Eligibility criteria",
            {
                "fields": [
                    "require_registration_in_region",
                    "min_years_active",
                    "require_statutes",
                    "require_governance",
                    "min_references",
                    "min_member_funding_share",
                ]
            },
        ),
        ("Review", {"fields": ["review_days", "decision_rule"]}),
        (
            "Privileges granted",
            {
                "fields": [
                    "attend_meetings",
                    "submit_written_input",
                    "written_input_word_limit",
                    "read_draft_documents",
                    "products_tlp",
                ]
            },
        ),
        ("Registration", {"fields": ["validity_years", "renewal_window_days"]}),
    ]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class FundingInline(ReadOnlyInline):
    model = FundingSource


class ReviewInline(ReadOnlyInline):
    model = MemberStateReview


class StepInline(ReadOnlyInline):
    model = ApplicationStep


@admin.register(AccreditationApplication)
class AccreditationApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant", "scheme", "status", "submitted_on", "review_deadline"]
    list_filter = ["status", "scheme"]
    inlines = [FundingInline, ReviewInline, StepInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "regional_organisation", "granted_on", "expires_on"]
    list_filter = ["regional_organisation"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
