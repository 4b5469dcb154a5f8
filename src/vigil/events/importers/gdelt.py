"""GDELT event exports (CAMEO-coded), 1.0 and 2.0 layouts.

GDELT is machine-coded from news: every row is imported as an unverified media *signal*
(kind "signal", Admiralty F6), never as a verified event, and carries no fatality figures.
Layouts, told apart by the header or the field count of the first line:
- 2.0 15-minute `.export.CSV`: tab-separated, no header, 61 fields (adds *_ADM2Code);
- 1.0 daily/backfile exports: tab-separated, no header, 58 fields, or 57 for backfile rows
  without SOURCEURL (the two may be mixed in one file);
- either layout with a header row, comma- or tab-separated, "NA" for missing (researchers'
  extracts).
CAMEO codes stay strings: "010" and "10" are different codes. Country codes are FIPS 10-4,
mapped to ISO 3166 through the geo crosswalk.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from vigil.events.choices import (
    Category,
    EventKind,
    GeoPrecision,
    Reliability,
    Source,
    VerificationStatus,
)
from vigil.events.importers.base import Conversion, GeoLookup, Importer, require_columns
from vigil.events.importers.fields import Validator
from vigil.events.importers.reading import ImportFileError, RawTable
from vigil.events.importers.streaming import Layout, first_line

_ACTOR = [
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
]
_EVENT = [
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
]


def _geo(prefix: str, *, adm2: bool) -> list[str]:
    fields = ["Type", "FullName", "CountryCode", "ADM1Code"]
    fields += ["ADM2Code"] if adm2 else []
    fields += ["Lat", "Long", "FeatureID"]
    return [f"{prefix}Geo_{f}" for f in fields]


def _columns(*, version: int) -> list[str]:
    adm2 = version == 2
    return [
        "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
        *[f"Actor1{f}" for f in _ACTOR], *[f"Actor2{f}" for f in _ACTOR], *_EVENT,
        *_geo("Actor1", adm2=adm2), *_geo("Actor2", adm2=adm2), *_geo("Action", adm2=adm2),
        "DATEADDED", "SOURCEURL",
    ]  # fmt: skip


GDELT1_COLUMNS = _columns(version=1)  # 58
GDELT2_COLUMNS = _columns(version=2)  # 61

# CAMEO root code -> unified category. 18x bombings and 195 aerial weapons are remote violence.
ROOT_CATEGORIES = {
    "01": Category.OTHER, "02": Category.OTHER, "03": Category.COOPERATION,
    "04": Category.COOPERATION, "05": Category.COOPERATION, "06": Category.COOPERATION,
    "07": Category.COOPERATION, "08": Category.COOPERATION, "09": Category.OTHER,
    "10": Category.POLITICAL_TENSION, "11": Category.POLITICAL_TENSION,
    "12": Category.POLITICAL_TENSION, "13": Category.THREAT, "14": Category.PROTEST,
    "15": Category.FORCE_POSTURE, "16": Category.POLITICAL_TENSION, "17": Category.COERCION,
    "18": Category.ASSAULT, "19": Category.ARMED_CLASH, "20": Category.MASS_VIOLENCE,
}  # fmt: skip
REMOTE_VIOLENCE_CODES = ("183", "195")
# ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1).
GEO_TYPES = {
    "1": GeoPrecision.COUNTRY, "2": GeoPrecision.ADMIN1, "3": GeoPrecision.NEAR,
    "4": GeoPrecision.NEAR, "5": GeoPrecision.ADMIN1, "0": GeoPrecision.UNKNOWN,
}  # fmt: skip
REQUIRED = ["GLOBALEVENTID", "SQLDATE", "EventCode", "EventRootCode", "ActionGeo_CountryCode"]


class GdeltImporter(Importer):
    """GDELT 1.0 and 2.0 events, as unverified media signals."""

    key = "gdelt"
    source = Source.GDELT
    id_column = "GLOBALEVENTID"
    publisher = "gdelt"
    missing = ("NA",)

    def layout(self, path: Path) -> Layout:
        head = first_line(path)
        if "GLOBALEVENTID" in head:
            return Layout(delimiter="\t" if head.count("\t") > head.count(",") else ",")
        fields = head.rstrip("\r").count("\t") + 1
        if fields == len(GDELT2_COLUMNS):
            return Layout(delimiter="\t", column_names=tuple(GDELT2_COLUMNS))
        if fields in (len(GDELT1_COLUMNS), len(GDELT1_COLUMNS) - 1):
            return Layout(delimiter="\t", column_names=tuple(GDELT1_COLUMNS), ragged=True)
        raise ImportFileError(
            f"{path}: not a GDELT events export (first line has {fields} tab-separated fields; "
            "expected 57 or 58 for GDELT 1.0, 61 for 2.0, or a header row)"
        )

    def convert(self, table: RawTable, geo: GeoLookup) -> Conversion:
        frame = table.frame
        require_columns(self.key, frame, REQUIRED)
        v = Validator(frame)
        na = self.missing
        v.integer("GLOBALEVENTID", required=True, minimum=0, missing=na)
        date = v.date("SQLDATE", formats=["%Y%m%d"], missing=na)
        code = v.text("EventCode", missing=na)
        root = v.text("EventRootCode", missing=na).str.zfill(2)
        category = v.choice("EventRootCode", root, ROOT_CATEGORIES)
        remote = code.str.startswith(REMOTE_VIOLENCE_CODES)
        category = category.where(~remote, Category.REMOTE_VIOLENCE)
        geo_type = v.choice(
            "ActionGeo_Type", v.text("ActionGeo_Type", missing=na), GEO_TYPES, required=False
        )
        latitude = v.decimal("ActionGeo_Lat", minimum=-90, maximum=90, missing=na)
        longitude = v.decimal("ActionGeo_Long", minimum=-180, maximum=180, missing=na)

        fips = v.text("ActionGeo_CountryCode", missing=na)
        country = fips.map(geo.by_fips)
        # Codes FIPS had that ISO has not (open seas, disputed islands) keep no country.
        located = fips != ""
        v.fail_each(
            country.isna() & located & ~fips.isin(FIPS_WITHOUT_ISO),
            "ActionGeo_CountryCode",
            "unknown FIPS 10-4 country code " + fips.map(repr),
        )

        actor1 = v.text("Actor1Name", missing=na)
        actor2 = v.text("Actor2Name", missing=na)
        url = v.text("SOURCEURL", missing=na)
        description = (
            "CAMEO "
            + code
            + ": "
            + actor1.where(actor1 != "", "?")
            + " → "
            + actor2.where(actor2 != "", "?")
        )
        description = description.where(url == "", description + " (" + url + ")")

        events = self.finish(
            frame,
            {
                "source_id": self.source_ids(frame),
                "kind": EventKind.SIGNAL,
                "date_start": date,
                "date_end": date,
                "date_precision": 1,
                "country_id": country,
                "admin1_name": "",
                "admin2_name": "",
                "location": v.text("ActionGeo_FullName", missing=na),
                "latitude": latitude,
                "longitude": longitude,
                "geo_precision": geo_type.where(located, GeoPrecision.UNKNOWN).fillna(
                    GeoPrecision.UNKNOWN
                ),
                "category": category,
                "violence_type": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
                "source_event_type": root,
                "source_sub_event_type": code,
                "actor1": actor1,
                "actor1_type": v.text("Actor1Type1Code", missing=na),
                "actor2": actor2,
                "actor2_type": v.text("Actor2Type1Code", missing=na),
                "fatalities_low": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
                "fatalities_best": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
                "fatalities_high": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
                "civilian_deaths": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
                "description": description,
                "reliability": Reliability.F,
                "credibility": 6,
                "verification_status": VerificationStatus.UNVERIFIED,
            },
        )
        return Conversion(events, v.errors)


# FIPS 10-4 codes for places with no ISO 3166-1 country (GDELT uses them for seas and
# disputed territories); such signals are kept with no country rather than refused.
FIPS_WITHOUT_ISO = frozenset(
    {"OS", "XO", "ZN", "PF", "PG", "BQ", "IP", "CR", "DQ", "FQ", "HQ", "JQ", "JN", "KQ", "LQ",
     "MQ", "WQ", "EU", "GO", "JU", "TE", "BS", "OC", "AT", "AY", "YI"}
)  # fmt: skip
