"""Forecasters and baselines: targets, panel building and the shape of forecasts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vigil.analytics import baselines
from vigil.analytics.conflict_years import load_country_year_panel
from vigil.analytics.forecast import (
    SAMPLE_COLUMNS,
    ConflictYearForecaster,
    ViolenceMonthForecaster,
    build_violence_panel,
    future,
)
from vigil.analytics.ucdp import read_ucdp_ged


def _events(rows):
    frame = pd.DataFrame(rows, columns=["country", "admin1", "date_start", "fatalities"])
    frame["date_start"] = pd.to_datetime(frame["date_start"])
    return frame


@pytest.fixture(scope="module")
def nigeria_panel(shared_data):
    events = read_ucdp_ged(shared_data / "ucdp_ged" / "hdx_ucdp_ged_conflict_data_nga.csv.gz")
    return build_violence_panel(events, level="admin1", start="2005-01", end="2016-12")


def test_future_reads_h_periods_ahead_and_not_across_a_gap():
    panel = pd.DataFrame({"unit": ["a"] * 4, "period": [2000, 2001, 2003, 2004], "x": [1, 2, 3, 4]})
    assert future(panel, "x", 1).iloc[0] == 2
    # 2001 -> 2002 is missing from the panel, and 2004 is the last year
    assert future(panel, "x", 1).isna().tolist() == [False, True, False, True]


def test_violence_panel_fills_every_month_and_lags_the_log_count():
    events = _events(
        [
            ("NGA", "Borno", "2020-01-05", 3),
            ("NGA", "Borno", "2020-01-20", 7),
            ("NGA", "Yobe", "2020-03-01", 30),
        ]
    )
    panel = build_violence_panel(events, level="admin1", start="2020-01", end="2020-04")
    borno = panel[panel["unit"] == "NGA|Borno"]
    assert borno["fatalities"].tolist() == [10, 0, 0, 0]
    assert borno["events"].tolist() == [2, 0, 0, 0]
    assert borno["log_fat_lag1"].iloc[1] == pytest.approx(np.log1p(10))
    assert borno["months_since_fatal"].tolist() == [0, 1, 2, 3]
    yobe = panel[panel["unit"] == "NGA|Yobe"]
    assert yobe["ge25"].tolist() == [0, 0, 1, 0]
    # country-level features are shared by the country's areas
    assert borno["country_log_fat"].iloc[2] == pytest.approx(np.log1p(30))
    country = build_violence_panel(events, level="country", start="2020-01", end="2020-04")
    assert country["fatalities"].tolist() == [10, 0, 30, 0]


def test_conflict_year_forecaster_gives_onset_only_for_states_at_peace(shared_data):
    panel = load_country_year_panel(shared_data)
    model = ConflictYearForecaster(horizon=1, max_iter=20).fit(panel[panel["year"] < 2000])
    assert model.training_window_ == (1947, 1999)
    forecast = model.predict(panel[panel["year"] == 2000])
    in_conflict = panel.loc[panel["year"] == 2000, "incidence"] == 1
    assert forecast["p_onset"][in_conflict].isna().all()
    assert forecast["p_onset"][~in_conflict].between(0, 1).all()
    assert (
        forecast["p_incidence"][in_conflict].mean() > forecast["p_incidence"][~in_conflict].mean()
    )


def test_month_forecaster_gives_a_hurdle_distribution(nigeria_panel):
    model = ViolenceMonthForecaster(horizon=1, max_iter=20).fit(nigeria_panel)
    forecast = model.predict(nigeria_panel.tail(200))
    samples = forecast[list(SAMPLE_COLUMNS)].to_numpy()
    assert (samples >= 0).all()
    assert (np.diff(samples, axis=1) >= 0).all()  # quantile levels are increasing
    assert forecast["p_any"].between(0, 1).all()
    assert (forecast["p_ge25"] <= forecast["p_any"] + 0.2).all()
    # the share of zero samples is 1 - P(any fatality), to the sample resolution
    zero_share = (samples == 0).mean(axis=1)
    assert np.abs(zero_share - (1 - forecast["p_any"])).max() <= 1 / len(SAMPLE_COLUMNS) + 1e-9


def test_baselines_follow_their_definitions():
    panel = pd.DataFrame(
        {
            "unit": ["a"] * 14,
            "period": pd.date_range("2020-01-01", periods=14, freq="MS"),
            "fatalities": [0] * 12 + [30, 6],
        }
    )
    panel["any_fatal"] = (panel["fatalities"] > 0).astype(int)
    panel["ge25"] = (panel["fatalities"] >= 25).astype(int)
    last = panel.tail(1)
    persistence = baselines.PersistenceBaseline().predict(panel).loc[last.index]
    assert persistence["point"].iloc[0] == pytest.approx(6)
    assert persistence["p_any"].iloc[0] == 1
    assert persistence["p_ge25"].iloc[0] == 0
    conflictology = baselines.ConflictologyBaseline().predict(panel).loc[last.index]
    # last 12 months: ten zeros, a 30 and a 6
    assert conflictology["p_any"].iloc[0] == pytest.approx(2 / 12)
    assert conflictology["p_ge25"].iloc[0] == pytest.approx(1 / 12)
    samples = conflictology[list(SAMPLE_COLUMNS)].to_numpy().ravel()
    assert set(samples) == {0.0, 6.0, 30.0}
    average = baselines.HistoricalAverageBaseline().predict(panel).loc[last.index]
    assert average["point"].iloc[0] == pytest.approx(36 / 14)
    zeros = baselines.ZerosBaseline().predict(panel)
    assert (zeros[list(SAMPLE_COLUMNS)].to_numpy() == 0).all()
