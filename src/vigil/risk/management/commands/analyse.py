"""`vigil analyse [--as-of DATE|latest] [--org SLUG]`: recompute and store risk, escalations,
hotspots, clusters and forecasts from the events dated up to that day, and no later."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.risk.selectors import organisation_by_slug
from vigil.risk.services import analyse, latest_event_date


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            default="today",
            help="YYYY-MM-DD, 'today' (default) or 'latest' (the newest event's date)",
        )
        parser.add_argument(
            "--org",
            help="Analyse for this organisation's members (their AMBER events included); "
            "default: the community's view, CLEAR and GREEN events only",
        )
        parser.add_argument("--model-dir", type=Path, help="Model store (default var/models)")
        parser.add_argument(
            "--retrain", action="store_true", help="Refit even when the model store has the model"
        )

    def handle(self, *args, **options) -> None:
        organisation = None
        if options["org"]:
            organisation = organisation_by_slug(options["org"])
            if organisation is None:
                raise CommandError(f"no organisation {options['org']!r}")
        as_of = self._as_of(options["as_of"], organisation)
        run = analyse(
            as_of=as_of,
            organisation=organisation,
            model_dir=options["model_dir"],
            retrain=options["retrain"],
            progress=lambda message: self.stderr.write(f"  {message}"),
        )
        rows = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in run.summary["rows"].items())
        total = sum(run.summary["seconds"].values())
        self.stdout.write(
            f"Analysis as of {run.as_of} ({run.tlp}, {run.owner_org}): {run.events_used} events; "
            f"{rows}; {total:.1f} s"
        )

    @staticmethod
    def _as_of(value: str, organisation) -> dt.date:
        if value == "today":
            return dt.date.today()
        if value == "latest":
            latest = latest_event_date(organisation)
            if latest is None:
                raise CommandError("the event store is empty: import events first")
            return latest
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"--as-of: {value!r} is not a date (YYYY-MM-DD)") from error
