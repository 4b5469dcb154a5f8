"""Reads of dissemination. Subscriptions are a person's own configuration: each person sees
only theirs, and another person's subscription is the same 404 as a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from vigil.dissemination.choices import MessageStatus
from vigil.dissemination.models import OutboxMessage, Subscription
from vigil.geo.models import Country, RegionalOrganisation


def subscriptions_of(user: Any) -> QuerySet[Subscription]:
    """The signed-in person's subscriptions, oldest first (none for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return Subscription.objects.none()
    return Subscription.objects.filter(user_id=user.pk).select_related("region", "country")


def subscription_for(user: Any, subscription_id: int) -> Subscription:
    subscription = subscriptions_of(user).filter(pk=subscription_id).first()
    if subscription is None:
        raise Http404("No such subscription.")
    return subscription


def region_choices() -> list[tuple[str, str]]:
    return list(RegionalOrganisation.objects.order_by("code").values_list("code", "name"))


def country_choices() -> list[tuple[str, str]]:
    return list(Country.objects.order_by("name").values_list("iso3", "name"))


def outbox_counts() -> dict[str, int]:
    """How many messages stand in each state (for admins and the worker's summary)."""
    counts = dict.fromkeys(MessageStatus.values, 0)
    for row in OutboxMessage.objects.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts
