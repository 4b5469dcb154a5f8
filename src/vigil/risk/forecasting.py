"""Forecasts of a run: the monthly forecasters fitted (or loaded from the model store) on the
run's own events, the global country-year forecaster on the UCDP/PRIO files, and the
model versions they are stored under with their backtest scores."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
from django.conf import settings
from threadpoolctl import threadpool_limits

from vigil.analytics.conflict_years import ACD_FILE, load_country_year_panel
from vigil.analytics.forecast import (
    SAMPLE_COLUMNS,
    SAMPLE_LEVELS,
    ConflictYearForecaster,
    ViolenceMonthForecaster,
    build_violence_panel,
)
from vigil.analytics.ucdp import gw_to_iso3
from vigil.geo.models import Country
from vigil.risk.areas import area_fields
from vigil.risk.choices import AreaLevel, ForecastLevel
from vigil.risk.models import AnalysisRun, ConflictForecast, Forecast, ModelVersion

HORIZONS = (1, 2, 3)
# Forecasters learn from at most this many years before the origin: older violence says
# little about next month, and it bounds the cost of a run on a large store.
TRAINING_YEARS = 12
FIT_WORKERS = 2  # this machine's cores; each fit runs one OpenMP thread
LEVELS = {
    AreaLevel.ADMIN1: ForecastLevel.ADMIN1_MONTH,
    AreaLevel.COUNTRY: ForecastLevel.COUNTRY_MONTH,
}


def store_month_forecasts(
    run: AnalysisRun,
    events: pd.DataFrame,
    level: str,
    month: pd.Timestamp,
    model_dir: Path | None,
    retrain: bool,
    params: dict[str, Any],
    names: dict[str, str],
    coverage: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, int]:
    """Forecasts h = 1..3 months after `month` for every area with an event in the
    training window whose country some source covers in `month`; returns them as a frame
    (area, horizon, p_any) and the rows written. With `coverage`, the forecasters learn
    from covered months only, as the backtests do (no data is not zero), and an area
    whose origin month no source covers gets no forecast: its page says why instead."""
    start = max(events["date_start"].min(), month - pd.DateOffset(years=TRAINING_YEARS))
    start = pd.Timestamp(start.year, start.month, 1)
    recent = events.loc[events["date_start"] >= start]
    if level == AreaLevel.ADMIN1:
        recent = recent.dropna(subset=["admin1"])
    if recent.empty:
        return pd.DataFrame(columns=["area", "horizon", "p_any"]), 0
    panel = build_violence_panel(recent, level=level, start=start, end=month, coverage=coverage)
    panel["area"] = panel["unit"].str.replace("|", "/", regex=False)
    origin = panel.loc[(panel["period"] == month) & panel["covered"].astype(bool)]
    if origin.empty:
        return pd.DataFrame(columns=["area", "horizon", "p_any"]), 0
    rows, frames = [], []
    # Fitting is pure computation on the panel: the horizons fit side by side in threads
    # (gradient boosting releases the GIL); the database work stays on this thread.
    with ThreadPoolExecutor(max_workers=FIT_WORKERS) as pool:
        fitted = list(
            pool.map(lambda h: _load_or_fit(panel, level, h, model_dir, retrain, params), HORIZONS)
        )
    for horizon, fit in zip(HORIZONS, fitted, strict=True):
        if fit is None:
            continue
        model, version = fit.model, _model_version(fit, level, horizon)
        predicted = model.predict(origin)
        target = (month + pd.DateOffset(months=horizon)).date()
        quantile_columns = list(SAMPLE_COLUMNS)
        for area, p in zip(origin["area"], predicted.itertuples(index=False), strict=True):
            samples = [getattr(p, c) for c in quantile_columns]
            rows.append(
                Forecast(
                    run=run,
                    level=level,
                    **area_fields(area, level, names, {}),
                    model_version=version,
                    origin=month.date(),
                    target_period=target,
                    horizon=horizon,
                    p_any=float(p.p_any),
                    p_ge25=float(p.p_ge25),
                    point=float(p.point),
                    median=float(p.median),
                    lower80=float(p.lower80),
                    upper80=float(p.upper80),
                    quantiles={
                        f"{level_:.4f}": round(float(value), 2)
                        for level_, value in zip(SAMPLE_LEVELS, samples, strict=True)
                    },
                )
            )
        frames.append(
            pd.DataFrame(
                {
                    "area": origin["area"].to_numpy(),
                    "horizon": horizon,
                    "p_any": predicted["p_any"].to_numpy(),
                }
            )
        )
    Forecast.objects.bulk_create(rows, batch_size=1000)
    frame = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["area", "horizon", "p_any"])
    )
    return frame, len(rows)


def store_conflict_forecasts(
    run: AnalysisRun,
    as_of: dt.date,
    data_dir: Path | None,
    model_dir: Path | None,
    retrain: bool,
) -> int:
    """P(armed conflict) 1-3 years ahead for every Gleditsch-Ward state, from the UCDP/PRIO
    conflict files (public data, independent of the event store) truncated to the last
    full year before `as_of`. Skipped, and said so in the run's summary, without the files."""
    root = Path(data_dir or settings.SHARED_DATA_DIR)
    if not (root / ACD_FILE).exists():
        run.summary = {**run.summary, "conflict_data": f"not found under {root}"}
        return 0
    last_year = as_of.year if as_of == dt.date(as_of.year, 12, 31) else as_of.year - 1
    panel = load_country_year_panel(root, last_year=last_year)
    origin_year = int(panel["period"].max())
    origin = panel.loc[panel["period"] == origin_year]
    iso3 = {gw: gw_to_iso3(gw) for gw in origin["unit"].unique()}
    known = set(
        Country.objects.filter(pk__in=[c for c in iso3.values() if c]).values_list("pk", flat=True)
    )
    store = Path(model_dir or settings.VAR_DIR / "models")
    store.mkdir(parents=True, exist_ok=True)
    rows = []
    for horizon in HORIZONS:
        estimator = ConflictYearForecaster(horizon=horizon)
        path = store / f"country_year-{estimator.version}-h{horizon}-{origin_year}.joblib"
        if path.exists() and not retrain:
            model = joblib.load(path)
        else:
            model = estimator.fit(panel)
            joblib.dump(model, path)
        first, last = model.training_window_
        version, _ = ModelVersion.objects.get_or_create(
            level=ForecastLevel.COUNTRY_YEAR,
            name=f"{estimator.version} h={horizon}",
            trained_from=dt.date(int(first), 1, 1),
            trained_to=dt.date(int(last), 1, 1),
            defaults={
                "params": {**model.get_params(), "file": path.name},
                "backtest": year_backtest_scores(estimator.version, horizon),
                "backtest_source": str(BACKTEST_RESULTS),
            },
        )
        predicted = model.predict(origin)
        for (gw, conflict), p in zip(
            origin[["unit", "incidence"]].itertuples(index=False),
            predicted.itertuples(index=False),
            strict=True,
        ):
            if iso3.get(gw) not in known:
                continue
            rows.append(
                ConflictForecast(
                    run=run,
                    country_id=iso3[gw],
                    gwcode=int(gw),
                    model_version=version,
                    origin_year=origin_year,
                    target_year=origin_year + horizon,
                    horizon=horizon,
                    in_conflict=bool(conflict),
                    p_incidence=float(p.p_incidence),
                    p_onset=None if pd.isna(p.p_onset) else float(p.p_onset),
                )
            )
    ConflictForecast.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@dataclass
class _Fit:
    model: ViolenceMonthForecaster
    name: str
    path: Path
    fingerprint: str
    version: str


def _load_or_fit(
    panel: pd.DataFrame,
    level: str,
    horizon: int,
    model_dir: Path | None,
    retrain: bool,
    params: dict[str, Any],
) -> _Fit | None:
    """The forecaster for (level, horizon) trained on `panel`, from the model store when
    the same version with the same parameters was already trained on the same panel (its
    fingerprint is part of the file name, so a model trained on other data — later data
    included — is never used). No database access: this runs in worker threads."""
    estimator = ViolenceMonthForecaster(**{**params, "horizon": horizon})
    store = Path(model_dir or settings.VAR_DIR / "models")
    store.mkdir(parents=True, exist_ok=True)
    fingerprint = hashlib.sha256(
        pd.util.hash_pandas_object(panel[["unit", "period", "fatalities", "events"]], index=False)
        .to_numpy()
        .tobytes()
    ).hexdigest()[:16]
    settings_key = hashlib.sha256(
        json.dumps(estimator.get_params(), sort_keys=True).encode()
    ).hexdigest()[:8]
    default = estimator.get_params() == ViolenceMonthForecaster(horizon=horizon).get_params()
    name = f"{estimator.version} h={horizon}" + ("" if default else f" [{settings_key}]")
    path = store / (
        f"{LEVELS[level]}-{estimator.version}-h{horizon}-{fingerprint}-{settings_key}.joblib"
    )
    if path.exists() and not retrain:
        model = joblib.load(path)
    else:
        if (panel["fatalities"] > 0).sum() < 30 or panel["period"].nunique() <= horizon + 12:
            return None  # too little to learn from: no forecast rather than a bad one
        with threadpool_limits(1):
            model = estimator.fit(panel)
        joblib.dump(model, path)
    return _Fit(model, name, path, fingerprint, estimator.version)


def _model_version(fit: _Fit, level: str, horizon: int) -> ModelVersion:
    """The stored version of a fitted forecaster, with the committed backtest of its code
    version (added later if the backtest was run after the version was first stored)."""
    first, last = fit.model.training_window_
    version, _ = ModelVersion.objects.get_or_create(
        level=LEVELS[level],
        name=fit.name,
        trained_from=first.date(),
        trained_to=last.date(),
        defaults={
            "params": {
                **fit.model.get_params(),
                "interval_mass": fit.model.interval_mass_,
                "data_fingerprint": fit.fingerprint,
                "file": fit.path.name,
            },
            "backtest": backtest_scores(LEVELS[level], fit.version, horizon),
            "backtest_source": str(BACKTEST_RESULTS),
        },
    )
    if not version.backtest:
        scores = backtest_scores(LEVELS[level], fit.version, horizon)
        if scores:
            version.backtest = scores
            version.save(update_fields=["backtest"])
    return version


BACKTEST_RESULTS = Path(settings.BASE_DIR).parents[1] / "bench" / "backtest" / "results.json"
_METRICS = (
    "any_auc",
    "any_ap",
    "any_brier",
    "ge25_auc",
    "ge25_brier",
    "mse_log1p",
    "mae",
    "medae",
    "crps",
    "coverage80",
    "mis90",
    "log_score",
)


def year_backtest_scores(version: str, horizon: int, path: Path | None = None) -> dict:
    """The committed backtest of this country-year forecaster version at this horizon."""
    source = Path(path or BACKTEST_RESULTS)
    if not source.exists():
        return {}
    results = json.loads(source.read_text())
    level = results.get("levels", {}).get("country_year")
    if not level or results.get("versions", {}).get("ConflictYearForecaster") != version:
        return {}
    metrics = (
        "incidence_auc",
        "incidence_ap",
        "incidence_brier",
        "onset_auc",
        "onset_ap",
        "onset_brier",
    )
    scores = [s for s in level["scores"] if s["horizon"] == horizon]
    ours = [s for s in scores if s["model"] == "ConflictYearForecaster"]
    if not ours:
        return {}
    pick = lambda s: {m: s.get(m) for m in metrics}  # noqa: E731
    return {
        "horizon": horizon,
        "model": pick(ours[0]),
        "baselines": {
            s["model"]: pick(s) for s in scores if s["model"] != "ConflictYearForecaster"
        },
        "test_years": level.get("test_years"),
    }


def backtest_scores(level: str, version: str, horizon: int, path: Path | None = None) -> dict:
    """The committed backtest's scores of this forecaster version at this level and
    horizon, with the baselines', or {} when the backtest was run on another version."""
    source = Path(path or BACKTEST_RESULTS)
    if not source.exists():
        return {}
    results = json.loads(source.read_text())
    level_results = results.get("levels", {}).get(level)
    if not level_results or results.get("versions", {}).get("ViolenceMonthForecaster") != version:
        return {}
    scores = [s for s in level_results["scores"] if s["horizon"] == horizon]
    ours = [s for s in scores if s["model"] == "ViolenceMonthForecaster"]
    if not ours:
        return {}
    pick = lambda s: {m: s.get(m) for m in _METRICS}  # noqa: E731
    return {
        "horizon": horizon,
        "model": pick(ours[0]),
        "baselines": {
            s["model"]: pick(s) for s in scores if s["model"] != "ViolenceMonthForecaster"
        },
        "test_years": level_results.get("test_years"),
    }
