"""The subscriptions page through Django's test client: list, add, change, remove."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import SubscriptionFactory
from vigil.dissemination.models import Subscription


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_page_lists_only_ones_own_subscriptions(personas, west_africa):
    SubscriptionFactory(user=personas.analyst, region=west_africa, kind="alert")
    SubscriptionFactory(user=personas.other_org_analyst, country_id="ETH")

    page = signed_in(personas.analyst).get(reverse("dissemination:list"))

    assert page.status_code == 200
    rows = page.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 1
    assert "ECOWAS" in rows
    assert "Ethiopia" not in rows


@pytest.mark.django_db
def test_a_person_subscribes_from_the_page(personas, west_africa):
    client = signed_in(personas.analyst)

    response = client.post(
        reverse("dissemination:list"),
        {"region": "ECOWAS", "country": "GHA", "kind": "", "min_severity": "Moderate",
         "language": "fr"},
    )  # fmt: skip

    assert response.status_code == 302
    subscription = Subscription.objects.get(user=personas.analyst)
    assert (subscription.region_id, subscription.country_id, subscription.language) == (
        "ECOWAS",
        "GHA",
        "fr",
    )
    assert "Subscribed." in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_a_refused_subscription_shows_the_reason_beside_the_field(personas, west_africa):
    response = signed_in(personas.analyst).post(
        reverse("dissemination:list"),
        {"region": "ECOWAS", "country": "ETH", "min_severity": "Unknown", "language": "en"},
    )

    assert response.status_code == 200
    assert "is not a member of ECOWAS" in response.content.decode()
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_a_person_changes_and_removes_a_subscription(personas, west_africa):
    mine = SubscriptionFactory(user=personas.analyst, region=west_africa)
    client = signed_in(personas.analyst)

    client.post(
        reverse("dissemination:edit", args=[mine.pk]),
        {"region": "ECOWAS", "min_severity": "Severe", "language": "ar"},
    )
    mine.refresh_from_db()
    assert (mine.min_severity, mine.language) == ("Severe", "ar")

    client.post(reverse("dissemination:delete", args=[mine.pk]))
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_another_persons_subscription_cannot_be_changed_or_removed(personas, west_africa):
    theirs = SubscriptionFactory(user=personas.other_org_analyst, region=west_africa)
    client = signed_in(personas.analyst)

    assert client.get(reverse("dissemination:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("dissemination:delete", args=[theirs.pk])).status_code == 404
    assert Subscription.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(west_africa):
    response = Client().get(reverse("dissemination:list"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_person_without_an_email_is_warned(personas, west_africa):
    personas.analyst.email = ""
    personas.analyst.save()
    page = signed_in(personas.analyst).get(reverse("dissemination:list"))
    assert "has no email address" in page.content.decode()
