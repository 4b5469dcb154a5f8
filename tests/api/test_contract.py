"""The OpenAPI document says what the server does: error answers, media types, closed
bodies with exact JSON types, and one schema per component name."""

from __future__ import annotations

import collections
import enum
from typing import Any

import pytest
from django.test import Client
from ninja import Schema

from vigil.api import api
from vigil.roster.api import MatchIn

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_no_two_schemas_share_a_component_name(document: dict[str, Any]) -> None:
    """ninja names a component after its class; two classes of one name would have one
    silently replace the other (the roster's members were once checked against the
    consultation body's member schema)."""
    names = set(document["components"]["schemas"])
    modules = collections.defaultdict(set)
    for cls in _subclasses(Schema) + _subclasses(enum.Enum):
        if cls.__module__.startswith("vigil.") and cls.__name__ in names:
            modules[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in modules.items() if len(where) > 1} == {}


def test_every_operation_declares_its_errors_as_problem_json(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        assert "422" in responses, (method, path)
        if "requestBody" in operation:
            assert {"400", "413"} <= set(responses), (method, path)
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in responses, (method, path)
        if operation.get("security"):
            assert {"401", "403"} <= set(responses), (method, path)
            assert {"BearerAuth": []} in operation["security"], (method, path)
        for status, response in responses.items():
            if int(status) >= 400:
                assert list(response["content"]) == ["application/problem+json"]


def test_exports_declare_their_media_types(document: dict[str, Any]) -> None:
    def media(path: str) -> set[str]:
        return set(document["paths"][path]["get"]["responses"]["200"]["content"])

    assert media("/api/v1/events") == {"application/json", "application/geo+json", "text/csv"}
    assert media("/api/v1/consultations/mandates.csv") == {"text/csv"}
    assert media("/api/v1/roster/rosters/{slug}/members.csv") == {"text/csv"}
    assert media("/api/v1/consultations/meetings/{meeting_id}/meeting.ics") == {"text/calendar"}
    assert media("/api/v1/alerts/{alert_id}/cap") == {"application/cap+xml"}


def test_filters_are_declared_as_enums_and_patterns(document: dict[str, Any]) -> None:
    def param(path: str, name: str) -> dict[str, Any]:
        (found,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
        schema = found["schema"]
        return next((b for b in schema.get("anyOf", []) if b.get("type") != "null"), schema)

    assert param("/api/v1/events", "country")["pattern"].startswith("^[A-Za-z]{3}")
    assert "ucdp_ged" in param("/api/v1/events", "source")["pattern"]
    assert param("/api/v1/alerts", "region")["pattern"] == "^[A-Za-z]{2,16}$"
    status = param("/api/v1/observations", "status")
    enum_values = document["components"]["schemas"][status["$ref"].rsplit("/", 1)[1]]["enum"]
    assert "considered" not in enum_values
    assert "under_review" in enum_values
    path_id = document["paths"]["/api/v1/alerts/{alert_id}"]["get"]["parameters"][0]["schema"]
    assert (path_id["minimum"], path_id["maximum"]) == (1, 2**31 - 1)


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_an_unknown_body_field_is_refused_not_dropped(personas: Any) -> None:
    client = Client()
    client.force_login(personas.monitor)
    response = _post(
        client, "/api/v1/subscriptions", {"kind": "synopsis", "region": "ECOWAS", "regoin": "X"}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert any(e["field"].endswith("regoin") for e in response.json()["errors"])


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("within_72_hours", 0, "expected true or false"),
        ("duration_days", "30", "expected an integer"),
        ("duration_days", True, "expected an integer"),
        ("start_date", 0, "expected an ISO 8601 date"),
    ],
)
def test_json_types_are_taken_as_declared(field: str, value: Any, reason: str) -> None:
    """Pydantic alone reads 0 as false and as 1970-01-01; the document does not admit it."""
    body = {"start_date": "2027-01-10", field: value}
    with pytest.raises(ValueError, match=reason):
        MatchIn(**body)


def test_a_day_is_only_an_iso_date() -> None:
    client = Client()
    assert client.get("/api/v1/regions?on=0").status_code == 422
    assert client.get("/api/v1/regions?on=2020-01-01").status_code == 200


def test_exact_types_hold_inside_lists() -> None:
    """A polygon's points are numbers: `[[[false]]]` is refused, not read as 0.0."""
    from vigil.alerts.api import AreaSchema

    with pytest.raises(ValueError, match="expected a number"):
        AreaSchema(description="Borno", polygons=[[[False, 1.0]]])
    area = AreaSchema(description="Borno", polygons=[[[11.8, 13.1], [12.0, 13.5], [11.5, 13.4]]])
    assert area.polygons[0][1] == [12.0, 13.5]
