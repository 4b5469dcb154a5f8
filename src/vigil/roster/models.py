"""Mediators and experts, their availability, deployments and diversity.

A `Roster` is the protected record (owner organisation + TLP): who may see it sees its
members' profiles; only its owner's roster managers see personal data (`roster/policy.py`).
Every dated fact (membership, seniority, vetting, unavailability, deployment) is a row with
dates, so readiness and diversity can be computed as of any past day.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from vigil.roster.choices import (
    DeploymentStatus,
    DiversityMeasure,
    DiversityPopulation,
    Expertise,
    ExpertiseLevel,
    Gender,
    Language,
    Proficiency,
    RoleType,
    RosterAction,
    Seniority,
    UnavailabilityReason,
    VettingStatus,
)
from vigil.sharing.models import ProtectedModel


class GlobalSouthList(models.Model):
    """A named, sourced list of countries counted as Global South (e.g. the G77 and China)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="What the list means and who maintains it")
    source_url = models.URLField(blank=True)
    as_of = models.DateField(null=True, blank=True, help_text="Date the source was checked")
    countries = models.ManyToManyField("geo.Country", related_name="+", blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Roster(ProtectedModel):
    """A roster of mediators and experts kept by one organisation (a mediation support unit)."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    global_south_list = models.ForeignKey(
        GlobalSouthList,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rosters",
        help_text="Which definition of Global South this roster's figures use",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DiversityTarget(models.Model):
    """A target share (e.g. 50% women among senior members), in force from a date."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="targets")
    measure = models.CharField(max_length=16, choices=DiversityMeasure.choices)
    population = models.CharField(max_length=16, choices=DiversityPopulation.choices)
    target_percent = models.DecimalField(max_digits=5, decimal_places=2)
    effective_from = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["roster_id", "measure", "population", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["roster", "measure", "population", "effective_from"],
                name="rostertarget_unique_per_day",
                violation_error_message="A target for this measure already starts on this day.",
            ),
            models.CheckConstraint(
                condition=Q(target_percent__gte=0) & Q(target_percent__lte=100),
                name="rostertarget_percent_range",
                violation_error_message="A target is a percentage between 0 and 100.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.measure}/{self.population} ≥ {self.target_percent}% from {self.effective_from}"
        )


class RosterMember(models.Model):
    """A mediator or expert on a roster. Contact details and nationality are personal data."""

    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="members")
    full_name = models.CharField(max_length=200)
    gender = models.CharField(max_length=12, choices=Gender.choices, default=Gender.NOT_STATED)
    nationality = models.ForeignKey(
        "geo.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seniority = models.CharField(
        max_length=8,
        choices=Seniority.choices,
        help_text="Current level; its history is in SeniorityChange rows",
    )
    role_types = models.JSONField(default=list, blank=True, help_text="RoleType codes")
    summary = models.TextField(blank=True, help_text="Professional profile, shown to all readers")
    skills = models.TextField(blank=True, help_text="Other skills, one per line")
    regions = models.ManyToManyField("geo.RegionalOrganisation", related_name="+", blank=True)
    countries_of_experience = models.ManyToManyField("geo.Country", related_name="+", blank=True)
    # Personal data: visible to the owning organisation's roster managers only.
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    contact_notes = models.TextField(blank=True, help_text="Other channels, next of kin, address")
    on_standby = models.BooleanField(
        default=False, help_text="Has agreed to deploy at 72 hours' notice"
    )
    joined_on = models.DateField(default=dt.date.today)
    left_on = models.DateField(null=True, blank=True, help_text="First day no longer on roster")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gt=F("joined_on")),
                name="rostermember_left_after_joined",
                violation_error_message="A member leaves after joining.",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def is_member_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)


class MemberLanguage(models.Model):
    """A language a member works in, with proficiency."""

    member = models.ForeignKey(RosterMember, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(max_length=3, choices=Language.choices)
    proficiency = models.PositiveSmallIntegerField(choices=Proficiency.choices)

    class Meta:
        ordering = ["-proficiency", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "language"],
                name="memberlanguage_unique",
                violation_error_message="This language is already listed for this member.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.get_proficiency_display()})"


class MemberExpertise(models.Model):
    """A thematic field or process skill a member brings, with depth."""

    member = models.ForeignKey(RosterMember, on_delete=models.CASCADE, related_name="expertise")
    code = models.CharField(max_length=32, choices=Expertise.choices)
    level = models.PositiveSmallIntegerField(
        choices=ExpertiseLevel.choices, default=ExpertiseLevel.EXPERIENCED
    )

    class Meta:
        ordering = ["-level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "code"],
                name="memberexpertise_unique",
                violation_error_message="This expertise is already listed for this member.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.level})"


class SeniorityChange(models.Model):
    """A member's seniority from a date on; the latest row on or before a day is in force."""

    member = models.ForeignKey(
        RosterMember, on_delete=models.CASCADE, related_name="seniority_history"
    )
    seniority = models.CharField(max_length=8, choices=Seniority.choices)
    effective_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["member_id", "effective_on", "pk"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.seniority} from {self.effective_on}"


class VettingRecord(models.Model):
    """One vetting decision; the latest decided on or before a day is in force."""

    member = models.ForeignKey(RosterMember, on_delete=models.CASCADE, related_name="vetting")
    status = models.CharField(max_length=12, choices=VettingStatus.choices)
    decided_on = models.DateField()
    valid_until = models.DateField(
        null=True, blank=True, help_text="Clearance lapses after this day"
    )
    note = models.TextField(blank=True, help_text="Personal data: roster managers only")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member_id", "decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("decided_on")),
                name="vetting_valid_after_decision",
                violation_error_message="A clearance cannot lapse before it was decided.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.status} on {self.decided_on}"

    def clears_on(self, day: dt.date) -> bool:
        """Whether this record, if in force, clears the member on `day`."""
        return self.status == VettingStatus.CLEARED and (
            self.valid_until is None or self.valid_until >= day
        )


class Unavailability(models.Model):
    """A period (both days included) in which a member cannot deploy."""

    member = models.ForeignKey(
        RosterMember, on_delete=models.CASCADE, related_name="unavailabilities"
    )
    start = models.DateField()
    end = models.DateField()
    reason = models.CharField(max_length=20, choices=UnavailabilityReason.choices)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["member_id", "start"]
        verbose_name_plural = "unavailabilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="unavailability_dates_ordered",
                violation_error_message="A period cannot end before it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} unavailable {self.start}–{self.end}"


class Deployment(models.Model):
    """A member sent on a mission; it makes them unavailable from start to end (inclusive)."""

    member = models.ForeignKey(RosterMember, on_delete=models.PROTECT, related_name="deployments")
    mission = models.CharField(max_length=200)
    requesting_organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    role_type = models.CharField(max_length=20, choices=RoleType.choices)
    country = models.ForeignKey(
        "geo.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField()
    end = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # Debrief: personal evaluation, roster managers only.
    debrief_summary = models.TextField(blank=True)
    debrief_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 (poor) to 5 (excellent)"
    )
    lessons = models.TextField(blank=True, help_text="Lessons for future missions")
    debriefed_at = models.DateTimeField(null=True, blank=True)
    debriefed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="deployment_dates_ordered",
                violation_error_message="A deployment cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(debrief_rating__isnull=True)
                | (Q(debrief_rating__gte=1) & Q(debrief_rating__lte=5)),
                name="deployment_rating_range",
                violation_error_message="A rating is from 1 to 5.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.mission} ({self.start}–{self.end})"

    def status_on(self, day: dt.date) -> DeploymentStatus:
        if self.cancelled_at is not None:
            return DeploymentStatus.CANCELLED
        if day < self.start:
            return DeploymentStatus.PLANNED
        if day <= self.end:
            return DeploymentStatus.ON_MISSION
        return DeploymentStatus.COMPLETED


class RosterActivity(models.Model):
    """One write on a roster: who did what to whom, when (the roster's audit trail)."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="activity")
    member = models.ForeignKey(
        RosterMember, null=True, blank=True, on_delete=models.CASCADE, related_name="activity"
    )
    action = models.CharField(max_length=24, choices=RosterAction.choices)
    detail = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "roster activity"

    def __str__(self) -> str:
        return f"{self.action} on {self.roster_id} by {self.actor_id}"
