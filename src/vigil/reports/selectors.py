"""Reads of products, always through the access policy.

A product is a protected record like any other: who may read it is decided by its own TLP
mark and owner (and its author always sees it), in `sharing.policy.visible`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from vigil.events.selectors import events_visible_to
from vigil.reports.choices import ProductKind, ProductStatus
from vigil.reports.models import Product, ProductTransition
from vigil.sharing.policy import visible
from vigil.sharing.privileges import product_privilege_q


def all_products() -> QuerySet[Product]:
    """Every product, unfiltered: for services that write, never for a reader — every
    read a person makes goes through `products_visible_to` below."""
    return Product.objects.all()


def products_visible_to(user: Any, **filters: Any) -> QuerySet[Product]:
    """Products `user` may see: by TLP mark, owner and shares, plus those they wrote, plus
    those their accredited organisation receives by privilege (`sharing.privileges`)."""
    queryset = visible(all_products(), user, author_field="author")
    if getattr(user, "is_authenticated", False) and not user.is_superuser:
        privileged = product_privilege_q(user)
        queryset = all_products().filter(Q(pk__in=queryset.values("pk")) | privileged)
    return queryset.filter(**filters).select_related("region", "country", "owner_org", "author")


def product_for(user: Any, pk: int) -> Product:
    """One product, or 404 alike for missing and not visible."""
    product = products_visible_to(user, pk=pk).first()
    if product is None:
        raise Http404("No such product")
    return product


def latest_synopsis(user: Any, region: str, *, on: dt.date | None = None) -> Product | None:
    """The newest synopsis of `region` the reader may see (published first, then any),
    covering `on` when given."""
    synopses = products_visible_to(user, kind=ProductKind.DAILY_SYNOPSIS, region_id=region)
    if on is not None:
        synopses = synopses.filter(period_end=on)
    published = synopses.filter(status=ProductStatus.PUBLISHED).order_by("-period_end", "-pk")
    return published.first() or synopses.order_by("-period_end", "-pk").first()


def history_of(product: Product) -> list[ProductTransition]:
    """Every step of a product's life, oldest first (the product was already checked)."""
    return list(product.transitions.select_related("actor"))


def events_behind(user: Any, product: Product, key: str) -> tuple[dict[str, Any], QuerySet]:
    """One figure of a product and the events behind it that `user` may see."""
    from vigil.reports.content import figure

    item = figure(product.content, key)
    if item is None:
        raise Http404("No such figure")
    events = events_visible_to(user).filter(pk__in=item.get("event_ids", []))
    return item, events.select_related("admin1").order_by("-date_start", "pk")
