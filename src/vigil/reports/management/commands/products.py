"""`vigil products --date D [--region CODE] [--country ISO3]`: write the day's products."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.shortcuts import get_object_or_404

from vigil.reports import services
from vigil.reports.choices import Language
from vigil.sharing.choices import TLP


class Command(BaseCommand):
    help = (
        "Write the day's products: a synopsis per regional organisation (or --region) and a "
        "weekly situation report per --country. Re-running a day updates drafts and leaves "
        "reviewed or published products as they are."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--region", default=None, help="Regional organisation code")
        parser.add_argument(
            "--country", action="append", default=[], help="ISO3; repeat for several"
        )
        parser.add_argument(
            "--language", action="append", choices=Language.values, default=[],
            help="Repeat for several (default: en)",
        )  # fmt: skip
        parser.add_argument("--tlp", default=TLP.GREEN, choices=TLP.values)
        parser.add_argument("--owner", default=None, help="Owning organisation's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        from vigil.actors.models import Organisation

        date = options["date"] or dt.date.today()
        owner = None
        if options["owner"]:
            try:
                owner = get_object_or_404(Organisation, slug=options["owner"])
            except Exception as error:
                raise CommandError(f"No organisation {options['owner']!r}") from error
        results = services.generate_day(
            date,
            region=options["region"].upper() if options["region"] else None,
            countries=[c.upper() for c in options["country"]],
            languages=options["language"] or None,
            owner=owner,
            tlp=options["tlp"],
        )
        for result in results:
            self.stdout.write(result.summary())
        kept = [r for r in results if r.outcome == services.Outcome.KEPT]
        if kept:
            self.stdout.write(
                f"{len(kept)} product(s) already reviewed or published were left unchanged."
            )
