"""The readiness and diversity dashboard, checked against a hand count of constructed rows.

The roster below, as of 31 March 2026 (D):

  member  gender      nationality  seniority                     on roster
  W1      woman       SEN (South)  senior since joining          2020-01-01 →
  W2      woman       FRA          mid                           2021-01-01 →
  W3      woman       KEN (South)  mid, senior from 2026-02-01   2022-01-01 →
  M1      man         NGA (South)  senior                        2019-01-01 →
  M2      man         DEU          senior                        2019-01-01 →
  M3      man         USA          mid                           2020-06-01 → left 2026-01-15
  N1      not stated  (none)       junior                        2026-03-15 →
  W4      woman       GHA (South)  senior                        2026-04-10 → (after D)

Deployments: W1 June 2025, M1 Sept 2025, M1 Dec 2024 (over a year before D), M2 Jan 2026,
M3 May 2025, W2 Nov 2025 (cancelled).

Hand count on D — overall: W1 W2 W3 M1 M2 N1 = 6; women 3 (50.0%); South W1 W3 M1 = 3
(50.0%), 1 unknown (N1). Senior: W1 W3 M1 M2 = 4; women 2 (50.0%); South 3 (75.0%).
Deployments started 2025-04-01..D: W1 M1 M2 M3 = 4; women 1 (25.0%); South 2 (50.0%).

On 2025-12-31 — overall: W1 W2 W3 M1 M2 M3 = 6; women 3 (50.0%), South 3 (50.0%).
Senior: W1 M1 M2 = 3 (W3 not yet); women 1 (33.3%), South 2 (66.7%).
Deployments 2025-01-01..2025-12-31: W1 M1(Sept) M3 = 3; women 1 (33.3%), South 2 (66.7%).

Readiness on D (free D..D+3, on standby, cleared): M2 is off standby, W2 is on leave from
2 April; so W1 W3 M1 N1 = 4 deployable; French at working level or better W1 N1 = 2
(M1's French is basic); English W3 M1 = 2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.roster.conftest import add
from vigil.roster import selectors, services
from vigil.roster.choices import Gender, Seniority

D = dt.date(2026, 3, 31)


@pytest.fixture
def counted(world):
    m = {}
    m["W1"] = add(world, "W1 a", joined_on=dt.date(2020, 1, 1), languages={"fr": 4})
    m["W2"] = add(world, "W2 b", nationality="FRA", seniority=Seniority.MID,
                  joined_on=dt.date(2021, 1, 1))  # fmt: skip
    m["W3"] = add(world, "W3 c", nationality="KEN", seniority=Seniority.MID,
                  joined_on=dt.date(2022, 1, 1), languages={"en": 3})  # fmt: skip
    m["M1"] = add(world, "M1 d", gender=Gender.MAN, nationality="NGA",
                  joined_on=dt.date(2019, 1, 1), languages={"en": 4, "fr": 1})  # fmt: skip
    m["M2"] = add(world, "M2 e", gender=Gender.MAN, nationality="DEU",
                  joined_on=dt.date(2019, 1, 1), standby=False)  # fmt: skip
    m["M3"] = add(world, "M3 f", gender=Gender.MAN, nationality="USA", seniority=Seniority.MID,
                  joined_on=dt.date(2020, 6, 1))  # fmt: skip
    m["N1"] = add(world, "N1 g", gender=Gender.NOT_STATED, nationality="",
                  seniority=Seniority.JUNIOR, joined_on=dt.date(2026, 3, 15),
                  languages={"fr": 2})  # fmt: skip
    m["W4"] = add(world, "W4 h", nationality="GHA", joined_on=dt.date(2026, 4, 10))
    services.change_seniority(
        member=m["W3"], seniority=Seniority.SENIOR, effective_on=dt.date(2026, 2, 1),
        actor=world.manager,
    )  # fmt: skip
    services.remove_member(member=m["M3"], left_on=dt.date(2026, 1, 15), actor=world.manager)

    def deploy(key, start, end):
        return services.deploy_member(
            member=m[key], mission=f"Mission {key} {start}",
            requesting_organisation=world.personas.ecowas, role_type="mediation_adviser",
            start=start, end=end, actor=world.manager,
        )  # fmt: skip

    deploy("W1", dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    deploy("M1", dt.date(2025, 9, 1), dt.date(2025, 9, 15))
    deploy("M1", dt.date(2024, 12, 1), dt.date(2024, 12, 10))
    deploy("M2", dt.date(2026, 1, 5), dt.date(2026, 1, 25))
    deploy("M3", dt.date(2025, 5, 1), dt.date(2025, 5, 20))
    cancelled = deploy("W2", dt.date(2025, 11, 1), dt.date(2025, 11, 10))
    services.cancel_deployment(deployment=cancelled, reason="Postponed", actor=world.manager)
    services.mark_unavailable(
        member=m["W2"], start=dt.date(2026, 4, 2), end=dt.date(2026, 4, 5), reason="leave",
        actor=world.manager,
    )  # fmt: skip
    for population, percent, since in [
        ("overall", 50, dt.date(2025, 1, 1)),
        ("senior", 40, dt.date(2025, 1, 1)),
        ("senior", 50, dt.date(2026, 1, 1)),
    ]:
        services.set_diversity_target(
            roster=world.roster, measure="women", population=population,
            target_percent=percent, effective_from=since, actor=world.manager,
        )  # fmt: skip
    services.set_diversity_target(
        roster=world.roster, measure="global_south", population="deployments",
        target_percent=60, effective_from=dt.date(2025, 1, 1), actor=world.manager,
    )  # fmt: skip
    return m


def figures(shares, population, measure):
    share = shares[population][measure]
    return share.count, share.total, share.percent


def test_diversity_on_a_day_matches_the_hand_count(world, counted) -> None:
    shares = selectors.dashboard_for(world.personas.analyst, world.roster, on=D)["diversity"]
    assert figures(shares, "overall", "women") == (3, 6, 50.0)
    assert figures(shares, "overall", "global_south") == (3, 6, 50.0)
    assert shares["overall"]["global_south"].unknown == 1
    assert shares["overall"]["women"].unknown == 1
    assert figures(shares, "senior", "women") == (2, 4, 50.0)
    assert figures(shares, "senior", "global_south") == (3, 4, 75.0)
    assert figures(shares, "deployments", "women") == (1, 4, 25.0)
    assert figures(shares, "deployments", "global_south") == (2, 4, 50.0)


def test_targets_in_force_on_the_day_are_compared(world, counted) -> None:
    shares = selectors.dashboard_for(world.manager, world.roster, on=D)["diversity"]
    assert shares["senior"]["women"].target == Decimal("50")
    assert shares["senior"]["women"].meets_target is True
    assert shares["deployments"]["global_south"].gap == 10.0
    assert shares["deployments"]["global_south"].meets_target is False
    assert shares["overall"]["global_south"].target is None


def test_history_is_computed_as_of_past_days_from_dated_rows(world, counted) -> None:
    history = dict(selectors.dashboard_for(world.manager, world.roster, on=D, months=4)["history"])
    assert list(history) == [
        dt.date(2025, 12, 31), dt.date(2026, 1, 31), dt.date(2026, 2, 28), D,
    ]  # fmt: skip
    december = history[dt.date(2025, 12, 31)]
    assert figures(december, "overall", "women") == (3, 6, 50.0)
    assert figures(december, "overall", "global_south") == (3, 6, 50.0)
    assert figures(december, "senior", "women") == (1, 3, 33.3)
    assert figures(december, "senior", "global_south") == (2, 3, 66.7)
    assert figures(december, "deployments", "women") == (1, 3, 33.3)
    assert figures(december, "deployments", "global_south") == (2, 3, 66.7)
    # The 40% target was in force then, so the senior women share fell short by 6.7 points
    assert december["senior"]["women"].target == Decimal("40")
    assert december["senior"]["women"].gap == 6.7
    # January: M3 left mid-month, N1 not yet joined — five on the roster
    assert history[dt.date(2026, 1, 31)]["overall"]["women"].total == 5


def test_readiness_matches_the_hand_count(world, counted) -> None:
    readiness = selectors.dashboard_for(world.manager, world.roster, on=D)["readiness"]
    assert readiness.members == 6
    assert readiness.deployable == 4
    assert readiness.deployable_pks == {counted[k].pk for k in ("W1", "W3", "M1", "N1")}
    assert readiness.blockers == {"standby": 1, "busy": 1}
    assert dict(readiness.by_language) == {"fr": 2, "en": 2}
