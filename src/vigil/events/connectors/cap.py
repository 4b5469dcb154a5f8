"""Partner CAP and Atom feeds: poll each URL with a conditional GET, import what is new.

Options: `{"feeds": [{"url": ..., "organisation": "ecowas", "tlp": "GREEN",
"region": "ECOWAS"}]}`. Each poll sends the `ETag` and `Last-Modified` of the previous
answer (`If-None-Match`, `If-Modified-Since`); a 304 costs nothing. A feed may be a CAP
message itself or an Atom feed whose entries link to CAP messages (`type=
"application/cap+xml"`, or an `.xml` link). Messages are stored by the alerts app's CAP
importer (registered as the "cap" item handler), which validates them against the CAP 1.2
schema and stores a message it has seen once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from defusedxml import ElementTree

from vigil.events.choices import ConnectorKind
from vigil.events.connectors.base import Connector, Page

ATOM = "{http://www.w3.org/2005/Atom}"


class CapFeedConnector(Connector):
    kind = ConnectorKind.CAP_FEED

    def pages(self, cursor: dict[str, Any], *, since: dt.date | None) -> Iterator[Page]:
        state = dict(cursor)
        for feed in (self.feed.options or {}).get("feeds", []):
            url = feed["url"]
            seen = state.get(url, {})
            headers = {}
            if seen.get("etag"):
                headers["If-None-Match"] = seen["etag"]
            if seen.get("modified"):
                headers["If-Modified-Since"] = seen["modified"]
            response = self.http.get(url, headers=headers, ok=(200, 304))
            if response.status_code == 304:
                yield Page(label=f"{url} (not modified)", cursor=dict(state))
                continue
            body = response.content
            messages = list(self._messages(url, body))
            state[url] = {
                "etag": response.headers.get("ETag", ""),
                "modified": response.headers.get("Last-Modified", ""),
            }
            options = {k: feed.get(k) for k in ("organisation", "tlp", "region", "countries")}
            yield Page(
                label=url,
                cursor=dict(state),
                items=[("cap", {"data": data, "where": where, **options})
                       for where, data in messages],
            )  # fmt: skip

    def _messages(self, url: str, body: bytes) -> Iterator[tuple[str, bytes]]:
        head = body.lstrip()[:2000]
        if b"<feed" not in head:
            yield url, body
            return
        root = ElementTree.fromstring(body)
        for entry in root.iter(f"{ATOM}entry"):
            for link in entry.iter(f"{ATOM}link"):
                href = link.get("href", "")
                kind = link.get("type", "")
                if kind == "application/cap+xml" or href.endswith(".xml"):
                    yield href, self.http.get(href).content
                    break
