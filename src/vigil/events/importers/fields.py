"""Vectorised field validation shared by every importer.

Each parser takes a column of strings, returns the parsed column, and records one `RowError`
per bad value (by frame position; lines are resolved later, only for the rows that failed).
Working on whole columns keeps a million-row import close to the cost of parsing the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# The largest value an integer column of the event store holds (PostgreSQL integer).
INTEGER_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class RowError:
    """Why one row of a source file was refused: its frame position, the column and the reason."""

    position: int
    column: str
    reason: str


@dataclass
class Validator:
    """Collects errors while an importer converts a frame of strings into event fields."""

    frame: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)

    def text(self, column: str, *, missing: Iterable[str] = ()) -> pd.Series:
        """The column stripped, with the source's own missing-value markers turned into ''."""
        if column not in self.frame.columns:
            return pd.Series("", index=self.frame.index, dtype=object)
        values = self.frame[column].astype(str).str.strip()
        for marker in missing:
            values = values.mask(values == marker, "")
        return values

    def fail(self, mask: pd.Series | np.ndarray, column: str, reason: str) -> None:
        """Record `reason` for every row where `mask` is true."""
        for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.errors.append(RowError(int(position), column, reason))

    def fail_each(self, mask: pd.Series, column: str, reasons: pd.Series) -> None:
        """Like `fail`, with a reason per row (to quote the bad value back)."""
        for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.errors.append(RowError(int(position), column, str(reasons.iloc[position])))

    def required(self, column: str, values: pd.Series) -> None:
        self.fail(values == "", column, "is required but empty")

    def integer(
        self,
        column: str,
        *,
        required: bool = False,
        minimum: int | None = 0,
        maximum: int | None = None,
        missing: Iterable[str] = (),
    ) -> pd.Series:
        """Whole numbers (as pandas nullable Int64). '14.0' is accepted: R and pandas exports
        write integer columns as floats when they have missing values."""
        raw = self.text(column, missing=missing)
        if column not in self.frame.columns and required:
            self.fail(np.ones(len(raw), dtype=bool), column, "column is missing from the file")
            return pd.Series(pd.NA, index=raw.index, dtype="Int64")
        numbers = pd.to_numeric(raw, errors="coerce")
        empty = raw == ""
        unparsable = numbers.isna() & ~empty
        self.fail_each(unparsable, column, "not a number: " + raw.map(repr))
        # inf, 1e25: no integer column stores them (the event store's are 32-bit).
        huge = numbers.notna() & (numbers.abs() > INTEGER_LIMIT)
        self.fail_each(huge, column, f"out of range (at most {INTEGER_LIMIT:,}): " + raw.map(repr))
        fractional = numbers.notna() & ~huge & (numbers != np.floor(numbers.fillna(0)))
        self.fail_each(fractional, column, "not a whole number: " + raw.map(repr))
        if required:
            self.required(column, raw)
        if minimum is not None:
            self.fail_each(numbers < minimum, column, f"must be at least {minimum}, got " + raw)
        if maximum is not None:
            self.fail_each(numbers > maximum, column, f"must be at most {maximum}, got " + raw)
        whole = numbers.where(~(unparsable | fractional | huge))
        return whole.round().astype("Int64")

    def decimal(
        self,
        column: str,
        *,
        minimum: float,
        maximum: float,
        required: bool = False,
        missing: Iterable[str] = (),
    ) -> pd.Series:
        """Floats within [minimum, maximum] (NaN where empty)."""
        raw = self.text(column, missing=missing)
        numbers = pd.to_numeric(raw, errors="coerce")
        empty = raw == ""
        self.fail_each(numbers.isna() & ~empty, column, "not a number: " + raw.map(repr))
        out_of_range = (numbers < minimum) | (numbers > maximum)
        self.fail_each(out_of_range, column, f"must be between {minimum} and {maximum}, got " + raw)
        if required:
            self.required(column, raw)
        return numbers.where(~out_of_range)

    def date(
        self,
        column: str,
        *,
        formats: Iterable[str],
        required: bool = True,
        missing: Iterable[str] = (),
    ) -> pd.Series:
        """Dates (datetime64, NaT where empty or bad), trying each format in turn."""
        raw = self.text(column, missing=missing)
        parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        for fmt in formats:
            todo = parsed.isna() & (raw != "")
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
        bad = parsed.isna() & (raw != "")
        self.fail_each(bad, column, "not a date in the expected format: " + raw.map(repr))
        if required:
            self.required(column, raw)
        return parsed

    def choice(
        self, column: str, values: pd.Series, mapping: dict[str, object], *, required: bool = True
    ) -> pd.Series:
        """Map codes through `mapping`; unknown codes are errors that list what is accepted."""
        mapped = values.map(mapping)
        unknown = mapped.isna() & (values != "")
        accepted = ", ".join(sorted(str(k) for k in mapping))
        self.fail_each(
            unknown, column, "unknown value " + values.map(repr) + f" (expected {accepted})"
        )
        if required:
            self.required(column, values)
        return mapped

    def dates_ordered(self, start: pd.Series, end: pd.Series, columns: str) -> None:
        self.fail((end < start).fillna(False), columns, "the event ends before it starts")
