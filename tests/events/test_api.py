"""`/api/v1/events`: filters, pagination, formats, access, problem+json."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from tests.factories import EventFactory
from vigil.events.choices import Category, Source
from vigil.sharing.choices import TLP
from vigil.sharing.models import AuditEntry

pytestmark = pytest.mark.usefixtures("reference_geography")
URL = "/api/v1/events"


@pytest.fixture
def client() -> Client:
    return Client()


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_filters_by_iso_alpha3_country_and_date_range(client: Client) -> None:
    inside = EventFactory(country_id="NGA", date_start=dt.date(2019, 7, 1))
    EventFactory(country_id="NGA", date_start=dt.date(2018, 1, 1))
    EventFactory(country_id="NER", date_start=dt.date(2019, 7, 1))
    response = client.get(
        URL, {"country": "NGA", "date_from": "2019-01-01", "date_to": "2019-12-31"}
    )
    assert response.status_code == 200
    assert ids(response) == [inside.pk]


def test_region_filter_respects_membership_dates(client: Client) -> None:
    # Mali left ECOWAS on 2025-01-29: its 2024 event is in the region, its 2025 event is not.
    before = EventFactory(country_id="MLI", date_start=dt.date(2024, 6, 1))
    EventFactory(country_id="MLI", date_start=dt.date(2025, 6, 1))
    nigeria = EventFactory(country_id="NGA", date_start=dt.date(2025, 6, 1))
    EventFactory(country_id="KEN", date_start=dt.date(2025, 6, 1))
    assert sorted(ids(client.get(URL, {"region": "ECOWAS"}))) == sorted([before.pk, nigeria.pk])


def test_other_filters_combine(client: Client) -> None:
    match = EventFactory(category=Category.REMOTE_VIOLENCE, source=Source.ACLED,
                         fatalities_best=30, latitude=12.0, longitude=14.0)  # fmt: skip
    EventFactory(category=Category.REMOTE_VIOLENCE, source=Source.ACLED, fatalities_best=2,
                 latitude=12.0, longitude=14.0)  # fmt: skip
    EventFactory(category=Category.ARMED_CLASH, source=Source.ACLED, fatalities_best=30)
    EventFactory(category=Category.REMOTE_VIOLENCE, source=Source.ACLED, fatalities_best=30,
                 latitude=6.5, longitude=3.4)  # fmt: skip
    response = client.get(URL, {"category": "remote_violence", "source": "acled",
                                "min_fatalities": 10, "bbox": "13,11,15,13"})  # fmt: skip
    assert ids(response) == [match.pk]


def test_cursor_pagination_walks_every_event_once(client: Client) -> None:
    days = [dt.date(2020, 1, d) for d in (1, 1, 1, 2, 3, 3, 4)]
    made = [EventFactory(date_start=d) for d in days]
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get(URL, params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    expected = sorted(made, key=lambda e: (e.date_start, e.pk), reverse=True)
    assert seen == [e.pk for e in expected]


def test_geojson_is_rfc7946_with_lon_lat_order(client: Client) -> None:
    event = EventFactory(latitude=11.85, longitude=13.16)
    response = client.get(URL, {"format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["id"] == event.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [13.16, 11.85]}


def test_csv_has_an_hxl_hashtag_row(client: Client) -> None:
    EventFactory(fatalities_best=7)
    response = client.get(URL, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, tags, first = rows[0], rows[1], rows[2]
    assert tags[header.index("fatalities_best")] == "#affected+killed"
    assert tags[header.index("country")] == "#country+code"
    assert first[header.index("fatalities_best")] == "7"


def test_detail_answers_404_alike_for_missing_and_forbidden(client: Client, personas) -> None:
    secret = EventFactory(tlp=TLP.AMBER, owner_org=personas.ecowas)
    missing = client.get(f"{URL}/999999")
    forbidden = client.get(f"{URL}/{secret.pk}")
    assert missing.status_code == forbidden.status_code == 404
    assert missing.json() == forbidden.json()
    assert missing["Content-Type"] == "application/problem+json"


def test_protected_events_are_hidden_from_lists_and_aggregates(client: Client, personas) -> None:
    public = EventFactory(tlp=TLP.CLEAR, fatalities_best=1)
    amber = EventFactory(tlp=TLP.AMBER, owner_org=personas.ecowas, fatalities_best=100)
    anonymous_ids = ids(client.get(URL))
    timeline = client.get(f"{URL}/timeline").json()["items"]
    assert anonymous_ids == [public.pk]
    assert sum(i["fatalities"] for i in timeline) == 1

    client.force_login(personas.analyst)
    assert sorted(ids(client.get(URL))) == sorted([public.pk, amber.pk])
    assert AuditEntry.objects.filter(object_id=amber.pk, user=personas.analyst).exists()


def test_bad_filters_get_problem_json_with_the_field(client: Client) -> None:
    # What the schema excludes (its pattern says ISO alpha-3) is a 422 naming the field...
    response = client.get(URL, {"country": "NG"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "country"
    # ...and a filter the schema admits but that cannot be applied, a 400 naming it.
    reversed_dates = client.get(URL, {"date_from": "2020-02-01", "date_to": "2020-01-01"})
    assert reversed_dates.status_code == 400
    assert reversed_dates.json()["errors"] == [
        {"field": "date_from", "reason": "date_from is after date_to"}
    ]
    invalid = client.get(URL, {"date_from": "yesterday"})
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "date_from"


def test_timeline_counts_events_and_fatalities_per_month(client: Client) -> None:
    EventFactory(date_start=dt.date(2019, 7, 1), fatalities_best=3)
    EventFactory(date_start=dt.date(2019, 7, 20), fatalities_best=4)
    EventFactory(date_start=dt.date(2019, 9, 2), fatalities_best=1)
    body = client.get(f"{URL}/timeline", {"interval": "month"}).json()
    assert body["items"] == [
        {"period": "2019-07-01", "events": 2, "fatalities": 7},
        {"period": "2019-09-01", "events": 1, "fatalities": 1},
    ]


def test_list_query_count_does_not_grow_with_the_page(
    client: Client, django_assert_max_num_queries
) -> None:
    for _ in range(30):
        EventFactory()
    with django_assert_max_num_queries(6):
        assert len(client.get(URL, {"limit": 30}).json()["items"]) == 30


def test_csv_pages_link_to_the_next_page_with_the_same_filters(client: Client) -> None:
    for _ in range(3):
        EventFactory(country_id="NGA")
    response = client.get(URL, {"format": "csv", "country": "NGA", "limit": 2})
    link = response["Link"]
    assert link.startswith("<http://testserver/api/v1/events?")
    assert "country=NGA" in link
    assert "cursor=" in link
    assert link.endswith('>; rel="next"')
