"""Pieces of OpenAPI a route adds to what ninja derives from its types: a body that is not
JSON (CSV, iCalendar, CAP XML), and error statuses only that route can give. The errors
every operation shares are added in one place, vigil.api.contract."""

from __future__ import annotations

from typing import Any


def answers(*media: tuple[str, dict[str, Any]], status: int = 200) -> dict[str, Any]:
    """`openapi_extra` declaring the media types a status answers with, each with its
    schema; a text format is `("text/csv", TEXT)`."""
    content = {m.split(";")[0]: {"schema": s} for m, s in media}
    return {"responses": {status: {"content": content}}}  # ninja keys statuses as ints


def problems(*statuses: int) -> dict[str, Any]:
    """`openapi_extra` for the error statuses only this route gives (contract.complete
    turns them into problem+json responses)."""
    return {"x-problems": list(statuses)}


def extra(*parts: dict[str, Any]) -> dict[str, Any]:
    """Merge several `openapi_extra` parts."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged[key] = value
    return merged


TEXT: dict[str, Any] = {"type": "string"}
CSV = "text/csv; charset=utf-8"

GEOJSON_FEATURES: dict[str, Any] = {
    "title": "FeatureCollection",
    "description": "RFC 7946; positions are [longitude, latitude]; unlocated events have no "
    "geometry",
    "type": "object",
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": "integer"},
                    "geometry": {
                        "anyOf": [
                            {
                                "type": "object",
                                "properties": {
                                    "type": {"const": "Point"},
                                    "coordinates": {
                                        "type": "array",
                                        "items": {"type": "number"},
                                        "minItems": 2,
                                        "maxItems": 2,
                                    },
                                },
                                "required": ["type", "coordinates"],
                            },
                            {"type": "null"},
                        ]
                    },
                    "properties": {"type": "object"},
                },
                "required": ["type", "id", "geometry", "properties"],
            },
        },
        "next_cursor": {"type": ["string", "null"]},
    },
    "required": ["type", "features", "next_cursor"],
}
