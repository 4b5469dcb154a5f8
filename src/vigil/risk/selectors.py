"""Reads of stored analysis, always through the access policy.

A row of a run is visible exactly when its run is: the run carries the scope's owner and
mark, and every function here starts from `visible_runs()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import F, QuerySet

from vigil.actors.models import Organisation
from vigil.geo.models import Country, RegionalOrganisation
from vigil.geo.selectors import region_members_on
from vigil.risk.choices import ForecastLevel, RunStatus
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
from vigil.sharing.policy import organisation_ids, visible

# The more a run may have read, the more a reader who may see it learns from it.
_RESTRICTIVENESS = {TLP.CLEAR: 0, TLP.GREEN: 1, TLP.AMBER: 2, TLP.AMBER_STRICT: 3, TLP.RED: 4}


def organisation_by_slug(slug: str) -> Organisation | None:
    """Configuration lookup for the command line (organisations are not protected records)."""
    return Organisation.objects.filter(slug=slug).first()


def visible_runs(user: Any) -> QuerySet[AnalysisRun]:
    """Finished runs the reader may see, newest first."""
    return visible(AnalysisRun.objects.filter(status=RunStatus.DONE), user)


def latest_run(user: Any, *, as_of: dt.date | None = None) -> AnalysisRun | None:
    """The run a reader should be shown: the newest `as_of` (up to the given date) and,
    among runs of that date, the one that read the most — the reader's own organisation's
    scope before the community's, because it includes what they are entitled to."""
    runs = visible_runs(user)
    if as_of is not None:
        runs = runs.filter(as_of__lte=as_of)
    newest = runs.order_by("-as_of").values_list("as_of", flat=True).first()
    if newest is None:
        return None
    candidates = list(runs.filter(as_of=newest).order_by("-started_at"))
    own = set(organisation_ids(user))
    return max(
        candidates,
        key=lambda r: (r.owner_org_id in own, _RESTRICTIVENESS.get(r.tlp, 0), r.started_at),
    )


def _of_run(queryset: QuerySet, run: AnalysisRun | None, countries: Iterable[str] | None):
    if run is None:
        return queryset.none()
    rows = queryset.filter(run=run)
    if countries is not None:
        rows = rows.filter(country_id__in=list(countries))
    return rows


def area_risk(
    run: AnalysisRun | None, *, level: str = "country", countries: Iterable[str] | None = None
) -> QuerySet[AreaRisk]:
    """Ranked (covered) areas first, then the areas no source covers, by name."""
    rows = _of_run(AreaRisk.objects.select_related("country"), run, countries).filter(level=level)
    return rows.order_by(F("rank").asc(nulls_last=True), "area_name")


def coverage_of(run: AnalysisRun | None, countries: Iterable[str]) -> list[dict[str, Any]]:
    """Per country, what the run's data covered in its last full month: status
    ("covered", "partial", "none"), the last covered day and the sentence to print
    ("no data since 2019-12-31 — UCDP GED extract 20.1"). A country the run never heard
    of is not covered: no data is not zero."""
    summary = (run.summary or {}) if run else {}
    # A run stored before coverage was recorded says nothing either way: "unknown".
    recorded = "coverage" in summary
    stored = summary.get("coverage", {})
    codes = sorted(set(countries))
    names = dict(Country.objects.filter(pk__in=codes).values_list("pk", "name"))
    out = []
    for code in codes:
        row = stored.get(code) or {
            "status": "none" if recorded else "unknown",
            "last": None,
            "note": "no source covers this country" if recorded else "",
        }
        last = dt.date.fromisoformat(row["last"]) if row.get("last") else None
        missing = row["status"] in ("none", "partial")
        out.append(
            {
                "country": code,
                "name": names.get(code, code),
                **row,
                "last": last,
                "missing": missing,
            }
        )
    return out


def coverage_gaps(coverage: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The countries of `coverage_of` rows that are not wholly covered, grouped by their
    sentence, so that a page lists "no source covers this country: Benin, Ghana, ..." once."""
    groups: dict[str, list[str]] = {}
    for row in coverage:
        if row["missing"]:
            groups.setdefault(row["note"], []).append(row["name"])
    return [{"note": note, "countries": names} for note, names in groups.items()]


def escalations(
    run: AnalysisRun | None,
    *,
    countries: Iterable[str] | None = None,
    since: dt.date | None = None,
) -> QuerySet[Escalation]:
    rows = _of_run(Escalation.objects.select_related("country"), run, countries)
    return rows.filter(period__gte=since) if since else rows


def hotspots(
    run: AnalysisRun | None, *, region: str | None = None, freq: str = "MS"
) -> QuerySet[Hotspot]:
    rows = _of_run(Hotspot.objects.select_related("country", "region"), run, None)
    rows = rows.filter(freq=freq)
    return rows.filter(region_id=region) if region else rows


def clusters(
    run: AnalysisRun | None, *, countries: Iterable[str] | None = None
) -> QuerySet[EventCluster]:
    return _of_run(EventCluster.objects.select_related("country"), run, countries)


def forecasts(
    run: AnalysisRun | None,
    *,
    level: str | None = None,
    countries: Iterable[str] | None = None,
    horizon: int | None = None,
) -> QuerySet[Forecast]:
    rows = _of_run(Forecast.objects.select_related("country", "model_version"), run, countries)
    if level:
        rows = rows.filter(level=level)
    if horizon:
        rows = rows.filter(horizon=horizon)
    return rows


def conflict_forecasts(
    run: AnalysisRun | None, *, countries: Iterable[str] | None = None
) -> QuerySet[ConflictForecast]:
    return _of_run(ConflictForecast.objects.select_related("model_version"), run, countries)


def model_versions(run: AnalysisRun | None) -> QuerySet[ModelVersion]:
    """The model versions whose forecasts the run stored, with their backtest scores."""
    if run is None:
        return ModelVersion.objects.none()
    ids = Forecast.objects.filter(run=run).values("model_version_id").distinct()
    return ModelVersion.objects.filter(pk__in=ids)


# --------------------------------------------------------------------------- pages


def regions_with_hotspots(run: AnalysisRun | None) -> list[tuple[str, str]]:
    """(code, name) of the regional organisations a run can be read for: all of them, so
    that a region whose data ends before the run still shows why it has no hotspot."""
    if run is None:
        return []
    return list(RegionalOrganisation.objects.order_by("code").values_list("code", "name"))


def regional_overview(
    user: Any, region: str | None, *, freq: str = "MS", as_of: dt.date | None = None
) -> dict:
    """What the regional risk page shows: the run, the region's ranked hotspots with each
    area's next-month forecast, the region's countries' risk and the recent clusters."""
    run = latest_run(user, as_of=as_of)
    regions = regions_with_hotspots(run)
    codes = [code for code, _ in regions]
    if region not in codes:
        # The default is a region the data covers: one with ranked hotspots, ECOWAS first.
        ranked = (
            set(Hotspot.objects.filter(run=run).values_list("region_id", flat=True))
            if run
            else set()
        )
        preferred = [c for c in codes if c in ranked] or codes
        region = "ECOWAS" if "ECOWAS" in preferred else (preferred[0] if preferred else None)
    freq = freq if freq in ("MS", "W") else "MS"
    spots = list(hotspots(run, region=region, freq=freq)) if region else []
    countries = sorted({h.country_id for h in spots})
    members = (
        sorted(region_members_on(region, run.as_of).values_list("iso3", flat=True))
        if region and run
        else []
    )
    next_month = {f.area: f for f in forecasts(run, level="admin1", countries=countries, horizon=1)}
    rows = [{"hotspot": h, "forecast": next_month.get(h.area)} for h in spots]
    coverage = coverage_of(run, members)
    covered_members = sum(1 for c in coverage if c["status"] == "covered")
    return {
        "run": run,
        "regions": regions,
        "region": region,
        "freq": freq,
        "rows": rows,
        "countries": list(area_risk(run, level="country", countries=members)),
        "coverage": coverage,
        "coverage_gaps": coverage_gaps(coverage),
        "covered_members": covered_members,
        "covered_run": None if covered_members else newest_covered_run(user, run, members),
        "clusters": list(clusters(run, countries=countries)[:20]),
    }


def newest_covered_run(
    user: Any, run: AnalysisRun | None, countries: Iterable[str]
) -> AnalysisRun | None:
    """The newest run before `run` in which a source covered one of `countries`: where a
    reader should look when the latest analysis finds a region's data ended."""
    if run is None:
        return None
    wanted = set(countries)
    for earlier in visible_runs(user).filter(as_of__lt=run.as_of).order_by("-as_of")[:50]:
        stored = (earlier.summary or {}).get("coverage", {})
        if any(stored.get(code, {}).get("status") == "covered" for code in wanted):
            return earlier
    return None


def country_overview(user: Any, iso3: str, *, as_of: dt.date | None = None) -> dict:
    """What the country page shows, from the run the reader may see: the country's level,
    its escalations, its forecasts with intervals and the backtest of the model behind them,
    and its admin1 areas."""
    run = latest_run(user, as_of=as_of)
    country_rows = list(area_risk(run, level="country", countries=[iso3]))
    national = list(forecasts(run, level="country", countries=[iso3]).order_by("horizon"))
    next_month = {f.area: f for f in forecasts(run, level="admin1", countries=[iso3], horizon=1)}
    coverage = coverage_of(run, [iso3])[0] if run else None
    uncovered = coverage is not None and coverage["missing"]
    return {
        "run": run,
        "coverage": coverage,
        "covered_run": newest_covered_run(user, run, [iso3]) if uncovered else None,
        "risk": country_rows[0] if country_rows else None,
        "escalations": list(escalations(run, countries=[iso3]).order_by("-period", "rank")),
        "forecasts": [{"forecast": f, "backtest": backtest_beside(f)} for f in national],
        # How good the next-month forecasts are: a sentence and three measures (the page
        # prints them under the table, with the link to the full report).
        "backtest": backtest_summary(national[0].model_version) if national else None,
        "areas": [
            {"risk": a, "forecast": next_month.get(a.area)}
            for a in area_risk(run, level="admin1", countries=[iso3])
        ],
        "clusters": list(clusters(run, countries=[iso3])),
        "conflict": [
            {"forecast": f, "backtest": year_backtest_beside(f)}
            for f in conflict_forecasts(run, countries=[iso3]).order_by("horizon")
        ],
    }


def backtest_table(version: ModelVersion) -> list[dict[str, Any]]:
    """A model version's backtest (at its horizon) beside the best baseline's, metric by
    metric: higher is better for AUC and AP, 0.80 is best for coverage, lower for the rest.
    Empty when that version was never backtested."""
    scores = version.backtest or {}
    model, baselines = scores.get("model") or {}, scores.get("baselines") or {}
    out = []
    for metric, value in model.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        values = {n: s[metric] for n, s in baselines.items() if s.get(metric) is not None}
        if metric.startswith("coverage"):
            best = min(values, key=lambda n: abs(values[n] - 0.8)) if values else None
        elif metric.endswith(("_auc", "_ap")) or metric in ("auc", "ap"):
            best = max(values, key=values.get) if values else None
        else:
            best = min(values, key=values.get) if values else None
        out.append(
            {
                "metric": metric,
                "model": value,
                "baseline": best,
                "baseline_value": values.get(best) if best else None,
            }
        )
    return out


# What a reader is told about a forecaster's backtest: three measures people understand,
# each against the same named baseline. (metric, higher is better, decimals)
SUMMARY_MEASURES = (("any_auc", True, 2), ("any_brier", False, 3), ("medae", False, 1))
BASELINE_NAMES = {
    "ZerosBaseline": "zeros",
    "PersistenceBaseline": "persistence",
    "HistoricalAverageBaseline": "historical average",
    "ConflictologyBaseline": "conflictology",
    "BootstrapBaseline": "bootstrap",
}


def backtest_summary(version: ModelVersion) -> dict[str, Any] | None:
    """A forecaster version's backtest as a reader can weigh it: the baseline with the best
    Brier score of "any death" (the one hardest to beat on the question the page asks),
    and for the AUC of any death, its Brier score and the median absolute error of deaths,
    both values, which is better and by how much. None when never backtested."""
    scores = version.backtest or {}
    model, baselines = scores.get("model") or {}, scores.get("baselines") or {}
    if model.get("any_brier") is None:
        return None
    named = {n: s for n, s in baselines.items() if n != "ZerosBaseline" and s.get("any_brier")}
    if not named:
        return None
    best = min(named, key=lambda n: named[n]["any_brier"])
    rows, wins = [], 0
    for metric, higher, decimals in SUMMARY_MEASURES:
        ours, theirs = model.get(metric), named[best].get(metric)
        if not (_number(ours) and _number(theirs)):
            continue
        better = ours > theirs if higher else ours < theirs
        tie = round(ours, decimals) == round(theirs, decimals)
        wins += better and not tie
        rows.append(
            {
                "metric": metric,
                "model": ours,
                "baseline": theirs,
                "decimals": decimals,
                "higher_is_better": higher,
                "winner": "tie" if tie else ("model" if better else "baseline"),
                "difference": abs(ours - theirs),
            }
        )
    years = scores.get("test_years") or []
    return {
        "horizon": scores.get("horizon"),
        "baseline": BASELINE_NAMES.get(best, best),
        "baseline_count": len(named) + (1 if "ZerosBaseline" in baselines else 0),
        "rows": rows,
        "wins": wins,
        "measures": len(rows),
        "test_years": f"{years[0]}–{years[-1]}" if len(years) >= 2 else "",
    }


def backtest_summaries() -> list[dict[str, Any]]:
    """What the backtest page opens with: the newest backtested version of each monthly
    forecaster at one month ahead, summarised as on the country page, so a reader learns
    whether the model is any good before the full report's tables of metrics."""
    out = []
    for level in (ForecastLevel.COUNTRY_MONTH, ForecastLevel.ADMIN1_MONTH):
        for version in ModelVersion.objects.filter(level=level).order_by("-created_at"):
            one_month = (version.backtest or {}).get("horizon") == 1
            summary = backtest_summary(version) if one_month else None
            if summary is not None:
                out.append({"level": level.label, "version": version.name, "summary": summary})
                break
    return out


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def backtest_report_html() -> str | None:
    """bench/backtest/REPORT.md as HTML (raw HTML in it is escaped), or None without it."""
    from markdown_it import MarkdownIt

    from vigil.risk.forecasting import BACKTEST_RESULTS

    path = BACKTEST_RESULTS.with_name("REPORT.md")
    if not path.exists():
        return None
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(path.read_text())


# The figures shown beside a forecast on the country page.
BACKTEST_FIGURES = ("any_auc", "any_brier", "crps", "coverage80")


def backtest_beside(forecast: Forecast) -> list[dict[str, Any]]:
    """The forecast's model version's backtest at its horizon, for the few figures the
    country page shows."""
    rows = {row["metric"]: row for row in backtest_table(forecast.model_version)}
    return [rows[m] for m in BACKTEST_FIGURES if m in rows]


def year_backtest_beside(forecast: ConflictForecast) -> list[dict[str, Any]]:
    """The country-year model's backtest AUC beside the best baseline's, for the target
    this state's forecast is about (onset when at peace, incidence otherwise)."""
    scores = forecast.model_version.backtest or {}
    model, baselines = scores.get("model") or {}, scores.get("baselines") or {}
    metric = "incidence_auc" if forecast.in_conflict else "onset_auc"
    if model.get(metric) is None:
        return []
    values = {n: s.get(metric) for n, s in baselines.items() if s.get(metric) is not None}
    best = max(values, key=values.get) if values else None
    return [
        {
            "metric": metric,
            "model": model[metric],
            "baseline": BASELINE_NAMES.get(best, best) if best else None,
            "baseline_value": values.get(best) if best else None,
        }
    ]


def country_trend(
    user: Any,
    iso3: str,
    *,
    months: int = 36,
    until: dt.date | None = None,
    covered_until: dt.date | None = None,
):
    """Monthly events and deaths the reader may see in a country, over the last `months`
    months up to `until` (default: the newest such event). A month that ends after
    `covered_until` (the last day a source covers) has `covered` False and no figures:
    its silence is missing data, not zero deaths."""
    from vigil.events.selectors import EventFilters, events_visible_to, timeline

    visible_events = events_visible_to(user, EventFilters(country=(iso3,)))
    if until is None:
        until = visible_events.order_by("-date_start").values_list("date_start", flat=True).first()
    if until is None:
        return []
    start = (until.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    rows = timeline(
        visible_events.filter(date_start__gte=start, date_start__lte=until), interval="month"
    )
    by_month = {r["period"].strftime("%Y-%m"): r for r in rows}
    out, month = [], start
    while month <= until:
        key = month.strftime("%Y-%m")
        row = by_month.get(key, {"events": 0, "fatalities": 0})
        following = (month + dt.timedelta(days=32)).replace(day=1)
        inside = covered_until is None or following - dt.timedelta(days=1) <= covered_until
        out.append(
            {
                "month": month,
                "covered": inside,
                "events": row["events"] if inside else None,
                "fatalities": row["fatalities"] if inside else None,
            }
        )
        month = following
    return out
