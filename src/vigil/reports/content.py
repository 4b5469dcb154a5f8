"""Build a product's content as its audience would see it.

A product's mark decides what it may contain, whoever builds it: a TLP:GREEN synopsis holds
only CLEAR and GREEN events, analyses and reports, even when the analyst who asked for it
can see AMBER ones; a TLP:AMBER product adds the owning organisation's own AMBER records.
The builder's wider view is used for one thing only: to count what was left out, so the
product can say so. Every read goes through the other apps' selectors, which apply the
access policy; this module never touches a model manager.

Content is plain JSON: sections, each with paragraphs and figures; every figure carries the
ids of the events behind it, so each number in every rendering can be traced back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db.models import Count, QuerySet, Sum
from django.urls import reverse
from django.utils import translation

from vigil.analytics.coverage import coverage_status, covered
from vigil.analytics.precision import countable
from vigil.events.choices import Category
from vigil.events.selectors import (
    EventFilters,
    coverage_frame_for,
    events_visible_to,
)
from vigil.events.services.freshness import stale_feeds
from vigil.fieldreports.choices import ReviewStatus
from vigil.fieldreports.selectors import reports_visible_to
from vigil.geo.selectors import country_ids_in_region_between
from vigil.indicators.selectors import observations_visible_to
from vigil.reports.catalogue import RESPONSE_OPTIONS, phrase
from vigil.risk import selectors as risk
from vigil.risk.choices import AreaLevel
from vigil.sharing.policy import ProductAudience, product_audience, product_mark_rule

KEY_EVENTS = 10
TOP_HOTSPOTS = 10
TOP_FORECASTS = 10
TREND_MONTHS = 24


@dataclass
class Scope:
    """What a product is about and for whom: its area, period, language, mark and owner."""

    language: str
    mark: str
    owner_id: int
    period_start: dt.date
    period_end: dt.date
    builder: Any = None  # the author, whose wider view is counted for the "left out" note
    region: str | None = None
    country: str | None = None
    countries: list[str] = field(default_factory=list)

    @property
    def audience(self) -> ProductAudience:
        return product_audience(self.mark, self.owner_id)

    def events(self, **filters: Any) -> QuerySet:
        """Events the product may contain, filtered (EventFilters fields)."""
        queryset = events_visible_to(self.audience, EventFilters(**filters))
        return queryset.filter(product_mark_rule(self.mark, self.owner_id))

    def builder_events(self, **filters: Any) -> QuerySet:
        """Events the builder may see with the same filters: the product's at most, plus
        what its mark keeps out."""
        reader = self.builder if self.builder is not None else ProductAudience(self.owner_id)
        return events_visible_to(reader, EventFilters(**filters))


def _country_names(language: str, codes: Iterable[str]) -> dict[str, str]:
    """Country names for the product's figures (reference data, not policy-guarded)."""
    from vigil.geo.selectors import areas

    wanted = set(codes)
    return {row["id"]: row["name"] for row in areas(level=0) if row["id"] in wanted}


def _category(value: str, language: str) -> str:
    with translation.override(language):
        try:
            return str(Category(value).label)
        except ValueError:
            return value


def _ids(queryset: QuerySet) -> list[int]:
    return sorted(queryset.order_by().values_list("pk", flat=True))


def _totals(queryset: QuerySet) -> tuple[int, int]:
    agg = queryset.order_by().aggregate(events=Count("pk"), deaths=Sum("fatalities_best"))
    return agg["events"] or 0, agg["deaths"] or 0


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _months_back(day: dt.date, months: int) -> dt.date:
    year, month = day.year, day.month - months
    while month <= 0:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def _area_events(scope: Scope, row: Any, start: dt.date, end: dt.date) -> QuerySet:
    """The events behind one risk row: its country (or admin1 area) over [start, end]."""
    queryset = scope.events(country=(row.country_id,), date_from=start, date_to=end)
    if getattr(row, "level", "country") == "admin1":
        queryset = queryset.filter(admin1__name=row.area_name)
    return queryset


def _run_for(scope: Scope, as_of: dt.date) -> Any:
    """The newest finished analysis the product's mark allows, as of its date."""
    runs = (
        risk.visible_runs(scope.audience)
        .filter(product_mark_rule(scope.mark, scope.owner_id), as_of__lte=as_of)
        .order_by("-as_of", "-started_at")
    )
    return runs.first()


def _run_note(scope: Scope, run: Any) -> str:
    if run is None:
        return phrase("text.no_analysis", scope.language)
    return phrase("text.analysis_run", scope.language, date=run.as_of.isoformat(), tlp=run.tlp)


def _backtest_figures(
    scope: Scope, run: Any, *, horizons: tuple[int, ...] = (1,)
) -> list[dict[str, Any]]:
    """For each forecast level the product shows, how good its forecasts were in the
    backtest: a sentence (better than the best named baseline on how many of three
    measures), a small table of the three (AUC and Brier score of any death, median error
    in deaths) with which side is better and by how much, and the link to the report."""
    language = scope.language
    figures = []
    for version in risk.model_versions(run).order_by("level", "name"):
        summary = risk.backtest_summary(version)
        if summary is None or summary["horizon"] not in horizons:
            continue
        baseline = phrase(f"baseline.{summary['baseline']}", language)
        years = summary["test_years"]
        rows = []
        for row in summary["rows"]:
            fmt = f"{{:.{row['decimals']}f}}"
            difference = fmt.format(row["difference"])
            verdict = phrase(f"verdict.{row['winner']}", language, baseline=baseline,
                             difference=difference)  # fmt: skip
            rows.append(
                [
                    phrase(f"measure.{row['metric']}", language),
                    fmt.format(row["model"]),
                    fmt.format(row["baseline"]),
                    verdict,
                ]
            )
        figures.append(
            {
                "key": f"backtest-{version.pk}",
                "label": phrase(
                    "figure.backtest",
                    language,
                    level=phrase(f"level.{version.level}", language),
                    horizon=summary["horizon"],
                    years=phrase("backtest.years", language, years=years) if years else "",
                    baseline=baseline,
                    count=summary["baseline_count"],
                    wins=summary["wins"],
                    measures=summary["measures"],
                ),
                "value": None,
                "table": {
                    "columns": [
                        phrase("backtest.col.measure", language),
                        phrase("backtest.col.model", language),
                        baseline,
                        phrase("backtest.col.better", language),
                    ],
                    "rows": rows,
                },
                "lines": [
                    phrase(
                        "backtest.row",
                        language,
                        measure=r[0],
                        model=r[1],
                        baseline=baseline,
                        baseline_value=r[2],
                        verdict=r[3],
                    )
                    for r in rows
                ]
                + [phrase("backtest.report", language, url=reverse("risk:backtest"))],
                "scores": {row["metric"]: row["model"] for row in summary["rows"]},
                "best_baseline": {
                    "name": summary["baseline"],
                    **{row["metric"]: row["baseline"] for row in summary["rows"]},
                },
                "event_ids": [],
            }
        )
    return figures


def _coverage_warnings(
    scope: Scope, countries: list[str], names: dict[str, str]
) -> tuple[list[str], str]:
    """What the product's period is covered by, for the top of the product: a sentence per
    group of countries not (or only partly) covered, and the overall status ("covered",
    "partial", "none"). No data is not zero: a product says so before any figure."""
    frame = coverage_frame_for(scope.audience)
    status = coverage_status(
        frame, countries, pd.Timestamp(scope.period_start), pd.Timestamp(scope.period_end)
    )
    groups: dict[tuple[str, str, str], list[str]] = {}
    for row in status.itertuples(index=False):
        if row.status == "covered":
            continue
        last = "" if pd.isna(row.last) else row.last.date().isoformat()
        if row.status == "partial":
            key = ("text.partly_covered", last, row.label)
        elif last and row.last < pd.Timestamp(scope.period_start):
            key = ("text.not_covered_since", last, row.label)
        else:
            key = ("text.not_covered_never", "", "")
        groups.setdefault(key, []).append(names.get(row.country, row.country))
    warnings = [
        phrase(key, scope.language, countries=", ".join(members), date=last, sources=label)
        for (key, last, label), members in groups.items()
    ]
    covered = status["status"].eq("covered")
    overall = (
        "covered" if covered.all() else ("none" if status["status"].eq("none").all() else "partial")
    )
    return warnings, overall


def _newest_event_note(scope: Scope, queryset: QuerySet) -> str:
    """The newest event the product rests on, and how old it is at the product's end."""
    newest = (
        queryset.filter(date_start__lte=scope.period_end)
        .order_by("-date_start")
        .values_list("date_start", flat=True)
        .first()
    )
    end = scope.period_end.isoformat()
    if newest is None:
        return phrase("text.no_event_yet", scope.language, end=end)
    days = (scope.period_end - newest).days
    return phrase("text.newest_event", scope.language, date=newest.isoformat(), days=days, end=end)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _forecast_figures(
    scope: Scope, run: Any, countries: list[str], names: dict[str, str], *, horizons: tuple
) -> list[dict[str, Any]]:
    """The run's country forecasts for months that have not passed at the product's end (a
    forecast of a month already over is not a forecast), most likely violence first."""
    rows = risk.forecasts(run, level=AreaLevel.COUNTRY, countries=countries).filter(
        horizon__in=horizons, target_period__gte=scope.period_end.replace(day=1)
    )
    rows = list(rows.order_by("-p_any", "country_id", "horizon")[:TOP_FORECASTS])
    # Chosen most likely first, read in time order: each country (likeliest first), its
    # months in sequence, so a reader never meets March before January.
    first_seen = {code: i for i, code in reversed(list(enumerate(r.country_id for r in rows)))}
    rows.sort(key=lambda r: (first_seen[r.country_id], r.horizon))
    figures = []
    for row in rows:
        # The history the forecast learnt the area's recent level from: its last 12 months.
        history = _area_events(scope, row, _months_back(row.origin, 11), _month_end(row.origin))
        figures.append(
            {
                "key": f"forecast-{row.pk}",
                "label": phrase(
                    "figure.forecast",
                    scope.language,
                    area=names.get(row.country_id, row.area_name),
                    target=row.target_period.strftime("%Y-%m"),
                    p_any=f"{row.p_any:.2f}",
                    p_ge25=f"{row.p_ge25:.2f}",
                    # The median is the point printed: it is always inside its interval.
                    point=f"{row.median:.0f}",
                    lower=f"{row.lower80:.0f}",
                    upper=f"{row.upper80:.0f}",
                ),
                "value": round(row.median, 1),
                "interval80": [round(row.lower80, 1), round(row.upper80, 1)],
                "p_any": round(row.p_any, 3),
                "p_ge25": round(row.p_ge25, 3),
                "horizon": row.horizon,
                "event_ids": _ids(history),
            }
        )
    return figures


def _escalation_figures(
    scope: Scope, run: Any, countries: list[str], since: dt.date
) -> list[dict[str, Any]]:
    figures = []
    for row in risk.escalations(run, countries=countries, since=since).order_by("rank")[:10]:
        behind = _area_events(scope, row, row.period, _month_end(row.period))
        figures.append(
            {
                "key": f"escalation-{row.pk}",
                "label": phrase(
                    "figure.escalation",
                    scope.language,
                    area=row.area_name,
                    period=row.period.strftime("%Y-%m"),
                    observed=f"{row.observed:.0f}",
                    expected=f"{row.expected:.1f}",
                    surprise=f"{row.surprise:.1f}",
                ),
                "value": round(row.observed),
                "event_ids": _ids(behind),
            }
        )
    return figures


def _field_report_figures(scope: Scope, countries: list[str]) -> list[dict[str, Any]]:
    """Field reports verified in the period, each pointing at the event it became."""
    reports = (
        reports_visible_to(scope.audience, status=ReviewStatus.VERIFIED)
        .filter(product_mark_rule(scope.mark, scope.owner_id), country_id__in=countries)
        .filter(
            transitions__to_status=ReviewStatus.VERIFIED,
            transitions__at__date__gte=scope.period_start,
            transitions__at__date__lte=scope.period_end,
        )
        .distinct()
        .order_by("date_start", "pk")
    )
    names = _country_names(scope.language, countries)
    figures = []
    for report in reports:
        # The event a verified report became, if the product's mark admits it.
        behind = scope.events(country=(report.country_id,)).filter(pk=report.event_id)
        figures.append(
            {
                "key": f"field-report-{report.pk}",
                "label": phrase(
                    "figure.field_report",
                    scope.language,
                    date=report.date_start.isoformat(),
                    country=names.get(report.country_id, report.country_id),
                    category=_category(report.category, scope.language),
                    deaths=report.fatalities,
                    report=report.pk,
                ),
                "value": report.fatalities,
                "event_ids": _ids(behind),
            }
        )
    return figures


def _section(key: str, scope: Scope, *, text: list[str] | None = None, figures=None, **extra):
    return {
        "key": key,
        "title": phrase(f"section.{key}", scope.language),
        "text": text or [],
        "figures": figures or [],
        **extra,
    }


def _forecast_section(
    scope: Scope, run: Any, countries: list[str], names: dict[str, str], horizons: tuple
) -> dict[str, Any]:
    if run is None:
        return _section("forecasts", scope, text=[phrase("text.no_analysis", scope.language)])
    figures = _forecast_figures(scope, run, countries, names, horizons=horizons)
    text = []
    if not figures:
        passed = risk.forecasts(run, level=AreaLevel.COUNTRY, countries=countries).exists()
        if passed:
            text.append(phrase("text.forecasts_passed", scope.language, date=run.as_of.isoformat()))
    else:
        figures += _backtest_figures(scope, run)
    return _section("forecasts", scope, text=text, figures=figures)


def _stale_source_warnings(language: str) -> list[str]:
    """A product built while a live source is stale says so at the top."""
    never = phrase("text.never", language)
    return [
        phrase(
            "warning.source_stale",
            language,
            source=row.key,
            since=row.last_success_at.strftime("%Y-%m-%d %H:%M") if row.last_success_at else never,
            newest=row.newest_event.isoformat() if row.newest_event else never,
        )
        for row in stale_feeds()
    ]


# Sections computed from the analysis: empty where no source covers, they say why.
ANALYSIS_SECTIONS = frozenset({"escalations", "hotspots", "forecasts"})


def _finish(
    scope: Scope,
    sections: list[dict],
    run: Any,
    left_out: int,
    *,
    warnings: list[str] | None = None,
    coverage: str = "covered",
    newest: str = "",
) -> dict[str, Any]:
    notes = [_run_note(scope, run)] + ([newest] if newest else [])
    warnings = [*(warnings or []), *_stale_source_warnings(scope.language)]
    if coverage == "none":
        for section in sections:
            if section["key"] in ANALYSIS_SECTIONS and not section["figures"]:
                section["text"] = [phrase("text.section_not_covered", scope.language)]
    if left_out:
        key = "text.left_out_one" if left_out == 1 else "text.left_out"
        notes.append(phrase(key, scope.language, count=left_out, tlp=scope.mark))
    for section in sections:
        if not section["figures"] and not section["text"]:
            section["text"] = [phrase("text.none", scope.language)]
    return {
        "language": scope.language,
        "mark": scope.mark,
        # Shown above everything else: what the data does not cover.
        "warnings": warnings or [],
        "coverage": coverage,
        "sections": sections,
        "notes": notes,
        "left_out": left_out,
        "analysis": None
        if run is None
        else {"id": run.pk, "as_of": run.as_of.isoformat(), "tlp": run.tlp},
    }


def event_ids_of(content: dict[str, Any]) -> list[int]:
    """Every event id behind any figure of the content, once, ascending."""
    ids: set[int] = set()
    for section in content.get("sections", []):
        for figure in section.get("figures", []):
            ids.update(figure.get("event_ids", []))
    return sorted(ids)


def figure(content: dict[str, Any], key: str) -> dict[str, Any] | None:
    for section in content.get("sections", []):
        for item in section.get("figures", []):
            if item.get("key") == key:
                return item
    return None


# -- daily regional synopsis ----------------------------------------------------------------


def build_synopsis(scope: Scope) -> tuple[dict[str, Any], Any]:
    """The daily synopsis of a region: developments since the previous one, escalations,
    hotspots, forecasts with their backtest scores, newly verified field reports."""
    assert scope.region
    language = scope.language
    countries = sorted(
        country_ids_in_region_between(scope.region, scope.period_start, scope.period_end)
    )
    names = _country_names(language, countries)
    warnings, coverage = _coverage_warnings(scope, countries, names)
    newest = _newest_event_note(scope, scope.events(region=scope.region))
    window = {"region": scope.region, "date_from": scope.period_start, "date_to": scope.period_end}
    new_events = scope.events(**window)
    left_out = scope.builder_events(**window).exclude(pk__in=new_events.values("pk")).count()

    events, deaths = _totals(new_events)
    developments: list[dict[str, Any]] = []
    text = [
        phrase(
            "text.since",
            language,
            start=scope.period_start.isoformat(),
            end=scope.period_end.isoformat(),
        )
    ]
    if coverage == "none":
        # No source covers the region's days: "0 events, 0 deaths" would be a lie.
        text.append(phrase("text.counts_not_covered", language))
    elif events:
        developments.append(
            {
                "key": "new-events",
                "label": phrase("figure.events", language, n=events),
                "value": events,
                "event_ids": _ids(new_events),
            }
        )
        developments.append(
            {
                "key": "new-deaths",
                "label": phrase("figure.deaths", language, n=deaths),
                "value": deaths,
                "event_ids": _ids(new_events.filter(fatalities_best__gt=0)),
            }
        )
        by_country = (
            new_events.order_by()
            .values("country_id")
            .annotate(events=Count("pk"), deaths=Sum("fatalities_best"))
            .order_by("-deaths", "country_id")
        )
        for row in by_country:
            code = row["country_id"]
            developments.append(
                {
                    "key": f"new-{code}",
                    "label": phrase(
                        "figure.country_events",
                        language,
                        country=names.get(code, code),
                        events=row["events"],
                        deaths=row["deaths"] or 0,
                    ),
                    "value": row["deaths"] or 0,
                    "event_ids": _ids(new_events.filter(country_id=code)),
                }
            )
    else:
        text.append(phrase("text.nothing_new", language))

    run = _run_for(scope, scope.period_end)
    since = _months_back(scope.period_end, 2)
    hotspots = []
    hotspot_text = []
    if run is not None:
        month = dt.date.fromisoformat(run.summary.get("last_full_month", run.as_of.isoformat()))
        hotspot_text.append(
            phrase(
                "text.hotspots_of",
                language,
                month=month.strftime("%Y-%m"),
                date=run.as_of.isoformat(),
            )
        )
        for row in risk.hotspots(run, region=scope.region).order_by("rank_risk")[:TOP_HOTSPOTS]:
            behind = _area_events(scope, row, row.period, run.as_of)
            hotspots.append(
                {
                    "key": f"hotspot-{row.pk}",
                    "label": phrase(
                        "figure.hotspot",
                        language,
                        rank=row.rank_risk,
                        area=row.area_name,
                        deaths=row.risk_fatalities,
                        change=row.change,
                    ),
                    "value": row.risk_fatalities,
                    "event_ids": _ids(behind),
                }
            )
    no_run = [] if run is not None else [phrase("text.no_analysis", language)]
    sections = [
        _section("developments", scope, text=text, figures=developments),
        _section(
            "escalations",
            scope,
            text=no_run,
            figures=_escalation_figures(scope, run, countries, since) if run else [],
        ),
        _section(
            "hotspots",
            scope,
            text=no_run or (hotspot_text if hotspots else []),
            figures=hotspots,
        ),
        _forecast_section(scope, run, countries, names, (1,)),
        _section("field_reports", scope, figures=_field_report_figures(scope, countries)),
    ]
    content = _finish(
        scope, sections, run, left_out, warnings=warnings, coverage=coverage, newest=newest
    )
    return content, run


# -- country situation report ---------------------------------------------------------------


def build_situation_report(scope: Scope) -> tuple[dict[str, Any], Any]:
    """A country's situation over a week or a month: trend, map, key events, indicators,
    forecast with its 80% interval, escalations and recommended response options."""
    assert scope.country
    language = scope.language
    code = scope.country
    names = _country_names(language, [code])
    warnings, coverage = _coverage_warnings(scope, [code], names)
    newest = _newest_event_note(scope, scope.events(country=(code,)))
    window = {"country": (code,), "date_from": scope.period_start, "date_to": scope.period_end}
    in_period = scope.events(**window)
    left_out = scope.builder_events(**window).exclude(pk__in=in_period.values("pk")).count()
    events, deaths = _totals(in_period)

    trend_start = _months_back(scope.period_end, TREND_MONTHS - 1)
    trend_events = scope.events(country=(code,), date_from=trend_start, date_to=scope.period_end)
    series, imprecise = _monthly_series(scope, code, trend_events, trend_start)
    trend = {
        "key": "trend",
        "label": phrase(
            "figure.trend", language, start=trend_start.isoformat(), end=scope.period_end
        ),
        "value": sum(r["deaths"] for r in series if r["covered"]),
        "series": series,
        "event_ids": _ids(trend_events),
    }
    located = in_period.filter(latitude__isnull=False, longitude__isnull=False)
    points = [
        [round(lat, 4), round(lon, 4), fatalities or 0, pk]
        for pk, lat, lon, fatalities in located.order_by("pk").values_list(
            "pk", "latitude", "longitude", "fatalities_best"
        )
    ]
    map_figure = {
        "key": "map",
        "label": phrase(
            "figure.map",
            language,
            events=len(points),
            start=scope.period_start.isoformat(),
            end=scope.period_end.isoformat(),
        ),
        "value": len(points),
        "points": points,
        "event_ids": [p[3] for p in points],
    }
    totals = {
        "key": "period-total",
        "label": phrase("figure.period_total", language, events=events, deaths=deaths),
        "value": deaths,
        "events": events,
        "event_ids": _ids(in_period),
    }
    key_events = []
    for event in in_period.order_by("-fatalities_best", "-date_start", "pk")[:KEY_EVENTS]:
        admin1 = event.admin1.name if event.admin1 else ""
        # UCDP often names the admin1 itself as the place: never "Borno state, Borno state".
        parts = [event.location] + ([admin1] if admin1 != event.location else [])
        place = ", ".join(p for p in parts if p) or names.get(code, code)
        key_events.append(
            {
                "key": f"event-{event.pk}",
                "label": phrase(
                    "figure.key_event",
                    language,
                    date=event.date_start.isoformat(),
                    place=place,
                    category=_category(event.category, language),
                    deaths=event.fatalities_best or 0,
                    source=event.get_source_display(),
                ),
                "value": event.fatalities_best or 0,
                "event_ids": [event.pk],
            }
        )

    indicators = []
    observations = (
        observations_visible_to(scope.audience, country_id=code, status=ReviewStatus.VERIFIED)
        .filter(product_mark_rule(scope.mark, scope.owner_id))
        .filter(
            period_start__gte=scope.period_start - dt.timedelta(days=31),
            period_start__lte=scope.period_end,
        )
        .order_by("period_start", "pk")
    )
    for observation in observations:
        for value in observation.values.all():
            indicators.append(
                {
                    "key": f"observation-{observation.pk}-{value.indicator_id}",
                    "label": phrase(
                        "figure.indicator",
                        language,
                        indicator=value.indicator.name,
                        value=value.value,
                        period=observation.period_start.isoformat(),
                    ),
                    "value": value.value,
                    "observation_id": observation.pk,
                    "event_ids": [],
                }
            )

    run = _run_for(scope, scope.period_end)
    no_run = [] if run is not None else [phrase("text.no_analysis", language)]
    escalations = (
        _escalation_figures(scope, run, [code], _months_back(scope.period_end, 2)) if run else []
    )
    forecast_section = _forecast_section(scope, run, [code], names, (1, 2, 3))
    forecasts = [f for f in forecast_section["figures"] if "p_ge25" in f]
    situation = "unknown" if coverage == "none" else _situation_type(escalations, forecasts, deaths)
    options = [
        phrase(key, language, country=names.get(code, code)) for key in RESPONSE_OPTIONS[situation]
    ]
    trend_figures = [trend, totals]
    trend_text: list[str] = []
    if imprecise:
        trend_text.append(phrase("text.imprecise_left_out", language, count=imprecise))
    if not any(row["covered"] for row in series):
        trend_text.append(phrase("text.trend_not_covered", language))
    if coverage == "none":
        # The period's silence is missing data: no total, no map of "0 located events".
        # The trend figure stays only if some month of it is covered (it has bars to show).
        trend_figures = [trend] if any(row["covered"] for row in series) else []
        trend_text = [phrase("text.counts_not_covered", language), *trend_text]
        map_section = _section("map", scope, text=[phrase("text.section_not_covered", language)])
    else:
        map_section = _section("map", scope, figures=[map_figure], chart="map")
    chart = "trend" if any(row["covered"] for row in series) else None
    sections = [
        _section("trend", scope, text=trend_text, figures=trend_figures, chart=chart),
        map_section,
        _section("key_events", scope, figures=key_events),
        _section("indicators", scope, figures=indicators),
        _section("escalations", scope, text=no_run, figures=escalations),
        forecast_section,
        _section("response_options", scope, text=options, situation=situation),
    ]
    content = _finish(
        scope, sections, run, left_out, warnings=warnings, coverage=coverage, newest=newest
    )
    return content, run


def _monthly_series(
    scope: Scope, code: str, events: QuerySet, start: dt.date
) -> tuple[list[dict[str, Any]], int]:
    """Every month from `start` to the period's end: events and deaths where a source covers
    the month, None where none does (no data is not zero). Only events known to the month
    and within it count (`analytics.precision.countable`); the others are returned as a count
    so the product can say how many it left out."""
    months = pd.date_range(pd.Timestamp(start), pd.Timestamp(scope.period_end), freq="MS")
    if months.empty:
        return [], 0
    # The month in progress is judged up to the product's end, not the month's.
    ends = (months + pd.offsets.MonthEnd(0)).map(
        lambda end: min(end, pd.Timestamp(scope.period_end))
    )
    covered_months = covered(
        coverage_frame_for(scope.audience),
        pd.Series([code] * len(months)),
        pd.Series(months),
        pd.Series(ends),
    ).to_numpy()
    frame = pd.DataFrame(
        list(events.values_list("date_start", "date_end", "date_precision", "fatalities_best")),
        columns=["date_start", "date_end", "date_precision", "fatalities"],
    )
    imprecise = 0
    if not frame.empty:
        keep = countable(frame, "MS")
        imprecise = int((~keep).sum())
        frame = frame.loc[keep]
    month = pd.to_datetime(frame["date_start"]).dt.to_period("M").dt.to_timestamp()
    counts = (
        frame.assign(month=month)
        .groupby("month")
        .agg(events=("fatalities", "size"), deaths=("fatalities", lambda x: int(x.fillna(0).sum())))
    )
    series = []
    for when, is_covered in zip(months, covered_months, strict=True):
        row = counts.loc[when] if when in counts.index else None
        events_n = int(row["events"]) if row is not None else 0
        deaths_n = int(row["deaths"]) if row is not None else 0
        series.append(
            {
                "period": when.strftime("%Y-%m"),
                "covered": bool(is_covered),
                "events": events_n if is_covered else None,
                "deaths": deaths_n if is_covered else None,
            }
        )
    return series, imprecise


def _situation_type(escalations: list, forecasts: list, deaths: int) -> str:
    """Which fixed list of response options fits: escalating, high but stable, or calm."""
    if escalations:
        return "escalating"
    if deaths >= 25 or any(f.get("p_ge25", 0) >= 0.5 for f in forecasts):
        return "high"
    return "calm"


# -- policy brief -------------------------------------------------------------------------


def brief_template(scope: Scope) -> dict[str, Any]:
    """A policy brief's starting point: its headings with prompts, and the latest figures of
    its area (from the country situation or the region's synopsis), ready to edit."""
    if scope.country:
        figures_from, _ = build_situation_report(scope)
        keep = ("trend", "forecasts", "escalations")
    else:
        figures_from, _ = build_synopsis(scope)
        keep = ("developments", "escalations", "forecasts")
    figures = [
        item
        for section in figures_from["sections"]
        if section["key"] in keep
        for item in section["figures"]
        if "points" not in item
    ]
    return {
        "summary": phrase("text.template_summary", scope.language),
        "analysis": phrase("text.template_analysis", scope.language),
        "recommendations": phrase("text.template_recommendations", scope.language),
        "figures": figures,
        "notes": figures_from["notes"],
        "left_out": figures_from["left_out"],
        "analysis_run": figures_from["analysis"],
    }


def build_brief(scope: Scope, *, summary: str, analysis: str, recommendations: str,
                figures: list[dict[str, Any]], notes: list[str], left_out: int,
                analysis_run: dict | None) -> dict[str, Any]:  # fmt: skip
    """A policy brief's content from the analyst's text and the template's figures."""
    sections = [
        _section("summary", scope, text=[p for p in summary.split("\n\n") if p.strip()]),
        _section("analysis", scope, text=[p for p in analysis.split("\n\n") if p.strip()]),
        _section("figures", scope, figures=figures),
        _section(
            "recommendations", scope, text=[p for p in recommendations.split("\n\n") if p.strip()]
        ),
    ]
    return {
        "language": scope.language,
        "mark": scope.mark,
        "sections": sections,
        "notes": notes,
        "left_out": left_out,
        "analysis": analysis_run,
        "brief": {"summary": summary, "analysis": analysis, "recommendations": recommendations},
    }
