"""Reads of the event store: the analytics frame honours the access policy."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import EventFactory
from vigil.events.selectors import events_frame, events_visible_to
from vigil.sharing.choices import TLP

pytestmark = pytest.mark.usefixtures("reference_geography")


def test_events_frame_has_the_canonical_columns_and_only_visible_rows(personas) -> None:
    EventFactory(date_start=dt.date(2020, 5, 2), fatalities_best=4)
    EventFactory(tlp=TLP.AMBER, owner_org=personas.ecowas, fatalities_best=None)
    public = events_frame(events_visible_to(personas.public))
    analyst = events_frame(events_visible_to(personas.analyst))
    assert len(public) == 1
    assert len(analyst) == 2
    assert list(public.columns)[:4] == ["event_id", "source", "date_start", "date_end"]
    assert str(public["date_start"].dtype).startswith("datetime64")
    assert public.loc[0, "fatalities"] == 4
    assert analyst["fatalities"].tolist().count(0) == 1  # unknown counts as 0, not NaN
