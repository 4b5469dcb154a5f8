"""Fixtures of the alerts tests: the reference geography, personas and a ready alert input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from vigil.alerts.services import AlertInput, AreaInput, InfoInput
from vigil.sharing.choices import TLP


def alert_input(**overrides) -> AlertInput:
    """A complete analyst's alert about Borno (Nigeria) in four languages."""
    values = dict(
        event="Escalation of violence",
        region_id="ECOWAS",
        country_ids=["NGA"],
        tlp=TLP.CLEAR,
        expires=timezone.now() + dt.timedelta(days=14),
        infos=[
            InfoInput("en", "Clashes spread in Borno", "Armed clashes in Borno.", "Monitor."),
            InfoInput("fr", "Les affrontements s'étendent au Borno", "Affrontements armés."),
            InfoInput("pt", "Confrontos alastram-se em Borno", "Confrontos armados."),
            InfoInput("ar", "اشتباكات تمتد في بورنو", "اشتباكات مسلحة في ولاية بورنو."),
        ],
        areas=[
            AreaInput(
                description="Borno State, Nigeria",
                polygons=[[[13.0, 12.0], [13.9, 12.2], [12.3, 14.6], [11.0, 13.5]]],
                circles=[{"lat": 11.85, "lon": 13.16, "radius_km": 40}],
                geocodes=[{"valueName": "ISO3", "value": "NGA"}],
            )
        ],
    )
    values.update(overrides)
    return AlertInput(**values)


@pytest.fixture
def world(reference_geography, personas):
    """Countries and regions loaded, and the named personas."""
    return personas


MARKS = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]
# persona -> marks of ECOWAS's issued alerts they may see (AMBER shared with IGAD, RED with
# the ECOWAS analyst by name, as `alerts_by_mark` sets up).
POLICY: dict[str, set[str]] = {
    "public": {TLP.CLEAR},
    "monitor": {TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT},
    "analyst": {TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED},
    "decision_maker": {TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT},
    "other_org_analyst": {TLP.CLEAR, TLP.GREEN, TLP.AMBER},
    "unshared_analyst": {TLP.CLEAR, TLP.GREEN},
    "admin": set(MARKS),
}


def issued(world, **overrides):
    from vigil.alerts import services

    alert = services.raise_alert(actor=world.analyst, data=alert_input(**overrides))
    return services.issue_alert(alert=alert, actor=world.analyst)


@pytest.fixture
def alerts_by_mark(world) -> dict[str, int]:
    """One issued ECOWAS alert per TLP mark; AMBER shared with IGAD, RED with the analyst."""
    from vigil.sharing.services import share_record

    made = {}
    for mark in MARKS:
        alert = issued(world, tlp=mark, event=f"Kalangulu {mark}")
        made[mark] = alert.pk
        if mark == TLP.AMBER:
            share_record(record=alert, organisation=world.igad, actor=world.analyst)
        if mark == TLP.RED:
            share_record(record=alert, user=world.analyst, actor=world.analyst)
    return made
