"""Observations in batches: CSV uploads and ODK Central / KoboToolbox exports.

The same contract as field report batches (`vigil.fieldreports.importing`): all or nothing,
one error per row and field, and idempotent — a row's key is its `key` column (or the ODK
instanceID), else a hash of the row, so the same file twice creates nothing.

Layout: one row per observation with the columns `indicator_set, country, admin1, period,
period_start, notes, tlp` (and optional `key`), plus one column per indicator code holding
its value; a `<code>_notes` column annotates that indicator.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from vigil.fieldreports.choices import Channel
from vigil.fieldreports.importing import (
    BatchError,
    BatchRejected,
    BatchReport,
    flatten_submission,
    submissions_of,
)
from vigil.geo.models import Country
from vigil.geo.services import get_or_create_admin_area
from vigil.indicators.services import submit_observation
from vigil.sharing.choices import TLP

# ODK and Kobo bookkeeping fields: never indicator values.
SUBMISSION_META = {"instanceID", "deprecatedID", "rootUuid", "instanceName", "uuid", "start",
                   "end", "today", "deviceid", "version", "meta"}  # fmt: skip
FIXED_COLUMNS = [
    "key",
    "indicator_set",
    "country",
    "admin1",
    "period",
    "period_start",
    "notes",
    "tlp",
]


def _submit_row(
    values: dict[str, str],
    *,
    where: str,
    monitor: Any,
    channel: str,
    organisation_id: int | None,
    errors: list[BatchError],
) -> bool | None:
    """Submit one row in a savepoint; record its errors. Returns created, or None if refused."""
    found: list[BatchError] = []
    start_text = (values.get("period_start") or "").strip()
    try:
        period_start = dt.date.fromisoformat(start_text[:10])
    except ValueError:
        found.append(BatchError(where, "period_start", f"not a date (YYYY-MM-DD): {start_text!r}"))
    scores: dict[str, int] = {}
    notes: dict[str, str] = {}
    for column, text in values.items():
        text = (text or "").strip()
        if column in FIXED_COLUMNS or not text:
            continue
        if column.endswith("_notes"):
            notes[column.removesuffix("_notes")] = text
            continue
        try:
            scores[column] = int(text)
        except ValueError:
            found.append(BatchError(where, f"values.{column}", f"not a whole number: {text!r}"))
    if found:
        errors.extend(found)
        return None
    country = (values.get("country") or "").strip().upper()
    key = (values.get("key") or "").strip() or "batch:" + hashlib.sha256(
        json.dumps(values, sort_keys=True).encode()
    ).hexdigest()[:40]
    try:
        with transaction.atomic():
            admin1 = (values.get("admin1") or "").strip()
            _, created = submit_observation(
                monitor=monitor,
                indicator_set=(values.get("indicator_set") or "").strip(),
                country_id=country,
                admin1_id=(
                    get_or_create_admin_area(country_id=country, level=1, name=admin1).pk
                    if admin1 and Country.objects.filter(pk=country).exists()
                    else None
                ),
                period=(values.get("period") or "").strip(),
                period_start=period_start,
                values=scores,
                value_notes=notes,
                notes=(values.get("notes") or "").strip(),
                tlp=(values.get("tlp") or "").strip().upper() or TLP.AMBER,
                channel=channel,
                idempotency_key=key,
                organisation_id=organisation_id,
            )
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"*": exc.messages}
        errors.extend(BatchError(where, f, " ".join(m)) for f, m in messages.items())
        return None
    return created


def _run(rows: list[tuple[str, dict[str, str]]], **context: Any) -> BatchReport:
    errors: list[BatchError] = []
    report = BatchReport()
    for where, values in rows:
        created = _submit_row(values, where=where, errors=errors, **context)
        if created is not None:
            report.created += created
            report.unchanged += not created
    if errors:
        raise BatchRejected(errors)  # the enclosing transaction undoes the accepted rows
    return report


@transaction.atomic
def import_observations_csv(
    *, monitor: Any, content: bytes, organisation_id: int | None = None
) -> BatchReport:
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig", errors="replace"), newline=""))
    rows: list[tuple[str, dict[str, str]]] = []
    errors: list[BatchError] = []
    previous_end = 1
    for values in reader:
        line = str(previous_end + 1)
        previous_end = reader.line_num
        if None in values:
            errors.append(BatchError(line, "*", "more fields than the header"))
            continue
        rows.append((line, values))
    if errors:
        raise BatchRejected(errors)
    return _run(rows, monitor=monitor, channel=Channel.CSV, organisation_id=organisation_id)


@transaction.atomic
def import_observation_submissions(
    *, payload: Any, monitor: Any, organisation_id: int | None = None
) -> BatchReport:
    """ODK Central / Kobo JSON of the observation form: fields named as the CSV columns."""
    rows = []
    for index, record in enumerate(submissions_of(payload), start=1):
        flat = flatten_submission(record)
        instance = str(flat.get("instanceID") or flat.get("__id") or flat.get("_uuid") or "")
        # ODK Central's __system block (submissionDate, submitterName, reviewState...) is
        # bookkeeping, never an indicator value.
        system = {name.rsplit("/", 1)[-1] for name in flat if name.startswith("__system/")}
        values = {
            name.rsplit("/", 1)[-1]: "" if value is None else str(value)
            for name, value in flat.items()
            if "/" not in name
            and not name.startswith("_")
            and name not in SUBMISSION_META
            and name not in system
        }
        values["key"] = values.get("key") or str(flat.get("rootUuid") or instance)
        rows.append((f"submission {index} ({instance or 'no instanceID'})", values))
    return _run(rows, monitor=monitor, channel=Channel.ODK, organisation_id=organisation_id)
