"""`/api/v1/roster`: mediator and expert rosters, ranked matching, deployments, dashboards.

Reads answer only what the caller may see (the roster's TLP and shares); personal fields
(contact details, nationality, vetting notes, debrief evaluations) appear only for the
owning organisation's roster managers and are otherwise absent from the response.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from vigil.inputs import Day, DbId, Input, Slug
from vigil.openapi import CSV, TEXT, answers
from vigil.roster import exports, selectors, services
from vigil.roster.choices import (
    DiversityMeasure,
    DiversityPopulation,
    DiversityPreference,
    Expertise,
    Gender,
    Language,
    RoleType,
    Seniority,
    UnavailabilityReason,
    VettingStatus,
)
from vigil.roster.matching import MatchRequest
from vigil.sharing.choices import Surface

router = Router(tags=["roster"])

LanguageCode = Literal[tuple(Language.values)]  # type: ignore[valid-type]
ExpertiseCode = Literal[tuple(Expertise.values)]  # type: ignore[valid-type]
RoleCode = Literal[tuple(RoleType.values)]  # type: ignore[valid-type]
SeniorityCode = Literal[tuple(Seniority.values)]  # type: ignore[valid-type]


class RosterOut(Schema):
    slug: str
    name: str
    description: str
    owner_org: str
    tlp: str
    global_south_definition: str
    you_manage: bool


class LanguageOut(Schema):
    code: str
    proficiency: int


class ExpertiseOut(Schema):
    code: str
    level: int


class RosterMemberOut(Schema):
    id: int
    roster: str
    full_name: str
    gender: str
    seniority: str
    role_types: list[str]
    summary: str
    skills: list[str]
    languages: list[LanguageOut]
    thematic_expertise: list[ExpertiseOut]
    process_expertise: list[ExpertiseOut]
    regions: list[str]
    countries_of_experience: list[str]
    global_south: bool | None
    on_standby: bool
    vetting_status: str
    vetting_decided_on: Day | None
    vetting_valid_until: Day | None
    deployable_72h: bool
    not_deployable_because: list[str]
    joined_on: Day
    left_on: Day | None
    # Personal data: only in a roster manager's answer, absent otherwise.
    email: str | None = Field(None, description="Roster managers only")
    phone: str | None = Field(None, description="Roster managers only")
    contact_notes: str | None = Field(None, description="Roster managers only")
    nationality: str | None = Field(None, description="ISO3; roster managers only")
    vetting_note: str | None = Field(None, description="Roster managers only")


class PeriodOut(Schema):
    start: Day
    end: Day
    kind: str
    label: str


class DeploymentOut(Schema):
    id: int
    member: int
    mission: str
    requesting_organisation: str
    role_type: str
    country: str
    start: Day
    end: Day
    status: str
    cancel_reason: str
    lessons: str
    debriefed: bool
    debrief_summary: str | None = Field(None, description="Roster managers only")
    debrief_rating: int | None = Field(None, description="Roster managers only")


class MemberDetail(RosterMemberOut):
    calendar: list[PeriodOut]
    deployments: list[DeploymentOut]


class MemberIn(Input):
    full_name: str = Field(min_length=1, max_length=200)
    seniority: SeniorityCode
    gender: Literal[tuple(Gender.values)] = Gender.NOT_STATED  # type: ignore[valid-type]
    nationality: str = Field("", max_length=3, description="ISO 3166-1 alpha-3")
    role_types: list[RoleCode] = []
    summary: str = ""
    skills: str = ""
    languages: dict[LanguageCode, int] = Field({}, description="code → 1 basic … 4 native")
    expertise: dict[ExpertiseCode, int] = Field({}, description="code → 1 familiar … 3 expert")
    regions: list[str] = []
    countries_of_experience: list[str] = []
    email: str = ""
    phone: str = ""
    contact_notes: str = ""
    on_standby: bool = False
    joined_on: Day | None = None


class LanguageNeed(Input):
    code: LanguageCode
    min_proficiency: int = Field(2, ge=1, le=4, description="1 basic … 4 native")


class MatchIn(Input):
    start_date: Day
    deploy_by: Day | None = Field(None, description="Latest acceptable start")
    duration_days: int = Field(30, ge=1, le=730)
    required_languages: list[LanguageNeed] = []
    preferred_languages: list[LanguageNeed] = []
    required_expertise: list[ExpertiseCode] = []
    preferred_expertise: list[ExpertiseCode] = []
    regions: list[str] = Field([], description="Regional organisation codes, e.g. ECOWAS")
    countries: list[str] = Field([], description="ISO3 codes of the countries concerned")
    area_required: bool = False
    role_type: RoleCode | Literal[""] = ""
    min_seniority: SeniorityCode | Literal[""] = ""
    within_72_hours: bool = False
    diversity: Literal[tuple(DiversityPreference.values)] = ""  # type: ignore[valid-type]
    limit: int = Field(20, ge=1, le=200)

    def to_request(self) -> MatchRequest:
        return MatchRequest(
            start_date=self.start_date,
            deploy_by=self.deploy_by,
            duration_days=self.duration_days,
            required_languages={n.code: n.min_proficiency for n in self.required_languages},
            preferred_languages={n.code: n.min_proficiency for n in self.preferred_languages},
            required_expertise=list(self.required_expertise),
            preferred_expertise=list(self.preferred_expertise),
            regions=[r.upper() for r in self.regions],
            countries=[c.upper() for c in self.countries],
            area_required=self.area_required,
            role_type=self.role_type,
            min_seniority=self.min_seniority,
            within_72_hours=self.within_72_hours,
            diversity=self.diversity,
        )


class MatchCriterionOut(Schema):
    key: str
    label: str
    hard: bool
    met: bool
    detail: str
    points: float
    max_points: float


class CandidateOut(Schema):
    rank: int | None
    score: float
    eligible: bool
    available_from: Day | None
    criteria: list[MatchCriterionOut]
    member: RosterMemberOut


class ShortlistOut(Schema):
    considered: int
    eligible: int
    candidates: list[CandidateOut]
    excluded: list[CandidateOut]


class DiversityShareOut(Schema):
    measure: str
    population: str
    count: int
    total: int
    unknown: int
    percent: float | None
    target: Decimal | None
    meets_target: bool | None
    gap: float | None


class CountOut(Schema):
    key: str
    count: int


class ReadinessOut(Schema):
    day: Day
    members: int
    deployable_72h: int
    not_deployable_because: list[CountOut]
    by_language: list[CountOut]
    by_region: list[CountOut]
    by_expertise: list[CountOut]


class HistoryOut(Schema):
    day: Day
    shares: list[DiversityShareOut]


class DashboardOut(Schema):
    day: Day
    global_south_definition: str
    readiness: ReadinessOut
    diversity: list[DiversityShareOut]
    history: list[HistoryOut]


class TargetIn(Input):
    measure: Literal[tuple(DiversityMeasure.values)]  # type: ignore[valid-type]
    population: Literal[tuple(DiversityPopulation.values)]  # type: ignore[valid-type]
    target_percent: Decimal = Field(ge=0, le=100)
    effective_from: Day
    note: str = ""


class TargetOut(TargetIn):
    id: int


class UnavailabilityIn(Input):
    start: Day
    end: Day
    reason: Literal[tuple(UnavailabilityReason.values)]  # type: ignore[valid-type]
    note: str = Field("", max_length=300)


class VettingIn(Input):
    status: Literal[tuple(VettingStatus.values)]  # type: ignore[valid-type]
    decided_on: Day
    valid_until: Day | None = None
    note: str = ""


class StandbyIn(Input):
    on_standby: bool


class DeploymentIn(Input):
    mission: str = Field(min_length=1, max_length=200)
    requesting_organisation: str = Field(description="Organisation slug")
    role_type: RoleCode
    start: Day
    end: Day
    country: str = Field("", max_length=3)


class DebriefIn(Input):
    summary: str = ""
    rating: int | None = Field(None, ge=1, le=5)
    lessons: str = ""


class CancelIn(Input):
    reason: str = Field("", max_length=300)


def _shares(figures: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "measure": s.measure,
            "population": s.population,
            "count": s.count,
            "total": s.total,
            "unknown": s.unknown,
            "percent": s.percent,
            "target": s.target,
            "meets_target": s.meets_target,
            "gap": s.gap,
        }
        for by_measure in figures.values()
        for s in by_measure.values()
    ]


def _counts(pairs: Any) -> list[dict[str, Any]]:
    return [
        {"key": k, "count": v} for k, v in (pairs.items() if hasattr(pairs, "items") else pairs)
    ]


# --- reads ----------------------------------------------------------------------------------


@router.get("/rosters", response=list[RosterOut], summary="Rosters you may see")
def list_rosters(request: HttpRequest) -> list[dict]:
    return selectors.roster_summaries(request.user)


@router.get(
    "/rosters/{slug}/members",
    response=list[RosterMemberOut],
    exclude_unset=True,
    summary="Members of a roster (personal fields for its managers only)",
)
def list_members(
    request: HttpRequest,
    slug: Slug,
    q: str = "",
    language: str = "",
    expertise: str = "",
    region: str = "",
) -> list[dict]:
    roster = selectors.roster_for(request.user, slug)
    return selectors.member_profiles(
        request.user,
        roster,
        surface=Surface.API,
        q=q,
        language=language,
        expertise=expertise,
        region=region,
    )


@router.get(
    "/rosters/{slug}/members.csv",
    summary="Members as CSV with HXL tags (personal columns for its managers only)",
    response={200: None},
    openapi_extra=answers((CSV, TEXT)),
)
def export_members(request: HttpRequest, slug: Slug) -> HttpResponse:
    roster = selectors.roster_for(request.user, slug)
    profiles = selectors.member_profiles(request.user, roster, surface=Surface.EXPORT)
    return exports.members_csv(profiles, filename=f"roster-{roster.slug}.csv")


@router.get(
    "/members/{member_id}",
    response=MemberDetail,
    exclude_unset=True,
    summary="One member with calendar and deployments",
)
def get_member(request: HttpRequest, member_id: DbId) -> dict:
    return selectors.member_detail(request.user, member_id, surface=Surface.API)


@router.post(
    "/rosters/{slug}/match",
    response=ShortlistOut,
    auth=django_auth,
    exclude_unset=True,
    summary="Ranked, explained shortlist for a request",
    description="Hard criteria (required languages and expertise, role type, minimum "
    "seniority, vetting, availability on the dates, 72-hour readiness when asked) exclude a "
    "candidate; soft criteria (preferred languages and expertise, experience in the countries "
    "and region, depth, track record, diversity preference) make up a 0–100 score. Every "
    "criterion is reported for every candidate.",
)
def match(request: HttpRequest, slug: Slug, payload: MatchIn) -> dict:
    roster = selectors.roster_for(request.user, slug)
    return selectors.shortlist_payload(
        request.user, roster, payload.to_request(), limit=payload.limit, surface=Surface.API
    )


@router.get(
    "/rosters/{slug}/dashboard",
    response=DashboardOut,
    summary="Readiness and diversity against targets, with monthly history",
)
def dashboard(
    request: HttpRequest,
    slug: Slug,
    on: Day | None = Query(None, description="As of this day (default today)"),
    months: int = Query(12, ge=1, le=120),
) -> dict:
    roster = selectors.roster_for(request.user, slug)
    data = selectors.dashboard_for(request.user, roster, on=on, months=months)
    readiness = data["readiness"]
    return {
        "day": data["day"],
        "global_south_definition": str(data["global_south_list"] or ""),
        "readiness": {
            "day": readiness.day,
            "members": readiness.members,
            "deployable_72h": readiness.deployable,
            "not_deployable_because": _counts(readiness.blockers),
            "by_language": _counts(readiness.by_language),
            "by_region": _counts(readiness.by_region),
            "by_expertise": _counts(readiness.by_expertise),
        },
        "diversity": _shares(data["diversity"]),
        "history": [{"day": day, "shares": _shares(f)} for day, f in data["history"]],
    }


@router.get(
    "/rosters/{slug}/deployments",
    response=list[DeploymentOut],
    exclude_unset=True,
    summary="Deployments from a roster, newest first",
)
def list_deployments(request: HttpRequest, slug: Slug) -> list[dict]:
    roster = selectors.roster_for(request.user, slug)
    return selectors.deployment_records(request.user, roster)


# --- writes (roster managers of the owning organisation) -----------------------------------


@router.post(
    "/rosters/{slug}/members",
    response={201: RosterMemberOut},
    auth=django_auth,
    exclude_unset=True,
    summary="Add a member",
)
def add_member(request: HttpRequest, slug: Slug, payload: MemberIn) -> Status:
    roster = selectors.roster_for(request.user, slug)
    data = services.MemberInput(**payload.dict())
    data.nationality = data.nationality.upper()
    member = services.add_member(roster=roster, data=data, actor=request.user)
    return Status(201, selectors.member_detail(request.user, member.pk, surface=Surface.API))


@router.put(
    "/members/{member_id}",
    response=RosterMemberOut,
    auth=django_auth,
    exclude_unset=True,
    summary="Replace a member's profile (a seniority change becomes a dated row)",
)
def update_member(request: HttpRequest, member_id: DbId, payload: MemberIn) -> dict:
    member = selectors.member_for(request.user, member_id)
    data = services.MemberInput(**payload.dict())
    data.nationality = data.nationality.upper()
    services.update_member(member=member, data=data, actor=request.user)
    return selectors.member_detail(request.user, member_id, surface=Surface.API)


class LeaveIn(Input):
    left_on: Day = Field(description="First day no longer on the roster")


@router.post(
    "/members/{member_id}/leave",
    response=RosterMemberOut,
    auth=django_auth,
    exclude_unset=True,
    summary="Take a member off the roster from a date (past figures keep them)",
)
def leave(request: HttpRequest, member_id: DbId, payload: LeaveIn) -> dict:
    member = selectors.member_for(request.user, member_id)
    services.remove_member(member=member, left_on=payload.left_on, actor=request.user)
    return selectors.member_detail(request.user, member_id, surface=Surface.API)


@router.post(
    "/rosters/{slug}/targets",
    response={201: TargetOut},
    auth=django_auth,
    summary="Set a diversity target from a date on",
)
def set_target(request: HttpRequest, slug: Slug, payload: TargetIn) -> Status:
    roster = selectors.roster_for(request.user, slug)
    target = services.set_diversity_target(roster=roster, actor=request.user, **payload.dict())
    return Status(201, target)


@router.post(
    "/members/{member_id}/unavailability",
    response={201: PeriodOut},
    auth=django_auth,
    summary="Mark a member unavailable",
)
def add_unavailability(request: HttpRequest, member_id: DbId, payload: UnavailabilityIn) -> Status:
    member = selectors.member_for(request.user, member_id)
    period = services.mark_unavailable(member=member, actor=request.user, **payload.dict())
    return Status(
        201,
        {
            "start": period.start,
            "end": period.end,
            "kind": "unavailable",
            "label": period.get_reason_display(),
        },
    )


@router.post(
    "/members/{member_id}/vetting",
    response={201: RosterMemberOut},
    auth=django_auth,
    exclude_unset=True,
    summary="Record a vetting decision",
)
def add_vetting(request: HttpRequest, member_id: DbId, payload: VettingIn) -> Status:
    member = selectors.member_for(request.user, member_id)
    services.record_vetting(member=member, actor=request.user, **payload.dict())
    return Status(201, selectors.member_detail(request.user, member_id, surface=Surface.API))


@router.post(
    "/members/{member_id}/standby",
    response=RosterMemberOut,
    auth=django_auth,
    exclude_unset=True,
    summary="Put a member on (or off) 72-hour standby",
)
def set_standby(request: HttpRequest, member_id: DbId, payload: StandbyIn) -> dict:
    member = selectors.member_for(request.user, member_id)
    services.set_standby(member=member, on_standby=payload.on_standby, actor=request.user)
    return selectors.member_detail(request.user, member_id, surface=Surface.API)


@router.post(
    "/members/{member_id}/deployments",
    response={201: DeploymentOut},
    auth=django_auth,
    exclude_unset=True,
    summary="Deploy a member (refused if they are committed on any of the days)",
)
def deploy(request: HttpRequest, member_id: DbId, payload: DeploymentIn) -> Status:
    member = selectors.member_for(request.user, member_id)
    values = payload.dict()
    values["requesting_organisation"] = selectors.organisation_by_slug(
        values["requesting_organisation"]
    )
    values["country"] = values["country"].upper()
    deployment = services.deploy_member(member=member, actor=request.user, **values)
    return Status(201, selectors.deployment_record(request.user, deployment, member.roster))


@router.post(
    "/deployments/{deployment_id}/debrief",
    response=DeploymentOut,
    auth=django_auth,
    exclude_unset=True,
    summary="Record the debrief of a deployment",
)
def debrief(request: HttpRequest, deployment_id: DbId, payload: DebriefIn) -> dict:
    deployment = selectors.deployment_for(request.user, deployment_id)
    services.record_debrief(deployment=deployment, actor=request.user, **payload.dict())
    return selectors.deployment_record(request.user, deployment, deployment.member.roster)


@router.post(
    "/deployments/{deployment_id}/cancel",
    response=DeploymentOut,
    auth=django_auth,
    exclude_unset=True,
    summary="Cancel a deployment",
)
def cancel(request: HttpRequest, deployment_id: DbId, payload: CancelIn) -> dict:
    deployment = selectors.deployment_for(request.user, deployment_id)
    services.cancel_deployment(deployment=deployment, reason=payload.reason, actor=request.user)
    return selectors.deployment_record(request.user, deployment, deployment.member.roster)
