"""`vigil products_schedule`: enqueue today's products on the task framework.

Run it once a day (cron or a systemd timer, e.g. `5 6 * * * vigil products_schedule`);
a task worker (`vigil db_worker` with the database backend) runs the task. With the
immediate backend the products are written before the command returns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from vigil.reports.tasks import generate_daily_products_task


class Command(BaseCommand):
    help = "Enqueue the generation of the day's products (daily schedule entry point)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--region", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        date = options["date"] or dt.date.today()
        result = generate_daily_products_task.enqueue(date.isoformat(), options["region"])
        self.stdout.write(f"enqueued products of {date}: task {result.id} ({result.status})")
