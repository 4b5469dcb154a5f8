"""Vocabularies of stored analysis."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    ADMIN1 = "admin1", _("First-level admin area")


class ForecastLevel(models.TextChoices):
    COUNTRY_MONTH = "country_month", _("Country-month")
    ADMIN1_MONTH = "admin1_month", _("Admin1-month")
    COUNTRY_YEAR = "country_year", _("Country-year (global)")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
