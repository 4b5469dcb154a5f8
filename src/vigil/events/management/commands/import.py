"""`vigil import SOURCE PATH`: import a source file into the event store, all or nothing."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.events.importers import IMPORTERS
from vigil.events.importers.reading import ImportFileError
from vigil.events.services import ImportRejected, import_events, link_duplicates
from vigil.events.services.imports import PLAUSIBILITY_CHECKS


class TerminalProgress:
    """Rows written, rows per second and time left, redrawn in place on a terminal."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.shown = 0.0
        self.enabled = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        """`total` 0: not known yet (a streamed file is counted as it is read)."""
        now = time.monotonic()
        finished = bool(total) and done >= total
        if not self.enabled or (now - self.shown < 0.2 and not finished):
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-6)
        if total:
            eta = (total - done) / rate if rate else 0
            self.stream.write(f"\r  {done:,}/{total:,} rows  {rate:,.0f} rows/s  ETA {eta:,.0f}s ")
        else:
            self.stream.write(f"\r  {done:,} rows written  {rate:,.0f} rows/s ")
        if finished:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a UCDP GED/Candidate, ACLED or GDELT file (.csv, .csv.gz or .zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=sorted(IMPORTERS))
        parser.add_argument("path")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="commit the valid rows and write the rejects, with reasons, to a file",
        )
        parser.add_argument(
            "--rejects", help="where to write rejects (default: ./<file name>.rejects.csv)"
        )
        parser.add_argument(
            "--coverage",
            choices=["auto", "countries", "global", "none"],
            default="auto",
            help="what the file covers: auto (one country: that country; 100 or more: every "
            "country), countries (each country it holds), global, or none (a sample)",
        )
        parser.add_argument(
            "--no-link", action="store_true", help="do not link duplicates across sources"
        )
        parser.add_argument(
            "--accept",
            default="",
            help="comma-separated plausibility checks to override after checking the rows: "
            f"{', '.join(sorted(PLAUSIBILITY_CHECKS))}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_events(
                importer_key=options["source"],
                path=options["path"],
                skip_invalid=options["skip_invalid"],
                rejects_path=options["rejects"],
                progress=TerminalProgress(sys.stderr),
                coverage_scope=options["coverage"],
                accept=_accepted(options["accept"]),
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        except ImportRejected as exc:
            for group in exc.report.groups():
                self.stderr.write(str(group))
            raise CommandError(
                f"{exc.report.summary()}. {len(exc.report.errors)} error(s) in "
                f"{exc.report.rejected} row(s); fix them, or use --skip-invalid."
            ) from exc
        for group in report.groups():
            self.stderr.write(f"rejected: {group}")
        self.stdout.write(report.summary() + f" in {report.seconds:.1f}s")
        for line in report.coverage:
            self.stdout.write(f"covers {line}")
        if not options["no_link"] and (report.new or report.changed):
            linked = link_duplicates()
            self.stdout.write(f"{linked} new cross-source duplicate link(s)")


def _accepted(value: str) -> frozenset[str]:
    chosen = frozenset(v.strip() for v in value.split(",") if v.strip())
    unknown = chosen - PLAUSIBILITY_CHECKS
    if unknown:
        raise CommandError(
            f"--accept: unknown check(s) {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(PLAUSIBILITY_CHECKS))})"
        )
    return chosen
