"""The committed backtest report is what a fresh run on the real data gives, scored on
covered cells of areas not chosen on the outcome, with a summary a product can print."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from vigil.analytics.evaluation import (
    GED_FILES,
    MONTH_SUMMARY,
    best_named_baseline,
    evaluate,
    load_ged,
    month_panel,
)
from vigil.analytics.ucdp import normalise_admin1

COMMITTED = Path(__file__).resolve().parents[2] / "bench" / "backtest"
MONTH_LEVELS = ("admin1_month", "country_month")


@pytest.fixture(scope="module")
def fresh(shared_data):
    """The country-year level (the quick one, ~30 s) rerun from the files in shared/data."""
    return evaluate(shared_data, levels=("country_year",))


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads((COMMITTED / "results.json").read_text())


@pytest.fixture(scope="module")
def ged(shared_data):
    return load_ged(shared_data)


def test_a_fresh_country_year_backtest_reproduces_the_committed_scores(fresh, committed) -> None:
    assert fresh.results["versions"] == committed["versions"]
    ours = fresh.results["levels"]["country_year"]
    theirs = committed["levels"]["country_year"]
    assert len(ours["scores"]) == len(theirs["scores"]) == 12  # 4 models x 3 horizons
    for mine, kept in zip(ours["scores"], theirs["scores"], strict=True):
        assert mine.keys() == kept.keys()
        for key, value in mine.items():
            if isinstance(value, float):
                assert value == pytest.approx(kept[key], rel=1e-9, abs=1e-12), key
            else:
                assert value == kept[key], key
    assert ours["summary"] == theirs["summary"]


def test_the_committed_report_contains_the_fresh_country_year_section(fresh) -> None:
    section = fresh.markdown.split("Count scores follow")[0].strip()
    assert section in (COMMITTED / "REPORT.md").read_text()
    assert "incidence AUC h=1 >= 0.95" in section


def test_coverage_is_derived_from_each_file_as_the_importer_does(ged) -> None:
    spans = {
        row.country: (row.first.date().isoformat(), row.last.date().isoformat(), row.release)
        for f in ged
        for row in f.coverage.itertuples()
    }
    assert spans["NGA"] == ("1990-01-01", "2019-12-31", "20.1 (inferred)")
    assert spans["SYR"] == ("2016-01-01", "2019-12-31", "19.1")
    assert spans["MEX"] == ("1989-01-01", "2023-12-31", "24.1")


def test_admin1_units_are_every_area_of_the_country_not_those_with_deaths(ged, shared_data) -> None:
    panel = month_panel(ged, "admin1")
    assert not panel["unit"].str.endswith("(unknown)").any()
    nigeria = panel[panel["country"] == "NGA"]
    reference = json.loads((shared_data / "geo" / "nga_adm1_osgof_20161215.geojson").read_text())
    states = {normalise_admin1(f["properties"]["admin1Name"]) for f in reference["features"]}
    assert len(states) == 37
    assert states <= {u.split("|")[1] for u in nigeria["unit"]}
    assert panel.loc[panel["country"] == "MEX", "unit"].nunique() == 32
    # units quiet in the test years are still units, and are scored
    test = nigeria[(nigeria["period"] >= "2010-01-01") & nigeria["covered"]]
    assert (test.groupby("unit")["fatalities"].sum() == 0).any()
    # every panel runs over the same months; what no file covers is missing, not zero
    assert nigeria["period"].max() == pd.Timestamp("2023-12-01")
    late = nigeria[nigeria["period"] >= "2020-01-01"]
    assert not late["covered"].any()
    assert late["fatalities"].isna().all()
    syria = panel[panel["country"] == "SYR"]
    assert syria.loc[syria["covered"], "period"].dt.year.unique().tolist() == [
        2016,
        2017,
        2018,
        2019,
    ]


def test_the_best_named_baseline_wins_most_of_the_summary_metrics() -> None:
    scores = pd.DataFrame(
        [
            {"model": "M", "any_auc": 0.9, "any_brier": 0.10, "medae": 0.0},
            {"model": "A", "any_auc": 0.8, "any_brier": 0.12, "medae": 0.0},
            {"model": "B", "any_auc": 0.7, "any_brier": 0.11, "medae": 0.0},
            {"model": "Z", "any_auc": 0.5, "any_brier": 0.30, "medae": 0.0},
        ]
    )
    # A: best AUC and tied on medae (2 wins); B: best Brier and tied on medae (2 wins);
    # the tie goes to the better Brier score
    assert best_named_baseline(scores, "M", MONTH_SUMMARY) == "B"


@pytest.mark.parametrize("level", MONTH_LEVELS)
def test_the_committed_summary_is_the_pooled_scores_of_model_and_best_baseline(
    committed, level
) -> None:
    results = committed["levels"][level]
    summary = results["summary"]
    assert summary["metrics"] == ["any_auc", "any_brier", "medae"]
    assert [h["horizon"] for h in summary["horizons"]] == [1, 2, 3]
    for entry in summary["horizons"]:
        rows = {s["model"]: s for s in results["scores"] if s["horizon"] == entry["horizon"]}
        model, baseline = entry["model"], entry["baseline"]
        assert model["name"] == "ViolenceMonthForecaster"
        assert baseline["name"].endswith("Baseline")
        for metric in summary["metrics"]:
            assert model[metric] == pytest.approx(rows[model["name"]][metric])
            assert baseline[metric] == pytest.approx(rows[baseline["name"]][metric])
            higher = summary["higher_is_better"][metric]
            better = (
                model[metric] > baseline[metric] if higher else model[metric] < baseline[metric]
            )
            if not math.isclose(model[metric], baseline[metric], abs_tol=1e-9):
                assert entry["better"][metric] == ("model" if better else "baseline")
    first = summary["horizons"][0]
    model, baseline = first["model"], first["baseline"]
    assert f"{model['any_auc']:.2f} vs {baseline['any_auc']:.2f}" in summary["text"]
    assert f"{model['any_brier']:.3f} vs {baseline['any_brier']:.3f}" in summary["text"]


@pytest.mark.parametrize("level", MONTH_LEVELS)
def test_the_committed_scores_are_per_country_and_the_points_inside_intervals(
    committed, level
) -> None:
    results = committed["levels"][level]
    countries = {s["country"] for s in results["scores_by_country"]}
    assert countries == {"CAF", "MEX", "MMR", "NGA", "SYR"}
    assert len(GED_FILES) == len(countries)
    models = {s["model"] for s in results["scores_by_country"]}
    assert {"ViolenceMonthForecaster", "ConflictologyBaseline", "BootstrapBaseline"} <= models
    assert results["point_inside_interval"] is True
    # pooled counts are the sum of the countries'
    for horizon in (1, 2, 3):
        pooled = next(
            s["count_n"]
            for s in results["scores"]
            if s["model"] == "ViolenceMonthForecaster" and s["horizon"] == horizon
        )
        per_country = sum(
            s["count_n"]
            for s in results["scores_by_country"]
            if s["model"] == "ViolenceMonthForecaster" and s["horizon"] == horizon
        )
        assert pooled == per_country
    # no Nigerian forecast after its extract ends
    nga = [r for r in results["scored_forecasts"] if r["country"] == "NGA"]
    assert [r["last"] for r in nga] == ["2019-12-01"] * 3
    # Syria's extract starts in 2016-01: the first forecast needs a covered origin, so the
    # first scored target is 2016-01 plus the horizon
    syria = {r["horizon"]: r["first"] for r in results["scored_forecasts"] if r["country"] == "SYR"}
    assert syria == {1: "2016-02-01", 2: "2016-03-01", 3: "2016-04-01"}
