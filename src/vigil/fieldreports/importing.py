"""Field reports in batches: CSV uploads and ODK Central / KoboToolbox submission exports.

Both are all or nothing: every row is checked first and any bad row refuses the batch,
listing each with its line (CSV) or submission (ODK) and field. Both are idempotent:
- a CSV row's key is its `key` column, or else a hash of the row, so uploading the same
  file twice creates nothing;
- an ODK submission is identified by its root: `meta/rootUuid` when the form sends it, else
  by following `meta/deprecatedID` back to the instance it replaced. An edited submission
  therefore updates the report it edits instead of creating a second one.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from vigil.events.choices import Category, Credibility
from vigil.fieldreports.choices import FINAL_STATUSES, Channel
from vigil.fieldreports.models import FieldReport, ReportTransition
from vigil.fieldreports.services import (
    ReportInput,
    monitor_organisation,
    submit_report,
    validate_report_input,
)
from vigil.geo.models import Country
from vigil.geo.services import get_or_create_admin_area
from vigil.sharing.choices import TLP

CSV_COLUMNS = [
    "key", "date_start", "date_end", "country", "admin1", "location", "latitude", "longitude",
    "category", "actor1", "actor2", "fatalities", "injured", "description", "sources",
    "credibility", "tlp",
]  # fmt: skip
REQUIRED = ["date_start", "country", "category", "description", "credibility"]


@dataclass(frozen=True)
class BatchError:
    """A refused row: where it is (line or submission), which field, and why."""

    where: str
    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"line": self.where, "field": self.field, "reason": self.reason}


@dataclass
class BatchReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[BatchError] = field(default_factory=list)


class BatchRejected(Exception):
    """Some rows are invalid: nothing was saved."""

    def __init__(self, errors: list[BatchError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); nothing was saved")


def _input_from(values: dict[str, str], where: str, errors: list[BatchError]) -> ReportInput | None:
    """Turn one row of strings into a ReportInput, recording every problem it has."""
    found: list[BatchError] = []
    clean: dict[str, Any] = {}
    for name in REQUIRED:
        if not (values.get(name) or "").strip():
            found.append(BatchError(where, name, "is required"))
    for name in ("date_start", "date_end"):
        text = (values.get(name) or "").strip()
        if text:
            try:
                clean[name] = dt.date.fromisoformat(text[:10])
            except ValueError:
                found.append(BatchError(where, name, f"not a date (YYYY-MM-DD): {text!r}"))
    for name in ("latitude", "longitude"):
        text = (values.get(name) or "").strip()
        if text:
            try:
                clean[name] = float(text)
            except ValueError:
                found.append(BatchError(where, name, f"not a number: {text!r}"))
    for name in ("fatalities", "injured", "credibility"):
        text = (values.get(name) or "").strip()
        if text:
            try:
                clean[name] = int(text)
                if clean[name] < 0:
                    raise ValueError
            except ValueError:
                found.append(BatchError(where, name, f"not a whole number ≥ 0: {text!r}"))
    if "credibility" in clean and clean["credibility"] not in Credibility.values:
        found.append(BatchError(where, "credibility", "must be 1 to 6 (Admiralty)"))
    category = (values.get("category") or "").strip()
    if category and category not in Category.values:
        found.append(BatchError(where, "category", f"unknown category {category!r}"))
    tlp = (values.get("tlp") or "").strip().upper() or TLP.AMBER
    if tlp not in TLP.values:
        found.append(BatchError(where, "tlp", f"unknown TLP mark {tlp!r}"))
    country = (values.get("country") or "").strip().upper()
    if country and not Country.objects.filter(pk=country).exists():
        found.append(BatchError(where, "country", f"unknown ISO alpha-3 code {country!r}"))
    if found:
        errors.extend(found)
        return None
    admin1_name = (values.get("admin1") or "").strip()
    data = ReportInput(
        date_start=clean["date_start"],
        date_end=clean.get("date_end"),
        country_id=country,
        admin1_id=(
            get_or_create_admin_area(country_id=country, level=1, name=admin1_name).pk
            if admin1_name
            else None
        ),
        location=(values.get("location") or "").strip(),
        latitude=clean.get("latitude"),
        longitude=clean.get("longitude"),
        category=category,
        actor1=(values.get("actor1") or "").strip(),
        actor2=(values.get("actor2") or "").strip(),
        fatalities=clean.get("fatalities", 0),
        injured=clean.get("injured", 0),
        description=(values.get("description") or "").strip(),
        sources=(values.get("sources") or "").strip(),
        credibility=clean["credibility"],
        tlp=tlp,
    )
    try:
        validate_report_input(data)
    except ValidationError as exc:
        errors.extend(
            BatchError(where, name, " ".join(messages))
            for name, messages in exc.message_dict.items()
        )
        return None
    return data


@transaction.atomic
def import_reports_csv(
    *, monitor: Any, content: bytes, organisation_id: int | None = None
) -> BatchReport:
    """A monitor's CSV of reports (columns in CSV_COLUMNS; `key` optional)."""
    monitor_organisation(monitor, organisation_id)  # refuse non-monitors before reading
    text = content.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    unknown = set(reader.fieldnames or []) - set(CSV_COLUMNS)
    if unknown or not reader.fieldnames:
        raise BatchRejected(
            [BatchError("1", ",".join(sorted(unknown)) or "*", f"expected columns {CSV_COLUMNS}")]
        )
    errors: list[BatchError] = []
    rows: list[tuple[str, ReportInput]] = []
    previous_end = 1
    for values in reader:
        line = str(previous_end + 1)
        previous_end = reader.line_num
        if None in values:
            errors.append(BatchError(line, "*", "more fields than the header"))
            continue
        data = _input_from(values, line, errors)
        if data is not None:
            key = (values.get("key") or "").strip() or "csv:" + hashlib.sha256(
                json.dumps(values, sort_keys=True).encode()
            ).hexdigest()[:40]
            rows.append((key, data))
    if errors:
        raise BatchRejected(errors)
    report = BatchReport()
    for key, data in rows:
        _, created = submit_report(
            monitor=monitor,
            data=data,
            channel=Channel.CSV,
            idempotency_key=key,
            organisation_id=organisation_id,
        )
        report.created += created
        report.unchanged += not created
    return report


# -- ODK Central / KoboToolbox -------------------------------------------------------------


def flatten_submission(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """ODK Central nests groups as objects, Kobo flattens them as "group/field": key every
    value by its last path segment, keeping the full path too."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict) and "coordinates" not in value:  # GeoJSON stays a value
            flat |= flatten_submission(value, path)
        else:
            flat[path] = value
            flat.setdefault(path.rsplit("/", 1)[-1], value)
    return flat


def _geopoint(value: Any) -> tuple[str, str]:
    """ODK geopoint "lat lon alt acc" (or GeoJSON from Central's OData) -> (lat, lon)."""
    if isinstance(value, dict) and value.get("coordinates"):
        lon, lat = value["coordinates"][:2]
        return str(lat), str(lon)
    parts = str(value or "").split()
    return (parts[0], parts[1]) if len(parts) >= 2 else ("", "")


def submissions_of(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict):
        for key in ("value", "results"):  # Central OData / Kobo API
            if isinstance(payload.get(key), list):
                return payload[key]
    if isinstance(payload, list):
        return payload
    raise BatchRejected([BatchError("*", "*", "not an ODK Central or KoboToolbox JSON export")])


@dataclass
class _Submission:
    where: str
    instance_id: str
    root_uuid: str
    deprecated_id: str
    submitter: str
    data: ReportInput


@transaction.atomic
def import_odk_submissions(
    *, payload: Any, form_id: str, monitor: Any = None, organisation_id: int | None = None
) -> BatchReport:
    """Submissions of Vigil's incident form, exported from ODK Central or KoboToolbox.

    The monitor is the submission's submitter when a Vigil user has that username, else
    `monitor`. Edited submissions update their report while it is still under review;
    a decided report is never rewritten (the edit is refused with its reason).
    """
    errors: list[BatchError] = []
    parsed: list[_Submission] = []
    for index, record in enumerate(submissions_of(payload), start=1):
        flat = flatten_submission(record)
        instance_id = str(flat.get("instanceID") or flat.get("__id") or flat.get("_uuid") or "")
        where = f"submission {index} ({instance_id or 'no instanceID'})"
        if not instance_id:
            errors.append(BatchError(where, "meta/instanceID", "is required"))
            continue
        latitude, longitude = _geopoint(flat.get("location_gps") or flat.get("gps"))
        values = {name: flat.get(name) for name in CSV_COLUMNS}
        values = {k: "" if v is None else str(v) for k, v in values.items()}
        values["latitude"] = values["latitude"] or latitude
        values["longitude"] = values["longitude"] or longitude
        values["date_start"] = values["date_start"] or str(flat.get("incident_date") or "")
        data = _input_from(values, where, errors)
        if data is None:
            continue
        system = record.get("__system") or {}
        parsed.append(
            _Submission(
                where=where,
                instance_id=instance_id,
                root_uuid=str(flat.get("rootUuid") or ""),
                deprecated_id=str(flat.get("deprecatedID") or ""),
                submitter=str(system.get("submitterName") or flat.get("_submitted_by") or ""),
                data=data,
            )
        )
    if errors:
        raise BatchRejected(errors)
    report = BatchReport()
    users = get_user_model().objects
    for submission in parsed:
        author = (
            users.filter(username=submission.submitter).first() if submission.submitter else None
        )
        author = author or monitor
        if author is None:
            errors.append(
                BatchError(submission.where, "submitter", "no Vigil monitor to file it as")
            )
            continue
        existing = _existing_report(form_id, submission)
        if existing is None:
            _, created = submit_report(
                monitor=author,
                data=submission.data,
                channel=Channel.ODK,
                organisation_id=organisation_id,
                odk={
                    "form_id": form_id,
                    "root_uuid": submission.root_uuid or submission.instance_id,
                    "instance_id": submission.instance_id,
                },
            )
            report.created += created
        elif existing.odk_instance_id == submission.instance_id:
            report.unchanged += 1
        elif existing.status in FINAL_STATUSES:
            errors.append(
                BatchError(submission.where, "meta/deprecatedID",
                           f"edits report #{existing.pk}, which is already {existing.status}")
            )  # fmt: skip
        else:
            _apply_edit(existing, submission, actor=author)
            report.updated += 1
    if errors:
        raise BatchRejected(errors)  # rolls back everything written above
    return report


def _existing_report(form_id: str, submission: _Submission) -> FieldReport | None:
    reports = FieldReport.objects.filter(odk_form_id=form_id)
    if submission.root_uuid:
        found = reports.filter(odk_root_uuid=submission.root_uuid).first()
        if found:
            return found
    if submission.deprecated_id:
        found = reports.filter(odk_instance_id=submission.deprecated_id).first()
        if found:
            return found
    return reports.filter(odk_root_uuid=submission.instance_id).first()


def _apply_edit(report: FieldReport, submission: _Submission, *, actor: Any) -> None:
    for name, value in submission.data.fields().items():
        setattr(report, name, value)
    report.odk_instance_id = submission.instance_id
    report.save()
    ReportTransition.objects.create(
        report=report,
        from_status=report.status,
        to_status=report.status,
        actor=actor,
        reason=f"edited in ODK: {submission.deprecated_id or '?'} → {submission.instance_id}",
    )
