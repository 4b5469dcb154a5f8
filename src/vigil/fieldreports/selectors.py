"""Reads of field reports, always through the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from vigil.fieldreports.models import FieldReport, ReportTransition
from vigil.fieldreports.services import REVIEWER_ROLES
from vigil.sharing.policy import organisations_with_role, visible


def reports_visible_to(user: Any, **filters: Any) -> QuerySet[FieldReport]:
    """Reports `user` may see: by TLP mark and shares, plus the reports they wrote."""
    queryset = visible(FieldReport.objects.all(), user, author_field="monitor")
    return queryset.filter(**filters).select_related("country", "admin1", "owner_org", "event")


def report_for(user: Any, pk: int) -> FieldReport:
    """One report, or 404 alike for missing and not visible."""
    report = reports_visible_to(user, pk=pk).first()
    if report is None:
        raise Http404("No such report")
    return report


def review_queue(user: Any, **filters: Any) -> QuerySet[FieldReport]:
    """Reports waiting for the reviewer's organisations, oldest first."""
    organisations = organisations_with_role(user, REVIEWER_ROLES)
    return (
        reports_visible_to(user, **filters)
        .filter(owner_org_id__in=organisations)
        .order_by("submitted_at")
    )


def history_of(report: FieldReport) -> list[ReportTransition]:
    """Every step of a report's review, oldest first (the report was already checked)."""
    return list(report.transitions.select_related("actor"))
