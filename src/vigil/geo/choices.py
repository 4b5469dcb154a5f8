"""Vocabularies for areas."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminLevel(models.IntegerChoices):
    ADMIN1 = 1, _("First-level administrative area")
    ADMIN2 = 2, _("Second-level administrative area")
