"""Availability and readiness, as plain functions over a member's dated facts.

Selectors turn database rows into `MemberFacts` once; matching and dashboards then work on
those facts for any day, past or future, without further queries. Nothing here imports the
ORM, so the rules can be read and tested on their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from vigil.roster.choices import Gender, Seniority, VettingStatus

# "Deployable within 72 hours": free on every day from today to three days on.
RAPID_DEPLOYMENT_DAYS = 3


@dataclass(frozen=True)
class Period:
    """Days (both ends included) in which a member is committed."""

    start: dt.date
    end: dt.date
    kind: str  # "deployment" or "unavailable"
    label: str = ""

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start <= end and start <= self.end


@dataclass(frozen=True)
class Vetting:
    status: str
    decided_on: dt.date
    valid_until: dt.date | None


@dataclass(frozen=True)
class DeploymentFact:
    pk: int
    start: dt.date
    end: dt.date
    cancelled: bool
    role_type: str


@dataclass
class MemberFacts:
    """What the readiness, matching and diversity rules need to know about one member."""

    pk: int
    full_name: str
    gender: str
    global_south: bool | None  # None: nationality unknown, or the roster has no list
    seniority: str
    joined_on: dt.date
    left_on: dt.date | None
    on_standby: bool
    role_types: frozenset[str] = frozenset()
    languages: dict[str, int] = field(default_factory=dict)  # code -> Proficiency
    expertise: dict[str, int] = field(default_factory=dict)  # code -> ExpertiseLevel
    regions: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()  # countries of experience (ISO3)
    seniority_history: list[tuple[dt.date, str]] = field(default_factory=list)
    vetting: list[Vetting] = field(default_factory=list)  # oldest first
    unavailable: list[Period] = field(default_factory=list)
    deployments: list[DeploymentFact] = field(default_factory=list)

    @property
    def is_woman(self) -> bool:
        return self.gender == Gender.WOMAN

    def is_member_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)

    def seniority_on(self, day: dt.date) -> str | None:
        """The seniority in force on `day`: the latest change on or before it."""
        current = None
        for effective_on, seniority in sorted(self.seniority_history):
            if effective_on <= day:
                current = seniority
        return current

    def vetting_on(self, day: dt.date) -> Vetting | None:
        """The vetting decision in force on `day` (the latest decided on or before it)."""
        decided = [v for v in self.vetting if v.decided_on <= day]
        return max(decided, key=lambda v: v.decided_on) if decided else None

    def is_cleared_on(self, day: dt.date) -> bool:
        vetting = self.vetting_on(day)
        return (
            vetting is not None
            and vetting.status == VettingStatus.CLEARED
            and (vetting.valid_until is None or vetting.valid_until >= day)
        )

    def busy(self) -> list[Period]:
        """Every commitment: declared unavailability and deployments not cancelled."""
        deployed = [
            Period(d.start, d.end, "deployment", d.role_type)
            for d in self.deployments
            if not d.cancelled
        ]
        return sorted([*self.unavailable, *deployed], key=lambda p: (p.start, p.end))

    def busy_between(self, start: dt.date, end: dt.date) -> list[Period]:
        return [p for p in self.busy() if p.overlaps(start, end)]

    def is_free(self, start: dt.date, end: dt.date) -> bool:
        return not self.busy_between(start, end)

    def earliest_free_start(self, earliest: dt.date, latest: dt.date, days: int) -> dt.date | None:
        """The first day in [earliest, latest] from which the member is free for `days` days."""
        day = earliest
        while day <= latest:
            clash = self.busy_between(day, day + dt.timedelta(days=days - 1))
            if not clash:
                return day
            day = max(p.end for p in clash) + dt.timedelta(days=1)
        return None

    def completed_deployments(self, day: dt.date) -> int:
        return sum(1 for d in self.deployments if not d.cancelled and d.end < day)


@dataclass(frozen=True)
class Deployability:
    deployable: bool
    reasons: tuple[str, ...]  # why not, in words; empty when deployable
    blockers: tuple[str, ...]  # the same as codes, for counting: standby, vetting, busy, ...


def deployability(member: MemberFacts, day: dt.date) -> Deployability:
    """Deployable within 72 hours on `day`: on the roster, on standby, cleared by vetting for
    the whole window, and free of any commitment from `day` to three days on."""
    window_end = day + dt.timedelta(days=RAPID_DEPLOYMENT_DAYS)
    reasons: list[str] = []
    blockers: list[str] = []
    if not member.is_member_on(day):
        reasons.append(_("not on the roster on this day"))
        blockers.append("not_member")
    if not member.on_standby:
        reasons.append(_("not on standby for rapid deployment"))
        blockers.append("standby")
    if not (member.is_cleared_on(day) and member.is_cleared_on(window_end)):
        vetting = member.vetting_on(day)
        if vetting is None:
            reasons.append(_("not vetted"))
        elif vetting.status == VettingStatus.CLEARED:
            reasons.append(_("vetting clearance lapses on %(day)s") % {"day": vetting.valid_until})
        else:
            reasons.append(
                _("vetting: %(status)s") % {"status": VettingStatus(vetting.status).label}
            )
        blockers.append("vetting")
    clash = member.busy_between(day, window_end)
    if clash:
        reasons.append(
            _("committed %(start)s to %(end)s") % {"start": clash[0].start, "end": clash[0].end}
        )
        blockers.append("busy")
    return Deployability(not reasons, tuple(reasons), tuple(blockers))


def is_senior_on(member: MemberFacts, day: dt.date) -> bool:
    return member.seniority_on(day) == Seniority.SENIOR
