"""Import of partner CAP 1.2 alerts: each message parsed safely, validated against the
official schema, and stored whole or not at all.

A message is named by sender + identifier + sent: importing it again changes nothing. A
batch (`import_cap_files`) is checked in full before anything is written, and by default
commits all of its messages or none, reporting every refused file with its reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.alerts.cap import CapMessage, CapRejected, format_cap_datetime, parse_cap
from vigil.alerts.choices import AlertSource, AlertStatus, MsgType, Scope
from vigil.alerts.models import Alert, AlertArea, AlertInfo, AlertTransition
from vigil.alerts.services import author_organisation
from vigil.geo.models import Country, RegionalOrganisation
from vigil.sharing.choices import TLP

# CAP scope to TLP mark when the importer does not choose one: a public alert is public.
SCOPE_TLP = {Scope.PUBLIC: TLP.CLEAR, Scope.RESTRICTED: TLP.AMBER, Scope.PRIVATE: TLP.AMBER_STRICT}
STATUS_FOR_MSG_TYPE = {
    MsgType.ALERT: AlertStatus.ISSUED,
    MsgType.UPDATE: AlertStatus.UPDATED,
    MsgType.CANCEL: AlertStatus.CANCELLED,
}
_ISO3_NAMES = {"iso3", "iso 3166-1 alpha-3", "iso3166-1-alpha-3", "country"}


@dataclass
class ImportedAlert:
    alert: Alert
    created: bool


@dataclass
class CapImportReport:
    """What a batch import did: messages created, already known, and files refused."""

    created: list[Alert] = field(default_factory=list)
    unchanged: list[Alert] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": [a.pk for a in self.created],
            "unchanged": [a.pk for a in self.unchanged],
            "rejected": self.rejected,
        }


def _countries_of(message: CapMessage, given: list[str] | None) -> list[str]:
    codes = {c.upper() for c in given or []}
    for info in message.infos:
        for area in info.areas:
            for code in area.geocodes:
                if code["valueName"].strip().lower() in _ISO3_NAMES:
                    codes.add(code["value"].strip().upper())
    return sorted(set(Country.objects.filter(pk__in=codes).values_list("pk", flat=True)))


def _existing(message: CapMessage) -> Alert | None:
    """The stored alert this very message already went into (as its first message or as a
    later update), or None. The same sender and identifier with another `sent` is refused."""
    step = (
        AlertTransition.objects.filter(sender=message.sender, identifier=message.identifier)
        .select_related("alert")
        .first()
    )
    alert = step.alert if step else None
    known_sent = step.sent if step else None
    if alert is None:
        alert = Alert.objects.filter(sender=message.sender, identifier=message.identifier).first()
        known_sent = alert.sent if alert else None
    if alert is None:
        return None
    if known_sent and format_cap_datetime(known_sent) != format_cap_datetime(message.sent):
        raise CapRejected(
            f"{message.sender} already sent a message {message.identifier} at "
            f"{format_cap_datetime(known_sent)}; a CAP identifier names one message only."
        )
    return alert


def _referenced_alert(message: CapMessage) -> Alert | None:
    """For an Update or Cancel, the imported alert whose earlier message it references."""
    if message.msg_type not in (MsgType.UPDATE, MsgType.CANCEL) or not message.references:
        return None
    for reference in reversed(message.references.split()):
        parts = reference.split(",")
        if len(parts) < 2:
            continue
        step = (
            AlertTransition.objects.filter(
                sender=parts[0], identifier=parts[1], alert__source=AlertSource.IMPORTED
            )
            .select_related("alert")
            .order_by("-at", "-pk")
            .first()
        )
        if step is not None:
            return step.alert
    return None


def _header_fields(message: CapMessage) -> dict[str, Any]:
    first = message.infos[0] if message.infos else None
    expiries = [i.expires for i in message.infos if i.expires]
    onsets = [i.onset for i in message.infos if i.onset]
    return {
        "identifier": message.identifier,
        "sender": message.sender,
        "sent": message.sent,
        "cap_status": message.status,
        "msg_type": message.msg_type,
        "scope": message.scope,
        "restriction": message.restriction,
        "addresses": message.addresses,
        "note": message.note,
        "references": message.references,
        "incidents": message.incidents,
        "category": first.category if first else "Other",
        "event": ((first.event if first else "") or message.identifier)[:255],
        "response_type": first.response_type if first else "",
        "urgency": first.urgency if first else "Unknown",
        "severity": first.severity if first else "Unknown",
        "certainty": first.certainty if first else "Unknown",
        "sender_name": (first.sender_name if first else "")[:255],
        "web": (first.web if first else "")[:200],
        "onset": min(onsets) if onsets else None,
        "expires": max(expiries) if expiries else None,
        "raw_cap": message.raw,
    }


def _write_texts_and_areas(alert: Alert, message: CapMessage) -> None:
    alert.infos.all().delete()
    AlertInfo.objects.bulk_create(
        AlertInfo(
            alert=alert,
            language=info.language[:35],
            event=info.event[:255],
            headline=(info.headline or info.event)[:300],
            description=info.description,
            instruction=info.instruction,
            contact=info.contact[:300],
        )
        for info in message.infos
    )
    # Areas are kept once each even when several <info> blocks repeat them.
    alert.areas.all().delete()
    seen: set[tuple] = set()
    areas = []
    for info in message.infos:
        for area in info.areas:
            key = (area.description, repr(area.polygons), repr(area.circles), repr(area.geocodes))
            if key not in seen:
                seen.add(key)
                areas.append(
                    AlertArea(
                        alert=alert,
                        description=area.description[:500],
                        polygons=area.polygons,
                        circles=area.circles,
                        geocodes=area.geocodes,
                        altitude=area.altitude,
                        ceiling=area.ceiling,
                    )
                )
    AlertArea.objects.bulk_create(areas)


def _record_message(
    alert: Alert, message: CapMessage, *, from_status: str, actor: Any, now: dt.datetime
) -> None:
    """The transition of an imported message, and expiry if it arrived already expired."""
    status = alert.status
    AlertTransition.objects.create(
        alert=alert,
        from_status=from_status,
        to_status=status,
        actor=actor,
        note=f"Imported CAP {message.msg_type} from {message.sender}.",
        msg_type=message.msg_type,
        identifier=message.identifier,
        sender=message.sender,
        sent=message.sent,
    )
    if status != AlertStatus.CANCELLED and alert.expires and alert.expires <= now:
        Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.EXPIRED)
        alert.status = AlertStatus.EXPIRED
        AlertTransition.objects.create(
            alert=alert,
            from_status=status,
            to_status=AlertStatus.EXPIRED,
            actor=None,
            note="Had already expired when it was imported.",
        )


def _store(
    message: CapMessage,
    *,
    actor: Any,
    organisation_id: int,
    tlp: str | None,
    region_id: str | None,
    country_ids: list[str] | None,
    now: dt.datetime,
) -> Alert:
    """A new imported alert, or — for an Update or Cancel of an alert imported earlier — the
    same alert moved on, so a partner's cancellation takes its alert out of the feeds."""
    status = STATUS_FOR_MSG_TYPE.get(message.msg_type, AlertStatus.ISSUED)
    earlier = _referenced_alert(message)
    if earlier is not None and earlier.sent and message.sent <= earlier.sent:
        # A late arrival: a newer message of this alert is already applied. Keep the record
        # of the message, not its (older) content.
        AlertTransition.objects.create(
            alert=earlier,
            from_status=earlier.status,
            to_status=earlier.status,
            actor=actor,
            note=f"Imported CAP {message.msg_type} from {message.sender}, older than the "
            "message already applied; content not changed.",
            msg_type=message.msg_type,
            identifier=message.identifier,
            sender=message.sender,
            sent=message.sent,
        )
        return earlier
    if earlier is not None:
        from_status = earlier.status
        for name, value in _header_fields(message).items():
            setattr(earlier, name, value)
        earlier.status = status
        earlier.save()
        countries = set(earlier.countries.values_list("pk", flat=True))
        earlier.countries.set(sorted(countries | set(_countries_of(message, country_ids))))
        _write_texts_and_areas(earlier, message)
        _record_message(earlier, message, from_status=from_status, actor=actor, now=now)
        return earlier
    alert = Alert.objects.create(
        owner_org_id=organisation_id,
        tlp=tlp or SCOPE_TLP.get(message.scope, TLP.AMBER),
        status=status,
        issued_at=message.sent,
        region_id=region_id,
        source=AlertSource.IMPORTED,
        created_by=actor,
        **_header_fields(message),
    )
    alert.countries.set(_countries_of(message, country_ids))
    _write_texts_and_areas(alert, message)
    _record_message(alert, message, from_status="", actor=actor, now=now)
    return alert


def _check_options(region_id: str | None, tlp: str | None) -> None:
    if region_id and not RegionalOrganisation.objects.filter(pk=region_id).exists():
        raise ValidationError({"region": f"No regional organisation {region_id}."})
    if tlp and tlp not in TLP.values:
        raise ValidationError({"tlp": f"Not a TLP mark: {tlp}."})


def import_cap(
    data: bytes,
    *,
    actor: Any,
    organisation_id: int | None = None,
    tlp: str | None = None,
    region_id: str | None = None,
    country_ids: list[str] | None = None,
) -> ImportedAlert:
    """Import one partner CAP message; `CapRejected` says why one is refused. Re-importing
    the same message (sender, identifier, sent) returns the stored alert unchanged."""
    owner = author_organisation(actor, organisation_id)
    return _import_one(
        data, actor=actor, owner=owner, tlp=tlp, region_id=region_id, country_ids=country_ids
    )


def import_cap_from_feed(
    data: bytes,
    *,
    organisation_id: int,
    tlp: str | None = None,
    region_id: str | None = None,
    country_ids: list[str] | None = None,
) -> ImportedAlert:
    """One CAP message a configured partner feed published (`events.connectors.cap`). The
    platform admin who configured the feed chose the receiving organisation, so no
    analyst's role is checked; the message itself is parsed and validated as any other,
    and a message already stored is returned unchanged."""
    return _import_one(
        data, actor=None, owner=organisation_id, tlp=tlp, region_id=region_id,
        country_ids=country_ids,
    )  # fmt: skip


def _import_one(
    data: bytes,
    *,
    actor: Any,
    owner: int,
    tlp: str | None,
    region_id: str | None,
    country_ids: list[str] | None,
) -> ImportedAlert:
    """Parse, validate and store one message once, for whoever vouched for its owner."""
    _check_options(region_id, tlp)
    message = parse_cap(data)
    with transaction.atomic():
        existing = _existing(message)
        if existing is not None:
            return ImportedAlert(existing, False)
        alert = _store(
            message,
            actor=actor,
            organisation_id=owner,
            tlp=tlp,
            region_id=region_id,
            country_ids=country_ids,
            now=timezone.now(),
        )
    return ImportedAlert(alert, True)


def import_cap_files(
    paths: list[Path],
    *,
    actor: Any,
    organisation_id: int | None = None,
    tlp: str | None = None,
    region_id: str | None = None,
    country_ids: list[str] | None = None,
    skip_invalid: bool = False,
) -> CapImportReport:
    """Import many CAP files. Every file is parsed and validated first; if any is refused
    nothing is saved unless `skip_invalid`, in which case the valid ones are."""
    owner = author_organisation(actor, organisation_id)
    _check_options(region_id, tlp)
    report = CapImportReport()
    parsed: list[tuple[Path, CapMessage]] = []
    for path in paths:
        try:
            parsed.append((path, parse_cap(Path(path).read_bytes())))
        except CapRejected as exc:
            report.rejected.append({"file": str(path), "reason": exc.reason, "errors": exc.errors})
        except OSError as exc:
            report.rejected.append({"file": str(path), "reason": f"Cannot read: {exc}"})
    if report.rejected and not skip_invalid:
        return report
    now = timezone.now()
    with transaction.atomic():
        seen: dict[tuple[str, str], Alert] = {}
        for path, message in parsed:
            try:
                existing = seen.get((message.sender, message.identifier)) or _existing(message)
            except CapRejected as exc:
                report.rejected.append(
                    {"file": str(path), "reason": exc.reason, "errors": exc.errors}
                )
                continue
            if existing is not None:
                report.unchanged.append(existing)
                continue
            alert = _store(
                message,
                actor=actor,
                organisation_id=owner,
                tlp=tlp,
                region_id=region_id,
                country_ids=country_ids,
                now=now,
            )
            seen[(message.sender, message.identifier)] = alert
            if alert not in report.created:
                report.created.append(alert)
        if report.rejected and not skip_invalid:
            transaction.set_rollback(True)
            report.created = []
    return report
