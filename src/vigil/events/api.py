"""`/api/v1/events`: list (JSON, GeoJSON, CSV with HXL tags), timeline, detail;
`/api/v1/coverage`: what each source covers, which analysts may correct; and
`/api/v1/sources`: how fresh each source is."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from vigil.bounds import COUNT_MAX
from vigil.events import exports
from vigil.events.choices import Category, Source
from vigil.events.selectors import (
    EventFilters,
    coverage_for,
    coverage_visible_to,
    event_for,
    events_visible_to,
    links_of,
    page_of,
    timeline,
)
from vigil.events.services import correct_coverage, reset_coverage
from vigil.events.services.freshness import all_freshness, describe
from vigil.inputs import Day, DbId, Input, Iso3List, RegionCode, one_of_list
from vigil.openapi import CSV, GEOJSON_FEATURES, TEXT, answers, extra, problems
from vigil.sharing.choices import Surface
from vigil.sharing.policy import record_reads

router = Router(tags=["events"])
coverage_router = Router(tags=["coverage"])
sources_router = Router(tags=["sources"])


CategoryList = one_of_list(Category.values)
SourceList = one_of_list(Source.values)
_NUMBER = r"-?[0-9]{1,3}(\.[0-9]+)?"
BBOX_PATTERN = rf"^{_NUMBER}(,{_NUMBER}){{3}}$"


class EventQuery(Schema):
    country: Iso3List | None = None
    region: RegionCode | None = Field(
        None, description="Regional organisation code (ECOWAS); membership on the event's date"
    )
    admin1: DbId | None = Field(None, description="Admin1 area id (see /areas)")
    date_from: Day | None = None
    date_to: Day | None = None
    category: CategoryList | None = Field(None, description="Unified category, comma-separated")
    source: SourceList | None = Field(None, description="Sources, comma-separated")
    kind: Literal["event", "signal"] | None = None
    min_fatalities: int | None = Field(
        None, ge=0, le=COUNT_MAX, description="Minimum best-estimate deaths"
    )
    bbox: str | None = Field(
        None, pattern=BBOX_PATTERN, description="min_lon,min_lat,max_lon,max_lat"
    )
    q: str | None = Field(None, description="Search in description, actors and location")

    def filters(self) -> EventFilters:
        return EventFilters.parse(**self.dict())


class EventOut(Schema):
    id: int
    source: str
    source_id: str
    kind: str
    date_start: Day
    date_end: Day
    date_precision: int
    country: str | None = Field(None, alias="country_id")
    admin1: str | None
    admin2: str | None
    location: str
    latitude: float | None
    longitude: float | None
    geo_precision: int
    category: str
    violence_type: int | None
    source_event_type: str
    source_sub_event_type: str
    actor1: str
    actor1_type: str
    actor2: str
    actor2_type: str
    fatalities_low: int | None
    fatalities_best: int | None
    fatalities_high: int | None
    civilian_deaths: int | None
    description: str
    admiralty_grade: str
    verification_status: str
    tlp: str
    owner_org: str

    @staticmethod
    def resolve_admin1(obj) -> str | None:
        return obj.admin1.name if obj.admin1_id else None

    @staticmethod
    def resolve_admin2(obj) -> str | None:
        return obj.admin2.name if obj.admin2_id else None

    @staticmethod
    def resolve_owner_org(obj) -> str:
        return obj.owner_org.slug


class LinkOut(Schema):
    event_id: int
    other_id: int
    rule: str
    days_apart: int
    distance_km: float | None


class EventDetail(EventOut):
    raw: dict
    links: list[LinkOut]

    @staticmethod
    def resolve_links(obj) -> list:
        return obj.visible_links


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None = Field(
        None, description="Pass as ?cursor= for the next page; null on the last page"
    )


class TimelineItem(Schema):
    period: Day
    events: int
    fatalities: int


class Timeline(Schema):
    interval: str
    items: list[TimelineItem]


@router.get(
    "",
    response=EventPage,
    summary="List events",
    description=(
        "Events the caller may see, newest first, with cursor pagination. "
        "`format=geojson` answers an RFC 7946 FeatureCollection (lon/lat); `format=csv` a CSV "
        "with an HXL hashtag row under the header. The filters apply to every format."
    ),
    openapi_extra=extra(
        answers(("application/geo+json", GEOJSON_FEATURES), (CSV, TEXT)),
        # An event filter the schema admits but that cannot be applied (dates or bbox
        # corners in the wrong order) is a 400 naming the filter.
        problems(400),
    ),
)
def list_events(
    request: HttpRequest,
    query: Query[EventQuery],
    format: Literal["json", "geojson", "csv"] = "json",
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=10_000),
) -> HttpResponse | dict:
    queryset = events_visible_to(request.user, query.filters())
    page, next_cursor = page_of(queryset, cursor=cursor, limit=limit)
    if format == "geojson":
        return exports.geojson_response(page, user=request.user, next_cursor=next_cursor)
    if format == "csv":
        next_url = _next_url(request, next_cursor)
        return exports.csv_response(page, user=request.user, next_url=next_url)
    items = list(page.select_related("owner_org", "admin1", "admin2"))
    record_reads(items, request.user, surface=Surface.API)
    return {"items": items, "next_cursor": next_cursor}


def _next_url(request: HttpRequest, cursor: str | None) -> str | None:
    """The same request with the next page's cursor, for the CSV's Link header (RFC 8288)."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@router.get(
    "/timeline",
    response=Timeline,
    summary="Events and fatalities per period",
    openapi_extra=problems(400),
)
def events_timeline(
    request: HttpRequest,
    query: Query[EventQuery],
    interval: Literal["day", "week", "month", "year"] = "month",
) -> dict:
    queryset = events_visible_to(request.user, query.filters())
    return {"interval": interval, "items": timeline(queryset, interval=interval)}


@router.get("/{event_id}", response=EventDetail, summary="One event, with its raw record")
def get_event(request: HttpRequest, event_id: DbId) -> object:
    event = event_for(request.user, event_id)
    event.visible_links = links_of(request.user, event)
    record_reads([event], request.user, surface=Surface.API)
    return event


class CoverageOut(Schema):
    id: int
    source: str
    release: str
    country: str = Field(description="ISO 3166-1 alpha-3, or * for every country")
    kind: str = Field(description="events (counts deaths) or signal (media, never coverage)")
    first_date: Day
    last_date: Day
    derived_first: Day = Field(description="What the imports derived, before corrections")
    derived_last: Day
    corrected: bool
    corrected_by: str | None
    corrected_at: dt.datetime | None
    note: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_corrected(obj) -> bool:
        return obj.corrected_at is not None

    @staticmethod
    def resolve_corrected_by(obj) -> str | None:
        return obj.corrected_by.get_username() if obj.corrected_by else None


class CoverageQuery(Schema):
    country: str | None = Field(None, pattern=r"^([A-Za-z]{3}|\*)$", description="ISO3 or *")
    source: Literal[tuple(Source.values)] | None = None  # type: ignore[valid-type]


class CoverageCorrection(Input):
    first_date: Day
    last_date: Day
    note: str = Field(min_length=1, max_length=500, description="Why: every figure moves")


@coverage_router.get("", response=list[CoverageOut], summary="What each source covers")
def list_coverage(request: HttpRequest, query: Query[CoverageQuery]) -> list:
    rows = coverage_visible_to(request.user).select_related("corrected_by")
    if query.country:
        rows = rows.filter(country=query.country.upper())
    if query.source:
        rows = rows.filter(source=query.source)
    return list(rows.order_by("country", "source", "release"))


@coverage_router.patch(
    "/{coverage_id}",
    response=CoverageOut,
    auth=django_auth,
    summary="Correct a coverage span (analysts and supervisors; the reason is required)",
)
def correct(request: HttpRequest, coverage_id: DbId, payload: CoverageCorrection):
    return correct_coverage(
        coverage=coverage_for(request.user, coverage_id),
        actor=request.user,
        first_date=payload.first_date,
        last_date=payload.last_date,
        note=payload.note,
    )


@coverage_router.post(
    "/{coverage_id}/reset",
    response=CoverageOut,
    auth=django_auth,
    summary="Undo a correction: back to what the imports derived",
)
def reset(request: HttpRequest, coverage_id: DbId):
    return reset_coverage(coverage=coverage_for(request.user, coverage_id), actor=request.user)


class SourceOut(Schema):
    key: str = Field(description="Feed key (vigil sync KEY), or the source of file imports")
    kind: Literal["api", "file"]
    label: str
    state: Literal["fresh", "stale", "not_configured", "file"]
    enabled: bool
    missing: list[str] = Field(description="What stops an enabled feed from running")
    last_success_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    newest_event: Day | None = Field(description="Newest event date this source holds")
    events: int
    lag_hours: float | None = Field(description="Hours since the last successful sync")
    every_minutes: int | None
    stale_after_hours: int | None
    last_error: str = Field(description="Empty unless the reader is a platform admin")


@sources_router.get(
    "", response=list[SourceOut], auth=django_auth, summary="Each source and how fresh it is"
)
def list_sources(request: HttpRequest) -> list:
    admin = getattr(request.user, "is_superuser", False)
    return [describe(row) | ({} if admin else {"last_error": ""}) for row in all_freshness()]
