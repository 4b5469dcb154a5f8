"""The escalation evaluation set and its scoring: the case file is what it says it is
(versioned, split by its stated rule, names as in the GED files, onsets recorded by the
data), the baselines and scores compute what docs/escalations.md says, and on the real
files the held-out comparison in bench/escalations/REPORT.md holds."""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vigil.analytics.escalation import EscalationParams, detect_escalations
from vigil.analytics.escalation_eval import (
    CASES_CSV,
    DOCS_CASES,
    GED_FILES,
    MeanMultipleRule,
    SurgeRule,
    all_months_false_alarms,
    case_version,
    control_false_alarms,
    evaluation_panel,
    load_cases,
    load_ged,
    match_floor,
    score_onsets,
    summarise,
)
from vigil.analytics.ucdp import normalise_admin1

ROOT = Path(__file__).resolve().parents[2]


@cache
def _events(data: str) -> dict[str, pd.DataFrame]:
    return load_ged(data)


@cache
def _panel(data: str, level: str) -> pd.DataFrame:
    return evaluation_panel(_events(data), level)  # type: ignore[arg-type]


def _months(start: str, values: list[float], area: str = "X") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": area,
            "period": pd.date_range(f"{start}-01", periods=len(values), freq="MS"),
            "fatalities": values,
            "events": [0.0] * len(values),
        }
    )


# --------------------------------------------------------------------------- the case file


def test_case_file_is_versioned_and_large_enough() -> None:
    cases = load_cases()
    onsets = cases.loc[cases["kind"] == "onset"]
    controls = cases.loc[cases["kind"] == "control"]

    assert case_version(CASES_CSV) == "1"
    assert len(onsets) >= 30
    assert len(controls) >= 20
    assert cases["id"].is_unique
    assert set(onsets["level"]) == {"admin1", "country"}
    assert set(cases["country"]) <= set(GED_FILES)
    assert onsets["source"].str.len().gt(20).all(), "every onset cites a source"
    assert onsets["onset"].notna().all()
    assert (controls["start"] < controls["end"]).all()
    assert ((cases["level"] == "country") == (cases["admin1"] == "")).all()


def test_split_follows_the_stated_rule() -> None:
    """Within each kind and level, ordered by (country, area, month): odd positions tune,
    even positions test; the halves are as large as the rule makes them."""
    cases = load_cases()
    cases["month"] = cases["onset"].fillna(cases["start"])
    for _, rows in cases.groupby(["kind", "level"]):
        ordered = rows.sort_values(["country", "area", "month"], kind="stable")
        expected = ["tune" if i % 2 == 0 else "test" for i in range(len(ordered))]
        assert ordered["split"].tolist() == expected
    onsets = cases.loc[cases["kind"] == "onset"]
    assert (onsets["split"] == "test").sum() >= 15


def test_no_onset_repeats_a_documented_case_it_was_tuned_on() -> None:
    cases = load_cases()
    onsets = cases.loc[cases["kind"] == "onset"]
    seen = {(lv, a, pd.Timestamp(f"{m}-01")) for lv, a, m in DOCS_CASES}
    keys = set(zip(onsets["level"], onsets["area"], onsets["onset"], strict=True))
    assert not keys & seen
    assert len(keys) == len(onsets), "each (level, area, onset) once"


def test_controls_hold_no_documented_onset() -> None:
    cases = load_cases()
    onsets = cases.loc[cases["kind"] == "onset", ["area", "onset"]]
    docs = pd.DataFrame(
        [(a, pd.Timestamp(f"{m}-01")) for _, a, m in DOCS_CASES], columns=["area", "onset"]
    )
    every = pd.concat([onsets, docs])
    for control in cases.loc[cases["kind"] == "control"].itertuples():
        country_wide = every["area"].str.startswith(control.area + "/")
        same = every.loc[
            (every["area"] == control.area) | (country_wide & (control.level == "country"))
        ]
        inside = same.loc[(same["onset"] >= control.start) & (same["onset"] <= control.end)]
        assert inside.empty, f"{control.id} {control.area} holds {inside.to_dict('records')}"


def test_admin1_names_are_spelled_as_in_the_ged_files(shared_data: Path) -> None:
    cases = load_cases()
    named = cases.loc[cases["level"] == "admin1"]
    for iso3, rows in named.groupby("country"):
        path = shared_data / "ucdp_ged" / GED_FILES[iso3]
        skip = [1] if iso3 == "NGA" else None  # the HDX file's HXL hashtag row
        raw = pd.read_csv(path, usecols=["adm_1"], skiprows=skip)["adm_1"].dropna().unique()
        missing = set(rows["admin1"]) - set(raw)
        assert not missing, f"{iso3}: not in the adm_1 column: {missing}"
        assert (rows["area"] == iso3 + "/" + rows["admin1"].map(normalise_admin1)).all()


def test_every_onset_is_recorded_by_its_file(shared_data: Path) -> None:
    """The inclusion rule of the file header: at least 10 month-precise deaths in the area
    in the onset month or the month after, and a year of data before the onset."""
    cases = load_cases()
    for level in ("admin1", "country"):
        panel = _panel(str(shared_data), level).set_index(["area", "period"])["fatalities"]
        for case in cases.loc[(cases["kind"] == "onset") & (cases["level"] == level)].itertuples():
            after = case.onset + pd.DateOffset(months=1)
            deaths = panel.get((case.area, case.onset), 0) + panel.get((case.area, after), 0)
            assert deaths >= 10, f"{case.id} {case.area} {case.onset:%Y-%m}: {deaths} deaths"
            history = panel.loc[case.area].loc[: case.onset - pd.DateOffset(months=1)]
            assert len(history) >= 6, f"{case.id}: too little history"


# --------------------------------------------------------------------------- baselines


def test_surge_rule_is_twice_the_last_three_months_with_a_floor() -> None:
    rule = SurgeRule(min_fatalities=15, min_events=5)
    values = [10, 10, 10, 20, 10, 10, 10, 19, 0, 0, 0, 14, 0, 0, 0, 15]
    flags = rule(_months("2020-01", values))

    # 20 is twice 10; 19 is not; 14 after zeros is below the floor; 15 is not.
    assert flags["flagged"].tolist() == [False] * 3 + [True] + [False] * 11 + [True]


def test_mean_multiple_rule_is_three_times_the_last_year() -> None:
    values = [10.0] * 12 + [30.0] + [10.0] * 11 + [29.0]
    flags = MeanMultipleRule(min_fatalities=25)(_months("2020-01", values))

    assert flags["flagged"].tolist() == [False] * 12 + [True] + [False] * 12
    assert not MeanMultipleRule(min_fatalities=31)(_months("2020-01", values))["flagged"].any()


def test_baselines_skip_uncovered_months() -> None:
    nan = float("nan")
    flags = SurgeRule(min_fatalities=25)(_months("2020-01", [10, 10, 10, nan, 30, 10, 10, 35]))
    # The uncovered month is never flagged, and no month is scored until three covered
    # months precede it (30 right after the gap is not compared with a zero).
    assert flags["flagged"].tolist() == [False] * 7 + [True]


# --------------------------------------------------------------------------- scoring


def _cases(rows: list[dict]) -> pd.DataFrame:
    base = {"level": "admin1", "split": "test", "onset": pd.NaT, "start": pd.NaT, "end": pd.NaT}
    return pd.DataFrame([base | row for row in rows])


def test_recall_counts_the_onset_month_and_one_month_either_side() -> None:
    flags = _months("2020-01", [0.0] * 12, area="A").assign(flagged=False)
    flags.loc[[3, 7], "flagged"] = True  # April and August 2020
    cases = _cases(
        [
            {"id": "on", "kind": "onset", "area": "A", "onset": pd.Timestamp("2020-04-01")},
            {"id": "late", "kind": "onset", "area": "A", "onset": pd.Timestamp("2020-03-01")},
            {"id": "lead", "kind": "onset", "area": "A", "onset": pd.Timestamp("2020-09-01")},
            {"id": "far", "kind": "onset", "area": "A", "onset": pd.Timestamp("2020-11-01")},
            {"id": "none", "kind": "onset", "area": "B", "onset": pd.Timestamp("2020-04-01")},
        ]
    )
    scored = score_onsets(flags, cases).set_index("id")

    assert scored["hit0"].tolist() == [True, False, False, False, False]
    assert scored["hit1"].tolist() == [True, True, True, False, False]
    assert scored.loc["late", "offset"] == 1
    assert scored.loc["lead", "offset"] == -1
    assert scored.loc["far", "offset"] == -3
    assert math.isnan(scored.loc["none", "offset"])
    assert not scored.loc["none", "in_data"]
    summary = summarise(flags, cases)
    assert (summary["hits0"], summary["hits1"], summary["onsets"]) == (1, 3, 5)
    assert (summary["early"], summary["on_time"], summary["late"]) == (2, 1, 1)


def test_false_alarms_per_area_year() -> None:
    flags = pd.concat(
        [_months("2020-01", [0.0] * 24, area="A"), _months("2020-01", [0.0] * 24, area="B")],
        ignore_index=True,
    ).assign(flagged=False)
    flags.loc[[5, 30], "flagged"] = True  # A June 2020, B July 2020
    cases = _cases(
        [
            {
                "id": "q",
                "kind": "control",
                "area": "A",
                "start": pd.Timestamp("2020-01-01"),
                "end": pd.Timestamp("2021-12-01"),
            },
            {"id": "e", "kind": "onset", "area": "B", "onset": pd.Timestamp("2020-09-01")},
        ]
    )
    control = control_false_alarms(flags, cases).iloc[0]
    assert (control["months"], control["flags"]) == (24, 1)
    assert control["per_area_year"] == pytest.approx(0.5)

    everywhere = all_months_false_alarms(flags, cases, docs=())
    # B's July flag is within 3 months of its onset: not a false alarm; 7 months excluded.
    assert everywhere["false_alarms"] == 1
    assert everywhere["area_months"] == 48 - 7
    assert everywhere["per_area_year"] == pytest.approx(12 / 41)
    assert everywhere["flags_per_area_year"] == pytest.approx(0.5)


def test_a_country_flag_at_an_admin1_onset_is_no_false_alarm() -> None:
    flags = _months("2020-01", [0.0] * 12, area="NGA").assign(flagged=False)
    flags.loc[5, "flagged"] = True
    cases = _cases(
        [{"id": "e", "kind": "onset", "area": "NGA/Kano", "onset": pd.Timestamp("2020-06-01")}]
    )
    assert all_months_false_alarms(flags, cases, docs=())["false_alarms"] == 0


# --------------------------------------------------------------------------- real data


def test_matched_floor_gives_the_baseline_at_least_the_detectors_alarm_budget(
    shared_data: Path,
) -> None:
    cases = load_cases()
    chosen = cases.loc[cases["level"] == "admin1"]
    panel = _panel(str(shared_data), "admin1")
    target = all_months_false_alarms(detect_escalations(panel), chosen)["per_area_year"]
    rule, rate = match_floor(SurgeRule(), panel, chosen, target)
    stricter = rule.with_floor(rule.min_fatalities + 5)

    assert rate >= target
    assert all_months_false_alarms(stricter(panel), chosen)["per_area_year"] < target


@pytest.mark.parametrize("level", ["admin1", "country"])
def test_held_out_comparison(shared_data: Path, level: str) -> None:
    """On the test half, the shipped detector is not worse than either baseline at a
    false-alarm rate matched to its own (docs/escalations.md: it ties the surge rule), and
    it finds more onsets than the previous detector, the surprise rule alone."""
    cases = load_cases()
    chosen = cases.loc[cases["level"] == level]
    panel = _panel(str(shared_data), level)
    shipped = detect_escalations(panel)
    previous = detect_escalations(panel, EscalationParams(surge_ratio=math.inf))
    target = all_months_false_alarms(shipped, chosen)["per_area_year"]
    mine = summarise(shipped, chosen, split="test")

    for rule in (SurgeRule(), MeanMultipleRule()):
        baseline, rate = match_floor(rule, panel, chosen, target)
        theirs = summarise(baseline(panel), chosen, split="test")
        assert mine["all_fa"] <= rate
        assert mine["hits0"] >= theirs["hits0"], (type(rule).__name__, mine, theirs)
        assert mine["hits1"] >= theirs["hits1"], (type(rule).__name__, mine, theirs)
    old = summarise(previous, chosen, split="test")
    assert mine["hits0"] > old["hits0"]
    assert mine["hits1"] > old["hits1"]


def test_report_states_the_numbers_the_code_computes(shared_data: Path) -> None:
    """bench/escalations/REPORT.md is not stale: its shipped-detector rows on the test
    half are what the detector scores now."""
    report = (ROOT / "bench" / "escalations" / "REPORT.md").read_text(encoding="utf-8")
    cases = load_cases()
    for level in ("admin1", "country"):
        section = report.split(f"## {level}: test half (held out)")[1]
        row = next(line for line in section.splitlines() if line.startswith("| detector (shipped)"))
        chosen = cases.loc[cases["level"] == level]
        mine = summarise(detect_escalations(_panel(str(shared_data), level)), chosen, split="test")
        expected = f"{mine['hits0']}/{mine['onsets']}"
        assert re.search(rf"\| {re.escape(expected)} \(", row), (row, expected)
        assert f"{mine['all_fa']:.3f} |" in row


def test_evaluation_panels_start_every_area_at_its_files_first_month(shared_data: Path) -> None:
    panel = _panel(str(shared_data), "admin1")
    firsts = panel.groupby("country")["period"].min()
    per_area = panel.groupby("area")["period"].min()
    countries = per_area.index.str.split("/").str[0]
    assert (per_area.to_numpy() == firsts.loc[countries].to_numpy()).all()
    assert panel.loc[panel["country"] == "SYR", "period"].max() == pd.Timestamp("2019-11-01")
    assert np.isfinite(panel["fatalities"]).all()
