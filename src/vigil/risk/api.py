"""`/api/v1/risk`: the stored analysis a caller may see — the latest run, a region's ranked
areas, and a country's forecasts with the backtest of the model behind them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from vigil.geo.selectors import country_name
from vigil.inputs import Day, Iso3, RegionCode
from vigil.risk import selectors

router = Router(tags=["risk"])


class RunOut(Schema):
    id: int
    as_of: Day
    tlp: str
    owner: str = Field(alias="owner_org.slug")
    events_used: int
    last_event_date: Day | None
    finished_at: dt.datetime | None


class HotspotOut(Schema):
    freq: str
    area: str
    area_name: str
    country: str = Field(alias="country_id")
    period: Day
    risk_fatalities: int
    risk_events: int
    change: int
    change_ratio: float
    surprise: float | None
    rank_risk: int
    rank_change: int
    latitude: float | None
    longitude: float | None


class RegionRiskOut(Schema):
    run: RunOut | None
    region: str | None
    hotspots: list[HotspotOut]


class BacktestFigure(Schema):
    metric: str
    model: float
    baseline: str | None
    baseline_value: float | None


class ForecastOut(Schema):
    level: str
    area: str
    area_name: str
    origin: Day
    target_period: Day
    horizon: int
    p_any: float
    p_ge25: float
    median: float
    lower80: float
    upper80: float
    model_version: str = Field(alias="model_version.name")
    trained_to: Day | None = Field(alias="model_version.trained_to")


class EscalationOut(Schema):
    level: str
    area: str
    area_name: str
    period: Day
    target: str
    observed: float
    expected: float
    surprise: float
    effect: float


class CountryForecastOut(Schema):
    forecast: ForecastOut
    backtest: list[BacktestFigure]


class CountryRiskOut(Schema):
    run: RunOut | None
    country: str
    forecasts: list[CountryForecastOut]
    escalations: list[EscalationOut]


@router.get("/latest", response=RunOut | None, summary="The analysis run the caller is shown")
def latest(request: HttpRequest, as_of: Day | None = Query(None)):
    return selectors.latest_run(request.user, as_of=as_of)


@router.get("/regions/{code}", response=RegionRiskOut, summary="A region's ranked areas")
def region(
    request: HttpRequest,
    code: RegionCode,
    freq: Literal["MS", "W"] = Query("MS", description="MS: month, W: week"),
) -> dict:
    overview = selectors.regional_overview(request.user, code.upper(), freq=freq)
    if overview["region"] != code.upper():
        overview = {**overview, "region": code.upper(), "rows": []}
    return {
        "run": overview["run"],
        "region": overview["region"],
        "hotspots": [row["hotspot"] for row in overview["rows"]],
    }


@router.get("/countries/{iso3}", response=CountryRiskOut, summary="A country's risk")
def country(request: HttpRequest, iso3: Iso3) -> dict:
    iso3 = iso3.upper()
    if country_name(iso3) is None:
        raise Http404
    overview = selectors.country_overview(request.user, iso3)
    return {
        "run": overview["run"],
        "country": iso3,
        "forecasts": overview["forecasts"],
        "escalations": overview["escalations"],
    }
