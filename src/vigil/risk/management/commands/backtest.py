"""`vigil backtest --data PATH --out DIR`: rolling-origin backtests of every forecaster
against the VIEWS baselines on the real data; prints the report and writes it with JSON."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.analytics.evaluation import LEVELS, evaluate


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data",
            default=str(settings.SHARED_DATA_DIR),
            help="Folder laid out like shared/data (ucdp_ged/, ucdp_acd/, ucdp_brd/ ...)",
        )
        parser.add_argument("--out", required=True, help="Folder for REPORT.md and results.json")
        parser.add_argument("--horizons", type=int, nargs="+", default=[1, 2, 3])
        parser.add_argument("--levels", nargs="+", choices=LEVELS, default=list(LEVELS))

    def handle(self, *args, **options) -> None:
        data = Path(options["data"])
        if not data.is_dir():
            raise CommandError(f"no data folder at {data}")
        if any(h < 1 for h in options["horizons"]):
            raise CommandError("horizons are whole periods, 1 or more")
        evaluation = evaluate(
            data,
            horizons=options["horizons"],
            levels=options["levels"],
            progress=lambda message: self.stderr.write(f"backtesting {message} …"),
        )
        report, figures = evaluation.write(options["out"])
        self.stdout.write(evaluation.markdown)
        self.stderr.write(f"wrote {report} and {figures}")
