"""Ranked, explained matching of roster members to a deployment request.

A request has hard criteria (a candidate failing any is excluded, and the page says which)
and soft criteria (each worth points; the score is the share of the points on offer that a
candidate earns, 0–100). Every criterion is reported for every candidate, met or not, so a
manager can see why one person ranks above another and defend the shortlist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from vigil.roster.choices import (
    SENIORITY_RANK,
    DiversityPreference,
    Expertise,
    ExpertiseLevel,
    Language,
    Proficiency,
    RoleType,
    Seniority,
)
from vigil.roster.readiness import MemberFacts, deployability

# Points on offer for each soft criterion met in full.
WEIGHTS = {
    "preferred_language": 10.0,
    "expertise_depth": 10.0,  # per required expertise, scaled by level
    "preferred_expertise": 10.0,  # per preferred expertise, scaled by level
    "country_experience": 15.0,
    "region_experience": 10.0,
    "track_record": 10.0,  # 5 per completed deployment, up to 10
    "diversity": 10.0,  # per preference met
    "starts_on_time": 5.0,
}


@dataclass
class MatchRequest:
    """What a requesting team asks for (e.g. a French-speaking electoral-dispute mediator
    for the Sahel, deployable within 72 hours)."""

    start_date: dt.date
    deploy_by: dt.date | None = None  # the latest acceptable start; default the start date
    duration_days: int = 30
    required_languages: dict[str, int] = field(default_factory=dict)  # code -> min proficiency
    preferred_languages: dict[str, int] = field(default_factory=dict)
    required_expertise: list[str] = field(default_factory=list)
    preferred_expertise: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # RegionalOrganisation codes
    countries: list[str] = field(default_factory=list)  # ISO3
    area_required: bool = False  # experience in the area a hard criterion
    role_type: str = ""
    min_seniority: str = ""
    within_72_hours: bool = False
    diversity: str = DiversityPreference.NONE
    # Filled by the selector: the countries of the requested regions, for experience matching.
    area_countries: frozenset[str] = frozenset()

    @property
    def latest_start(self) -> dt.date:
        return self.deploy_by or self.start_date

    def target_countries(self) -> frozenset[str]:
        return frozenset(self.countries) | self.area_countries


@dataclass(frozen=True)
class Criterion:
    """One line of a candidate's explanation."""

    key: str
    label: str
    hard: bool
    met: bool
    detail: str = ""
    points: float = 0.0
    max_points: float = 0.0


@dataclass
class CandidateMatch:
    member_pk: int
    full_name: str
    eligible: bool
    score: float
    criteria: list[Criterion]
    available_from: dt.date | None

    @property
    def hard(self) -> list[Criterion]:
        return [c for c in self.criteria if c.hard]

    @property
    def soft(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.hard]

    @property
    def failed(self) -> list[Criterion]:
        return [c for c in self.criteria if c.hard and not c.met]

    @property
    def missing(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.hard and c.points < c.max_points]


@dataclass
class Shortlist:
    request: MatchRequest
    candidates: list[CandidateMatch]  # eligible, best first
    excluded: list[CandidateMatch]  # failed a hard criterion, closest first
    considered: int


def _language(code: str) -> str:
    return str(Language(code).label) if code in Language.values else code


def _expertise(code: str) -> str:
    return str(Expertise(code).label) if code in Expertise.values else code


def _proficiency(level: int) -> str:
    return str(Proficiency(level).label)


def evaluate(member: MemberFacts, request: MatchRequest, *, today: dt.date) -> CandidateMatch:
    """Every criterion of `request`, met or not, for one member; and the resulting score."""
    criteria: list[Criterion] = []
    add = criteria.append
    start = request.start_date

    if not member.is_member_on(start):
        add(Criterion("membership", _("On the roster"), True, False, _("not on the roster then")))

    # Availability: a free stretch of the requested length starting in the window.
    available_from = member.earliest_free_start(
        start, request.latest_start, max(request.duration_days, 1)
    )
    if available_from is None:
        clash = member.busy_between(
            start, request.latest_start + dt.timedelta(days=request.duration_days - 1)
        )
        detail = "; ".join(
            _("%(what)s %(start)s to %(end)s")
            % {
                "what": _("deployed") if p.kind == "deployment" else _("unavailable"),
                "start": p.start,
                "end": p.end,
            }
            for p in clash
        )
        add(Criterion("availability", _("Available on the dates"), True, False, detail))
    else:
        until = available_from + dt.timedelta(days=request.duration_days - 1)
        add(
            Criterion(
                "availability",
                _("Available on the dates"),
                True,
                True,
                _("free from %(start)s to %(end)s") % {"start": available_from, "end": until},
            )
        )
        on_time = available_from == start
        add(
            Criterion(
                "starts_on_time",
                _("Can start on the requested day"),
                False,
                on_time,
                "" if on_time else _("earliest start %(day)s") % {"day": available_from},
                WEIGHTS["starts_on_time"] if on_time else 0.0,
                WEIGHTS["starts_on_time"],
            )
        )

    vetted = member.is_cleared_on(start)
    vetting = member.vetting_on(start)
    add(
        Criterion(
            "vetting",
            _("Cleared by vetting"),
            True,
            vetted,
            _("cleared on %(day)s") % {"day": vetting.decided_on}
            if vetted and vetting
            else _("not cleared on the start date"),
        )
    )

    if request.within_72_hours:
        ready = deployability(member, today)
        add(
            Criterion(
                "rapid",
                _("Deployable within 72 hours"),
                True,
                ready.deployable,
                "; ".join(ready.reasons),
            )
        )

    for code, minimum in request.required_languages.items():
        has = member.languages.get(code, 0)
        add(
            Criterion(
                f"language:{code}",
                _("Speaks %(language)s (%(level)s or better)")
                % {"language": _language(code), "level": _proficiency(minimum)},
                True,
                has >= minimum,
                _proficiency(has) if has else _("not listed"),
            )
        )
    for code, minimum in request.preferred_languages.items():
        has = member.languages.get(code, 0)
        met = has >= minimum
        add(
            Criterion(
                f"language:{code}",
                _("Speaks %(language)s (preferred)") % {"language": _language(code)},
                False,
                met,
                _proficiency(has) if has else _("not listed"),
                WEIGHTS["preferred_language"] if met else 0.0,
                WEIGHTS["preferred_language"],
            )
        )

    for code in request.required_expertise:
        level = member.expertise.get(code, 0)
        add(
            Criterion(
                f"expertise:{code}",
                _("Expertise: %(field)s") % {"field": _expertise(code)},
                True,
                level > 0,
                str(ExpertiseLevel(level).label) if level else _("not listed"),
            )
        )
        if level:
            add(
                Criterion(
                    f"depth:{code}",
                    _("Depth in %(field)s") % {"field": _expertise(code)},
                    False,
                    level == ExpertiseLevel.EXPERT,
                    str(ExpertiseLevel(level).label),
                    WEIGHTS["expertise_depth"] * level / ExpertiseLevel.EXPERT,
                    WEIGHTS["expertise_depth"],
                )
            )
    for code in request.preferred_expertise:
        level = member.expertise.get(code, 0)
        add(
            Criterion(
                f"expertise:{code}",
                _("Expertise: %(field)s (preferred)") % {"field": _expertise(code)},
                False,
                level > 0,
                str(ExpertiseLevel(level).label) if level else _("not listed"),
                WEIGHTS["preferred_expertise"] * level / ExpertiseLevel.EXPERT,
                WEIGHTS["preferred_expertise"],
            )
        )

    targets = request.target_countries()
    if targets or request.regions:
        worked_in = sorted(member.countries & targets)
        in_region = sorted(member.regions & set(request.regions))
        if request.area_required:
            add(
                Criterion(
                    "area",
                    _("Experience in the area"),
                    True,
                    bool(worked_in or in_region),
                    ", ".join([*worked_in, *in_region]) or _("none listed"),
                )
            )
        if targets:
            add(
                Criterion(
                    "country_experience",
                    _("Has worked in the countries concerned"),
                    False,
                    bool(worked_in),
                    ", ".join(worked_in) or _("none listed"),
                    WEIGHTS["country_experience"] if worked_in else 0.0,
                    WEIGHTS["country_experience"],
                )
            )
        if request.regions:
            add(
                Criterion(
                    "region_experience",
                    _("Knows the region"),
                    False,
                    bool(in_region),
                    ", ".join(in_region) or _("not listed"),
                    WEIGHTS["region_experience"] if in_region else 0.0,
                    WEIGHTS["region_experience"],
                )
            )

    if request.role_type:
        label = RoleType(request.role_type).label if request.role_type in RoleType.values else ""
        add(
            Criterion(
                "role_type",
                _("Can serve as %(role)s") % {"role": label or request.role_type},
                True,
                request.role_type in member.role_types,
                "",
            )
        )
    if request.min_seniority:
        seniority = member.seniority_on(start) or member.seniority
        add(
            Criterion(
                "seniority",
                _("Seniority %(level)s or above")
                % {"level": Seniority(request.min_seniority).label},
                True,
                SENIORITY_RANK.get(seniority, 0) >= SENIORITY_RANK[request.min_seniority],
                str(Seniority(seniority).label) if seniority in Seniority.values else "",
            )
        )

    completed = member.completed_deployments(today)
    add(
        Criterion(
            "track_record",
            _("Deployment track record"),
            False,
            completed >= 2,
            _("%(count)s completed deployment(s)") % {"count": completed},
            min(5.0 * completed, WEIGHTS["track_record"]),
            WEIGHTS["track_record"],
        )
    )

    if request.diversity in (DiversityPreference.WOMEN, DiversityPreference.BOTH):
        add(
            Criterion(
                "diversity:women",
                _("Woman (diversity preference)"),
                False,
                member.is_woman,
                "",
                WEIGHTS["diversity"] if member.is_woman else 0.0,
                WEIGHTS["diversity"],
            )
        )
    if request.diversity in (DiversityPreference.GLOBAL_SOUTH, DiversityPreference.BOTH):
        south = bool(member.global_south)
        add(
            Criterion(
                "diversity:global_south",
                _("Global South national (diversity preference)"),
                False,
                south,
                "" if member.global_south is not None else _("nationality not recorded"),
                WEIGHTS["diversity"] if south else 0.0,
                WEIGHTS["diversity"],
            )
        )

    on_offer = sum(c.max_points for c in criteria if not c.hard)
    earned = sum(c.points for c in criteria if not c.hard)
    score = round(100.0 * earned / on_offer, 1) if on_offer else 100.0
    eligible = all(c.met for c in criteria if c.hard)
    return CandidateMatch(member.pk, member.full_name, eligible, score, criteria, available_from)


def rank(members: list[MemberFacts], request: MatchRequest, *, today: dt.date) -> Shortlist:
    """Eligible candidates by score (then earliest start, then name); the excluded after,
    fewest failed hard criteria first, so near misses are easy to find."""
    evaluated = [evaluate(m, request, today=today) for m in members]
    far = dt.date.max
    candidates = sorted(
        (c for c in evaluated if c.eligible),
        key=lambda c: (-c.score, c.available_from or far, c.full_name, c.member_pk),
    )
    excluded = sorted(
        (c for c in evaluated if not c.eligible),
        key=lambda c: (len(c.failed), -c.score, c.full_name, c.member_pk),
    )
    return Shortlist(request, candidates, excluded, len(members))
