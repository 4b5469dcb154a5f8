"""Rolling-origin backtests of the forecasters and the VIEWS baselines on the real data.

Writes bench/backtest/REPORT.md and bench/backtest/results.json.

    .venv/bin/python bench/analytics_backtest.py [--data ../shared/data] [--horizons 1 2 3]

Runs single-threaded (threadpoolctl): gradient boosting's OpenMP threads slow to a crawl
on a loaded machine, and one thread is fastest for these small panels.
"""

from __future__ import annotations

import argparse
import json
import time
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

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "backtest"

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--horizons", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    data = Path(args.data)
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {"runtimes_seconds": {}, "levels": {}}
    sections = ["# Forecast backtests (rolling origin)", ""]

    with threadpool_limits(1):
        started = time.perf_counter()
        years_panel = load_country_year_panel(data)
        models = [ConflictYearForecaster(), *(b() for b in YEAR_BASELINES)]
        forecasts, runtimes = run_backtests(models, years_panel, args.horizons, range(2010, 2023))
        scores = score_backtest(forecasts)
        total = time.perf_counter() - started
        results["runtimes_seconds"]["country_year"] = {"total": total, **runtimes}
        verdict = beats_baselines(scores, "ConflictYearForecaster", YEAR_METRICS)
        h1 = scores[(scores["model"] == "ConflictYearForecaster") & (scores["horizon"] == 1)].iloc[
            0
        ]
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
            "scores": scores.to_dict(orient="records"),
            "vs_baselines": verdict.to_dict(orient="records"),
            "targets": targets.to_dict(orient="records"),
            "reliability_incidence": reliability_tables(forecasts, target="incidence").to_dict(
                orient="records"
            ),
        }
        sections += [
            "## Global, country-year (UCDP/PRIO ACD 23.1 + BRD 24.1, GW states), test years "
            f"2010-2022, {total:.0f} s",
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
        ]

        events = {name: read_ucdp_ged(data / "ucdp_ged" / name) for name in GED_FILES}
        for level in ("admin1", "country"):
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
                models, panel, args.horizons, range(2010, last_year + 1)
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
                "scores": scores.to_dict(orient="records"),
                "vs_baselines": verdict.to_dict(orient="records"),
                "coverage": coverage.to_dict(orient="records"),
                "reliability_any": reliability_tables(forecasts, target="any").to_dict(
                    orient="records"
                ),
            }
            sections += [
                f"## Sub-national monthly, {level}-month (UCDP GED: Nigeria, CAR, Myanmar, Syria, "
                f"Mexico), test years 2010-{last_year}, {total:.0f} s",
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
            ]

    sections += [
        "Count scores follow the VIEWS 2023/24 challenge: CRPS from 40 samples (the forecast's "
        "quantiles at (i + 0.5)/40), the 90% mean interval score (MIS) and the ignorance score in "
        "bits over the bins 0, 1-2, 3-5, 6-10, 11-25, 26-50, 51-100, 101-250, 251-500, 501-1000, "
        "1001+, smoothed with one pseudo-sample per bin. Pinball loss equals CRPS/2 here.",
        "",
    ]
    (OUT / "REPORT.md").write_text("\n".join(sections))
    text = json.dumps(results, indent=2, default=str).replace("NaN", "null")
    (OUT / "results.json").write_text(text + "\n")
    print((OUT / "REPORT.md").read_text())


if __name__ == "__main__":
    main()
