"""Background work of the reports app, through Django's task framework (django-tasks).

`generate_daily_products_task` is what the daily schedule enqueues; with the immediate
backend (the default until a database backend is configured) it runs at once, with the
database backend a `db_worker` process runs it. Generation is idempotent, so a task run
twice for one day does no harm.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from vigil.reports import services


@task()
def generate_daily_products_task(date: str, region: str | None = None) -> list[int]:
    """Write the products of `date` (ISO format: task arguments must be JSON)."""
    products = services.generate_daily_products(dt.date.fromisoformat(date), region)
    return [product.pk for product in products]
