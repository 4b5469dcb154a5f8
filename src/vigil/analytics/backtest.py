"""Rolling-origin backtests and their scores.

`backtest(model, panel, horizon=h, years=...)`: for each test year Y, a fresh copy of
`model` is fitted on the panel rows before 1 January of Y (so every outcome it learns
from was observed before Y) and forecasts every period of Y from the origin h periods
earlier. The result has one row per forecast: unit (and `country` when the panel has
it), origin `period`, `target_period`, `horizon`, `model`, `version`, training window,
the forecast columns (`p_*`, `point`, samples `s00..`) and the actual outcomes
(`actual_*`). With a `covered` column (`build_violence_panel(..., coverage=)`) only
cells whose origin and target are both covered are forecast and scored: no data is not
zero, and a model is not scored on months no source recorded.

No look-ahead: a monthly panel counts an event only in the month that holds its whole
span (`vigil.analytics.precision.countable`), so every row up to month M is what an
analysis as of the end of M could build (`build_violence_panel_as_of`; the backtest
tests check it on the real Mexico file).

`score_backtest(forecasts)` turns those rows into one table of scores per model ×
horizon (and any extra grouping column, such as `level`); `write_report` writes it as
Markdown and JSON.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone

from vigil.analytics import metrics
from vigil.analytics.forecast import (
    SAMPLE_COLUMNS,
    SAMPLE_LEVELS,
    future,
    period_year,
    target_period,
)

# Outcome columns of the panel scored against each probability forecast.
PROBABILITY_OUTCOMES = {
    "incidence": "incidence",
    "onset": "onset",
    "any": "any_fatal",
    "ge25": "ge25",
}


def _model_name(model) -> str:
    return getattr(model, "name", type(model).__name__)


def backtest(model, panel: pd.DataFrame, *, horizon: int, years) -> pd.DataFrame:
    """Rolling-origin forecasts of `model` at `horizon` for every period of each of `years`."""
    panel = panel.sort_values(["unit", "period"]).reset_index(drop=True)
    goal = target_period(panel, horizon)
    goal_year = period_year(goal)
    actuals = {}
    for name, column in PROBABILITY_OUTCOMES.items():
        if column in panel.columns:
            actuals[f"actual_{name}"] = future(panel, column, horizon)
    if "fatalities" in panel.columns:
        actuals["actual_fatalities"] = future(panel, "fatalities", horizon)
    year_of_period = period_year(panel["period"])
    origin_covered = (
        panel["covered"].fillna(False).astype(bool)
        if "covered" in panel
        else pd.Series(True, index=panel.index)
    )
    key = ["unit", "period", "country"] if "country" in panel else ["unit", "period"]
    frames = []
    for year in years:
        test = (goal_year == year) & origin_covered
        if not test.any():
            continue
        fitted = clone(model).set_params(horizon=horizon)
        fitted.fit(panel[year_of_period < year])
        history = panel[panel["period"] <= panel.loc[test, "period"].max()]
        predicted = fitted.predict(history).loc[test[test].index]
        rows = panel.loc[test, key].copy()
        rows["target_period"] = goal[test]
        rows["horizon"] = horizon
        rows["model"] = _model_name(model)
        rows["version"] = fitted.version
        rows["train_first"] = fitted.training_window_[0]
        rows["train_last"] = fitted.training_window_[1]
        for column, values in actuals.items():
            rows[column] = values[test]
        frames.append(pd.concat([rows, predicted], axis=1))
    out = pd.concat(frames, ignore_index=True)
    # Rows whose target lies beyond the data (e.g. a unit that ceased to exist) are unscorable.
    actual_columns = [c for c in out.columns if c.startswith("actual_")]
    return out.dropna(subset=actual_columns, how="all").reset_index(drop=True)


def _probability_scores(y: np.ndarray, p: np.ndarray, prefix: str) -> dict[str, float]:
    keep = ~np.isnan(p) & ~np.isnan(y)
    y, p = y[keep], p[keep]
    return {
        f"{prefix}_n": int(keep.sum()),
        f"{prefix}_events": int(y.sum()),
        f"{prefix}_auc": metrics.auc(y, p),
        f"{prefix}_ap": metrics.average_precision(y, p),
        f"{prefix}_brier": metrics.brier(y, p),
    }


def _level_index(levels: np.ndarray, level: float) -> int:
    return int(np.argmin(np.abs(levels - level)))


def _sample_quantile(samples: np.ndarray, level: float) -> np.ndarray:
    """Quantile of each row's samples, treating them as the forecast at `SAMPLE_LEVELS`."""
    return np.array([np.interp(level, SAMPLE_LEVELS, row) for row in np.sort(samples, axis=1)])


def _count_scores(
    y: np.ndarray, samples: np.ndarray, point: np.ndarray, interval: np.ndarray | None = None
) -> dict[str, float]:
    """`interval` (n × 2) is the forecaster's own 80% interval when it states one (a
    calibrated one); otherwise the samples' 10% and 90% quantiles are the interval."""
    ordered = np.sort(samples, axis=1)
    q05, q95 = _sample_quantile(ordered, 0.05), _sample_quantile(ordered, 0.95)
    if interval is None:
        q10, q90 = _sample_quantile(ordered, 0.10), _sample_quantile(ordered, 0.90)
    else:
        q10, q90 = interval[:, 0], interval[:, 1]
    return {
        "count_n": int(y.size),
        "mse_log1p": metrics.mse_log1p(y, point),
        "mae": metrics.mean_absolute_error(y, point),
        "medae": metrics.median_absolute_error(y, point),
        "crps": float(np.mean(metrics.crps_from_samples(y, ordered))),
        "pinball": metrics.pinball_loss(y, ordered, SAMPLE_LEVELS),
        "coverage80": metrics.interval_coverage(y, q10, q90),
        "mis90": metrics.interval_score(y, q05, q95, alpha=0.1),
        "log_score": float(np.mean(metrics.log_score_binned(y, ordered))),
    }


def score_backtest(forecasts: pd.DataFrame, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Scores per model × horizon (× `by`, such as `country`): AUC, AP and Brier for
    each probability; for counts, the MSE of log1p, the mean and median absolute error of
    the point forecast, CRPS, pinball loss, 80% coverage, 90% MIS and log score."""
    keys = [*by, "model", "horizon"]
    rows = []
    for key, group in forecasts.groupby(keys, sort=True):
        row = dict(zip(keys, key, strict=True))
        for name in PROBABILITY_OUTCOMES:
            if f"p_{name}" in group and f"actual_{name}" in group:
                y = group[f"actual_{name}"].to_numpy(dtype=float)
                row.update(_probability_scores(y, group[f"p_{name}"].to_numpy(dtype=float), name))
        if "actual_fatalities" in group and SAMPLE_COLUMNS[0] in group:
            scored = group.dropna(subset=["actual_fatalities"])
            row.update(
                _count_scores(
                    scored["actual_fatalities"].to_numpy(dtype=float),
                    scored[list(SAMPLE_COLUMNS)].to_numpy(dtype=float),
                    scored["point"].to_numpy(dtype=float),
                    scored[["lower80", "upper80"]].to_numpy(dtype=float)
                    if "lower80" in scored and scored["lower80"].notna().all()
                    else None,
                )
            )
        rows.append(row)
    return pd.DataFrame(rows)


def reliability_tables(forecasts: pd.DataFrame, *, target: str, bins: int = 10) -> pd.DataFrame:
    """Reliability table of `p_<target>` per model × horizon."""
    frames = []
    for (model, horizon), group in forecasts.groupby(["model", "horizon"]):
        keep = group[[f"p_{target}", f"actual_{target}"]].dropna()
        table = metrics.reliability_table(keep[f"actual_{target}"], keep[f"p_{target}"], bins=bins)
        frames.append(table.assign(model=model, horizon=horizon, target=target))
    return pd.concat(frames, ignore_index=True)


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.3f}"
    return str(value)


def markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a GitHub Markdown table, floats to three decimals."""
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = [
        "| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body])


def write_report(scores: pd.DataFrame, path: str | Path, *, title: str = "Backtest") -> None:
    """Write `scores` to `path` as Markdown and beside it as JSON (same name, .json)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\n{markdown_table(scores)}\n")
    records = json.loads(scores.to_json(orient="records"))
    path.with_suffix(".json").write_text(json.dumps(records, indent=2) + "\n")
