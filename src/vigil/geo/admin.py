"""Admin pages for countries, admin areas and regional organisations' dated memberships."""

from django.contrib import admin

from vigil.geo.models import AdminArea, Country, RegionalOrganisation, RegionMembership


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["iso3", "iso2", "name", "name_fr", "fips", "gw_code"]
    search_fields = ["iso3", "iso2", "name", "name_fr", "fips"]
    ordering = ["name"]


@admin.register(AdminArea)
class AdminAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "level", "parent", "pcode", "key"]
    list_filter = ["level", "country"]
    search_fields = ["name", "key", "pcode"]
    autocomplete_fields = ["country", "parent"]
    list_select_related = ["country", "parent"]
    readonly_fields = ["key"]


class RegionMembershipInline(admin.TabularInline):
    model = RegionMembership
    extra = 0
    autocomplete_fields = ["country"]
    fields = ["country", "joined", "left", "note"]


@admin.register(RegionalOrganisation)
class RegionalOrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_fr"]
    inlines = [RegionMembershipInline]


@admin.register(RegionMembership)
class RegionMembershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "country", "joined", "left", "note"]
    list_filter = ["organisation"]
    search_fields = ["country__name", "country__iso3", "organisation__code"]
    autocomplete_fields = ["country"]
    list_select_related = ["country", "organisation"]
    date_hierarchy = "joined"
