"""Vocabularies of the event store. The unified taxonomy is documented in docs/taxonomy.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    UCDP_GED = "ucdp_ged", _("UCDP Georeferenced Event Dataset")
    UCDP_CANDIDATE = "ucdp_candidate", _("UCDP Candidate Events")
    ACLED = "acled", _("ACLED")
    GDELT = "gdelt", _("GDELT")
    FIELD_REPORT = "field_report", _("Field report")


class EventKind(models.TextChoices):
    EVENT = "event", _("Event")
    SIGNAL = "signal", _("Media signal")


class Category(models.TextChoices):
    """Unified event categories. Each source's own type and sub-type are kept beside it."""

    ARMED_CLASH = "armed_clash", _("Armed clash")
    VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians", _("Violence against civilians")
    REMOTE_VIOLENCE = "remote_violence", _("Explosions and remote violence")
    MASS_VIOLENCE = "mass_violence", _("Unconventional mass violence")
    ASSAULT = "assault", _("Assault")
    RIOT = "riot", _("Riot")
    PROTEST = "protest", _("Protest")
    COERCION = "coercion", _("Coercion")
    FORCE_POSTURE = "force_posture", _("Show of force")
    THREAT = "threat", _("Threat")
    POLITICAL_TENSION = "political_tension", _("Verbal conflict and reduced relations")
    COOPERATION = "cooperation", _("Cooperation")
    STRATEGIC_DEVELOPMENT = "strategic_development", _("Strategic development")
    OTHER = "other", _("Other")


# Categories that count as organised violence in the analytics and the default browser view.
VIOLENT_CATEGORIES = frozenset(
    {
        Category.ARMED_CLASH,
        Category.VIOLENCE_AGAINST_CIVILIANS,
        Category.REMOTE_VIOLENCE,
        Category.MASS_VIOLENCE,
        Category.ASSAULT,
    }
)


class ViolenceType(models.IntegerChoices):
    """UCDP's three types of organised violence."""

    STATE_BASED = 1, _("State-based")
    NON_STATE = 2, _("Non-state")
    ONE_SIDED = 3, _("One-sided")


class DatePrecision(models.IntegerChoices):
    """How well the date is known (UCDP date_prec scale; ACLED and GDELT mapped onto it)."""

    DAY = 1, _("Exact day")
    DAYS = 2, _("Within 2–6 days")
    WEEK = 3, _("Within a week")
    MONTH = 4, _("Within a month")
    YEAR = 5, _("Within a year")


class GeoPrecision(models.IntegerChoices):
    """How well the place is known (UCDP where_prec scale; ACLED and GDELT mapped onto it)."""

    EXACT = 1, _("Exact location")
    NEAR = 2, _("Within about 25 km")
    ADMIN2 = 3, _("Second-level admin area")
    ADMIN1 = 4, _("First-level admin area")
    SUBNATIONAL = 5, _("Part of a country")
    COUNTRY = 6, _("Country")
    INTERNATIONAL = 7, _("International waters or airspace")
    UNKNOWN = 8, _("Location unknown")


class Reliability(models.TextChoices):
    """Admiralty (NATO AJP-2.1) source reliability."""

    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class Credibility(models.IntegerChoices):
    """Admiralty information credibility."""

    CONFIRMED = 1, _("1 — confirmed by other sources")
    PROBABLE = 2, _("2 — probably true")
    POSSIBLE = 3, _("3 — possibly true")
    DOUBTFUL = 4, _("4 — doubtful")
    IMPROBABLE = 5, _("5 — improbable")
    UNKNOWN = 6, _("6 — truth cannot be judged")


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    VERIFIED = "verified", _("Verified")
    DISPUTED = "disputed", _("Disputed")


class ImportStatus(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    REJECTED = "rejected", _("Rejected: nothing committed")
    PARTIAL = "partial", _("Committed valid rows; rejects written to a file")


class LinkRule(models.TextChoices):
    SAME_INCIDENT = "same_incident", _("Same or adjacent day, close in space, compatible category")
    ANALYST = "analyst", _("Linked by an analyst")


class Standing(models.TextChoices):
    """Whether an event still counts: withdrawn ones are kept, marked, and left out."""

    CURRENT = "current", _("Current")
    SUPERSEDED = "superseded", _("Superseded by a newer release")
    RETRACTED = "retracted", _("Retracted by its source")


class ConnectorKind(models.TextChoices):
    UCDP = "ucdp", _("UCDP API (GED and Candidate)")
    ACLED = "acled", _("ACLED API")
    GDELT = "gdelt", _("GDELT 2.0 15-minute feed")
    CAP_FEED = "cap_feed", _("Partner CAP / Atom feeds")
    ODK = "odk", _("ODK Central / KoboToolbox")


class SyncStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
