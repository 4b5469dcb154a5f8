"""The 72-hour readiness rule and availability, on plain member facts (no database)."""

from __future__ import annotations

import datetime as dt

from vigil.roster.readiness import DeploymentFact, MemberFacts, Period, Vetting, deployability

DAY = dt.date(2026, 3, 2)


def facts(**changes) -> MemberFacts:
    values = {
        "pk": 1,
        "full_name": "Awa",
        "gender": "woman",
        "global_south": True,
        "seniority": "senior",
        "joined_on": dt.date(2024, 1, 1),
        "left_on": None,
        "on_standby": True,
        "vetting": [Vetting("cleared", dt.date(2024, 1, 1), dt.date(2027, 1, 1))],
    }
    values.update(changes)
    return MemberFacts(**values)


def test_a_cleared_free_member_on_standby_is_deployable() -> None:
    verdict = deployability(facts(), DAY)
    assert verdict.deployable
    assert verdict.reasons == ()


def test_each_missing_condition_is_named() -> None:
    verdict = deployability(
        facts(
            on_standby=False,
            vetting=[Vetting("cleared", dt.date(2024, 1, 1), DAY + dt.timedelta(days=2))],
            unavailable=[
                Period(DAY + dt.timedelta(days=3), DAY + dt.timedelta(days=9), "unavailable")
            ],
        ),
        DAY,
    )
    assert not verdict.deployable
    assert verdict.blockers == ("standby", "vetting", "busy")
    assert "lapses" in verdict.reasons[1]


def test_a_later_vetting_decision_overrides_an_earlier_clearance() -> None:
    member = facts(
        vetting=[
            Vetting("cleared", dt.date(2024, 1, 1), None),
            Vetting("suspended", dt.date(2026, 1, 1), None),
        ]
    )
    assert member.is_cleared_on(dt.date(2025, 12, 31))
    assert not member.is_cleared_on(DAY)
    assert deployability(member, DAY).blockers == ("vetting",)


def test_a_cancelled_deployment_does_not_block() -> None:
    member = facts(deployments=[DeploymentFact(1, DAY, DAY + dt.timedelta(days=5), True, "x")])
    assert deployability(member, DAY).deployable
    member.deployments.append(DeploymentFact(2, DAY, DAY + dt.timedelta(days=5), False, "x"))
    assert deployability(member, DAY).blockers == ("busy",)


def test_the_earliest_free_start_skips_over_commitments() -> None:
    member = facts(
        unavailable=[
            Period(DAY, DAY + dt.timedelta(days=2), "unavailable"),
            Period(DAY + dt.timedelta(days=5), DAY + dt.timedelta(days=6), "unavailable"),
        ]
    )
    # Ten free days cannot start before the second commitment ends
    assert member.earliest_free_start(DAY, DAY + dt.timedelta(days=10), 10) == DAY + dt.timedelta(
        days=7
    )
    # Two free days fit between the commitments
    assert member.earliest_free_start(DAY, DAY + dt.timedelta(days=10), 2) == DAY + dt.timedelta(
        days=3
    )
    assert member.earliest_free_start(DAY, DAY + dt.timedelta(days=1), 10) is None


def test_membership_dates_bound_deployability() -> None:
    member = facts(joined_on=DAY + dt.timedelta(days=1))
    assert deployability(member, DAY).blockers == ("not_member",)
    left = facts(left_on=DAY)
    assert not left.is_member_on(DAY)
