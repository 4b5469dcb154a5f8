"""The warning-to-action metrics against a hand count on constructed rows.

Nine alerts seen on 31 March 2026 (d = days to first action, age = days since issue):

    alert  issued   first action   d    age  region   7-day        30-day
    1      10 Jan   10 Jan         0    80   ECOWAS   hit          hit
    2      20 Jan   27 Jan         7    70   ECOWAS   hit (edge)   hit
    3      01 Feb   09 Feb         8    58   ECOWAS   miss         hit
    4      10 Feb   30 Mar        48    49   IGAD     miss         miss
    5      20 Feb   —              —    39   IGAD     miss         miss
    6      15 Mar   16 Mar         1    16   ECOWAS   hit          too recent
    7      24 Mar   —              —     7   IGAD     too recent   too recent
    8      28 Mar   29 Mar         1     3   IGAD     too recent   too recent
    9      23 Mar   —              —     8   IGAD     miss         too recent
"""

from __future__ import annotations

import datetime as dt

import pytest

from vigil.responses import metrics
from vigil.responses.metrics import WarningRow

AS_OF = dt.date(2026, 3, 31)


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


ROWS = [
    WarningRow(1, d(1, 10), d(1, 10), "ECOWAS"),
    WarningRow(2, d(1, 20), d(1, 27), "ECOWAS"),
    WarningRow(3, d(2, 1), d(2, 9), "ECOWAS"),
    WarningRow(4, d(2, 10), d(3, 30), "IGAD"),
    WarningRow(5, d(2, 20), None, "IGAD"),
    WarningRow(6, d(3, 15), d(3, 16), "ECOWAS"),
    WarningRow(7, d(3, 24), None, "IGAD"),
    WarningRow(8, d(3, 28), d(3, 29), "IGAD"),
    WarningRow(9, d(3, 23), None, "IGAD"),
]


def test_overall_figures_match_the_hand_count() -> None:
    summary = metrics.summarise(ROWS, as_of=AS_OF)
    assert (summary.alerts, summary.acted, summary.waiting) == (9, 6, 3)
    # d over acted alerts: 0, 1, 1, 7, 8, 48 -> median (1 + 7) / 2
    assert summary.median_days == 4.0
    assert summary.distribution == (
        ("same day", 1),
        ("1–7 days", 3),
        ("8–30 days", 1),
        ("31–90 days", 1),
        ("over 90 days", 0),
    )


def test_shares_count_only_alerts_whose_window_has_closed() -> None:
    summary = metrics.summarise(ROWS, as_of=AS_OF)
    # 7-day: alerts 7 (age 7) and 8 (age 3, although acted on) are too recent.
    assert summary.within_7 == metrics.Share(7, hits=3, eligible=7, not_yet_eligible=2)
    # 30-day: alerts 6, 7, 8, 9 are too recent.
    assert summary.within_30 == metrics.Share(30, hits=3, eligible=5, not_yet_eligible=4)
    assert summary.within_7.ratio == pytest.approx(3 / 7)
    assert summary.within_30.ratio == pytest.approx(3 / 5)


def test_an_alert_acted_on_but_too_recent_is_not_counted_as_a_hit() -> None:
    recent = [WarningRow(1, d(3, 28), d(3, 28))]
    share = metrics.share_within(recent, 7, as_of=AS_OF)
    assert (share.hits, share.eligible, share.not_yet_eligible, share.ratio) == (0, 0, 1, None)


def test_the_window_closes_the_day_after_its_last_day() -> None:
    # Issued 24 March: the 7-day window runs to 31 March inclusive, eligible from 1 April.
    row = WarningRow(1, d(3, 24), None)
    assert not metrics.is_eligible(row, 7, d(3, 31))
    assert metrics.is_eligible(row, 7, d(4, 1))


def test_kaplan_meier_median_counts_alerts_still_waiting() -> None:
    # Events 0, 1, 1, 7, 8, 48; censored 39, 7, 8. S: 8/9, 6/9, 5/9 at 7, 5/12 at 8.
    assert metrics.summarise(ROWS, as_of=AS_OF).km_median_days == 8.0


def test_kaplan_meier_median_is_not_reached_while_most_alerts_wait() -> None:
    durations = [(2, True), (10, False), (12, False), (15, False)]
    assert metrics.kaplan_meier_median(durations) is None
    assert metrics.kaplan_meier_median([]) is None


def test_figures_per_region() -> None:
    by_region = metrics.summarise_by(ROWS, as_of=AS_OF)
    ecowas, igad = by_region["ECOWAS"], by_region["IGAD"]
    assert (ecowas.alerts, ecowas.acted, ecowas.median_days) == (4, 4, 4.0)  # 0, 1, 7, 8
    assert (ecowas.within_7.hits, ecowas.within_7.eligible) == (3, 4)
    assert (ecowas.within_30.hits, ecowas.within_30.eligible) == (3, 3)
    assert (igad.alerts, igad.acted, igad.waiting, igad.median_days) == (5, 2, 3, 24.5)  # 1, 48
    assert (igad.within_7.hits, igad.within_7.eligible, igad.within_7.not_yet_eligible) == (
        0,
        3,
        2,
    )
    assert (igad.within_30.hits, igad.within_30.eligible) == (0, 2)


def test_open_gaps_are_listed_longest_waiting_first() -> None:
    gaps = metrics.open_gaps(ROWS, as_of=AS_OF)
    assert [(g.alert_id, g.age_days) for g in gaps] == [(5, 39), (9, 8), (7, 7)]


def test_figures_can_be_recomputed_as_of_an_earlier_day() -> None:
    # On 1 March alert 4's action (30 March) had not started and later alerts did not exist.
    summary = metrics.summarise(ROWS, as_of=d(3, 1))
    assert (summary.alerts, summary.acted, summary.waiting) == (5, 3, 2)
    assert [g.alert_id for g in metrics.open_gaps(ROWS, as_of=d(3, 1))] == [4, 5]


def test_an_action_already_under_way_at_issue_counts_as_day_zero() -> None:
    assert metrics.days_to_first_action(d(3, 10), d(3, 2)) == 0


def test_track_record_counts_actions_and_medians_its_own_first_actions() -> None:
    record = metrics.track_record(
        42,
        action_statuses=[(True, True, True), (True, False, False), (False, False, False)],
        response_rows=[WarningRow(1, d(1, 1), d(1, 4)), WarningRow(2, d(2, 1), d(2, 11))],
    )
    assert record == metrics.TrackRecord(42, 2, 1, 1, 6.5)
    empty = metrics.track_record(7, action_statuses=[], response_rows=[])
    assert empty == metrics.TrackRecord(7, 0, 0, 0, None)
