"""The one event store: every source's events with provenance, precision and grades."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.events.choices import (
    Category,
    ConnectorKind,
    Credibility,
    DatePrecision,
    EventKind,
    GeoPrecision,
    ImportStatus,
    LinkRule,
    Reliability,
    Source,
    Standing,
    SyncStatus,
    VerificationStatus,
    ViolenceType,
)
from vigil.sharing.models import ProtectedModel


class ImportRun(models.Model):
    """One run of an importer over one file, with its counts: the provenance of its rows."""

    source = models.CharField(max_length=20, choices=Source.choices)
    file_name = models.CharField(max_length=500)
    file_sha256 = models.CharField(max_length=64)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ImportStatus.choices)
    rows_read = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.source} {self.file_name} ({self.status})"


class Event(ProtectedModel):
    """An incident as one source reports it; re-imports update it by (source, source_id)."""

    source = models.CharField(max_length=20, choices=Source.choices)
    source_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=EventKind.choices, default=EventKind.EVENT)
    raw = models.JSONField(help_text="The source's record as imported")
    content_hash = models.BigIntegerField(
        help_text="64-bit hash of the raw record, to spot changes"
    )
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)

    date_start = models.DateField()
    date_end = models.DateField()
    date_precision = models.PositiveSmallIntegerField(choices=DatePrecision.choices)

    country = models.ForeignKey(
        "geo.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    admin1 = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    admin2 = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geo_precision = models.PositiveSmallIntegerField(choices=GeoPrecision.choices)

    category = models.CharField(max_length=32, choices=Category.choices)
    violence_type = models.PositiveSmallIntegerField(
        choices=ViolenceType.choices, null=True, blank=True
    )
    source_event_type = models.CharField(max_length=100, blank=True)
    source_sub_event_type = models.TextField(blank=True)

    actor1 = models.TextField(blank=True)
    actor1_type = models.CharField(max_length=40, blank=True)
    actor2 = models.TextField(blank=True)
    actor2_type = models.CharField(max_length=40, blank=True)

    fatalities_low = models.PositiveIntegerField(null=True, blank=True)
    fatalities_best = models.PositiveIntegerField(null=True, blank=True)
    fatalities_high = models.PositiveIntegerField(null=True, blank=True)
    civilian_deaths = models.PositiveIntegerField(null=True, blank=True)

    description = models.TextField(blank=True)
    reliability = models.CharField(max_length=1, choices=Reliability.choices)
    credibility = models.PositiveSmallIntegerField(choices=Credibility.choices)
    verification_status = models.CharField(
        max_length=12, choices=VerificationStatus.choices, default=VerificationStatus.UNVERIFIED
    )

    # Withdrawn events are kept, never deleted: a Candidate event a GED release replaced
    # (linked to its successor when UCDP kept its id), an ACLED event ACLED deleted. Only
    # current events are counted, analysed or shown by default.
    standing = models.CharField(
        max_length=10, choices=Standing.choices, default=Standing.CURRENT, db_default="current"
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                name="event_unique_source_id",
                violation_error_message="This source already has an event with this id.",
            ),
            models.CheckConstraint(
                condition=models.Q(date_end__gte=models.F("date_start")),
                name="event_dates_ordered",
                violation_error_message="An event cannot end before it starts.",
            ),
        ]
        indexes = [
            models.Index(fields=["country", "date_start"]),
            models.Index(fields=["date_start", "id"]),
            models.Index(fields=["admin1", "date_start"]),
            models.Index(fields=["category", "date_start"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id} {self.date_start} {self.country_id or ''}"

    @property
    def admiralty_grade(self) -> str:
        return f"{self.reliability}{self.credibility}"


class EventLink(models.Model):
    """Two events judged to describe the same incident. Links are undone, never deleted."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links_out")
    other = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links_in")
    rule = models.CharField(max_length=20, choices=LinkRule.choices)
    days_apart = models.PositiveSmallIntegerField()
    distance_km = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undo_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "other"],
                name="eventlink_unique_pair",
                violation_error_message="These events are already linked.",
            ),
            models.CheckConstraint(
                condition=models.Q(event__lt=models.F("other")),
                name="eventlink_ordered_pair",
                violation_error_message="A link is stored once, lower id first.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} ~ {self.other_id} ({self.rule})"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None


class SourceCoverage(ProtectedModel):
    """What one release of one source covers in one country (or everywhere): the days on
    which its silence means "nothing happened" rather than "nobody looked".

    Derived at import from the file itself (`events.services.coverage`); an analyst may
    correct it, and a correction survives later imports (the derived span is kept beside
    it). Panels mark every area-period no counting source covers as missing, never zero.
    """

    class Kind(models.TextChoices):
        EVENTS = "events", "Counts events and deaths"
        SIGNAL = "signal", "Media signal (never counts as coverage)"

    source = models.CharField(max_length=20, choices=Source.choices)
    release = models.CharField(max_length=60, help_text="Release or extract, e.g. 24.1")
    # ISO 3166-1 alpha-3, or "*" for a global release, which covers every country.
    country = models.CharField(max_length=3, db_index=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.EVENTS)
    first_date = models.DateField()
    last_date = models.DateField()
    derived_first = models.DateField(help_text="What the imports derived, before corrections")
    derived_last = models.DateField()
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "source", "-last_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "release", "country"],
                name="coverage_unique_source_release_country",
            ),
            models.CheckConstraint(
                condition=models.Q(last_date__gte=models.F("first_date")),
                name="coverage_dates_ordered",
                violation_error_message="Coverage cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        where = "all countries" if self.country == "*" else self.country
        return f"{self.source} {self.release} {where}: {self.first_date} to {self.last_date}"


class SourceFeed(models.Model):
    """One source Vigil keeps itself current from (an API, a feed), with its scope and the
    cursor of what has been read. Credentials are never stored: only the names of the
    environment variables that hold them (`credential_env`)."""

    key = models.SlugField(max_length=40, unique=True, help_text="e.g. ucdp-ged, acled")
    connector = models.CharField(max_length=20, choices=ConnectorKind.choices)
    enabled = models.BooleanField(default=False)
    base_url = models.URLField(max_length=500)
    # The source's scope: ISO3 codes (empty: what the source publishes, all of it).
    countries = models.JSONField(default=list, blank=True)
    # Connector options (UCDP versions, GDELT CAMEO roots, CAP feed URLs, ODK form ids...).
    options = models.JSONField(default=dict, blank=True)
    # {"token": "UCDP_API_TOKEN"}: names of environment variables, never their values.
    credential_env = models.JSONField(default=dict, blank=True)
    every_minutes = models.PositiveIntegerField(help_text=_("How often the schedule syncs it"))
    stale_after_hours = models.PositiveIntegerField(
        help_text=_("Lag after which the source is stale and the admins are told")
    )
    cursor = models.JSONField(default=dict, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    stale_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class SyncRun(models.Model):
    """One sync of one source: what it read, wrote and refused, and how it ended."""

    feed = models.ForeignKey(SourceFeed, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=SyncStatus.choices)
    pages = models.PositiveIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_withdrawn = models.PositiveIntegerField(default=0)
    # Rows the source sent that the feed's scope leaves out before any write (GDELT outside
    # its countries and CAMEO roots): counted, so nothing disappears unaccounted.
    rows_out_of_scope = models.PositiveIntegerField(default=0)
    newest_event = models.DateField(null=True, blank=True)
    cursor_before = models.JSONField(default=dict, blank=True)
    cursor_after = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.feed.key} {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class SyncRejection(models.Model):
    """A row a sync refused, kept with its reason for review: nothing is dropped silently."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="rejections")
    page = models.CharField(max_length=200)
    row = models.PositiveIntegerField(help_text=_("Position of the row in its page, from 1"))
    column = models.CharField(max_length=100)
    reason = models.TextField()
    record = models.JSONField()
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "page", "row"]

    def __str__(self) -> str:
        return f"{self.page} row {self.row}: {self.column}: {self.reason}"
