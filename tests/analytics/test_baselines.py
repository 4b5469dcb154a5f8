"""The VIEWS baselines: their definitions, their distributions and the months they skip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from vigil.analytics import baselines
from vigil.analytics.coverage import derive_coverage
from vigil.analytics.forecast import SAMPLE_COLUMNS, SAMPLE_LEVELS, build_violence_panel
from vigil.analytics.ucdp import read_ucdp_ged


def _panel(fatalities: list[float], unit: str = "a") -> pd.DataFrame:
    panel = pd.DataFrame(
        {
            "unit": unit,
            "period": pd.date_range("2020-01-01", periods=len(fatalities), freq="MS"),
            "fatalities": np.asarray(fatalities, dtype=float),
        }
    )
    panel["any_fatal"] = (panel["fatalities"] > 0).astype(int)
    panel["ge25"] = (panel["fatalities"] >= 25).astype(int)
    return panel


def _last(model, panel: pd.DataFrame) -> pd.Series:
    return model.predict(panel).loc[panel.index[-1]]


def _samples(row: pd.Series) -> np.ndarray:
    return row[list(SAMPLE_COLUMNS)].to_numpy(dtype=float)


def test_persistence_is_poisson_around_the_origin_month():
    row = _last(baselines.PersistenceBaseline(), _panel([0] * 12 + [30, 6]))
    assert row["p_any"] == pytest.approx(1 - np.exp(-6))
    assert row["p_ge25"] == pytest.approx(stats.poisson.sf(24, 6))
    assert _samples(row).tolist() == stats.poisson.ppf(SAMPLE_LEVELS, 6).tolist()
    assert row["point"] == 6  # the median of Poisson(6)
    quiet = _last(baselines.PersistenceBaseline(), _panel([5, 0]))
    assert quiet["p_any"] == 0
    assert (_samples(quiet) == 0).all()


def test_historical_takes_the_whole_history_as_the_distribution():
    row = _last(baselines.HistoricalAverageBaseline(), _panel([0] * 12 + [30, 6]))
    assert row["p_any"] == pytest.approx(2 / 14)
    assert row["p_ge25"] == pytest.approx(1 / 14)
    assert set(_samples(row)) == {0.0, 6.0, 30.0}
    assert row["point"] == 0  # twelve of fourteen months were quiet


def test_conflictology_takes_the_last_twelve_months():
    row = _last(baselines.ConflictologyBaseline(), _panel([100, 100] + [0] * 10 + [30, 6]))
    assert row["p_any"] == pytest.approx(2 / 12)  # the two months of 100 are older
    assert row["p_ge25"] == pytest.approx(1 / 12)
    assert set(_samples(row)) == {0.0, 6.0, 30.0}


def test_bootstrap_pools_every_unit_of_the_last_twelve_months():
    panel = pd.concat([_panel([0] * 12), _panel([50] * 6 + [0] * 6, unit="b")], ignore_index=True)
    forecast = baselines.BootstrapBaseline().predict(panel)
    last = panel.groupby("unit").tail(1).index
    # 24 months pooled, 6 of them fatal: the same distribution for both units
    assert forecast.loc[last, "p_any"].tolist() == [0.25, 0.25]
    pd.testing.assert_series_equal(
        forecast.loc[last[0], list(SAMPLE_COLUMNS)],
        forecast.loc[last[1], list(SAMPLE_COLUMNS)],
        check_names=False,
    )
    assert set(_samples(forecast.loc[last[0]])) == {0.0, 50.0}
    # the first month pools only the first month
    assert forecast.loc[0, "p_any"] == pytest.approx(0.5)


def test_uncovered_months_are_not_history_and_give_no_forecast():
    panel = _panel([10, 20, np.nan, np.nan, 0])
    panel["covered"] = panel["fatalities"].notna()
    for model in (
        baselines.PersistenceBaseline(),
        baselines.HistoricalAverageBaseline(),
        baselines.ConflictologyBaseline(),
        baselines.BootstrapBaseline(),
        baselines.ZerosBaseline(),
    ):
        forecast = model.predict(panel)
        assert forecast.loc[[2, 3]].isna().all().all(), type(model).__name__
        assert forecast.loc[4].notna().all(), type(model).__name__
    row = baselines.ConflictologyBaseline().predict(panel).loc[4]
    assert row["p_any"] == pytest.approx(2 / 3)  # three covered months: 10, 20, 0
    assert set(_samples(row)) == {0.0, 10.0, 20.0}


def test_every_baseline_point_lies_inside_its_own_interval(shared_data):
    events = read_ucdp_ged(shared_data / "ucdp_ged" / "hdx_ucdp_ged_conflict_data_nga.csv.gz")
    coverage = derive_coverage(events, source="ucdp_ged", release="20.1 (inferred)")
    panel = build_violence_panel(
        events, level="admin1", start="2012-01", end="2021-12", coverage=coverage
    )
    for model in baselines.MONTH_BASELINES:
        forecast = model().predict(panel)[panel["covered"]]
        samples = np.sort(forecast[list(SAMPLE_COLUMNS)].to_numpy(), axis=1)
        low = np.array([np.interp(0.1, SAMPLE_LEVELS, row) for row in samples])
        high = np.array([np.interp(0.9, SAMPLE_LEVELS, row) for row in samples])
        point = forecast["point"].to_numpy()
        assert ((low <= point) & (point <= high)).all(), model.__name__
        assert forecast["p_any"].between(0, 1).all(), model.__name__


def test_zeros_forecast_nothing():
    forecast = baselines.ZerosBaseline().predict(_panel([3, 4]))
    assert (forecast[list(SAMPLE_COLUMNS)].to_numpy() == 0).all()
    assert (forecast[["p_any", "p_ge25", "point"]].to_numpy() == 0).all()
