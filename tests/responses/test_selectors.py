"""Reads of the response loop: the gap figures computed from recorded rows, the access the
records inherit from their alert, and responders' track records."""

from __future__ import annotations

import pytest
from django.http import Http404

from tests.responses.conftest import days_ago, issued_alert
from vigil.responses import selectors
from vigil.responses.choices import ActionStatus, Effect
from vigil.responses.services import (
    assess_outcome,
    assign_responder,
    change_action_status,
    record_action,
)
from vigil.sharing.choices import TLP


@pytest.fixture
def recorded(personas, responder, regions, library):
    """Four ECOWAS alerts and one IGAD alert, with what was done about them:

    alert    region  issued      WANEP's first action   ECOWAS's first action
    fast     ECOWAS  40 days ago started 38 days ago     —
    slow     ECOWAS  35 days ago started 20 days ago     started 34 days ago (planned earlier)
    waiting  ECOWAS  12 days ago assigned, none          —
    fresh    ECOWAS   3 days ago started 2 days ago      —
    igad     IGAD    50 days ago —                       — (IGAD's own, GREEN)
    """
    ecowas, wanep = personas.ecowas, personas.wanep
    analyst = personas.analyst

    def alert(name, ago, region=regions["ECOWAS"], owner=ecowas, tlp=TLP.AMBER):
        return issued_alert(owner, tlp=tlp, issued=days_ago(ago), region=region, event=name)

    alerts = {
        "fast": alert("fast", 40),
        "slow": alert("slow", 35),
        "waiting": alert("waiting", 12),
        "fresh": alert("fresh", 3),
        "igad": alert("igad", 50, region=regions["IGAD"], owner=personas.igad, tlp=TLP.GREEN),
    }
    for name in ("fast", "slow", "waiting", "fresh"):
        assign_responder(alert=alerts[name], organisation=wanep, role="lead", actor=analyst)
    assign_responder(alert=alerts["slow"], organisation=ecowas, role="support", actor=analyst)

    def act(name, organisation, started, by=responder, **extra):
        return record_action(
            alert=alerts[name], responder=organisation, actor=by, description=f"{name} action",
            status=ActionStatus.UNDER_WAY, started_on=days_ago(started), **extra,
        )  # fmt: skip

    fast = act("fast", wanep, 38)
    act("slow", wanep, 20)
    act("slow", ecowas, 34, by=analyst)
    act("fresh", wanep, 2)
    # A planned action does not close the gap.
    record_action(alert=alerts["waiting"], responder=wanep, actor=responder, description="plan")
    change_action_status(action=fast, to=ActionStatus.DONE, actor=responder, on=days_ago(30))
    assess_outcome(alert=alerts["fast"], actor=analyst, effect=Effect.SUBSTANTIAL, evidence="Calm.")
    return alerts


def test_the_gap_report_is_computed_from_the_recorded_rows(personas, recorded) -> None:
    report = selectors.gap_report(personas.analyst)
    overall = report.overall
    # The analyst sees the four AMBER ECOWAS alerts and IGAD's GREEN one.
    assert (overall.alerts, overall.acted, overall.waiting) == (5, 3, 2)
    # first actions: fast 2 days, slow 1 day (ECOWAS itself), fresh 1 day -> median 1
    assert overall.median_days == 1.0
    # 7-day: fresh (3 days old) is too recent; fast and slow hit; waiting and igad miss.
    assert (overall.within_7.hits, overall.within_7.eligible) == (2, 4)
    assert overall.within_7.not_yet_eligible == 1
    # 30-day: only fast (40), slow (35) and igad (50) are old enough.
    assert (overall.within_30.hits, overall.within_30.eligible) == (2, 3)
    regions = {g.key: g.summary for g in report.by_region}
    assert (regions["ECOWAS"].alerts, regions["ECOWAS"].acted) == (4, 3)
    assert (regions["IGAD"].alerts, regions["IGAD"].acted) == (1, 0)
    assert [(r.alert.event, r.age_days) for r in report.open_gaps] == [
        ("igad", 50),
        ("waiting", 12),
    ]
    assert report.open_gaps[1].responders == [personas.wanep.name]


def test_each_responder_is_measured_by_its_own_first_action(personas, recorded) -> None:
    report = selectors.gap_report(personas.analyst)
    responders = {g.key: g.summary for g in report.by_responder}
    wanep = responders[personas.wanep.pk]
    # WANEP: fast 2, slow 15, fresh 1 days; waiting still open.
    assert (wanep.alerts, wanep.acted, wanep.waiting, wanep.median_days) == (4, 3, 1, 2.0)
    assert (wanep.within_7.hits, wanep.within_7.eligible) == (1, 3)
    assert (wanep.within_30.hits, wanep.within_30.eligible) == (2, 2)
    ecowas = responders[personas.ecowas.pk]
    assert (ecowas.alerts, ecowas.acted, ecowas.median_days) == (1, 1, 1.0)


def test_a_region_filter_narrows_every_figure(personas, recorded) -> None:
    report = selectors.gap_report(personas.analyst, region="IGAD")
    assert report.overall.alerts == 1
    assert report.by_responder == []


def test_another_organisation_sees_neither_the_amber_alerts_nor_their_actions(
    personas, recorded
) -> None:
    other = personas.other_org_analyst
    assert not selectors.actions_visible_to(other).exists()
    report = selectors.gap_report(other)
    assert report.overall.alerts == 1  # IGAD's own GREEN alert only
    assert report.by_responder == []
    with pytest.raises(Http404):
        selectors.alert_for(other, recorded["fast"].pk)
    action = selectors.actions_visible_to(personas.analyst, alert=recorded["fast"]).get()
    with pytest.raises(Http404):
        selectors.action_for(other, action.pk)
    assert selectors.action_for(personas.analyst, action.pk) == action


def test_the_assigned_responder_sees_what_was_shared_with_it(personas, responder, recorded):
    visible = set(selectors.actions_visible_to(responder).values_list("alert__event", flat=True))
    assert visible == {"fast", "slow", "waiting", "fresh"}
    assert selectors.gap_report(personas.public).overall.alerts == 0


def test_track_records_count_actions_completions_outcomes_and_speed(personas, recorded) -> None:
    records = selectors.track_records(
        [personas.wanep.pk, personas.ecowas.pk, personas.igad.pk], user=personas.admin
    )
    wanep = records[personas.wanep.pk]
    # started: fast, slow, fresh (the planned one is not taken yet); done: fast; positive: fast
    assert (wanep.actions_taken, wanep.actions_completed, wanep.positive_outcomes) == (3, 1, 1)
    assert wanep.median_days_to_act == 2.0  # 2, 15, 1
    assert records[personas.ecowas.pk].actions_taken == 1
    assert records[personas.igad.pk] == selectors.metrics.TrackRecord(
        personas.igad.pk, 0, 0, 0, None
    )


def test_track_records_for_a_reader_count_only_alerts_they_may_see(personas, recorded) -> None:
    seen_by_other = selectors.track_records([personas.wanep.pk], user=personas.other_org_analyst)
    assert seen_by_other[personas.wanep.pk].actions_taken == 0


def test_an_action_assessment_outranks_the_alerts(personas, responder, recorded) -> None:
    slow = selectors.actions_visible_to(personas.analyst, alert=recorded["slow"],
                                        responder=personas.wanep).get()  # fmt: skip
    assess_outcome(alert=recorded["slow"], actor=personas.analyst, effect=Effect.NONE,
                   evidence="Clashes went on.")  # fmt: skip
    assess_outcome(alert=recorded["slow"], actor=personas.analyst, effect=Effect.LIMITED,
                   evidence="This dialogue calmed one ward.", action=slow)  # fmt: skip
    records = selectors.track_records([personas.wanep.pk, personas.ecowas.pk], user=personas.admin)
    assert records[personas.wanep.pk].positive_outcomes == 2  # fast, and slow's own
    assert records[personas.ecowas.pk].positive_outcomes == 0  # the alert's "none"
