"""Vocabularies of early-warning products: kinds, cadences, review states, languages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductKind(models.TextChoices):
    DAILY_SYNOPSIS = "daily_synopsis", _("Daily regional synopsis")
    SITUATION_REPORT = "situation_report", _("Country situation report")
    POLICY_BRIEF = "policy_brief", _("Policy brief")


class Cadence(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    AD_HOC = "ad_hoc", _("Ad hoc")


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")


# Allowed moves: (from, to). A reviewed product may go back to draft when it is edited.
STATUS_TRANSITIONS = frozenset(
    {
        (ProductStatus.DRAFT, ProductStatus.REVIEWED),
        (ProductStatus.REVIEWED, ProductStatus.PUBLISHED),
        (ProductStatus.REVIEWED, ProductStatus.DRAFT),
    }
)


class Language(models.TextChoices):
    """Languages products are written in; Arabic is laid out right to left."""

    EN = "en", _("English")
    FR = "fr", _("French")
    PT = "pt", _("Portuguese")
    AR = "ar", _("Arabic")


RTL_LANGUAGES = frozenset({Language.AR})
