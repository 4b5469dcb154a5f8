"""`vigil alerts_tick [--run ID]`: expire due alerts and raise drafts from the newest
analysis runs. Safe to run as often as wanted (both steps are idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vigil.alerts.rules import evaluate_rules, runs_to_evaluate
from vigil.alerts.services import expire_due_alerts


class Command(BaseCommand):
    help = "Expire alerts past their expiry, and evaluate alert rules on finished analysis runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--run", type=int, help="evaluate this analysis run only")

    def handle(self, *args: Any, **options: Any) -> None:
        expired = expire_due_alerts()
        raised = sum(len(evaluate_rules(run)) for run in runs_to_evaluate(options["run"]))
        self.stdout.write(f"{expired} alert(s) expired, {raised} draft(s) raised")
