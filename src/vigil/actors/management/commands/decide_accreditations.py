"""Decide accreditation applications whose review deadline has passed (run daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from vigil.actors.accreditation import decide_due_applications


class Command(BaseCommand):
    help = "Apply each scheme's decision rule to applications whose review deadline has passed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        decided = decide_due_applications(today=today)
        for application in decided:
            self.stdout.write(f"{application}: {application.status}")
        self.stdout.write(f"{len(decided)} application(s) decided.")
