"""What every answer carries for a signed-in caller, and the password rule (OWASP ASVS L2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from vigil.actors.services import issue_api_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_geography")]


def test_answers_to_a_signed_in_caller_are_not_stored(personas: Any) -> None:
    client = Client()
    anonymous = client.get("/api/v1/regions")
    assert "no-store" not in anonymous.get("Cache-Control", "")

    client.force_login(personas.analyst)
    for path in ("/api/v1/regions", "/events/coverage/", "/alerts/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path

    _, key = issue_api_token(user=personas.monitor, name="cache")
    with_token = Client().get("/api/v1/alerts", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert with_token["Cache-Control"] == "private, no-store"


def test_a_view_that_chose_its_caching_keeps_it(personas: Any) -> None:
    client = Client()
    client.force_login(personas.analyst)
    public_feed = client.get("/alerts/feed/ECOWAS.atom")
    assert public_feed.status_code == 200
    # The public feed is CLEAR only for everyone, so it may be cached even when the
    # request came with a session.
    assert public_feed["Cache-Control"] == "public, max-age=60"


def test_passwords_need_twelve_characters() -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Kx7#pq2!mZ")
    validate_password("Kx7#pq2!mZ-long-enough")
