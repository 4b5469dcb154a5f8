"""Importing a source file into the event store: validate everything, then commit all or nothing.

The contract, the same for every source:
- every bad row is reported with its physical line, column and reason, and by default
  nothing is committed (`ImportRejected`); with `skip_invalid` the good rows are committed and
  the rejects are written, with their reasons, to a file. No row is dropped silently;
- re-importing a file changes nothing: rows are matched on (source, source_id) and compared
  by a hash of the raw record, so only new and changed rows are written.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from vigil.actors.services import ensure_data_publisher
from vigil.analytics.coverage import Scope
from vigil.bounds import COUNT_MAX
from vigil.events.choices import ImportStatus, Standing
from vigil.events.importers import IMPORTERS
from vigil.events.importers.base import EVENT_COLUMNS, Conversion, GeoLookup, Importer
from vigil.events.importers.fields import RowError
from vigil.events.importers.reading import RawTable
from vigil.events.models import Event, ImportRun
from vigil.events.services.bulk import insert_events
from vigil.events.services.coverage import record_coverage
from vigil.geo.models import AdminArea, Country
from vigil.geo.services import get_or_create_admin_area
from vigil.sharing.choices import TLP

Progress = Callable[[int, int], None]

# Event fields an import writes (everything but the keys and bookkeeping).
WRITTEN_FIELDS = [
    "kind", "raw", "content_hash", "import_run", "date_start", "date_end", "date_precision",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "category", "violence_type", "source_event_type", "source_sub_event_type", "actor1",
    "actor1_type", "actor2", "actor2_type", "fatalities_low", "fatalities_best",
    "fatalities_high", "civilian_deaths", "description", "reliability", "credibility",
    "verification_status", "updated_at",
]  # fmt: skip


@dataclass(frozen=True)
class LineError:
    """A refused row as the person who made the file will look for it: line, column, reason."""

    line: int
    column: str
    reason: str
    # Where the row sits in the parsed table, to copy it into a rejects file.
    position: int = field(default=-1, compare=False, repr=False)

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


# Reasons that mean "this code is not in the reference geography": when the geography is
# empty they are one mistake (it was never loaded), not thousands of bad rows.
COUNTRY_REASONS = (
    "unknown Gleditsch-Ward code",
    "unknown country",
    "unknown FIPS 10-4 country code",
)
NO_GEOGRAPHY_HINT = (
    "the reference geography is not loaded: run `vigil migrate` (or `vigil load_geography`) "
    "and import again"
)


@dataclass(frozen=True)
class ErrorGroup:
    """One reason given on many rows: a file with a systematic fault reads as one line, with
    how many rows it hit and where they start and end, not as thousands of identical lines."""

    column: str
    reason: str
    count: int
    first_line: int
    last_line: int
    hint: str = ""

    def __str__(self) -> str:
        if self.count == 1:
            text = f"line {self.first_line}: {self.column}: {self.reason}"
        else:
            text = (
                f"{self.count:,} rows, lines {self.first_line}-{self.last_line}: "
                f"{self.column}: {self.reason}"
            )
        return f"{text} (hint: {self.hint})" if self.hint else text


def group_errors(errors: list[LineError], *, geography_loaded: bool = True) -> list[ErrorGroup]:
    """Errors grouped by (column, reason), in the order of their first line."""
    groups: dict[tuple[str, str], list[int]] = {}
    for error in errors:
        entry = groups.setdefault((error.column, error.reason), [0, error.line, error.line])
        entry[0] += 1
        entry[1] = min(entry[1], error.line)
        entry[2] = max(entry[2], error.line)
    found = [
        ErrorGroup(
            column,
            reason,
            count,
            first,
            last,
            hint=NO_GEOGRAPHY_HINT
            if not geography_loaded and reason.startswith(COUNTRY_REASONS)
            else "",
        )
        for (column, reason), (count, first, last) in groups.items()
    ]
    return sorted(found, key=lambda g: (g.first_line, g.column))


@dataclass
class ImportReport:
    """What an import did, for the CLI, the API and the ImportRun row."""

    source: str
    file: str
    rows_read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    areas_created: int = 0
    status: str = ImportStatus.COMMITTED
    errors: list[LineError] = field(default_factory=list)
    rejects_path: str | None = None
    run_id: int | None = None
    seconds: float = 0.0
    # What the file covers, as recorded (`events.services.coverage`).
    coverage: list[str] = field(default_factory=list)

    def groups(self) -> list[ErrorGroup]:
        """The errors grouped by reason (see `ErrorGroup`), with hints where one applies."""
        return group_errors(self.errors, geography_loaded=Country.objects.exists())

    def summary(self) -> str:
        text = (
            f"{self.source} {self.file}: {self.rows_read} rows read, {self.new} new, "
            f"{self.changed} changed, {self.unchanged} unchanged, {self.rejected} rejected"
        )
        if self.status == ImportStatus.REJECTED:
            text += " — nothing committed"
        if self.rejects_path:
            text += f" (rejects written to {self.rejects_path})"
        return text


class ImportRejected(Exception):
    """Raised when any row is invalid and `skip_invalid` was not asked for: nothing committed."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(report.summary())


def load_geo_lookup() -> GeoLookup:
    from vigil.geo import selectors

    return GeoLookup(
        iso3=frozenset(selectors.countries_by_iso2().values()),
        by_iso2=selectors.countries_by_iso2(),
        by_gw=selectors.countries_by_gw(),
        by_fips=selectors.countries_by_fips(),
        by_name=selectors.countries_by_name(),
    )


def import_events(
    *,
    importer_key: str,
    path: Path | str,
    actor: Any = None,
    skip_invalid: bool = False,
    rejects_path: Path | str | None = None,
    progress: Progress | None = None,
    coverage_scope: Scope = "auto",
    accept: frozenset[str] = frozenset(),
) -> ImportReport:
    """Import one file of one source. Raises ImportRejected (nothing committed) on bad rows
    unless `skip_invalid`, and ImportFileError when the file as a whole cannot be read."""
    started = time.perf_counter()
    path = Path(path)
    importer: Importer = IMPORTERS[importer_key]()
    table = importer.read(path)
    return import_table(
        importer=importer,
        table=table,
        name=path.name,
        actor=actor,
        skip_invalid=skip_invalid,
        rejects_path=rejects_path,
        progress=progress,
        coverage_scope=coverage_scope,
        accept=accept,
        started=started,
    )


def import_table(
    *,
    importer: Importer,
    table: RawTable,
    name: str,
    actor: Any = None,
    skip_invalid: bool = False,
    rejects_path: Path | str | None = None,
    progress: Progress | None = None,
    coverage_scope: Scope = "auto",
    release: str | None = None,
    only_listed: bool = False,
    write_rejects: bool = True,
    accept: frozenset[str] = frozenset(),
    started: float | None = None,
) -> ImportReport:
    """Import a parsed table: a file's, or a page an API connector fetched. The same
    validation, reporting and upsert for both, so a row means the same by either road.

    ``only_listed`` compares with the stored events of the table's ids only (a page of a
    source, not the whole source); ``release`` names the release the coverage is recorded
    under when the name does not say it; ``write_rejects`` False leaves the rejected rows
    in the report only (a connector keeps them in the store for review)."""
    started = time.perf_counter() if started is None else started
    ids = importer.source_ids(table.frame)
    hashes = _content_hashes(table.frame)
    existing = _existing(importer.source, list(ids) if only_listed else None)
    known_pk = ids.map(existing["pk"]) if len(existing) else pd.Series(np.nan, index=ids.index)
    known_hash = ids.map(existing["content_hash"]) if len(existing) else known_pk
    unchanged = (known_hash == hashes).to_numpy().copy()
    # Only rows that are new or changed are validated and converted: a re-import of an
    # unchanged file costs a parse and a hash, not a conversion.
    todo = np.flatnonzero(~unchanged)
    subset = replace(table, frame=table.frame.iloc[todo].reset_index(drop=True))
    if len(todo):
        conversion = importer.convert(subset, load_geo_lookup())
    else:
        conversion = Conversion(pd.DataFrame(columns=EVENT_COLUMNS))
    events = conversion.events.set_axis(todo)
    converted = [
        RowError(int(todo[e.position]), e.column, e.reason)
        for e in [
            *conversion.errors,
            *_length_errors(conversion.events),
            *plausibility_errors(conversion.events, accept),
        ]
    ]
    errors = _all_errors(table, ids, converted)
    bad = sorted({e.position for e in errors})
    report = ImportReport(
        source=importer.source,
        file=name,
        rows_read=len(table.frame),
        rejected=len(bad),
        errors=_with_lines(table, errors),
    )
    if bad and not skip_invalid:
        report.status = ImportStatus.REJECTED
        report.run_id = _record_run(report, table, actor).pk
        report.seconds = time.perf_counter() - started
        raise ImportRejected(report)

    unchanged[bad] = False
    report.unchanged = int(unchanged.sum())
    good = events.drop(index=[p for p in bad if p in events.index])
    is_new = known_pk.loc[good.index].isna().to_numpy()
    with transaction.atomic():
        run = _record_run(report, table, actor)
        owner = ensure_data_publisher(slug=importer.publisher)
        report.areas_created = _resolve_areas(good)
        good = good.assign(
            content_hash=hashes[good.index],
            # object dtype: pandas would otherwise copy 1M JSON strings into an Arrow array.
            raw=pd.Series(_raw_json(table.frame.loc[good.index]), index=good.index, dtype=object),
            import_run_id=run.pk,
            owner_org_id=owner.pk,
            source=importer.source,
        )
        report.new = int(is_new.sum())
        report.changed = int((~is_new).sum())
        _write(good[is_new], good[~is_new], known_pk, progress=progress)
        report.coverage = [
            str(c)
            for c in record_coverage(
                events=good,
                source=importer.source,
                file_name=name,
                import_run=run,
                owner_id=owner.pk,
                scope=coverage_scope,
                release=release,
            )
        ]
        if len(good) >= STATISTICS_THRESHOLD:
            _refresh_statistics()
        if bad:
            report.status = ImportStatus.PARTIAL
            if write_rejects:
                # Beside the caller, not beside the source file: data folders are often
                # read-only.
                target = Path(rejects_path or Path.cwd() / f"{name}.rejects.csv")
                _write_rejects(target, table, report.errors)
                report.rejects_path = str(target)
        _finish_run(run, report)
    report.run_id = run.pk
    report.seconds = time.perf_counter() - started
    return report


# Plausibility checks a user may override (`vigil import --accept NAME`) once they have
# looked at the rows: values no source writes by accident, but a real file could hold.
FATALITIES_CEILING = COUNT_MAX
PLAUSIBILITY_CHECKS = frozenset({"high-fatalities", "coordinates"})


def plausibility_errors(
    events: pd.DataFrame, accept: frozenset[str] = frozenset()
) -> list[RowError]:
    """Rows that parse but cannot be right: deaths above the documented ceiling (the largest
    single events in UCDP GED are in the thousands), and coordinates that fall outside their
    country but inside it once latitude and longitude are exchanged (swapped columns)."""
    errors: list[RowError] = []
    if events.empty:
        return errors
    if "high-fatalities" not in accept:
        for column in ("fatalities_best", "fatalities_high"):
            values = pd.to_numeric(events[column], errors="coerce")
            for position in np.flatnonzero((values > FATALITIES_CEILING).fillna(False).to_numpy()):
                errors.append(RowError(int(position), column, (
                    f"{int(values.iloc[position]):,} deaths is above the plausibility ceiling of "
                    f"{FATALITIES_CEILING:,}; check the value, or import with "
                    "--accept high-fatalities"
                )))  # fmt: skip
    if "coordinates" not in accept:
        errors += _swapped_coordinates(events)
    return errors


def _swapped_coordinates(events: pd.DataFrame) -> list[RowError]:
    boxes = country_bboxes()
    if not boxes:
        return []
    lat = pd.to_numeric(events["latitude"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(events["longitude"], errors="coerce").to_numpy(dtype=float)
    box = np.array(
        [boxes.get(c, (np.nan,) * 4) for c in events["country_id"].astype(object)], dtype=float
    ).reshape(-1, 4)
    margin = 1.0

    def inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (
            (x >= box[:, 0] - margin) & (x <= box[:, 2] + margin)
            & (y >= box[:, 1] - margin) & (y <= box[:, 3] + margin)
        )  # fmt: skip

    with np.errstate(invalid="ignore"):
        swapped = ~inside(lon, lat) & inside(lat, lon)
    return [
        RowError(int(p), "latitude,longitude", (
            f"({lat[p]}, {lon[p]}) is outside {events['country_id'].iloc[p]} but inside it "
            "with latitude and longitude exchanged: are the columns swapped? Fix the file, "
            "or import with --accept coordinates"
        ))
        for p in np.flatnonzero(swapped)
    ]  # fmt: skip


def country_bboxes() -> dict[str, tuple[float, float, float, float]]:
    return {
        iso3: tuple(bbox)
        for iso3, bbox in Country.objects.exclude(bbox=None).values_list("iso3", "bbox")
        if bbox and len(bbox) == 4
    }


def _length_errors(events: pd.DataFrame) -> list[RowError]:
    """Values longer than their column allows: PostgreSQL would refuse the whole COPY."""
    errors = []
    for model_field in Event._meta.concrete_fields:
        limit = getattr(model_field, "max_length", None)
        if (
            not limit
            or model_field.attname not in events.columns
            or events[model_field.attname].dtype != object
        ):
            continue
        lengths = events[model_field.attname].map(lambda v: len(v) if isinstance(v, str) else 0)
        errors += [
            RowError(int(p), model_field.attname, f"longer than {limit} characters")
            for p in np.flatnonzero((lengths > limit).to_numpy())
        ]
    return errors


# After this many written rows the planner's statistics are stale enough to pick bad plans
# (seen: a country+date page at 206 ms instead of 0.8 ms after a 1M-row COPY).
STATISTICS_THRESHOLD = 10_000


def _refresh_statistics() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {Event._meta.db_table}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")


def _existing(source: str, ids: list[str] | None = None) -> pd.DataFrame:
    """(pk, content_hash) of the source's stored events, indexed by source id: all of them,
    or those of `ids` (a connector's page)."""
    if ids is not None:
        rows = list(
            Event.objects.filter(source=source, source_id__in=[i for i in ids if i])
            .order_by()
            .values_list("source_id", "pk", "content_hash")
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT source_id, id, content_hash FROM {Event._meta.db_table} WHERE source = %s",
                [source],
            )
            rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=["source_id", "pk", "content_hash"])
    return frame.set_index("source_id")


def _raw_json(raw: pd.DataFrame) -> list[str]:
    """Each source record as a JSON object of its fields, serialised by polars."""
    if raw.empty:
        return []
    return pl.from_pandas(raw).write_ndjson().split("\n")[: len(raw)]


def _write(
    new: pd.DataFrame, changed: pd.DataFrame, known_pk: pd.Series, *, progress: Progress | None
) -> None:
    total = len(new) + len(changed)
    if progress:
        progress(0, total)
    now = timezone.now()
    if len(new):
        rows = new.drop(columns=["admin1_name", "admin2_name"]).assign(
            tlp=TLP.CLEAR,
            created_at=now,
            updated_at=now,
            standing=Standing.CURRENT,
            superseded_by_id=None,
            withdrawn_at=None,
        )
        insert_events(rows, progress=(lambda done: progress(done, total)) if progress else None)
    if len(changed):
        _update(changed, known_pk, now=now)
        if progress:
            progress(total, total)


def _update(changed: pd.DataFrame, known_pk: pd.Series, *, now: Any) -> None:
    """Rewrite changed rows in place: same primary key, so links and shares stay valid."""
    columns = [c for c in changed.columns if c not in ("admin1_name", "admin2_name")]
    batch = []
    for position, values in zip(
        changed.index, changed[columns].itertuples(index=False, name=None), strict=True
    ):
        row = {c: _clean(v) for c, v in zip(columns, values, strict=True)}
        row["raw"] = json.loads(row["raw"])
        event = Event(pk=int(known_pk.loc[position]), **row)
        event.updated_at = now
        batch.append(event)
    Event.objects.bulk_update(batch, WRITTEN_FIELDS, batch_size=500)


def _all_errors(table: RawTable, ids: pd.Series, errors: list[RowError]) -> list[RowError]:
    """The importer's errors plus what only the whole file shows: unsplittable records, blank
    lines, and a source id given twice (which one would win is unknowable, so both are refused)."""
    # A record that could not be split, or a blank line, has no fields to judge: report it
    # once, as what it is, rather than as every required field being empty.
    whole = {p: reason for p, reason in table.malformed.items()}
    blank = (table.frame == "").all(axis=1).to_numpy()
    whole |= {int(p): "empty row" for p in np.flatnonzero(blank) if int(p) not in whole}
    found = [e for e in errors if e.position not in whole]
    found += [RowError(p, "*", reason) for p, reason in whole.items()]
    repeated = ids.duplicated(keep=False) & (ids != "")
    found += [
        RowError(int(p), "source_id", f"id {ids.iloc[p]!r} appears more than once in the file")
        for p in np.flatnonzero(repeated.to_numpy())
    ]
    return found


def _with_lines(table: RawTable, errors: list[RowError]) -> list[LineError]:
    lines = [LineError(table.line_of(e.position), e.column, e.reason, e.position) for e in errors]
    return sorted(lines, key=lambda e: (e.line, e.column))


def _record_run(report: ImportReport, table: RawTable, actor: Any) -> ImportRun:
    return ImportRun.objects.create(
        source=report.source,
        file_name=report.file,
        file_sha256=table.sha256,
        status=report.status,
        rows_read=report.rows_read,
        rows_rejected=report.rejected,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        finished_at=timezone.now() if report.status == ImportStatus.REJECTED else None,
    )


def _finish_run(run: ImportRun, report: ImportReport) -> None:
    run.status = report.status
    run.rows_new = report.new
    run.rows_changed = report.changed
    run.rows_unchanged = report.unchanged
    run.finished_at = timezone.now()
    run.save()


def _resolve_areas(events: pd.DataFrame) -> int:
    """Turn admin1/admin2 names into AdminArea ids (`admin1_id`, `admin2_id` columns), creating
    the areas a source names for the first time. Returns how many were created."""
    events["admin1_id"] = None
    events["admin2_id"] = None
    before = AdminArea.objects.count()
    named1 = events[(events["admin1_name"] != "") & events["country_id"].notna()]
    admin1: dict[tuple[str, str], int] = {}
    for country, name in (
        named1[["country_id", "admin1_name"]].drop_duplicates().itertuples(index=False)
    ):
        area = get_or_create_admin_area(country_id=country, level=1, name=name)
        admin1[(country, name)] = area.pk
    if admin1:
        keys = list(zip(named1["country_id"], named1["admin1_name"], strict=True))
        events.loc[named1.index, "admin1_id"] = [admin1[k] for k in keys]
    named2 = events[(events["admin2_name"] != "") & events["admin1_id"].notna()]
    admin2: dict[tuple[str, int, str], int] = {}
    for country, parent, name in (
        named2[["country_id", "admin1_id", "admin2_name"]].drop_duplicates().itertuples(index=False)
    ):
        area = get_or_create_admin_area(
            country_id=country, level=2, name=name, parent=AdminArea(pk=parent)
        )
        admin2[(country, parent, name)] = area.pk
    if admin2:
        keys2 = zip(named2["country_id"], named2["admin1_id"], named2["admin2_name"], strict=True)
        events.loc[named2.index, "admin2_id"] = [admin2[k] for k in keys2]
    return AdminArea.objects.count() - before


def _content_hashes(raw: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash per raw record: equal hashes mean an unchanged row on re-import. The
    columns are taken by name, in name order: a file whose columns moved is unchanged, one
    whose headers were swapped (latitude under "longitude") is not."""
    ordered = raw[sorted(raw.columns)]
    hashed = pd.util.hash_pandas_object(ordered, index=False).to_numpy(dtype=np.uint64)
    return hashed.view(np.int64)


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _write_rejects(target: Path, table: RawTable, errors: list[LineError]) -> None:
    """One row per error: line, column, reason, and the record exactly as the file had it,
    so it can be fixed and imported again."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "column", "reason", "record"])
        for error in errors:
            writer.writerow(
                [error.line, error.column, error.reason, table.record_text(error.position)]
            )
