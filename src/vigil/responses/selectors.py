"""Reads of the response loop, always through the alert's access.

Options, proposals, responders, actions and assessments have no mark of their own: every
read starts from the alerts `user` may see (`sharing.policy.visible` on `Alert`), so each
record is readable exactly by those who may read the warning it answers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from vigil.actors.models import Organisation
from vigil.alerts.models import Alert
from vigil.geo.models import RegionalOrganisation
from vigil.responses import metrics
from vigil.responses.choices import POSITIVE_EFFECT, ActionStatus
from vigil.responses.models import (
    ActionStatusChange,
    OutcomeAssessment,
    ProposedResponse,
    ResponderAssignment,
    ResponseAction,
    ResponseOption,
)
from vigil.sharing.policy import visible

# ---------------------------------------------------------------- alerts and their records


def alerts_visible_to(user: Any, **filters: Any) -> QuerySet[Alert]:
    """Alerts `user` may see, the root of every read in this app."""
    return visible(Alert.objects.all(), user).filter(**filters)


def alert_for(user: Any, pk: int) -> Alert:
    """One alert, or 404 alike for missing and not visible."""
    alert = alerts_visible_to(user, pk=pk).select_related("owner_org", "region").first()
    if alert is None:
        raise Http404("No such alert")
    return alert


def actions_visible_to(user: Any, **filters: Any) -> QuerySet[ResponseAction]:
    """Actions on the alerts `user` may see."""
    return (
        ResponseAction.objects.filter(alert__in=alerts_visible_to(user).values("pk"))
        .filter(**filters)
        .select_related("responder", "option", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def action_for(user: Any, pk: int) -> ResponseAction:
    """One action, or 404 alike for missing and on an alert `user` may not see."""
    action = actions_visible_to(user, pk=pk).select_related("alert").first()
    if action is None:
        raise Http404("No such action")
    return action


def response_options(*, kind: str | None = None, active_only: bool = True) -> QuerySet:
    """The option library (configuration: readable by anyone who may use Vigil)."""
    options = ResponseOption.objects.all()
    if active_only:
        options = options.filter(is_active=True)
    if kind:
        options = options.filter(kind=kind)
    return options


def option_by_id(pk: int) -> ResponseOption:
    option = response_options(active_only=False).filter(pk=pk).first()
    if option is None:
        raise Http404("No such option")
    return option


def organisations(**filters: Any) -> QuerySet[Organisation]:
    """Organisations that may be named as responders (the registry is public within Vigil)."""
    return Organisation.objects.filter(**filters).order_by("name")


def organisation_by_id(pk: int) -> Organisation:
    organisation = organisations(pk=pk).first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


@dataclass(frozen=True)
class ResponseLoop:
    """Everything recorded in answer to one alert (the alert was already checked)."""

    alert: Alert
    issued_on: dt.date | None
    proposals: list[ProposedResponse]
    responders: list[ResponderAssignment]
    actions: list[ResponseAction]
    assessments: list[OutcomeAssessment]

    @property
    def first_action_on(self) -> dt.date | None:
        starts = [a.started_on for a in self.actions if a.started_on]
        return min(starts) if starts else None

    @property
    def days_to_first_action(self) -> int | None:
        if self.issued_on is None or self.first_action_on is None:
            return None
        return metrics.days_to_first_action(self.issued_on, self.first_action_on)

    @property
    def days_waiting(self) -> int | None:
        """Days since issue while no action has started (the alert's open gap)."""
        if self.issued_on is None or self.first_action_on is not None:
            return None
        return metrics.age_days(self.issued_on, timezone.localdate())

    @property
    def latest_assessment(self) -> OutcomeAssessment | None:
        overall = [a for a in self.assessments if a.action_id is None]
        return overall[-1] if overall else None


def issued_on(alert: Alert) -> dt.date | None:
    return timezone.localtime(alert.issued_at).date() if alert.issued_at else None


def response_loop(alert: Alert) -> ResponseLoop:
    """The proposals, responders, actions (with their steps) and assessments of an alert."""
    changes = ActionStatusChange.objects.select_related("actor").order_by("at", "pk")
    return ResponseLoop(
        alert=alert,
        issued_on=issued_on(alert),
        proposals=list(alert.proposed_responses.select_related("option", "proposed_by")),
        responders=list(alert.responders.select_related("organisation", "assigned_by")),
        actions=list(
            alert.actions.select_related("responder", "option", "recorded_by")
            .prefetch_related(Prefetch("status_changes", queryset=changes))
            .order_by("started_on", "recorded_at", "pk")
        ),
        assessments=list(
            alert.outcome_assessments.select_related("assessed_by", "assessor_org", "action")
        ),
    )


# ------------------------------------------------ the gap between warning and action


@dataclass(frozen=True)
class GroupGap:
    """The figures of one region or one responder, with its name for the page."""

    key: Any
    label: str
    summary: metrics.GapSummary


@dataclass(frozen=True)
class OpenGapRow:
    alert: Alert
    issued_on: dt.date
    age_days: int
    responders: list[str]


@dataclass(frozen=True)
class CountedAlert:
    """One alert behind the figures: when it was issued and when its first action started."""

    alert: Alert
    issued_on: dt.date
    first_action_on: dt.date | None
    days_to_first_action: int | None


@dataclass(frozen=True)
class GapReport:
    """The gap page's and API's figures, all computed from recorded rows as of one day."""

    as_of: dt.date
    overall: metrics.GapSummary
    by_region: list[GroupGap]
    by_responder: list[GroupGap]
    open_gaps: list[OpenGapRow]
    counted: list[CountedAlert]


def _issued_alerts(
    user: Any,
    *,
    region: str | None = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
) -> QuerySet[Alert]:
    alerts = alerts_visible_to(user).filter(issued_at__isnull=False)
    if region:
        alerts = alerts.filter(region_id=region)
    if issued_from:
        alerts = alerts.filter(issued_at__date__gte=issued_from)
    if issued_to:
        alerts = alerts.filter(issued_at__date__lte=issued_to)
    return alerts


def warning_rows(user: Any, **filters: Any) -> list[metrics.WarningRow]:
    """One row per issued alert `user` may see: issue day, first action start, region."""
    rows = (
        _issued_alerts(user, **filters)
        .annotate(first_action_on=Min("actions__started_on"))
        .values_list("pk", "issued_at", "first_action_on", "region_id")
    )
    return [
        metrics.WarningRow(pk, timezone.localtime(at).date(), first, region or "")
        for pk, at, first, region in rows
    ]


def responder_rows(user: Any, **filters: Any) -> list[metrics.WarningRow]:
    """One row per (alert, responder): the alert's issue day and that responder's own first
    action; responders are those assigned, and any organisation that acted."""
    alerts = _issued_alerts(user, **filters)
    issued = {pk: timezone.localtime(at).date() for pk, at in alerts.values_list("pk", "issued_at")}
    pairs: dict[tuple[int, int], dt.date | None] = {}
    for alert_id, organisation_id in ResponderAssignment.objects.filter(
        alert__in=alerts.values("pk")
    ).values_list("alert_id", "organisation_id"):
        pairs[(alert_id, organisation_id)] = None
    for alert_id, responder_id, first in (
        ResponseAction.objects.filter(alert__in=alerts.values("pk"), started_on__isnull=False)
        .values("alert_id", "responder_id")
        .annotate(first=Min("started_on"))
        .values_list("alert_id", "responder_id", "first")
    ):
        pairs[(alert_id, responder_id)] = first
    return [
        metrics.WarningRow(alert_id, issued[alert_id], first, organisation_id)
        for (alert_id, organisation_id), first in pairs.items()
        if alert_id in issued
    ]


def gap_report(user: Any, *, as_of: dt.date | None = None, **filters: Any) -> GapReport:
    """The gap between warning and action over the issued alerts `user` may see."""
    as_of = as_of or timezone.localdate()
    rows = warning_rows(user, **filters)
    pairs = responder_rows(user, **filters)
    by_region = metrics.summarise_by(rows, as_of=as_of)
    by_responder = metrics.summarise_by(pairs, as_of=as_of)
    region_names: dict[Any, str] = dict(
        RegionalOrganisation.objects.filter(pk__in=[k for k in by_region if k]).values_list(
            "code", "name"
        )
    )
    responder_names: dict[Any, str] = dict(
        Organisation.objects.filter(pk__in=list(by_responder)).values_list("pk", "name")
    )
    gaps = metrics.open_gaps(rows, as_of=as_of)
    counted = [r for r in rows if r.issued_on <= as_of]
    alerts = alerts_visible_to(user).select_related("region").in_bulk([r.alert_id for r in counted])
    assigned: dict[int, list[str]] = defaultdict(list)
    for alert_id, name in (
        ResponderAssignment.objects.filter(alert_id__in=list(alerts))
        .order_by("organisation__name")
        .values_list("alert_id", "organisation__name")
    ):
        assigned[alert_id].append(name)
    return GapReport(
        as_of=as_of,
        overall=metrics.summarise(rows, as_of=as_of),
        by_region=sorted(
            (
                GroupGap(code, f"{code} — {region_names.get(code, code)}" if code else "", s)
                for code, s in by_region.items()
            ),
            key=lambda g: (g.key == "", g.key),
        ),
        by_responder=sorted(
            (GroupGap(pk, responder_names.get(pk, str(pk)), s) for pk, s in by_responder.items()),
            key=lambda g: g.label,
        ),
        open_gaps=[
            OpenGapRow(alerts[g.alert_id], g.issued_on, g.age_days, assigned[g.alert_id])
            for g in gaps
            if g.alert_id in alerts
        ],
        counted=sorted(
            (
                CountedAlert(
                    alerts[r.alert_id],
                    r.issued_on,
                    first,
                    metrics.days_to_first_action(r.issued_on, first) if first else None,
                )
                for r in counted
                if r.alert_id in alerts
                for first in [
                    r.first_action_on if r.first_action_on and r.first_action_on <= as_of else None
                ]
            ),
            key=lambda c: (c.issued_on, c.alert.pk),
            reverse=True,
        ),
    )


def regions_with_alerts(user: Any) -> list[tuple[str, str]]:
    """(code, name) of the regions of the issued alerts `user` may see, for the filter."""
    codes = set(
        _issued_alerts(user).exclude(region__isnull=True).values_list("region_id", flat=True)
    )
    return list(
        RegionalOrganisation.objects.filter(pk__in=codes)
        .order_by("code")
        .values_list("code", "name")
    )


# ---------------------------------------------------------------- track records


def track_records(organisation_ids: Iterable[int], *, user: Any) -> dict[int, metrics.TrackRecord]:
    """Each organisation's record as a responder: actions taken (started), completed, with
    a positive assessed outcome, and median days from warning to its first action —
    counted over the alerts `user` may see, because even a count of actions on an AMBER
    alert tells something about it.
    """
    ids = sorted(set(organisation_ids))
    alerts = alerts_visible_to(user)
    actions = list(
        ResponseAction.objects.filter(
            responder_id__in=ids, alert__in=alerts.values("pk")
        ).values_list("pk", "alert_id", "responder_id", "status", "started_on")
    )
    alert_ids = {alert_id for _, alert_id, _, _, _ in actions}
    latest_for_action: dict[int, int] = {}
    latest_for_alert: dict[int, int] = {}
    for alert_id, action_id, rated in (
        OutcomeAssessment.objects.filter(alert_id__in=alert_ids)
        .order_by("assessed_on", "recorded_at", "pk")
        .values_list("alert_id", "action_id", "effect")
    ):
        if action_id is None:
            latest_for_alert[alert_id] = rated
        else:
            latest_for_action[action_id] = rated
    issued = {
        pk: timezone.localtime(at).date()
        for pk, at in Alert.objects.filter(pk__in=alert_ids, issued_at__isnull=False).values_list(
            "pk", "issued_at"
        )
    }
    statuses: dict[int, list[tuple[bool, bool, bool]]] = defaultdict(list)
    firsts: dict[tuple[int, int], dt.date] = {}
    for pk, alert_id, responder_id, status, started_on in actions:
        started = started_on is not None
        effect: int | None = latest_for_action.get(pk, latest_for_alert.get(alert_id))
        positive = started and effect is not None and effect >= POSITIVE_EFFECT
        statuses[responder_id].append((started, status == ActionStatus.DONE, positive))
        if started_on is not None and alert_id in issued:
            key = (alert_id, responder_id)
            firsts[key] = min(started_on, firsts.get(key, started_on))
    rows: dict[int, list[metrics.WarningRow]] = defaultdict(list)
    for (alert_id, responder_id), first in firsts.items():
        rows[responder_id].append(metrics.WarningRow(alert_id, issued[alert_id], first))
    return {
        pk: metrics.track_record(pk, action_statuses=statuses[pk], response_rows=rows[pk])
        for pk in ids
    }
