"""Forecasters and baselines: targets, panel building and the shape of forecasts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vigil.analytics.conflict_years import load_country_year_panel
from vigil.analytics.coverage import coverage_frame, derive_coverage
from vigil.analytics.forecast import (
    SAMPLE_COLUMNS,
    SAMPLE_LEVELS,
    ConflictYearForecaster,
    ViolenceMonthForecaster,
    build_violence_panel,
    build_violence_panel_as_of,
    future,
    median_and_interval,
    mixture_quantiles,
)
from vigil.analytics.precision import known_by
from vigil.analytics.ucdp import read_ucdp_ged

MEXICO = "ged241_mexico_1989-2023.csv.gz"
NIGERIA = "hdx_ucdp_ged_conflict_data_nga.csv.gz"


def _events(rows):
    frame = pd.DataFrame(rows, columns=["country", "admin1", "date_start", "fatalities"])
    frame["date_start"] = pd.to_datetime(frame["date_start"])
    return frame


@pytest.fixture(scope="module")
def nigeria_panel(shared_data):
    events = read_ucdp_ged(shared_data / "ucdp_ged" / NIGERIA)
    return build_violence_panel(events, level="admin1", start="2005-01", end="2016-12")


@pytest.fixture(scope="module")
def mexico(shared_data):
    return read_ucdp_ged(shared_data / "ucdp_ged" / MEXICO)


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


def test_the_point_forecast_is_the_median_and_always_inside_its_interval(nigeria_panel):
    model = ViolenceMonthForecaster(horizon=1, max_iter=20).fit(nigeria_panel)
    forecast = model.predict(nigeria_panel)
    assert (forecast["point"] == forecast["median"]).all()
    assert (forecast["lower80"] <= forecast["point"]).all()
    assert (forecast["point"] <= forecast["upper80"]).all()
    # quiet areas: the interval is [0, 0] and so is the point, never "3 (0-0)"
    quiet = forecast["upper80"] == 0
    assert quiet.sum() > 100
    assert (forecast.loc[quiet, "point"] == 0).all()


def test_a_likely_quiet_month_has_point_zero_inside_a_zero_interval():
    # P(any) = 0.18 of a large count: the old point, the geometric mean of the samples,
    # said 2 deaths while the shortest 80% interval is [0, 0].
    residuals = np.linspace(-1.0, 1.0, 201)
    p_any, centre = np.array([0.18]), np.array([np.log1p(1000)])
    samples = mixture_quantiles(p_any, centre, residuals, SAMPLE_LEVELS)
    assert np.expm1(np.log1p(samples).mean()) > 2
    median, bounds = median_and_interval(p_any, centre, residuals, 0.8)
    assert median[0] == 0
    assert bounds[0].tolist() == [0.0, 0.0]
    # likely violent: a two-sided interval around a positive median
    median, bounds = median_and_interval(np.array([0.95]), centre, residuals, 0.8)
    assert bounds[0, 0] < median[0] < bounds[0, 1]


def test_uncovered_months_are_missing_not_zero_and_lags_skip_them():
    events = _events([("NGA", "Borno", "2019-11-05", 4), ("NGA", "Borno", "2019-12-20", 6)])
    coverage = coverage_frame(
        [
            {
                "source": "ucdp_ged",
                "release": "20.1",
                "country": "NGA",
                "first": "1989-01-01",
                "last": "2019-12-31",
            }
        ]
    )
    panel = build_violence_panel(
        events, level="country", start="2019-11", end="2020-02", coverage=coverage
    )
    assert panel["covered"].tolist() == [True, True, False, False]
    assert panel["fatalities"].iloc[:2].tolist() == [4, 6]
    assert panel["fatalities"].iloc[2:].isna().all()  # no data is not zero
    assert panel["any_fatal"].iloc[2:].isna().all()
    # a lag that falls on a covered month still reads it; the mean skips the gap
    assert panel["log_fat_lag2"].iloc[3] == pytest.approx(np.log1p(6))
    assert panel["log_fat_mean3"].iloc[3] == pytest.approx(np.log1p(6))
    without = build_violence_panel(events, level="country", start="2019-11", end="2020-02")
    assert without["covered"].all()
    assert without["fatalities"].tolist() == [4, 6, 0, 0]


def test_the_forecaster_learns_and_forecasts_only_on_covered_months(shared_data):
    events = read_ucdp_ged(shared_data / "ucdp_ged" / NIGERIA)
    coverage = derive_coverage(events, source="ucdp_ged", release="20.1 (inferred)")
    panel = build_violence_panel(
        events, level="admin1", start="2008-01", end="2023-12", coverage=coverage
    )
    assert not panel.loc[panel["period"] >= "2020-01-01", "covered"].any()
    model = ViolenceMonthForecaster(horizon=1, max_iter=10).fit(panel)
    # the last target learnt from is the last covered month, not 2023's zeros
    assert model.training_window_[1] == pd.Timestamp("2019-12-01")
    forecast = model.predict(panel)
    uncovered = ~panel["covered"]
    assert forecast.loc[uncovered, ["p_any", "point", "lower80", "upper80"]].isna().all().all()
    assert forecast.loc[~uncovered, "p_any"].notna().all()


def test_year_precision_events_count_in_no_month_on_the_real_mexico_file(mexico):
    panel = build_violence_panel(mexico, level="country", start="2008-01", end="2008-12")
    january = panel.loc[panel["period"] == "2008-01-01", "fatalities"].iloc[0]
    started = mexico[(mexico["date_start"] >= "2008-01-01") & (mexico["date_start"] < "2008-02-01")]
    # eight events known only to the year 2008 hold 2,910 deaths, all dated 1 January
    year_only = started[started["date_precision"] == 5]
    assert len(year_only) == 8
    assert year_only["fatalities"].sum() == 2910
    assert started["fatalities"].sum() == 2974
    assert january == 64
    # and two more events span two months (18 deaths): 919 of the year's 3,847 are counted
    assert panel["fatalities"].sum() == 3847 - 2910 - 18


def test_the_panel_as_of_2008_01_31_holds_no_death_of_february_or_later(mexico):
    as_of = build_violence_panel_as_of(mexico, as_of="2008-01-31", level="admin1", start="1989-01")
    assert as_of["period"].max() == pd.Timestamp("2008-01-01")
    known = mexico[known_by(mexico, "2008-01-31")]
    assert known["date_end"].max() <= pd.Timestamp("2008-01-31")
    later = mexico[(mexico["date_start"] > "2008-01-31") | (mexico["date_end"] > "2008-01-31")]
    assert later["fatalities"].sum() > 100_000  # what it must not see
    assert not set(later["event_id"]) & set(known["event_id"])
    # 1989 to January 2008: 3,470 deaths known, 2,262 in events dated within one month
    assert known["fatalities"].sum() == 3_470
    assert as_of["fatalities"].sum() == 2_262
    # The backtest reads one panel of the whole file: its rows up to January 2008 are
    # exactly the as-of panel, so an origin of January 2008 sees nothing later.
    # (Over the same areas: the country's admin1 areas, named anywhere in the file.)
    full = build_violence_panel(mexico, level="admin1", start="1989-01", end="2023-12")
    areas = sorted(full["unit"].unique())
    as_of = build_violence_panel_as_of(
        mexico, as_of="2008-01-31", level="admin1", start="1989-01", units=areas
    )
    upto = full[full["period"] <= "2008-01-01"].reset_index(drop=True)
    pd.testing.assert_frame_equal(upto, as_of, check_dtype=False)


def test_a_part_month_is_not_the_last_period_of_an_as_of_panel(mexico):
    panel = build_violence_panel_as_of(mexico, as_of="2008-02-15", level="country", start="2007-01")
    assert panel["period"].max() == pd.Timestamp("2008-01-01")
