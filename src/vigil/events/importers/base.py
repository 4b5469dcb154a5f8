"""What every importer shares: the unified event columns, the geography lookups, the contract.

An importer reads one source's file into a `RawTable` of strings and converts it into a frame
of the unified columns below. It never touches the database: the import service does the
writing, so that atomicity, idempotency and reporting are the same for every source.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd

from vigil.events.importers.fields import RowError
from vigil.events.importers.reading import ImportFileError, RawTable, read_table
from vigil.events.importers.streaming import Layout, stream_table

# The unified columns an importer produces; `admin1_name`/`admin2_name` become areas.
EVENT_COLUMNS = [
    "source_id",
    "kind",
    "date_start",
    "date_end",
    "date_precision",
    "country_id",
    "admin1_name",
    "admin2_name",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "category",
    "violence_type",
    "source_event_type",
    "source_sub_event_type",
    "actor1",
    "actor1_type",
    "actor2",
    "actor2_type",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "civilian_deaths",
    "description",
    "reliability",
    "credibility",
    "verification_status",
]


@dataclass(frozen=True)
class GeoLookup:
    """Country code crosswalks, loaded once per import from the geo app."""

    iso3: frozenset[str]
    by_iso2: dict[str, str]
    by_gw: dict[int, str]
    by_fips: dict[str, str]
    by_name: dict[str, str]

    def from_names(self, names: pd.Series) -> pd.Series:
        from vigil.geo.services import fold_name

        # Few distinct names, many rows: fold each name once.
        lookup = {n: self.by_name.get(fold_name(n)) if n else None for n in names.unique()}
        return names.map(lookup)


@dataclass
class Conversion:
    """An importer's output: unified rows (indexed by frame position) and the rows it refused."""

    events: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)


class Importer(ABC):
    """Base of the per-source importers: how to read the file and how to convert it."""

    key: ClassVar[str]
    source: ClassVar[str]
    publisher: ClassVar[str]
    # Values a source writes for "missing" besides the empty string.
    missing: ClassVar[tuple[str, ...]] = ()

    # The column holding the source's own id.
    id_column: ClassVar[str]

    def layout(self, path: Path) -> Layout:
        """How the file is split (the layout is the importer's to recognise)."""
        return Layout()

    def prepare(self, table: RawTable) -> RawTable:
        """What the importer fixes in each parsed batch before judging it."""
        return table

    def read(self, path: Path) -> RawTable:
        """Parse the whole file into strings, in memory (small files and tests; imports
        stream with `batches`)."""
        layout = self.layout(path)
        return self.prepare(
            read_table(
                path,
                delimiter=layout.delimiter,
                column_names=list(layout.column_names) if layout.column_names else None,
                ragged=layout.ragged,
            )
        )

    def batches(self, path: Path, *, exact: bool = False) -> Iterator[RawTable]:
        """The file in bounded batches with their physical lines (`streaming`)."""
        for table in stream_table(path, self.layout(path), exact=exact):
            yield self.prepare(table)

    def source_ids(self, frame: pd.DataFrame) -> pd.Series:
        """The source's ids, cheaply, before any validation: re-imports match on them and
        skip unchanged rows without converting them. "15960.0" (a float export) is "15960"."""
        if self.id_column not in frame.columns:
            return pd.Series("", index=frame.index, dtype=object)
        return frame[self.id_column].astype(str).str.strip().str.replace(r"\.0+$", "", regex=True)

    @abstractmethod
    def convert(self, table: RawTable, geo: GeoLookup) -> Conversion:
        """Validate and map every row to the unified columns, collecting row errors."""

    @staticmethod
    def finish(frame: pd.DataFrame, columns: dict[str, object]) -> pd.DataFrame:
        """Assemble the unified frame, aligned with the source frame's positions."""
        out = pd.DataFrame(index=frame.index)
        for name in EVENT_COLUMNS:
            value = columns.get(name, "")
            out[name] = value
        return out


def require_columns(key: str, frame: pd.DataFrame, required: list[str]) -> None:
    """Refuse a file of the wrong layout as a whole, before any row is judged."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        shown = ", ".join(list(frame.columns)[:12])
        raise ImportFileError(
            f"not a {key} file: missing column(s) {', '.join(missing)} (found: {shown}, ...)"
        )
