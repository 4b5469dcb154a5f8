"""Bad input never makes a 500: each defect the outside probe found, named for the behaviour
that replaces it (problem+json, the field named), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from vigil.actors.services import issue_api_token
from vigil.fieldreports.models import FieldReport

pytestmark = pytest.mark.usefixtures("reference_geography")

REPORT = {
    "date_start": "2026-11-20",
    "country": "NGA",
    "category": "armed_clash",
    "description": "Gunmen attacked Kawuri market at dawn.",
    "credibility": 2,
}


@pytest.fixture
def monitor_client(personas: Any) -> tuple[Client, dict[str, str]]:
    _, key = issue_api_token(user=personas.monitor, name="probe")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post_report(monitor_client: tuple[Client, dict], body: dict) -> Any:
    client, auth = monitor_client
    return client.post("/api/v1/reports", body, content_type="application/json", **auth)


def problem_fields(response: Any) -> set[str]:
    """The fields a problem+json answer names (schema errors say "payload.<field>")."""
    assert response["Content-Type"] == "application/problem+json", response.content
    return {error["field"].removeprefix("payload.") for error in response.json().get("errors", [])}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XXX"}, "country"),
        ({"country": "NGA", "admin1": 99_999}, "admin1"),
        ({"country": "NGÄ"}, "country"),
    ],
)
def test_an_unknown_country_or_admin1_is_a_422_naming_the_field(
    monitor_client: Any, change: dict, field: str
) -> None:
    response = post_report(monitor_client, REPORT | change)
    assert response.status_code == 422
    assert field in problem_fields(response)
    assert FieldReport.objects.count() == 0


@pytest.mark.parametrize("deaths", [10**30, 2**31 + 5, 100_001, -1])
def test_fatalities_out_of_range_are_refused(monitor_client: Any, deaths: int) -> None:
    response = post_report(monitor_client, REPORT | {"fatalities": deaths})
    assert response.status_code == 422
    assert "fatalities" in problem_fields(response)


def test_a_nul_byte_in_a_description_is_refused(monitor_client: Any) -> None:
    response = post_report(
        monitor_client, REPORT | {"location": "Kawuri", "description": "before\x00after"}
    )
    assert response.status_code == 422
    assert problem_fields(response) == {"description"}  # the field that holds it, no other
    client, auth = monitor_client
    listed = client.get("/api/v1/events", {"country": "NG\x00A"}, **auth)
    assert listed.status_code == 422


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/consultations/meetings", {"limit": -1}),
        ("/api/v1/alerts", {"offset": 10**12}),
        ("/api/v1/responses/actions", {"alert": 2**63}),
        ("/api/v1/responses/actions", {"responder": 2**70}),
    ],
)
def test_out_of_range_numbers_in_a_query_are_a_422(
    monitor_client: Any, url: str, params: dict
) -> None:
    client, auth = monitor_client
    response = client.get(url, params, **auth)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_a_body_over_the_limit_is_a_problem_json_413(monitor_client: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    big = REPORT | {"description": "x" * 2_000_000}
    response = post_report(monitor_client, big)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "1,000,000 bytes" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/api/v1/reports", "/api/v1/products"])
@pytest.mark.parametrize("limit", [-2397080399094013, 0, 10**6])
def test_a_list_limit_out_of_range_is_a_422(monitor_client: Any, url: str, limit: int) -> None:
    """Found by schemathesis: GET /api/v1/reports?limit=-2397080399094013 answered 500."""
    client, auth = monitor_client
    response = client.get(url, {"limit": limit}, **auth)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_an_api_token_opens_the_api_but_not_the_web_pages(personas: Any) -> None:
    _, key = issue_api_token(user=personas.analyst, name="probe")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert Client().get("/api/v1/sources", **auth).status_code == 200
    page = Client().get("/sources/", **auth)
    assert page.status_code == 302  # to the sign-in page: the token is not a session
    assert "/accounts/login/" in page["Location"]


def test_the_openapi_document_declares_bearer_tokens() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"
    submit = document["paths"]["/api/v1/reports"]["post"]
    assert {"BearerAuth": []} in submit["security"]
