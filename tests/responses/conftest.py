"""Fixtures of the response-loop tests: the option library, regions, a responder person,
and issued alerts with a chosen issue time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import AlertFactory, MembershipFactory, UserFactory
from vigil.actors.choices import Role
from vigil.geo.models import RegionalOrganisation
from vigil.responses.models import ResponseOption
from vigil.responses.services import load_response_options
from vigil.sharing.choices import TLP


@pytest.fixture
def library(db: None) -> dict[str, ResponseOption]:
    """The bundled option library, by code."""
    load_response_options()
    return {o.code: o for o in ResponseOption.objects.all()}


@pytest.fixture
def regions(db: None) -> dict[str, RegionalOrganisation]:
    names = {"ECOWAS": "Economic Community of West African States", "IGAD": "IGAD"}
    return {
        code: RegionalOrganisation.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in names.items()
    }


@pytest.fixture
def responder(personas: Any) -> Any:
    """wanep_coordinator: acts for WANEP Nigeria (a CSO), which ECOWAS may assign to respond.
    Sees CLEAR and GREEN, and an AMBER alert once it is shared with WANEP."""
    user = UserFactory(username="wanep_coordinator")
    MembershipFactory(user=user, organisation=personas.wanep, role=Role.ANALYST)
    return user


def issued_alert(
    owner: Any,
    *,
    tlp: str = TLP.CLEAR,
    issued: dt.datetime | dt.date | None = None,
    region: RegionalOrganisation | None = None,
    event: str = "Escalation of violence",
) -> Any:
    """An alert of `owner`, issued at `issued` (default: now)."""
    if isinstance(issued, dt.date) and not isinstance(issued, dt.datetime):
        issued = dt.datetime.combine(issued, dt.time(9, 0), tzinfo=dt.UTC)
    return AlertFactory(
        owner_org=owner,
        tlp=tlp,
        status="issued",
        issued_at=issued or timezone.now(),
        region=region,
        event=event,
    )


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)
