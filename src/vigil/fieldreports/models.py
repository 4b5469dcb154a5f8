"""Monitors' field reports, their attachments and every step of their review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from vigil.events.choices import Category, Credibility, DatePrecision, GeoPrecision, Reliability
from vigil.fieldreports.choices import Channel, ReviewStatus
from vigil.sharing.models import ProtectedModel


class FieldReport(ProtectedModel):
    """An incident as a monitor reported it. Kept whatever the review decides; a verified
    report becomes (or is linked to) an Event."""

    monitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_reports"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # At most once: a retried submission carries the same key (API) or ODK ids.
    idempotency_key = models.CharField(max_length=128, blank=True)
    # The request as first received under that key (vigil.idempotency): a retry that differs
    # is refused, naming the field, instead of silently answered with the first record.
    request_fields = models.JSONField(default=dict, blank=True, editable=False)
    odk_form_id = models.CharField(max_length=128, blank=True)
    odk_root_uuid = models.CharField(max_length=128, blank=True)
    odk_instance_id = models.CharField(max_length=128, blank=True)

    date_start = models.DateField()
    date_end = models.DateField()
    date_precision = models.PositiveSmallIntegerField(
        choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    country = models.ForeignKey("geo.Country", on_delete=models.PROTECT, related_name="+")
    admin1 = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    admin2 = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geo_precision = models.PositiveSmallIntegerField(
        choices=GeoPrecision.choices, default=GeoPrecision.NEAR
    )

    category = models.CharField(max_length=32, choices=Category.choices)
    actor1 = models.CharField(max_length=300, blank=True)
    actor2 = models.CharField(max_length=300, blank=True)
    fatalities = models.PositiveIntegerField(default=0)
    injured = models.PositiveIntegerField(default=0)
    description = models.TextField()
    sources = models.TextField(blank=True, help_text="Who or what the monitor learned it from")
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, help_text="The monitor's judgement of the information"
    )
    reliability = models.CharField(
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text="The organisation's grade of the source; set by analysts",
    )

    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitor", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="fieldreport_unique_idempotency_key",
                violation_error_message="This submission was already received.",
            ),
            models.UniqueConstraint(
                fields=["odk_form_id", "odk_root_uuid"],
                condition=~Q(odk_root_uuid=""),
                name="fieldreport_unique_odk_root",
                violation_error_message="This ODK submission was already received.",
            ),
            models.CheckConstraint(
                condition=Q(date_end__gte=models.F("date_start")),
                name="fieldreport_dates_ordered",
                violation_error_message="A report cannot end before it starts.",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"report #{self.pk} {self.date_start} {self.country_id} ({self.status})"

    @property
    def admiralty_grade(self) -> str:
        return f"{self.reliability}{self.credibility}"


class ReportTransition(models.Model):
    """One step of a report's review: who moved it, from where to where, when and why."""

    report = models.ForeignKey(FieldReport, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=ReviewStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReviewStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"#{self.report_id}: {self.from_status or '-'} → {self.to_status}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Content-addressed, outside the web root (MEDIA is never served directly).
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A photo or document sent with a report; served only through the access policy."""

    report = models.ForeignKey(FieldReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name
