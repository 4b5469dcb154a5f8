"""Writing many new events at once, below the ORM.

`bulk_create` spends ~250 µs a row compiling SQL for a 35-column model; an import of a
million rows cannot afford that. Here columns are turned into plain Python values once,
vectorised, then handed to the driver: `COPY ... FROM STDIN` on PostgreSQL, `executemany`
on SQLite. It runs inside the caller's transaction, so an import stays all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, models

from vigil.events.models import Event

BATCH_ROWS = 20_000


def _column_values(series: pd.Series, field: models.Field) -> list[Any]:
    """A column as driver-ready Python values (None for missing)."""
    if isinstance(field, models.IntegerField) and not pd.api.types.is_integer_dtype(series):
        # Integer codes filled into a column that had gaps arrive as floats (2.0).
        series = pd.to_numeric(series, errors="raise").astype("Int64")
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").astype(object).where(series.notna(), None).tolist()
    if isinstance(series.dtype, pd.Int64Dtype):
        return series.to_numpy(dtype=object, na_value=None).tolist()
    if pd.api.types.is_float_dtype(series):
        return series.astype(object).where(series.notna(), None).tolist()
    if pd.api.types.is_integer_dtype(series):
        return series.astype(int).tolist()
    values = series.astype(object).where(series.notna(), None)
    # TextChoices members are str subclasses; drivers want plain str.
    return [v if v is None or type(v) is str else _plain(v) for v in values.tolist()]


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return str(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


# Event fields a re-import rewrites when a row changed (everything but the keys, the sharing
# mark, the owner and the bookkeeping of links and withdrawals).
WRITTEN_FIELDS = [
    "kind", "raw", "content_hash", "import_run", "date_start", "date_end", "date_precision",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "category", "violence_type", "source_event_type", "source_sub_event_type", "actor1",
    "actor1_type", "actor2", "actor2_type", "fatalities_low", "fatalities_best",
    "fatalities_high", "civilian_deaths", "description", "reliability", "credibility",
    "verification_status", "updated_at",
]  # fmt: skip
STAGING = "vigil_import_staging"


def insert_events(
    frame: pd.DataFrame,
    *,
    progress: Callable[[int], None] | None = None,
    table: str | None = None,
    required: list[str] | None = None,
) -> int:
    """Insert one row per frame row; frame columns are Event attnames (`country_id`, `raw`
    as JSON text, ...). Returns the number of rows written. ``table`` writes the same
    columns into another table (the staging table, with its `_known_pk`)."""
    fields: dict[str, models.Field | None] = {
        f.attname: f for f in Event._meta.concrete_fields if not f.primary_key
    }
    wanted = required if required is not None else list(fields)
    names = [n for n in frame.columns if n in fields or n == "_known_pk"]
    missing = set(wanted) - set(names)
    if missing:
        raise ValueError(f"insert_events needs values for {sorted(missing)}")
    fields["_known_pk"] = models.BigIntegerField()
    columns = [n if n == "_known_pk" else fields[n].column for n in names]  # type: ignore[union-attr]
    table = table or Event._meta.db_table
    written = 0
    for start in range(0, len(frame), BATCH_ROWS):
        chunk = frame.iloc[start : start + BATCH_ROWS]
        rows = list(zip(*(_column_values(chunk[n], fields[n]) for n in names), strict=True))  # type: ignore[arg-type]
        if connection.vendor == "postgresql":
            _copy(table, columns, rows)
        else:
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)
        written += len(rows)
        if progress:
            progress(written)
    return written


def _copy(table: str, columns: list[str], rows: list[tuple]) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        raw_cursor = cursor.cursor  # the psycopg cursor, in Django's transaction
        with raw_cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def create_staging() -> None:
    """A temporary table of the written columns plus the stored row's key, for the changed
    rows of an import: they are applied together at the end (`apply_staged`)."""
    columns = [f.column for f in _written()]
    quoted = ", ".join(connection.ops.quote_name(c) for c in [*columns, "source_id"])
    table = Event._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        drop = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGING}{drop} AS SELECT {quoted}, id AS _known_pk "
            f"FROM {table} WHERE 1 = 0"
        )


def stage_events(frame: pd.DataFrame) -> int:
    """Changed rows into the staging table (COPY on PostgreSQL); `_known_pk` is the stored
    event each one rewrites."""
    names = [f.attname for f in _written()]
    return insert_events(
        frame[[*names, "source_id", "_known_pk"]], table=STAGING, required=[*names, "source_id"]
    )


def apply_staged(*, withdrawn: list[str]) -> int:
    """Rewrite the stored events from the staging table in one set-based UPDATE (same keys,
    so links and shares stay valid), leaving out the ids `withdrawn` since they were staged.
    Returns the number of rows rewritten."""
    table = Event._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(withdrawn), 500):
            chunk = withdrawn[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {STAGING} WHERE source_id IN ({marks})", chunk)
        assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in _written())
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {STAGING} AS s WHERE {table}.id = s._known_pk"
        )
        rewritten = cursor.rowcount
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    return rewritten


def _written() -> list[models.Field]:
    return [Event._meta.get_field(name) for name in WRITTEN_FIELDS]  # type: ignore[misc]
