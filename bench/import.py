"""Import benchmark: a GED file into a fresh database, then again, beside pyarrow's parse time.

Run one database and one file per process (Django reads DATABASE_URL once):

    python bench/import.py --db sqlite --file PATH --runs 3

Each run recreates the database (migrate + load_geography), times `pyarrow.csv.read_csv` on
the file (median of 3 parses, `newlines_in_values=True`), then a fresh import and a re-import
of the same file through the public service `import_events`. Parsing is the floor any
importer pays, so the targets are ratios to it, and measuring it in the same run cancels out
how busy the machine was. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import emit, fresh_database, log, setup_django


def parse_seconds(path: Path, repeat: int = 3) -> tuple[float, int]:
    """Seconds pyarrow takes to parse (and gunzip) `path`, and its rows.

    `newlines_in_values=True` is the one option added to the defaults: real GED text fields
    (where_description, source_original, ...) contain line breaks, and with the defaults
    pyarrow fails on the 1M-row file ("CSV parser got out of sync with chunker"). The median
    of `repeat` parses: one parse of the 19k-row file takes tens of milliseconds, so a single
    one is at the mercy of a scheduler tick, and the ratio targets divide by it.
    """
    import pyarrow.csv as pacsv

    options = pacsv.ParseOptions(newlines_in_values=True)
    times = []
    rows = 0
    for _ in range(repeat):
        started = time.perf_counter()
        table = pacsv.read_csv(path, parse_options=options)
        times.append(time.perf_counter() - started)
        rows = table.num_rows
        del table
    return statistics.median(times), rows


def default_parse(path: Path) -> dict[str, Any]:
    """`pyarrow.csv.read_csv(path)` with no options at all, once, for the record: its time
    where it works, the error where it does not."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    started = time.perf_counter()
    try:
        rows = pacsv.read_csv(path).num_rows
    except pa.ArrowInvalid as exc:
        return {"error": str(exc).splitlines()[0]}
    return {"seconds": time.perf_counter() - started, "rows": rows}


def timed_import(path: Path) -> tuple[float, Any]:
    """Wall time of one `import_events` call, and its report."""
    from vigil.events.services import import_events

    started = time.perf_counter()
    report = import_events(importer_key="ucdp-ged", path=path)
    return time.perf_counter() - started, report


def counts(report: Any) -> dict[str, Any]:
    return {
        "rows_read": report.rows_read,
        "new": report.new,
        "changed": report.changed,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "status": str(report.status),
        "report_seconds": report.seconds,
    }


def one_run(db: str, path: Path) -> dict[str, Any]:
    """Fresh database, parse baseline, fresh import, re-import; checks the counts add up."""
    from django.db import connections

    connections.close_all()
    setup = fresh_database(db)
    from vigil.events.models import Event

    gc.collect()
    parse, rows = parse_seconds(path)
    log(f"{db}: parsed {rows:,} rows in {parse:.2f}s; fresh import...")
    gc.collect()
    fresh, report = timed_import(path)
    result: dict[str, Any] = {
        "rows": rows,
        "setup_seconds": setup,
        "parse_seconds": parse,
        "fresh_seconds": fresh,
        "fresh_report": counts(report),
    }
    stored = Event.objects.count()
    result["events_stored"] = stored
    problems = []
    if (report.new, report.changed, report.unchanged, report.rejected) != (rows, 0, 0, 0):
        problems.append(f"fresh import counts {counts(report)} for a {rows}-row file")
    if stored != rows:
        problems.append(f"{stored} events stored after a fresh import of {rows} rows")
    log(f"{db}: fresh import {fresh:.2f}s ({fresh / parse:.1f}x parse); re-import...")
    gc.collect()
    again, report = timed_import(path)
    result["reimport_seconds"] = again
    result["reimport_report"] = counts(report)
    if (report.new, report.changed) != (0, 0) or report.unchanged != rows:
        problems.append(f"re-import counts {counts(report)}: expected 0 new, 0 changed")
    log(f"{db}: re-import {again:.2f}s ({again / parse:.1f}x parse)")
    result["problems"] = problems
    for problem in problems:
        log(f"{db}: COUNT MISMATCH: {problem}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=600.0,
        help="stop after the first run if its fresh import took longer than this",
    )
    args = parser.parse_args()
    setup_django(args.db)

    default = default_parse(args.file)
    log(f"{args.db}: pyarrow.csv.read_csv with default options: {default}")
    runs: list[dict[str, Any]] = []
    errors: list[str] = []
    stopped_early = False
    for number in range(1, args.runs + 1):
        log(f"{args.db}: {args.file.name} run {number}/{args.runs}")
        try:
            runs.append(one_run(args.db, args.file))
        except Exception:
            # Report the traceback as it is: the point is to see what the importer did.
            text = traceback.format_exc()
            log(f"{args.db}: run {number} FAILED\n{text}")
            rejected = getattr(sys.exc_info()[1], "report", None)
            if rejected is not None:
                text += "\nfirst errors:\n" + "\n".join(str(e) for e in rejected.errors[:20])
            errors.append(text)
            break
        if number < args.runs and runs[-1]["fresh_seconds"] > args.slow_seconds:
            log(f"{args.db}: fresh import over {args.slow_seconds:.0f}s, so one run only")
            stopped_early = True
            break

    result: dict[str, Any] = {
        "db": args.db,
        "file": str(args.file),
        "runs_asked": args.runs,
        "default_parse": default,
        "stopped_early": stopped_early,
        "runs": runs,
        "errors": errors,
    }
    # ru_maxrss is in KiB on Linux: the whole process's peak, so the largest run's.
    result["peak_rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    if runs:
        median = {
            key: statistics.median(r[key] for r in runs)
            for key in ("parse_seconds", "fresh_seconds", "reimport_seconds", "setup_seconds")
        }
        median["fresh_ratio"] = median["fresh_seconds"] / median["parse_seconds"]
        median["reimport_ratio"] = median["reimport_seconds"] / median["parse_seconds"]
        result["median"] = median
        result["rows"] = runs[0]["rows"]
    emit(result)


if __name__ == "__main__":
    main()
