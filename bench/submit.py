"""Concurrent field-report submission against a running server on PostgreSQL.

50 clients send N reports (default 20,000) to a `vigil runserver` process, a third of them
sent again with the same Idempotency-Key (as a phone on a flaky link retries). Afterwards
the database must hold exactly N reports. Prints and writes throughput and latency to
var/bench/submit.json; the suite runs the same check at 2,000 reports
(tests/fieldreports/test_concurrent_submission.py).

    .venv/bin/python bench/submit.py [--reports 20000] [--clients 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIGIL = ROOT / ".venv" / "bin" / "vigil"
DATABASE = "vigil_bench_submit"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
BODY = json.dumps(
    {
        "date_start": "2026-11-20",
        "country": "NGA",
        "category": "armed_clash",
        "description": "Benchmark report",
        "credibility": 3,
        "tlp": "AMBER",
    }
).encode()


def vigil(*args: str) -> str:
    env = os.environ | {"DATABASE_URL": DATABASE_URL}
    return subprocess.run(
        [str(VIGIL), *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def fresh_database() -> str:
    """Drop and recreate the bench database, migrate it, and return a monitor's API token."""
    admin = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c"]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {DATABASE}"], check=True)
    vigil("migrate", "-v0")
    vigil("load_geography")
    script = (
        "from django.contrib.auth import get_user_model\n"
        "from vigil.actors.models import Membership, Organisation\n"
        "from vigil.actors.services import issue_api_token\n"
        "org = Organisation.objects.create(slug='bench', name='Bench', kind='cso')\n"
        "user = get_user_model().objects.create(username='bench-monitor')\n"
        "Membership.objects.create(user=user, organisation=org, role='monitor')\n"
        "print(issue_api_token(user=user, name='bench')[1])\n"
    )
    return vigil("shell", "--no-imports", "-c", script).strip().splitlines()[-1]


def post(url: str, key: str, token: str) -> tuple[int, float]:
    request = urllib.request.Request(
        url,
        data=BODY,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        },
    )
    started = time.perf_counter()
    for attempt in range(5):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, time.perf_counter() - started
        except urllib.error.HTTPError as error:
            return error.code, time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2 * (attempt + 1))
    return 0, time.perf_counter() - started


def count_reports() -> int:
    return int(
        vigil(
            "shell",
            "--no-imports",
            "-c",
            "from vigil.fieldreports.models import FieldReport; print(FieldReport.objects.count())",
        ).strip()
    )


def run_once(reports: int, clients: int, seed: int) -> dict:
    token = fresh_database()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(VIGIL), "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=os.environ | {"DATABASE_URL": DATABASE_URL},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/api/v1/reports"
        keys = [str(uuid.uuid4()) for _ in range(reports)]
        rng = random.Random(seed)
        sends = keys + rng.sample(keys, reports // 3)
        rng.shuffle(sends)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            results = list(pool.map(lambda key: post(url, key, token), sends))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    statuses = [s for s, _ in results]
    latencies = sorted(t for _, t in results)
    stored = count_reports()
    return {
        "requests": len(sends),
        "seconds": elapsed,
        "requests_per_second": len(sends) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)],
        "created_201": statuses.count(201),
        "replayed_200": statuses.count(200),
        "other_statuses": sorted({s for s in statuses if s not in (200, 201)}),
        "reports_stored": stored,
        "exactly_once": stored == reports and statuses.count(201) == reports,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    runs = [run_once(options.reports, options.clients, seed) for seed in range(options.runs)]
    summary = {
        "reports": options.reports,
        "clients": options.clients,
        "runs": runs,
        "median_requests_per_second": statistics.median(r["requests_per_second"] for r in runs),
        "median_p95_ms": statistics.median(r["p95_ms"] for r in runs),
        "all_exactly_once": all(r["exactly_once"] for r in runs),
    }
    out = ROOT / "var" / "bench" / "submit.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2))
    json.dump(summary, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
