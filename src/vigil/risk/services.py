"""`analyse`: recompute and store risk, escalations, hotspots, clusters and forecasts.

One run reads the events one audience may see (the signed-in community, or one
organisation), dated up to `as_of` and no later — nothing after that date can move a
figure, which is what makes an as-of run an honest replay of what was knowable then. The
figures are the framework-free functions of `vigil.analytics`; this module only moves
data between the store and them, and keeps each forecaster version with its training
window and its backtest scores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from threadpoolctl import threadpool_limits

from vigil.actors.choices import OrganisationKind
from vigil.actors.models import Organisation
from vigil.analytics.conflict_years import ACD_FILE, load_country_year_panel
from vigil.analytics.escalation import (
    EscalationParams,
    detect_escalations,
    rank_escalations,
)
from vigil.analytics.forecast import (
    ConflictYearForecaster,
    ViolenceMonthForecaster,
    build_violence_panel,
)
from vigil.analytics.hotspots import cluster_events, rank_hotspots
from vigil.analytics.panel import build_panel
from vigil.analytics.ucdp import gw_to_iso3
from vigil.events.selectors import events_for_audience, events_frame
from vigil.geo.models import Country, RegionalOrganisation, RegionMembership
from vigil.risk.choices import AreaLevel, ForecastLevel, RunStatus
from vigil.risk.models import (
    AnalysisRun,
    AreaRisk,
    ConflictForecast,
    Escalation,
    EventCluster,
    Forecast,
    Hotspot,
    ModelVersion,
)
from vigil.sharing.choices import TLP

log = logging.getLogger(__name__)

HORIZONS = (1, 2, 3)
# Escalations flagged in this many months before the run's last month are stored: the
# country page shows the recent history, not only the current month.
ESCALATION_MONTHS = 36
HOTSPOTS_PER_REGION = 25
CLUSTER_DAYS = 90
# Forecasters learn from at most this many years before the origin: older violence says
# little about next month, and it bounds the cost of a run on a large store.
TRAINING_YEARS = 12
PLATFORM_SLUG = "vigil-platform"
# Weekly hotspots look at the last year of weeks; their escalation baseline is 12 weeks and
# the excess that counts is scaled down from the monthly one.
WEEKS_OF_HISTORY = 52
WEEKLY_ESCALATION = EscalationParams(
    window=12, min_history=6, min_excess_fatalities=15.0, min_excess_events=4.0
)
_MARK_ORDER = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]
_LEVELS = {
    AreaLevel.ADMIN1: ForecastLevel.ADMIN1_MONTH,
    AreaLevel.COUNTRY: ForecastLevel.COUNTRY_MONTH,
}


def last_full_month(as_of: dt.date) -> pd.Timestamp:
    """The latest month wholly on or before `as_of` (the month itself when `as_of` is its
    last day): a part month would read as a fall in violence."""
    following = as_of + dt.timedelta(days=1)
    if following.month != as_of.month:
        return pd.Timestamp(as_of.year, as_of.month, 1)
    first = as_of.replace(day=1) - dt.timedelta(days=1)
    return pd.Timestamp(first.year, first.month, 1)


def last_full_week(as_of: dt.date) -> pd.Timestamp:
    """The Monday of the latest ISO week (Monday-Sunday) wholly on or before `as_of`."""
    monday = as_of - dt.timedelta(days=as_of.weekday())
    if as_of.weekday() != 6:
        monday -= dt.timedelta(weeks=1)
    return pd.Timestamp(monday)


def platform_organisation() -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug=PLATFORM_SLUG, defaults={"name": "Vigil platform", "kind": OrganisationKind.PLATFORM}
    )
    return organisation


def latest_event_date(organisation: Organisation | None = None) -> dt.date | None:
    """The newest event the audience may see: the natural as-of date of a historical store."""
    queryset = events_for_audience(organisation.pk if organisation else None)
    return queryset.order_by("-date_start").values_list("date_start", flat=True).first()


def analyse(
    *,
    as_of: dt.date,
    organisation: Organisation | None = None,
    model_dir: Path | None = None,
    retrain: bool = False,
    forecaster_params: dict[str, Any] | None = None,
    conflict_data: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> AnalysisRun:
    """Compute and store one run as of `as_of` for `organisation`'s audience (None: the
    community). Rows are written in one transaction; a failure leaves a FAILED run with
    the error and no partial figures."""
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def step(name: str) -> None:
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 3)
        progress(f"{name}: {timings[name]:.1f} s")

    audience = organisation.pk if organisation else None
    queryset = events_for_audience(audience, until=as_of)
    events = events_frame(queryset)
    marks = set(queryset.order_by().values_list("tlp", flat=True).distinct())
    step("read events")
    owner = organisation or platform_organisation()
    mark = _run_mark(marks, organisation)
    run = AnalysisRun.objects.create(owner_org=owner, tlp=mark, as_of=as_of)
    try:
        with threadpool_limits(1), transaction.atomic():
            counts = _compute(run, events, as_of, model_dir, retrain, forecaster_params or {}, step)
            counts["conflict_forecasts"] = _store_conflict_forecasts(
                run, as_of, conflict_data, model_dir, retrain
            )
            step("global conflict forecasts")
    except Exception as error:
        run.status = RunStatus.FAILED
        run.error = f"{type(error).__name__}: {error}"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.status = RunStatus.DONE
    run.events_used = len(events)
    if len(events):
        run.first_event_date = events["date_start"].min().date()
        run.last_event_date = events["date_start"].max().date()
    run.finished_at = timezone.now()
    run.summary = {
        **run.summary,
        "seconds": timings,
        "rows": counts,
        "marks_read": sorted(marks),
        "last_full_month": str(last_full_month(as_of).date()),
    }
    run.save()
    return run


def _run_mark(marks: set[str], organisation: Organisation | None) -> str:
    """The run's mark: the most restrictive mark it read, and for an organisation's run
    AMBER+STRICT whenever it read any AMBER, so its figures never leave that organisation."""
    if organisation is not None and marks & {TLP.AMBER, TLP.AMBER_STRICT}:
        return TLP.AMBER_STRICT
    ranked = [m for m in _MARK_ORDER if m in marks]
    return ranked[-1] if ranked else TLP.CLEAR


def _compute(
    run: AnalysisRun,
    events: pd.DataFrame,
    as_of: dt.date,
    model_dir: Path | None,
    retrain: bool,
    params: dict[str, Any],
    step: Callable[[str], None],
) -> dict[str, int]:
    counts = {"area_risk": 0, "escalations": 0, "hotspots": 0, "clusters": 0, "forecasts": 0}
    month = last_full_month(as_of)
    events = events.loc[events["date_start"] < month + pd.DateOffset(months=1)]
    if events.empty:
        return counts
    names = _area_names(events)
    centroids = _centroids(events)
    panels = {
        level: build_panel(events, level=level, end=month)
        for level in (AreaLevel.COUNTRY, AreaLevel.ADMIN1)
    }
    step("panels")

    forecasts: dict[str, pd.DataFrame] = {}
    for level in (AreaLevel.COUNTRY, AreaLevel.ADMIN1):
        forecasts[level], written = _forecast(
            run, events, level, month, model_dir, retrain, params, names
        )
        counts["forecasts"] += written
    step("forecasts")

    for level, panel in panels.items():
        counts["area_risk"] += _store_area_risk(run, panel, level, month, forecasts[level], names)
    step("area risk")

    scores = {level: detect_escalations(panel) for level, panel in panels.items()}
    since = month - pd.DateOffset(months=ESCALATION_MONTHS - 1)
    rows = []
    for level, scored in scores.items():
        flagged = rank_escalations(scored)
        flagged = flagged.loc[flagged["period"] >= since]
        for rank, row in enumerate(flagged.itertuples(index=False), start=1):
            target = "fatalities" if "fatalities" in row.flagged_on else "events"
            observed = float(getattr(row, target))
            expected = float(getattr(row, f"expected_{target}"))
            rows.append(
                Escalation(
                    run=run,
                    level=level,
                    **_area_fields(row.area, level, names, centroids),
                    period=row.period.date(),
                    target=target,
                    observed=observed,
                    expected=expected,
                    surprise=float(row.surprise),
                    effect=(observed + 1.0) / (expected + 1.0),
                    rank=rank,
                )
            )
    Escalation.objects.bulk_create(rows, batch_size=1000)
    counts["escalations"] = len(rows)
    step("escalations")

    counts["hotspots"] = _store_hotspots(
        run, panels[AreaLevel.ADMIN1], scores[AreaLevel.ADMIN1], as_of, month, names, centroids
    )
    week = last_full_week(as_of)
    recent = events.loc[
        (events["date_start"] >= week - pd.Timedelta(weeks=WEEKS_OF_HISTORY))
        & (events["date_start"] < week + pd.Timedelta(weeks=1))
    ]
    if not recent.empty:
        weekly = build_panel(recent, level=AreaLevel.ADMIN1, freq="W", end=week)
        counts["hotspots"] += _store_hotspots(
            run,
            weekly,
            detect_escalations(weekly, WEEKLY_ESCALATION),
            as_of,
            week,
            names,
            centroids,
            freq="W",
        )
    step("hotspots")
    counts["clusters"] = _store_clusters(run, events, month, names)
    step("clusters")
    return counts


def _area_names(events: pd.DataFrame) -> dict[str, str]:
    countries = dict(Country.objects.values_list("iso3", "name"))
    names = {iso3: countries.get(iso3, iso3) for iso3 in events["country"].dropna().unique()}
    admin1 = events[["country", "admin1"]].dropna().drop_duplicates()
    for country, name in admin1.itertuples(index=False):
        names[f"{country}/{name}"] = f"{name}, {countries.get(country, country)}"
    return names


def _centroids(events: pd.DataFrame) -> dict[str, tuple[float, float]]:
    located = events.dropna(subset=["latitude", "longitude"])
    out: dict[str, tuple[float, float]] = {}
    for key in (located["country"], located["country"] + "/" + located["admin1"].astype(str)):
        medians = located.groupby(key)[["latitude", "longitude"]].median()
        out.update({k: (float(v.latitude), float(v.longitude)) for k, v in medians.iterrows()})
    return out


def _area_fields(
    area: str, level: str, names: dict[str, str], centroids: dict[str, tuple[float, float]]
) -> dict[str, Any]:
    latitude, longitude = centroids.get(area, (None, None))
    return {
        "country_id": area.split("/", 1)[0],
        "area": area,
        "area_name": names.get(area, area)[:160],
        "latitude": latitude,
        "longitude": longitude,
    }


def _store_area_risk(
    run: AnalysisRun,
    panel: pd.DataFrame,
    level: str,
    month: pd.Timestamp,
    forecasts: pd.DataFrame,
    names: dict[str, str],
) -> int:
    window = 3
    frame = panel.sort_values(["area", "period"])
    by_area = frame.groupby("area", sort=False)
    recent = by_area["fatalities"].rolling(window, min_periods=1).sum().droplevel(0)
    recent_events = by_area["events"].rolling(window, min_periods=1).sum().droplevel(0)
    previous = recent.groupby(frame["area"]).shift(window).fillna(0)
    frame = frame.assign(recent=recent, recent_events=recent_events, previous=previous)
    current = frame.loc[frame["period"] == month]
    if current.empty:
        return 0
    p_any = {}
    if not forecasts.empty:
        h1 = forecasts.loc[forecasts["horizon"] == 1]
        p_any = dict(zip(h1["area"], h1["p_any"], strict=True))
    current = current.assign(risk=current["area"].map(p_any))
    current = current.sort_values(["recent", "recent_events"], ascending=False, kind="stable")
    centroids = _panel_centroids(current)
    rows = [
        AreaRisk(
            run=run,
            level=level,
            **_area_fields(row.area, level, names, centroids),
            period=month.date(),
            events=int(row.recent_events),
            fatalities=int(row.recent),
            fatalities_previous=int(row.previous),
            months_since_fatal=None
            if pd.isna(row.periods_since_fatal)
            else int(row.periods_since_fatal),
            risk=None if pd.isna(row.risk) else float(row.risk),
            change_ratio=(row.recent + 1.0) / (row.previous + 1.0),
            rank=rank,
        )
        for rank, row in enumerate(current.itertuples(index=False), start=1)
    ]
    AreaRisk.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _panel_centroids(frame: pd.DataFrame) -> dict[str, tuple[float, float]]:
    if "latitude" not in frame:
        return {}
    return {
        row.area: (float(row.latitude), float(row.longitude))
        for row in frame.itertuples(index=False)
        if not pd.isna(row.latitude)
    }


def _store_hotspots(
    run: AnalysisRun,
    panel: pd.DataFrame,
    scores: pd.DataFrame,
    as_of: dt.date,
    month: pd.Timestamp,
    names: dict[str, str],
    centroids: dict[str, tuple[float, float]],
    *,
    freq: str = "MS",
) -> int:
    members: dict[str, list[str]] = {}
    current = RegionMembership.objects.filter(
        Q(joined__isnull=True) | Q(joined__lte=as_of), Q(left__isnull=True) | Q(left__gt=as_of)
    )
    for code, country in current.values_list("organisation_id", "country_id"):
        members.setdefault(code, []).append(country)
    rows = []
    for region in RegionalOrganisation.objects.order_by("code"):
        ranked = rank_hotspots(
            panel,
            members=members.get(region.code, []),
            period=month,
            scores=scores,
            window=3 if freq == "MS" else 4,
        )
        for row in ranked.head(HOTSPOTS_PER_REGION).itertuples(index=False):
            rows.append(
                Hotspot(
                    run=run,
                    level=AreaLevel.ADMIN1,
                    region=region,
                    freq=freq,
                    **_area_fields(row.area, AreaLevel.ADMIN1, names, centroids),
                    period=month.date(),
                    risk_fatalities=int(row.risk),
                    risk_events=int(row.risk_events),
                    change=int(row.change),
                    change_ratio=float(row.change_ratio),
                    surprise=None if pd.isna(getattr(row, "surprise", np.nan)) else row.surprise,
                    rank_risk=int(row.rank_risk),
                    rank_change=int(row.rank_change),
                )
            )
    Hotspot.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _store_clusters(
    run: AnalysisRun, events: pd.DataFrame, month: pd.Timestamp, names: dict[str, str]
) -> int:
    until = month + pd.DateOffset(months=1) - pd.Timedelta(days=1)
    since = until - pd.Timedelta(days=CLUSTER_DAYS - 1)
    clusters = cluster_events(events, since=since, until=until)
    rows = []
    for row in clusters.itertuples(index=False):
        if row.country is None:
            continue
        place = names.get(f"{row.country}/{row.admin1}") or names.get(row.country, row.country)
        radius = _radius_km(row.min_lat, row.min_lon, row.max_lat, row.max_lon)
        rows.append(
            EventCluster(
                run=run,
                country_id=row.country,
                label=f"near {place}"[:200],
                latitude=float(row.latitude),
                longitude=float(row.longitude),
                radius_km=radius,
                events=int(row.events),
                fatalities=int(row.fatalities),
                first_date=row.first.date(),
                last_date=row.last.date(),
                event_ids=[int(i) for i in row.event_ids],
            )
        )
    EventCluster.objects.bulk_create(rows)
    return len(rows)


def _radius_km(min_lat: float, min_lon: float, max_lat: float, max_lon: float) -> float:
    """Half the bounding box's diagonal, by the haversine formula."""
    lat1, lon1, lat2, lon2 = map(np.radians, (min_lat, min_lon, max_lat, max_lon))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return float(6371.0088 * 2 * np.arcsin(np.sqrt(a)) / 2)


# --------------------------------------------------------------------------- forecasts


def _forecast(
    run: AnalysisRun,
    events: pd.DataFrame,
    level: str,
    month: pd.Timestamp,
    model_dir: Path | None,
    retrain: bool,
    params: dict[str, Any],
    names: dict[str, str],
) -> tuple[pd.DataFrame, int]:
    """Forecasts h = 1..3 months after `month` for every area with an event in the
    training window; returns them as a frame (area, horizon, p_any) and the rows written."""
    start = max(events["date_start"].min(), month - pd.DateOffset(years=TRAINING_YEARS))
    start = pd.Timestamp(start.year, start.month, 1)
    recent = events.loc[events["date_start"] >= start]
    if level == AreaLevel.ADMIN1:
        recent = recent.dropna(subset=["admin1"])
    if recent.empty:
        return pd.DataFrame(columns=["area", "horizon", "p_any"]), 0
    panel = build_violence_panel(recent, level=level, start=start, end=month)
    panel["area"] = panel["unit"].str.replace("|", "/", regex=False)
    origin = panel.loc[panel["period"] == month]
    rows, frames = [], []
    for horizon in HORIZONS:
        model, version = _fitted_model(panel, level, horizon, model_dir, retrain, params)
        if model is None:
            continue
        predicted = model.predict(origin)
        target = (month + pd.DateOffset(months=horizon)).date()
        quantile_columns = [c for c in predicted.columns if c.startswith("s")]
        for area, p in zip(origin["area"], predicted.itertuples(index=False), strict=True):
            samples = [getattr(p, c) for c in quantile_columns]
            rows.append(
                Forecast(
                    run=run,
                    level=level,
                    **_area_fields(area, level, names, {}),
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
                        for level_, value in zip(_SAMPLE_LEVELS, samples, strict=True)
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


_SAMPLE_LEVELS = (np.arange(40) + 0.5) / 40


def _store_conflict_forecasts(
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


def _fitted_model(
    panel: pd.DataFrame,
    level: str,
    horizon: int,
    model_dir: Path | None,
    retrain: bool,
    params: dict[str, Any],
) -> tuple[ViolenceMonthForecaster | None, ModelVersion | None]:
    """The forecaster for (level, horizon) trained on `panel`, from the model store when
    the same version was already trained on the same window (a model trained on later
    data is never used: its window is part of the key)."""
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
        f"{_LEVELS[level]}-{estimator.version}-h{horizon}-{fingerprint}-{settings_key}.joblib"
    )
    if path.exists() and not retrain:
        model = joblib.load(path)
    else:
        if (panel["fatalities"] > 0).sum() < 30 or panel["period"].nunique() <= horizon + 12:
            return None, None  # too little to learn from: no forecast rather than a bad one
        model = estimator.fit(panel)
        joblib.dump(model, path)
    first, last = model.training_window_
    version, _ = ModelVersion.objects.get_or_create(
        level=_LEVELS[level],
        name=name,
        trained_from=first.date(),
        trained_to=last.date(),
        defaults={
            "params": {
                **model.get_params(),
                "interval_mass": model.interval_mass_,
                "data_fingerprint": fingerprint,
                "file": path.name,
            },
            "backtest": backtest_scores(_LEVELS[level], estimator.version, horizon),
            "backtest_source": str(BACKTEST_RESULTS),
        },
    )
    if not version.backtest:  # backtested since this version was first stored
        scores = backtest_scores(_LEVELS[level], estimator.version, horizon)
        if scores:
            version.backtest = scores
            version.save(update_fields=["backtest"])
    return model, version


BACKTEST_RESULTS = Path(settings.BASE_DIR).parents[1] / "bench" / "backtest" / "results.json"
_METRICS = (
    "any_auc",
    "any_ap",
    "any_brier",
    "ge25_auc",
    "ge25_brier",
    "mse_log1p",
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
