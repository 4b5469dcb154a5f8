"""Who is best placed to respond: a transparent, weighted score over plain inputs.

Each organisation is scored on five components, each between 0 and 1: thematic mandate for
the kind of response, presence in the area, capacity for that kind of response, the
languages asked for, and track record in past responses. The score is the weighted mean of
the components that are *known*; an unknown component (no language asked for, no track
record yet) is left out and the remaining weights are rescaled, so an organisation is
neither rewarded nor punished for what nobody knows. Every component comes with the sentence
that explains it, and the weights actually used are returned with the score.

Pure functions over dataclasses: no database, so the ranking can be tested and explained
exactly as it is computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# Default weights; they sum to 1.
WEIGHTS: dict[str, float] = {
    "mandate": 0.30,
    "presence": 0.25,
    "capacity": 0.20,
    "language": 0.10,
    "track_record": 0.15,
}

# Presence score by where the organisation stands relative to the area asked about.
PRESENCE_IN_AREA = {"office": 1.0, "field": 0.9, "mandate": 0.6}
PRESENCE_IN_COUNTRY = {"office": 0.8, "field": 0.7, "mandate": 0.4}
REGIONAL_MANDATE = 0.5  # a regional organisation whose member state the area is in
# Median days from warning to action that halves the speed score.
HALF_SPEED_DAYS = 7.0


@dataclass(frozen=True)
class AreaStanding:
    """An organisation's footprint in one country or admin area."""

    country: str
    admin_area: int | None
    presence: str


@dataclass(frozen=True)
class Record:
    """Past response actions and their outcomes (from the response loop)."""

    actions: int
    completed: int
    positive_outcomes: int
    median_days_to_act: float | None


@dataclass(frozen=True)
class Candidate:
    """What is known about one organisation, as the ranking needs it."""

    organisation_id: int
    name: str
    themes: frozenset[str]
    areas: tuple[AreaStanding, ...]
    capacity_level: int | None  # 1..3 for the kind of response asked, None if not stated
    languages: frozenset[str]
    regional_countries: frozenset[str] = frozenset()  # member states, for a RIGO
    record: Record | None = None


@dataclass(frozen=True)
class Request:
    """What is asked: a kind of response in a place, optionally in given languages."""

    theme: str
    countries: tuple[str, ...]
    admin_areas: tuple[int, ...] = ()  # the area and its ancestors, most specific first
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Component:
    name: str
    weight: float  # the configured weight
    score: float | None  # None: unknown, left out
    explanation: str

    @property
    def used_weight(self) -> float:
        return 0.0 if self.score is None else self.weight


@dataclass(frozen=True)
class Placement:
    organisation_id: int
    name: str
    score: float
    components: list[Component] = field(default_factory=list)

    @property
    def known_weight(self) -> float:
        return sum(c.used_weight for c in self.components)

    def contribution(self, component: Component) -> float:
        """The points a component adds to the score (after rescaling the weights)."""
        if component.score is None or not self.known_weight:
            return 0.0
        return component.weight / self.known_weight * component.score


def score_mandate(candidate: Candidate, request: Request, theme_label: str) -> Component:
    if request.theme in candidate.themes:
        return Component("mandate", 0, 1.0, _("Mandated for %s.") % theme_label)
    return Component("mandate", 0, 0.0, _("No %s mandate.") % theme_label)


def score_presence(candidate: Candidate, request: Request) -> Component:
    best, why = 0.0, _("No stated presence or mandate in the area.")
    for standing in candidate.areas:
        if standing.country not in request.countries:
            continue
        if standing.admin_area is not None and standing.admin_area in request.admin_areas:
            value = PRESENCE_IN_AREA.get(standing.presence, 0.0)
            text = _("%(presence)s in the area itself.")
        else:
            value = PRESENCE_IN_COUNTRY.get(standing.presence, 0.0)
            text = _("%(presence)s in the country (%(country)s).")
        if value > best:
            best = value
            why = text % {
                "presence": _presence_label(standing.presence),
                "country": standing.country,
            }
    if best < REGIONAL_MANDATE and candidate.regional_countries & set(request.countries):
        best = REGIONAL_MANDATE
        why = _("Regional organisation whose member state the area is in.")
    return Component("presence", 0, best, why)


def _presence_label(presence: str) -> str:
    from vigil.actors.choices import Presence

    try:
        return str(Presence(presence).label)
    except ValueError:
        return presence


def score_capacity(candidate: Candidate, request: Request, theme_label: str) -> Component:
    if candidate.capacity_level is None:
        return Component("capacity", 0, 0.0, _("No stated capacity for %s.") % theme_label)
    return Component(
        "capacity",
        0,
        round(candidate.capacity_level / 3, 4),
        _("Capacity for %(theme)s: level %(level)d of 3.")
        % {"theme": theme_label, "level": candidate.capacity_level},
    )


def score_language(candidate: Candidate, request: Request) -> Component:
    asked = [code.lower() for code in request.languages]
    if not asked:
        return Component("language", 0, None, _("No language asked for: not scored."))
    spoken = [code for code in asked if code in candidate.languages]
    return Component(
        "language",
        0,
        round(len(spoken) / len(asked), 4),
        _("Works in %(spoken)d of %(asked)d languages asked (%(codes)s).")
        % {"spoken": len(spoken), "asked": len(asked), "codes": ", ".join(spoken) or "—"},
    )


def score_track_record(candidate: Candidate, available: bool) -> Component:
    if not available:
        return Component(
            "track_record", 0, None, _("Track record unknown: the response loop is not available.")
        )
    record = candidate.record
    if record is None or record.actions == 0:
        return Component(
            "track_record", 0, None, _("No past response actions: track record not scored.")
        )
    completion = record.completed / record.actions
    positive = record.positive_outcomes / record.actions
    if record.median_days_to_act is None:
        speed, speed_text = 0.5, _("speed unknown")
    else:
        speed = HALF_SPEED_DAYS / (HALF_SPEED_DAYS + max(record.median_days_to_act, 0.0))
        speed_text = _("median %.1f days to act") % record.median_days_to_act
    value = 0.4 * completion + 0.4 * positive + 0.2 * speed
    return Component(
        "track_record",
        0,
        round(value, 4),
        _(
            "%(completed)d of %(actions)d actions completed, %(positive)d with a positive "
            "outcome, %(speed)s."
        )
        % {
            "completed": record.completed,
            "actions": record.actions,
            "positive": record.positive_outcomes,
            "speed": speed_text,
        },
    )


def rank(
    candidates: list[Candidate],
    request: Request,
    *,
    theme_label: str,
    track_records_available: bool,
    weights: dict[str, float] | None = None,
) -> list[Placement]:
    """Score every candidate and return them best first (ties by name)."""
    weights = weights or WEIGHTS
    placements = []
    for candidate in candidates:
        components = [
            score_mandate(candidate, request, theme_label),
            score_presence(candidate, request),
            score_capacity(candidate, request, theme_label),
            score_language(candidate, request),
            score_track_record(candidate, track_records_available),
        ]
        components = [
            Component(c.name, weights[c.name], c.score, c.explanation) for c in components
        ]
        known = sum(c.used_weight for c in components)
        total = (
            sum(c.weight * c.score for c in components if c.score is not None) / known
            if known
            else 0.0
        )
        placements.append(
            Placement(candidate.organisation_id, candidate.name, round(total, 4), components)
        )
    placements.sort(key=lambda p: (-p.score, p.name))
    return placements


def record_from(value: Any) -> Record:
    """Adapt the response loop's TrackRecord (any object with the four attributes)."""
    median = getattr(value, "median_days_to_act", None)
    return Record(
        actions=int(getattr(value, "actions", 0) or 0),
        completed=int(getattr(value, "completed", 0) or 0),
        positive_outcomes=int(getattr(value, "positive_outcomes", 0) or 0),
        median_days_to_act=float(median) if median is not None else None,
    )
