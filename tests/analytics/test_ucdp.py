"""The UCDP GED reader turns every real layout into the canonical events frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vigil.analytics.ucdp import (
    CANONICAL_COLUMNS,
    gw_to_iso3,
    normalise_admin1,
    read_ucdp_ged,
    ucdp_to_events,
)

FILES = {
    "ged241_mexico_1989-2023.csv.gz": ("MEX", 18_957),
    "ged241_myanmar_1989-2023.csv.gz": ("MMR", 7_374),
    "ged191_syria_2016-2019.csv.gz": ("SYR", 16_566),
    "ged231_central_african_republic_1989-2022.csv.gz": ("CAF", 1_848),
    "hdx_ucdp_ged_conflict_data_nga.csv.gz": ("NGA", 4_603),
}


@pytest.mark.parametrize(("name", "expected"), FILES.items())
def test_each_country_file_reads_completely(shared_data: Path, name: str, expected) -> None:
    iso3, rows = expected
    events = read_ucdp_ged(shared_data / "ucdp_ged" / name)

    assert tuple(events.columns) == CANONICAL_COLUMNS
    assert len(events) == rows
    assert set(events["country"]) == {iso3}
    assert events["event_id"].is_unique
    assert events["date_start"].dtype == "datetime64[ns]"
    assert (events["date_end"] >= events["date_start"]).all()
    assert set(events["violence_type"]) <= {1, 2, 3}
    assert (events[["fatalities", "fatalities_low", "fatalities_high"]] >= 0).all().all()
    # GED itself has a few rows (1-2%) with low > high; the reader keeps them as published.
    assert (events["fatalities_low"] > events["fatalities_high"]).mean() < 0.02


def test_nigeria_hdx_layout_skips_the_hxl_row_and_the_index_column(shared_data: Path) -> None:
    events = read_ucdp_ged(shared_data / "ucdp_ged" / "hdx_ucdp_ged_conflict_data_nga.csv.gz")

    # PROVENANCE.md: Borno state has 2,221 of the 4,603 events.
    assert (events["admin1"] == "Borno").sum() == 2_221
    assert not events["event_id"].str.contains(r"\.").any()  # 15960.0 -> "15960"


def test_syria_layout_totals_match_provenance(shared_data: Path) -> None:
    events = read_ucdp_ged(shared_data / "ucdp_ged" / "ged191_syria_2016-2019.csv.gz")

    assert events["fatalities"].sum() == 112_337
    assert events["violence_type"].value_counts().to_dict() == {1: 11507, 2: 4577, 3: 482}
    assert "Idlib" in set(events["admin1"])


def test_categories_follow_violence_type(shared_data: Path) -> None:
    events = read_ucdp_ged(shared_data / "ucdp_ged" / "ged241_myanmar_1989-2023.csv.gz")

    by_type = events.groupby("violence_type")["category"].unique().map(list).to_dict()
    assert by_type == {
        1: ["armed_clash"],
        2: ["armed_clash"],
        3: ["violence_against_civilians"],
    }


def test_global_sample_maps_gleditsch_ward_codes(shared_data: Path) -> None:
    events = read_ucdp_ged(shared_data / "ucdp_ged" / "ged231_random_sample_1000_global.csv.gz")

    assert events["country"].notna().mean() > 0.95
    assert {"SYR", "AFG", "IND"} <= set(events["country"])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Borno state", "Borno"),
        ("Idlib Governorate", "Idlib"),
        ("Magway  region", "Magway"),
        ("Bago division", "Bago"),
        ("Bangui province", "Bangui"),
        ("Karen state", "Kayin"),
        ("Federal Capital territory", "Federal Capital Territory"),
        ("Ciudad de México", "Ciudad de México"),
        ("lagos STATE", "Lagos"),
        (None, None),
        ("  ", None),
    ],
)
def test_normalise_admin1(raw: str | None, clean: str | None) -> None:
    assert normalise_admin1(raw) == clean


def test_gw_codes() -> None:
    assert [gw_to_iso3(c) for c in (475, 482, 775, 652, 70, 436, 432, 439, 483, 471)] == [
        "NGA", "CAF", "MMR", "SYR", "MEX", "NER", "MLI", "BFA", "TCD", "CMR",
    ]  # fmt: skip
    assert gw_to_iso3(None) is None
    assert gw_to_iso3(99999) is None


def test_frame_without_ged_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="missing columns"):
        ucdp_to_events(pd.DataFrame({"id": [1]}))
