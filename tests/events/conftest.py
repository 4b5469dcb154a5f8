"""Fixtures of the event-store tests: the sources' APIs served for real on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.events.sources_server import ACLED_USER, UCDP_TOKEN, SourceServer, serve
from vigil.events.models import SourceFeed


@pytest.fixture
def source_server() -> Iterator[SourceServer]:
    """A fresh server per test: its data, tokens and scripted failures start empty."""
    server = SourceServer()
    httpd, thread = serve(server)
    yield server
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The credentials the connectors read from the environment, as an operator sets them."""
    monkeypatch.setenv("UCDP_API_TOKEN", UCDP_TOKEN)
    monkeypatch.setenv("ACLED_USERNAME", ACLED_USER[0])
    monkeypatch.setenv("ACLED_PASSWORD", ACLED_USER[1])


def make_feed(server: SourceServer, key: str, connector: str, path: str, **extra: Any) -> Any:
    return SourceFeed.objects.create(
        key=key,
        connector=connector,
        enabled=True,
        base_url=f"{server.base}/{path}",
        every_minutes=extra.pop("every_minutes", 60),
        stale_after_hours=extra.pop("stale_after_hours", 48),
        **extra,
    )
