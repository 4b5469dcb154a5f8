"""Reads of observations through the access policy, and the frame analytics receive."""

from __future__ import annotations

import pandas as pd
import pytest
from django.http import Http404

from tests.indicators.conftest import MONDAY, observe
from vigil.indicators.selectors import (
    FRAME_COLUMNS,
    indicator_sets,
    observation_for,
    observations_frame,
    observations_visible_to,
)
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.usefixtures("reference_geography")

# Who sees an AMBER observation ECOWAS's monitor filed: ECOWAS's people, not IGAD, not the public.
AMBER_ACCESS = [
    ("monitor", True),
    ("analyst", True),
    ("decision_maker", True),
    ("other_org_analyst", False),
    ("public", False),
]


@pytest.mark.parametrize(("persona", "sees"), AMBER_ACCESS)
def test_amber_observation_is_seen_by_its_organisation_only(persona, sees, personas, cewarn):
    observation = observe(personas.monitor, cewarn, tlp=TLP.AMBER)
    reader = getattr(personas, persona)
    assert observations_visible_to(reader).filter(pk=observation.pk).exists() is sees
    if not sees:
        with pytest.raises(Http404):
            observation_for(reader, observation.pk)


def test_missing_and_forbidden_observations_are_alike(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    for pk in (observation.pk, observation.pk + 1000):
        with pytest.raises(Http404, match="No such observation"):
            observation_for(personas.other_org_analyst, pk)


def test_clear_observation_is_public(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn, tlp=TLP.CLEAR)
    assert observation_for(personas.public, observation.pk) == observation


def test_frame_holds_only_what_the_reader_may_see(personas, cewarn) -> None:
    amber = observe(personas.monitor, cewarn, tlp=TLP.AMBER)
    clear = observe(personas.monitor, cewarn, tlp=TLP.CLEAR, period="monthly",
                    period_start=MONDAY.replace(day=1), values={"displacement": 2})  # fmt: skip

    outsider = observations_frame(observations_visible_to(personas.other_org_analyst))
    insider = observations_frame(observations_visible_to(personas.analyst))

    assert list(outsider.columns) == FRAME_COLUMNS
    assert outsider.drop(columns="admin1_id").to_dict("records") == [
        {
            "observation_id": clear.pk,
            "country": "NGA",
            "period": "monthly",
            "period_start": pd.Timestamp("2026-03-01"),
            "indicator_set": "cewarn-conflict-peace",
            "indicator": "displacement",
            "direction": "conflict",
            "phase": "",
            "value": 2,
            "status": "submitted",
            "tlp": "CLEAR",
        }
    ]
    assert outsider.admin1_id.isna().all()
    assert outsider.admin1_id.dtype == "Int64"
    assert set(insider.observation_id) == {amber.pk, clear.pk}
    assert len(insider) == 3
    assert insider.loc[insider.indicator == "markets-open", "direction"].item() == "mitigating"
    assert pd.api.types.is_datetime64_any_dtype(insider.period_start)


def test_frame_of_nothing_has_the_columns(personas) -> None:
    frame = observations_frame(observations_visible_to(personas.public))
    assert frame.empty
    assert list(frame.columns) == FRAME_COLUMNS


def test_retired_indicators_are_not_offered(cewarn) -> None:
    cewarn.indicators.filter(code="drought-stress").update(is_active=False)
    offered = [i.code for i in indicator_sets().get(code=cewarn.code).indicators.all()]
    assert "drought-stress" not in offered
    assert offered[0] == "armed-raids"
