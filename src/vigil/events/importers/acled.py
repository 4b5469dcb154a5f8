"""ACLED (Armed Conflict Location & Event Data) exports.

Both layouts are read by column name: the 2020-era export tool (31 columns, "03 December
2020" dates, numeric inter1/inter2 codes) and the current export (ISO dates, text actor
types such as "State forces", disorder_type and civilian_targeting). ACLED's terms forbid
redistribution: ACLED rows are imported from a user's own download, never bundled.
Codebook: ACLED Codebook (2019 and 2023 editions).
"""

from __future__ import annotations

import pandas as pd

from vigil.events.choices import Category, EventKind, Reliability, Source, VerificationStatus
from vigil.events.importers.base import Conversion, GeoLookup, Importer, require_columns
from vigil.events.importers.fields import Validator
from vigil.events.importers.reading import RawTable

EVENT_TYPES = {
    "battles": Category.ARMED_CLASH,
    "violence against civilians": Category.VIOLENCE_AGAINST_CIVILIANS,
    "explosions/remote violence": Category.REMOTE_VIOLENCE,
    "riots": Category.RIOT,
    "protests": Category.PROTEST,
    "strategic developments": Category.STRATEGIC_DEVELOPMENT,
}
# inter1/inter2: the old numeric codes and the current text labels name the same eight types.
ACTOR_TYPES = {
    "0": "",
    "1": "State forces",
    "2": "Rebel group",
    "3": "Political militia",
    "4": "Identity militia",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}
ACTOR_TYPE_TEXT = {label.casefold(): label for label in ACTOR_TYPES.values() if label}
ACTOR_TYPE_TEXT |= {
    "rebel groups": "Rebel group",
    "political militias": "Political militia",
    "identity militias": "Identity militia",
    "external/other forces": "External/Other forces",
    "other forces": "External/Other forces",
}
# time_precision 1/2/3 = day / week / month; geo_precision 1/2/3 = exact / near a town /
# a larger region, onto UCDP's scales, which the event store uses.
TIME_PRECISION = {"1": 1, "2": 3, "3": 4}
GEO_PRECISION = {"1": 1, "2": 2, "3": 4}
REQUIRED = [
    "event_id_cnty",
    "event_date",
    "event_type",
    "country",
    "latitude",
    "longitude",
    "fatalities",
]


class AcledImporter(Importer):
    """ACLED: curated from media and local partners; graded B2 and taken as verified."""

    key = "acled"
    source = Source.ACLED
    id_column = "event_id_cnty"
    publisher = "acled"

    def convert(self, table: RawTable, geo: GeoLookup) -> Conversion:
        frame = table.frame
        require_columns(self.key, frame, REQUIRED)
        v = Validator(frame)
        ids = v.text("event_id_cnty")
        v.required("event_id_cnty", ids)
        date = v.date("event_date", formats=["%d %B %Y", "%Y-%m-%d", "%d-%B-%Y", "%m/%d/%Y"])
        precision = v.choice(
            "time_precision", v.text("time_precision"), TIME_PRECISION, required=False
        )
        geo_precision = v.choice(
            "geo_precision", v.text("geo_precision"), GEO_PRECISION, required=False
        )
        event_type = v.text("event_type")
        category = v.choice("event_type", event_type.str.casefold(), EVENT_TYPES)
        latitude = v.decimal("latitude", minimum=-90, maximum=90, required=True)
        longitude = v.decimal("longitude", minimum=-180, maximum=180, required=True)
        fatalities = v.integer("fatalities", required=True)

        country = v.text("iso3")
        country = country.where(country.isin(geo.iso3), None)
        country = country.where(country.notna(), geo.from_names(v.text("country")))
        v.fail_each(country.isna(), "country", "unknown country " + v.text("country").map(repr))

        actor1_type = self._actor_type(v, "inter1")
        actor2_type = self._actor_type(v, "inter2")
        # Civilian deaths: ACLED counts them only where civilians were the target.
        targeted = v.text("civilian_targeting").str.casefold() == "civilian targeting"
        targeted |= event_type.str.casefold() == "violence against civilians"
        civilians = fatalities.where(targeted, pd.NA)

        events = self.finish(
            frame,
            {
                "source_id": self.source_ids(frame),
                "kind": EventKind.EVENT,
                "date_start": date,
                "date_end": date,
                "date_precision": precision.fillna(1),
                "country_id": country,
                "admin1_name": v.text("admin1"),
                "admin2_name": v.text("admin2"),
                "location": v.text("location"),
                "latitude": latitude,
                "longitude": longitude,
                "geo_precision": geo_precision.fillna(2),
                "category": category,
                "violence_type": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
                "source_event_type": event_type,
                "source_sub_event_type": v.text("sub_event_type"),
                "actor1": v.text("actor1"),
                "actor1_type": actor1_type,
                "actor2": v.text("actor2"),
                "actor2_type": actor2_type,
                "fatalities_low": fatalities,
                "fatalities_best": fatalities,
                "fatalities_high": fatalities,
                "civilian_deaths": civilians,
                "description": v.text("notes"),
                "reliability": Reliability.B,
                "credibility": 2,
                "verification_status": VerificationStatus.VERIFIED,
            },
        )
        return Conversion(events, v.errors)

    @staticmethod
    def _actor_type(v: Validator, column: str) -> pd.Series:
        """Numeric (old layout) or text (current layout) actor types, as the text label."""
        raw = v.text(column)
        numeric = raw.str.replace(r"\.0$", "", regex=True)
        label = numeric.map(ACTOR_TYPES)
        label = label.where(label.notna(), raw.str.casefold().map(ACTOR_TYPE_TEXT))
        unknown = label.isna() & (raw != "")
        v.fail_each(unknown, column, "unknown actor type " + raw.map(repr))
        return label.fillna("")
