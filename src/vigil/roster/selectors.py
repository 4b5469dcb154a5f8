"""Reads of rosters, always through the access policy.

A roster is seen through `sharing.policy.visible` on its `Roster` row; its members,
deployments and figures are reached only from a roster the reader may see. Missing and
forbidden rosters and members raise the same 404. Field-level visibility of personal data
is `roster.policy`'s decision; `member_profile` and `deployment_record` are the one place
that turns rows into what a reader gets, for every surface.
"""

from __future__ import annotations

import datetime as dt
from types import EllipsisType
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vigil.actors.models import Organisation
from vigil.geo.models import Country, RegionalOrganisation, membership_on
from vigil.roster import dashboards, policy
from vigil.roster.choices import PROCESS_EXPERTISE
from vigil.roster.matching import MatchRequest, Shortlist, rank
from vigil.roster.models import (
    Deployment,
    DiversityTarget,
    GlobalSouthList,
    Roster,
    RosterActivity,
    RosterMember,
    SeniorityChange,
    VettingRecord,
)
from vigil.roster.readiness import (
    DeploymentFact,
    MemberFacts,
    Period,
    Vetting,
    deployability,
)
from vigil.sharing.models import AuditEntry
from vigil.sharing.policy import record_reads, visible


def today() -> dt.date:
    return timezone.localdate()


# --- rosters -------------------------------------------------------------------------------


def rosters_visible_to(user: Any) -> QuerySet[Roster]:
    return visible(Roster.objects.all(), user).select_related("owner_org", "global_south_list")


def roster_for(user: Any, slug: str) -> Roster:
    """One roster, or 404 alike for missing and not visible."""
    roster = rosters_visible_to(user).filter(slug=slug).first()
    if roster is None:
        raise Http404("No such roster")
    return roster


# --- members -------------------------------------------------------------------------------


def _member_queryset() -> QuerySet[RosterMember]:
    return RosterMember.objects.select_related("nationality", "roster").prefetch_related(
        "languages",
        "expertise",
        "regions",
        "countries_of_experience",
        Prefetch("seniority_history", queryset=SeniorityChange.objects.order_by("effective_on")),
        Prefetch("vetting", queryset=VettingRecord.objects.order_by("decided_on", "pk")),
        "unavailabilities",
        Prefetch(
            "deployments",
            queryset=Deployment.objects.select_related("requesting_organisation", "country"),
        ),
    )


def members_of(
    user: Any,
    roster: Roster,
    *,
    q: str = "",
    language: str = "",
    expertise: str = "",
    region: str = "",
    current_only: bool = True,
) -> QuerySet[RosterMember]:
    """Members of a roster `user` may see (the roster was checked by `roster_for`)."""
    if not rosters_visible_to(user).filter(pk=roster.pk).exists():
        raise Http404("No such roster")
    members = _member_queryset().filter(roster=roster)
    if current_only:
        day = today()
        members = members.filter(joined_on__lte=day).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=day)
        )
    if q:
        members = members.filter(
            Q(full_name__icontains=q) | Q(summary__icontains=q) | Q(skills__icontains=q)
        )
    if language:
        members = members.filter(languages__language=language)
    if expertise:
        members = members.filter(expertise__code=expertise)
    if region:
        members = members.filter(regions__code=region)
    return members.distinct()


def member_for(user: Any, pk: int) -> RosterMember:
    """One member of a roster `user` may see, or 404."""
    member = (
        _member_queryset()
        .filter(pk=pk, roster__in=visible(Roster.objects.all(), user).values("pk"))
        .first()
    )
    if member is None:
        raise Http404("No such member")
    return member


def global_south_countries(roster: Roster) -> frozenset[str] | None:
    """ISO3 codes on the roster's Global South list; None when the roster names no list."""
    if roster.global_south_list_id is None:
        return None
    return frozenset(
        GlobalSouthList.countries.through.objects.filter(
            globalsouthlist_id=roster.global_south_list_id
        ).values_list("country_id", flat=True)
    )


def is_global_south(member: RosterMember, south: frozenset[str] | None) -> bool | None:
    if south is None or member.nationality_id is None:
        return None
    return member.nationality_id in south


def facts_of(member: RosterMember, south: frozenset[str] | None) -> MemberFacts:
    """The plain facts the readiness, matching and diversity rules read (prefetched rows)."""
    return MemberFacts(
        pk=member.pk,
        full_name=member.full_name,
        gender=member.gender,
        global_south=is_global_south(member, south),
        seniority=member.seniority,
        joined_on=member.joined_on,
        left_on=member.left_on,
        on_standby=member.on_standby,
        role_types=frozenset(member.role_types or []),
        languages={lang.language: lang.proficiency for lang in member.languages.all()},
        expertise={e.code: e.level for e in member.expertise.all()},
        regions=frozenset(r.code for r in member.regions.all()),
        countries=frozenset(c.iso3 for c in member.countries_of_experience.all()),
        seniority_history=[(s.effective_on, s.seniority) for s in member.seniority_history.all()],
        vetting=[Vetting(v.status, v.decided_on, v.valid_until) for v in member.vetting.all()],
        unavailable=[
            Period(u.start, u.end, "unavailable", u.get_reason_display())
            for u in member.unavailabilities.all()
        ],
        deployments=[
            DeploymentFact(d.pk, d.start, d.end, d.cancelled_at is not None, d.role_type)
            for d in member.deployments.all()
        ],
    )


def roster_facts(user: Any, roster: Roster) -> list[MemberFacts]:
    """Facts of every member the roster ever had (past days need past members)."""
    south = global_south_countries(roster)
    members = members_of(user, roster, current_only=False)
    return [facts_of(m, south) for m in members]


def member_profile(
    user: Any,
    member: RosterMember,
    *,
    south: frozenset[str] | EllipsisType | None = ...,
    on: dt.date | None = None,
    personal: bool | None = None,
) -> dict[str, Any]:
    """A member as `user` may see them: the one serialisation of a member for pages, API and
    exports. Personal fields are only present for the roster's managers. Lists pass the
    roster's Global South codes (`south`) once rather than reading them per member."""
    day = on or today()
    if isinstance(south, EllipsisType):
        south = global_south_countries(member.roster)
    facts = facts_of(member, south)
    ready = deployability(facts, day)
    vetting = facts.vetting_on(day)
    last_vetting = list(member.vetting.all())[-1:] or [None]
    profile: dict[str, Any] = {
        "id": member.pk,
        "roster": member.roster.slug,
        "full_name": member.full_name,
        "gender": member.gender,
        "seniority": member.seniority,
        "role_types": list(member.role_types or []),
        "summary": member.summary,
        "skills": [s.strip() for s in member.skills.splitlines() if s.strip()],
        "languages": [
            {"code": lang.language, "proficiency": lang.proficiency}
            for lang in member.languages.all()
        ],
        "thematic_expertise": [
            {"code": e.code, "level": e.level}
            for e in member.expertise.all()
            if e.code not in PROCESS_EXPERTISE
        ],
        "process_expertise": [
            {"code": e.code, "level": e.level}
            for e in member.expertise.all()
            if e.code in PROCESS_EXPERTISE
        ],
        "regions": sorted(r.code for r in member.regions.all()),
        "countries_of_experience": sorted(c.iso3 for c in member.countries_of_experience.all()),
        "global_south": facts.global_south,
        "on_standby": member.on_standby,
        "vetting_status": vetting.status if vetting else "",
        "vetting_decided_on": vetting.decided_on if vetting else None,
        "vetting_valid_until": vetting.valid_until if vetting else None,
        "deployable_72h": ready.deployable,
        "not_deployable_because": list(ready.reasons),
        "joined_on": member.joined_on,
        "left_on": member.left_on,
        # Personal data; `policy.member_fields` removes these for everyone else.
        "email": member.email,
        "phone": member.phone,
        "contact_notes": member.contact_notes,
        "nationality": member.nationality_id or "",
        "vetting_note": last_vetting[0].note if last_vetting[0] else "",
    }
    if personal is None:
        personal = policy.sees_personal_data(user, member.roster)
    return policy.member_fields(profile, personal=personal)


def deployment_record(
    user: Any, deployment: Deployment, roster: Roster, *, personal: bool | None = None
) -> dict[str, Any]:
    record = {
        "id": deployment.pk,
        "member": deployment.member_id,
        "mission": deployment.mission,
        "requesting_organisation": deployment.requesting_organisation.name,
        "role_type": deployment.role_type,
        "country": deployment.country_id or "",
        "start": deployment.start,
        "end": deployment.end,
        "status": deployment.status_on(today()),
        "cancel_reason": deployment.cancel_reason,
        "lessons": deployment.lessons,
        "debriefed": deployment.debriefed_at is not None,
        "debrief_summary": deployment.debrief_summary,
        "debrief_rating": deployment.debrief_rating,
    }
    if personal is None:
        personal = policy.sees_personal_data(user, roster)
    return policy.deployment_fields(record, personal=personal)


def deployments_of(user: Any, roster: Roster, **filters: Any) -> QuerySet[Deployment]:
    if not rosters_visible_to(user).filter(pk=roster.pk).exists():
        raise Http404("No such roster")
    return (
        Deployment.objects.filter(member__roster=roster, **filters)
        .select_related("member", "requesting_organisation", "country")
        .order_by("-start", "pk")
    )


def deployment_for(user: Any, pk: int) -> Deployment:
    deployment = (
        Deployment.objects.filter(
            pk=pk, member__roster__in=visible(Roster.objects.all(), user).values("pk")
        )
        .select_related("member__roster", "requesting_organisation", "country")
        .first()
    )
    if deployment is None:
        raise Http404("No such deployment")
    return deployment


def calendar_of(member: RosterMember, *, start: dt.date, days: int) -> list[dict[str, Any]]:
    """The member's commitments overlapping the next `days` days, for the availability view."""
    facts = facts_of(member, None)
    end = start + dt.timedelta(days=days - 1)
    return [
        {"start": p.start, "end": p.end, "kind": p.kind, "label": p.label}
        for p in facts.busy_between(start, end)
    ]


def activity_of(
    user: Any, roster: Roster, *, member: RosterMember | None = None, limit: int = 50
) -> list[RosterActivity]:
    """The roster's audit trail (or one member's part of it), for its managers only: it
    names people and what was decided about them."""
    if not policy.can_manage(user, roster):
        return []
    rows = roster.activity.select_related("member", "actor")
    if member is not None:
        rows = rows.filter(member=member)
    return list(rows[:limit])


# --- matching and dashboards --------------------------------------------------------------


def region_countries(codes: list[str], day: dt.date) -> frozenset[str]:
    """ISO3 codes of the member states of the given regional organisations on `day`."""
    found: set[str] = set()
    for code in codes:
        found.update(
            Country.objects.filter(membership_on(day, organisation=code)).values_list(
                "iso3", flat=True
            )
        )
    return frozenset(found)


def shortlist_for(
    user: Any, roster: Roster, request: MatchRequest, *, members: list[RosterMember] | None = None
) -> Shortlist:
    """Members of `roster` ranked against `request`, every score explained."""
    request.area_countries = region_countries(request.regions, request.start_date)
    south = global_south_countries(roster)
    if members is None:
        members = list(members_of(user, roster, current_only=False))
    facts = [facts_of(m, south) for m in members if m.is_member_on(request.start_date)]
    return rank(facts, request, today=today())


def targets_of(roster: Roster) -> list[dashboards.TargetRow]:
    return [
        dashboards.TargetRow(t.measure, t.population, t.target_percent, t.effective_from)
        for t in DiversityTarget.objects.filter(roster=roster)
    ]


def dashboard_for(
    user: Any, roster: Roster, *, on: dt.date | None = None, months: int = 12
) -> dict[str, Any]:
    """Readiness now and diversity against targets, with monthly history, from the rows."""
    day = on or today()
    facts = roster_facts(user, roster)
    targets = targets_of(roster)
    return {
        "day": day,
        "readiness": dashboards.readiness_on(facts, day),
        "diversity": dashboards.diversity_on(facts, day, targets),
        "history": dashboards.diversity_history(facts, dashboards.month_ends(day, months), targets),
        "global_south_list": roster.global_south_list,
    }


# --- vocabularies for forms ----------------------------------------------------------------


def regional_organisations() -> list[tuple[str, str]]:
    return [(r.code, f"{r.code} — {r.name}") for r in RegionalOrganisation.objects.all()]


def countries() -> list[tuple[str, str]]:
    return [(c.iso3, c.name) for c in Country.objects.all()]


# --- what each surface hands out (profiles already filtered by the policy, reads audited) ---


def audit_reads(user: Any, roster: Roster, member_pks: list[int], *, surface: str) -> None:
    """Audit a read of a protected roster (AMBER and above, like every record) and, always,
    every read of members' personal data, whatever the roster's mark."""
    record_reads([roster], user, surface=surface)
    if member_pks and policy.sees_personal_data(user, roster):
        content_type = ContentType.objects.get_for_model(RosterMember)
        reader = user if getattr(user, "is_authenticated", False) else None
        AuditEntry.objects.bulk_create(
            AuditEntry(
                user=reader,
                action="personal_data",
                surface=surface,
                content_type=content_type,
                object_id=pk,
                tlp=roster.tlp,
            )
            for pk in member_pks
        )


def roster_summaries(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "slug": r.slug,
            "name": r.name,
            "description": r.description,
            "owner_org": r.owner_org.slug,
            "tlp": r.tlp,
            "global_south_definition": str(r.global_south_list or ""),
            "you_manage": policy.can_manage(user, r),
        }
        for r in rosters_visible_to(user)
    ]


def member_profiles(
    user: Any, roster: Roster, *, surface: str, **filters: Any
) -> list[dict[str, Any]]:
    """Profiles of a roster's current members as `user` may see them, reads audited."""
    south = global_south_countries(roster)
    members = list(members_of(user, roster, **filters))
    personal = policy.sees_personal_data(user, roster)
    profiles = [member_profile(user, m, south=south, personal=personal) for m in members]
    audit_reads(user, roster, [m.pk for m in members], surface=surface)
    return profiles


def member_detail(user: Any, pk: int, *, surface: str) -> dict[str, Any]:
    """A member's profile with their calendar (next 180 days) and deployments."""
    member = member_for(user, pk)
    profile = member_profile(user, member)
    profile["calendar"] = calendar_of(member, start=today(), days=180)
    profile["deployments"] = [
        deployment_record(user, d, member.roster)
        for d in sorted(member.deployments.all(), key=lambda d: (d.start, d.pk), reverse=True)
    ]
    audit_reads(user, member.roster, [member.pk], surface=surface)
    return profile


def deployment_records(user: Any, roster: Roster) -> list[dict[str, Any]]:
    personal = policy.sees_personal_data(user, roster)
    return [
        deployment_record(user, d, roster, personal=personal) for d in deployments_of(user, roster)
    ]


def shortlist_payload(
    user: Any, roster: Roster, request: MatchRequest, *, limit: int, surface: str
) -> dict[str, Any]:
    """The shortlist with each candidate's profile (as `user` may see it) and explanation."""
    everyone = list(members_of(user, roster, current_only=False))
    shortlist = shortlist_for(user, roster, request, members=everyone)
    shown = shortlist.candidates[:limit]
    near_misses = shortlist.excluded[:limit]
    members = {m.pk: m for m in everyone}
    south = global_south_countries(roster)
    personal = policy.sees_personal_data(user, roster)

    def entry(candidate: Any, rank: int | None) -> dict[str, Any]:
        return {
            "rank": rank,
            "score": candidate.score,
            "eligible": candidate.eligible,
            "available_from": candidate.available_from,
            "criteria": [vars(c) for c in candidate.criteria],
            "member": member_profile(
                user, members[candidate.member_pk], south=south, personal=personal
            ),
        }

    audit_reads(user, roster, [c.member_pk for c in [*shown, *near_misses]], surface=surface)
    return {
        "considered": shortlist.considered,
        "eligible": len(shortlist.candidates),
        "candidates": [entry(c, i) for i, c in enumerate(shown, start=1)],
        "excluded": [entry(c, None) for c in near_misses],
    }


def organisation_by_slug(slug: str) -> Organisation:
    """A requesting organisation (the registry is public within the platform)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise ValidationError({"requesting_organisation": "Unknown organisation."})
    return organisation


def organisation_by_pk(pk: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({"requesting_organisation": "Unknown organisation."})
    return organisation


def organisations() -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in Organisation.objects.order_by("name")]
