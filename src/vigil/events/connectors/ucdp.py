"""UCDP API: GED releases and the monthly Candidate versions.

`GET {base}/gedevents/{version}?pagesize=1000&page=0[&Country=475,...][&StartDate=...]`
answers `{"TotalCount", "TotalPages", "PreviousPageUrl", "NextPageUrl", "Result": [...]}`;
the rows have the GED file's columns, so the GED importer reads them. UCDP requires an
access token in the `x-ucdp-access-token` header (requested from UCDP; kept in the
environment variable the feed names, `UCDP_API_TOKEN` by default).

Versions: a GED release "YY.1" covers 1989 to the end of 20(YY-1); a Candidate version
"YY.0.M" covers month M of 20YY. Options: `{"ged": "24.1", "candidate": ["25.0.1", ...]}`.
Each row carries the version it came from (`vigil_release`), so an older release read
after a newer one never overwrites it; a completed GED release supersedes the Candidate
events of its period (kept, marked, linked to the GED event of the same id).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from vigil.events.choices import ConnectorKind, Source
from vigil.events.connectors.base import Connector, Declared, Page, Supersede
from vigil.events.importers.reading import RecordTable

PAGE_SIZE = 1000
TOKEN_HEADER = "x-ucdp-access-token"


def is_candidate(version: str) -> bool:
    return version.count(".") == 2


def version_key(version: str) -> tuple[int, ...]:
    """Release order: 24.0.12 (Candidate, December 2024) < 25.1 (GED to end 2024) < 25.0.1."""
    parts = [int(p) for p in version.split(".")]
    if len(parts) == 2:  # GED YY.1 holds up to the end of 20(YY-1): after Candidate (YY-1).0.12
        return (parts[0] - 1, 13, 0)
    return (parts[0], parts[2], 0)


def version_span(version: str) -> tuple[dt.date, dt.date]:
    parts = [int(p) for p in version.split(".")]
    if len(parts) == 2:
        return dt.date(1989, 1, 1), dt.date(2000 + parts[0] - 1, 12, 31)
    year, month = 2000 + parts[0], parts[2]
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


class UcdpConnector(Connector):
    kind = ConnectorKind.UCDP
    sources = (Source.UCDP_GED, Source.UCDP_CANDIDATE)
    min_interval = 0.5
    credentials = {"token": "UCDP_API_TOKEN"}

    def versions(self) -> list[str]:
        options = self.feed.options or {}
        found = [options["ged"]] if options.get("ged") else []
        found += list(options.get("candidate", []))
        return sorted(found, key=version_key)

    def pages(self, cursor: dict[str, Any], *, since: dt.date | None) -> Iterator[Page]:
        token = self.credential("token")
        done = list(cursor.get("done", []))
        gw = _gw_codes(self.feed.countries or [])
        for version in self.versions():
            if version in done:
                continue
            url = cursor.get("next") if cursor.get("version") == version else None
            number = int(cursor.get("page", 0)) if url else 0
            if url is None:
                params = {"pagesize": str(PAGE_SIZE), "page": "0"}
                if gw:
                    params["Country"] = ",".join(str(c) for c in gw)
                if since:
                    params["StartDate"] = since.isoformat()
                url = self.url(f"gedevents/{version}") + "?" + _query(params)
            while url:
                answer = self.http.get(url, headers={TOKEN_HEADER: token}).json()
                rows = answer.get("Result") or []
                following = answer.get("NextPageUrl") or None
                label = f"gedevents/{version} page {number}"
                for row in rows:
                    row["vigil_release"] = version
                page = Page(
                    label=label,
                    importer_key="ucdp-candidate" if is_candidate(version) else "ucdp-ged",
                    table=RecordTable.from_records(rows) if rows else None,
                    release=version,
                    cursor={"done": done, "version": version, "next": following,
                            "page": number + 1},
                )  # fmt: skip
                if following is None:
                    done = [*done, version]
                    page.cursor = {"done": done}
                    first, last = version_span(version)
                    if since:
                        first = max(first, since)
                    source = Source.UCDP_CANDIDATE if is_candidate(version) else Source.UCDP_GED
                    page.declared.append(
                        Declared(source, version, list(self.feed.countries or ["*"]), first, last)
                    )
                    if not is_candidate(version):
                        page.supersede.append(
                            Supersede(
                                Source.UCDP_CANDIDATE, Source.UCDP_GED,
                                list(self.feed.countries or ["*"]), last,
                            )
                        )  # fmt: skip
                yield page
                url, number = following, number + 1


def _query(params: dict[str, str]) -> str:
    return urlencode(params, safe=",")


def _gw_codes(iso3: list[str]) -> list[int]:
    if not iso3:
        return []
    from vigil.geo.selectors import countries_by_gw

    wanted = set(iso3)
    return sorted(code for code, country in countries_by_gw().items() if country in wanted)
