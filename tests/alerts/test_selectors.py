"""Selectors other apps rely on: `alerts_visible_to` and `active_alerts`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.alerts.conftest import POLICY, alert_input, issued
from vigil.alerts import selectors, services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", sorted(POLICY))
def test_alerts_visible_to_follows_the_policy(world, alerts_by_mark, persona):
    seen = set(selectors.alerts_visible_to(getattr(world, persona)).values_list("pk", flat=True))
    assert seen == {alerts_by_mark[m] for m in POLICY[persona]}


def test_active_alerts_by_region_newest_first(world):
    older = issued(world)
    newer = issued(world)
    issued(world, region_id="IGAD", country_ids=["KEN"])
    services.raise_alert(actor=world.analyst, data=alert_input())

    assert list(selectors.active_alerts(world.public, region="ECOWAS")) == [newer, older]
    assert selectors.active_alerts(world.public).count() == 3


def test_active_alerts_drop_what_has_expired_before_the_job_runs(world):
    alert = issued(world)
    later = alert.expires + dt.timedelta(minutes=1)
    assert list(selectors.active_alerts(world.public, now=later)) == []
    assert list(selectors.active_alerts(world.public, now=timezone.now())) == [alert]


def test_review_queue_lists_own_drafts_only(world):
    draft = services.raise_alert(actor=world.analyst, data=alert_input())
    assert list(selectors.review_queue(world.analyst)) == [draft]
    assert list(selectors.review_queue(world.other_org_analyst)) == []
