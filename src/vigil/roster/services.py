"""Writes on rosters. Each is atomic, takes the acting person, is refused to anyone but the
owner's roster managers, and leaves a `RosterActivity` row in the same transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.actors.models import Organisation
from vigil.geo.models import Country, RegionalOrganisation
from vigil.roster import policy
from vigil.roster.choices import (
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
from vigil.roster.models import (
    Deployment,
    DiversityTarget,
    GlobalSouthList,
    MemberExpertise,
    MemberLanguage,
    Roster,
    RosterActivity,
    RosterMember,
    SeniorityChange,
    Unavailability,
    VettingRecord,
)
from vigil.sharing.choices import TLP

DATA = Path(__file__).resolve().parent / "data"
G77 = {
    "code": "g77",
    "name": "Group of 77 and China",
    "definition": (
        "Global South = nationals of a member state of the Group of 77 and China, the "
        "coalition of developing countries at the United Nations. This is the definition most "
        "used in UN reporting on Global South participation; edit the list (or add another, "
        "e.g. UN M49 developing regions) and point the roster at it to use a different one."
    ),
    "source_url": "https://www.g77.org/doc/members.html",
    "as_of": dt.date(2024, 1, 1),
    "file": "global_south_g77.csv",
}


def _log(
    roster: Roster, action: str, actor: Any, member: RosterMember | None = None, **detail: Any
) -> None:
    RosterActivity.objects.create(
        roster=roster,
        member=member,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        detail={k: str(v) for k, v in detail.items()},
    )


def _require_manager(actor: Any, roster: Roster) -> None:
    if not policy.can_manage(actor, roster):
        raise PermissionDenied(_("Only the roster's managers change it."))


# --- configuration ------------------------------------------------------------------------


@transaction.atomic
def load_global_south_list() -> GlobalSouthList:
    """The G77-and-China list from the app's data file; idempotent. Countries not yet in the
    reference geography are skipped (load it first: `load_reference_geography`)."""
    listing, _ = GlobalSouthList.objects.update_or_create(
        code=G77["code"],
        defaults={k: G77[k] for k in ("name", "definition", "source_url", "as_of")},
    )
    with (DATA / str(G77["file"])).open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        codes = {row["iso3"] for row in rows}
    listing.countries.set(Country.objects.filter(iso3__in=codes))
    return listing


@transaction.atomic
def create_roster(
    *,
    owner_org: Organisation,
    name: str,
    slug: str,
    actor: Any,
    tlp: str = TLP.AMBER,
    description: str = "",
    global_south_list: GlobalSouthList | None = None,
) -> Roster:
    """A new roster; its creator must be a roster manager of the owning organisation."""
    roster = Roster(
        owner_org=owner_org,
        name=name,
        slug=slug,
        tlp=tlp,
        description=description,
        global_south_list=global_south_list,
    )
    _require_manager(actor, roster)
    roster.full_clean()
    roster.save()
    _log(roster, RosterAction.ROSTER_CREATED, actor, slug=roster.slug)
    return roster


@transaction.atomic
def set_diversity_target(
    *,
    roster: Roster,
    measure: str,
    population: str,
    target_percent: Decimal | float | int,
    effective_from: dt.date,
    actor: Any,
    note: str = "",
) -> DiversityTarget:
    """A target share from a date on; an earlier target stays in force for earlier days."""
    _require_manager(actor, roster)
    if measure not in DiversityMeasure.values or population not in DiversityPopulation.values:
        raise ValidationError({"measure": "Unknown measure or population."})
    percent = Decimal(str(target_percent))
    if not Decimal(0) <= percent <= Decimal(100):
        raise ValidationError({"target_percent": "A target is a percentage between 0 and 100."})
    target, _ = DiversityTarget.objects.update_or_create(
        roster=roster,
        measure=measure,
        population=population,
        effective_from=effective_from,
        defaults={"target_percent": percent, "note": note},
    )
    _log(roster, RosterAction.TARGET_SET, actor, measure=measure, population=population, to=percent)
    return target


# --- members ------------------------------------------------------------------------------


@dataclass
class MemberInput:
    """A member's profile as a manager enters it."""

    full_name: str
    seniority: str
    gender: str = Gender.NOT_STATED
    nationality: str = ""  # ISO3
    role_types: list[str] = field(default_factory=list)
    summary: str = ""
    skills: str = ""
    languages: dict[str, int] = field(default_factory=dict)  # code -> Proficiency
    expertise: dict[str, int] = field(default_factory=dict)  # code -> ExpertiseLevel
    regions: list[str] = field(default_factory=list)
    countries_of_experience: list[str] = field(default_factory=list)
    email: str = ""
    phone: str = ""
    contact_notes: str = ""
    on_standby: bool = False
    joined_on: dt.date | None = None


def _validate(data: MemberInput) -> None:
    errors: dict[str, str] = {}
    if not data.full_name.strip():
        errors["full_name"] = "Give the member's name."
    if data.seniority not in Seniority.values:
        errors["seniority"] = "Unknown seniority."
    if data.gender not in Gender.values:
        errors["gender"] = "Unknown gender."
    if bad := [r for r in data.role_types if r not in RoleType.values]:
        errors["role_types"] = f"Unknown role types: {', '.join(bad)}."
    if bad := [c for c in data.languages if c not in Language.values]:
        errors["languages"] = f"Unknown languages: {', '.join(bad)}."
    elif any(p not in Proficiency.values for p in data.languages.values()):
        errors["languages"] = "Proficiency is 1 (basic) to 4 (native)."
    if bad := [c for c in data.expertise if c not in Expertise.values]:
        errors["expertise"] = f"Unknown expertise: {', '.join(bad)}."
    elif any(v not in ExpertiseLevel.values for v in data.expertise.values()):
        errors["expertise"] = "Expertise level is 1 (familiar) to 3 (expert)."
    known_regions = set(
        RegionalOrganisation.objects.filter(code__in=data.regions).values_list("code", flat=True)
    )
    if bad := sorted(set(data.regions) - known_regions):
        errors["regions"] = f"Unknown regional organisations: {', '.join(bad)}."
    codes = {*data.countries_of_experience, *([data.nationality] if data.nationality else [])}
    known = set(Country.objects.filter(iso3__in=codes).values_list("iso3", flat=True))
    if bad := sorted(codes - known):
        errors["countries_of_experience"] = f"Unknown countries: {', '.join(bad)}."
    if errors:
        raise ValidationError(errors)


def _write_profile(member: RosterMember, data: MemberInput) -> None:
    member.languages.all().delete()
    MemberLanguage.objects.bulk_create(
        MemberLanguage(member=member, language=code, proficiency=level)
        for code, level in data.languages.items()
    )
    member.expertise.all().delete()
    MemberExpertise.objects.bulk_create(
        MemberExpertise(member=member, code=code, level=level)
        for code, level in data.expertise.items()
    )
    member.regions.set(RegionalOrganisation.objects.filter(code__in=data.regions))
    member.countries_of_experience.set(
        Country.objects.filter(iso3__in=data.countries_of_experience)
    )


@transaction.atomic
def add_member(*, roster: Roster, data: MemberInput, actor: Any) -> RosterMember:
    """Put a person on the roster; their seniority's history starts on the day they join."""
    _require_manager(actor, roster)
    _validate(data)
    joined = data.joined_on or timezone.localdate()
    member = RosterMember.objects.create(
        roster=roster,
        full_name=data.full_name.strip(),
        gender=data.gender,
        nationality_id=data.nationality or None,
        seniority=data.seniority,
        role_types=list(data.role_types),
        summary=data.summary,
        skills=data.skills,
        email=data.email,
        phone=data.phone,
        contact_notes=data.contact_notes,
        on_standby=data.on_standby,
        joined_on=joined,
    )
    _write_profile(member, data)
    SeniorityChange.objects.create(
        member=member, seniority=data.seniority, effective_on=joined, recorded_by=_user(actor)
    )
    _log(roster, RosterAction.MEMBER_ADDED, actor, member)
    return member


@transaction.atomic
def update_member(*, member: RosterMember, data: MemberInput, actor: Any) -> RosterMember:
    """Change a profile. A change of seniority becomes a dated row (from today)."""
    _require_manager(actor, member.roster)
    _validate(data)
    if data.seniority != member.seniority:
        change_seniority(
            member=member,
            seniority=data.seniority,
            effective_on=timezone.localdate(),
            actor=actor,
        )
    for name in ("gender", "summary", "skills", "email", "phone", "contact_notes"):
        setattr(member, name, getattr(data, name))
    member.full_name = data.full_name.strip()
    member.nationality_id = data.nationality or None
    member.role_types = list(data.role_types)
    if member.on_standby != data.on_standby:
        _log(member.roster, RosterAction.STANDBY_CHANGED, actor, member, to=data.on_standby)
    member.on_standby = data.on_standby
    member.save()
    _write_profile(member, data)
    _log(member.roster, RosterAction.MEMBER_UPDATED, actor, member)
    return member


@transaction.atomic
def change_seniority(
    *, member: RosterMember, seniority: str, effective_on: dt.date, actor: Any
) -> SeniorityChange:
    """A promotion (or regrading) from a date on; the member's current level follows."""
    _require_manager(actor, member.roster)
    if seniority not in Seniority.values:
        raise ValidationError({"seniority": "Unknown seniority."})
    change = SeniorityChange.objects.create(
        member=member, seniority=seniority, effective_on=effective_on, recorded_by=_user(actor)
    )
    latest = member.seniority_history.order_by("-effective_on", "-pk").first()
    if latest and latest.effective_on <= timezone.localdate():
        member.seniority = latest.seniority
        member.save(update_fields=["seniority", "updated_at"])
    _log(member.roster, RosterAction.SENIORITY_CHANGED, actor, member, to=seniority)
    return change


@transaction.atomic
def set_standby(*, member: RosterMember, on_standby: bool, actor: Any) -> RosterMember:
    """The member agrees (or no longer agrees) to deploy at 72 hours' notice."""
    _require_manager(actor, member.roster)
    member.on_standby = on_standby
    member.save(update_fields=["on_standby", "updated_at"])
    _log(member.roster, RosterAction.STANDBY_CHANGED, actor, member, to=on_standby)
    return member


@transaction.atomic
def remove_member(*, member: RosterMember, left_on: dt.date, actor: Any) -> RosterMember:
    """The member leaves the roster on `left_on`; the row stays for past figures."""
    _require_manager(actor, member.roster)
    if left_on <= member.joined_on:
        raise ValidationError({"left_on": "A member leaves after joining."})
    member.left_on = left_on
    member.save(update_fields=["left_on", "updated_at"])
    _log(member.roster, RosterAction.MEMBER_LEFT, actor, member, on=left_on)
    return member


@transaction.atomic
def record_vetting(
    *,
    member: RosterMember,
    status: str,
    decided_on: dt.date,
    actor: Any,
    valid_until: dt.date | None = None,
    note: str = "",
) -> VettingRecord:
    """A vetting decision. Earlier decisions stay: the history is the record."""
    _require_manager(actor, member.roster)
    if status not in VettingStatus.values:
        raise ValidationError({"status": "Unknown vetting status."})
    if valid_until is not None and valid_until < decided_on:
        raise ValidationError({"valid_until": "A clearance cannot lapse before it was decided."})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "A vetting decision cannot be in the future."})
    record = VettingRecord.objects.create(
        member=member,
        status=status,
        decided_on=decided_on,
        valid_until=valid_until,
        note=note,
        recorded_by=_user(actor),
    )
    _log(member.roster, RosterAction.VETTING_RECORDED, actor, member, status=status)
    return record


def _clashes(member: RosterMember, start: dt.date, end: dt.date, *, skip: int | None = None) -> str:
    deployments = member.deployments.filter(
        cancelled_at__isnull=True, start__lte=end, end__gte=start
    ).exclude(pk=skip)
    for deployment in deployments:
        return (
            f"already deployed to {deployment.mission} from {deployment.start} to {deployment.end}"
        )
    for period in member.unavailabilities.filter(start__lte=end, end__gte=start):
        return f"unavailable from {period.start} to {period.end} ({period.get_reason_display()})"
    return ""


@transaction.atomic
def mark_unavailable(
    *,
    member: RosterMember,
    start: dt.date,
    end: dt.date,
    reason: str,
    actor: Any,
    note: str = "",
) -> Unavailability:
    """A period in which the member cannot deploy (leave, another assignment...)."""
    _require_manager(actor, member.roster)
    if end < start:
        raise ValidationError({"end": "A period cannot end before it starts."})
    if reason not in UnavailabilityReason.values:
        raise ValidationError({"reason": "Unknown reason."})
    period = Unavailability.objects.create(
        member=member, start=start, end=end, reason=reason, note=note, recorded_by=_user(actor)
    )
    _log(member.roster, RosterAction.UNAVAILABILITY_ADDED, actor, member, start=start, end=end)
    return period


@transaction.atomic
def remove_unavailability(*, period: Unavailability, actor: Any) -> None:
    """The member is available after all; the activity log keeps what was removed."""
    member = period.member
    _require_manager(actor, member.roster)
    _log(
        member.roster,
        RosterAction.UNAVAILABILITY_REMOVED,
        actor,
        member,
        start=period.start,
        end=period.end,
    )
    period.delete()


@transaction.atomic
def deploy_member(
    *,
    member: RosterMember,
    mission: str,
    requesting_organisation: Organisation,
    role_type: str,
    start: dt.date,
    end: dt.date,
    actor: Any,
    country: str = "",
) -> Deployment:
    """Send a member on a mission. Refused if they are already committed on any of the days;
    once recorded, the deployment makes them unavailable for those days."""
    _require_manager(actor, member.roster)
    # Lock the member row so two managers cannot book the same person twice at once.
    RosterMember.objects.select_for_update().filter(pk=member.pk).first()
    errors: dict[str, str] = {}
    if not mission.strip():
        errors["mission"] = "Name the mission."
    if role_type not in RoleType.values:
        errors["role_type"] = "Unknown role type."
    if end < start:
        errors["end"] = "A deployment cannot end before it starts."
    elif not member.is_member_on(start):
        errors["start"] = "The person is not on the roster on this day."
    elif clash := _clashes(member, start, end):
        errors["start"] = f"{member.full_name} is {clash}."
    if country and not Country.objects.filter(iso3=country).exists():
        errors["country"] = "Unknown country."
    if errors:
        raise ValidationError(errors)
    deployment = Deployment.objects.create(
        member=member,
        mission=mission.strip(),
        requesting_organisation=requesting_organisation,
        role_type=role_type,
        country_id=country or None,
        start=start,
        end=end,
        created_by=_user(actor),
    )
    _log(member.roster, RosterAction.DEPLOYED, actor, member, mission=mission, start=start)
    return deployment


@transaction.atomic
def cancel_deployment(*, deployment: Deployment, reason: str, actor: Any) -> Deployment:
    """Call a deployment off; the person is free again on its days."""
    _require_manager(actor, deployment.member.roster)
    if deployment.cancelled_at is not None:
        return deployment
    deployment.cancelled_at = timezone.now()
    deployment.cancel_reason = reason
    deployment.save(update_fields=["cancelled_at", "cancel_reason"])
    _log(
        deployment.member.roster,
        RosterAction.DEPLOYMENT_CANCELLED,
        actor,
        deployment.member,
        mission=deployment.mission,
    )
    return deployment


@transaction.atomic
def record_debrief(
    *, deployment: Deployment, summary: str, rating: int | None, lessons: str, actor: Any
) -> Deployment:
    """The debrief after a mission: how it went, a 1–5 rating, lessons for the next one."""
    _require_manager(actor, deployment.member.roster)
    if deployment.cancelled_at is not None:
        raise ValidationError({"deployment": "A cancelled deployment has no debrief."})
    if deployment.start > timezone.localdate():
        raise ValidationError({"deployment": "Debrief a deployment once it has started."})
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError({"rating": "A rating is from 1 to 5."})
    deployment.debrief_summary = summary
    deployment.debrief_rating = rating
    deployment.lessons = lessons
    deployment.debriefed_at = timezone.now()
    deployment.debriefed_by = _user(actor)
    deployment.save()
    _log(deployment.member.roster, RosterAction.DEBRIEFED, actor, deployment.member)
    return deployment


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- demo ---------------------------------------------------------------------------------


def load_demo_roster(*, owner_org: Organisation | None = None) -> Roster:
    """A small roster of clearly fictional people for trying Vigil out (see `roster.demo`)."""
    from vigil.roster.demo import load_demo_roster as load

    return load(owner_org=owner_org)
