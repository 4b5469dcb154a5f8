"""Reads of the event store. Every one starts from the access policy in `vigil.sharing`."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek, TruncYear
from django.http import Http404

from vigil.events.choices import Category, Source, Standing
from vigil.events.models import Event, EventLink, SourceCoverage
from vigil.geo.models import RegionMembership
from vigil.sharing.policy import visible, visible_to_organisation


class InvalidFilter(ValueError):
    """A filter value that cannot be applied; the API answers it as a 400 problem."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True)
class EventFilters:
    """The filters the events API, the browser page and exports share."""

    country: tuple[str, ...] = ()
    region: str | None = None
    admin1: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    category: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    kind: str | None = None
    min_fatalities: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    text: str | None = None

    @classmethod
    def parse(cls, **values: Any) -> EventFilters:
        """Build filters from query-string values, refusing what cannot be applied."""
        countries = _split(values.get("country"))
        if any(len(c) != 3 or not c.isalpha() for c in countries):
            raise InvalidFilter("country", "use ISO 3166-1 alpha-3 codes, e.g. NGA")
        categories = _split(values.get("category"), upper=False)
        unknown = set(categories) - set(Category.values)
        if unknown:
            raise InvalidFilter("category", f"unknown category {sorted(unknown)}")
        sources = _split(values.get("source"), upper=False)
        if set(sources) - set(Source.values):
            raise InvalidFilter("source", f"unknown source; expected one of {Source.values}")
        date_from, date_to = values.get("date_from"), values.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise InvalidFilter("date_from", "date_from is after date_to")
        return cls(
            country=tuple(c.upper() for c in countries),
            region=(values.get("region") or "").upper() or None,
            admin1=values.get("admin1"),
            date_from=date_from,
            date_to=date_to,
            category=tuple(categories),
            source=tuple(sources),
            kind=values.get("kind") or None,
            min_fatalities=values.get("min_fatalities"),
            bbox=_bbox(values.get("bbox")),
            text=(values.get("q") or "").strip() or None,
        )


def _split(value: Any, *, upper: bool = True) -> list[str]:
    if not value:
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [s.strip() for item in items for s in str(item).split(",") if s.strip()]


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in value.split(","))
    except ValueError as exc:
        raise InvalidFilter("bbox", "expected min_lon,min_lat,max_lon,max_lat") from exc
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise InvalidFilter("bbox", "corners out of range or in the wrong order")
    return (min_lon, min_lat, max_lon, max_lat)


def in_region_on_event_date(code: str) -> Exists:
    """True where the event's country was a member of `code` on the day the event started."""
    return Exists(
        RegionMembership.objects.filter(organisation_id=code, country_id=OuterRef("country_id"))
        .filter(Q(joined__isnull=True) | Q(joined__lte=OuterRef("date_start")))
        .filter(Q(left__isnull=True) | Q(left__gt=OuterRef("date_start")))
    )


def events_visible_to(
    user: Any, filters: EventFilters | None = None, *, withdrawn: bool = False
) -> QuerySet[Event]:
    """The events `user` may see, filtered. The only way views and the API get events.
    Withdrawn events (superseded, retracted) are left out unless `withdrawn`: they are kept
    for the record, not counted."""
    queryset = visible(Event.objects.all(), user)
    if not withdrawn:
        queryset = queryset.filter(standing=Standing.CURRENT)
    f = filters or EventFilters()
    if f.country:
        queryset = queryset.filter(country_id__in=f.country)
    if f.region:
        queryset = queryset.filter(in_region_on_event_date(f.region))
    if f.admin1:
        queryset = queryset.filter(admin1_id=f.admin1)
    if f.date_from:
        queryset = queryset.filter(date_start__gte=f.date_from)
    if f.date_to:
        queryset = queryset.filter(date_start__lte=f.date_to)
    if f.category:
        queryset = queryset.filter(category__in=f.category)
    if f.source:
        queryset = queryset.filter(source__in=f.source)
    if f.kind:
        queryset = queryset.filter(kind=f.kind)
    if f.min_fatalities is not None:
        queryset = queryset.filter(fatalities_best__gte=f.min_fatalities)
    if f.text:
        queryset = queryset.filter(
            Q(description__icontains=f.text)
            | Q(actor1__icontains=f.text)
            | Q(actor2__icontains=f.text)
            | Q(location__icontains=f.text)
        )
    if f.bbox:
        min_lon, min_lat, max_lon, max_lat = f.bbox
        queryset = queryset.filter(
            longitude__gte=min_lon, longitude__lte=max_lon,
            latitude__gte=min_lat, latitude__lte=max_lat,
        )  # fmt: skip
    return queryset


def event_for(user: Any, pk: int) -> Event:
    """One event, or 404 whether it is missing or not visible (the two must look alike)."""
    event = (
        events_visible_to(user, withdrawn=True)
        .select_related("owner_org", "admin1", "admin2", "superseded_by")
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise Http404("No such event")
    return event


def links_of(user: Any, event: Event) -> list[EventLink]:
    """The active duplicate links of an event, to events the reader may also see."""
    others = events_visible_to(user).values("pk")
    return list(
        EventLink.objects.filter(undone_at__isnull=True)
        .filter(Q(event=event, other_id__in=others) | Q(other=event, event_id__in=others))
        .order_by("distance_km")
    )


# -- pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Keyset position in the (date_start desc, id desc) order: stable under inserts."""

    date_start: dt.date
    pk: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(
            f"{self.date_start.isoformat()}|{self.pk}".encode()
        ).decode()

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            day, pk = base64.urlsafe_b64decode(token.encode()).decode().split("|")
            return cls(dt.date.fromisoformat(day), int(pk))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidFilter("cursor", "not a cursor this API issued") from exc


def page_of(
    queryset: QuerySet[Event], *, cursor: str | None, limit: int
) -> tuple[QuerySet, str | None]:
    """One page of a filtered queryset and the cursor of the next page (None at the end)."""
    ordered = queryset.order_by("-date_start", "-pk")
    if cursor:
        position = Cursor.decode(cursor)
        ordered = ordered.filter(
            Q(date_start__lt=position.date_start)
            | Q(date_start=position.date_start, pk__lt=position.pk)
        )
    # The page's last row and the one after it: if the latter exists, there is a next page.
    edge = list(ordered.values_list("date_start", "pk")[limit - 1 : limit + 1])
    if len(edge) < 2:
        return ordered[:limit], None
    last_day, last_pk = edge[0]
    return ordered[:limit], Cursor(last_day, last_pk).encode()


TRUNCATE = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth, "year": TruncYear}


def timeline(queryset: QuerySet[Event], *, interval: str) -> list[dict[str, Any]]:
    """Events and best-estimate fatalities per period, over what the reader may see only."""
    trunc = TRUNCATE[interval]
    rows = (
        queryset.order_by()
        .annotate(period=trunc("date_start"))
        .values("period")
        .annotate(events=Count("pk"), fatalities=Sum("fatalities_best"))
        .order_by("period")
    )
    return [
        {"period": r["period"], "events": r["events"], "fatalities": r["fatalities"] or 0}
        for r in rows
    ]


def browser_filter_options(user: Any) -> dict[str, list[tuple[str, str]]]:
    """Choices for the events browser: countries and regions that have visible events."""
    from vigil.geo.models import Country, RegionalOrganisation

    country_ids = events_visible_to(user).order_by().values_list("country_id", flat=True).distinct()
    countries = Country.objects.filter(pk__in=country_ids).order_by("name")
    regions = RegionalOrganisation.objects.filter(
        memberships__country_id__in=country_ids
    ).distinct()
    return {
        "countries": [(c.iso3, c.name) for c in countries],
        "regions": [(r.code, r.name) for r in regions.order_by("code")],
        "categories": [(str(v), str(label)) for v, label in Category.choices],
        "sources": [(str(v), str(label)) for v, label in Source.choices],
    }


# The analytics boundary: the only place Django events become a data frame.
FRAME_COLUMNS = {
    "event_id": "pk",
    "source": "source",
    "date_start": "date_start",
    "date_end": "date_end",
    "country": "country_id",
    "admin1": "admin1__name",
    "admin2": "admin2__name",
    "latitude": "latitude",
    "longitude": "longitude",
    "category": "category",
    "violence_type": "violence_type",
    "fatalities": "fatalities_best",
    "fatalities_low": "fatalities_low",
    "fatalities_high": "fatalities_high",
    "date_precision": "date_precision",
    "geo_precision": "geo_precision",
}


def events_for_audience(
    organisation_id: int | None, *, until: dt.date | None = None
) -> QuerySet[Event]:
    """The events every member of an organisation may see (None: the signed-in community),
    known by `until`: the input of an analysis run made for that audience. An event is known
    once it has ended (`vigil.analytics.precision.known_by`): one dated only to the year
    2008 ends on 31 December and cannot move an analysis as of 31 January."""
    queryset = visible_to_organisation(Event.objects.all(), organisation_id).filter(
        standing=Standing.CURRENT
    )
    if until is None:
        return queryset
    return queryset.filter(date_start__lte=until).filter(
        Q(date_end__isnull=True) | Q(date_end__lte=until)
    )


def events_frame(queryset: QuerySet[Event]) -> Any:
    """The events of a (policy-filtered) queryset as the canonical frame `vigil.analytics`
    takes: one row per event, dates as datetime64, missing fatalities as 0.

    The rows are fetched with the queryset's own SQL on a plain cursor, and admin names are
    mapped from their ids afterwards: Django's per-row conversion and the two joins were
    most of the time of reading a million events."""
    import pandas as pd
    from django.db import connections

    from vigil.geo.models import AdminArea

    fields = [
        "admin1_id"
        if field == "admin1__name"
        else "admin2_id"
        if field == "admin2__name"
        else field
        for field in FRAME_COLUMNS.values()
    ]
    sql, params = queryset.order_by().values_list(*fields).query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=list(FRAME_COLUMNS))
    area_ids = set(frame["admin1"].dropna()) | set(frame["admin2"].dropna())
    names = dict(AdminArea.objects.filter(pk__in=area_ids).values_list("pk", "name"))
    for column in ("admin1", "admin2"):
        frame[column] = frame[column].map(names).astype(object)
        frame.loc[frame[column].isna(), column] = None
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("fatalities", "fatalities_low", "fatalities_high"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["event_id"] = frame["event_id"].astype(str)
    return frame


def coverage_visible_to(user: Any) -> QuerySet[SourceCoverage]:
    """The coverage records `user` may see (public datasets' coverage is CLEAR)."""
    return visible(SourceCoverage.objects.all(), user)


def coverage_for(user: Any, pk: int) -> SourceCoverage:
    """One coverage record, or 404 whether it is missing or not the reader's to see."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(coverage_visible_to(user), pk=pk)


def coverage_frame_for_audience(organisation_id: int | None) -> Any:
    """The coverage an audience's analysis rests on, as `vigil.analytics.coverage` frames
    it: the community's, or one organisation's (its own corrections and AMBER records)."""
    return _coverage_frame(visible_to_organisation(SourceCoverage.objects.all(), organisation_id))


def coverage_frame_for(reader: Any) -> Any:
    """The coverage records a reader (a user or a product's audience) may see, as a frame."""
    return _coverage_frame(coverage_visible_to(reader))


def _coverage_frame(queryset: QuerySet[SourceCoverage]) -> Any:
    from vigil.analytics.coverage import coverage_frame

    return coverage_frame(
        {
            "source": row.source,
            "release": row.release,
            "country": row.country,
            "first": row.first_date,
            "last": row.last_date,
            "kind": row.kind,
        }
        for row in queryset
    )
