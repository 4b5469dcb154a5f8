"""Alerts (OASIS CAP 1.2): the alert, its texts per language, its areas, every lifecycle
step, and the rules that raise draft alerts from stored analysis."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vigil.alerts.choices import (
    RTL_LANGUAGES,
    AlertSource,
    AlertStatus,
    CapCategory,
    CapStatus,
    Certainty,
    ForecastMeasure,
    Language,
    MsgType,
    RuleKind,
    Scope,
    Severity,
    Urgency,
)
from vigil.sharing.models import ProtectedModel


class AlertRule(models.Model):
    """A regional organisation's standing instruction to raise a draft alert when stored
    analysis crosses a threshold. Pure configuration: it carries no TLP mark; the alerts it
    raises inherit the mark of the analysis run they read."""

    region = models.ForeignKey(
        "geo.RegionalOrganisation", on_delete=models.CASCADE, related_name="alert_rules"
    )
    # The early-warning department that keeps the rule and reviews the drafts it raises.
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.CASCADE, related_name="alert_rules"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=RuleKind.choices)
    is_active = models.BooleanField(default=True)
    level = models.CharField(
        max_length=8, blank=True, help_text=_("country or admin1; blank reads both")
    )
    # Escalation rules: surprise (-log10 p) and/or effect size ((obs+1)/(exp+1)).
    min_surprise = models.FloatField(null=True, blank=True)
    min_effect = models.FloatField(null=True, blank=True)
    # Forecast rules: P(any death) or P(>=25 deaths) at a horizon in months.
    measure = models.CharField(max_length=8, choices=ForecastMeasure.choices, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    horizon = models.PositiveSmallIntegerField(null=True, blank=True)
    # What the drafts it raises say about themselves.
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.SEVERE)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.EXPECTED)
    certainty = models.CharField(
        max_length=10, choices=Certainty.choices, default=Certainty.POSSIBLE
    )
    valid_days = models.PositiveSmallIntegerField(
        default=30, help_text=_("How long an alert raised by this rule stays in force")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=RuleKind.ESCALATION)
                | Q(min_surprise__isnull=False)
                | Q(min_effect__isnull=False),
                name="alertrule_escalation_has_threshold",
                violation_error_message="An escalation rule needs a surprise or effect threshold.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RuleKind.FORECAST)
                | (Q(threshold__isnull=False) & Q(horizon__isnull=False) & ~Q(measure="")),
                name="alertrule_forecast_has_threshold",
                violation_error_message="A forecast rule needs a measure, threshold and horizon.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.name}"


class Alert(ProtectedModel):
    """One warning about one situation, as a CAP 1.2 alert. The header fields describe the
    latest CAP message sent for it; earlier messages are named by its transitions."""

    # CAP <alert> header of the current message.
    identifier = models.CharField(max_length=200)
    sender = models.CharField(max_length=200)
    sent = models.DateTimeField(null=True, blank=True)
    cap_status = models.CharField(
        max_length=10, choices=CapStatus.choices, default=CapStatus.ACTUAL
    )
    msg_type = models.CharField(max_length=8, choices=MsgType.choices, default=MsgType.ALERT)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.PUBLIC)
    restriction = models.CharField(max_length=300, blank=True)
    addresses = models.TextField(blank=True)
    note = models.TextField(blank=True)
    references = models.TextField(
        blank=True, help_text=_("Earlier messages as space-separated sender,identifier,sent")
    )
    incidents = models.TextField(blank=True)
    # CAP <info> fields shared by every language.
    category = models.CharField(
        max_length=10, choices=CapCategory.choices, default=CapCategory.SECURITY
    )
    event = models.CharField(max_length=255, help_text=_("What the alert is about"))
    response_type = models.CharField(max_length=12, blank=True, default="Monitor")
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.EXPECTED)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.SEVERE)
    certainty = models.CharField(
        max_length=10, choices=Certainty.choices, default=Certainty.POSSIBLE
    )
    sender_name = models.CharField(max_length=255, blank=True)
    web = models.URLField(blank=True)
    onset = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(null=True, blank=True)

    # Vigil's lifecycle.
    status = models.CharField(
        max_length=10, choices=AlertStatus.choices, default=AlertStatus.DRAFT, db_index=True
    )
    issued_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text=_("First issued; the response loop's t0")
    )
    region = models.ForeignKey(
        "geo.RegionalOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    countries = models.ManyToManyField("geo.Country", blank=True, related_name="alerts")

    # Where it came from and what it read.
    source = models.CharField(max_length=10, choices=AlertSource.choices)
    rule = models.ForeignKey(
        AlertRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    analysis_run = models.ForeignKey(
        "risk.AnalysisRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For rule alerts: the analytics area key ("NGA", "NGA/Borno") and the period it is about.
    area_key = models.CharField(max_length=160, blank=True)
    period = models.DateField(null=True, blank=True)
    event_ids = models.JSONField(default=list, blank=True)
    escalation_ids = models.JSONField(default=list, blank=True)
    forecast_ids = models.JSONField(default=list, blank=True)
    raw_cap = models.TextField(blank=True, help_text=_("The CAP XML as received, if imported"))

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "identifier"],
                name="alert_unique_sender_identifier",
                violation_error_message="An alert with this sender and identifier exists.",
            ),
            # One draft per rule × area × period: re-evaluating a run raises nothing new.
            models.UniqueConstraint(
                fields=["rule", "area_key", "period"],
                condition=Q(rule__isnull=False),
                name="alert_unique_rule_area_period",
                violation_error_message="This rule already raised an alert for this area.",
            ),
        ]
        indexes = [models.Index(fields=["region", "status", "expires"])]

    def __str__(self) -> str:
        return f"{self.event} ({self.status})"


class AlertInfo(models.Model):
    """An alert's text in one language: one CAP <info> block."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="infos")
    language = models.CharField(
        max_length=35, default=Language.EN, help_text=_("RFC 3066 code: en, fr, pt, ar, en-CA ...")
    )
    event = models.CharField(max_length=255, blank=True, help_text=_("Blank: the alert's"))
    headline = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    instruction = models.TextField(blank=True)
    contact = models.CharField(max_length=300, blank=True)

    class Meta:
        # One block per language is the rule for alerts written here (the services enforce
        # it); a partner's alert may carry several blocks in one language and is kept whole.
        ordering = ["alert_id", "pk"]

    def __str__(self) -> str:
        return f"{self.language}: {self.headline}"

    @property
    def is_rtl(self) -> bool:
        return self.language in RTL_LANGUAGES


class AlertArea(models.Model):
    """A place an alert concerns: CAP <area>. Coordinates are WGS 84 latitude first."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="areas")
    description = models.CharField(max_length=500)
    # [[[lat, lon], ...], ...]: each polygon closed (first point == last point).
    polygons = models.JSONField(default=list, blank=True)
    # [{"lat": 9.0, "lon": 7.5, "radius_km": 50.0}, ...]
    circles = models.JSONField(default=list, blank=True)
    # [{"valueName": "ISO3", "value": "NGA"}, ...]
    geocodes = models.JSONField(default=list, blank=True)
    altitude = models.FloatField(null=True, blank=True)
    ceiling = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["alert_id", "pk"]

    def __str__(self) -> str:
        return self.description


class AlertTransition(models.Model):
    """One step of an alert's lifecycle: who moved it, when, from where to where, why, and
    the CAP message (if any) the step sent. Append-only."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=AlertStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=AlertStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Blank when the system moved it (expiry)"),
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The CAP message this step sent (issue, update, cancel); blank for draft and expiry.
    msg_type = models.CharField(max_length=8, choices=MsgType.choices, blank=True)
    identifier = models.CharField(max_length=200, blank=True)
    sender = models.CharField(max_length=200, blank=True)
    sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"#{self.alert_id}: {self.from_status or '-'} → {self.to_status}"

    @property
    def cap_reference(self) -> str:
        """This step's message as CAP names it in `references`: sender,identifier,sent."""
        from vigil.alerts.cap import format_cap_datetime

        return f"{self.sender},{self.identifier},{format_cap_datetime(self.sent)}"


class FeedToken(models.Model):
    """The secret in a reader's private feed address (`/alerts/feed/<region>/<key>.atom`),
    for feed readers that cannot sign in. Only its hash is stored; issuing a new one or
    revoking ends the old address. It opens that reader's feeds and nothing else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed token {self.prefix}… of {self.user_id}"
