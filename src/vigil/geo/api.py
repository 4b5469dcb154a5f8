"""`/api/v1/areas` and `/api/v1/regions`: the reference geography (public, no TLP)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from vigil.geo import selectors
from vigil.inputs import Day, Iso3

router = Router(tags=["geography"])


class AreaQuery(Schema):
    country: Iso3 | None = None
    level: int | None = Field(None, ge=0, le=2, description="0 country, 1 admin1, 2 admin2")
    q: str | None = Field(None, description="Name contains")


class AreaOut(Schema):
    id: str = Field(description="ISO alpha-3 for countries, the area id for admin areas")
    level: int
    name: str
    country: str
    parent: str | None
    pcode: str


class MembershipOut(Schema):
    country: str
    joined: Day | None
    left: Day | None
    note: str


class RegionOut(Schema):
    code: str
    name: str
    name_fr: str
    kind: str
    members: list[MembershipOut]


@router.get("/areas", response=list[AreaOut], summary="Countries and admin areas")
def list_areas(request: HttpRequest, query: Query[AreaQuery]) -> list[dict]:
    return selectors.areas(country=query.country, level=query.level, name_contains=query.q)


@router.get("/regions", response=list[RegionOut], summary="Regional organisations, dated members")
def list_regions(
    request: HttpRequest, on: Day | None = Query(None, description="Members on this date")
) -> list[dict]:
    return selectors.regions_with_members(on=on)
