"""`/api/v1/products`: early-warning products the caller may see; review and publication."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from vigil.inputs import Day, DbId, Input, Iso3, RegionCode
from vigil.reports import selectors, services
from vigil.reports.choices import ProductKind, ProductStatus
from vigil.sharing.choices import Surface
from vigil.sharing.policy import record_reads

router = Router(tags=["products"])


class ProductTransitionOut(Schema):
    from_status: str
    to_status: str
    actor: str | None
    note: str
    at: dt.datetime

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.get_username() if obj.actor else None


class ProductOut(Schema):
    id: int
    kind: str
    cadence: str
    title: str
    region: str | None = Field(None, alias="region_id")
    country: str | None = Field(None, alias="country_id")
    period_start: Day
    period_end: Day
    language: str
    status: str
    tlp: str
    owner_org: str
    author: str | None
    analysis_run: int | None = Field(None, alias="analysis_run_id")
    input_event_ids: list[int]

    @staticmethod
    def resolve_owner_org(obj) -> str:
        return obj.owner_org.slug

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.get_username() if obj.author else None


class ProductDetail(ProductOut):
    content: dict
    history: list[ProductTransitionOut]

    @staticmethod
    def resolve_history(obj) -> list:
        return selectors.history_of(obj)


class NoteIn(Input):
    note: str = Field("", max_length=300)


@router.get("", response=list[ProductOut], summary="Products you may see, newest first")
def list_products(
    request: HttpRequest,
    kind: ProductKind | None = None,
    region: RegionCode | None = None,
    country: Iso3 | None = None,
    status: ProductStatus | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list:
    filters = {
        name: value
        for name, value in (
            ("kind", kind),
            ("region_id", region.upper() if region else None),
            ("country_id", country.upper() if country else None),
            ("status", status),
        )
        if value
    }
    visible = selectors.products_visible_to(request.user, **filters)
    products = list(visible.order_by("-period_end", "-pk")[:limit])
    record_reads(products, request.user, surface=Surface.API)
    return products


@router.get("/{product_id}", response=ProductDetail, summary="One product with its content")
def get_product(request: HttpRequest, product_id: DbId) -> object:
    product = selectors.product_for(request.user, product_id)
    record_reads([product], request.user, surface=Surface.API)
    return product


@router.post("/{product_id}/review", response=ProductDetail, summary="Mark a draft as reviewed")
def review(request: HttpRequest, product_id: DbId, payload: NoteIn) -> object:
    product = selectors.product_for(request.user, product_id)
    return services.review_product(product=product, actor=request.user, note=payload.note)


@router.post("/{product_id}/publish", response=ProductDetail, summary="Publish a reviewed product")
def publish(request: HttpRequest, product_id: DbId, payload: NoteIn) -> object:
    product = selectors.product_for(request.user, product_id)
    return services.publish_product(product=product, actor=request.user, note=payload.note)
