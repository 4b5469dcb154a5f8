"""Raise the reminders of agreements expiring soon and e-mail them (run daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from vigil.actors.services import REMINDER_DAYS, due_agreement_reminders, send_agreement_reminders


class Command(BaseCommand):
    help = "Raise reminders for agreements expiring within 90, 30 or 7 days, and e-mail them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--days",
            default=",".join(str(d) for d in REMINDER_DAYS),
            help="Lead times in days, comma-separated (default 90,30,7)",
        )
        parser.add_argument("--no-email", action="store_true", help="Raise reminders only")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        days = [int(d) for d in options["days"].split(",") if d.strip()]
        raised = due_agreement_reminders(today, days=days)
        for reminder in raised:
            self.stdout.write(
                f"{reminder.agreement.title}: expires {reminder.expires_on} "
                f"(reminder T-{reminder.days_before})"
            )
        sent = 0 if options["no_email"] else send_agreement_reminders()
        self.stdout.write(f"{len(raised)} reminder(s) raised, {sent} e-mailed.")
