"""Rolling-origin backtests of the forecasters against the VIEWS baselines, on real data.

`evaluate(data_dir)` runs them at both levels — global country-year (UCDP/PRIO ACD and
BRD) and sub-national month (UCDP GED, admin1 and country) — and returns the figures
(JSON-ready) and a Markdown report with model and baselines side by side. `vigil
backtest` and `bench/analytics_backtest.py` are thin wrappers around it.

Runs single-threaded (threadpoolctl): gradient boosting's OpenMP threads slow to a crawl
on a loaded machine, and one thread is fastest for these small panels.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from vigil.analytics.backtest import backtest, markdown_table, reliability_tables, score_backtest
from vigil.analytics.baselines import MONTH_BASELINES, YEAR_BASELINES
from vigil.analytics.conflict_years import load_country_year_panel
from vigil.analytics.forecast import (
    ConflictYearForecaster,
    ViolenceMonthForecaster,
    build_violence_panel,
)
from vigil.analytics.ucdp import read_ucdp_ged

# GED files and the months each covers (Syria's GED release covers 2016-2019 only).
GED_FILES = {
    "hdx_ucdp_ged_conflict_data_nga.csv.gz": ("1989-01", "2019-12"),
    "ged231_central_african_republic_1989-2022.csv.gz": ("1989-01", "2022-12"),
    "ged241_myanmar_1989-2023.csv.gz": ("1989-01", "2023-12"),
    "ged191_syria_2016-2019.csv.gz": ("2016-01", "2019-12"),
    "ged241_mexico_1989-2023.csv.gz": ("1989-01", "2023-12"),
}
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
    "crps": False,
    "mis90": False,
    "log_score": False,
}


def run_backtests(models, panel, horizons, years) -> tuple[pd.DataFrame, dict[str, float]]:
    frames, runtimes = [], {}
    for horizon in horizons:
        for model in models:
            started = time.perf_counter()
            frames.append(backtest(model, panel, horizon=horizon, years=years))
            runtimes[f"{type(model).__name__} h={horizon}"] = time.perf_counter() - started
    return pd.concat(frames, ignore_index=True), runtimes


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
            won = value > best if higher else value < best
            rows.append(
                {
                    "horizon": horizon,
                    "metric": metric,
                    "model": value,
                    "best_baseline": best,
                    "beats_all": "yes" if won else "NO",
                }
            )
    return pd.DataFrame(rows)


def _model_reliability(forecasts: pd.DataFrame, model: str, target: str) -> pd.DataFrame:
    chosen = forecasts[(forecasts["model"] == model) & (forecasts["horizon"] == 1)]
    return reliability_tables(chosen, target=target).drop(columns=["model", "horizon", "target"])


LEVELS = ("country_year", "admin1_month", "country_month")


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


def evaluate(
    data_dir: str | Path,
    *,
    horizons: Sequence[int] = (1, 2, 3),
    levels: Sequence[str] = LEVELS,
    progress: Callable[[str], None] = lambda message: None,
) -> Evaluation:
    """Backtest every forecaster and baseline at `levels` on the real files in `data_dir`
    (the layout of shared/data: ucdp_ged/, ucdp_acd/ ...)."""
    data = Path(data_dir)
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
            started = time.perf_counter()
            years_panel = load_country_year_panel(data)
            models = [ConflictYearForecaster(), *(b() for b in YEAR_BASELINES)]
            forecasts, runtimes = run_backtests(models, years_panel, horizons, range(2010, 2023))
            scores = score_backtest(forecasts)
            total = time.perf_counter() - started
            results["runtimes_seconds"]["country_year"] = {"total": total, **runtimes}
            verdict = beats_baselines(scores, "ConflictYearForecaster", YEAR_METRICS)
            h1 = scores[
                (scores["model"] == "ConflictYearForecaster") & (scores["horizon"] == 1)
            ].iloc[0]
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
            results["levels"]["country_year"] = {
                "test_years": [2010, 2022],
                "scores": scores.to_dict(orient="records"),
                "vs_baselines": verdict.to_dict(orient="records"),
                "targets": targets.to_dict(orient="records"),
                "reliability_incidence": reliability_tables(forecasts, target="incidence").to_dict(
                    orient="records"
                ),
            }
            reliability = _model_reliability(forecasts, "ConflictYearForecaster", "incidence")
            sections += [
                "## Global, country-year (UCDP/PRIO ACD 23.1 + BRD 24.1, GW states), test years "
                "2010-2022",
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

        month_levels = [lv.removesuffix("_month") for lv in levels if lv.endswith("_month")]
        if month_levels:
            events = {name: read_ucdp_ged(data / "ucdp_ged" / name) for name in GED_FILES}
            for level in month_levels:
                progress(f"{level}-month: UCDP GED")
                started = time.perf_counter()
                panel = pd.concat(
                    [
                        build_violence_panel(events[name], level=level, start=start, end=end)
                        for name, (start, end) in GED_FILES.items()
                    ],
                    ignore_index=True,
                )
                last_year = int(panel["period"].max().year)
                models = [ViolenceMonthForecaster(), *(b() for b in MONTH_BASELINES)]
                forecasts, runtimes = run_backtests(
                    models, panel, horizons, range(2010, last_year + 1)
                )
                scores = score_backtest(forecasts)
                total = time.perf_counter() - started
                results["runtimes_seconds"][f"{level}_month"] = {"total": total, **runtimes}
                verdict = beats_baselines(scores, "ViolenceMonthForecaster", MONTH_METRICS)
                ours = scores[scores["model"] == "ViolenceMonthForecaster"]
                coverage = pd.DataFrame(
                    {
                        "horizon": ours["horizon"],
                        "coverage80": ours["coverage80"],
                        "met (0.75-0.85)": [
                            "yes" if 0.75 <= c <= 0.85 else "NO" for c in ours["coverage80"]
                        ],
                    }
                )
                results["levels"][f"{level}_month"] = {
                    "test_years": [2010, last_year],
                    "scores": scores.to_dict(orient="records"),
                    "vs_baselines": verdict.to_dict(orient="records"),
                    "coverage": coverage.to_dict(orient="records"),
                    "reliability_any": reliability_tables(forecasts, target="any").to_dict(
                        orient="records"
                    ),
                }
                reliability = _model_reliability(forecasts, "ViolenceMonthForecaster", "any")
                sections += [
                    f"## Sub-national monthly, {level}-month (UCDP GED: Nigeria, CAR, Myanmar, "
                    f"Syria, Mexico), test years 2010-{last_year}",
                    "",
                    f"{panel['unit'].nunique()} units, {len(panel)} unit-months.",
                    "",
                    "### Scores",
                    "",
                    markdown_table(scores.drop(columns=[c for c in scores if c.endswith("_n")])),
                    "",
                    "### 80% interval coverage",
                    "",
                    markdown_table(coverage),
                    "",
                    "### Model against the best baseline",
                    "",
                    markdown_table(verdict),
                    "",
                    "### Reliability of P(any fatality), model, h=1",
                    "",
                    markdown_table(reliability),
                    "",
                ]

    sections += [
        "Count scores follow the VIEWS 2023/24 challenge: CRPS from 40 samples (the forecast's "
        "quantiles at (i + 0.5)/40), the 90% mean interval score (MIS) and the ignorance score in "
        "bits over the bins 0, 1-2, 3-5, 6-10, 11-25, 26-50, 51-100, 101-250, 251-500, 501-1000, "
        "1001+, smoothed with one pseudo-sample per bin. Pinball loss equals CRPS/2 here.",
        "",
    ]
    return Evaluation(results=results, markdown="\n".join(sections))
