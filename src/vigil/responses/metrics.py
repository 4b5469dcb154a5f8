"""The gap between warning and action, as pure functions over plain rows.

Free of Django on purpose: the gap page, the API and the track records feed these
functions rows that `selectors` built from the recorded actions, and tests feed them rows
built by hand. Definitions (docs/responses.md says them in prose):

- t0 is the day the alert was first issued; an action counts from the day it *started*
  (a planned action that never started is not an action yet).
- days to first action = first start − day of issue, in whole days, never below 0 (an
  action already under way when the warning went out answered it at once).
- the N-day share counts only alerts whose N-day window has closed — issued more than N
  days before `as_of` — so a warning issued yesterday is neither a hit nor a miss yet
  (right-censoring). Numerator and denominator are both taken over those eligible alerts.
- the Kaplan–Meier median also uses alerts still waiting (censored at their age), so a
  long open gap pulls it up instead of silently dropping out as it does from the plain
  median over alerts that got an action.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

WINDOWS = (7, 30)

# Bins of days to first action: (label, lowest day, highest day or None for no limit).
DISTRIBUTION_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("same day", 0, 0),
    ("1–7 days", 1, 7),
    ("8–30 days", 8, 30),
    ("31–90 days", 31, 90),
    ("over 90 days", 91, None),
)


@dataclass(frozen=True)
class WarningRow:
    """One warning to be answered: an alert (or an alert × responder pair) with the day it
    was issued and the day the first action on it started, if any."""

    alert_id: int
    issued_on: dt.date
    first_action_on: dt.date | None = None
    group: Hashable = None


@dataclass(frozen=True)
class Share:
    """Alerts answered within a window among those whose window has closed."""

    window_days: int
    hits: int
    eligible: int
    not_yet_eligible: int

    @property
    def ratio(self) -> float | None:
        return self.hits / self.eligible if self.eligible else None


@dataclass(frozen=True)
class OpenGap:
    """An issued alert with no action started yet, and for how many days it has waited."""

    alert_id: int
    issued_on: dt.date
    age_days: int
    group: Hashable = None


@dataclass(frozen=True)
class GapSummary:
    """Warning-to-action figures over a set of rows."""

    alerts: int
    acted: int
    waiting: int
    median_days: float | None
    km_median_days: float | None
    distribution: tuple[tuple[str, int], ...]
    shares: dict[int, Share] = field(default_factory=dict)

    @property
    def within_7(self) -> Share:
        return self.shares[7]

    @property
    def within_30(self) -> Share:
        return self.shares[30]


@dataclass(frozen=True)
class TrackRecord:
    """What an organisation has done in response to alerts: the registry's "who is best
    placed" reads it."""

    organisation_id: int
    actions_taken: int
    actions_completed: int
    positive_outcomes: int
    median_days_to_act: float | None


def days_to_first_action(issued_on: dt.date, first_action_on: dt.date) -> int:
    """Whole days from the day of issue to the first action's start, never negative."""
    return max(0, (first_action_on - issued_on).days)


def age_days(issued_on: dt.date, as_of: dt.date) -> int:
    """Whole days since the day of issue."""
    return (as_of - issued_on).days


def is_eligible(row: WarningRow, window_days: int, as_of: dt.date) -> bool:
    """True once the alert's window (the day of issue and the N days after) has passed."""
    return age_days(row.issued_on, as_of) > window_days


def acted_within(row: WarningRow, window_days: int) -> bool:
    return row.first_action_on is not None and (
        days_to_first_action(row.issued_on, row.first_action_on) <= window_days
    )


def share_within(rows: Iterable[WarningRow], window_days: int, *, as_of: dt.date) -> Share:
    """The share of eligible alerts whose first action started within `window_days`."""
    hits = eligible = not_yet = 0
    for row in rows:
        if not is_eligible(row, window_days, as_of):
            not_yet += 1
            continue
        eligible += 1
        hits += acted_within(row, window_days)
    return Share(window_days=window_days, hits=hits, eligible=eligible, not_yet_eligible=not_yet)


def kaplan_meier_median(durations: Sequence[tuple[int, bool]]) -> float | None:
    """Median time to event from (duration, event_observed) pairs, by Kaplan–Meier.

    Censored durations (event not observed) leave the risk set after events at the same
    time, the usual convention. None while survival has not fallen to one half.
    """
    at_risk = len(durations)
    survival = 1.0
    by_time: dict[int, list[bool]] = defaultdict(list)
    for duration, observed in durations:
        by_time[duration].append(observed)
    for time in sorted(by_time):
        outcomes = by_time[time]
        events = sum(outcomes)
        if events:
            survival *= 1 - events / at_risk
            if survival <= 0.5:
                return float(time)
        at_risk -= len(outcomes)
    return None


def distribution(days: Iterable[int]) -> tuple[tuple[str, int], ...]:
    """How many first actions fell in each bin of DISTRIBUTION_BINS."""
    counts = dict.fromkeys((label for label, _, _ in DISTRIBUTION_BINS), 0)
    for value in days:
        for label, low, high in DISTRIBUTION_BINS:
            if value >= low and (high is None or value <= high):
                counts[label] += 1
                break
    return tuple(counts.items())


def summarise(rows: Iterable[WarningRow], *, as_of: dt.date) -> GapSummary:
    """All warning-to-action figures over `rows` as they stood on `as_of`.

    Rows issued after `as_of` and actions started after it are ignored, so a summary can
    be recomputed for any past day from the same rows.
    """
    kept = [_as_of(row, as_of) for row in rows if row.issued_on <= as_of]
    acted_days = [
        days_to_first_action(r.issued_on, r.first_action_on)
        for r in kept
        if r.first_action_on is not None
    ]
    durations = [
        (days_to_first_action(r.issued_on, r.first_action_on), True)
        if r.first_action_on is not None
        else (age_days(r.issued_on, as_of), False)
        for r in kept
    ]
    return GapSummary(
        alerts=len(kept),
        acted=len(acted_days),
        waiting=len(kept) - len(acted_days),
        median_days=float(statistics.median(acted_days)) if acted_days else None,
        km_median_days=kaplan_meier_median(durations),
        distribution=distribution(acted_days),
        shares={n: share_within(kept, n, as_of=as_of) for n in WINDOWS},
    )


def summarise_by(
    rows: Iterable[WarningRow],
    *,
    as_of: dt.date,
    key: Callable[[WarningRow], Hashable] | None = None,
) -> dict[Hashable, GapSummary]:
    """`summarise` per group (the rows' `group` unless `key` says otherwise)."""
    grouped: dict[Hashable, list[WarningRow]] = defaultdict(list)
    for row in rows:
        grouped[key(row) if key else row.group].append(row)
    return {group: summarise(members, as_of=as_of) for group, members in grouped.items()}


def open_gaps(rows: Iterable[WarningRow], *, as_of: dt.date) -> list[OpenGap]:
    """Alerts issued by `as_of` with no action started by then, longest waiting first."""
    gaps = [
        OpenGap(
            alert_id=r.alert_id,
            issued_on=r.issued_on,
            age_days=age_days(r.issued_on, as_of),
            group=r.group,
        )
        for r in (_as_of(row, as_of) for row in rows if row.issued_on <= as_of)
        if r.first_action_on is None
    ]
    return sorted(gaps, key=lambda g: (-g.age_days, g.alert_id))


def track_record(
    organisation_id: int,
    *,
    action_statuses: Iterable[tuple[bool, bool, bool]],
    response_rows: Iterable[WarningRow],
) -> TrackRecord:
    """An organisation's record from its actions and its (alert × it) response rows.

    `action_statuses` holds one (started, completed, positive_outcome) triple per action;
    the median is over the alerts it acted on, in days from issue to its own first action.
    """
    taken = completed = positive = 0
    for started, done, good in action_statuses:
        taken += started
        completed += done
        positive += good
    days = [
        days_to_first_action(r.issued_on, r.first_action_on)
        for r in response_rows
        if r.first_action_on is not None
    ]
    return TrackRecord(
        organisation_id=organisation_id,
        actions_taken=taken,
        actions_completed=completed,
        positive_outcomes=positive,
        median_days_to_act=float(statistics.median(days)) if days else None,
    )


def _as_of(row: WarningRow, as_of: dt.date) -> WarningRow:
    if row.first_action_on is not None and row.first_action_on > as_of:
        return WarningRow(row.alert_id, row.issued_on, None, row.group)
    return row
