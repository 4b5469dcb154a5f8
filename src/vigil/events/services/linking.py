"""Linking events that describe the same incident across sources, and undoing such links.

Duplicates are linked, never deleted: each source's record stays as published, and an
analyst can undo a link the rule got wrong. An undone pair is never linked again by the rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vigil.events.choices import VIOLENT_CATEGORIES, LinkRule
from vigil.events.dedupe import SameIncidentRule, find_same_incident_pairs
from vigil.events.models import Event, EventLink

FRAME_FIELDS = ["id", "source", "date_start", "country_id", "latitude", "longitude", "category",
                "geo_precision"]  # fmt: skip


def _frame(queryset: Any) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(queryset.values_list(*FRAME_FIELDS), columns=FRAME_FIELDS)
    frame["date_start"] = pd.to_datetime(frame["date_start"])
    return frame


@transaction.atomic
def link_duplicates(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    countries: list[str] | None = None,
    actor: Any = None,
    rule: SameIncidentRule = SameIncidentRule(),
) -> int:
    """Link same-incident events of different sources within a period; returns links made."""
    scope = Q()
    if date_from:
        scope &= Q(date_start__gte=date_from - dt.timedelta(days=rule.max_days))
    if date_to:
        scope &= Q(date_start__lte=date_to + dt.timedelta(days=rule.max_days))
    if countries:
        scope &= Q(country_id__in=countries)
    events = _frame(Event.objects.filter(scope))
    if events.empty:
        return 0
    pairs = find_same_incident_pairs(
        events, events, violent=frozenset(VIOLENT_CATEGORIES), rule=rule
    )
    known = set(
        EventLink.objects.filter(event_id__in=pairs["event_id"].unique().tolist()).values_list(
            "event_id", "other_id"
        )
    )
    links = [
        EventLink(
            event_id=int(row.event_id),
            other_id=int(row.other_id),
            rule=LinkRule.SAME_INCIDENT,
            days_apart=int(row.days_apart),
            distance_km=float(row.distance_km),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for row in pairs.itertuples(index=False)
        if (row.event_id, row.other_id) not in known
    ]
    EventLink.objects.bulk_create(links, batch_size=1000)
    return len(links)


@transaction.atomic
def undo_link(*, link: EventLink, actor: Any, reason: str) -> EventLink:
    """Mark a link as wrong. It stays on record, with who undid it and why."""
    if link.undone_at is not None:
        return link
    link.undone_at = timezone.now()
    link.undone_by = actor
    link.undo_reason = reason
    link.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    return link
