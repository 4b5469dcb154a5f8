"""The events page as the server renders it, before any JavaScript runs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nigeria_event(reference_geography: None) -> None:
    EventFactory(country_id="NGA", date_start=dt.date(2019, 7, 1), fatalities_best=5)


def test_form_lists_options_and_echoes_the_query(client: Client, nigeria_event: None) -> None:
    query = {
        "country": "NGA",
        "region": "ECOWAS",
        "date_from": "2019-01-01",
        "date_to": "2019-12-31",
        "category": "armed_clash",
        "source": "ucdp_ged",
        "min_fatalities": "3",
    }

    response = client.get(reverse("web:events"), query)

    assert response.status_code == 200
    assertContains(response, '<option value="NGA" selected>Nigeria</option>', html=True)
    assertContains(response, '<option value="armed_clash" selected>Armed clash</option>', html=True)
    assertContains(
        response,
        '<option value="ucdp_ged" selected>UCDP Georeferenced Event Dataset</option>',
        html=True,
    )
    assert re.search(r'<option value="ECOWAS" selected>ECOWAS — [^<]+</option>', response.text)
    for name in ("date_from", "date_to", "min_fatalities"):
        assert re.search(rf'name="{name}"[^>]*value="{query[name]}"', response.text), name


def test_empty_query_selects_nothing(client: Client, nigeria_event: None) -> None:
    response = client.get(reverse("web:events"))

    assert response.status_code == 200
    # (The language switcher in the header rightly marks the current language selected.)
    filters = re.search(r'<form id="event-filters".*?</form>', response.text, re.S)
    assert filters is not None
    assert " selected" not in filters[0]
    assertContains(response, '<option value="NGA">Nigeria</option>', html=True)


def test_query_values_are_escaped(client: Client, nigeria_event: None) -> None:
    response = client.get(reverse("web:events"), {"date_from": '"><script>alert(1)</script>'})

    assert "<script>alert(1)" not in response.text
    assertContains(response, "&quot;&gt;&lt;script&gt;")


def test_page_has_no_inline_script_and_no_third_party_asset(
    client: Client, nigeria_event: None
) -> None:
    response = client.get(reverse("web:events"))

    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts
    assert all(" src=" in tag for tag in scripts), scripts
    assert " style=" not in response.text
    assert not re.search(r'(?:src|href)="(?:https?:)?//', response.text)


def test_map_has_no_tiles_unless_a_tile_server_is_configured(
    client: Client, nigeria_event: None, settings
) -> None:
    assertContains(client.get(reverse("web:events")), 'data-tile-url=""')

    settings.VIGIL_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"

    assertContains(
        client.get(reverse("web:events")),
        'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"',
    )


def test_arabic_page_reads_right_to_left(client: Client, nigeria_event: None) -> None:
    response = client.get(reverse("web:events"), headers={"accept-language": "ar"})

    assert re.search(r'<html lang="ar" dir="rtl">', response.text)


def test_english_page_reads_left_to_right(client: Client, nigeria_event: None) -> None:
    response = client.get(reverse("web:events"), headers={"accept-language": "en"})

    assert re.search(r'<html lang="en" dir="ltr">', response.text)
