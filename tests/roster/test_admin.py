"""The roster's admin pages open for platform staff, and a seniority edit there is dated."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.roster.conftest import add


@pytest.mark.parametrize(
    "model",
    ["roster", "rostermember", "deployment", "globalsouthlist", "rosteractivity"],
)
def test_admin_lists_open(world, model) -> None:
    add(world, "Awa Test")
    client = Client()
    client.force_login(world.personas.admin)
    assert client.get(f"/admin/roster/{model}/").status_code == 200


def test_a_member_page_in_the_admin_opens(world) -> None:
    member = add(world, "Awa Test")
    client = Client()
    client.force_login(world.personas.admin)
    page = client.get(f"/admin/roster/rostermember/{member.pk}/change/")
    assert page.status_code == 200
    assert "Awa Test" in page.content.decode()
