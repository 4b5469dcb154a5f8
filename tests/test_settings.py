"""Security defaults of the project settings: hashing, lockout, CSP, cookies."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings

from tests.factories import UserFactory
from vigil import settings as project_settings


def test_passwords_are_hashed_with_argon2() -> None:
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        assert make_password("correct horse battery").startswith("argon2$")


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account() -> None:
    UserFactory(username="amina", is_staff=True)
    client = Client()
    for _ in range(project_settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "amina", "password": "wrong"})
    locked = client.post(
        "/admin/login/", {"username": "amina", "password": "correct horse battery"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_correct_sign_in_still_works_before_the_limit() -> None:
    UserFactory(username="kofi", is_staff=True)
    client = Client()
    client.post("/admin/login/", {"username": "kofi", "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": "kofi", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_pages_forbid_inline_scripts_and_framing() -> None:
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_session_cookies_are_http_only_and_short_lived() -> None:
    assert project_settings.SESSION_COOKIE_HTTPONLY is True
    assert project_settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert project_settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
