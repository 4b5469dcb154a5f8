"""API benchmark: `/api/v1/events` latency over a database that already holds the 1M events.

    python bench/api.py --db sqlite --transport http --requests 200

Two cases, each timed over `--requests` requests after `--warmup` untimed ones:
- page: JSON, one country and one calendar year, 50 items. The country (MEX, MMR, CAF) and
  year change from request to request so no single plan or page of cache serves them all;
- geojson: `format=geojson&country=MEX&limit=10000`, checked to hold 10,000 features.

`--analyze` runs ANALYZE first, to separate the cost of missing planner statistics from the
cost of the code. Transports: `http` starts `vigil runserver --noreload --nothreading` and
times real requests with urllib (the full response read); `client` uses `django.test.Client`
in this process, which skips the socket and the server but not Django. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import subprocess
import sys
import time
import traceback
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import VAR, VIGIL, child_env, emit, log, setup_django, summarize

COUNTRIES = ["MEX", "MMR", "CAF"]
YEARS = range(1989, 2024)
GEOJSON_URL = "/api/v1/events?format=geojson&country=MEX&limit=10000"
GEOJSON_FEATURES = 10_000
PAGE_LIMIT = 50

# A fetcher takes a path and returns (HTTP status, body bytes) after reading the whole body.
Fetch = Callable[[str], tuple[int, bytes]]


def page_urls(count: int, seed: int = 0) -> list[str]:
    """`count` country+year page URLs, every pair used before any repeats, in shuffled order."""
    pairs = [(c, y) for c in COUNTRIES for y in YEARS]
    rng = random.Random(seed)
    urls: list[str] = []
    while len(urls) < count:
        rng.shuffle(pairs)
        urls += [
            f"/api/v1/events?country={c}&date_from={y}-01-01&date_to={y}-12-31&limit={PAGE_LIMIT}"
            for c, y in pairs
        ]
    return urls[:count]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_fetcher(port: int) -> Fetch:
    def fetch(path: str) -> tuple[int, bytes]:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
            return response.status, response.read()

    return fetch


def client_fetcher() -> Fetch:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")

    def fetch(path: str) -> tuple[int, bytes]:
        response = client.get(path)
        return response.status_code, response.content

    return fetch


def start_server(db: str, port: int) -> subprocess.Popen[bytes]:
    """runserver without the reloader, and without threads: a request then reuses the
    persistent database connection (CONN_MAX_AGE) as a production worker would, instead of
    opening one per request as the threaded dev server does."""
    log_path = VAR / f"runserver-{db}.log"
    handle = log_path.open("wb")
    server = subprocess.Popen(
        [str(VIGIL), "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        env=child_env(db),
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    fetch = http_fetcher(port)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"runserver exited with {server.returncode}; see {log_path}")
        try:
            fetch("/api/v1/events?limit=1")
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"runserver did not answer within 60 s; see {log_path}")


def measure(
    fetch: Fetch, urls: list[str], warmup: int, check: Callable[[bytes], int]
) -> dict[str, Any]:
    """Time each request (send to last byte); `check` validates a body and returns its size
    in items. Warm-up requests are the first `warmup` URLs and are not timed."""
    for url in urls[:warmup]:
        status, body = fetch(url)
        if status != 200:
            raise RuntimeError(f"GET {url} answered {status}: {body[:500]!r}")
    latencies: list[float] = []
    sizes: list[int] = []
    for url in urls[warmup:]:
        started = time.perf_counter()
        status, body = fetch(url)
        latencies.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"GET {url} answered {status}: {body[:500]!r}")
        sizes.append(check(body))
    return {
        **summarize(latencies),
        "items_min": min(sizes),
        "items_max": max(sizes),
        "empty_responses": sum(1 for s in sizes if s == 0),
        "bytes_last": len(body),
    }


def check_page(body: bytes) -> int:
    items = json.loads(body)["items"]
    if len(items) > PAGE_LIMIT:
        raise RuntimeError(f"page of {len(items)} items, limit was {PAGE_LIMIT}")
    return len(items)


def check_geojson(body: bytes) -> int:
    features = json.loads(body)["features"]
    if len(features) != GEOJSON_FEATURES:
        raise RuntimeError(f"GeoJSON answered {len(features)} features, not {GEOJSON_FEATURES}")
    return len(features)


def planner_statistics(connection: Any) -> int:
    """How many planner statistics rows the events table has (0: never analyzed). Recorded
    because someone else analyzing the bench database would silently change what is measured."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'events_event'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0] == 0:
                return 0
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'events_event'")
        return int(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--transport", choices=["http", "client"], default="http")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="run ANALYZE first, to compare with the statistics the import left (this "
        "PostgreSQL server runs with autovacuum off, so nothing else gathers them)",
    )
    args = parser.parse_args()
    setup_django(args.db)
    from django.db.models import Count

    from vigil.events.models import Event

    result: dict[str, Any] = {
        "db": args.db,
        "transport": args.transport,
        "events_in_db": Event.objects.count(),
        "by_country": dict(
            Event.objects.filter(country_id__in=COUNTRIES)
            .values_list("country_id")
            .order_by()
            .annotate(n=Count("pk"))
        ),
    }
    from django.db import connection

    result["statistics_before"] = planner_statistics(connection)
    if args.analyze:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        result["analyze_seconds"] = time.perf_counter() - started
        log(f"{args.db}: ANALYZE took {result['analyze_seconds']:.1f}s")
    result["statistics"] = "after ANALYZE" if args.analyze else "as imported"
    server = None
    try:
        if args.transport == "http":
            port = free_port()
            server = start_server(args.db, port)
            fetch = http_fetcher(port)
        else:
            fetch = client_fetcher()
        total = args.warmup + args.requests
        log(f"{args.db}/{args.transport}: page case, {total} requests")
        result["page"] = measure(fetch, page_urls(total), args.warmup, check_page)
        log(f"{args.db}/{args.transport}: geojson case, {total} requests")
        result["geojson"] = measure(fetch, [GEOJSON_URL] * total, args.warmup, check_geojson)
    except Exception:
        result["errors"] = [traceback.format_exc()]
        log(f"{args.db}/{args.transport}: FAILED\n{result['errors'][0]}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    emit(result)


if __name__ == "__main__":
    main()
