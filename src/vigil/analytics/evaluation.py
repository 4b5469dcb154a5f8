"""Rolling-origin backtests of the forecasters against the VIEWS baselines, on real data.

`evaluate(data_dir)` runs them at both levels — global country-year (UCDP/PRIO ACD and
BRD) and sub-national month (UCDP GED, admin1 and country) — and returns the figures
(JSON-ready) and a Markdown report with model and baselines side by side, pooled and per
country. `vigil backtest` and `bench/analytics_backtest.py` are thin wrappers around it.

The monthly backtests read the data as `vigil analyse` does:

* **Coverage.** Each GED file's coverage is derived from the file itself by
  `vigil.analytics.coverage.derive_coverage`, the function the importer records coverage
  with; every file's panel spans the same months (1989 to the newest covered month) and
  only covered cells are learnt from and scored. Nigeria's extract ends in 2019: its
  2020-2023 months are missing, not zero.
* **Precision.** `build_violence_panel` counts an event only in a month that holds its
  whole span, at a month precision or better, and puts an event located only to the
  country in no admin1 (`vigil.analytics.precision`).
* **Units.** Admin1: every admin1 area the file names, over the whole file (1989 to
  its end), whether or not it had an event in the test years: the set is not chosen on
  the outcome. For these five files it is every first-level unit of the country
  (Nigeria's 37 OCHA states and the former Gongola; Mexico's 32 states). Events that no
  admin1 holds ("(unknown)": unnamed or country-only) count for the country features
  but are not a unit that is forecast or scored.
* **As of.** Every row up to month M holds only events that had ended by the end of M,
  so each origin sees what an analysis on that day could see
  (`build_violence_panel_as_of`, tested on the real Mexico file).

Runs single-threaded (threadpoolctl): gradient boosting's OpenMP threads slow to a crawl
on a loaded machine, and one thread is fastest for these small panels.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from vigil.analytics.backtest import backtest, markdown_table, reliability_tables, score_backtest
from vigil.analytics.baselines import MONTH_BASELINES, YEAR_BASELINES
from vigil.analytics.conflict_years import load_country_year_panel
from vigil.analytics.coverage import derive_coverage, release_from_name
from vigil.analytics.forecast import (
    SAMPLE_COLUMNS,
    ConflictYearForecaster,
    ViolenceMonthForecaster,
    build_violence_panel,
)
from vigil.analytics.metrics import crps_from_samples
from vigil.analytics.precision import admin1_known, countable
from vigil.analytics.ucdp import read_ucdp_ged

# The GED files backtested; what each covers is derived from the file (`load_ged`).
GED_FILES: tuple[str, ...] = (
    "hdx_ucdp_ged_conflict_data_nga.csv.gz",
    "ged231_central_african_republic_1989-2022.csv.gz",
    "ged241_myanmar_1989-2023.csv.gz",
    "ged191_syria_2016-2019.csv.gz",
    "ged241_mexico_1989-2023.csv.gz",
)
PANEL_START = "1989-01"  # the first month of UCDP GED
FIRST_TEST_YEAR = 2010
UNKNOWN_ADMIN1 = "(unknown)"
# The previous committed backtest's scores, to say what changed, and the hand-written
# discussion of the figures (both optional; they live beside the report).
BENCH = Path(__file__).resolve().parents[3] / "bench" / "backtest"
PREVIOUS = BENCH / "previous.json"
DISCUSSION = BENCH / "DISCUSSION.md"

YEAR_METRICS = {  # metric: higher is better
    "incidence_auc": True,
    "incidence_ap": True,
    "incidence_brier": False,
    "onset_auc": True,
    "onset_ap": True,
    "onset_brier": False,
}
MONTH_METRICS = {
    "any_auc": True,
    "any_ap": True,
    "any_brier": False,
    "ge25_auc": True,
    "ge25_ap": True,
    "ge25_brier": False,
    "mse_log1p": False,
    "mae": False,
    "medae": False,
    "crps": False,
    "mis90": False,
    "log_score": False,
}


@dataclass(frozen=True)
class SummaryMetric:
    """A figure a product prints beside a forecast."""

    key: str
    label: str
    higher_is_better: bool
    digits: int = 2


# The few figures a product prints: "this model vs <baseline>: AUC 0.88 vs 0.85 ...".
MONTH_SUMMARY = (
    SummaryMetric("any_auc", "AUC of any death", True),
    SummaryMetric("any_brier", "Brier score of any death", False, digits=3),
    SummaryMetric("medae", "median absolute error of deaths", False, digits=0),
)
YEAR_SUMMARY = (
    SummaryMetric("incidence_auc", "AUC of armed conflict", True),
    SummaryMetric("incidence_brier", "Brier score of armed conflict", False, digits=3),
    SummaryMetric("onset_auc", "AUC of conflict onset", True),
)
# The figures compared per country.
COUNTRY_METRICS = ("any_auc", "any_brier", "mse_log1p", "mae", "medae", "crps", "coverage80")
MODEL_NAMES = {
    "ViolenceMonthForecaster": "the model",
    "ConflictYearForecaster": "the model",
    "ZerosBaseline": "zeros",
    "PersistenceBaseline": "persistence",
    "HistoricalAverageBaseline": "historical",
    "ConflictologyBaseline": "conflictology",
    "BootstrapBaseline": "bootstrap",
}


def run_backtests(models, panel, horizons, years) -> tuple[pd.DataFrame, dict[str, float]]:
    frames, runtimes = [], {}
    for horizon in horizons:
        for model in models:
            started = time.perf_counter()
            frames.append(backtest(model, panel, horizon=horizon, years=years))
            runtimes[f"{type(model).__name__} h={horizon}"] = time.perf_counter() - started
    return pd.concat(frames, ignore_index=True), runtimes


def _better(value: float, other: float, higher: bool) -> bool:
    return value > other if higher else value < other


def beats_baselines(scores: pd.DataFrame, model: str, metrics: dict[str, bool]) -> pd.DataFrame:
    """For each horizon and metric: the model's value, the best baseline's, and whether it won."""
    rows = []
    for horizon, group in scores.groupby("horizon"):
        ours = group[group["model"] == model].iloc[0]
        others = group[group["model"] != model]
        for metric, higher in metrics.items():
            values = others[metric].dropna()
            best = values.max() if higher else values.min()
            value = ours[metric]
            rows.append(
                {
                    "horizon": horizon,
                    "metric": metric,
                    "model": value,
                    "best_baseline": best,
                    "beats_all": "tie"
                    if math.isclose(value, best, rel_tol=0, abs_tol=1e-12)
                    else "yes"
                    if _better(value, best, higher)
                    else "NO",
                }
            )
    return pd.DataFrame(rows)


def best_named_baseline(scores: pd.DataFrame, model: str, metrics: Sequence[SummaryMetric]) -> str:
    """The baseline best on most of `metrics` (ties share the win); among equals, the one
    with the better second metric (the Brier score)."""
    others = scores[scores["model"] != model].set_index("model")
    wins = pd.Series(0, index=others.index)
    for metric in metrics:
        values = others[metric.key]
        best = values.max() if metric.higher_is_better else values.min()
        wins += np.isclose(values, best, rtol=0, atol=1e-12).astype(int)
    tie_break = metrics[1]
    ranked = others.assign(wins=wins, tie=others[tie_break.key])
    ranked = ranked.sort_values(
        ["wins", "tie"], ascending=[False, not tie_break.higher_is_better], kind="stable"
    )
    return str(ranked.index[0])


def _round(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _verdict(value: float, other: float, higher: bool) -> str:
    if value is None or other is None or math.isnan(value) or math.isnan(other):
        return "n/a"
    if math.isclose(value, other, rel_tol=0, abs_tol=1e-9):
        return "tie"
    return "model" if _better(value, other, higher) else "baseline"


def _figure(metric: SummaryMetric, value: float) -> str:
    return f"{value:.{metric.digits}f}"


def summary(
    scores: pd.DataFrame,
    *,
    model: str,
    metrics: Sequence[SummaryMetric],
    test_years: Sequence[int],
) -> dict:
    """What a product prints: per horizon, the model and the best named baseline on the
    few `metrics` (pooled over every covered cell), which is better, and a sentence."""
    horizons = []
    for horizon, group in scores.groupby("horizon"):
        name = best_named_baseline(group, model, metrics)
        ours = group[group["model"] == model].iloc[0]
        base = group[group["model"] == name].iloc[0]
        horizons.append(
            {
                "horizon": int(horizon),
                "model": {"name": model, **{m.key: _round(float(ours[m.key])) for m in metrics}},
                "baseline": {"name": name, **{m.key: _round(float(base[m.key])) for m in metrics}},
                "better": {
                    m.key: _verdict(float(ours[m.key]), float(base[m.key]), m.higher_is_better)
                    for m in metrics
                },
            }
        )
    first = horizons[0]
    parts = [
        f"{m.label} {_figure(m, first['model'][m.key])} vs {_figure(m, first['baseline'][m.key])}"
        f" ({'higher' if m.higher_is_better else 'lower'} is better)"
        for m in metrics
    ]
    baseline = MODEL_NAMES.get(first["baseline"]["name"], first["baseline"]["name"])
    text = (
        f"This model vs {baseline}, {first['horizon']} step ahead, backtest "
        f"{test_years[0]}-{test_years[1]}: " + "; ".join(parts) + "."
    )
    return {
        "metrics": [m.key for m in metrics],
        "labels": {m.key: m.label for m in metrics},
        "higher_is_better": {m.key: m.higher_is_better for m in metrics},
        "test_years": list(test_years),
        "horizons": horizons,
        "text": text,
    }


def _model_reliability(forecasts: pd.DataFrame, model: str, target: str) -> pd.DataFrame:
    chosen = forecasts[(forecasts["model"] == model) & (forecasts["horizon"] == 1)]
    return reliability_tables(chosen, target=target).drop(columns=["model", "horizon", "target"])


LEVELS = ("country_year", "admin1_month", "country_month")


@dataclass(frozen=True)
class GedFile:
    """One GED file: its events and what it covers, derived from the file."""

    name: str
    events: pd.DataFrame
    coverage: pd.DataFrame


def load_ged(data_dir: str | Path, names: Sequence[str] = GED_FILES) -> list[GedFile]:
    """The GED files with the coverage the importer would record for them."""
    files = []
    for name in names:
        events = read_ucdp_ged(Path(data_dir) / "ucdp_ged" / name)
        release = release_from_name("ucdp_ged", name, events["date_end"].max())
        coverage = derive_coverage(events, source="ucdp_ged", release=release)
        files.append(GedFile(name, events, coverage))
    return files


def month_panel(files: Sequence[GedFile], level: str) -> pd.DataFrame:
    """Every file's monthly panel over the same months, uncovered cells missing; at
    admin1 without the "(unknown)" pseudo-area (its events still count for the country)."""
    coverage = pd.concat([f.coverage for f in files], ignore_index=True)
    end = coverage["last"].max().to_period("M").to_timestamp()
    panel = pd.concat(
        [
            build_violence_panel(
                f.events, level=level, start=PANEL_START, end=end, coverage=coverage
            )
            for f in files
        ],
        ignore_index=True,
    )
    if level == "admin1":
        panel = panel[~panel["unit"].str.endswith(f"|{UNKNOWN_ADMIN1}")]
    return panel.reset_index(drop=True)


def coverage_table(files: Sequence[GedFile], panel: pd.DataFrame) -> pd.DataFrame:
    """Per file: what it covers, its units and the covered unit-months."""
    rows = []
    for f in files:
        for cover in f.coverage.itertuples(index=False):
            mine = panel[panel["country"] == cover.country]
            rows.append(
                {
                    "file": f.name,
                    "release": cover.release,
                    "country": cover.country,
                    "first": cover.first.date().isoformat(),
                    "last": cover.last.date().isoformat(),
                    "units": int(mine["unit"].nunique()),
                    "unit_months": len(mine),
                    "covered": int(mine["covered"].sum()),
                }
            )
    return pd.DataFrame(rows)


def precision_table(files: Sequence[GedFile], first_year: int) -> pd.DataFrame:
    """Per country: the events and deaths the precision rules leave out of monthly counts
    (year precision or spanning months) and out of admin1 areas (country-only or unnamed
    places), over the whole file and in the test years."""
    rows = []
    for f in files:
        events = f.events
        month_ok = countable(events, "MS")
        place_ok = admin1_known(events)
        test = events["date_start"].dt.year >= first_year
        for country, group in events.groupby("country"):
            index = group.index
            rows.append(
                {
                    "country": country,
                    "events": len(group),
                    "deaths": int(group["fatalities"].sum()),
                    "not_monthly_events": int((~month_ok[index]).sum()),
                    "not_monthly_deaths": int(group["fatalities"][~month_ok[index]].sum()),
                    "not_monthly_deaths_test_years": int(
                        group["fatalities"][~month_ok[index] & test[index]].sum()
                    ),
                    "no_admin1_events": int((~place_ok[index]).sum()),
                    "no_admin1_deaths": int(group["fatalities"][~place_ok[index]].sum()),
                }
            )
    return pd.DataFrame(rows)


def by_country_verdict(
    by_country: pd.DataFrame, model: str, rivals: Sequence[str], horizon: int = 1
) -> pd.DataFrame:
    """Per country at `horizon`: the model beside each rival on `COUNTRY_METRICS`."""
    rows = []
    chosen = by_country[by_country["horizon"] == horizon]
    for country, group in chosen.groupby("country", sort=True):
        table = group.set_index("model")
        for metric in COUNTRY_METRICS:
            higher = metric.endswith("_auc")
            row = {"country": country, "metric": metric, "model": table.at[model, metric]}
            for rival in rivals:
                row[MODEL_NAMES[rival]] = table.at[rival, metric]
            if metric == "coverage80":
                row["model better than all"] = "(target 0.80)"
            else:
                verdicts = {
                    _verdict(float(row["model"]), float(table.at[r, metric]), higher)
                    for r in rivals
                }
                row["model better than all"] = (
                    "n/a"
                    if "n/a" in verdicts
                    else "yes"
                    if verdicts == {"model"}
                    else "tie"
                    if verdicts == {"tie"}
                    else "NO"
                )
            rows.append(row)
    return pd.DataFrame(rows)


def month_edge(forecasts: pd.DataFrame, model: str, rival: str) -> pd.DataFrame:
    """CRPS of the model and `rival` at h=1, January targets against the other months,
    per country and pooled: the edge (1 - model / rival) must not come from Januaries,
    where year-precision events used to land."""
    chosen = forecasts[forecasts["horizon"] == 1].copy()
    chosen["crps_row"] = _row_crps(chosen)
    chosen["months"] = np.where(chosen["target_period"].dt.month == 1, "January", "other")
    rows = []
    for scope, frame in [("pooled", chosen), *chosen.groupby("country", sort=True)]:
        for months, part in frame.groupby("months", sort=True):
            ours = part.loc[part["model"] == model, "crps_row"].mean()
            theirs = part.loc[part["model"] == rival, "crps_row"].mean()
            rows.append(
                {
                    "country": scope,
                    "target months": months,
                    "model crps": ours,
                    f"{MODEL_NAMES[rival]} crps": theirs,
                    "edge": 1.0 - ours / theirs if theirs else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def _scored(forecasts: pd.DataFrame) -> list[dict]:
    """Per horizon and country: how many forecasts were scored, first and last target."""
    table = forecasts.groupby(["horizon", "country"]).agg(
        n=("target_period", "size"), first=("target_period", "min"), last=("target_period", "max")
    )
    table["first"] = table["first"].dt.date.astype(str)
    table["last"] = table["last"].dt.date.astype(str)
    return table.reset_index().to_dict(orient="records")


def _row_crps(forecasts: pd.DataFrame) -> np.ndarray:
    samples = np.sort(forecasts[list(SAMPLE_COLUMNS)].to_numpy(dtype=float), axis=1)
    return crps_from_samples(forecasts["actual_fatalities"].to_numpy(dtype=float), samples)


@dataclass
class Evaluation:
    """What a backtest run found: figures for JSON and the Markdown report."""

    results: dict
    markdown: str

    def write(self, out_dir: str | Path) -> tuple[Path, Path]:
        """REPORT.md and results.json in `out_dir`. The report holds no timings, so a
        fresh run on the same data and code reproduces it byte for byte."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        report, figures = out / "REPORT.md", out / "results.json"
        report.write_text(self.markdown)
        text = json.dumps(self.results, indent=2, default=str).replace("NaN", "null")
        figures.write_text(text + "\n")
        return report, figures


def _country_year(data: Path, horizons, results: dict) -> list[str]:
    started = time.perf_counter()
    years_panel = load_country_year_panel(data)
    models = [ConflictYearForecaster(), *(b() for b in YEAR_BASELINES)]
    forecasts, runtimes = run_backtests(models, years_panel, horizons, range(2010, 2023))
    scores = score_backtest(forecasts)
    total = time.perf_counter() - started
    results["runtimes_seconds"]["country_year"] = {"total": total, **runtimes}
    verdict = beats_baselines(scores, "ConflictYearForecaster", YEAR_METRICS)
    h1 = scores[(scores["model"] == "ConflictYearForecaster") & (scores["horizon"] == 1)].iloc[0]
    targets = pd.DataFrame(
        [
            {
                "target": "incidence AUC h=1 >= 0.95",
                "value": h1["incidence_auc"],
                "met": "yes" if h1["incidence_auc"] >= 0.95 else "NO",
            },
            {
                "target": "onset AUC h=1 >= 0.80",
                "value": h1["onset_auc"],
                "met": "yes" if h1["onset_auc"] >= 0.80 else "NO",
            },
        ]
    )
    brief = summary(
        scores, model="ConflictYearForecaster", metrics=YEAR_SUMMARY, test_years=(2010, 2022)
    )
    results["levels"]["country_year"] = {
        "test_years": [2010, 2022],
        "summary": brief,
        "scores": scores.to_dict(orient="records"),
        "vs_baselines": verdict.to_dict(orient="records"),
        "targets": targets.to_dict(orient="records"),
        "reliability_incidence": reliability_tables(forecasts, target="incidence").to_dict(
            orient="records"
        ),
    }
    reliability = _model_reliability(forecasts, "ConflictYearForecaster", "incidence")
    return [
        "## Global, country-year (UCDP/PRIO ACD 23.1 + BRD 24.1, GW states), test years 2010-2022",
        "",
        f"{years_panel['unit'].nunique()} states, {len(years_panel)} country-years "
        f"{years_panel['period'].min()}-{years_panel['period'].max()}. Onset is scored on "
        "states at peace in the origin year.",
        "",
        "### Targets",
        "",
        markdown_table(targets),
        "",
        "### Scores",
        "",
        markdown_table(scores.drop(columns=[c for c in scores if c.endswith("_n")])),
        "",
        "### Model against the best baseline",
        "",
        markdown_table(verdict),
        "",
        "### Reliability of P(incidence), model, h=1",
        "",
        markdown_table(reliability),
        "",
    ]


def _month_level(
    files: Sequence[GedFile], level: str, horizons, results: dict, previous: dict
) -> list[str]:
    model_name = "ViolenceMonthForecaster"
    started = time.perf_counter()
    panel = month_panel(files, level)
    covered = panel[panel["covered"]]
    last_year = int(covered["period"].max().year)
    test_years = (FIRST_TEST_YEAR, last_year)
    models = [ViolenceMonthForecaster(), *(b() for b in MONTH_BASELINES)]
    forecasts, runtimes = run_backtests(
        models, panel, horizons, range(FIRST_TEST_YEAR, last_year + 1)
    )
    scores = score_backtest(forecasts)
    by_country = score_backtest(forecasts, by=("country",))
    total = time.perf_counter() - started
    results["runtimes_seconds"][f"{level}_month"] = {"total": total, **runtimes}
    verdict = beats_baselines(scores, model_name, MONTH_METRICS)
    ours = scores[scores["model"] == model_name]
    interval = pd.DataFrame(
        {
            "horizon": ours["horizon"],
            "coverage80": ours["coverage80"],
            "met (0.75-0.85)": ["yes" if 0.75 <= c <= 0.85 else "NO" for c in ours["coverage80"]],
        }
    )
    rivals = ("ConflictologyBaseline", "BootstrapBaseline")
    per_country = by_country_verdict(by_country, model_name, rivals)
    edge = month_edge(forecasts, model_name, "ConflictologyBaseline")
    cover = coverage_table(files, panel)
    precision = precision_table(files, FIRST_TEST_YEAR)
    brief = summary(scores, model=model_name, metrics=MONTH_SUMMARY, test_years=test_years)
    inside = forecasts[forecasts["model"] == model_name]
    point_inside = bool(
        ((inside["point"] >= inside["lower80"]) & (inside["point"] <= inside["upper80"])).all()
    )
    key = f"{level}_month"
    results["levels"][key] = {
        "test_years": list(test_years),
        "summary": brief,
        "units": covered.groupby("country")["unit"].nunique().to_dict(),
        "scored_forecasts": _scored(forecasts[forecasts["model"] == model_name]),
        "data_coverage": cover.to_dict(orient="records"),
        "precision": precision.to_dict(orient="records"),
        "scores": scores.to_dict(orient="records"),
        "scores_by_country": by_country.to_dict(orient="records"),
        "vs_baselines": verdict.to_dict(orient="records"),
        "vs_baselines_by_country": per_country.to_dict(orient="records"),
        "january_edge": edge.to_dict(orient="records"),
        "coverage": interval.to_dict(orient="records"),
        "point_inside_interval": point_inside,
        "reliability_any": reliability_tables(forecasts, target="any").to_dict(orient="records"),
    }
    reliability = _model_reliability(forecasts, model_name, "any")
    country_scores = by_country[by_country["horizon"] == 1].loc[
        :, ["country", "model", "any_events", *COUNTRY_METRICS, "count_n"]
    ]
    countries = ", ".join(sorted(covered["country"].unique()))
    return [
        f"## Sub-national monthly, {level}-month (UCDP GED: {countries}), test years "
        f"{test_years[0]}-{test_years[1]}",
        "",
        f"**In one line:** {brief['text']}",
        "",
        f"{panel['unit'].nunique()} units, {len(panel)} unit-months from {PANEL_START}, of "
        f"which {len(covered)} covered; only covered cells are learnt from and scored. "
        "Every forecast's point (the median) lies inside its own 80% interval: "
        f"{'yes' if point_inside else 'NO'}.",
        "",
        "### What the data cover (derived from each file, as at import)",
        "",
        markdown_table(cover),
        "",
        "### Left out by the precision rules",
        "",
        "Deaths of events known only to the year, or spanning months, count in no month; "
        "events located only to the country (or unnamed) are in no admin1 area.",
        "",
        markdown_table(precision),
        "",
        "### Scores, pooled",
        "",
        markdown_table(scores.drop(columns=[c for c in scores if c.endswith("_n")])),
        "",
        "### Scores per country, h=1",
        "",
        markdown_table(country_scores),
        "",
        "### Model against conflictology and bootstrap, per country, h=1",
        "",
        markdown_table(per_country),
        "",
        "### Where the CRPS edge over conflictology comes from, h=1",
        "",
        "Edge = 1 - model CRPS / conflictology CRPS (positive: the model is better).",
        "",
        markdown_table(edge),
        "",
        "### 80% interval coverage",
        "",
        markdown_table(interval),
        "",
        "### Model against the best baseline, pooled",
        "",
        markdown_table(verdict),
        "",
        "### Reliability of P(any fatality), model, h=1",
        "",
        markdown_table(reliability),
        "",
        *_changes(key, scores, by_country, previous),
    ]


CHANGE_METRICS = ("any_auc", "any_brier", "mse_log1p", "crps", "coverage80", "log_score")


def _h1(rows: Sequence[dict], name: str, country: str | None = None) -> dict | None:
    return next(
        (
            r
            for r in rows
            if r["model"] == name and r["horizon"] == 1 and r.get("country", None) == country
        ),
        None,
    )


def _edge(model: dict | None, rival: dict | None, metric: str) -> float:
    if not model or not rival or not rival.get(metric):
        return float("nan")
    return 1.0 - model[metric] / rival[metric]


def _changes(
    level: str, scores: pd.DataFrame, by_country: pd.DataFrame, previous: dict
) -> list[str]:
    """The model's and conflictology's h=1 scores now and in the previous committed
    backtest, pooled, and the model's edge over conflictology per country."""
    before = (previous.get("levels") or {}).get(level)
    if not before:
        return []
    now = scores.to_dict(orient="records")
    rows = []
    for name in ("ViolenceMonthForecaster", "ConflictologyBaseline"):
        old, new = _h1(before["scores"], name), _h1(now, name)
        if old is None or new is None:
            continue
        for metric in CHANGE_METRICS:
            rows.append(
                {
                    "model": MODEL_NAMES[name],
                    "metric": metric,
                    "before": old.get(metric),
                    "now": new[metric],
                }
            )
    model, rival = "ViolenceMonthForecaster", "ConflictologyBaseline"
    edges = []
    old_rows = before.get("scores_by_country") or []
    new_rows = by_country.to_dict(orient="records")
    for country in [None, *sorted(by_country["country"].unique())]:
        old_set = before["scores"] if country is None else old_rows
        new_set = now if country is None else new_rows
        row = {"country": country or "pooled"}
        for metric in ("crps", "any_brier", "mse_log1p"):
            row[f"{metric} edge before"] = _edge(
                _h1(old_set, model, country), _h1(old_set, rival, country), metric
            )
            row[f"{metric} edge now"] = _edge(
                _h1(new_set, model, country), _h1(new_set, rival, country), metric
            )
        edges.append(row)
    version = (previous.get("versions") or {}).get("ViolenceMonthForecaster", "?")
    return [
        f"### Before ({version}) and now, h=1",
        "",
        "Before: gaps read as zeros, hard-coded file spans, year-precision events counted on "
        '1 January, country-only events in the admin1 "(unknown)" unit, point = geometric '
        "mean of the samples (`bench/backtest/previous.json`). Edge = 1 - model / "
        "conflictology (positive: the model is better).",
        "",
        markdown_table(pd.DataFrame(rows)),
        "",
        markdown_table(pd.DataFrame(edges)),
        "",
    ]


def _discussion(path: str | Path | None) -> list[str]:
    """The hand-written discussion, flagged when written for another model version."""
    if path is None or not Path(path).exists():
        return []
    text = Path(path).read_text().strip()
    first, _, body = text.partition("\n")
    version = ViolenceMonthForecaster.version
    lines = [body.strip(), ""]
    if version not in first:
        note = first.strip("<!-> ").strip()
        lines = [f"*This discussion was {note}; the figures above are of {version}.*", "", *lines]
    return lines


def evaluate(
    data_dir: str | Path,
    *,
    horizons: Sequence[int] = (1, 2, 3),
    levels: Sequence[str] = LEVELS,
    progress: Callable[[str], None] = lambda message: None,
    previous: str | Path | None = PREVIOUS,
    discussion: str | Path | None = DISCUSSION,
) -> Evaluation:
    """Backtest every forecaster and baseline at `levels` on the real files in `data_dir`
    (the layout of shared/data: ucdp_ged/, ucdp_acd/ ...). `previous` (a JSON file of an
    earlier run's scores) adds before/now tables; `discussion` (Markdown whose first line
    names the model version it was written for) is appended to the monthly sections."""
    data = Path(data_dir)
    before = {}
    if previous is not None and Path(previous).exists():
        before = json.loads(Path(previous).read_text())
    results: dict = {
        "versions": {
            "ConflictYearForecaster": ConflictYearForecaster.version,
            "ViolenceMonthForecaster": ViolenceMonthForecaster.version,
        },
        "runtimes_seconds": {},
        "levels": {},
    }
    sections = ["# Forecast backtests (rolling origin)", ""]
    with threadpool_limits(1):
        if "country_year" in levels:
            progress("country-year: UCDP/PRIO ACD + BRD")
            sections += _country_year(data, horizons, results)
        month_levels = [lv.removesuffix("_month") for lv in levels if lv.endswith("_month")]
        if month_levels:
            files = load_ged(data)
            for level in month_levels:
                progress(f"{level}-month: UCDP GED")
                sections += _month_level(files, level, horizons, results, before)
            sections += _discussion(discussion)
    sections += [
        "Count scores follow the VIEWS 2023/24 challenge: CRPS from 40 samples (the forecast's "
        "quantiles at (i + 0.5)/40), the 90% mean interval score (MIS) and the ignorance score in "
        "bits over the bins 0, 1-2, 3-5, 6-10, 11-25, 26-50, 51-100, 101-250, 251-500, 501-1000, "
        "1001+, smoothed with one pseudo-sample per bin. Pinball loss equals CRPS/2 here. The "
        "point forecast of every model is the median of its distribution: `mae` and `medae` "
        "are its mean and median absolute error in deaths, `mse_log1p` its squared error on "
        "the log1p scale. Baselines: zeros; persistence (Poisson around the origin month's "
        "count, VIEWS' last-historical Poisson); historical (the unit's whole covered history "
        "as the distribution); conflictology (the unit's own last 12 months); bootstrap (the "
        "VIEWS 2023/24 benchmark: the last 12 months of every unit of the panel, pooled).",
        "",
    ]
    return Evaluation(results=results, markdown="\n".join(sections))
