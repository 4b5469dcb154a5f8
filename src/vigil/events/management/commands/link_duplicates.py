"""`vigil link_duplicates`: link events of different sources that describe the same incident."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vigil.events.dedupe import SameIncidentRule
from vigil.events.services import link_duplicates


class Command(BaseCommand):
    help = "Link same-incident events across sources (same or adjacent day, close in space)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat)
        parser.add_argument("--country", action="append", help="ISO alpha-3; repeatable")
        parser.add_argument("--max-km", type=float, default=SameIncidentRule.max_km)
        parser.add_argument("--max-days", type=int, default=SameIncidentRule.max_days)

    def handle(self, *args: Any, **options: Any) -> None:
        rule = SameIncidentRule(max_days=options["max_days"], max_km=options["max_km"])
        made = link_duplicates(
            date_from=options["date_from"],
            date_to=options["date_to"],
            countries=options["country"],
            rule=rule,
        )
        self.stdout.write(f"{made} new link(s)")
