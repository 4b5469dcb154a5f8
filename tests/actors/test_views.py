"""Signing in and out through Vigil's own pages, and the navigation each person then sees."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory
from vigil.actors.choices import Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def test_sign_in_page_has_labelled_fields(client: Client) -> None:
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert '<label for="id_username">Username</label>' in response.text
    assert 'autocomplete="current-password"' in response.text
    assert " style=" not in response.text


def test_signing_in_goes_on_to_the_page_asked_for(client: Client, personas) -> None:
    response = client.post(
        reverse("accounts:login"),
        {"username": "monitor", "password": PASSWORD, "next": "/reports/mine/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/reports/mine/"
    assert int(client.session["_auth_user_id"]) == personas.monitor.pk


def test_signing_in_without_a_destination_goes_home(client: Client, personas) -> None:
    response = client.post(reverse("accounts:login"), {"username": "analyst", "password": PASSWORD})
    assert response["Location"] == "/"


def test_a_wrong_password_is_refused_with_a_message(client: Client, personas) -> None:
    response = client.post(reverse("accounts:login"), {"username": "monitor", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_on_this_page_too(client: Client, personas) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "monitor", "password": "nope"})

    locked = client.post(reverse("accounts:login"), {"username": "monitor", "password": PASSWORD})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post(client: Client, personas) -> None:
    client.force_login(personas.monitor)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_signed_in_visitors_skip_the_sign_in_page(client: Client, personas) -> None:
    client.force_login(personas.monitor)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("public", {"Sign in"}, {"My reports", "My observations", "Review queue", "Sign out"}),
        ("monitor", {"My reports", "My observations", "Sign out"}, {"Review queue", "Sign in"}),
        ("analyst", {"My reports", "Review queue", "Sign out"}, {"Sign in"}),
        ("decision_maker", {"My reports", "Sign out"}, {"Review queue"}),
    ],
)
def test_navigation_offers_what_each_person_can_use(
    client: Client, personas, persona: str, shown: set[str], hidden: set[str]
) -> None:
    user = getattr(personas, persona)
    if user.is_authenticated:
        client.force_login(user)

    nav = client.get("/").text.split("</nav>")[0]

    for text in shown:
        assert f">{text}<" in nav, text
    for text in hidden:
        assert f">{text}<" not in nav, text


def test_an_analyst_of_two_organisations_gets_one_queue_link(client: Client, personas) -> None:
    MembershipFactory(user=personas.analyst, organisation=personas.wanep, role=Role.SUPERVISOR)
    client.force_login(personas.analyst)

    nav = client.get("/").text.split("</nav>")[0]

    assert nav.count(">Review queue<") == 1
