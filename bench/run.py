"""Run the import and API benchmarks on SQLite and PostgreSQL and write bench/RESULTS.md.

    python bench/run.py            # the full set (takes a long while: 1M-row imports)
    python bench/run.py --quick    # Mexico file only, one run, to check the scripts work
    python bench/run.py --render var/bench/results.json   # rewrite RESULTS.md from saved JSON

Every measurement runs in a child process (`import.py`, `api.py`), because Django reads
DATABASE_URL once per process; this script only orchestrates, collects their JSON lines,
keeps the raw results in var/bench/ and renders the report. It lowers its own priority, and
its children inherit it, so the machine's other users are not starved.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (
    DAY_STEP,
    GED_49_COLUMN_FILES,
    ID_STEP,
    MEXICO,
    PG_SERVER,
    ROOT,
    VAR,
    build_million,
    log,
    parse_result,
    vigil,
)

BENCH = Path(__file__).resolve().parent
# What code_version() records when `git diff HEAD -- src` is empty.
EMPTY_DIFF = hashlib.sha1(b"").hexdigest()[:12]
DATABASES = ["sqlite", "postgres"]
# (database, which import) -> largest allowed import time as a multiple of the parse time.
IMPORT_TARGETS = {
    ("sqlite", "fresh"): 3.0,
    ("sqlite", "reimport"): 1.5,
    ("postgres", "fresh"): 4.0,
}
# API case -> p95 limit in seconds.
API_TARGETS = {"page": 0.050, "geojson": 0.200}
DB_LABEL = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
# The API is measured on the database as the import left it, then after ANALYZE.
STATISTICS = ["as imported", "after ANALYZE"]
CASE_LABEL = {
    "page": "country+date page (JSON, 50 items)",
    "geojson": "GeoJSON, 10,000 points",
}


# -- running ----------------------------------------------------------------------------


def child(script: str, *args: str) -> dict[str, Any]:
    """Run a bench script, its log going straight to our stderr; return its JSON result, or an
    `errors` entry with its exit status if it died before printing one."""
    command = [sys.executable, str(BENCH / script), *args]
    log("$ " + " ".join(command[1:]))
    started = time.perf_counter()
    with LoadSampler() as load:
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    try:
        result = parse_result(done.stdout)
    except ValueError:
        result = {
            "errors": [f"{script} {' '.join(args)} exited with {done.returncode}, no result"],
            "stdout": done.stdout[-5000:],
        }
    result["wall_seconds"] = time.perf_counter() - started
    result["load"] = load.summary()
    return result


class LoadSampler:
    """The 1-minute load average every few seconds while a child runs. The machine is shared
    and has 2 cores: a figure taken at load 8 is not one taken at load 1, and only this says
    which is which."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.samples: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self.stop.wait(self.every):
                return

    def __enter__(self) -> LoadSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def summary(self) -> dict[str, float]:
        return {"median": statistics.median(self.samples), "max": max(self.samples)}


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "code_before": code_version(),
        "quick": args.quick,
        "imports": [],
        "api": [],
    }
    files = [("mexico", MEXICO, args.runs)]
    if not args.quick:
        files.append(("million", build_million(), args.runs))
    for db in args.dbs:
        loaded = None
        for name, path, runs in files:
            code = code_version()
            result = child(
                "import.py", "--db", db, "--file", str(path), "--runs", str(runs),
                "--slow-seconds", str(args.slow_seconds),
            )  # fmt: skip
            result.update(name=name, db=db, code=code)
            results["imports"].append(result)
            loaded = name if result.get("runs") and not result.get("errors") else None
            save(results)
        if loaded is None:
            log(f"{db}: the last import failed, so no API benchmark on it")
            continue
        run_api(results, db, loaded, args)
    results["code_after"] = code_version()
    results["total_seconds"] = time.perf_counter() - started
    save(results)
    return results


def run_api(results: dict[str, Any], db: str, loaded: str, args: argparse.Namespace) -> None:
    """The API cases over both transports, first on the database as the import left it, then
    after ANALYZE: where autovacuum is off (as on this bench's PostgreSQL), the statistics the
    planner has after an import are the ones the import gathered, if any."""
    for analyze in (False, True):
        for transport in ("http", "client"):
            code = code_version()
            flags = ["--analyze"] if analyze and transport == "http" else []
            result = child(
                "api.py", "--db", db, "--transport", transport,
                "--requests", str(args.requests), "--warmup", str(args.warmup), *flags,
            )  # fmt: skip
            result.update(db=db, transport=transport, dataset=loaded, code=code)
            result["statistics"] = "after ANALYZE" if analyze else "as imported"
            results["api"].append(result)
            save(results)


def api_only(args: argparse.Namespace) -> dict[str, Any]:
    """Measure the API again on the databases a previous full run left, keeping its import
    results. The code may have moved on since, so each database is migrated first."""
    path = VAR / "results.json"
    results = json.loads(path.read_text())
    started = time.perf_counter()
    results["api"] = [r for r in results["api"] if r["db"] not in args.dbs]
    results["api_rerun"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for db in args.dbs:
        last = [r for r in results["imports"] if r["db"] == db][-1:]
        if not last or not last[0].get("runs") or last[0].get("errors"):
            log(f"{db}: no successful import in {path}, so no API benchmark on it")
            continue
        try:
            vigil(db, "migrate", "--no-input", "-v", "0")
        except RuntimeError as exc:
            results["api"].append({"db": db, "transport": "migrate", "errors": [str(exc)]})
            continue
        run_api(results, db, last[0]["name"], args)
    results["code_after"] = code_version()
    results["api_rerun_seconds"] = time.perf_counter() - started
    save(results)
    return results


def save(results: dict[str, Any]) -> None:
    """Keep the raw results after every step, so a crash late in a long run loses nothing."""
    VAR.mkdir(parents=True, exist_ok=True)
    name = "results-quick.json" if results.get("quick") else "results.json"
    (VAR / name).write_text(json.dumps(results, indent=2, default=str))


# -- describing the machine and the code --------------------------------------------------


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    models = [
        ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")
    ]
    meminfo = Path("/proc/meminfo").read_text().split()
    ram_kib = int(meminfo[meminfo.index("MemTotal:") + 1])
    release = Path("/etc/os-release").read_text()
    names = [ln.split("=", 1)[1] for ln in release.splitlines() if ln.startswith("PRETTY_NAME=")]
    pretty = names[0].strip('"') if names else platform.system()
    import sqlite3

    import django
    import pandas
    import psycopg
    import pyarrow

    with psycopg.connect(f"{PG_SERVER}/postgres") as conn:
        row = conn.execute("SHOW server_version").fetchone()
        pg_version = row[0] if row else "?"
    return {
        "cpu": models[0] if models else platform.processor(),
        "cores": f"{os.cpu_count()} logical ({len(models)} listed in /proc/cpuinfo)",
        "ram": f"{ram_kib / 1024**2:.1f} GiB",
        "os": f"{pretty}, kernel {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version,
        "libraries": (
            f"Django {django.__version__}, pandas {pandas.__version__}, "
            f"pyarrow {pyarrow.__version__}, psycopg {psycopg.__version__}"
        ),
    }


def code_version() -> dict[str, str]:
    """The commit measured and any uncommitted changes under src/: the importer was being
    changed while this ran, so the report must say which code it timed."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "commit": git("log", "-1", "--format=%h %s"),
        "dirty": ", ".join(
            ln.split()[-1] for ln in git("status", "--porcelain", "--", "src").splitlines()
        ),
        "src_diff_sha1": hashlib.sha1(git("diff", "HEAD", "--", "src").encode()).hexdigest()[:12],
    }


# -- the report -------------------------------------------------------------------------


def code_cell(result: dict[str, Any]) -> str:
    code = result.get("code")
    if not code:
        return "?"
    cell = f"`{code['commit'].split()[0]}`"
    if code["src_diff_sha1"] != EMPTY_DIFF:
        cell += f" + diff `{code['src_diff_sha1']}`"
    elif code["dirty"]:
        cell += " + untracked files"
    return cell


def load_cell(result: dict[str, Any]) -> str:
    load = result.get("load")
    return f"{load['median']:.1f} / {load['max']:.1f}" if load else "—"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def verdict(value: float, limit: float) -> str:
    return "**met**" if value <= limit else "**not met**"


def import_row(result: dict[str, Any]) -> dict[str, Any] | None:
    return result.get("median") if result.get("runs") else None


def runs_note(result: dict[str, Any]) -> str:
    count = len(result.get("runs", []))
    if result.get("stopped_early"):
        return f"{count} (median of 1 run, too slow for 3)"
    return str(count)


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    started = results["started"]
    total = results.get("total_seconds")
    out: list[str] = []
    add = out.append
    add("# Benchmark results\n")
    add(
        f"Run on {started[:10]} (started {started} UTC)"
        + (f", whole run {total / 60:.0f} min" if total else "")
        + ". Produced by `make bench` (`bench/run.py`); raw figures in "
        f"`var/bench/{'results-quick' if results.get('quick') else 'results'}.json`.\n"
    )
    if results.get("quick"):
        add("**Quick mode: Mexico file only, to check the scripts. Not the real results.**\n")
    add("## Machine\n")
    add("| | |\n|---|---|")
    for key, label in [
        ("cpu", "CPU"), ("cores", "Cores"), ("ram", "RAM"), ("os", "OS"), ("python", "Python"),
        ("sqlite", "SQLite"), ("postgresql", "PostgreSQL"), ("libraries", "Libraries"),
    ]:  # fmt: skip
        add(f"| {label} | {m[key]} |")
    add("")
    add(
        "Shared machine: other work (interactive tests) ran beside the bench, which ran under "
        "`nice -n 10`; PostgreSQL 15 ran with its default configuration, on the same disk.\n"
    )
    before, after = results["code_before"], results.get("code_after", results["code_before"])
    add(f"Code measured: commit `{before['commit']}`.")
    if before["dirty"] or after != before:
        add(
            "The import code was being edited while the bench ran. Uncommitted changes under "
            f"`src/` at the start: {before['dirty'] or 'none'} (diff `{before['src_diff_sha1']}`)"
            f"; at the end: commit `{after['commit']}`, {after['dirty'] or 'none'} (diff "
            f"`{after['src_diff_sha1']}`). Each measurement's code is in the detail tables: "
            "commit and a hash of `git diff HEAD -- src` as its process started."
        )
    add("")

    add("## Targets\n")
    add(
        "Import ratios are import time over pyarrow's parse time of the same file, both "
        "medians over the runs (each run's parse time is itself the median of 3 parses). The "
        "parse is `pyarrow.csv.read_csv(path, parse_options=ParseOptions("
        "newlines_in_values=True))`: real GED text fields contain line breaks, and with no "
        "options at all pyarrow fails on the 1M-row file (see the detail table).\n"
    )
    add("| Target | File | Database | Runs | Parse (s) | Measured | Limit | Result |")
    add("|---|---|---|---|---|---|---|---|")
    for result in results["imports"]:
        median = import_row(result)
        for (db, kind), limit in IMPORT_TARGETS.items():
            if result["db"] != db:
                continue
            label = f"{DB_LABEL[db]} {'fresh import' if kind == 'fresh' else 're-import'}"
            file = "Mexico GED" if result["name"] == "mexico" else "1M replicated"
            if median is None:
                add(
                    f"| {label} ≤ {limit:g}× parse | {file} | {DB_LABEL[db]} | 0 | — | "
                    f"crashed | {limit:g}× | **not met** (no result) |"
                )
                continue
            seconds = median[f"{kind}_seconds"]
            ratio = median[f"{kind}_ratio"]
            add(
                f"| {label} ≤ {limit:g}× parse | {file} | {DB_LABEL[db]} | {runs_note(result)} | "
                f"{median['parse_seconds']:.2f} | {seconds:.2f} s = {ratio:.1f}× | {limit:g}× | "
                f"{verdict(ratio, limit)} |"
            )
    api_by = {
        (r["db"], r.get("statistics", "as imported"), r["transport"]): r for r in results["api"]
    }
    for db in DATABASES:
        for case, limit in API_TARGETS.items():
            for state in STATISTICS:
                http = api_by.get((db, state, "http"), {})
                client = api_by.get((db, state, "client"), {})
                label = f"API {CASE_LABEL[case]}: p95 ≤ {ms(limit)} ms"
                if case not in http:
                    if state == STATISTICS[0]:
                        add(
                            f"| {label} | 1M replicated | {DB_LABEL[db]} | — | — | not measured "
                            f"| {ms(limit)} ms | **not met** (no result) |"
                        )
                    continue
                shown = f"{ms(http[case]['p95'])} ms over HTTP"
                if case in client:
                    shown += f" ({ms(client[case]['p95'])} ms in-process)"
                dataset = http.get("dataset", "")
                file = "1M replicated" if dataset == "million" else f"{dataset} only"
                add(
                    f"| {label}, {state} | {file} | {DB_LABEL[db]} | "
                    f"{http[case]['n']} requests | — | {shown} | {ms(limit)} ms | "
                    f"{verdict(http[case]['p95'], limit)} |"
                )
    add("")

    add("## Imports in detail\n")
    add(
        "Each run: drop and recreate the database, `vigil migrate`, `vigil load_geography`; "
        "parse the file with `pyarrow.csv.read_csv` (gzip included, `newlines_in_values=True`, "
        "median of 3); "
        'then `import_events(importer_key="ucdp-ged", path=...)` into the empty database '
        "(fresh) and the same call again (re-import, asserted to report 0 new, 0 changed). "
        "Times are `time.perf_counter()` around the call, medians over the runs. Load is the "
        "machine's 1-minute load average (median / max, sampled every 5 s) while that "
        "measurement ran, on 2 cores. ×fastest parse divides the median import by the fastest "
        "of the runs' parses: pyarrow parses on both cores, so other load slows it more than "
        "the import, which flatters the ×parse ratio.\n"
    )
    add(
        "| File | Database | Rows | Runs | Parse (s) | Fresh (s) | Fresh rows/s | ×parse "
        "| ×fastest parse | Re-import (s) | ×parse | Setup (s) | Peak RSS (GiB) "
        "| `read_csv(path)`, no options | Load | Code |"
    )
    add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for result in results["imports"]:
        median = import_row(result)
        file = "Mexico GED" if result["name"] == "mexico" else "1M replicated"
        if median is None:
            add(
                f"| {file} | {DB_LABEL[result['db']]} | — | 0 | crashed, see below "
                f"|||||||||| {load_cell(result)} | {code_cell(result)} |"
            )
            continue
        rows = result["rows"]
        # Under load the parse (two threads) slows more than the import; the fastest parse of
        # the runs is the closest to what the quiet machine does.
        fastest = min(r["parse_seconds"] for r in result["runs"])
        rss = f"{result['peak_rss_gib']:.1f}" if "peak_rss_gib" in result else "—"
        default = result.get("default_parse", {})
        plain = (
            f"{default['seconds']:.2f} s"
            if "seconds" in default
            else f"fails: {str(default.get('error')).split('.')[0]}"
        )
        add(
            f"| {file} | {DB_LABEL[result['db']]} | {rows:,} | {runs_note(result)} | "
            f"{median['parse_seconds']:.2f} | {median['fresh_seconds']:.2f} | "
            f"{rows / median['fresh_seconds']:,.0f} | {median['fresh_ratio']:.1f} | "
            f"{median['fresh_seconds'] / fastest:.1f} | "
            f"{median['reimport_seconds']:.2f} | {median['reimport_ratio']:.1f} | "
            f"{median['setup_seconds']:.1f} | {rss} | {plain} | {load_cell(result)} | "
            f"{code_cell(result)} |"
        )
    add("\nEvery run:\n")
    add(
        "| File | Database | Run | Parse (s) | Fresh (s) | Re-import (s) | Fresh counts "
        "| Re-import counts |"
    )
    add("|---|---|---|---|---|---|---|---|")
    for result in results["imports"]:
        file = "Mexico GED" if result["name"] == "mexico" else "1M replicated"
        for number, run in enumerate(result.get("runs", []), 1):
            fr, rr = run["fresh_report"], run["reimport_report"]
            add(
                f"| {file} | {DB_LABEL[result['db']]} | {number} | {run['parse_seconds']:.3f} | "
                f"{run['fresh_seconds']:.2f} | {run['reimport_seconds']:.2f} | "
                f"{fr['new']} new, {fr['changed']} changed, {fr['unchanged']} unchanged | "
                f"{rr['new']} new, {rr['changed']} changed, {rr['unchanged']} unchanged |"
            )
    add("")
    add(
        f"The 1M-row file (`var/bench/`, cached) is made of the real 49-column GED files "
        f"({', '.join(p.name for p in GED_49_COLUMN_FILES)}): their 29,120 distinct events "
        "(the global sample repeats 59 events of the country files; the first is kept) "
        f"repeated with `id` + k × {ID_STEP:,} and `date_start`/`date_end` + k × {DAY_STEP} "
        "days for copy k (`year` follows `date_start`), until exactly 1,000,000 rows; all "
        "other fields are the real values, and dates keep the `YYYY-MM-DD HH:MM:SS.000` "
        "format.\n"
    )

    add("## API in detail\n")
    if results.get("api_rerun"):
        add(
            f"Re-measured on {results['api_rerun']} UTC with `run.py --api-only` (the databases "
            "the imports above left, migrated to the code of the time; the imports are not "
            "redone), to add the after-`ANALYZE` state.\n"
        )
    add(
        "After the 1M import, in the same database. `http`: `vigil runserver --noreload "
        "--nothreading 127.0.0.1:PORT` in a subprocess, timed with urllib from request to "
        "last byte of the body (`--nothreading`, and `VIGIL_DB_CONN_MAX_AGE=60`, so that one "
        "database connection serves all requests, as in a long-lived production worker; "
        "the threaded dev server would open one per request). `client`: "
        '`django.test.Client(HTTP_HOST="127.0.0.1")` in-process, no '
        "socket. Anonymous requests (TLP:CLEAR events). Each case: 10 warm-up requests, then "
        "the timed ones. The page case cycles through MEX, MMR and CAF and every year "
        "1989-2023 in shuffled order: "
        "`/api/v1/events?country=MEX&date_from=2010-01-01&date_to=2010-12-31&limit=50`. "
        "The GeoJSON case is `/api/v1/events?format=geojson&country=MEX&limit=10000`, each "
        "response checked to hold 10,000 features. Each case ran twice: on the database as "
        "the import left it, then after an explicit `ANALYZE`. This PostgreSQL runs with "
        "`autovacuum = off`, so only the import itself can have gathered planner statistics; "
        "the Statistics column says how many rows of them the events table had.\n"
    )
    add(
        "| Database | Statistics | Case | Transport | Requests | p50 (ms) | p95 (ms) | max (ms) "
        "| Items | Limit (p95) | Result | Load | Code |"
    )
    add("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for result in results["api"]:
        for case, limit in API_TARGETS.items():
            row = result.get(case)
            if row is None:
                continue
            analyzed = (
                f" (ANALYZE took {result['analyze_seconds']:.1f} s)"
                if "analyze_seconds" in result
                else ""
            )
            if result.get("statistics") == "as imported" and "statistics_before" in result:
                count = result["statistics_before"]
                analyzed += f" ({count} statistics rows)" if count else " (no statistics)"
            items = f"{row['items_min']}–{row['items_max']}"
            if row["empty_responses"]:
                items += f" ({row['empty_responses']} empty)"
            add(
                f"| {DB_LABEL[result['db']]} ({result.get('events_in_db', 0):,} events) | "
                f"{result.get('statistics', 'as imported')}{analyzed} | {case} | "
                f"{result['transport']} | {row['n']} | {ms(row['p50'])} | "
                f"{ms(row['p95'])} | {ms(row['max'])} | {items} | {ms(limit)} | "
                f"{verdict(row['p95'], limit)} | {load_cell(result)} | {code_cell(result)} |"
            )
    add("")

    add("## Errors and anomalies\n")
    problems = []
    for result in results["imports"] + results["api"]:
        where = f"{result.get('name', result.get('transport'))} / {result['db']}"
        if "statistics" in result:
            where += f" ({result['statistics']})"
        problems += [
            f"{where}:\n\n```\n{text.rstrip()}\n```\n" for text in result.get("errors", [])
        ]
        for run in result.get("runs", []):
            problems += [f"{where}: {p}\n" for p in run.get("problems", [])]
    add(
        "\n".join(problems)
        if problems
        else "None: every import and request succeeded and counts matched.\n"
    )

    add("## Analysis\n")
    # The analysis is written by people, not generated: it lives in bench/ANALYSIS.md.
    analysis = BENCH / "ANALYSIS.md"
    add(analysis.read_text(encoding="utf-8").split("-->", 1)[-1].strip() + "\n")
    # bench/analyse.py measures `vigil analyse` and the forecast targets; it writes its own
    # section, kept here so a re-render of the import/API figures does not drop it.
    analytics = BENCH / "ANALYTICS.md"
    if analytics.exists():
        add(analytics.read_text(encoding="utf-8").strip() + "\n")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Mexico file only, one run")
    parser.add_argument("--dbs", default=",".join(DATABASES))
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--slow-seconds", type=float, default=600.0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--render", type=Path, help="only rewrite the report from saved JSON")
    parser.add_argument(
        "--api-only",
        action="store_true",
        help="redo the API cases on the databases the last full run left (imports kept)",
    )
    args = parser.parse_args()
    args.dbs = [d for d in args.dbs.split(",") if d]
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    if args.quick and args.requests == parser.get_default("requests"):
        args.requests = 30
    if args.out is None:
        args.out = VAR / "RESULTS-quick.md" if args.quick else BENCH / "RESULTS.md"

    if args.render:
        results = json.loads(args.render.read_text())
    else:
        os.nice(10)
        results = api_only(args) if args.api_only else run_all(args)
    args.out.write_text(render(results))
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
