"""What each file covers, and what a missing cell says (no data is not zero)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vigil.analytics.coverage import (
    GLOBAL,
    coverage_frame,
    coverage_status,
    covered,
    derive_coverage,
    release_from_name,
)
from vigil.analytics.panel import build_panel
from vigil.analytics.ucdp import read_ucdp_ged

NGA = "hdx_ucdp_ged_conflict_data_nga.csv.gz"


@pytest.fixture(scope="module")
def nigeria(shared_data: Path) -> pd.DataFrame:
    return read_ucdp_ged(shared_data / "ucdp_ged" / NGA)


def _nigeria_coverage(nigeria: pd.DataFrame) -> pd.DataFrame:
    last = pd.to_datetime(nigeria["date_end"]).max()
    release = release_from_name("ucdp_ged", NGA, last)
    return derive_coverage(nigeria, source="ucdp_ged", release=release)


def test_a_per_country_ged_extract_covers_whole_years_of_its_country(nigeria) -> None:
    coverage = _nigeria_coverage(nigeria)
    assert coverage[["country", "release", "kind"]].values.tolist() == [
        ["NGA", "20.1 (inferred)", "events"]
    ]
    assert coverage.loc[0, "first"] == pd.Timestamp("1990-01-01")  # its first event is of 1990
    assert coverage.loc[0, "last"] == pd.Timestamp("2019-12-31")


def test_release_names_are_read_from_ucdp_file_names() -> None:
    assert release_from_name("ucdp_ged", "ged241_mexico_1989-2023.csv.gz", None) == "24.1"
    assert release_from_name("ucdp_candidate", "GEDEvent_v24_0_9.csv", None) == "24.0"


def test_a_global_release_covers_every_country() -> None:
    events = pd.DataFrame(
        {
            "country": [f"C{i:02d}" for i in range(120)],
            "date_start": pd.Timestamp("2022-03-01"),
            "date_end": pd.Timestamp("2022-03-01"),
        }
    )
    coverage = derive_coverage(events, source="ucdp_ged", release="23.1")
    assert coverage["country"].tolist() == [GLOBAL]
    cells = covered(
        coverage, pd.Series(["NGA"]), pd.Series(["2022-01-01"]), pd.Series(["2022-01-31"])
    )
    assert cells.tolist() == [True]
    assert derive_coverage(events, source="ucdp_ged", release="23.1", scope="none").empty


def test_gdelt_is_a_signal_and_never_makes_a_cell_covered() -> None:
    events = pd.DataFrame({"country": ["NGA"], "date_start": [pd.Timestamp("2023-05-02")]})
    coverage = derive_coverage(events, source="gdelt", release="export")
    assert coverage["kind"].tolist() == ["signal"]
    cells = covered(
        coverage, pd.Series(["NGA"]), pd.Series(["2023-05-01"]), pd.Series(["2023-05-31"])
    )
    assert cells.tolist() == [False]


def test_acled_starts_no_earlier_than_its_published_coverage() -> None:
    events = pd.DataFrame(
        {"country": ["MEX", "MEX"], "date_start": pd.to_datetime(["2015-06-03", "2020-02-10"])}
    )
    coverage = derive_coverage(events, source="acled", release="export")
    assert coverage.loc[0, "first"] == pd.Timestamp("2018-01-01")
    assert coverage.loc[0, "last"] == pd.Timestamp("2020-02-10")


def test_nigeria_after_2019_is_missing_not_zero(nigeria) -> None:
    coverage = _nigeria_coverage(nigeria)
    panel = build_panel(nigeria, level="admin1", freq="MS", end="2023-12-31", coverage=coverage)
    late = panel.loc[panel["period"] >= "2020-01-01"]
    assert len(late) > 0
    assert not late["covered"].any()
    assert late["fatalities"].isna().all()
    early = panel.loc[panel["period"] < "2020-01-01"]
    assert early["covered"].all()
    assert not np.isnan(early["fatalities"]).any()

    status = coverage_status(
        coverage, ["NGA"], pd.Timestamp("2023-12-25"), pd.Timestamp("2023-12-31")
    )
    assert status.loc[0, "status"] == "none"
    assert status.loc[0, "note"] == "no data since 2019-12-31 — UCDP GED extract 20.1 (inferred)"
    partial = coverage_status(
        coverage, ["NGA"], pd.Timestamp("2019-12-01"), pd.Timestamp("2020-01-31")
    )
    assert partial.loc[0, "status"] == "partial"


def test_coverage_frame_defaults_the_kind_from_the_source() -> None:
    frame = coverage_frame(
        [
            {
                "source": "gdelt",
                "release": "x",
                "country": GLOBAL,
                "first": "2020-01-01",
                "last": "2020-01-02",
            },
            {
                "source": "acled",
                "release": "x",
                "country": "NGA",
                "first": "2020-01-01",
                "last": "2020-01-02",
            },
        ]
    )
    assert frame["kind"].tolist() == ["signal", "events"]
