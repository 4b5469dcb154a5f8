"""Vocabularies of alerts: Vigil's lifecycle and the OASIS CAP 1.2 code lists."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AlertStatus(models.TextChoices):
    """Where an alert stands in Vigil's lifecycle (distinct from CAP's `status`)."""

    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    UPDATED = "updated", _("Updated")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# Allowed moves of the lifecycle: (from, to). Updating an updated alert is allowed.
ALERT_TRANSITIONS = frozenset(
    {
        (AlertStatus.DRAFT, AlertStatus.ISSUED),
        (AlertStatus.DRAFT, AlertStatus.CANCELLED),
        (AlertStatus.ISSUED, AlertStatus.UPDATED),
        (AlertStatus.ISSUED, AlertStatus.CANCELLED),
        (AlertStatus.ISSUED, AlertStatus.EXPIRED),
        (AlertStatus.UPDATED, AlertStatus.UPDATED),
        (AlertStatus.UPDATED, AlertStatus.CANCELLED),
        (AlertStatus.UPDATED, AlertStatus.EXPIRED),
    }
)
# States in which an alert is live: in feeds, counted by the response loop as a warning.
ACTIVE_STATES = frozenset({AlertStatus.ISSUED, AlertStatus.UPDATED})
# States an alert never leaves.
FINAL_STATES = frozenset({AlertStatus.CANCELLED, AlertStatus.EXPIRED})


class CapStatus(models.TextChoices):
    """CAP 1.2 `status`: the appropriate handling of the message."""

    ACTUAL = "Actual", _("Actual")
    EXERCISE = "Exercise", _("Exercise")
    SYSTEM = "System", _("System")
    TEST = "Test", _("Test")
    DRAFT = "Draft", _("Draft")


class MsgType(models.TextChoices):
    """CAP 1.2 `msgType`."""

    ALERT = "Alert", pgettext_lazy("CAP msgType", "Alert")
    UPDATE = "Update", pgettext_lazy("CAP msgType", "Update")
    CANCEL = "Cancel", pgettext_lazy("CAP msgType", "Cancel")
    ACK = "Ack", pgettext_lazy("CAP msgType", "Acknowledgement")
    ERROR = "Error", pgettext_lazy("CAP msgType", "Error")


class Scope(models.TextChoices):
    """CAP 1.2 `scope`: who the message is meant for."""

    PUBLIC = "Public", _("Public")
    RESTRICTED = "Restricted", _("Restricted")
    PRIVATE = "Private", _("Private")


class CapCategory(models.TextChoices):
    """CAP 1.2 `category`. Conflict early warning is mostly Security and Safety."""

    GEO = "Geo", _("Geophysical")
    MET = "Met", _("Meteorological")
    SAFETY = "Safety", _("Public safety")
    SECURITY = "Security", _("Security")
    RESCUE = "Rescue", _("Rescue and recovery")
    FIRE = "Fire", _("Fire")
    HEALTH = "Health", _("Health")
    ENV = "Env", _("Environment")
    TRANSPORT = "Transport", _("Transport")
    INFRA = "Infra", _("Infrastructure")
    CBRNE = "CBRNE", _("Chemical, biological, radiological, nuclear or explosive")
    OTHER = "Other", _("Other")


class Urgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("Immediate")
    EXPECTED = "Expected", _("Expected")
    FUTURE = "Future", _("Future")
    PAST = "Past", _("Past")
    UNKNOWN = "Unknown", _("Unknown")


class Severity(models.TextChoices):
    EXTREME = "Extreme", _("Extreme")
    SEVERE = "Severe", _("Severe")
    MODERATE = "Moderate", _("Moderate")
    MINOR = "Minor", _("Minor")
    UNKNOWN = "Unknown", _("Unknown")


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("Observed")
    LIKELY = "Likely", _("Likely")
    POSSIBLE = "Possible", _("Possible")
    UNLIKELY = "Unlikely", _("Unlikely")
    UNKNOWN = "Unknown", _("Unknown")


class Language(models.TextChoices):
    """Languages alerts are written in; Arabic renders right-to-left."""

    EN = "en", _("English")
    FR = "fr", _("French")
    PT = "pt", _("Portuguese")
    AR = "ar", _("Arabic")


RTL_LANGUAGES = frozenset({Language.AR})


class AlertSource(models.TextChoices):
    """How an alert came to exist."""

    RULE = "rule", _("Raised by a rule")
    ANALYST = "analyst", _("Raised by an analyst")
    IMPORTED = "imported", _("Imported CAP alert")


class RuleKind(models.TextChoices):
    """What stored analysis a rule reads."""

    ESCALATION = "escalation", _("Escalation surprise")
    FORECAST = "forecast", _("Forecast threshold")


class ForecastMeasure(models.TextChoices):
    P_ANY = "p_any", _("P(at least one death)")
    P_GE25 = "p_ge25", _("P(at least 25 deaths)")
