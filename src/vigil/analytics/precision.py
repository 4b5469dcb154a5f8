"""Date and place precision: which events a period count or an admin1 area may hold.

Sources say how well they know when and where an event happened (UCDP ``date_prec`` 1-5
and ``where_prec`` 1-7; ACLED ``time_precision`` and ``geo_precision`` and GDELT's geo type
are mapped onto the same scales at import, `vigil.events.choices`). Ignoring them does
harm: eight Mexican events known only to the year 2008 hold 2,910 of that year's 3,847
deaths; placed on their ``date_start`` (1 January) they make every January an
"escalation", inflate the next year's baseline and let an analysis as of 31 January see
deaths of December.

The rules (docs/analytics.md):

* **Date.** An event counts in a period only when its whole span lies in that period
  (``date_start`` and ``date_end`` in the same month, week or day) and its precision is
  no coarser than the period: month-precision events (4) count in monthly panels but not
  weekly or daily ones; year-precision events (5) and events spanning months count in no
  monthly panel, escalation baseline or forecast. They are kept and shown beside the
  counts (``imprecise_events``, ``imprecise_fatalities``, in the period where they end).
* **Place.** An event located only to the country, international waters or nowhere
  (``geo_precision`` >= 6) is never assigned to an admin1, whatever admin1 field the
  source filled; it still counts for its country.
* **Knowledge.** An event is known once it has ended: an analysis as of day D reads only
  events with ``date_end <= D`` (`known_by`).

Frames without the precision columns are taken as precise (day, exact place).
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "COUNTRY_ONLY_GEO",
    "MAX_DATE_PRECISION",
    "admin1_known",
    "countable",
    "known_by",
]

# Coarsest date precision (UCDP scale) a period of each length can hold.
MAX_DATE_PRECISION = {"D": 1, "W": 3, "MS": 4, "YS": 5}
# geo_precision from which the place is the country or less (UCDP where_prec 6, 7; 8 unknown).
COUNTRY_ONLY_GEO = 6

_PERIOD = {"D": "D", "W": "W-SUN", "MS": "M", "YS": "Y"}


def _dates(events: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(events[column]).astype("datetime64[ns]")


def countable(events: pd.DataFrame, freq: str) -> pd.Series:
    """True for the events a panel of `freq` ("D", "W", "MS", "YS") may count in one
    period: precise enough, and beginning and ending in the same period."""
    start = _dates(events, "date_start")
    end = _dates(events, "date_end").fillna(start) if "date_end" in events else start
    period = _PERIOD[freq]
    same = start.dt.to_period(period) == end.dt.to_period(period)
    if "date_precision" in events:
        precision = pd.to_numeric(events["date_precision"], errors="coerce").fillna(1)
        same &= precision <= MAX_DATE_PRECISION[freq]
    return same.fillna(False).astype(bool)


def admin1_known(events: pd.DataFrame) -> pd.Series:
    """True where the event's admin1 may be used: named, and the place known better than
    the whole country."""
    known = events["admin1"].notna()
    if "geo_precision" in events:
        precision = pd.to_numeric(events["geo_precision"], errors="coerce").fillna(1)
        known &= precision < COUNTRY_ONLY_GEO
    return known.astype(bool)


def known_by(events: pd.DataFrame, as_of: pd.Timestamp | str) -> pd.Series:
    """True for the events known on `as_of`: begun and ended by then."""
    day = pd.Timestamp(as_of)
    start = _dates(events, "date_start")
    end = _dates(events, "date_end").fillna(start) if "date_end" in events else start
    return ((start <= day) & (end <= day)).astype(bool)
