"""Indicator sets, and the periodic observations monitors file against them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from vigil.fieldreports.choices import Channel, ReviewStatus
from vigil.indicators.choices import Direction, ElectionPhase, Period
from vigil.sharing.choices import TLP
from vigil.sharing.models import ProtectedModel

ONE_PER_PERIOD = "You already filed an observation for this set, area and period."


class IndicatorSet(models.Model):
    """A named, versioned list of indicators monitors score (e.g. a CEWARN-style set).

    Public configuration, not protected data: edited in the admin or loaded from a file.
    """

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    version = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One question of a set, scored on an integer scale (0 none … 4 very high, or 0/1)."""

    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="What the monitor assesses, and how to score it")
    direction = models.CharField(max_length=12, choices=Direction.choices)
    scale_min = models.SmallIntegerField(default=0)
    scale_max = models.SmallIntegerField(default=4)
    scale_labels = models.JSONField(
        default=dict, blank=True, help_text='What each value means: {"0": "None", "4": "Very high"}'
    )
    phase = models.CharField(
        max_length=8, choices=ElectionPhase.choices, blank=True, help_text="Election sets only"
    )
    order = models.PositiveSmallIntegerField(default=0)
    # Indicators dropped from a set's file are retired, not deleted: observations cite them.
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["indicator_set_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "code"],
                name="indicator_unique_code_in_set",
                violation_error_message="This set already has an indicator with this code.",
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")),
                name="indicator_scale_ordered",
                violation_error_message="The top of the scale must be above its bottom.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_set.code}/{self.code}"

    def clean(self) -> None:
        bad = [
            key
            for key in self.scale_labels or {}
            if not str(key).lstrip("-").isdigit()
            or not self.scale_min <= int(key) <= self.scale_max
        ]
        if bad:
            raise ValidationError(
                {"scale_labels": f"Labels for values outside the scale: {', '.join(bad)}."}
            )

    def is_on_scale(self, value: int) -> bool:
        return self.scale_min <= value <= self.scale_max


class Observation(ProtectedModel):
    """A monitor's reading of one area over one week or month against an indicator set.

    Goes through the same review as a field report and is kept whatever the review decides.
    """

    tlp = models.CharField(max_length=12, choices=TLP.choices, default=TLP.AMBER, db_index=True)
    monitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observations"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # At most once: a retried submission carries the same key.
    idempotency_key = models.CharField(max_length=128, blank=True)
    # The request as first received under that key (vigil.idempotency): a retry that differs
    # is refused, naming the field, instead of silently answered with the first record.
    request_fields = models.JSONField(default=dict, blank=True, editable=False)
    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="observations"
    )
    country = models.ForeignKey("geo.Country", on_delete=models.PROTECT, related_name="+")
    admin1 = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(max_length=8, choices=Period.choices)
    period_start = models.DateField(help_text="A Monday for weekly, the 1st for monthly")
    notes = models.TextField(blank=True, help_text="The monitor's overall reading of the period")
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitor", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="observation_unique_idempotency_key",
                violation_error_message="This submission was already received.",
            ),
            # One observation per monitor, set, area and period. Split on admin1 because
            # NULLs are distinct in unique indexes (SQLite ignores nulls_distinct=False).
            models.UniqueConstraint(
                fields=[
                    "monitor",
                    "indicator_set",
                    "country",
                    "admin1",
                    "period",
                    "period_start",
                ],
                condition=Q(admin1__isnull=False),
                name="observation_unique_admin1_period",
                violation_error_message=ONE_PER_PERIOD,
            ),
            models.UniqueConstraint(
                fields=["monitor", "indicator_set", "country", "period", "period_start"],
                condition=Q(admin1__isnull=True),
                name="observation_unique_country_period",
                violation_error_message=ONE_PER_PERIOD,
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["country", "period", "period_start"]),
        ]

    def __str__(self) -> str:
        area = f"{self.country_id}/{self.admin1_id}" if self.admin1_id else self.country_id
        return f"observation #{self.pk} {self.period} {self.period_start} {area} ({self.status})"


class ObservationValue(models.Model):
    """The score an observation gives one indicator, with the monitor's note on it."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["observation_id", "indicator__order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "indicator"],
                name="observationvalue_unique_indicator",
                violation_error_message="This observation already scores this indicator.",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.observation_id} {self.indicator.code}={self.value}"

    def clean(self) -> None:
        if not self.indicator.is_on_scale(self.value):
            low, high = self.indicator.scale_min, self.indicator.scale_max
            raise ValidationError({"value": f"Must be between {low} and {high}."})


class ObservationTransition(models.Model):
    """One step of an observation's review: who moved it, from where to where, when and why."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=16, choices=ReviewStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReviewStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"#{self.observation_id}: {self.from_status or '-'} → {self.to_status}"
