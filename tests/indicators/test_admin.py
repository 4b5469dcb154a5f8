"""Indicator sets are edited in the admin; observations are only inspected there, by policy."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.factories import UserFactory
from tests.indicators.conftest import observe

pytestmark = pytest.mark.usefixtures("reference_geography")


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def staff_who_may_view_observations(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_observation"))
    return user


def test_indicator_set_pages_open_with_their_indicators(cewarn) -> None:
    client = admin_client(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get("/admin/indicators/indicatorset/").status_code == 200
    page = client.get(f"/admin/indicators/indicatorset/{cewarn.pk}/change/")
    assert page.status_code == 200
    assert "markets-open" in page.text


def test_observation_admin_shows_values_and_history_to_the_owning_org(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    client = admin_client(staff_who_may_view_observations(personas.analyst))
    assert client.get("/admin/indicators/observation/").context["cl"].result_count == 1
    page = client.get(f"/admin/indicators/observation/{observation.pk}/change/")
    assert page.status_code == 200
    assert "armed-raids" in page.text


def test_observation_admin_hides_what_the_staff_member_may_not_see(personas, cewarn) -> None:
    observation = observe(personas.monitor, cewarn)
    client = admin_client(staff_who_may_view_observations(personas.other_org_analyst))
    assert client.get("/admin/indicators/observation/").context["cl"].result_count == 0
    page = client.get(f"/admin/indicators/observation/{observation.pk}/change/")
    assert page.status_code == 302  # the admin's "does not exist" redirect, as for a missing id
