"""The best-placed score (src/vigil/actors/placement.py), computed by hand for small cases."""

from __future__ import annotations

import pytest

from vigil.actors.placement import (
    WEIGHTS,
    AreaStanding,
    Candidate,
    Record,
    Request,
    rank,
)

REQUEST = Request(theme="mediation", countries=("NGA",), admin_areas=(12, 3), languages=("ha",))


def candidate(pk: int, name: str, **facts) -> Candidate:
    defaults = {
        "themes": frozenset(),
        "areas": (),
        "capacity_level": None,
        "languages": frozenset(),
    }
    return Candidate(organisation_id=pk, name=name, **{**defaults, **facts})


def ranked(*candidates, available=True, request=REQUEST):
    return rank(
        list(candidates), request, theme_label="Mediation", track_records_available=available
    )


def test_a_mandated_local_capable_speaker_scores_every_component():
    # Mandate 1, office in the admin area 1, capacity 3/3 = 1, speaks Hausa 1, and a record:
    # 8 of 10 completed, 5 positive, median 7 days (speed 0.5): 0.4*0.8+0.4*0.5+0.2*0.5=0.62.
    full = candidate(
        1,
        "Kano Peace Network",
        themes=frozenset({"mediation"}),
        areas=(AreaStanding("NGA", 12, "office"),),
        capacity_level=3,
        languages=frozenset({"ha", "en"}),
        record=Record(actions=10, completed=8, positive_outcomes=5, median_days_to_act=7.0),
    )
    [placement] = ranked(full)

    expected = 0.30 + 0.25 + 0.20 + 0.10 + 0.15 * 0.62
    assert placement.score == pytest.approx(expected, abs=1e-4)
    scores = {c.name: c.score for c in placement.components}
    assert scores == {
        "mandate": 1.0,
        "presence": 1.0,
        "capacity": 1.0,
        "language": 1.0,
        "track_record": pytest.approx(0.62),
    }
    assert placement.known_weight == pytest.approx(1.0)


def test_unknown_components_are_left_out_and_the_weights_rescaled():
    # No track record (the response loop is absent) and no language asked: the score is the
    # weighted mean of mandate (1), presence in the country by field staff (0.7), capacity 1/3.
    known = candidate(
        1,
        "A",
        themes=frozenset({"mediation"}),
        areas=(AreaStanding("NGA", None, "field"),),
        capacity_level=1,
    )
    request = Request(theme="mediation", countries=("NGA",))
    [placement] = ranked(known, available=False, request=request)

    weight = WEIGHTS["mandate"] + WEIGHTS["presence"] + WEIGHTS["capacity"]
    expected = (0.30 * 1 + 0.25 * 0.7 + 0.20 * (1 / 3)) / weight
    assert placement.score == pytest.approx(expected, abs=1e-4)
    unscored = {c.name: c.explanation for c in placement.components if c.score is None}
    assert set(unscored) == {"language", "track_record"}
    assert "not available" in unscored["track_record"]
    assert sum(placement.contribution(c) for c in placement.components) == pytest.approx(
        placement.score, abs=1e-4
    )


def test_presence_in_the_area_beats_presence_in_the_country():
    in_area = candidate(1, "B in Kano", areas=(AreaStanding("NGA", 3, "field"),))
    in_country = candidate(2, "A in Abuja", areas=(AreaStanding("NGA", 99, "office"),))
    elsewhere = candidate(3, "C in Accra", areas=(AreaStanding("GHA", None, "office"),))
    order = [p.name for p in ranked(in_country, elsewhere, in_area)]
    assert order == ["B in Kano", "A in Abuja", "C in Accra"]


def test_a_regional_organisation_covers_its_member_states():
    rigo = candidate(1, "ECOWAS", regional_countries=frozenset({"NGA", "GHA"}))
    [placement] = ranked(rigo)
    presence = next(c for c in placement.components if c.name == "presence")
    assert presence.score == 0.5
    assert "member state" in presence.explanation


def test_ties_are_broken_by_name():
    assert [p.name for p in ranked(candidate(2, "Zeta"), candidate(1, "Alpha"))] == [
        "Alpha",
        "Zeta",
    ]


def test_no_past_actions_is_not_a_bad_record():
    newcomer = candidate(1, "New", record=Record(0, 0, 0, None))
    [placement] = ranked(newcomer)
    track = next(c for c in placement.components if c.name == "track_record")
    assert track.score is None
