"""Writes on field reports: submit (at most once), review, verify into the event store.

Every state change is a `ReportTransition` row written in the same transaction as the
change, so a report's history is complete by construction and nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.actors.choices import Role
from vigil.bounds import COUNT_MAX
from vigil.events.choices import EventKind, LinkRule, Source, VerificationStatus
from vigil.events.dedupe import haversine_km
from vigil.events.models import Event, EventLink
from vigil.fieldreports.choices import (
    FINAL_STATUSES,
    REVIEW_TRANSITIONS,
    Channel,
    ReviewStatus,
)
from vigil.fieldreports.models import Attachment, FieldReport, ReportTransition
from vigil.geo.models import AdminArea, Country
from vigil.idempotency import canonical, check_same_request
from vigil.sharing.choices import TLP
from vigil.sharing.policy import organisations_with_role

REVIEWER_ROLES = (Role.ANALYST, Role.SUPERVISOR)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Photos and documents only; the first bytes must agree with the declared type.
ATTACHMENT_SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}


@dataclass
class ReportInput:
    """What a monitor says about an incident, whatever the channel."""

    date_start: dt.date
    country_id: str
    category: str
    description: str
    credibility: int
    date_end: dt.date | None = None
    admin1_id: int | None = None
    admin2_id: int | None = None
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    actor1: str = ""
    actor2: str = ""
    fatalities: int = 0
    injured: int = 0
    sources: str = ""
    tlp: str = TLP.AMBER
    extra: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        values = asdict(self)
        values.pop("extra")
        values["date_end"] = values["date_end"] or values["date_start"]
        return values


def monitor_organisation(user: Any, organisation_id: int | None = None) -> int:
    """The organisation a monitor reports for: the one named, or their only one."""
    organisations = organisations_with_role(user, (Role.MONITOR,))
    if organisation_id is not None:
        if organisation_id not in organisations:
            raise PermissionDenied(_("You are not a monitor of this organisation."))
        return organisation_id
    if len(organisations) != 1:
        raise ValidationError(
            {"organisation": "Say which organisation you report for."}
            if organisations
            else {"organisation": "Only monitors of an organisation can submit reports."}
        )
    return organisations[0]


def validate_report_input(data: ReportInput) -> None:
    """Refuse what no channel may submit, naming each field (shared by every channel)."""
    errors: dict[str, str] = {}
    end = data.date_end or data.date_start
    if end < data.date_start:
        errors["date_end"] = "The incident cannot end before it starts."
    if data.date_start > timezone.now().date():
        errors["date_start"] = "The incident cannot be in the future."
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = "Give both latitude and longitude, or neither."
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        errors["latitude"] = "Latitude must be between -90 and 90."
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        errors["longitude"] = "Longitude must be between -180 and 180."
    if not data.description.strip():
        errors["description"] = "Describe what happened."
    for name in ("fatalities", "injured"):
        if not 0 <= getattr(data, name) <= COUNT_MAX:
            errors[name] = f"Must be between 0 and {COUNT_MAX:,}."
    if not Country.objects.filter(pk=data.country_id).exists():
        errors["country"] = f"Unknown country code {data.country_id!r} (ISO 3166-1 alpha-3)."
    elif (
        data.admin1_id is not None
        and not AdminArea.objects.filter(
            pk=data.admin1_id, country_id=data.country_id, level=1
        ).exists()
    ):
        errors["admin1"] = f"No admin1 area {data.admin1_id} in {data.country_id}."
    if errors:
        raise ValidationError(errors)


def submit_report(
    *,
    monitor: Any,
    data: ReportInput,
    channel: str = Channel.WEB,
    idempotency_key: str = "",
    organisation_id: int | None = None,
    attachments: list[UploadedFile] | None = None,
    odk: dict[str, str] | None = None,
) -> tuple[FieldReport, bool]:
    """Accept a report at most once. Returns (report, created); a retry with the same
    idempotency key (or ODK root) returns the first report and creates nothing."""
    request = canonical({**data.fields(), "organisation": organisation_id})
    if idempotency_key:
        existing = FieldReport.objects.filter(
            monitor=monitor, idempotency_key=idempotency_key
        ).first()
        if existing:
            check_same_request(idempotency_key, existing.request_fields, request)
            return existing, False
    owner = monitor_organisation(monitor, organisation_id)
    validate_report_input(data)
    try:
        with transaction.atomic():
            report = FieldReport.objects.create(
                monitor=monitor,
                owner_org_id=owner,
                channel=channel,
                idempotency_key=idempotency_key,
                request_fields=request if idempotency_key else {},
                odk_form_id=(odk or {}).get("form_id", ""),
                odk_root_uuid=(odk or {}).get("root_uuid", ""),
                odk_instance_id=(odk or {}).get("instance_id", ""),
                status=ReviewStatus.SUBMITTED,
                **data.fields(),
            )
            for upload in attachments or []:
                _attach(report, upload)
            ReportTransition.objects.create(
                report=report, to_status=ReviewStatus.SUBMITTED, actor=monitor
            )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its report.
        if idempotency_key:
            existing = FieldReport.objects.filter(
                monitor=monitor, idempotency_key=idempotency_key
            ).first()
            if existing:
                check_same_request(idempotency_key, existing.request_fields, request)
                return existing, False
        raise
    return report, True


def _attach(report: FieldReport, upload: UploadedFile) -> Attachment:
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachments": f"{upload.name}: larger than 10 MB."})
    head = upload.read(16)
    upload.seek(0)
    signatures = ATTACHMENT_SIGNATURES.get(upload.content_type or "")
    if not signatures or not head.startswith(signatures):
        raise ValidationError(
            {"attachments": f"{upload.name}: only JPEG, PNG, WebP photos and PDF documents."}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        report=report,
        original_name=upload.name or "attachment",
        content_type=upload.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    attachment.file.save(attachment.sha256, upload, save=False)
    attachment.save()
    return attachment


def _move(report: FieldReport, *, to: str, actor: Any, reason: str = "") -> FieldReport:
    if (report.status, to) not in REVIEW_TRANSITIONS:
        raise ValidationError(
            {
                "status": _("A %(status)s report cannot become %(to)s.")
                % {"status": report.status, "to": to}
            }
        )
    ReportTransition.objects.create(
        report=report, from_status=report.status, to_status=to, actor=actor, reason=reason
    )
    report.status = to
    report.save(update_fields=["status", "updated_at"])
    return report


def can_review(user: Any, report: FieldReport) -> bool:
    """Analysts and supervisors of the owning organisation review its reports."""
    return report.owner_org_id in organisations_with_role(user, REVIEWER_ROLES)


def _require_reviewer(user: Any, report: FieldReport) -> None:
    if not can_review(user, report):
        raise PermissionDenied(_("Only analysts of the owning organisation review this report."))


@transaction.atomic
def start_review(*, report: FieldReport, actor: Any) -> FieldReport:
    """An analyst takes a submitted report into review."""
    _require_reviewer(actor, report)
    return _move(report, to=ReviewStatus.UNDER_REVIEW, actor=actor)


@transaction.atomic
def request_more_information(*, report: FieldReport, actor: Any, reason: str) -> FieldReport:
    """Send a report back to its monitor with a question; it can be amended and resubmitted."""
    _require_reviewer(actor, report)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what information is needed.")})
    return _move(report, to=ReviewStatus.NEEDS_INFO, actor=actor, reason=reason)


@transaction.atomic
def reject_report(*, report: FieldReport, actor: Any, reason: str) -> FieldReport:
    """Refuse a report. It stays on record with the reason; it never becomes an event."""
    _require_reviewer(actor, report)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the report is rejected.")})
    return _move(report, to=ReviewStatus.REJECTED, actor=actor, reason=reason)


@transaction.atomic
def resubmit_report(*, report: FieldReport, actor: Any, data: ReportInput) -> FieldReport:
    """The monitor amends a report sent back for more information and submits it again."""
    if report.monitor_id != actor.pk:
        raise PermissionDenied(_("Only the monitor who filed a report amends it."))
    validate_report_input(data)
    for name, value in data.fields().items():
        setattr(report, name, value)
    report.save()
    return _move(report, to=ReviewStatus.SUBMITTED, actor=actor, reason="amended")


@transaction.atomic
def verify_report(
    *,
    report: FieldReport,
    actor: Any,
    reliability: str,
    link_to: Event | None = None,
    reason: str = "",
) -> FieldReport:
    """Verify a report: it becomes an Event (graded reliability + the monitor's credibility),
    or, when it describes an event already in the store, is linked to that event."""
    _require_reviewer(actor, report)
    if report.status in FINAL_STATUSES:
        raise ValidationError(
            {"status": _("This report is already %(status)s.") % {"status": report.status}}
        )
    report.reliability = reliability
    event = Event.objects.create(
        source=Source.FIELD_REPORT,
        source_id=str(report.pk),
        kind=EventKind.EVENT,
        raw={"field_report": report.pk, "channel": report.channel},
        content_hash=0,
        date_start=report.date_start,
        date_end=report.date_end,
        date_precision=report.date_precision,
        country_id=report.country_id,
        admin1_id=report.admin1_id,
        admin2_id=report.admin2_id,
        location=report.location,
        latitude=report.latitude,
        longitude=report.longitude,
        geo_precision=report.geo_precision,
        category=report.category,
        actor1=report.actor1,
        actor2=report.actor2,
        fatalities_low=report.fatalities,
        fatalities_best=report.fatalities,
        fatalities_high=report.fatalities,
        description=report.description,
        reliability=reliability,
        credibility=report.credibility,
        verification_status=VerificationStatus.VERIFIED,
        owner_org_id=report.owner_org_id,
        tlp=report.tlp,
    )
    if link_to is not None:
        _link(event, link_to, actor=actor)
    report.event = event
    report.save(update_fields=["reliability", "event", "updated_at"])
    return _move(report, to=ReviewStatus.VERIFIED, actor=actor, reason=reason)


def _link(event: Event, other: Event, *, actor: Any) -> EventLink:
    low, high = sorted([event, other], key=lambda e: e.pk)
    distance = None
    if None not in (low.latitude, low.longitude, high.latitude, high.longitude):
        distance = float(haversine_km(low.latitude, low.longitude, high.latitude, high.longitude))
    return EventLink.objects.create(
        event=low,
        other=high,
        rule=LinkRule.ANALYST,
        days_apart=abs((low.date_start - high.date_start).days),
        distance_km=distance,
        created_by=actor,
    )


def decide_report(
    *,
    report: FieldReport,
    actor: Any,
    to: str,
    reason: str = "",
    reliability: str | None = None,
    link_to_id: int | None = None,
) -> FieldReport:
    """One entry point for a reviewer's decision, shared by the API and the review page."""
    if to == ReviewStatus.UNDER_REVIEW:
        return start_review(report=report, actor=actor)
    if to == ReviewStatus.NEEDS_INFO:
        return request_more_information(report=report, actor=actor, reason=reason)
    if to == ReviewStatus.REJECTED:
        return reject_report(report=report, actor=actor, reason=reason)
    if to == ReviewStatus.VERIFIED:
        if not reliability:
            raise ValidationError({"reliability": _("Grade the source (A–F) to verify.")})
        from vigil.events.selectors import event_for

        link_to = event_for(actor, link_to_id) if link_to_id else None
        return verify_report(
            report=report, actor=actor, reliability=reliability, link_to=link_to, reason=reason
        )
    raise ValidationError({"to": _("Unknown decision %(to)r.") % {"to": to}})
