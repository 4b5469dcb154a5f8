"""Stored analysis: what `vigil analyse` computed, for whom, from which data, with which model.

An analysis run reads the events one *scope* may see (the public record, or what one
organisation's analysts may see) and stores its figures under that scope's mark, so a
GREEN page never shows a figure an AMBER event moved. Rows below a run carry no mark of
their own: they are visible exactly when their run is (`risk.selectors`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.risk.choices import AreaLevel, ForecastLevel, RunStatus
from vigil.sharing.models import ProtectedModel


class ModelVersion(models.Model):
    """A trained forecaster: the code's version, the data window it learnt from, and how
    well that version did in its rolling-origin backtest against the baselines."""

    level = models.CharField(max_length=16, choices=ForecastLevel.choices)
    name = models.CharField(max_length=80, help_text=_("The estimator's version string"))
    params = models.JSONField(default=dict, blank=True)
    trained_from = models.DateField(null=True, blank=True)
    trained_to = models.DateField(null=True, blank=True)
    # One version is one horizon: {"horizon": 1, "test_years": [2010, 2023],
    #   "model": {metric: value}, "baselines": {name: {metric: value}}}
    backtest = models.JSONField(default=dict, blank=True)
    backtest_source = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "name", "trained_from", "trained_to"],
                name="model_version_unique_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.level}, trained to {self.trained_to})"


class AnalysisRun(ProtectedModel):
    """One recomputation as of a date over one scope's events. `tlp` is the most
    restrictive mark the run was allowed to read; `owner_org` is whose view it is."""

    as_of = models.DateField(db_index=True)
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    events_used = models.PositiveIntegerField(default=0)
    first_event_date = models.DateField(null=True, blank=True)
    last_event_date = models.DateField(null=True, blank=True)
    # Durations per step, counts of rows written, parameters: what an operator checks.
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-as_of", "-started_at"]
        indexes = [models.Index(fields=["owner_org", "tlp", "status", "-as_of"])]

    def __str__(self) -> str:
        return f"Analysis as of {self.as_of} ({self.tlp}, {self.status})"


class _AreaRow(models.Model):
    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=8, choices=AreaLevel.choices)
    country = models.ForeignKey("geo.Country", on_delete=models.PROTECT, related_name="+")
    # "NGA" or "NGA/Borno": the analytics panel's key; admin1 as named by the source.
    area = models.CharField(max_length=160)
    area_name = models.CharField(max_length=160)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.area_name} ({self.level})"


class AreaRisk(_AreaRow):
    """An area's current level and change over the run's last months: the risk table."""

    period = models.DateField(help_text=_("First day of the last full month of data"))
    # No data is not zero: an area no source covers in the period keeps its row (so a page
    # can say why it has no figures) with every figure and the rank empty.
    covered = models.BooleanField(default=True)
    coverage_note = models.CharField(max_length=200, blank=True)
    events = models.PositiveIntegerField(null=True, blank=True)
    fatalities = models.PositiveIntegerField(null=True, blank=True)
    fatalities_previous = models.PositiveIntegerField(null=True, blank=True)
    months_since_fatal = models.PositiveIntegerField(null=True, blank=True)
    # P(any fatal organised violence next month), from the stored forecast when one exists.
    risk = models.FloatField(null=True, blank=True)
    change_ratio = models.FloatField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["run", "level", "rank"]
        indexes = [models.Index(fields=["run", "level", "country"])]


class Escalation(_AreaRow):
    """An area-period whose violence significantly exceeds its own baseline."""

    period = models.DateField()
    freq = models.CharField(max_length=1, default="M")
    target = models.CharField(max_length=16, help_text=_("fatalities or events"))
    observed = models.FloatField()
    expected = models.FloatField()
    surprise = models.FloatField(help_text=_("-log10 of the upper-tail probability"))
    effect = models.FloatField(help_text=_("(observed + 1) / (expected + 1)"))
    rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["run", "rank"]
        indexes = [models.Index(fields=["run", "country", "period"])]


class Hotspot(_AreaRow):
    """An area's rank within a regional organisation for the run's last full month or week
    (risk and change over the last 3 months, or the last 4 weeks)."""

    region = models.ForeignKey(
        "geo.RegionalOrganisation", on_delete=models.CASCADE, related_name="+"
    )
    freq = models.CharField(
        max_length=2, choices=[("MS", _("Month")), ("W", _("Week"))], default="MS"
    )
    period = models.DateField(help_text=_("Start of the month or (Monday) week ranked"))
    risk_fatalities = models.PositiveIntegerField()
    risk_events = models.PositiveIntegerField()
    change = models.IntegerField()
    change_ratio = models.FloatField()
    surprise = models.FloatField(null=True, blank=True)
    rank_risk = models.PositiveIntegerField()
    rank_change = models.PositiveIntegerField()

    class Meta:
        ordering = ["run", "region", "rank_risk"]


class EventCluster(models.Model):
    """A spatial cluster of recent events (DBSCAN, haversine): where violence concentrates."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey("geo.Country", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=200)
    latitude = models.FloatField()
    longitude = models.FloatField()
    radius_km = models.FloatField()
    events = models.PositiveIntegerField()
    fatalities = models.PositiveIntegerField()
    first_date = models.DateField()
    last_date = models.DateField()
    event_ids = models.JSONField(default=list, help_text=_("Vigil event ids in the cluster"))

    class Meta:
        ordering = ["run", "-fatalities"]

    def __str__(self) -> str:
        return f"Cluster {self.label} ({self.events} events)"


class Forecast(_AreaRow):
    """One area's forecast for one month `horizon` months after the run's last full month."""

    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    origin = models.DateField(help_text=_("Last month of data the forecast used"))
    target_period = models.DateField()
    horizon = models.PositiveSmallIntegerField()
    p_any = models.FloatField(help_text=_("P(at least one death)"))
    p_ge25 = models.FloatField(help_text=_("P(at least 25 deaths)"))
    point = models.FloatField(help_text=_("Predicted fatalities (geometric mean of samples)"))
    median = models.FloatField()
    lower80 = models.FloatField()
    upper80 = models.FloatField()
    quantiles = models.JSONField(default=dict, help_text=_("level → fatalities"))

    class Meta:
        ordering = ["run", "level", "horizon", "-p_any"]
        indexes = [models.Index(fields=["run", "level", "country", "horizon"])]


class ConflictForecast(models.Model):
    """A state's probability of armed conflict (UCDP/PRIO: 25+ battle deaths in a year)
    `horizon` years after the last full year of the conflict data: the global level."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey("geo.Country", on_delete=models.PROTECT, related_name="+")
    gwcode = models.PositiveIntegerField(help_text=_("Gleditsch-Ward state code"))
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    origin_year = models.PositiveIntegerField()
    target_year = models.PositiveIntegerField()
    horizon = models.PositiveSmallIntegerField()
    in_conflict = models.BooleanField(help_text=_("In armed conflict in the origin year"))
    p_incidence = models.FloatField()
    p_onset = models.FloatField(
        null=True, blank=True, help_text=_("Only for states at peace in the origin year")
    )

    class Meta:
        ordering = ["run", "horizon", "-p_incidence"]
        indexes = [models.Index(fields=["run", "country"])]

    def __str__(self) -> str:
        return f"{self.country_id} {self.target_year}: P(conflict) {self.p_incidence:.2f}"
