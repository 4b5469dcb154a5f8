"""Organisations and the people who act for them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vigil.actors.choices import (
    AgreementKind,
    ApplicationStatus,
    CapacityLevel,
    ContactRole,
    DecisionRule,
    OrganisationKind,
    Presence,
    Role,
    Theme,
    Verdict,
)
from vigil.sharing.choices import TLP
from vigil.sharing.models import ProtectedModel


class Organisation(models.Model):
    """A body that owns records and to which records are shared: RIGO, state, CSO, UN entity."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    country = models.ForeignKey("geo.Country", null=True, blank=True, on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    # The regional organisation this body *is* (for kind regional_organisation), so its
    # secretariat and its products can be tied to the geography of its member states.
    regional_organisation = models.ForeignKey(
        "geo.RegionalOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    acronym = models.CharField(max_length=32, blank=True)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role in an organisation; a person may hold roles in several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="membership_unique_role",
                violation_error_message="This person already holds this role here.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} at {self.organisation}"


class ApiToken(models.Model):
    """A bearer token for API clients (ODK bridges, scripts). Only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, help_text="First characters, to recognise a token")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# --- Registry: what each organisation does, where, with what, in which languages -----------


class ThematicMandate(models.Model):
    """A field an organisation is mandated to work in (mediation, early warning, ...)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="thematic_mandates"
    )
    theme = models.CharField(max_length=20, choices=Theme.choices)

    class Meta:
        ordering = ["organisation_id", "theme"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "theme"],
                name="thematicmandate_unique",
                violation_error_message="This organisation already holds this mandate.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_theme_display()}"


class AreaMandate(models.Model):
    """A country or admin area an organisation covers, and whether it has people there."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="area_mandates"
    )
    country = models.ForeignKey("geo.Country", on_delete=models.PROTECT, related_name="+")
    admin_area = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    presence = models.CharField(max_length=10, choices=Presence.choices, default=Presence.MANDATE)

    class Meta:
        ordering = ["organisation_id", "country_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "country", "admin_area"],
                name="areamandate_unique",
                violation_error_message="This organisation already covers this area.",
            ),
            models.UniqueConstraint(
                fields=["organisation", "country"],
                condition=Q(admin_area__isnull=True),
                name="areamandate_unique_country",
                violation_error_message="This organisation already covers this country.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.admin_area or self.country_id}"


class Capacity(models.Model):
    """What an organisation can bring to one kind of response, and how much of it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="capacities"
    )
    theme = models.CharField(max_length=20, choices=Theme.choices)
    level = models.PositiveSmallIntegerField(
        choices=CapacityLevel.choices, default=CapacityLevel.MODERATE
    )
    staff = models.PositiveIntegerField(null=True, blank=True, help_text=_("People available"))
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "capacities"
        ordering = ["organisation_id", "theme"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "theme"],
                name="capacity_unique_theme",
                violation_error_message="This organisation already states this capacity.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_theme_display()} ({self.get_level_display()})"


class OrganisationLanguage(models.Model):
    """A language an organisation works in (ISO 639-1 code)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="languages"
    )
    code = models.CharField(max_length=8, help_text=_("ISO 639-1, e.g. en, fr, pt, ar, ha"))

    class Meta:
        ordering = ["organisation_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="organisationlanguage_unique",
                violation_error_message="This language is already listed.",
            )
        ]

    def __str__(self) -> str:
        return self.code


class Contact(ProtectedModel):
    """A person to reach in an organisation: focal point, or champion inside a RIGO.

    Contact details are personal data, so a contact carries its own TLP mark (GREEN by
    default: signed-in members of the community, never the public).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=ContactRole.choices)
    title = models.CharField(max_length=200, blank=True, help_text=_("Position held"))
    portfolio = models.CharField(
        max_length=200, blank=True, help_text=_("What a champion champions, e.g. CSO relations")
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["organisation_id", "role", "name"]

    def save(self, *args: object, **kwargs: object) -> None:
        # A contact's details belong to the organisation they represent.
        self.owner_org_id = self.organisation_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()}, {self.organisation})"


class Agreement(ProtectedModel):
    """An MoU, terms of reference or cooperation agreement between organisations."""

    kind = models.CharField(max_length=12, choices=AgreementKind.choices)
    title = models.CharField(max_length=300)
    parties = models.ManyToManyField(Organisation, related_name="agreements")
    signed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text=_("Blank: open-ended"))
    scope = models.TextField(blank=True)
    themes = models.JSONField(default=list, blank=True, help_text=_("Theme codes covered"))
    document = models.FileField(upload_to="agreements/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expires_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("signed_on")),
                name="agreement_expires_after_signature",
                violation_error_message="An agreement expires after it is signed.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_in_force(self, day: dt.date) -> bool:
        return self.signed_on <= day and (self.expires_on is None or day < self.expires_on)


class AgreementReminder(models.Model):
    """One reminder that an agreement expires soon. One row per agreement, expiry date and
    lead time, so computing reminders twice never reminds twice."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "agreement_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "expires_on", "days_before"],
                name="agreementreminder_once",
                violation_error_message="This reminder was already raised.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} expires {self.expires_on} (T-{self.days_before})"


# --- Accreditation of civil society with a regional organisation --------------------------


class AccreditationScheme(models.Model):
    """A regional organisation's rules for accrediting CSOs. Pure configuration."""

    regional_organisation = models.OneToOneField(
        "geo.RegionalOrganisation",
        on_delete=models.CASCADE,
        related_name="accreditation_scheme",
    )
    is_open = models.BooleanField(default=True, help_text=_("Accepting applications"))
    # Eligibility criteria; a blank threshold means the criterion is not applied.
    min_member_funding_share = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Least share of funds, in percent, that must come from members (AU ECOSOCC: 50)"
        ),
    )
    min_years_active = models.PositiveSmallIntegerField(null=True, blank=True)
    require_statutes = models.BooleanField(default=True)
    require_governance = models.BooleanField(default=True)
    min_references = models.PositiveSmallIntegerField(default=0)
    require_registration_in_region = models.BooleanField(
        default=True, help_text=_("Registered in a member state of the region")
    )
    # Review.
    review_days = models.PositiveSmallIntegerField(default=30)
    decision_rule = models.CharField(
        max_length=16, choices=DecisionRule.choices, default=DecisionRule.NO_SUSTAINED_OBJECTION
    )
    # Privileges granted on registration.
    attend_meetings = models.BooleanField(default=True)
    submit_written_input = models.BooleanField(default=True)
    written_input_word_limit = models.PositiveIntegerField(null=True, blank=True, default=2000)
    read_draft_documents = models.BooleanField(default=False)
    products_tlp = models.CharField(
        max_length=12,
        choices=TLP.choices,
        blank=True,
        help_text=_("Highest mark of the RIGO's products the CSO receives; blank: none"),
    )
    validity_years = models.PositiveSmallIntegerField(default=4)
    renewal_window_days = models.PositiveSmallIntegerField(
        default=180, help_text=_("How long before expiry a renewal may be filed")
    )

    class Meta:
        ordering = ["regional_organisation_id"]

    def __str__(self) -> str:
        return f"Accreditation with {self.regional_organisation_id}"


class AccreditationApplication(models.Model):
    """A CSO's application (or renewal) for accreditation under one scheme.

    Who may read it is decided by `sharing.privileges.applications_visible`: the applicant,
    the member states' focal points and the regional organisation's own staff.
    """

    scheme = models.ForeignKey(
        AccreditationScheme, on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="accreditation_applications"
    )
    renews = models.ForeignKey(
        "Registration", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    profile = models.TextField(help_text=_("Mission, activities and constituency"))
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    registration_country = models.ForeignKey(
        "geo.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registration_number = models.CharField(max_length=100, blank=True)
    statutes = models.FileField(upload_to="accreditation/statutes/%Y/", blank=True)
    governance = models.TextField(blank=True, help_text=_("Boards, elections, accountability"))
    references = models.TextField(blank=True, help_text=_("One referee per line"))
    # The criteria as checked at submission, shown to applicant and reviewers alike.
    eligibility = models.JSONField(default=list)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_on = models.DateField()
    review_deadline = models.DateField()
    member_states = models.JSONField(
        default=list, help_text=_("ISO3 codes of the member states asked to review")
    )
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "applicant"],
                condition=Q(status=ApplicationStatus.SUBMITTED),
                name="application_one_open_per_scheme",
                violation_error_message="An application from this organisation is under review.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.scheme.regional_organisation_id}"

    def decision_step(self) -> ApplicationStep | None:
        """The step that closed the application (its note explains the decision)."""
        if self.status == ApplicationStatus.SUBMITTED:
            return None
        steps = [step for step in self.steps.all() if step.status == self.status]
        return steps[-1] if steps else None

    def reference_list(self) -> list[str]:
        return [line.strip() for line in self.references.splitlines() if line.strip()]


class FundingSource(models.Model):
    """One source of an applicant's funds, and whether it comes from its members."""

    application = models.ForeignKey(
        AccreditationApplication, on_delete=models.CASCADE, related_name="funding_sources"
    )
    source = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    from_members = models.BooleanField(default=False)

    class Meta:
        ordering = ["application_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="fundingsource_amount_not_negative",
                violation_error_message="An amount cannot be negative.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.amount} {self.currency}"


class ApplicationDocument(models.Model):
    """A supporting document attached to an application (reports, accounts, letters)."""

    application = models.ForeignKey(
        AccreditationApplication, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="accreditation/documents/%Y/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class ApplicationStep(models.Model):
    """One step of an application's life (submitted, decided, withdrawn). Append-only."""

    application = models.ForeignKey(
        AccreditationApplication, on_delete=models.CASCADE, related_name="steps"
    )
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["application_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status} on {self.on}"


class MemberStateReview(models.Model):
    """A member state's verdict on an application, given by its focal point. Append-only:
    a later review by the same state supersedes the earlier one (an objection withdrawn is
    no longer sustained), and both rows stay."""

    application = models.ForeignKey(
        AccreditationApplication, on_delete=models.CASCADE, related_name="reviews"
    )
    country = models.ForeignKey("geo.Country", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    reasons = models.TextField(blank=True)
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application_id", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(verdict=Verdict.OBJECT) | ~Q(reasons=""),
                name="review_objection_has_reasons",
                violation_error_message="An objection states its reasons.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.verdict} application {self.application_id}"


class Registration(models.Model):
    """An accredited CSO's registration with a regional organisation: the privileges it holds
    (copied from the scheme when granted, so later changes to the scheme do not alter it)
    and the day it lapses."""

    application = models.OneToOneField(
        AccreditationApplication, on_delete=models.PROTECT, related_name="registration"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="registrations"
    )
    regional_organisation = models.ForeignKey(
        "geo.RegionalOrganisation", on_delete=models.PROTECT, related_name="registrations"
    )
    granted_on = models.DateField()
    expires_on = models.DateField(help_text=_("First day the registration no longer holds"))
    attend_meetings = models.BooleanField(default=False)
    submit_written_input = models.BooleanField(default=False)
    written_input_word_limit = models.PositiveIntegerField(null=True, blank=True)
    read_draft_documents = models.BooleanField(default=False)
    products_tlp = models.CharField(max_length=12, choices=TLP.choices, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["regional_organisation_id", "organisation_id", "-granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("granted_on")),
                name="registration_expires_after_grant",
                violation_error_message="A registration expires after it is granted.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} with {self.regional_organisation_id} to {self.expires_on}"

    def is_active(self, day: dt.date) -> bool:
        return (
            self.granted_on <= day
            and day < self.expires_on
            and (self.revoked_on is None or day < self.revoked_on)
        )


# Outcomes after which an application is closed.
DECIDED_STATUSES = frozenset(
    {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.INELIGIBLE}
)
