"""Reads of indicator sets and observations; observations always through the access policy."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from vigil.fieldreports.choices import ReviewStatus
from vigil.indicators.models import (
    Indicator,
    IndicatorSet,
    Observation,
    ObservationTransition,
    ObservationValue,
)
from vigil.sharing.policy import visible

# The analytics adapter's columns, in order: one row per (observation, indicator).
FRAME_COLUMNS = [
    "observation_id", "country", "admin1_id", "period", "period_start", "indicator_set",
    "indicator", "direction", "phase", "value", "status", "tlp",
]  # fmt: skip


def indicator_sets(**filters: Any) -> QuerySet[IndicatorSet]:
    """Indicator sets with their active indicators in order. Public configuration."""
    active = Indicator.objects.filter(is_active=True).order_by("order", "code")
    return IndicatorSet.objects.filter(**filters).prefetch_related(
        Prefetch("indicators", queryset=active)
    )


def observations_visible_to(user: Any, **filters: Any) -> QuerySet[Observation]:
    """Observations `user` may see: by TLP mark and shares, plus those they filed."""
    queryset = visible(Observation.objects.all(), user, author_field="monitor")
    return (
        queryset.filter(**filters)
        .select_related("country", "admin1", "owner_org", "indicator_set")
        .prefetch_related(
            Prefetch("values", queryset=ObservationValue.objects.select_related("indicator"))
        )
    )


def observation_for(user: Any, pk: int) -> Observation:
    """One observation, or 404 alike for missing and not visible."""
    observation = observations_visible_to(user, pk=pk).first()
    if observation is None:
        raise Http404("No such observation")
    return observation


def history_of(observation: Observation) -> list[ObservationTransition]:
    """Every step of an observation's review, oldest first (the observation was checked)."""
    return list(observation.transitions.select_related("actor"))


def observations_frame(queryset: QuerySet[Observation]) -> pd.DataFrame:
    """The analytics adapter: one row per (observation, indicator) of `queryset`.

    Pass a queryset from `observations_visible_to`, so the frame holds only what its reader
    may see; the rows are read in one query and the frame is free of Django objects.
    Columns: FRAME_COLUMNS; `period_start` is datetime64, `admin1_id` nullable Int64.
    """
    rows = (
        ObservationValue.objects.filter(observation__in=queryset.values("pk"))
        .order_by("observation_id", "indicator__order", "indicator__code")
        .values_list(
            "observation_id",
            "observation__country_id",
            "observation__admin1_id",
            "observation__period",
            "observation__period_start",
            "observation__indicator_set__code",
            "indicator__code",
            "indicator__direction",
            "indicator__phase",
            "value",
            "observation__status",
            "observation__tlp",
        )
    )
    frame = pd.DataFrame.from_records(list(rows), columns=FRAME_COLUMNS)
    return frame.astype(
        {
            "observation_id": "int64",
            "admin1_id": "Int64",
            "period_start": "datetime64[ns]",
            "value": "int64",
        }
    )


def review_queue(user: Any, *, status: str | None = None) -> QuerySet[Observation]:
    """Observations waiting for the reviewer's organisations (or in `status`), oldest first."""
    from vigil.fieldreports.services import REVIEWER_ROLES
    from vigil.sharing.policy import organisations_with_role

    waiting = [status] if status else [ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW]
    return (
        observations_visible_to(user, status__in=waiting)
        .filter(owner_org_id__in=organisations_with_role(user, REVIEWER_ROLES))
        .select_related("indicator_set", "country", "admin1", "monitor")
        .order_by("submitted_at", "pk")
    )
