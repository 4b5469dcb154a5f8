"""Shared fixtures: the reference geography, named personas, and the real data folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.personas import Personas, make_personas


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Argon2 is deliberately slow; tests that need it (tests/test_settings.py) ask for it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data: real public files the suite imports. Tests need it; CI has it."""
    path = Path(settings.SHARED_DATA_DIR)
    if not path.is_dir():
        pytest.fail(f"real test data not found at {path} (set VIGIL_SHARED_DATA)")
    return path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureDef) -> None:
    """The test database as `vigil migrate` leaves it, minus the reference geography its data
    migration loads: each test states the world it needs (`reference_geography`, or a few
    countries of its own), so a test of one member state is not reviewed by eighteen.
    tests/geo/test_migrations.py checks the migration itself on an empty database."""
    from vigil.geo.models import Country, RegionalOrganisation, RegionMembership

    with django_db_blocker.unblock():
        RegionMembership.objects.all().delete()
        RegionalOrganisation.objects.all().delete()
        Country.objects.all().delete()


@pytest.fixture
def reference_geography(db: None) -> None:
    """Countries, crosswalks and regional memberships, as `vigil demo` loads them."""
    from vigil.geo.services import load_reference_geography

    load_reference_geography()


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()
