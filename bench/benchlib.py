"""Plumbing shared by the benchmark scripts: databases, the 1M-row file, statistics, output.

Each measurement runs in its own process (`import.py`, `api.py`) because Django reads
DATABASE_URL once, at `django.setup()`; `run.py` starts them and collects their JSON. So this
module must not import Django at the top: the children set the environment first.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"
SHARED_DATA = Path(os.environ.get("VIGIL_SHARED_DATA", ROOT.parent / "shared" / "data"))
GED = SHARED_DATA / "ucdp_ged"
MEXICO = GED / "ged241_mexico_1989-2023.csv.gz"
# The real 49-column GED files the 1M-row file is made of. Country files first, so that when
# the global sample repeats one of their events (59 do), the newer 24.1 row is the one kept.
GED_49_COLUMN_FILES = [
    GED / "ged241_mexico_1989-2023.csv.gz",
    GED / "ged241_myanmar_1989-2023.csv.gz",
    GED / "ged231_central_african_republic_1989-2022.csv.gz",
    GED / "ged231_random_sample_1000_global.csv.gz",
]
MILLION = VAR / "ged_replicated_1000000.csv.gz"
MILLION_ROWS = 1_000_000
# Copy k of the real rows gets id + k * ID_STEP and dates + k * DAY_STEP days.
ID_STEP = 10_000_000
DAY_STEP = 7
GED_DATE_FORMAT = "%Y-%m-%d %H:%M:%S.000"

SQLITE_PATH = VAR / "bench.sqlite3"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "vigil_bench"
DATABASE_URLS = {
    "sqlite": f"sqlite:///{SQLITE_PATH}",
    "postgres": f"{PG_SERVER}/{PG_DATABASE}",
}
# The `vigil` command of the interpreter running the bench (the project's venv).
VIGIL = Path(sys.executable).with_name("vigil")
# Children print logs to stderr and exactly one line starting with this to stdout.
RESULT_MARK = "BENCH-RESULT "


def log(message: str) -> None:
    """Progress on stderr, so stdout stays the one JSON result line."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def child_env(db: str) -> dict[str, str]:
    """The environment a bench process or `vigil` command needs to reach database `db`."""
    env = dict(os.environ)
    env["DATABASE_URL"] = DATABASE_URLS[db]
    env["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    # Each bench process is one long-lived worker serving requests one after another, the
    # case persistent connections are for; settings leave them off unless asked.
    env.setdefault("VIGIL_DB_CONN_MAX_AGE", "60")
    return env


def setup_django(db: str) -> None:
    """Point Django at `db` and set it up; must run before any model import."""
    os.environ.update(child_env(db))
    import django

    django.setup()


def vigil(db: str, *args: str) -> None:
    """Run a `vigil` management command against `db`; raise with its output if it fails."""
    done = subprocess.run(
        [str(VIGIL), *args], env=child_env(db), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"vigil {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def fresh_database(db: str) -> float:
    """Recreate `db` empty, migrate it and load the reference geography; return the seconds.

    Callers must have closed their own connections first (`django.db.connections.close_all()`).
    """
    started = time.perf_counter()
    if db == "sqlite":
        VAR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            # FORCE ends a leftover session (a killed runserver) instead of failing on it.
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    vigil(db, "migrate", "--no-input", "-v", "0")
    vigil(db, "load_geography")
    return time.perf_counter() - started


def summarize(samples: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max of latencies in seconds (p95 by linear interpolation, as numpy does)."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return {"n": 1, "p50": ordered[0], "p95": ordered[0], "max": ordered[0]}
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": cuts[94],
        "max": ordered[-1],
    }


def emit(result: dict[str, Any]) -> None:
    """Hand the result to run.py: one marked JSON line on stdout."""
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)


def parse_result(stdout: str) -> dict[str, Any]:
    """The result a child emitted; raise if it emitted none (it crashed before the end)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    raise ValueError("the child printed no result line")


def build_million(target: Path = MILLION, rows: int = MILLION_ROWS) -> Path:
    """Write `rows` GED rows made of the real 49-column files, cached at `target`.

    Copy k of the real rows shifts `id` by k * ID_STEP and `date_start`/`date_end` by
    k * DAY_STEP days (`year` follows date_start), so ids stay unique, dates stay valid and
    the copies are spread over time like real data rather than stacked on the same days.
    Everything else is left byte-for-byte as UCDP wrote it (all columns are read as text).
    """
    if target.exists():
        return target
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    log(f"building {target.name} ({rows:,} rows) from {len(GED_49_COLUMN_FILES)} GED files")
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in GED_49_COLUMN_FILES]
    columns = list(frames[0].columns)
    if any(list(f.columns) != columns for f in frames) or len(columns) != 49:
        raise ValueError("the GED files do not share the same 49 columns")
    base = pd.concat(frames, ignore_index=True).drop_duplicates(subset="id", keep="first")
    ids = base["id"].astype("int64")
    if ids.max() >= ID_STEP:
        raise ValueError("a real GED id reaches ID_STEP; copies would collide")
    start = pd.to_datetime(base["date_start"], format="%Y-%m-%d %H:%M:%S.%f")
    end = pd.to_datetime(base["date_end"], format="%Y-%m-%d %H:%M:%S.%f")
    copies = []
    for k in range(-(-rows // len(base))):
        copy = base.copy()
        shift = pd.Timedelta(days=k * DAY_STEP)
        shifted_start = start + shift
        copy["id"] = (ids + k * ID_STEP).astype(str)
        copy["date_start"] = shifted_start.dt.strftime(GED_DATE_FORMAT)
        copy["date_end"] = (end + shift).dt.strftime(GED_DATE_FORMAT)
        copy["year"] = shifted_start.dt.year.astype(str)
        copies.append(copy)
    million = pd.concat(copies, ignore_index=True).iloc[:rows]
    table = pa.Table.from_pandas(million, preserve_index=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with pa.CompressedOutputStream(str(partial), "gzip") as out:
        pacsv.write_csv(table, out, pacsv.WriteOptions(quoting_style="needed"))
    shutil.move(partial, target)
    log(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB, {len(base):,} distinct real rows)")
    return target


def publish_section(name: str, own_file: Path, text: str) -> None:
    """Write a bench's section to its own file and into RESULTS.md between
    `<!-- name:start -->` and `<!-- name:end -->` (appended the first time)."""
    own_file.write_text(text)
    block = re.compile(rf"<!-- {name}:start -->.*<!-- {name}:end -->", re.S)
    results = ROOT / "bench" / "RESULTS.md"
    current = results.read_text()
    results.write_text(
        block.sub(lambda _: text.strip(), current)
        if block.search(current)
        else current.rstrip() + "\n\n" + text
    )
