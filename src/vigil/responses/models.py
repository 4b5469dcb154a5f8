"""The response loop: options, responders, actions and outcomes for each alert,
and the gap between warning and action.

None of these records carries its own TLP mark: each belongs to one alert and is readable
exactly by those who may read that alert (the selectors filter through the alert), so an
action on a TLP:AMBER alert can never be wider-shared than the warning it answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from vigil.responses.choices import ActionStatus, Effect, ResponderRole, ResponseKind


class ResponseOption(models.Model):
    """One entry of the library of early-response options (configuration, no TLP mark)."""

    code = models.SlugField(max_length=64, unique=True, help_text=_("Stable key for loading"))
    kind = models.CharField(max_length=24, choices=ResponseKind.choices, db_index=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    typical_lead_time_days = models.PositiveSmallIntegerField(
        help_text=_("Days usually needed from decision to the response being under way")
    )
    typical_actors = models.TextField(help_text=_("Who usually carries it out"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ProposedResponse(models.Model):
    """An option proposed for one alert, with why; the menu decision makers choose from."""

    alert = models.ForeignKey(
        "alerts.Alert", on_delete=models.CASCADE, related_name="proposed_responses"
    )
    option = models.ForeignKey(ResponseOption, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["alert_id", "proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "option"],
                name="proposedresponse_unique_option",
                violation_error_message="This option is already proposed for this alert.",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.alert_id}: {self.option_id}"


class ResponderAssignment(models.Model):
    """An organisation named to respond to one alert, and in what role."""

    alert = models.ForeignKey("alerts.Alert", on_delete=models.CASCADE, related_name="responders")
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.PROTECT, related_name="response_assignments"
    )
    role = models.CharField(max_length=16, choices=ResponderRole.choices)
    note = models.TextField(blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["alert_id", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "organisation"],
                name="responderassignment_unique_organisation",
                violation_error_message="This organisation is already a responder to this alert.",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.alert_id}: {self.organisation_id} ({self.role})"


class ResponseAction(models.Model):
    """Something a responder did (or plans to do) about an alert. Its status is the latest
    of its `ActionStatusChange` rows; the dates are when it really started and ended, which
    the warning-to-action metrics read."""

    alert = models.ForeignKey("alerts.Alert", on_delete=models.CASCADE, related_name="actions")
    responder = models.ForeignKey(
        "actors.Organisation", on_delete=models.PROTECT, related_name="response_actions"
    )
    option = models.ForeignKey(
        ResponseOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField()
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["alert_id", "started_on", "pk"]
        indexes = [models.Index(fields=["responder", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(completed_on__gte=F("started_on")),
                name="responseaction_dates_ordered",
                violation_error_message="An action cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(status=ActionStatus.PLANNED)
                | Q(started_on__isnull=False)
                # An action abandoned before it ever started has no start date.
                | Q(status=ActionStatus.ABANDONED),
                name="responseaction_started_has_date",
                violation_error_message="An action under way or done has a start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.alert_id}: {self.responder_id} {self.status}"


class ActionStatusChange(models.Model):
    """One step of an action: from which status to which, on what day, who said so. Append-only."""

    action = models.ForeignKey(
        ResponseAction, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ActionStatus.choices)
    on = models.DateField(help_text=_("The day the change happened (may precede its recording)"))
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"action #{self.action_id}: {self.from_status or '-'} → {self.to_status}"


class OutcomeAssessment(models.Model):
    """A judgement of what the response achieved, on the `Effect` scale, with its evidence.

    About the alert's response as a whole, or one action when `action` is set. Assessments
    are never edited: a later one supersedes an earlier one about the same thing.
    """

    alert = models.ForeignKey(
        "alerts.Alert", on_delete=models.CASCADE, related_name="outcome_assessments"
    )
    action = models.ForeignKey(
        ResponseAction,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    effect = models.SmallIntegerField(choices=Effect.choices)
    evidence = models.TextField()
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessor_org = models.ForeignKey(
        "actors.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["alert_id", "assessed_on", "pk"]

    def __str__(self) -> str:
        return f"#{self.alert_id}: effect {self.effect} on {self.assessed_on}"
