"""`vigil products` and `vigil products_schedule` (src/vigil/reports/management/commands)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tests.reports.conftest import DAY, MarkedEvents
from vigil.reports import services
from vigil.reports.choices import ProductKind
from vigil.reports.selectors import all_products

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_products_command_writes_the_day_once(
    personas: Any, marked_events: MarkedEvents, second_analyst: Any
) -> None:
    first = run("products", "--date", DAY.isoformat(), "--region", "ecowas", "--country", "NGA",
                "--owner", "ecowas")  # fmt: skip
    assert first.count("created:") == 2
    second = run("products", "--date", DAY.isoformat(), "--region", "ECOWAS", "--country", "NGA",
                 "--owner", "ecowas")  # fmt: skip
    assert second.count("updated:") == 2
    assert all_products().count() == 2
    synopsis = all_products().get(kind=ProductKind.DAILY_SYNOPSIS)
    services.review_product(product=synopsis, actor=second_analyst)
    services.publish_product(product=synopsis, actor=second_analyst)
    third = run("products", "--date", DAY.isoformat(), "--region", "ECOWAS", "--owner", "ecowas")
    assert "kept:" in third
    assert "1 product(s) already reviewed or published were left unchanged." in third
    assert all_products().count() == 2


def test_products_command_writes_every_language_asked(
    personas: Any, marked_events: MarkedEvents
) -> None:
    run("products", "--date", DAY.isoformat(), "--region", "ECOWAS", "--language", "fr",
        "--language", "ar")  # fmt: skip
    titles = sorted(all_products().values_list("language", "title"))
    assert titles == [
        ("ar", "الموجز الإقليمي اليومي — ECOWAS، 2024-03-14"),
        ("fr", "Synthèse régionale quotidienne — ECOWAS, 2024-03-14"),
    ]


# The worker closes its database connection when it stops, as a long-running process should:
# the test must not run inside a transaction that the closing would break.
@pytest.mark.django_db(transaction=True)
def test_schedule_enqueues_the_task_which_writes_the_products(
    personas: Any, marked_events: MarkedEvents
) -> None:
    # The database backend (settings.TASKS) keeps the task as a row until a worker runs it.
    out = run("products_schedule", "--date", DAY.isoformat(), "--region", "ECOWAS")
    assert "enqueued products of 2024-03-14" in out
    assert "READY" in out
    assert not all_products().exists()
    run("db_worker", "--batch", "--no-startup-delay")
    synopsis = all_products().get()
    assert (synopsis.region_id, synopsis.period_end) == ("ECOWAS", DAY)
    assert set(synopsis.input_event_ids) == {marked_events.clear.pk, marked_events.green.pk}
