"""The committed OpenAPI document is the contract; a change to it must be deliberate."""

from __future__ import annotations

import json
from pathlib import Path

from django.test import Client

SNAPSHOT = Path(__file__).with_name("openapi.json")


def test_openapi_document_matches_the_committed_snapshot(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["openapi"].startswith("3.1")
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert served == committed, "API changed: run `make openapi` and commit tests/api/openapi.json"
