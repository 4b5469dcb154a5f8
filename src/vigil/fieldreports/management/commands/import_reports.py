"""`vigil import_reports csv|odk PATH --monitor USER`: a batch of field reports, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.fieldreports.importing import (
    BatchRejected,
    import_odk_submissions,
    import_reports_csv,
)


class Command(BaseCommand):
    help = "Import field reports from a CSV file or an ODK Central / KoboToolbox JSON export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", choices=["csv", "odk"])
        parser.add_argument("path", type=Path)
        parser.add_argument("--monitor", required=True, help="username the reports are filed as")
        parser.add_argument("--form", default="vigil_incident", help="ODK form id")

    def handle(self, *args: Any, **options: Any) -> None:
        monitor = get_user_model().objects.filter(username=options["monitor"]).first()
        if monitor is None:
            raise CommandError(f"no user {options['monitor']!r}")
        try:
            if options["format"] == "csv":
                result = import_reports_csv(monitor=monitor, content=options["path"].read_bytes())
            else:
                payload = json.loads(options["path"].read_text(encoding="utf-8"))
                result = import_odk_submissions(
                    payload=payload, form_id=options["form"], monitor=monitor
                )
        except BatchRejected as exc:
            for error in exc.errors:
                self.stderr.write(f"{error.where}: {error.field}: {error.reason}")
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.created} new, {result.updated} updated, {result.unchanged} unchanged"
        )
