"""Reads of alerts, always through the access policy.

Other apps (dissemination, responses, reports) read alerts only through these functions, so
a feed, an email or a metric never carries an alert its reader may not see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vigil.alerts.choices import ACTIVE_STATES, AlertStatus
from vigil.alerts.models import Alert, AlertInfo, AlertRule, AlertTransition, FeedToken
from vigil.alerts.services import alert_organisations
from vigil.geo.models import RegionalOrganisation
from vigil.sharing.policy import visible


def alerts_visible_to(user: Any, **filters: Any) -> QuerySet[Alert]:
    """Alerts `user` may see, by TLP mark and shares. Drafts are seen only by the owning
    organisation's analysts and supervisors (and platform admins): a draft is not a warning."""
    queryset = visible(Alert.objects.all(), user)
    if not getattr(user, "is_superuser", False):
        queryset = queryset.filter(
            ~Q(status=AlertStatus.DRAFT) | Q(owner_org_id__in=alert_organisations(user))
        )
    return (
        queryset.filter(**filters)
        .select_related("region", "owner_org", "rule")
        .prefetch_related("countries", Prefetch("infos", queryset=AlertInfo.objects.order_by("pk")))
    )


def active_alerts(
    user: Any, region: str | None = None, *, now: dt.datetime | None = None
) -> QuerySet[Alert]:
    """Alerts in force that `user` may see: issued or updated, not past their expiry (even
    if the expiry job has not run yet), newest first. `region` is a regional organisation
    code (e.g. "ECOWAS")."""
    now = now or timezone.now()
    queryset = alerts_visible_to(user, status__in=list(ACTIVE_STATES)).filter(
        Q(expires__isnull=True) | Q(expires__gt=now)
    )
    if region:
        queryset = queryset.filter(region_id=region.upper())
    return queryset.order_by("-sent", "-pk")


def alert_for(user: Any, pk: int) -> Alert:
    """One alert, or 404 alike for missing and not visible."""
    alert = alerts_visible_to(user, pk=pk).prefetch_related("areas").first()
    if alert is None:
        raise Http404("No such alert")
    return alert


def list_alerts(
    user: Any, *, region: str | None = None, status: str | None = None, country: str | None = None
) -> QuerySet[Alert]:
    """The alert list with the filters a reader picks, newest first."""
    queryset = alerts_visible_to(user)
    if region:
        queryset = queryset.filter(region_id=region.upper())
    if status:
        queryset = queryset.filter(status=status)
    if country:
        queryset = queryset.filter(countries=country.upper())
    return queryset.order_by("-created_at", "-pk")


def history_of(alert: Alert) -> list[AlertTransition]:
    """Every step of an alert's lifecycle, oldest first (the alert was already checked)."""
    return list(alert.transitions.select_related("actor").order_by("at", "pk"))


def review_queue(user: Any) -> QuerySet[Alert]:
    """Drafts waiting for the user's organisations, oldest first."""
    return alerts_visible_to(
        user, status=AlertStatus.DRAFT, owner_org_id__in=alert_organisations(user)
    ).order_by("created_at")


def rules_of(region: str | None = None) -> QuerySet[AlertRule]:
    """Alert rules (configuration, not protected records), by region."""
    rules = AlertRule.objects.select_related("region", "organisation")
    return rules.filter(region_id=region) if region else rules


def rule_for(pk: int) -> AlertRule:
    rule = rules_of().filter(pk=pk).first()
    if rule is None:
        raise Http404("No such rule")
    return rule


def regions() -> QuerySet[RegionalOrganisation]:
    return RegionalOrganisation.objects.all()


def region_for(code: str) -> RegionalOrganisation:
    region = RegionalOrganisation.objects.filter(pk=code.upper()).first()
    if region is None:
        raise Http404("No such region")
    return region


def active_feed_token(user: Any) -> FeedToken | None:
    """The reader's private feed key in use (its prefix and dates), if any."""
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-pk").first()
