"""The protocol every connector keeps: fetch a page since a cursor, say what it holds.

A connector never writes. It turns its source's pages into `Page`s (rows in the shape the
source's file importer reads, the cursor to store once the page is committed, the ids the
source withdrew, the coverage a finished request proves); `events.services.sync` commits
each page atomically with its cursor, so a killed sync resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from vigil.events.connectors.http import Http
from vigil.events.importers.reading import RawTable

if TYPE_CHECKING:
    from vigil.events.models import SourceFeed


class NotConfigured(Exception):
    """The feed lacks what it needs to run (a credential's environment variable, a URL)."""


@dataclass(frozen=True)
class Declared:
    """Coverage a completed request proves: the source was asked about these countries over
    these days and answered in full, so its silence there is zero, not missing."""

    source: str
    release: str
    countries: list[str]
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class Supersede:
    """A release that replaces an earlier, provisional one over a period (GED over
    Candidate): the provisional events of these countries up to `last` stop counting."""

    provisional_source: str
    final_source: str
    countries: list[str]  # ["*"]: every country
    last: dt.date


@dataclass
class Page:
    """One committed unit of a sync."""

    label: str  # "gedevents/24.1 page 3": where a rejected row came from
    cursor: dict[str, Any]  # stored with the page's rows, in the same transaction
    importer_key: str = ""
    table: RawTable | None = None
    release: str | None = None
    withdrawn: list[str] = field(default_factory=list)  # source ids the source retracted
    declared: list[Declared] = field(default_factory=list)
    supersede: list[Supersede] = field(default_factory=list)
    # Anything else a connector stores itself (CAP messages): (kind, payload) pairs.
    items: list[tuple[str, Any]] = field(default_factory=list)
    # Rows the source sent that the scope leaves out before the write (GDELT's filter).
    skipped: int = 0


class Connector(ABC):
    """Base of the connectors; one subclass per `ConnectorKind`."""

    kind: ClassVar[str]
    # The Event.source its rows land in (empty for connectors that store other things).
    sources: ClassVar[tuple[str, ...]] = ()
    # Credentials the connector needs: role -> default environment variable name.
    credentials: ClassVar[dict[str, str]] = {}

    # Seconds between two requests, the rate a source asks of its clients; a feed's
    # `min_interval_seconds` option overrides it.
    min_interval: ClassVar[float] = 0.0

    def __init__(self, feed: SourceFeed, http: Http | None = None) -> None:
        self.feed = feed
        spacing = (feed.options or {}).get("min_interval_seconds", self.min_interval)
        self.http = http or Http(min_interval=float(spacing))

    def required_credentials(self) -> dict[str, str]:
        """Role -> default environment variable; a connector may vary them by its options."""
        return dict(self.credentials)

    def credential(self, role: str) -> str:
        """The secret behind `role`, read from the environment variable the feed names. It
        is never stored, logged or put in an error message."""
        name = (self.feed.credential_env or {}).get(role) or self.required_credentials()[role]
        value = os.environ.get(name, "")
        if not value:
            raise NotConfigured(f"environment variable {name} ({role}) is not set")
        return value

    def missing_configuration(self) -> list[str]:
        """What stops the feed from running, in words (empty: ready)."""
        missing = []
        for role, default in self.required_credentials().items():
            name = (self.feed.credential_env or {}).get(role) or default
            if not os.environ.get(name):
                missing.append(f"environment variable {name} ({role}) is not set")
        return missing

    @abstractmethod
    def pages(self, cursor: dict[str, Any], *, since: dt.date | None) -> Iterator[Page]:
        """The pages after `cursor`, in order; each carries the cursor to store after it."""

    def url(self, path: str) -> str:
        return self.feed.base_url.rstrip("/") + "/" + path.lstrip("/")
