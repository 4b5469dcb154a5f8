"""The area x period panel: a complete grid, past-only features, covariates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vigil.analytics.panel import (
    ELECTIONS_CSV,
    build_panel,
    load_elections,
    neighbours_from_centroids,
    period_floor,
)
from vigil.analytics.precision import admin1_known, countable
from vigil.analytics.ucdp import CANONICAL_COLUMNS, read_ucdp_ged


def make_events(rows: list[tuple]) -> pd.DataFrame:
    """rows: (date, country, admin1, fatalities, violence_type, lat, lon)."""
    records = []
    for i, (date, country, admin1, deaths, vt, lat, lon) in enumerate(rows):
        records.append(
            {
                "event_id": str(i),
                "source": "test",
                "date_start": pd.Timestamp(date),
                "date_end": pd.Timestamp(date),
                "country": country,
                "admin1": admin1,
                "admin2": None,
                "latitude": lat,
                "longitude": lon,
                "category": "violence_against_civilians" if vt == 3 else "armed_clash",
                "violence_type": vt,
                "fatalities": deaths,
                "fatalities_low": deaths,
                "fatalities_high": deaths,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=list(CANONICAL_COLUMNS))
    frame["date_start"] = frame["date_start"].astype("datetime64[ns]")
    return frame


EVENTS = make_events(
    [
        ("2020-01-05", "NGA", "Borno", 10, 1, 11.8, 13.1),
        ("2020-01-20", "NGA", "Borno", 0, 3, 11.9, 13.2),
        ("2020-04-02", "NGA", "Borno", 5, 3, 11.8, 13.1),
        ("2020-02-10", "NGA", "Yobe", 3, 2, 12.0, 11.5),
        ("2020-03-15", "NGA", "Lagos", 1, 1, 6.5, 3.4),
        ("2020-03-16", "NGA", None, 7, 1, 9.0, 8.0),
        ("2020-02-01", "NER", "Diffa", 4, 1, 13.3, 12.6),
    ]
)


def test_grid_is_complete_with_zeros_from_first_event() -> None:
    panel = build_panel(EVENTS, level="admin1", freq="MS")

    borno = panel.loc[panel["area"] == "NGA/Borno"]
    assert borno["period"].dt.strftime("%Y-%m").tolist() == [
        "2020-01",
        "2020-02",
        "2020-03",
        "2020-04",
    ]
    assert borno["events"].tolist() == [2, 0, 0, 1]
    assert borno["fatalities"].tolist() == [10, 0, 0, 5]
    assert borno["fatalities_vt3"].tolist() == [0, 0, 0, 5]
    assert borno["events_violence_against_civilians"].tolist() == [1, 0, 0, 1]
    assert borno["fatalities_armed_clash"].tolist() == [10, 0, 0, 0]
    # Yobe starts at its first event; the admin1-less event is left out at this level.
    assert panel.loc[panel["area"] == "NGA/Yobe", "period"].min() == pd.Timestamp("2020-02-01")
    assert panel["fatalities"].sum() == EVENTS["fatalities"].sum() - 7
    assert list(panel.columns[:4]) == ["area", "country", "admin1", "period"]


def test_country_level_counts_everything_and_start_extends_the_grid() -> None:
    panel = build_panel(EVENTS, level="country", freq="MS", start="2019-11-01")

    nga = panel.loc[panel["area"] == "NGA"]
    assert nga["period"].min() == pd.Timestamp("2019-11-01")
    assert nga["fatalities"].sum() == 26
    assert set(panel["area"]) == {"NGA", "NER"}


def test_rolling_sums_trend_and_periods_since_fatal_use_the_past_only() -> None:
    panel = build_panel(EVENTS, level="admin1", freq="MS")
    borno = panel.loc[panel["area"] == "NGA/Borno"].reset_index(drop=True)

    assert borno["fatalities_sum3"].tolist() == [10, 10, 10, 5]
    assert borno["events_sum12"].tolist() == [2, 2, 2, 3]
    assert borno["periods_since_fatal"].tolist() == [0, 1, 2, 0]
    lagos = panel.loc[panel["area"] == "NGA/Lagos"]
    assert lagos["trend"].iloc[0] == pytest.approx(0.0)


def test_no_feature_of_a_period_changes_when_later_events_are_added() -> None:
    full = build_panel(EVENTS, level="admin1", freq="MS", end="2020-04-30")
    cut = EVENTS.loc[EVENTS["date_start"] < "2020-03-01"]
    early = build_panel(cut, level="admin1", freq="MS", end="2020-02-29")

    keys = ["area", "period"]
    merged = early.merge(full, on=keys, suffixes=("_early", "_full"))
    assert len(merged) == len(early)
    for column in early.columns.difference([*keys, "country", "admin1"]):
        pd.testing.assert_series_equal(
            merged[f"{column}_early"], merged[f"{column}_full"], check_names=False
        )


def test_weekly_periods_start_on_monday() -> None:
    floors = period_floor(
        pd.Series(pd.to_datetime(["2024-01-03", "2024-01-07", "2024-01-08"])), "W"
    )
    assert floors.dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-01-01", "2024-01-08"]
    panel = build_panel(EVENTS, level="country", freq="W")
    assert (panel["period"].dt.day_of_week == 0).all()


def test_daily_panel_sums_match_monthly() -> None:
    daily = build_panel(EVENTS, level="country", freq="D")
    monthly = build_panel(EVENTS, level="country", freq="MS")
    assert (
        daily.groupby("area")["fatalities"]
        .sum()
        .equals(monthly.groupby("area")["fatalities"].sum())
    )


def test_spatial_lag_is_the_neighbours_previous_period_mean() -> None:
    neighbours = {"NGA/Borno": ["NGA/Yobe", "NER/Diffa"]}
    panel = build_panel(EVENTS, level="admin1", freq="MS", neighbours=neighbours)
    borno = panel.loc[panel["area"] == "NGA/Borno"].set_index("period")

    # March 2020 looks at February: Yobe 3, Diffa 4 -> 3.5.
    assert borno.loc["2020-03-01", "spatial_lag_fatalities"] == pytest.approx(3.5)
    assert borno.loc["2020-02-01", "spatial_lag_fatalities"] == pytest.approx(0.0)
    assert np.isnan(borno.loc["2020-01-01", "spatial_lag_fatalities"])
    assert panel.loc[panel["area"] == "NGA/Lagos", "spatial_lag_events"].isna().all()


def test_neighbours_from_centroids_nearest_first() -> None:
    nbrs = neighbours_from_centroids(EVENTS, "admin1", k=2)
    assert nbrs["NGA/Borno"] == ["NER/Diffa", "NGA/Yobe"]
    assert neighbours_from_centroids(EVENTS, "admin1", k=None, max_km=300)["NGA/Lagos"] == []
    with pytest.raises(ValueError, match="give k"):
        neighbours_from_centroids(EVENTS, "admin1", k=None, max_km=None)


def test_election_covariates_count_whole_periods() -> None:
    elections = pd.DataFrame(
        {
            "country": ["NGA", "NGA"],
            "date": pd.to_datetime(["2020-03-28", "2023-02-25"]),
            "kind": "general",
        }
    )
    panel = build_panel(EVENTS, level="country", freq="MS", elections=elections)
    nga = panel.loc[panel["area"] == "NGA"].set_index("period")

    assert nga["periods_to_election"].tolist() == [2, 1, 0, 34]
    assert nga["periods_since_election"].isna().tolist() == [True, True, False, False]
    assert nga["periods_since_election"].iloc[-1] == 1
    assert nga["election_period"].tolist() == [0, 0, 1, 0]
    assert panel.loc[panel["area"] == "NER", "periods_to_election"].isna().all()


def test_shipped_elections_calendar_is_editable_reference_data() -> None:
    text = ELECTIONS_CSV.read_text(encoding="utf-8")
    assert "EDITABLE REFERENCE DATA" in text
    cal = load_elections()
    assert {"country", "date", "kind"} <= set(cal.columns)
    assert cal["country"].nunique() >= 12
    nga = set(cal.loc[cal["country"] == "NGA", "date"].dt.strftime("%Y-%m-%d"))
    assert {"2015-03-28", "2019-02-23", "2023-02-25"} <= nga
    assert "2020-12-27" in set(cal.loc[cal["country"] == "CAF", "date"].dt.strftime("%Y-%m-%d"))
    assert "2020-11-08" in set(cal.loc[cal["country"] == "MMR", "date"].dt.strftime("%Y-%m-%d"))


def test_indicator_observations_are_averaged_per_area_period() -> None:
    observations = pd.DataFrame(
        {
            "country": ["NGA", "NGA", "NGA", "NGA"],
            "admin1": ["Borno state", "Borno", None, "Yobe"],
            "period_start": pd.to_datetime(
                ["2020-02-03", "2020-02-17", "2020-02-01", "2020-04-01"]
            ),
            "indicator": ["tension", "tension", "tension", "tension"],
            "value": [2.0, 4.0, 1.0, 5.0],
        }
    )
    admin1 = build_panel(EVENTS, level="admin1", freq="MS", observations=observations)
    get = admin1.set_index(["area", "period"])["obs_tension"]
    assert get[("NGA/Borno", pd.Timestamp("2020-02-01"))] == pytest.approx(3.0)
    assert get[("NGA/Yobe", pd.Timestamp("2020-02-01"))] == pytest.approx(1.0)  # country-wide
    assert np.isnan(get[("NGA/Borno", pd.Timestamp("2020-03-01"))])

    country = build_panel(EVENTS, level="country", freq="MS", observations=observations)
    got = country.set_index(["area", "period"])["obs_tension"]
    assert got[("NGA", pd.Timestamp("2020-02-01"))] == pytest.approx(7 / 3)


def test_empty_events_give_an_empty_panel() -> None:
    panel = build_panel(EVENTS.iloc[0:0], level="admin1")
    assert panel.empty
    assert "area" in panel.columns


def test_real_nigeria_panel(shared_data: Path) -> None:
    events = read_ucdp_ged(shared_data / "ucdp_ged" / "hdx_ucdp_ged_conflict_data_nga.csv.gz")
    neighbours = neighbours_from_centroids(events, "admin1", k=4)
    panel = build_panel(
        events, level="admin1", freq="MS", elections=load_elections(), neighbours=neighbours
    )

    assert not panel.duplicated(["area", "period"]).any()
    placed = events.loc[admin1_known(events)]
    precise = placed.loc[countable(placed, "MS")]
    # Every placed death is either counted in its month or kept apart as imprecise.
    assert panel["fatalities"].sum() == precise["fatalities"].sum()
    assert panel["fatalities"].sum() + panel["imprecise_fatalities"].sum() == (
        placed["fatalities"].sum()
    )
    assert len(precise) < len(placed)  # the file holds month- and year-dated events
    borno = panel.loc[panel["area"] == "NGA/Borno"].set_index("period")
    assert borno.loc["2009-07-01", "fatalities"] > 250  # the Boko Haram uprising
    assert "NGA/Yobe" in neighbours["NGA/Borno"]
    assert borno.loc["2015-03-01", "election_period"] == 1
