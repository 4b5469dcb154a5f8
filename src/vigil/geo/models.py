"""Countries (ISO 3166-1), admin areas found in data, and regional organisations' members."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from vigil.geo.choices import AdminLevel


class Country(models.Model):
    """An ISO 3166-1 country, keyed by alpha-3 so events carry a readable country code."""

    iso3 = models.CharField(max_length=3, primary_key=True)
    iso2 = models.CharField(max_length=2, unique=True)
    numeric = models.CharField(max_length=3, blank=True)
    name = models.CharField(max_length=100)
    name_fr = models.CharField(max_length=100, blank=True)
    fips = models.CharField(max_length=2, blank=True, help_text="FIPS 10-4 code, used by GDELT")
    gw_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Gleditsch-Ward code, used by UCDP"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    bbox = models.JSONField(null=True, blank=True, help_text="[min_lon, min_lat, max_lon, max_lat]")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name


class AdminArea(models.Model):
    """An admin1 or admin2 area, created as imports name it; `key` folds spelling variants."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="admin_areas")
    level = models.PositiveSmallIntegerField(choices=AdminLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, help_text="Normalised name used to match sources")
    pcode = models.CharField(max_length=32, blank=True, help_text="OCHA P-code where known")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["country_id", "level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "level", "parent", "key"],
                name="adminarea_unique_key",
                nulls_distinct=False,
                violation_error_message="This area already exists.",
            ),
            # SQLite cannot honour nulls_distinct=False; this covers top-level areas there.
            models.UniqueConstraint(
                fields=["country", "level", "key"],
                condition=Q(parent__isnull=True),
                name="adminarea_unique_top_level_key",
                violation_error_message="This area already exists.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"


class RegionalOrganisation(models.Model):
    """A regional or continental organisation whose member states form a region."""

    code = models.CharField(max_length=16, primary_key=True)
    name = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, blank=True)
    website = models.URLField(blank=True)
    countries = models.ManyToManyField(Country, through="RegionMembership", related_name="regions")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def members_on(self, day: dt.date) -> models.QuerySet[Country]:
        """Countries that were members on `day` (joined on or before it, not yet left)."""
        return Country.objects.filter(membership_on(day, organisation=self))


class RegionMembership(models.Model):
    """A country's membership of a regional organisation over a dated interval."""

    organisation = models.ForeignKey(
        RegionalOrganisation, on_delete=models.CASCADE, related_name="memberships"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="memberships")
    joined = models.DateField(null=True, blank=True)
    left = models.DateField(null=True, blank=True, help_text="First day no longer a member")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["organisation_id", "country_id", "joined"]

    def __str__(self) -> str:
        return f"{self.country_id} in {self.organisation_id} {self.joined}–{self.left or ''}"


def membership_on(day: dt.date, *, organisation: RegionalOrganisation | str) -> Q:
    """A Q on Country selecting members of `organisation` on `day`."""
    return (
        Q(memberships__organisation=organisation)
        & (Q(memberships__joined__isnull=True) | Q(memberships__joined__lte=day))
        & (Q(memberships__left__isnull=True) | Q(memberships__left__gt=day))
    )
