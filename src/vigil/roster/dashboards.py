"""Readiness and diversity figures, computed from the roster's dated rows for any day.

Definitions (also in docs/roster.md):
- *overall*: members on the roster that day (joined on or before it, not yet left);
- *senior*: those of them whose seniority in force that day is senior;
- *deployments*: deployments not cancelled that started in the 365 days up to that day,
  each counted once (a person deployed twice counts twice: it measures who gets sent);
- a share's denominator is the whole population: members whose gender is not stated, or
  whose nationality is not recorded, count as neither women nor Global South, and the
  figures say how many such unknowns there are.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from vigil.roster.choices import (
    DiversityMeasure,
    DiversityPopulation,
    Gender,
    Proficiency,
)
from vigil.roster.readiness import MemberFacts, deployability, is_senior_on

DEPLOYMENT_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Share:
    measure: str
    population: str
    count: int
    total: int
    unknown: int
    target: Decimal | None

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.count / self.total, 1) if self.total else None

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.percent is None:
            return None
        return Decimal(str(self.percent)) >= self.target

    @property
    def gap(self) -> float | None:
        """Percentage points short of the target (negative when above it)."""
        if self.target is None or self.percent is None:
            return None
        return round(float(self.target) - self.percent, 1)


@dataclass(frozen=True)
class TargetRow:
    measure: str
    population: str
    target_percent: Decimal
    effective_from: dt.date


def target_on(targets: list[TargetRow], measure: str, population: str, day: dt.date) -> Any:
    """The target in force on `day`: the latest one effective on or before it."""
    rows = [
        t
        for t in targets
        if t.measure == measure and t.population == population and t.effective_from <= day
    ]
    return max(rows, key=lambda t: t.effective_from).target_percent if rows else None


def diversity_on(
    members: list[MemberFacts], day: dt.date, targets: list[TargetRow]
) -> dict[str, dict[str, Share]]:
    """Women and Global South shares overall, among senior members and among deployments."""
    on_roster = [m for m in members if m.is_member_on(day)]
    senior = [m for m in on_roster if is_senior_on(m, day)]
    window_start = day - dt.timedelta(days=DEPLOYMENT_WINDOW_DAYS - 1)
    deployed = [
        m
        for m in members
        for d in m.deployments
        if not d.cancelled and window_start <= d.start <= day
    ]
    populations = {
        DiversityPopulation.OVERALL: on_roster,
        DiversityPopulation.SENIOR: senior,
        DiversityPopulation.DEPLOYMENTS: deployed,
    }
    figures: dict[str, dict[str, Share]] = {}
    for population, people in populations.items():
        figures[population] = {
            DiversityMeasure.WOMEN: Share(
                DiversityMeasure.WOMEN,
                population,
                sum(1 for m in people if m.gender == Gender.WOMAN),
                len(people),
                sum(1 for m in people if m.gender == Gender.NOT_STATED),
                target_on(targets, DiversityMeasure.WOMEN, population, day),
            ),
            DiversityMeasure.GLOBAL_SOUTH: Share(
                DiversityMeasure.GLOBAL_SOUTH,
                population,
                sum(1 for m in people if m.global_south),
                len(people),
                sum(1 for m in people if m.global_south is None),
                target_on(targets, DiversityMeasure.GLOBAL_SOUTH, population, day),
            ),
        }
    return figures


def month_ends(until: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the `months` months up to `until` (which ends the list)."""
    days = [until]
    first = until.replace(day=1)
    for _ in range(months - 1):
        last = first - dt.timedelta(days=1)
        days.append(last)
        first = last.replace(day=1)
    return sorted(days)


def diversity_history(
    members: list[MemberFacts], days: list[dt.date], targets: list[TargetRow]
) -> list[tuple[dt.date, dict[str, dict[str, Share]]]]:
    """The same figures as of each day, computed from the dated rows (no snapshots needed:
    membership, seniority and deployment rows all carry their dates)."""
    return [(day, diversity_on(members, day, targets)) for day in days]


@dataclass(frozen=True)
class Readiness:
    day: dt.date
    members: int
    deployable: int
    blockers: dict[str, int]
    by_language: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    by_expertise: list[tuple[str, int]]
    deployable_pks: frozenset[int]


def readiness_on(members: list[MemberFacts], day: dt.date) -> Readiness:
    """How many could deploy within 72 hours on `day`, by language (working knowledge or
    better), region and expertise, and what holds the others back."""
    on_roster = [m for m in members if m.is_member_on(day)]
    verdicts = {m.pk: deployability(m, day) for m in on_roster}
    ready = [m for m in on_roster if verdicts[m.pk].deployable]
    blockers: Counter[str] = Counter()
    for verdict in verdicts.values():
        blockers.update(verdict.blockers)
    languages: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    expertise: Counter[str] = Counter()
    for m in ready:
        languages.update(c for c, p in m.languages.items() if p >= Proficiency.WORKING)
        regions.update(m.regions)
        expertise.update(m.expertise)

    def ordered(counter: Counter[str]) -> list[tuple[str, int]]:
        return sorted(counter.items(), key=lambda item: (-item[1], item[0]))

    return Readiness(
        day=day,
        members=len(on_roster),
        deployable=len(ready),
        blockers=dict(blockers),
        by_language=ordered(languages),
        by_region=ordered(regions),
        by_expertise=ordered(expertise),
        deployable_pks=frozenset(m.pk for m in ready),
    )
