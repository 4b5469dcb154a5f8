"""What each source covers, and which area-periods no source covers.

No data is not zero. A UCDP extract for Nigeria that ends in 2019 says nothing about
Nigeria in 2023; reading its silence as "no violence" ranks every state at 0 deaths and
forecasts P(any death) = 0.00. So every panel is built against a *coverage frame*: one
row per source x release x country (or ``GLOBAL``), with the first and last day the
source covers there. A cell (area x period) is covered when at least one row of a
counting source (``kind == "events"``) spans the whole period for the area's country;
cells no row spans are *missing*, never zero.

Coverage frame columns::

    source    str   the event source ("ucdp_ged", "acled", ...)
    release   str   the release or extract ("24.1", "20.1 (inferred)", "export")
    country   str   ISO 3166-1 alpha-3, or GLOBAL for every country
    first     datetime64[ns]   first day covered
    last      datetime64[ns]   last day covered
    kind      str   "events" (counts deaths: UCDP, ACLED) or "signal" (GDELT: a media
                    signal, which never makes a cell covered for counts)

``derive_coverage`` reads the frame an importer produced and states what the file covers
(the rules are in docs/analytics.md); ``covered`` marks cells; ``coverage_status`` says, per
country, how far the data reaches and in words ("no data since 2019-12-31 — UCDP GED
extract 20.1").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "ACLED_START",
    "COVERAGE_COLUMNS",
    "GLOBAL",
    "Scope",
    "countries_not_covered",
    "coverage_frame",
    "coverage_label",
    "coverage_status",
    "covered",
    "derive_coverage",
    "empty_coverage",
    "last_covered",
    "release_from_name",
]

GLOBAL = "*"
COVERAGE_COLUMNS: tuple[str, ...] = ("source", "release", "country", "first", "last", "kind")
Scope = Literal["auto", "countries", "global", "none"]

# A file naming this many countries or more is a global release: it covers every country.
GLOBAL_RELEASE_COUNTRIES = 100

# Counting sources; anything else (GDELT) is a signal.
SIGNAL_SOURCES = frozenset({"gdelt"})

SOURCE_LABELS = {
    "ucdp_ged": "UCDP GED",
    "ucdp_candidate": "UCDP Candidate",
    "acled": "ACLED",
    "gdelt": "GDELT",
    "field_report": "field reports",
}

# ACLED's published coverage start dates by country (ACLED "Coverage" page: Africa from
# 1997, the rest joining later). Where a country is not listed, an ACLED export covers
# only the dates it holds. Editable: a later date here never widens what a file holds.
ACLED_START_CSV = Path(__file__).resolve().parent / "data" / "acled_coverage_start.csv"


def _load_acled_start() -> dict[str, pd.Timestamp]:
    if not ACLED_START_CSV.exists():
        return {}
    table = pd.read_csv(ACLED_START_CSV, comment="#", dtype=str)
    return {row.country: pd.Timestamp(row.start) for row in table.itertuples(index=False)}


ACLED_START: dict[str, pd.Timestamp] = _load_acled_start()

_UCDP_VERSION = re.compile(r"ged(\d)(\d)(\d)", re.IGNORECASE)
_CANDIDATE_VERSION = re.compile(r"(\d{2})[._](\d{1,2})", re.IGNORECASE)


def empty_coverage() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in COVERAGE_COLUMNS})
    frame["first"] = pd.Series(dtype="datetime64[ns]")
    frame["last"] = pd.Series(dtype="datetime64[ns]")
    return frame


def coverage_frame(rows: Iterable[dict]) -> pd.DataFrame:
    """A coverage frame from dicts with the COVERAGE_COLUMNS keys (``kind`` optional)."""
    frame = pd.DataFrame(list(rows))
    if frame.empty:
        return empty_coverage()
    if "kind" not in frame:
        frame["kind"] = np.where(frame["source"].isin(SIGNAL_SOURCES), "signal", "events")
    frame["first"] = pd.to_datetime(frame["first"]).astype("datetime64[ns]")
    frame["last"] = pd.to_datetime(frame["last"]).astype("datetime64[ns]")
    return frame.loc[:, list(COVERAGE_COLUMNS)].reset_index(drop=True)


def release_from_name(source: str, file_name: str, last: pd.Timestamp | None) -> str:
    """The release a file belongs to, from its name (``ged241_...`` -> ``24.1``). A UCDP GED
    file that does not name its release is dated by its content: release YY.1 covers up to
    the end of 20(YY-1), so an extract ending in 2019 is ``20.1 (inferred)``."""
    name = Path(file_name).name
    if source == "ucdp_ged":
        match = _UCDP_VERSION.search(name)
        if match:
            return f"{match.group(1)}{match.group(2)}.{match.group(3)}"
        if last is not None:
            return f"{(last.year + 1) % 100:02d}.1 (inferred)"
    if source == "ucdp_candidate":
        match = _CANDIDATE_VERSION.search(name)
        if match:
            return f"{match.group(1)}.{match.group(2)}"
    return Path(name.removesuffix(".gz").removesuffix(".zip")).stem or "file"


def derive_coverage(
    events: pd.DataFrame,
    *,
    source: str,
    release: str,
    scope: Scope = "auto",
) -> pd.DataFrame:
    """What an imported file covers, from the file itself.

    ``events`` needs ``country`` and ``date_start`` (``date_end`` if present). Rules:

    * UCDP GED is published in yearly releases: a file covers whole calendar years, from
      1 January of its first year to 31 December of its last, for the country it holds
      (a per-country extract) or, when it names ``GLOBAL_RELEASE_COUNTRIES`` or more, for
      every country (a global release).
    * UCDP Candidate is monthly: its first month's first day to its last month's last day.
    * ACLED: per country, from ACLED's published start for that country (or the first
      event's month) to the newest event the export holds.
    * GDELT is a global media signal: recorded, but never counts as coverage.

    ``scope`` overrides the detection: ``countries`` (each country present), ``global``,
    or ``none`` (a sample, which covers nothing: its silences are not zeros).
    """
    if scope == "none" or events.empty:
        return empty_coverage()
    frame = events.loc[events["country"].notna() & (events["country"].astype(str) != "")]
    if frame.empty:
        return empty_coverage()
    starts = pd.to_datetime(frame["date_start"]).astype("datetime64[ns]")
    ends = (
        pd.to_datetime(frame["date_end"]).astype("datetime64[ns]").fillna(starts)
        if "date_end" in frame
        else starts
    )
    countries = frame["country"].astype(str)
    n_countries = countries.nunique()
    is_global = scope == "global" or (scope == "auto" and n_countries >= GLOBAL_RELEASE_COUNTRIES)
    kind = "signal" if source in SIGNAL_SOURCES else "events"
    if source in SIGNAL_SOURCES:
        is_global = scope != "countries"

    def span(first: pd.Timestamp, last: pd.Timestamp, country: str) -> tuple[pd.Timestamp, ...]:
        if source == "ucdp_ged":
            return pd.Timestamp(first.year, 1, 1), pd.Timestamp(last.year, 12, 31)
        if source == "ucdp_candidate":
            return first.replace(day=1), (last + pd.offsets.MonthEnd(0)).normalize()
        if source == "acled":
            # An export holds the dates it was asked for: from its first event's month, never
            # before ACLED's published start for the country.
            start = first.replace(day=1).normalize()
            published = ACLED_START.get(country)
            if published is not None:
                start = max(start, published)
            return start, last.normalize()
        return first.normalize(), last.normalize()

    rows = []
    if is_global:
        first, last = span(starts.min(), ends.max(), GLOBAL)
        rows.append({"country": GLOBAL, "first": first, "last": last})
    else:
        bounds = pd.DataFrame({"country": countries, "first": starts, "last": ends})
        for country, group in bounds.groupby("country", sort=True):
            first, last = span(group["first"].min(), group["last"].max(), str(country))
            rows.append({"country": str(country), "first": first, "last": last})
    out = pd.DataFrame(rows)
    out.insert(0, "release", release)
    out.insert(0, "source", source)
    out["kind"] = kind
    return coverage_frame(out.to_dict("records"))


def _counting(coverage: pd.DataFrame) -> pd.DataFrame:
    return coverage.loc[coverage["kind"] == "events"]


def covered(
    coverage: pd.DataFrame,
    countries: pd.Series,
    period_start: pd.Series,
    period_end: pd.Series,
) -> pd.Series:
    """True where some counting source spans the whole period [start, end] (inclusive days)
    for the row's country: a period only partly covered is not covered."""
    result = pd.Series(False, index=countries.index)
    cover = _counting(coverage)
    if cover.empty:
        return result
    start = pd.to_datetime(period_start).astype("datetime64[ns]").to_numpy()
    end = pd.to_datetime(period_end).astype("datetime64[ns]").to_numpy()
    country = countries.astype(str).to_numpy()
    hit = np.zeros(len(result), dtype=bool)
    for row in cover.itertuples(index=False):
        inside = (start >= np.datetime64(row.first)) & (end <= np.datetime64(row.last))
        if row.country != GLOBAL:
            inside &= country == row.country
        hit |= inside
    return pd.Series(hit, index=countries.index)


def last_covered(coverage: pd.DataFrame, country: str) -> pd.Timestamp | None:
    """The last day any counting source covers `country` (None when none does)."""
    cover = _counting(coverage)
    rows = cover.loc[(cover["country"] == country) | (cover["country"] == GLOBAL)]
    return None if rows.empty else pd.Timestamp(rows["last"].max())


def coverage_label(coverage: pd.DataFrame, country: str) -> str:
    """The sources that cover `country`, newest reach first: "UCDP GED extract 20.1"."""
    cover = _counting(coverage)
    rows = cover.loc[(cover["country"] == country) | (cover["country"] == GLOBAL)]
    if rows.empty:
        return ""
    rows = rows.sort_values("last", ascending=False, kind="stable")
    parts = []
    for row in rows.itertuples(index=False):
        label = SOURCE_LABELS.get(row.source, row.source)
        kind = "release" if row.country == GLOBAL else "extract"
        parts.append(f"{label} {kind} {row.release}")
    return "; ".join(dict.fromkeys(parts))


def coverage_status(
    coverage: pd.DataFrame,
    countries: Iterable[str],
    period_start: pd.Timestamp,
    period_end: pd.Timestamp,
) -> pd.DataFrame:
    """Per country, whether the period [start, end] is covered, partly covered or not.

    Columns: country, status ("covered", "partial", "none"), last (last covered day or
    NaT), label (the covering sources) and note (a sentence for a page or a product:
    "no data since 2019-12-31 — UCDP GED extract 20.1")."""
    rows = []
    start, end = pd.Timestamp(period_start), pd.Timestamp(period_end)
    cover = _counting(coverage)
    for country in sorted(set(countries)):
        mine = cover.loc[(cover["country"] == country) | (cover["country"] == GLOBAL)]
        label = coverage_label(coverage, country)
        last = pd.Timestamp(mine["last"].max()) if len(mine) else pd.NaT
        full = bool(((mine["first"] <= start) & (mine["last"] >= end)).any())
        some = bool(((mine["first"] <= end) & (mine["last"] >= start)).any())
        if full:
            status, note = "covered", f"covered by {label}"
        elif some:
            status = "partial"
            note = f"partly covered: data to {last.date().isoformat()} — {label}"
        elif len(mine) and last < start:
            status, note = "none", f"no data since {last.date().isoformat()} — {label}"
        elif len(mine):
            first = pd.Timestamp(mine["first"].min())
            status, note = "none", f"no data before {first.date().isoformat()} — {label}"
        else:
            status, note = "none", "no source covers this country"
        rows.append(
            {"country": country, "status": status, "last": last, "label": label, "note": note}
        )
    return pd.DataFrame(rows, columns=["country", "status", "last", "label", "note"])


def countries_not_covered(
    coverage: pd.DataFrame,
    countries: Iterable[str],
    period_start: pd.Timestamp,
    period_end: pd.Timestamp,
) -> list[str]:
    status = coverage_status(coverage, countries, period_start, period_end)
    return status.loc[status["status"] != "covered", "country"].tolist()
