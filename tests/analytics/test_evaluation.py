"""The committed backtest report is what a fresh run on the real data gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigil.analytics.evaluation import evaluate

COMMITTED = Path(__file__).resolve().parents[2] / "bench" / "backtest"


@pytest.fixture(scope="module")
def fresh(shared_data):
    """The country-year level (the quick one, ~30 s) rerun from the files in shared/data."""
    return evaluate(shared_data, levels=("country_year",))


def test_a_fresh_country_year_backtest_reproduces_the_committed_scores(fresh) -> None:
    committed = json.loads((COMMITTED / "results.json").read_text())
    assert fresh.results["versions"] == committed["versions"]
    ours = fresh.results["levels"]["country_year"]
    theirs = committed["levels"]["country_year"]
    assert len(ours["scores"]) == len(theirs["scores"]) == 12  # 4 models x 3 horizons
    for mine, kept in zip(ours["scores"], theirs["scores"], strict=True):
        assert mine.keys() == kept.keys()
        for key, value in mine.items():
            if isinstance(value, float):
                assert value == pytest.approx(kept[key], rel=1e-9, abs=1e-12), key
            else:
                assert value == kept[key], key


def test_the_committed_report_contains_the_fresh_country_year_section(fresh) -> None:
    section = fresh.markdown.split("Count scores follow")[0].strip()
    assert section in (COMMITTED / "REPORT.md").read_text()
    assert "incidence AUC h=1 >= 0.95" in section
