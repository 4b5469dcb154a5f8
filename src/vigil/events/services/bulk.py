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


def insert_events(frame: pd.DataFrame, *, progress: Callable[[int], None] | None = None) -> int:
    """Insert one row per frame row; frame columns are Event attnames (`country_id`, `raw`
    as JSON text, ...). Returns the number of rows written."""
    fields = {f.attname: f for f in Event._meta.concrete_fields if not f.primary_key}
    names = [n for n in frame.columns if n in fields]
    missing = set(fields) - set(names)
    if missing:
        raise ValueError(f"insert_events needs values for {sorted(missing)}")
    columns = [fields[n].column for n in names]
    table = Event._meta.db_table
    written = 0
    for start in range(0, len(frame), BATCH_ROWS):
        chunk = frame.iloc[start : start + BATCH_ROWS]
        rows = list(zip(*(_column_values(chunk[n], fields[n]) for n in names), strict=True))
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
