"""`/api/v1/subscriptions`: each person manages their own subscriptions, nobody else's."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import SubscriptionFactory
from vigil.actors.services import issue_api_token
from vigil.dissemination.models import Subscription

URL = "/api/v1/subscriptions"


def bearer(user) -> dict[str, str]:
    _, key = issue_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.django_db
def test_a_person_subscribes_and_lists_their_subscriptions(personas, west_africa):
    client, auth = Client(), bearer(personas.analyst)

    created = client.post(
        URL,
        {"region": "ECOWAS", "country": "NGA", "kind": "alert", "min_severity": "Severe",
         "language": "fr"},
        content_type="application/json",
        **auth,
    )  # fmt: skip
    listed = client.get(URL, **auth)

    assert created.status_code == 201
    body = created.json()
    assert body | {"id": 0, "created_at": ""} == {
        "id": 0,
        "region": "ECOWAS",
        "country": "NGA",
        "kind": "alert",
        "min_severity": "Severe",
        "language": "fr",
        "created_at": "",
    }
    assert [s["id"] for s in listed.json()] == [body["id"]]


@pytest.mark.django_db
def test_invalid_choices_get_422_naming_the_field(personas, west_africa):
    client, auth = Client(), bearer(personas.analyst)

    schema = client.post(URL, {"language": "de"}, content_type="application/json", **auth)
    domain = client.post(
        URL, {"region": "ECOWAS", "country": "ETH"}, content_type="application/json", **auth
    )

    assert schema.status_code == 422
    assert [e["field"] for e in schema.json()["errors"]] == ["payload.language"]
    assert domain.status_code == 422
    assert domain["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in domain.json()["errors"]] == ["country"]


@pytest.mark.django_db
def test_another_persons_subscription_is_a_404_like_a_missing_one(personas, west_africa):
    theirs = SubscriptionFactory(user=personas.other_org_analyst, region=west_africa)
    client, auth = Client(), bearer(personas.analyst)

    assert client.get(f"{URL}/{theirs.pk}", **auth).status_code == 404
    assert client.delete(f"{URL}/{theirs.pk}", **auth).status_code == 404
    assert client.get(f"{URL}/999999", **auth).status_code == 404
    assert client.get(URL, **auth).json() == []
    assert Subscription.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_a_person_changes_and_removes_their_subscription(personas, west_africa):
    mine = SubscriptionFactory(user=personas.analyst, region=west_africa)
    client, auth = Client(), bearer(personas.analyst)

    changed = client.put(
        f"{URL}/{mine.pk}", {"region": "ECOWAS", "language": "pt"},
        content_type="application/json", **auth,
    )  # fmt: skip
    removed = client.delete(f"{URL}/{mine.pk}", **auth)

    assert changed.status_code == 200
    assert changed.json()["language"] == "pt"
    assert changed.json()["kind"] is None
    assert removed.status_code == 204
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_anonymous_callers_are_refused(west_africa):
    assert Client().get(URL).status_code == 401
