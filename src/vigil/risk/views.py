"""Risk pages: the regional risk map and table, and a country's risk page. Thin: the
figures come from `risk.selectors`, which start from the access policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from vigil.geo.selectors import country_name
from vigil.risk import selectors

CHART_WIDTH, CHART_HEIGHT = 720, 180


def _as_of(request: HttpRequest) -> dt.date | None:
    """`?as_of=2019-12-31`: read the newest analysis up to that day (an ISO date)."""
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return None


def regional(request: HttpRequest) -> HttpResponse:
    overview = selectors.regional_overview(
        request.user,
        request.GET.get("region"),
        freq=request.GET.get("freq", "MS"),
        as_of=_as_of(request),
    )
    for row in overview["rows"]:
        row["events_url"] = _window_events_url(row["hotspot"], overview["freq"])
    markers = [
        {
            "name": row["hotspot"].area_name,
            "lat": row["hotspot"].latitude,
            "lon": row["hotspot"].longitude,
            "fatalities": row["hotspot"].risk_fatalities,
            "change": row["hotspot"].change,
            "p_any": row["forecast"].p_any if row["forecast"] else None,
            "url": reverse("risk:country", args=[row["hotspot"].country_id]),
        }
        for row in overview["rows"]
        if row["hotspot"].latitude is not None
    ]
    return render(
        request,
        "risk/regional.html",
        {**overview, "markers": markers, **_map_settings()},
    )


def country(request: HttpRequest, iso3: str) -> HttpResponse:
    iso3 = iso3.upper()
    name = country_name(iso3)
    if name is None:
        raise Http404("No such country")
    overview = selectors.country_overview(request.user, iso3, as_of=_as_of(request))
    run = overview["run"]
    coverage = overview["coverage"]
    covered_until = None
    if coverage and coverage["missing"]:
        covered_until = coverage["last"] or dt.date.min
    months = 36
    if run and covered_until and covered_until != dt.date.min:
        # Show the last two covered years before the gap, not three years of "no data".
        gap = (run.as_of.year - covered_until.year) * 12 + run.as_of.month - covered_until.month
        months = min(max(36, gap + 24), 72)
    trend = selectors.country_trend(
        request.user,
        iso3,
        months=months,
        until=run.as_of if run else None,
        covered_until=covered_until,
    )
    escalated = {
        e.period.strftime("%Y-%m") for e in overview["escalations"] if e.level == "country"
    }
    return render(
        request,
        "risk/country.html",
        {
            **overview,
            "iso3": iso3,
            "country_name": name,
            "chart": _bar_chart(trend, escalated, iso3),
        },
    )


def backtest_report(request: HttpRequest) -> HttpResponse:
    """The committed backtest report the forecasts' scores come from, as the page a product
    links to. Public: it describes models and public data, not any organisation's records."""
    html = selectors.backtest_report_html()
    if html is None:
        raise Http404("No backtest report in this deployment")
    context = {"report": html, "summaries": selectors.backtest_summaries()}
    return render(request, "risk/backtest.html", context)


def _window_events_url(hotspot: Any, freq: str) -> str:
    """The events browser on the hotspot's country and ranking window (3 months or 4 weeks)."""
    if freq == "W":
        first = hotspot.period - dt.timedelta(weeks=3)
        last = hotspot.period + dt.timedelta(days=6)
    else:
        month = hotspot.period.year * 12 + hotspot.period.month - 1 - 2  # two months before
        first = dt.date(month // 12, month % 12 + 1, 1)
        last = (hotspot.period + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return f"{reverse('web:events')}?country={hotspot.country_id}&date_from={first}&date_to={last}"


def _bar_chart(trend: list[dict[str, Any]], escalated: set[str], iso3: str) -> dict[str, Any]:
    """Bar geometry of monthly deaths for an inline SVG (no script, so CSP-safe); each
    bar links to the events behind it in the events browser."""
    if not trend:
        return {"bars": [], "width": CHART_WIDTH, "height": CHART_HEIGHT, "max": 0}
    peak = max((row["fatalities"] or 0) for row in trend) or 1
    step = CHART_WIDTH / len(trend)
    events_url = reverse("web:events")
    bars = []
    for i, row in enumerate(trend):
        month: dt.date = row["month"]
        last = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        if not row["covered"]:
            # A full-height hatched bar: no source covers this month.
            bars.append(
                {
                    "x": round(i * step + 1, 1),
                    "y": 0,
                    "width": round(max(step - 2, 1), 1),
                    "height": CHART_HEIGHT,
                    "label": month.strftime("%Y-%m"),
                    "missing": True,
                    "url": "",
                }
            )
            continue
        height = (CHART_HEIGHT - 20) * row["fatalities"] / peak
        bars.append(
            {
                "x": round(i * step + 1, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "width": round(max(step - 2, 1), 1),
                "height": round(height, 1),
                "label": month.strftime("%Y-%m"),
                "fatalities": row["fatalities"],
                "events": row["events"],
                "escalation": month.strftime("%Y-%m") in escalated,
                "url": f"{events_url}?country={iso3}&date_from={month}&date_to={last}",
            }
        )
    missing = sum(1 for bar in bars if bar.get("missing"))
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "max": peak,
        "missing": missing,
        "all_missing": missing == len(bars),
    }


def _map_settings() -> dict[str, str]:
    return {
        "tile_url": getattr(settings, "VIGIL_TILE_URL", ""),
        "tile_attribution": getattr(
            settings, "VIGIL_TILE_ATTRIBUTION", "© OpenStreetMap contributors"
        ),
    }
