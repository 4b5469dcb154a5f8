"""Finding events from different sources that describe the same incident (pure pandas).

The rule: same or adjacent day, within `max_km` of each other, in the same country, with a
compatible category (equal, or both organised violence), and both placed at least to a
district (geo precision 3 or better) — a country centroid says nothing about "the same place".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class SameIncidentRule:
    """Thresholds of the duplicate rule; stored with each link so it can be explained."""

    max_days: int = 1
    max_km: float = 25.0
    max_geo_precision: int = 3


def haversine_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(a) for a in (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def find_same_incident_pairs(
    candidates: pd.DataFrame,
    others: pd.DataFrame,
    *,
    violent: frozenset[str],
    rule: SameIncidentRule = SameIncidentRule(),
) -> pd.DataFrame:
    """Pairs (event_id < other_id) from different sources matching the rule.

    Both frames have columns id, source, date_start (datetime64), country_id, latitude,
    longitude, category, geo_precision. Returns id pairs with days_apart and distance_km,
    each pair once, nearest first.
    """
    columns = ["event_id", "other_id", "days_apart", "distance_km"]
    usable = [_usable(candidates, rule), _usable(others, rule)]
    if usable[0].empty or usable[1].empty:
        return pd.DataFrame(columns=columns)
    shifted = pd.concat(
        [usable[0].assign(day=usable[0]["date_start"] + pd.Timedelta(days=d))
         for d in range(-rule.max_days, rule.max_days + 1)],
        ignore_index=True,
    )  # fmt: skip
    right = (
        usable[1]
        .rename(columns=lambda c: f"{c}_o")
        .rename(columns={"date_start_o": "day", "country_id_o": "country_id"})
    )
    pairs = shifted.merge(right, on=["country_id", "day"])
    pairs = pairs[(pairs["source"] != pairs["source_o"]) & (pairs["id"] != pairs["id_o"])]
    compatible = (pairs["category"] == pairs["category_o"]) | (
        pairs["category"].isin(violent) & pairs["category_o"].isin(violent)
    )
    pairs = pairs[compatible]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    distance = haversine_km(
        pairs["latitude"].to_numpy(), pairs["longitude"].to_numpy(),
        pairs["latitude_o"].to_numpy(), pairs["longitude_o"].to_numpy(),
    )  # fmt: skip
    pairs = pairs.assign(distance_km=distance)[distance <= rule.max_km]
    result = pd.DataFrame(
        {
            "event_id": np.minimum(pairs["id"], pairs["id_o"]),
            "other_id": np.maximum(pairs["id"], pairs["id_o"]),
            "days_apart": (pairs["date_start"] - pairs["day"]).abs().dt.days,
            "distance_km": pairs["distance_km"].round(3),
        }
    )
    result = result.sort_values(["distance_km", "days_apart"]).drop_duplicates(
        ["event_id", "other_id"]
    )
    return result.reset_index(drop=True)[columns]


def _usable(frame: pd.DataFrame, rule: SameIncidentRule) -> pd.DataFrame:
    keep = (
        frame["latitude"].notna()
        & frame["longitude"].notna()
        & frame["country_id"].notna()
        & (frame["geo_precision"] <= rule.max_geo_precision)
    )
    return frame.loc[keep, ["id", "source", "date_start", "country_id", "latitude", "longitude",
                            "category"]]  # fmt: skip
