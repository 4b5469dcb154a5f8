"""`vigil analyse` over a 1M-event store, and the forecast targets of the committed backtest.

    .venv/bin/python bench/analyse.py [--runs 3] [--skip-import]

Builds (once, cached in var/bench) the 1M-row GED file and a SQLite store holding it, then
times `vigil analyse --as-of latest` in separate processes: cold (`--retrain`: every
forecaster fitted) and warm (the model store already holds forecasters fitted on the same
data, as on a day when nothing new arrived before the cut-off). Writes bench/ANALYTICS.md,
which run.py includes in RESULTS.md, and refreshes that section of RESULTS.md in place.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from benchlib import DATABASE_URLS, VAR, VIGIL, build_million, child_env, log, publish_section

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
STORE = VAR / "analyse.sqlite3"
MODELS = VAR / "analyse-models"
TARGET_SECONDS = 60.0
BACKTEST_TARGET_SECONDS = 600.0


def env() -> dict[str, str]:
    out = child_env("sqlite")
    out["DATABASE_URL"] = DATABASE_URLS["sqlite"].replace("bench.sqlite3", STORE.name)
    return out


def vigil(*args: str) -> str:
    done = subprocess.run(
        [str(VIGIL), *args], env=env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"vigil {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def build_store() -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{STORE}{suffix}").unlink(missing_ok=True)
    vigil("migrate", "--no-input", "-v", "0")
    vigil("load_geography")
    log("importing the 1M-row file (minutes)")
    vigil("import", "ucdp-ged", str(build_million()))
    count = vigil(
        "shell", "-c", "from vigil.events.models import Event; print(Event.objects.count())"
    )
    return int(count.strip().splitlines()[-1])


def timed_analyse(retrain: bool) -> tuple[float, str]:
    """Seconds of the whole `vigil analyse` process, and its summary with the steps' times."""
    args = ["analyse", "--as-of", "latest", "--model-dir", str(MODELS)]
    started = time.perf_counter()
    out = vigil(*args, *(["--retrain"] if retrain else []))
    seconds = time.perf_counter() - started
    lines = out.strip().splitlines()
    summary = next((line for line in lines if line.startswith("Analysis as of")), lines[-1])
    steps = "; ".join(line.strip() for line in lines if line.startswith("  "))
    return seconds, f"{summary} Steps: {steps}. Load average after: {os.getloadavg()[0]:.1f}"


def verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "NOT met"


def backtest_section() -> list[str]:
    """Targets of issue 4 from the committed backtest (bench/backtest/results.json)."""
    path = BENCH / "backtest" / "results.json"
    if not path.exists():
        return ["No backtest results: run `vigil backtest --out bench/backtest`.", ""]
    results = json.loads(path.read_text())
    lines = [
        "### Forecast targets (from bench/backtest/results.json, `vigil backtest`)",
        "",
        "| level | target | value | verdict |",
        "|---|---|---|---|",
    ]
    year = results["levels"].get("country_year", {})
    for row in year.get("targets", []):
        lines.append(f"| country-year | {row['target']} | {row['value']:.3f} | {row['met']} |")
    for level in ("admin1_month", "country_month"):
        data = results["levels"].get(level)
        if not data:
            continue
        for row in data["coverage"]:
            lines.append(
                f"| {level} | 80% interval coverage h={row['horizon']} in [0.75, 0.85] | "
                f"{row['coverage80']:.3f} | {row['met (0.75-0.85)']} |"
            )
    for level, data in results["levels"].items():
        losses = [r for r in data["vs_baselines"] if r["beats_all"] != "yes"]
        wins = len(data["vs_baselines"]) - len(losses)
        lost = ", ".join(
            f"h={r['horizon']} {r['metric']} ({r['model']:.3f} vs {r['best_baseline']:.3f})"
            for r in losses
        )
        lines.append(
            f"| {level} | beats every baseline on every metric, h=1..3 | {wins}/"
            f"{len(data['vs_baselines'])} | {'met' if not losses else 'NOT met: ' + lost} |"
        )
    for level, seconds in results.get("runtimes_seconds", {}).items():
        total = seconds["total"]
        lines.append(
            f"| {level} | whole backtest (all models, h=1..3) <= 10 min | {total:.0f} s | "
            f"{verdict(total, BACKTEST_TARGET_SECONDS)} |"
        )
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-import", action="store_true", help="reuse var/bench store")
    args = parser.parse_args()
    if args.skip_import and STORE.exists():
        vigil("migrate", "--no-input", "-v", "0")
        events = int(
            vigil("shell", "-c", "from vigil.events.models import Event; "
                  "print(Event.objects.count())").strip().splitlines()[-1]
        )  # fmt: skip
    else:
        events = build_store()
    shutil.rmtree(MODELS, ignore_errors=True)
    cold, warm, lines = [], [], []
    for run in range(args.runs):
        seconds, line = timed_analyse(retrain=True)
        cold.append(seconds)
        log(f"cold run {run + 1}: {seconds:.1f} s — {line}")
        seconds, line = timed_analyse(retrain=False)
        warm.append(seconds)
        log(f"warm run {run + 1}: {seconds:.1f} s — {line}")
        lines.append(line)
    cold_median, warm_median = statistics.median(cold), statistics.median(warm)
    section = [
        "<!-- analytics:start -->",
        "## Analytics",
        "",
        f"Written by bench/analyse.py on {time.strftime('%Y-%m-%d')}, {platform.node()} "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}.",
        "",
        f"### `vigil analyse` over a {events:,}-event SQLite store (whole process, "
        f"median of {args.runs})",
        "",
        "| case | median | runs | target 60 s |",
        "|---|---|---|---|",
        f"| cold: every forecaster fitted (`--retrain`) | {cold_median:.1f} s | "
        f"{', '.join(f'{s:.1f}' for s in cold)} | {verdict(cold_median, TARGET_SECONDS)} |",
        f"| warm: forecasters from the model store | {warm_median:.1f} s | "
        f"{', '.join(f'{s:.1f}' for s in warm)} | {verdict(warm_median, TARGET_SECONDS)} |",
        "",
        f"Last run: {lines[-1]}",
        "",
        *backtest_section(),
        "<!-- analytics:end -->",
    ]
    text = "\n".join(section) + "\n"
    publish_section("analytics", BENCH / "ANALYTICS.md", text)
    print(text)


if __name__ == "__main__":
    main()
