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
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from threadpoolctl import threadpool_limits

from vigil.actors.choices import OrganisationKind
from vigil.actors.models import Organisation
from vigil.analytics.coverage import coverage_status
from vigil.analytics.escalation import (
    EscalationParams,
    detect_escalations,
    rank_escalations,
)
from vigil.analytics.hotspots import cluster_events, rank_hotspots
from vigil.analytics.panel import build_panel
from vigil.analytics.precision import known_by
from vigil.events.selectors import (
    coverage_frame_for_audience,
    events_for_audience,
    events_frame,
)
from vigil.geo.models import RegionalOrganisation, RegionMembership
from vigil.risk.areas import area_centroids, area_fields, area_names
from vigil.risk.choices import AreaLevel, RunStatus
from vigil.risk.forecasting import store_conflict_forecasts, store_month_forecasts
from vigil.risk.models import (
    AnalysisRun,
    AreaRisk,
    Escalation,
    EventCluster,
    Hotspot,
)
from vigil.sharing.choices import TLP

# Escalations flagged in this many months before the run's last month are stored: the
# country page shows the recent history, not only the current month.
ESCALATION_MONTHS = 36
HOTSPOTS_PER_REGION = 25
CLUSTER_DAYS = 90
PLATFORM_SLUG = "vigil-platform"
# Weekly hotspots look at the last year of weeks; their escalation baseline is 12 weeks and
# the excess that counts is scaled down from the monthly one.
WEEKS_OF_HISTORY = 52
WEEKLY_ESCALATION = EscalationParams(
    window=12,
    min_history=6,
    min_excess_fatalities=15.0,
    min_excess_events=4.0,
    surge_window=4,
    surge_min_fatalities=12.0,
    surge_min_events=3.0,
)
_MARK_ORDER = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]


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


def newest_covered_day(region: str, organisation: Organisation | None = None) -> dt.date | None:
    """The last day some counting source covers a member of `region`: the natural as-of
    date of that region's situation room when its data stops before today."""
    from vigil.analytics.coverage import last_covered

    coverage = coverage_frame_for_audience(organisation.pk if organisation else None)
    members = RegionMembership.objects.filter(organisation_id=region).values_list(
        "country_id", flat=True
    )
    days = [last_covered(coverage, code) for code in set(members)]
    days = [day for day in days if day is not None]
    return max(days).date() if days else None


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
    events = events.loc[known_by(events, as_of)] if len(events) else events
    coverage = coverage_frame_for_audience(audience)
    marks = set(queryset.order_by().values_list("tlp", flat=True).distinct())
    step("read events")
    owner = organisation or platform_organisation()
    mark = _run_mark(marks, organisation)
    run = AnalysisRun.objects.create(owner_org=owner, tlp=mark, as_of=as_of)
    try:
        with threadpool_limits(1), transaction.atomic():
            counts = _compute(
                run, events, coverage, as_of, model_dir, retrain, forecaster_params or {}, step
            )
            counts["conflict_forecasts"] = store_conflict_forecasts(
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
        "coverage": _coverage_summary(coverage, events, as_of),
    }
    run.save()
    return run


def _coverage_summary(
    coverage: pd.DataFrame, events: pd.DataFrame, as_of: dt.date
) -> dict[str, dict[str, str | None]]:
    """Per country the run read or a regional organisation holds: whether the run's last
    full month is covered, how far the data reaches and a sentence a page can print."""
    month = last_full_month(as_of)
    countries = set(RegionMembership.objects.values_list("country_id", flat=True))
    if len(events):
        countries |= set(events["country"].dropna().astype(str))
    countries |= {c for c in coverage["country"] if c != "*"}
    status = coverage_status(coverage, countries, month, month + pd.offsets.MonthEnd(0))
    return {
        row.country: {
            "status": row.status,
            "last": None if pd.isna(row.last) else row.last.date().isoformat(),
            "note": row.note,
        }
        for row in status.itertuples(index=False)
    }


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
    coverage: pd.DataFrame,
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
    names = area_names(events)
    centroids = area_centroids(events)
    # Every area from the data's first month: an area's first recorded month is then
    # scored against the (covered, quiet) months before it, not skipped as its start.
    first = events["date_start"].min()
    panels = {
        level: build_panel(events, level=level, start=first, end=month, coverage=coverage)
        for level in (AreaLevel.COUNTRY, AreaLevel.ADMIN1)
    }
    step("panels")

    forecasts: dict[str, pd.DataFrame] = {}
    for level in (AreaLevel.COUNTRY, AreaLevel.ADMIN1):
        forecasts[level], written = store_month_forecasts(
            run, events, level, month, model_dir, retrain, params, names, coverage
        )
        counts["forecasts"] += written
    step("forecasts")

    notes = {
        row.country: row.note
        for row in coverage_status(
            coverage, set(events["country"].astype(str)), month, month + pd.offsets.MonthEnd(0)
        ).itertuples(index=False)
    }
    for level, panel in panels.items():
        counts["area_risk"] += _store_area_risk(
            run, panel, level, month, forecasts[level], names, centroids, notes
        )
    step("area risk")

    scores = {level: detect_escalations(panel) for level, panel in panels.items()}
    since = month - pd.DateOffset(months=ESCALATION_MONTHS - 1)
    rows = []
    for level, scored in scores.items():
        flagged = rank_escalations(scored)
        flagged = flagged.loc[flagged["period"] >= since]
        # No data is not calm, and a month after a gap is not a surge against zeros.
        flagged = flagged.loc[_covered_cells(panels[level], flagged)]
        for rank, row in enumerate(flagged.itertuples(index=False), start=1):
            target = "fatalities" if "fatalities" in row.flagged_on else "events"
            observed = float(getattr(row, target))
            expected = float(getattr(row, f"expected_{target}"))
            rows.append(
                Escalation(
                    run=run,
                    level=level,
                    **area_fields(row.area, level, names, centroids),
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
        weekly = build_panel(
            recent,
            level=AreaLevel.ADMIN1,
            freq="W",
            start=week - pd.Timedelta(weeks=WEEKS_OF_HISTORY),
            end=week,
            coverage=coverage,
        )
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


def _covered_cells(panel: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """For each of `rows` (area, period), whether the panel's cell and the 3 months before
    it are covered."""
    if rows.empty or "covered" not in panel:
        return pd.Series(True, index=rows.index)
    frame = panel.sort_values(["area", "period"])
    covered = frame["covered"].astype(float)
    recent = covered.groupby(frame["area"]).rolling(4, min_periods=1).min().droplevel(0)
    ok = frame.assign(ok=recent.astype(bool)).set_index(["area", "period"])["ok"]
    keys = pd.MultiIndex.from_frame(rows[["area", "period"]])
    return pd.Series(ok.reindex(keys).fillna(False).to_numpy(), index=rows.index)


def _store_area_risk(
    run: AnalysisRun,
    panel: pd.DataFrame,
    level: str,
    month: pd.Timestamp,
    forecasts: pd.DataFrame,
    names: dict[str, str],
    centroids: dict[str, tuple[float, float]],
    notes: dict[str, str],
) -> int:
    """The risk table's rows for `month`: covered areas ranked by deaths then events over
    the last 3 months (ties broken by area, so no two share a rank); areas no source covers
    in `month` are stored unranked, without figures, with the sentence that says why."""
    window = 3
    frame = panel.sort_values(["area", "period"])
    by_area = frame.groupby("area", sort=False)
    recent = by_area["fatalities"].rolling(window, min_periods=window).sum().droplevel(0)
    recent_events = by_area["events"].rolling(window, min_periods=window).sum().droplevel(0)
    previous = recent.groupby(frame["area"]).shift(window)
    frame = frame.assign(recent=recent, recent_events=recent_events, previous=previous)
    current = frame.loc[frame["period"] == month]
    if current.empty:
        return 0
    if "covered" not in current:
        current = current.assign(covered=True)
    p_any = {}
    if not forecasts.empty:
        h1 = forecasts.loc[forecasts["horizon"] == 1]
        p_any = dict(zip(h1["area"], h1["p_any"], strict=True))
    current = current.assign(risk=current["area"].map(p_any))
    # A window that reaches back before the data's coverage is not a full window.
    usable = current["covered"].astype(bool) & current["recent"].notna()
    ranked = current.loc[usable].sort_values(
        ["recent", "recent_events", "area"], ascending=[False, False, True], kind="stable"
    )

    def figure(value: float) -> int | None:
        return None if pd.isna(value) else int(value)

    rows = [
        AreaRisk(
            run=run,
            level=level,
            **area_fields(row.area, level, names, centroids),
            period=month.date(),
            events=int(row.recent_events),
            fatalities=int(row.recent),
            fatalities_previous=figure(row.previous),
            months_since_fatal=figure(row.periods_since_fatal),
            risk=None if pd.isna(row.risk) else float(row.risk),
            change_ratio=None
            if pd.isna(row.previous)
            else (row.recent + 1.0) / (row.previous + 1.0),
            rank=rank,
        )
        for rank, row in enumerate(ranked.itertuples(index=False), start=1)
    ]
    rows += [
        AreaRisk(
            run=run,
            level=level,
            **area_fields(row.area, level, names, centroids),
            period=month.date(),
            covered=False,
            coverage_note=notes.get(str(row.country), "no source covers this month")[:200],
        )
        for row in current.loc[~usable].sort_values("area").itertuples(index=False)
    ]
    AreaRisk.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


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
                    **area_fields(row.area, AreaLevel.ADMIN1, names, centroids),
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
