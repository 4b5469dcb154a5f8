"""Indicator sets as shipped, and a helper to file an observation as a persona."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from vigil.indicators.models import IndicatorSet, Observation
from vigil.indicators.services import load_indicator_set, shipped_set_paths, submit_observation
from vigil.sharing.choices import TLP

# A past Monday (weekly periods start on Mondays) and the 1st of a past month.
MONDAY = dt.date(2026, 3, 2)
FIRST_OF_MONTH = dt.date(2026, 3, 1)


@pytest.fixture
def shipped_sets(reference_geography: None) -> dict[str, IndicatorSet]:
    """Both shipped sets, loaded as `vigil load_indicators` loads them."""
    for path in shipped_set_paths():
        load_indicator_set(path=path)
    return {s.code: s for s in IndicatorSet.objects.all()}


@pytest.fixture
def cewarn(shipped_sets: dict[str, IndicatorSet]) -> IndicatorSet:
    return shipped_sets["cewarn-conflict-peace"]


def observe(monitor: Any, indicator_set: IndicatorSet, **overrides: Any) -> Observation:
    """File a weekly observation of Nigeria, AMBER unless told otherwise."""
    values: dict[str, Any] = {
        "monitor": monitor,
        "indicator_set": indicator_set,
        "country_id": "NGA",
        "admin1_id": None,
        "period": "weekly",
        "period_start": MONDAY,
        "values": {"armed-raids": 3, "markets-open": 1},
        "tlp": TLP.AMBER,
    }
    observation, _ = submit_observation(**(values | overrides))
    return observation
