"""Date and place precision rules, on real UCDP GED rows (docs/analytics.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vigil.analytics.panel import build_panel
from vigil.analytics.precision import admin1_known, countable, known_by
from vigil.analytics.ucdp import read_ucdp_ged


@pytest.fixture(scope="module")
def mexico(shared_data: Path) -> pd.DataFrame:
    return read_ucdp_ged(shared_data / "ucdp_ged" / "ged241_mexico_1989-2023.csv.gz")


@pytest.fixture(scope="module")
def nigeria(shared_data: Path) -> pd.DataFrame:
    return read_ucdp_ged(shared_data / "ucdp_ged" / "hdx_ucdp_ged_conflict_data_nga.csv.gz")


def _year_dated_2008(mexico: pd.DataFrame) -> pd.DataFrame:
    start = pd.to_datetime(mexico["date_start"])
    return mexico.loc[(mexico["date_precision"] == 5) & (start.dt.year == 2008)]


def test_the_year_dated_mexican_events_of_2008_are_the_ones_the_issue_names(mexico) -> None:
    year_dated = _year_dated_2008(mexico)
    assert len(year_dated) == 8
    assert year_dated["fatalities"].sum() == 2910
    assert (pd.to_datetime(year_dated["date_end"]) == "2008-12-31").all()


def test_a_year_precision_event_is_not_counted_in_any_month(mexico) -> None:
    year_dated = _year_dated_2008(mexico)
    assert not countable(year_dated, "MS").any()
    assert countable(year_dated, "YS").all()

    panel = build_panel(mexico, level="country", freq="MS")
    january = panel.set_index("period").loc[pd.Timestamp("2008-01-01")]
    in_month = mexico.loc[
        (pd.to_datetime(mexico["date_start"]).dt.to_period("M") == "2008-01")
        & (pd.to_datetime(mexico["date_end"]).dt.to_period("M") == "2008-01")
        & (mexico["date_precision"] <= 4)
    ]
    # January holds its own month's deaths, not the 2,910 known only to the year ...
    assert january["fatalities"] == in_month["fatalities"].sum()
    assert january["fatalities"] < 2910
    # ... which are shown apart, in December, where their span ends.
    december = panel.set_index("period").loc[pd.Timestamp("2008-12-01")]
    assert december["imprecise_fatalities"] >= 2910


def test_a_month_precision_event_counts_in_its_month_but_never_on_a_day(nigeria) -> None:
    month_dated = nigeria.loc[
        (nigeria["date_precision"] == 4)
        & (
            pd.to_datetime(nigeria["date_start"]).dt.to_period("M")
            == pd.to_datetime(nigeria["date_end"]).dt.to_period("M")
        )
    ]
    assert len(month_dated) > 0
    assert countable(month_dated, "MS").all()
    assert not countable(month_dated, "W").any()
    assert not countable(month_dated, "D").any()


def test_a_country_level_event_is_not_in_an_admin1(nigeria) -> None:
    country_only = nigeria.loc[nigeria["geo_precision"] >= 6]
    assert len(country_only) > 0
    assert not admin1_known(country_only).any()

    admin1 = build_panel(nigeria, level="admin1", freq="MS")
    country = build_panel(nigeria, level="country", freq="MS")
    # The 250 deaths of 2015-05-11 located only to Nigeria count for Nigeria, in no state.
    row = country_only.loc[country_only["fatalities"] == 250].iloc[0]
    month = pd.Timestamp(row["date_start"]).to_period("M").start_time
    states = admin1.loc[admin1["period"] == month, "fatalities"].sum()
    nation = country.loc[country["period"] == month, "fatalities"].sum()
    assert nation - states >= 250


def test_an_analysis_as_of_a_day_sees_only_events_ended_by_then(mexico) -> None:
    known = mexico.loc[known_by(mexico, "2008-01-31")]
    assert (pd.to_datetime(known["date_end"]) <= "2008-01-31").all()
    assert not known["event_id"].isin(_year_dated_2008(mexico)["event_id"]).any()
