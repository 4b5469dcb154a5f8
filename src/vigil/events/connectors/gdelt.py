"""GDELT 2.0: the 15-minute event exports, as unverified media signals.

`{base}/lastupdate.txt` lists the newest export, mentions and GKG files as
`size md5 url` lines. The connector reads the export files from the one after its cursor
up to the newest (at most `max_catch_up` intervals, a day by default: older gaps are
GDELT's archive's business, `vigil import gdelt FILE` reads them), checks the newest
file's md5, and keeps only the rows whose action took place in the feed's countries
(`ActionGeo_CountryCode`, FIPS 10-4) and whose CAMEO root is one of `cameo_roots`, before
anything is written. GDELT publishes about 285,000 events a day; a West African scope
keeps a few hundred.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigil.events.choices import ConnectorKind, Source
from vigil.events.connectors.base import Connector, Page
from vigil.events.connectors.http import SourceUnavailable
from vigil.events.importers.gdelt import GdeltImporter
from vigil.events.importers.reading import RecordTable

INTERVAL = dt.timedelta(minutes=15)
STAMP = "%Y%m%d%H%M%S"
# Protest, assault, fight, unconventional mass violence: what an early-warning room watches.
DEFAULT_ROOTS = ("14", "18", "19", "20")


class GdeltConnector(Connector):
    kind = ConnectorKind.GDELT
    sources = (Source.GDELT,)

    def pages(self, cursor: dict[str, Any], *, since: dt.date | None) -> Iterator[Page]:
        options = self.feed.options or {}
        listing = self.http.get(self.url("lastupdate.txt")).text
        newest_url, newest_md5 = _export_line(listing)
        folder, newest_name = newest_url.rsplit("/", 1)
        newest = dt.datetime.strptime(newest_name.split(".")[0], STAMP)
        last = cursor.get("last")
        if last:
            start = dt.datetime.strptime(last, STAMP) + INTERVAL
        elif since:
            start = dt.datetime.combine(since, dt.time())
        else:
            start = newest
        start = max(start, newest - INTERVAL * (int(options.get("max_catch_up", 96)) - 1))
        fips = _fips_codes(self.feed.countries or [])
        roots = {str(r).zfill(2) for r in options.get("cameo_roots", DEFAULT_ROOTS)}
        moment = start
        while moment <= newest:
            stamp = moment.strftime(STAMP)
            url = f"{folder}/{stamp}.export.CSV.zip"
            try:
                body = self.http.get(url).content
            except SourceUnavailable as exc:
                if exc.status != 404:
                    raise
                # GDELT skips an interval now and then: nothing to read, nothing lost.
                yield Page(label=f"{stamp}.export.CSV.zip (not published)",
                           cursor={"last": stamp}, skipped=0)  # fmt: skip
                moment += INTERVAL
                continue
            if moment == newest and newest_md5 and hashlib.md5(body).hexdigest() != newest_md5:
                raise SourceUnavailable(f"{stamp}.export.CSV.zip: md5 differs from lastupdate.txt")
            table, kept, read = _filtered(body, fips, roots)
            yield Page(
                label=f"{stamp}.export.CSV.zip",
                importer_key="gdelt",
                table=table,
                release=stamp,
                cursor={"last": stamp},
                skipped=read - kept,
            )
            moment += INTERVAL


def _export_line(listing: str) -> tuple[str, str]:
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].endswith(".export.CSV.zip"):
            return parts[2], parts[1]
    raise SourceUnavailable("lastupdate.txt lists no export file")


def _filtered(body: bytes, fips: set[str], roots: set[str]) -> tuple[RecordTable | None, int, int]:
    """The export's rows in scope, as a table that keeps each row's line in the file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.CSV.zip"
        path.write_bytes(body)
        table = GdeltImporter().read(path)  # ImportFileError (not an export) fails the run
    frame = table.frame
    keep = frame["EventRootCode"].str.zfill(2).isin(roots)
    if fips:
        keep &= frame["ActionGeo_CountryCode"].isin(fips)
    positions = [int(p) for p in keep.to_numpy().nonzero()[0]]
    if not positions:
        return None, 0, len(frame)
    chosen = frame.iloc[positions]
    records = chosen.to_dict(orient="records")
    lines = [table.line_of(p) for p in positions]
    return RecordTable.from_records(records, list(frame.columns), lines), len(positions), len(frame)


def _fips_codes(iso3: list[str]) -> set[str]:
    if not iso3:
        return set()
    from vigil.geo.selectors import countries_by_fips

    wanted = set(iso3)
    return {code for code, country in countries_by_fips().items() if country in wanted}
