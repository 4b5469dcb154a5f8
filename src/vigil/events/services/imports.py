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
import time
from collections.abc import Callable, Iterator
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
from vigil.events.importers.reading import ImportFileError, RawTable
from vigil.events.importers.streaming import NeedsExactReading, file_sha256, record_texts
from vigil.events.models import Event, ImportRun
from vigil.events.services.bulk import apply_staged, create_staging, insert_events, stage_events
from vigil.events.services.coverage import record_coverage
from vigil.geo.models import AdminArea, Country
from vigil.geo.services import get_or_create_admin_area
from vigil.sharing.choices import TLP

Progress = Callable[[int, int], None]


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
    """Import one file of one source, streamed in bounded batches. Raises ImportRejected
    (nothing committed) on bad rows unless `skip_invalid`, and ImportFileError when the file
    as a whole cannot be read."""
    started = time.perf_counter()
    path = Path(path)
    importer: Importer = IMPORTERS[importer_key]()
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    return _import(
        importer,
        _FileRows(importer, path),
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
    """Import a parsed table: a page an API connector fetched, or a file already in memory.
    The same validation, reporting and upsert as a streamed file, so a row means the same
    by either road.

    ``only_listed`` compares with the stored events of the table's ids only (a page of a
    source, not the whole source); ``release`` names the release the coverage is recorded
    under when the name does not say it; ``write_rejects`` False leaves the rejected rows
    in the report only (a connector keeps them in the store for review)."""
    return _import(
        importer,
        _TableRows(table),
        name=name,
        actor=actor,
        skip_invalid=skip_invalid,
        rejects_path=rejects_path,
        progress=progress,
        coverage_scope=coverage_scope,
        release=release,
        only_listed=only_listed,
        write_rejects=write_rejects,
        accept=accept,
        started=time.perf_counter() if started is None else started,
    )


class _FileRows:
    """A file read in batches; its rejected records are read back from it at the end."""

    def __init__(self, importer: Importer, path: Path) -> None:
        self.importer, self.path = importer, path
        self.sha256 = file_sha256(path)

    def batches(self, exact: bool) -> Iterator[RawTable]:
        return self.importer.batches(self.path, exact=exact)

    def texts(self, errors: list[LineError], starts: np.ndarray) -> dict[int, str]:
        # A record runs from its first line to the line before the next record starts.
        wanted = sorted({e.line for e in errors})
        following = np.searchsorted(starts, wanted, side="right")
        spans = {
            line: int(starts[i]) - 1 if i < len(starts) else 2**62
            for line, i in zip(wanted, following, strict=True)
        }
        return {line: text.rstrip("\n") for line, text in record_texts(self.path, spans).items()}


class _TableRows:
    """A table already in memory (an API page): one batch, its records at hand."""

    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.sha256 = table.sha256

    def batches(self, exact: bool) -> Iterator[RawTable]:
        yield self.table

    def texts(self, errors: list[LineError], starts: np.ndarray) -> dict[int, str]:
        return {e.line: self.table.record_text(e.position) for e in errors if e.position >= 0}


class _Rejected(Exception):
    """Leaves the import's transaction so that everything it wrote is rolled back."""


def _import(importer: Importer, rows: _FileRows | _TableRows, **options: Any) -> ImportReport:
    try:
        return _ImportPass(importer, rows, exact=False, **options).run()
    except NeedsExactReading:
        # Something only the csv module can place at its line: the pass was rolled back,
        # read the file again with it.
        return _ImportPass(importer, rows, exact=True, **options).run()


# Row states remembered per source id, to refuse an id given twice in the file whichever
# batches its rows fall in: what the first occurrence did must be undone.
_UNCHANGED, _NEW, _CHANGED, _BAD = range(4)


class _ImportPass:
    """One pass over the rows in batches, inside one transaction.

    New rows are written as their batch is converted (COPY on PostgreSQL); changed rows go
    to a staging table and are applied in one set-based UPDATE at the end, so that an id
    found twice can still be withdrawn. What the pass keeps between batches is bounded by
    the number of rows, not their size: each source id with its line and state, each row's
    start line (for the rejects file), the rows' country and dates (for coverage), and the
    errors."""

    def __init__(
        self,
        importer: Importer,
        rows: _FileRows | _TableRows,
        *,
        exact: bool,
        name: str,
        actor: Any,
        skip_invalid: bool,
        rejects_path: Path | str | None,
        progress: Progress | None,
        coverage_scope: Scope,
        accept: frozenset[str],
        started: float,
        release: str | None = None,
        only_listed: bool = False,
        write_rejects: bool = True,
    ) -> None:
        self.importer, self.rows, self.exact = importer, rows, exact
        self.name, self.actor, self.skip_invalid = name, actor, skip_invalid
        self.rejects_path, self.progress, self.coverage_scope = (
            rejects_path,
            progress,
            coverage_scope,
        )
        self.accept, self.started, self.release = accept, started, release
        self.only_listed, self.write_rejects = only_listed, write_rejects
        self.report = ImportReport(source=importer.source, file=name)
        self.seen: dict[str, int] = {}
        self.bad_rows = 0
        self.retract_new: list[str] = []
        self.retract_changed: list[str] = []
        self.starts: list[np.ndarray] = []
        self.spans: list[pd.DataFrame] = []
        self.areas: dict[tuple, int] = {}
        self.staged = False
        self.written = 0

    def run(self) -> ImportReport:
        report = self.report
        try:
            with transaction.atomic():
                self.run_row = _record_run(report, self.rows.sha256, self.actor)
                self.owner = ensure_data_publisher(slug=self.importer.publisher)
                self.geo = load_geo_lookup()
                areas_before = AdminArea.objects.count()
                self.existing = None if self.only_listed else _existing(self.importer.source)
                for table in self.rows.batches(self.exact):
                    self.take(table)
                if report.rejected and not self.skip_invalid:
                    raise _Rejected
                report.areas_created = AdminArea.objects.count() - areas_before
                self.finish()
        except _Rejected:
            report.errors.sort(key=lambda e: (e.line, e.column))
            report.status = ImportStatus.REJECTED
            report.new = report.changed = report.unchanged = 0
            report.run_id = _record_run(report, self.rows.sha256, self.actor).pk
            report.seconds = time.perf_counter() - self.started
            raise ImportRejected(report) from None
        report.run_id = self.run_row.pk
        report.seconds = time.perf_counter() - self.started
        return report

    def take(self, table: RawTable) -> None:
        """Judge one batch; write what is good, unless the import is already lost."""
        report = self.report
        base = report.rows_read
        frame = table.frame
        report.rows_read += len(frame)
        self.starts.append(
            np.asarray([table.line_of(p) for p in range(len(frame))], np.int64)
            if table.start_lines is None
            else table.start_lines
        )
        ids = self.importer.source_ids(frame)
        hashes = _content_hashes(frame)
        existing = _existing(self.importer.source, list(ids)) if self.only_listed else self.existing
        assert existing is not None
        if len(existing):
            known_pk = ids.map(existing["pk"])
            known_hash = ids.map(existing["content_hash"])
        else:
            known_pk = known_hash = pd.Series(np.nan, index=ids.index)
        unchanged = (known_hash == hashes).to_numpy().copy()
        # Only rows that are new or changed are validated and converted: a re-import of an
        # unchanged file costs a parse and a hash, not a conversion.
        todo = np.flatnonzero(~unchanged)
        subset = replace(table, frame=frame.iloc[todo].reset_index(drop=True))
        if len(todo):
            conversion = self.importer.convert(subset, self.geo)
        else:
            conversion = Conversion(pd.DataFrame(columns=EVENT_COLUMNS))
        events = conversion.events.set_axis(todo)
        converted = [
            RowError(int(todo[e.position]), e.column, e.reason)
            for e in [
                *conversion.errors,
                *_length_errors(conversion.events),
                *plausibility_errors(conversion.events, self.accept),
            ]
        ]
        errors = _all_errors(table, converted) + self._repeated(table, ids)
        bad = sorted({e.position for e in errors})
        report.errors += [
            LineError(table.line_of(e.position), e.column, e.reason, base + e.position)
            for e in errors
        ]
        report.rejected += len(bad)
        unchanged[bad] = False
        state = np.where(unchanged, _UNCHANGED, np.where(known_pk.isna(), _NEW, _CHANGED))
        state[bad] = _BAD
        self._remember(ids, table, state)
        report.unchanged += int(unchanged.sum())
        good = events.drop(index=[p for p in bad if p in events.index])
        if report.rejected and not self.skip_invalid:
            return  # nothing of this import will be committed: judge the rest, write nothing
        is_new = known_pk.loc[good.index].isna().to_numpy()
        self._resolve_areas(good)
        good = good.assign(
            content_hash=hashes[good.index],
            # object dtype: pandas would otherwise copy the JSON strings into an Arrow array.
            raw=pd.Series(_raw_json(frame.loc[good.index]), index=good.index, dtype=object),
            import_run_id=self.run_row.pk,
            owner_org_id=self.owner.pk,
            source=self.importer.source,
        )
        report.new += int(is_new.sum())
        report.changed += int((~is_new).sum())
        self._write(good[is_new], good[~is_new].assign(_known_pk=known_pk.loc[good.index[~is_new]]))
        self.spans.append(good[["country_id", "date_start", "date_end"]])

    def _repeated(self, table: RawTable, ids: pd.Series) -> list[RowError]:
        """A source id given twice, in this batch or an earlier one: which row would win is
        unknowable, so every row with it is refused, and what an earlier one did is undone."""
        errors: list[RowError] = []
        seen = self.seen
        for position, source_id in enumerate(ids.tolist()):
            if not source_id:
                continue
            previous = seen.get(source_id)
            if previous is None:
                seen[source_id] = -(position + 1)  # in this batch; its state is set below
                continue
            reason = f"id {source_id!r} appears more than once in the file"
            errors.append(RowError(position, "source_id", reason))
            if previous < 0:
                errors.append(RowError(-previous - 1, "source_id", reason))
            elif previous > 0:
                self._withdraw(source_id, previous, reason)
            seen[source_id] = 0  # known to be repeated
        return errors

    def _withdraw(self, source_id: str, remembered: int, reason: str) -> None:
        line, state = divmod(remembered, 4)
        self.report.errors.append(LineError(line, "source_id", reason))
        if state == _BAD:
            return
        self.report.rejected += 1
        if state == _UNCHANGED:
            self.report.unchanged -= 1
        elif state == _NEW:
            self.report.new -= 1
            self.retract_new.append(source_id)
        else:
            self.report.changed -= 1
            self.retract_changed.append(source_id)

    def _remember(self, ids: pd.Series, table: RawTable, state: np.ndarray) -> None:
        seen = self.seen
        for position, source_id in enumerate(ids.tolist()):
            if source_id and seen.get(source_id, 0) < 0:
                seen[source_id] = table.line_of(position) * 4 + int(state[position])

    def _write(self, new: pd.DataFrame, changed: pd.DataFrame) -> None:
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
            insert_events(rows)
        if len(changed):
            if not self.staged:
                create_staging()
                self.staged = True
            stage_events(
                changed.drop(columns=["admin1_name", "admin2_name"]).assign(updated_at=now)
            )
        self.written += len(new) + len(changed)
        if self.progress:
            self.progress(self.written, 0)

    def finish(self) -> None:
        """Undo what repeated ids did, apply the staged changes, record coverage."""
        report, run = self.report, self.run_row
        if self.retract_new:
            for chunk in _chunks(self.retract_new):
                Event.objects.filter(
                    source=self.importer.source, source_id__in=chunk, import_run=run
                ).delete()
        if self.staged:
            apply_staged(withdrawn=self.retract_changed)
        if self.progress:
            self.progress(self.written, self.written)
        report.errors.sort(key=lambda e: (e.line, e.column))
        spans = pd.concat(self.spans) if self.spans else pd.DataFrame(columns=["country_id"])
        if self.retract_new or self.retract_changed:
            withdrawn = set(self.retract_new) | set(self.retract_changed)
            spans = spans.iloc[0:0] if len(withdrawn) >= report.new + report.changed else spans
        report.coverage = [
            str(c)
            for c in record_coverage(
                events=spans,
                source=self.importer.source,
                file_name=self.name,
                import_run=run,
                owner_id=self.owner.pk,
                scope=self.coverage_scope,
                release=self.release,
            )
        ]
        if report.new + report.changed >= STATISTICS_THRESHOLD:
            _refresh_statistics()
        if report.rejected:
            report.status = ImportStatus.PARTIAL
            if self.write_rejects:
                # Beside the caller, not beside the source file: data folders are often
                # read-only.
                target = Path(self.rejects_path or Path.cwd() / f"{self.name}.rejects.csv")
                starts = np.concatenate(self.starts) if self.starts else np.zeros(0, np.int64)
                _write_rejects(target, report.errors, self.rows.texts(report.errors, starts))
                report.rejects_path = str(target)
        _finish_run(run, report)

    def _resolve_areas(self, events: pd.DataFrame) -> None:
        """Turn admin1/admin2 names into AdminArea ids (`admin1_id`, `admin2_id` columns),
        creating the areas a source names for the first time; each name is looked up once
        per import, whichever batches it appears in."""
        events["admin1_id"] = None
        events["admin2_id"] = None
        named1 = events[(events["admin1_name"] != "") & events["country_id"].notna()]
        for country, name in (
            named1[["country_id", "admin1_name"]].drop_duplicates().itertuples(index=False)
        ):
            if (country, name) not in self.areas:
                area = get_or_create_admin_area(country_id=country, level=1, name=name)
                self.areas[(country, name)] = area.pk
        if len(named1):
            keys = zip(named1["country_id"], named1["admin1_name"], strict=True)
            events.loc[named1.index, "admin1_id"] = [self.areas[k] for k in keys]
        named2 = events[(events["admin2_name"] != "") & events["admin1_id"].notna()]
        for country, parent, name in (
            named2[["country_id", "admin1_id", "admin2_name"]]
            .drop_duplicates()
            .itertuples(index=False)
        ):
            if (country, parent, name) not in self.areas:
                area = get_or_create_admin_area(
                    country_id=country, level=2, name=name, parent=AdminArea(pk=parent)
                )
                self.areas[(country, parent, name)] = area.pk
        if len(named2):
            keys2 = zip(
                named2["country_id"], named2["admin1_id"], named2["admin2_name"], strict=True
            )
            events.loc[named2.index, "admin2_id"] = [self.areas[k] for k in keys2]


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


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
    """(pk, content_hash) of the source's stored events, indexed by source id: all of them
    (fetched in slices into arrays, not a million row tuples), or those of `ids` (a
    connector's page)."""
    if ids is not None:
        rows = list(
            Event.objects.filter(source=source, source_id__in=[i for i in ids if i])
            .order_by()
            .values_list("source_id", "pk", "content_hash")
        )
        frame = pd.DataFrame.from_records(rows, columns=["source_id", "pk", "content_hash"])
        return frame.set_index("source_id")
    keys: list[str] = []
    pks: list[np.ndarray] = []
    hashes: list[np.ndarray] = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT source_id, id, content_hash FROM {Event._meta.db_table} WHERE source = %s",
            [source],
        )
        while chunk := cursor.fetchmany(50_000):
            ids_, pk, digest = zip(*chunk, strict=True)
            keys.extend(ids_)
            pks.append(np.fromiter(pk, np.int64, len(pk)))
            hashes.append(np.fromiter((h or 0 for h in digest), np.int64, len(digest)))
    return pd.DataFrame(
        {
            "pk": np.concatenate(pks) if pks else np.zeros(0, np.int64),
            "content_hash": np.concatenate(hashes) if hashes else np.zeros(0, np.int64),
        },
        index=pd.Index(keys, dtype=object, name="source_id"),
    )


def _raw_json(raw: pd.DataFrame) -> list[str]:
    """Each source record as a JSON object of its fields, serialised by polars."""
    if raw.empty:
        return []
    return pl.from_pandas(raw).write_ndjson().split("\n")[: len(raw)]


def _all_errors(table: RawTable, errors: list[RowError]) -> list[RowError]:
    """The importer's errors plus what only the raw records show: unsplittable records and
    blank lines, each reported once, as what it is, rather than as every required field
    being empty."""
    whole = {p: reason for p, reason in table.malformed.items()}
    blank = (table.frame == "").all(axis=1).to_numpy() if len(table.frame.columns) else []
    whole |= {int(p): "empty row" for p in np.flatnonzero(blank) if int(p) not in whole}
    found = [e for e in errors if e.position not in whole]
    found += [RowError(p, "*", reason) for p, reason in whole.items()]
    return found


def _record_run(report: ImportReport, sha256: str, actor: Any) -> ImportRun:
    return ImportRun.objects.create(
        source=report.source,
        file_name=report.file,
        file_sha256=sha256,
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


def _content_hashes(raw: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash per raw record: equal hashes mean an unchanged row on re-import. The
    columns are taken by name, in name order: a file whose columns moved is unchanged, one
    whose headers were swapped (latitude under "longitude") is not."""
    ordered = raw[sorted(raw.columns)]
    hashed = pd.util.hash_pandas_object(ordered, index=False).to_numpy(dtype=np.uint64)
    return hashed.view(np.int64)


def _write_rejects(target: Path, errors: list[LineError], texts: dict[int, str]) -> None:
    """One row per error: line, column, reason, and the record exactly as the file had it,
    so it can be fixed and imported again."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "column", "reason", "record"])
        for error in errors:
            writer.writerow([error.line, error.column, error.reason, texts.get(error.line, "")])
