"""Vocabularies of indicator sets and monitors' periodic observations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """Which way an indicator points: towards violence, or away from it."""

    CONFLICT = "conflict", _("Conflict signal")
    MITIGATING = "mitigating", _("Mitigating (peace) signal")


class ElectionPhase(models.TextChoices):
    """The phase of an electoral cycle an indicator watches; blank outside election sets."""

    PRE = "pre", _("Pre-election")
    DURING = "during", _("During the election")
    POST = "post", _("Post-election")


class Period(models.TextChoices):
    """How long one observation covers: a week starting Monday, or a calendar month."""

    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
