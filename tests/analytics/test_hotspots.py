"""Hotspots: ranking areas by risk and change, and DBSCAN clusters of events."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.analytics.test_panel import make_events
from vigil.analytics.escalation import detect_escalations
from vigil.analytics.hotspots import cluster_events, rank_hotspots
from vigil.analytics.panel import build_panel
from vigil.analytics.ucdp import read_ucdp_ged

PANEL = pd.DataFrame(
    {
        "area": ["A"] * 6 + ["B"] * 6 + ["C"] * 6,
        "country": ["NGA"] * 6 + ["NGA"] * 6 + ["MEX"] * 6,
        "period": list(pd.date_range("2020-01-01", periods=6, freq="MS")) * 3,
        "events": [1] * 18,
        "fatalities": [50, 50, 50, 10, 10, 10] + [0, 0, 0, 5, 5, 20] + [900] * 6,
    }
)


def test_members_filter_and_risk_and_change_ranks() -> None:
    ranked = rank_hotspots(PANEL, members=["NGA"], period="2020-06-01")

    # Tied on risk and events: the one that rose ranks first, and ranks never tie.
    assert ranked["area"].tolist() == ["B", "A"]
    assert ranked["rank_risk"].tolist() == [1, 2]
    a, b = ranked.set_index("area").loc["A"], ranked.set_index("area").loc["B"]
    assert (a["risk"], a["previous_fatalities"], a["change"]) == (30, 150, -120)
    assert (b["risk"], b["change"]) == (30, 30)
    assert b["rank_change"] == 1
    assert b["change_ratio"] == pytest.approx(31.0)


def test_default_period_is_the_latest_and_all_countries() -> None:
    ranked = rank_hotspots(PANEL)
    assert ranked["period"].eq(pd.Timestamp("2020-06-01")).all()
    assert ranked.iloc[0]["area"] == "C"
    assert rank_hotspots(PANEL, members=["SEN"]).empty


def test_quiet_and_uncovered_areas_are_not_hotspots() -> None:
    panel = PANEL.copy()
    quiet = panel["area"] == "A"
    panel.loc[quiet, ["fatalities", "events"]] = 0
    panel["covered"] = ~(panel["area"] == "C")  # C's source ends before the period
    ranked = rank_hotspots(panel)
    assert ranked["area"].tolist() == ["B"]
    assert ranked["rank_risk"].tolist() == [1]


def test_escalation_scores_are_joined() -> None:
    scores = detect_escalations(PANEL)
    ranked = rank_hotspots(PANEL, scores=scores)
    assert {"surprise", "flagged"} <= set(ranked.columns)


def test_dbscan_finds_dense_groups_and_leaves_noise_out() -> None:
    rows = [
        (f"2020-01-{i + 1:02d}", "NGA", "Borno", 2, 1, 11.85 + i * 0.01, 13.15) for i in range(6)
    ]
    rows += [
        (f"2020-02-{i + 1:02d}", "NGA", "Lagos", 1, 1, 6.50, 3.40 + i * 0.01) for i in range(5)
    ]
    rows += [("2020-03-01", "NGA", "Kano", 9, 1, 12.0, 8.5)]  # isolated: noise
    events = make_events(rows)

    clusters = cluster_events(events, eps_km=10, min_samples=4)
    assert len(clusters) == 2
    borno = clusters.iloc[0]
    assert (borno["admin1"], borno["events"], borno["fatalities"]) == ("Borno", 6, 12)
    assert borno["min_lat"] == pytest.approx(11.85)
    assert borno["max_lat"] == pytest.approx(11.90)
    assert borno["first"] == pd.Timestamp("2020-01-01")
    assert clusters["cluster"].tolist() == [0, 1]

    recent = cluster_events(events, eps_km=10, min_samples=4, since="2020-02-01")
    assert recent["admin1"].tolist() == ["Lagos"]
    assert cluster_events(events, min_samples=50).empty


def test_real_nigeria_2014_clusters_centre_on_maiduguri(shared_data: Path) -> None:
    events = read_ucdp_ged(shared_data / "ucdp_ged" / "hdx_ucdp_ged_conflict_data_nga.csv.gz")
    clusters = cluster_events(
        events, eps_km=25, min_samples=5, since="2014-01-01", until="2014-12-31"
    )

    top = clusters.iloc[0]
    assert top["admin1"] == "Borno"
    assert top["min_lat"] <= 11.85 <= top["max_lat"]  # Maiduguri
    assert top["min_lon"] <= 13.16 <= top["max_lon"]

    panel = build_panel(events, level="admin1", freq="MS")
    ranked = rank_hotspots(panel, members=["NGA"], period="2014-03-01")
    assert ranked.iloc[0]["area"] == "NGA/Borno"
