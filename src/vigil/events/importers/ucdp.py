"""UCDP Georeferenced Event Dataset (GED) and UCDP Candidate events.

Three layouts are read by column name, so column order does not matter:
- the standard 49-column GED release (and the Candidate file, which follows it);
- the 41-column "GED Syria" release (no relid, code_status, *_dset_id, where_description);
- HDX's per-country file: a leading unnamed index column, an HXL hashtag row, extra
  start_year/end_year/iso3 columns, and integers written as floats ("475.0").

Codebook: UCDP GED codebook version 24.1 (type_of_violence, where_prec, date_prec).
"""

from __future__ import annotations

import pandas as pd

from vigil.events.choices import Category, EventKind, Reliability, Source, VerificationStatus
from vigil.events.importers.base import Conversion, GeoLookup, Importer, require_columns
from vigil.events.importers.fields import Validator
from vigil.events.importers.reading import RawTable

# type_of_violence -> (unified category, source label). UCDP counts organised violence only:
# state-based and non-state conflict are fighting between organised armed groups; one-sided
# violence is an organised actor killing civilians.
VIOLENCE_TYPES = {
    1: (Category.ARMED_CLASH, "state-based conflict"),
    2: (Category.ARMED_CLASH, "non-state conflict"),
    3: (Category.VIOLENCE_AGAINST_CIVILIANS, "one-sided violence"),
}
REQUIRED = ["id", "type_of_violence", "date_start", "date_end", "best", "country_id"]
# Files write "1992-02-29 00:00:00.000"; the UCDP API "1992-02-29T00:00:00".
DATE_FORMATS = [
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
]


class UcdpGedImporter(Importer):
    """UCDP GED: vetted, fatal events of organised violence; graded B2 and taken as verified."""

    key = "ucdp-ged"
    source = Source.UCDP_GED
    id_column = "id"
    publisher = "ucdp"
    credibility = 2
    verification = VerificationStatus.VERIFIED

    def prepare(self, table: RawTable) -> RawTable:
        # HDX's file starts with pandas' unnamed index column: drop it, it is not UCDP's.
        first = table.frame.columns[0] if len(table.frame.columns) else None
        if first in ("", "column_0", "Unnamed: 0"):
            table.frame = table.frame.drop(columns=[first])
        return table

    def convert(self, table: RawTable, geo: GeoLookup) -> Conversion:
        frame = table.frame
        v = Validator(frame)
        require_columns(self.key, frame, REQUIRED)

        v.integer("id", required=True, minimum=1)
        tov = v.integer("type_of_violence", required=True, minimum=1, maximum=3)
        start = v.date("date_start", formats=DATE_FORMATS)
        end = v.date("date_end", formats=DATE_FORMATS)
        v.dates_ordered(start, end, "date_start,date_end")
        date_prec = v.integer("date_prec", minimum=1, maximum=5)
        where_prec = v.integer("where_prec", minimum=1, maximum=7)
        latitude = v.decimal("latitude", minimum=-90, maximum=90)
        longitude = v.decimal("longitude", minimum=-180, maximum=180)
        low = v.integer("low")
        best = v.integer("best", required=True)
        high = v.integer("high")
        civilians = v.integer("deaths_civilians")

        gw = v.integer("country_id", required=True, minimum=1)
        country = gw.map(lambda code: geo.by_gw.get(int(code)) if pd.notna(code) else None)
        if "iso3" in frame.columns:
            iso3 = v.text("iso3")
            country = country.where(country.notna(), iso3.where(iso3.isin(geo.iso3)))
        country = country.where(country.notna(), geo.from_names(v.text("country")))
        unknown = country.isna() & gw.notna()
        v.fail_each(unknown, "country_id", "unknown Gleditsch-Ward code " + v.text("country_id"))

        kinds = [VIOLENCE_TYPES.get(int(t), ("", "")) if pd.notna(t) else ("", "") for t in tov]
        category = pd.Series([k[0] for k in kinds], index=frame.index, dtype=object)
        label = pd.Series([k[1] for k in kinds], index=frame.index, dtype=object)
        dyad = v.text("dyad_name")
        headline = v.text("source_headline")
        description = dyad.where(headline == "", dyad + ": " + headline)
        location = v.text("where_coordinates")
        where_description = v.text("where_description")
        location = location.where(location != "", where_description)

        events = self.finish(
            frame,
            {
                "source_id": self.source_ids(frame),
                "kind": EventKind.EVENT,
                "date_start": start,
                "date_end": end,
                "date_precision": date_prec.fillna(1),
                "country_id": country,
                "admin1_name": v.text("adm_1"),
                "admin2_name": v.text("adm_2"),
                "location": location,
                "latitude": latitude,
                "longitude": longitude,
                "geo_precision": where_prec.fillna(6),
                "category": category,
                "violence_type": tov,
                "source_event_type": tov.astype("string").fillna("") + " " + label,
                "source_sub_event_type": v.text("conflict_name"),
                "actor1": v.text("side_a"),
                "actor2": v.text("side_b"),
                "fatalities_low": low,
                "fatalities_best": best,
                "fatalities_high": high,
                "civilian_deaths": civilians,
                "description": description,
                "reliability": Reliability.B,
                "credibility": self.credibility,
                "verification_status": self.verification,
            },
        )
        return Conversion(events, v.errors)


class UcdpCandidateImporter(UcdpGedImporter):
    """UCDP Candidate events: the monthly, not yet fully vetted release; graded B3, unverified."""

    key = "ucdp-candidate"
    source = Source.UCDP_CANDIDATE
    credibility = 3
    verification = VerificationStatus.UNVERIFIED
