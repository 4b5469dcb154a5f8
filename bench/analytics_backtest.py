"""Rolling-origin backtests of the forecasters and the VIEWS baselines on the real data.

The same run as `vigil backtest --out bench/backtest`; kept so `make bench` covers it.

    .venv/bin/python bench/analytics_backtest.py [--data ../shared/data] [--horizons 1 2 3]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vigil.analytics.evaluation import evaluate

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--horizons", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    evaluation = evaluate(Path(args.data), horizons=args.horizons, progress=print)
    evaluation.write(ROOT / "bench" / "backtest")
    print(evaluation.markdown)


if __name__ == "__main__":
    main()
