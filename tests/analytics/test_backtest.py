"""Rolling-origin backtests: no look-ahead, one row per forecast, scores and reports."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from vigil.analytics.backtest import backtest, score_backtest, write_report
from vigil.analytics.baselines import PersistenceBaseline
from vigil.analytics.conflict_years import load_country_year_panel
from vigil.analytics.coverage import derive_coverage
from vigil.analytics.forecast import (
    ConflictYearForecaster,
    ViolenceMonthForecaster,
    build_violence_panel,
    build_violence_panel_as_of,
)
from vigil.analytics.ucdp import read_ucdp_ged


def test_country_year_forecasts_for_a_year_ignore_the_data_after_it(shared_data):
    full = load_country_year_panel(shared_data)
    truncated = load_country_year_panel(shared_data, last_year=2012)
    model = ConflictYearForecaster(max_iter=20)
    with_future = backtest(model, full, horizon=1, years=[2012])
    without = backtest(model, truncated, horizon=1, years=[2012])
    pd.testing.assert_frame_equal(with_future, without)
    assert (with_future["train_last"] == 2011).all()
    assert (with_future["target_period"] == 2012).all()


def test_month_forecasts_for_a_year_ignore_the_data_after_it(shared_data):
    """A backtest of 2008 on the whole Mexico file equals one on the panel an analysis as
    of 2008-12-31 could build: the eight events known only to the year 2008 (2,910
    deaths, dated 1 January) reach neither the features nor the outcomes."""
    events = read_ucdp_ged(shared_data / "ucdp_ged" / "ged241_mexico_1989-2023.csv.gz")
    full = build_violence_panel(events, level="country", start="1995-01", end="2023-12")
    as_of = build_violence_panel_as_of(events, as_of="2008-12-31", level="country", start="1995-01")
    assert as_of["period"].max() == pd.Timestamp("2008-12-01")
    model = ViolenceMonthForecaster(max_iter=10)
    with_future = backtest(model, full, horizon=3, years=[2008])
    without = backtest(model, as_of, horizon=3, years=[2008])
    pd.testing.assert_frame_equal(with_future, without)
    assert len(with_future) == 12  # one country, every month of 2008
    assert (with_future["train_last"] < pd.Timestamp("2008-01-01")).all()
    january = with_future.loc[with_future["target_period"] == "2008-01-01", "actual_fatalities"]
    assert january.iloc[0] == 64  # not 2,974: the year's events are not January's


def test_only_covered_cells_are_forecast_and_scored(shared_data):
    events = read_ucdp_ged(shared_data / "ucdp_ged" / "hdx_ucdp_ged_conflict_data_nga.csv.gz")
    coverage = derive_coverage(events, source="ucdp_ged", release="20.1 (inferred)")
    panel = build_violence_panel(
        events, level="admin1", start="2010-01", end="2021-12", coverage=coverage
    )
    forecasts = backtest(PersistenceBaseline(), panel, horizon=1, years=[2019, 2020, 2021])
    # Nigeria's extract ends in 2019: 2020 and 2021 are missing, not quiet
    assert forecasts["target_period"].max() == pd.Timestamp("2019-12-01")
    assert len(forecasts) == panel["unit"].nunique() * 12
    assert set(forecasts["country"]) == {"NGA"}
    scores = score_backtest(forecasts, by=("country",))
    assert scores["country"].tolist() == ["NGA"]
    assert scores["count_n"].iloc[0] == len(forecasts)


def _toy_panel():
    rng = np.random.default_rng(1)
    rows = []
    for unit in range(6):
        level = [0, 0, 3, 10, 40, 100][unit]
        for period in pd.date_range("2005-01-01", "2012-12-01", freq="MS"):
            rows.append((f"u{unit}", period, int(rng.poisson(level))))
    panel = pd.DataFrame(rows, columns=["unit", "period", "fatalities"])
    panel["any_fatal"] = (panel["fatalities"] > 0).astype(int)
    panel["ge25"] = (panel["fatalities"] >= 25).astype(int)
    return panel


def test_backtest_gives_one_row_per_unit_month_of_each_test_year():
    forecasts = backtest(PersistenceBaseline(), _toy_panel(), horizon=2, years=[2011, 2012])
    assert len(forecasts) == 6 * 24
    assert set(forecasts["horizon"]) == {2}
    assert forecasts["target_period"].dt.year.isin([2011, 2012]).all()
    first = forecasts.sort_values(["unit", "target_period"]).iloc[0]
    assert first["period"] == pd.Timestamp("2010-11-01")


def test_scores_cover_probabilities_and_counts_per_model_and_horizon(tmp_path):
    forecasts = backtest(PersistenceBaseline(), _toy_panel(), horizon=1, years=[2012])
    scores = score_backtest(forecasts)
    assert len(scores) == 1
    row = scores.iloc[0]
    for column in ("any_auc", "any_brier", "ge25_ap", "crps", "mse_log1p", "medae", "mis90"):
        assert column in scores.columns
    assert 0.5 < row["any_auc"] <= 1.0
    write_report(scores, tmp_path / "report.md", title="Toy")
    assert (tmp_path / "report.md").read_text().startswith("# Toy")
    records = json.loads((tmp_path / "report.json").read_text())
    assert records[0]["model"] == "PersistenceBaseline"


def test_a_perfect_forecast_scores_perfectly():
    forecasts = pd.DataFrame(
        {
            "model": "oracle",
            "horizon": 1,
            "p_any": [0.0, 1.0, 0.0, 1.0],
            "actual_any": [0, 1, 0, 1],
        }
    )
    row = score_backtest(forecasts).iloc[0]
    assert row["any_auc"] == 1.0
    assert row["any_brier"] == pytest.approx(0.0)
