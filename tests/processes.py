"""Helpers for tests that run Vigil in a second process on the test database (PostgreSQL)."""

from __future__ import annotations

from django.db import connection


def database_url() -> str:
    """The test database as a DATABASE_URL a `vigil` subprocess can open."""
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"
