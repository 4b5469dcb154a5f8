"""Many clients at once against a running server: every report kept once, none lost.

A real `vigil runserver` process on the test database takes 2,000 reports from 50 concurrent
clients; a third of them are sent again (sometimes at the same moment) with the same
Idempotency-Key, as a flaky phone connection would. Afterwards exactly 2,000 exist.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from tests.processes import database_url
from vigil.actors.services import issue_api_token
from vigil.fieldreports.models import FieldReport

REPORTS = 2_000
CLIENTS = 50


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post(url: str, key: str, token: str, body: bytes) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        },
    )
    for attempt in range(5):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2 * (attempt + 1))  # the phone retries with the same key
    return 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_geography")
def test_two_thousand_reports_from_fifty_clients_are_each_kept_once(personas, tmp_path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs against a PostgreSQL server (make test-pg); SQLite's test database "
                    "is in memory and cannot be shared with a server process")  # fmt: skip
    _, token = issue_api_token(user=personas.monitor, name="load")
    port = _free_port()
    env = os.environ | {"DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("vigil")),
            "runserver",
            "--noreload",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "server.log").open("w"),
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/reports"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        keys = [str(uuid.uuid4()) for _ in range(REPORTS)]
        sends = keys + random.Random(7).sample(keys, REPORTS // 3)
        random.Random(8).shuffle(sends)
        body = json.dumps({
            "date_start": "2026-11-20", "country": "NGA", "category": "armed_clash",
            "description": "Load test report", "credibility": 3, "tlp": "AMBER",
        }).encode()  # fmt: skip
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            statuses = list(pool.map(lambda key: _post(url, key, token, body), sends))
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=10)

    log = (tmp_path / "server.log").read_text()
    counts = {s: statuses.count(s) for s in set(statuses)}
    assert set(statuses) <= {200, 201}, f"{counts}\n{log[-3000:]}"
    assert statuses.count(201) == REPORTS
    assert FieldReport.objects.count() == REPORTS
    assert set(FieldReport.objects.values_list("idempotency_key", flat=True)) == set(keys)
    assert elapsed < 240, f"{len(sends)} requests took {elapsed:.0f}s"
