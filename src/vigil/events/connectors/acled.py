"""ACLED API (the acleddata.com API of August 2025): OAuth tokens, pages, deletions.

Tokens: `POST {base}/oauth/token` with `grant_type=password` (the myACLED e-mail and
password, from the environment variables the feed names), `client_id=acled`; the answer
holds an access token (24 hours) and a refresh token (14 days). A 401 on a data request
means the access token expired: it is refreshed with `grant_type=refresh_token` and, if
that is refused too, obtained again with the password. Tokens live in memory only.

Rows: `GET {base}/api/acled/read?_format=json&limit=5000&page=N&timestamp=T&timestamp_where=>`
answers `{"status": 200, "success": true, "count": n, "data": [...]}` with the export's
columns, read by the ACLED importer. Incremental by ACLED's `timestamp` (when a row was
last changed): the cursor keeps the lower bound of the query under way, the page to read
next and the newest timestamp seen; the next sync starts after that newest.

Deletions: `GET {base}/api/deleted/read?_format=json&deleted_timestamp=T&deleted_timestamp_where=>`
lists `event_id_cnty` ACLED withdrew; they are kept, marked retracted, and left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from vigil.events.choices import ConnectorKind, Source
from vigil.events.connectors.base import Connector, Page
from vigil.events.connectors.http import SourceUnavailable
from vigil.events.importers.reading import RecordTable

PAGE_SIZE = 5000


class AcledConnector(Connector):
    kind = ConnectorKind.ACLED
    sources = (Source.ACLED,)
    min_interval = 0.5
    credentials = {"username": "ACLED_USERNAME", "password": "ACLED_PASSWORD"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._access: str | None = None
        self._refresh: str | None = None
        self.token_requests: list[str] = []  # grant types asked for, for the run's record

    # -- tokens ---------------------------------------------------------------------------
    def _token(self, grant: str) -> None:
        data = {"client_id": "acled", "grant_type": grant, "scope": "authenticated"}
        if grant == "refresh_token":
            data["refresh_token"] = self._refresh or ""
        else:
            data["username"] = self.credential("username")
            data["password"] = self.credential("password")
        self.token_requests.append(grant)
        answer = self.http.post(self.url("oauth/token"), data=data).json()
        self._access = answer["access_token"]
        self._refresh = answer.get("refresh_token", self._refresh)

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        if self._access is None:
            self._token("password")
        for attempt in ("as is", "refreshed", "new password grant"):
            try:
                response = self.http.get(
                    self.url(path),
                    params=params,
                    headers={"Authorization": f"Bearer {self._access}"},
                )
                return response.json()
            except SourceUnavailable as exc:
                if exc.status != 401 or attempt == "new password grant":
                    raise
                if attempt == "as is" and self._refresh:
                    try:
                        self._token("refresh_token")
                        continue
                    except SourceUnavailable:
                        pass
                self._token("password")
        raise AssertionError("unreachable")

    # -- pages ----------------------------------------------------------------------------
    def pages(self, cursor: dict[str, Any], *, since: dt.date | None) -> Iterator[Page]:
        size = int((self.feed.options or {}).get("page_size", PAGE_SIZE))
        lower = int(cursor.get("lower", cursor.get("newest", 0)))
        newest = int(cursor.get("newest", 0))
        number = int(cursor.get("page", 1))
        countries = list(self.feed.countries or [])
        while True:
            params = {"_format": "json", "limit": str(size), "page": str(number)}
            if lower:
                params |= {"timestamp": str(lower), "timestamp_where": ">"}
            if since:
                params |= {"event_date": f"{since.isoformat()}|{dt.date.today().isoformat()}",
                           "event_date_where": "BETWEEN"}  # fmt: skip
            if countries:
                params["iso"] = "|".join(_numeric(countries))
            answer = self._get("api/acled/read", params)
            rows = answer.get("data") or []
            for row in rows:
                newest = max(newest, int(row.get("timestamp") or 0))
            last_page = len(rows) < size
            page = Page(
                label=f"acled/read timestamp>{lower} page {number}",
                importer_key="acled",
                table=RecordTable.from_records(rows) if rows else None,
                release="API",
                cursor={"lower": lower, "newest": newest, "page": number + 1,
                        "deleted": cursor.get("deleted", 0)},
            )  # fmt: skip
            if last_page:
                # Coverage is widened page by page, by the ACLED rule (from the country's
                # published start to its newest event): see analytics.coverage.
                page.cursor = {"newest": newest, "deleted": cursor.get("deleted", 0)}
            yield page
            if last_page:
                break
            number += 1
        yield from self._deletions(cursor.get("deleted", 0), newest)

    def _deletions(self, since: int, newest: int) -> Iterator[Page]:
        params = {"_format": "json"}
        if since:
            params |= {"deleted_timestamp": str(since), "deleted_timestamp_where": ">"}
        rows = self._get("api/deleted/read", params).get("data") or []
        latest = max([since, *(int(r.get("deleted_timestamp") or 0) for r in rows)])
        yield Page(
            label=f"acled/deleted deleted_timestamp>{since}",
            cursor={"newest": newest, "deleted": latest},
            withdrawn=[str(r["event_id_cnty"]) for r in rows if r.get("event_id_cnty")],
        )


def _numeric(iso3: list[str]) -> list[str]:
    """ACLED filters countries by ISO 3166-1 numeric code."""
    import pycountry

    codes = []
    for code in iso3:
        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            codes.append(str(int(country.numeric)))
    return codes
