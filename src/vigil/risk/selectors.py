"""Reads of stored analysis, always through the access policy.

A row of a run is visible exactly when its run is: the run carries the scope's owner and
mark, and every function here starts from `visible_runs()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from vigil.actors.models import Organisation
from vigil.risk.choices import RunStatus
from vigil.risk.models import (
    AnalysisRun,
    AreaRisk,
    Escalation,
    EventCluster,
    Forecast,
    Hotspot,
    ModelVersion,
)
from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisation_ids, visible

# The more a run may have read, the more a reader who may see it learns from it.
_RESTRICTIVENESS = {TLP.CLEAR: 0, TLP.GREEN: 1, TLP.AMBER: 2, TLP.AMBER_STRICT: 3, TLP.RED: 4}


def organisation_by_slug(slug: str) -> Organisation | None:
    """Configuration lookup for the command line (organisations are not protected records)."""
    return Organisation.objects.filter(slug=slug).first()


def visible_runs(user: Any) -> QuerySet[AnalysisRun]:
    """Finished runs the reader may see, newest first."""
    return visible(AnalysisRun.objects.filter(status=RunStatus.DONE), user)


def latest_run(user: Any, *, as_of: dt.date | None = None) -> AnalysisRun | None:
    """The run a reader should be shown: the newest `as_of` (up to the given date) and,
    among runs of that date, the one that read the most — the reader's own organisation's
    scope before the community's, because it includes what they are entitled to."""
    runs = visible_runs(user)
    if as_of is not None:
        runs = runs.filter(as_of__lte=as_of)
    newest = runs.order_by("-as_of").values_list("as_of", flat=True).first()
    if newest is None:
        return None
    candidates = list(runs.filter(as_of=newest).order_by("-started_at"))
    own = set(organisation_ids(user))
    return max(
        candidates,
        key=lambda r: (r.owner_org_id in own, _RESTRICTIVENESS.get(r.tlp, 0), r.started_at),
    )


def _of_run(queryset: QuerySet, run: AnalysisRun | None, countries: Iterable[str] | None):
    if run is None:
        return queryset.none()
    rows = queryset.filter(run=run)
    if countries is not None:
        rows = rows.filter(country_id__in=list(countries))
    return rows


def area_risk(
    run: AnalysisRun | None, *, level: str = "country", countries: Iterable[str] | None = None
) -> QuerySet[AreaRisk]:
    return _of_run(AreaRisk.objects.select_related("country"), run, countries).filter(level=level)


def escalations(
    run: AnalysisRun | None,
    *,
    countries: Iterable[str] | None = None,
    since: dt.date | None = None,
) -> QuerySet[Escalation]:
    rows = _of_run(Escalation.objects.select_related("country"), run, countries)
    return rows.filter(period__gte=since) if since else rows


def hotspots(run: AnalysisRun | None, *, region: str | None = None) -> QuerySet[Hotspot]:
    rows = _of_run(Hotspot.objects.select_related("country", "region"), run, None)
    return rows.filter(region_id=region) if region else rows


def clusters(
    run: AnalysisRun | None, *, countries: Iterable[str] | None = None
) -> QuerySet[EventCluster]:
    return _of_run(EventCluster.objects.select_related("country"), run, countries)


def forecasts(
    run: AnalysisRun | None,
    *,
    level: str | None = None,
    countries: Iterable[str] | None = None,
    horizon: int | None = None,
) -> QuerySet[Forecast]:
    rows = _of_run(Forecast.objects.select_related("country", "model_version"), run, countries)
    if level:
        rows = rows.filter(level=level)
    if horizon:
        rows = rows.filter(horizon=horizon)
    return rows


def model_versions(run: AnalysisRun | None) -> QuerySet[ModelVersion]:
    """The model versions whose forecasts the run stored, with their backtest scores."""
    if run is None:
        return ModelVersion.objects.none()
    ids = Forecast.objects.filter(run=run).values("model_version_id").distinct()
    return ModelVersion.objects.filter(pk__in=ids)
