"""Read a raw UCDP GED CSV into the canonical events frame.

Pure: reads a file (or a frame already read) and returns a new frame. No Django, no
Vigil app; the same shape is produced on the Django side by ``events_frame(qs)``, so the
panel, escalation, hotspot and forecast code can be tested on the real UCDP files.

Canonical events frame (one row per event)::

    event_id         str             the source's own id ("ucdp_ged:<id>" is NOT used;
                                     the source is a separate column)
    source           str             "ucdp_ged"
    date_start       datetime64[ns]
    date_end         datetime64[ns]
    country          str             ISO 3166-1 alpha-3
    admin1           str | <NA>      normalised ("Borno state" -> "Borno")
    admin2           str | <NA>
    latitude         float64
    longitude        float64
    category         str             "armed_clash" (violence types 1, 2) or
                                     "violence_against_civilians" (3)
    violence_type    int64           UCDP type_of_violence 1/2/3
    fatalities       int64           UCDP best
    fatalities_low   int64
    fatalities_high  int64
    date_precision   int64           UCDP date_prec 1 (day) .. 5 (year); 1 when absent
    geo_precision    int64           UCDP where_prec 1 (exact) .. 7 (international);
                                     missing -> 1

Fatalities are kept as published: GED has a few rows (1-2%) where low > high or best
lies outside [low, high]; consumers that need an ordered triple should sort it themselves.

Handles the standard 49-column GED layout, the 41-column GED-Syria layout and the HDX
Nigeria layout (leading index column, HXL hashtag row on line 2).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "CANONICAL_COLUMNS",
    "CATEGORY_BY_VIOLENCE_TYPE",
    "gw_to_iso3",
    "normalise_admin1",
    "read_ucdp_ged",
    "ucdp_to_events",
]

CANONICAL_COLUMNS: tuple[str, ...] = (
    "event_id",
    "source",
    "date_start",
    "date_end",
    "country",
    "admin1",
    "admin2",
    "latitude",
    "longitude",
    "category",
    "violence_type",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "date_precision",
    "geo_precision",
)

CATEGORY_BY_VIOLENCE_TYPE: Mapping[int, str] = {
    1: "armed_clash",  # state-based
    2: "armed_clash",  # non-state
    3: "violence_against_civilians",  # one-sided
}

SOURCE = "ucdp_ged"

# Fallback when the geo reference file is not shipped alongside (e.g. a trimmed install).
_GW_ISO3_FALLBACK: Mapping[int, str] = {
    475: "NGA",
    482: "CAF",
    775: "MMR",
    652: "SYR",
    70: "MEX",
    436: "NER",
    432: "MLI",
    439: "BFA",
    483: "TCD",
    471: "CMR",
    433: "SEN",
    452: "GHA",
    461: "TGO",
    434: "BEN",
    437: "CIV",
    438: "GIN",
    450: "LBR",
    451: "SLE",
    404: "GNB",
    420: "GMB",
    435: "MRT",
    625: "SDN",
    626: "SSD",
    530: "ETH",
    520: "SOM",
    500: "UGA",
    501: "KEN",
    490: "COD",
}

# A data file, not an import: analytics stays framework-free.
_COUNTRIES_CSV = Path(__file__).resolve().parents[1] / "geo" / "data" / "countries.csv"

_ADMIN1_SUFFIX = re.compile(
    r"\s+(state|province|governorate|region|division|department|prefecture|oblast|"
    r"county|krai)$",
    re.IGNORECASE,
)

# Old or alternative names -> the name used today (small, extend as sources need).
ADMIN1_ALIASES: Mapping[str, str] = {
    "karen": "Kayin",
    "magwe": "Magway",
    "federal capital territory": "Federal Capital Territory",
    "naypyidaw union territory": "Naypyidaw",
}


@cache
def _gw_table() -> dict[int, str]:
    table = dict(_GW_ISO3_FALLBACK)
    if _COUNTRIES_CSV.exists():
        with _COUNTRIES_CSV.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("gw_code") or "").strip()
                iso3 = (row.get("iso3") or "").strip()
                if code and iso3:
                    table[int(float(code))] = iso3
    return table


def gw_to_iso3(code: int | float | str | None) -> str | None:
    """Gleditsch-Ward state number (UCDP ``country_id``) to ISO3, or None if unknown."""
    if code is None or (isinstance(code, float) and np.isnan(code)) or code == "":
        return None
    return _gw_table().get(int(float(code)))


def normalise_admin1(name: object) -> str | None:
    """``"Borno state"`` -> ``"Borno"``, ``"Idlib Governorate"`` -> ``"Idlib"``.

    Whitespace is collapsed, a trailing administrative-level word (state, province,
    governorate, region, division, department, prefecture ...) is removed case-insensitively,
    known aliases are mapped, and an all-lower or all-upper name is title-cased; other
    names keep their own capitalisation ("Ciudad de México").
    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or name is pd.NA:
        return None
    text = " ".join(str(name).split())
    if not text:
        return None
    alias = ADMIN1_ALIASES.get(text.casefold())
    if alias:
        return alias
    stripped = _ADMIN1_SUFFIX.sub("", text).strip() or text
    alias = ADMIN1_ALIASES.get(stripped.casefold())
    if alias:
        return alias
    if stripped.islower() or stripped.isupper():
        stripped = stripped.title()
    return stripped


def _normalise_admin2(name: object) -> str | None:
    if name is None or (isinstance(name, float) and np.isnan(name)) or name is pd.NA:
        return None
    text = " ".join(str(name).split())
    return text or None


def read_ucdp_ged(path: str | Path) -> pd.DataFrame:
    """Read a UCDP GED CSV (optionally gzipped) and return the canonical events frame."""
    path = Path(path)
    head = pd.read_csv(path, nrows=2, dtype=str, keep_default_na=False)
    skip: list[int] = []
    if len(head) and any(str(v).startswith("#") for v in head.iloc[0].tolist()):
        skip = [1]  # HXL hashtag row (HDX layout)
    raw = pd.read_csv(path, skiprows=skip, low_memory=False)
    return ucdp_to_events(raw)


def ucdp_to_events(raw: pd.DataFrame) -> pd.DataFrame:
    """Map a raw GED frame (any of the known layouts) to the canonical events frame.

    Rows without an id, a date or a known violence type are dropped; rows whose
    ``country_id`` is unknown keep ``country`` as missing.
    """
    frame = raw.loc[:, [c for c in raw.columns if not str(c).startswith("Unnamed")]]
    missing = {"id", "type_of_violence", "date_start", "best"} - set(frame.columns)
    if missing:
        raise ValueError(f"not a UCDP GED frame: missing columns {sorted(missing)}")

    ids = pd.to_numeric(frame["id"], errors="coerce")
    vt = pd.to_numeric(frame["type_of_violence"], errors="coerce")
    date_start = pd.to_datetime(frame["date_start"], errors="coerce", format="mixed")
    keep = ids.notna() & vt.isin([1, 2, 3]) & date_start.notna()
    frame = frame.loc[keep]
    ids = ids[keep].astype("int64")
    vt = vt[keep].astype("int64")
    date_start = date_start[keep].astype("datetime64[ns]")
    if "date_end" in frame.columns:
        date_end = pd.to_datetime(frame["date_end"], errors="coerce", format="mixed")
        date_end = date_end.astype("datetime64[ns]").fillna(date_start)
    else:
        date_end = date_start

    best = pd.to_numeric(frame["best"], errors="coerce").fillna(0).astype("int64")
    low = (
        pd.to_numeric(frame["low"], errors="coerce").fillna(best).astype("int64")
        if "low" in frame.columns
        else best
    )
    high = (
        pd.to_numeric(frame["high"], errors="coerce").fillna(best).astype("int64")
        if "high" in frame.columns
        else best
    )

    if "country_id" in frame.columns:
        gw = pd.to_numeric(frame["country_id"], errors="coerce")
        table = _gw_table()
        country = gw.map(lambda c: table.get(int(c)) if pd.notna(c) else None)
    else:
        country = pd.Series([None] * len(frame), index=frame.index)
    if "iso3" in frame.columns:  # HDX layout carries it directly
        country = country.fillna(frame["iso3"])

    def precision(column: str) -> pd.Series:
        if column not in frame.columns:
            return pd.Series(1, index=frame.index, dtype="int64")
        return pd.to_numeric(frame[column], errors="coerce").fillna(1).astype("int64")

    admin1 = frame["adm_1"].map(normalise_admin1) if "adm_1" in frame.columns else None
    admin2 = frame["adm_2"].map(_normalise_admin2) if "adm_2" in frame.columns else None

    out = pd.DataFrame(
        {
            "event_id": ids.astype(str),
            "source": SOURCE,
            "date_start": date_start,
            "date_end": date_end,
            "country": country.astype("str"),
            "admin1": pd.Series(admin1, index=frame.index, dtype="str"),
            "admin2": pd.Series(admin2, index=frame.index, dtype="str"),
            "latitude": pd.to_numeric(frame.get("latitude"), errors="coerce").astype("float64"),
            "longitude": pd.to_numeric(frame.get("longitude"), errors="coerce").astype("float64"),
            "category": vt.map(CATEGORY_BY_VIOLENCE_TYPE),
            "violence_type": vt,
            "fatalities": best,
            "fatalities_low": low,
            "fatalities_high": high,
            "date_precision": precision("date_prec"),
            "geo_precision": precision("where_prec"),
        },
        index=frame.index,
    )
    out = out.sort_values(["date_start", "event_id"], kind="stable").reset_index(drop=True)
    return out.loc[:, list(CANONICAL_COLUMNS)]
