"""Hotspots: areas ranked by current risk and by change, and spatial clusters of events.

``rank_hotspots`` reads a panel (``build_panel``) for one period, optionally restricted to
a regional organisation's member states, and optionally joined with escalation scores
(``detect_escalations``). ``cluster_events`` groups recent events into spatial clusters
with DBSCAN on great-circle (haversine) distance.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn.cluster import DBSCAN

from vigil.analytics.panel import EARTH_RADIUS_KM

__all__ = ["cluster_events", "rank_hotspots"]


def rank_hotspots(
    panel: pd.DataFrame,
    *,
    members: Iterable[str] | None = None,
    period: str | pd.Timestamp | None = None,
    scores: pd.DataFrame | None = None,
    window: int = 3,
) -> pd.DataFrame:
    """Areas of ``members`` (ISO3 codes; all when None) ranked for one ``period`` (the
    panel's last when None).

    risk: fatalities over the last ``window`` periods (then events as the tie-break),
    the current level an analyst should look at first.
    change: that window's fatalities minus those of the ``window`` periods before it;
    ``change_ratio`` is (recent + 1) / (previous + 1).
    With ``scores`` (``detect_escalations`` output) the row carries the period's
    ``surprise`` and ``flagged``.

    Only areas with activity in the window are ranked (a quiet area is not a hotspot,
    and twenty areas tied at "1." with 0 deaths tell a reader nothing), and only areas
    whose current period some source covers (the panel's ``covered``): no data is not a
    calm. Ranks have no ties: equal risk is ordered by events, then by the larger
    increase, then by area key, so the order is stable from run to run.

    Returns one row per area with rank_risk (1 = highest) and rank_change (1 = largest
    increase), ordered by rank_risk."""
    frame = panel
    if members is not None:
        frame = frame.loc[frame["country"].isin(set(members))]
    if frame.empty:
        return pd.DataFrame(
            columns=["area", "country", "period", "risk", "change", "rank_risk", "rank_change"]
        )
    when = pd.Timestamp(period) if period is not None else frame["period"].max()
    frame = frame.sort_values(["area", "period"], kind="stable")
    by_area = frame.groupby("area", sort=False)
    recent_f = by_area["fatalities"].rolling(window, min_periods=1).sum().droplevel(0)
    recent_e = by_area["events"].rolling(window, min_periods=1).sum().droplevel(0)
    previous_f = recent_f.groupby(frame["area"]).shift(window).fillna(0)
    frame = frame.assign(
        risk_fatalities=recent_f.fillna(0).astype("int64"),
        risk_events=recent_e.fillna(0).astype("int64"),
        previous_fatalities=previous_f.astype("int64"),
    )
    current = frame.loc[frame["period"] == when].copy()
    if "covered" in current:
        current = current.loc[current["covered"].astype(bool)]
    current = current.loc[(current["risk_fatalities"] > 0) | (current["risk_events"] > 0)]
    current["risk"] = current["risk_fatalities"]
    current["change"] = current["risk_fatalities"] - current["previous_fatalities"]
    current["change_ratio"] = (current["risk_fatalities"] + 1) / (
        current["previous_fatalities"] + 1
    )
    if scores is not None:
        keep = scores.loc[scores["period"] == when, ["area", "surprise", "flagged"]]
        current = current.merge(keep, on="area", how="left")
        current["surprise"] = current["surprise"].fillna(0.0)
        current["flagged"] = current["flagged"].fillna(False).astype(bool)
    by_risk = current.sort_values(
        ["risk_fatalities", "risk_events", "change", "area"],
        ascending=[False, False, False, True],
        kind="stable",
    )
    current["rank_risk"] = pd.Series(np.arange(1, len(by_risk) + 1), index=by_risk.index)
    by_change = current.sort_values(
        ["change", "risk_fatalities", "area"], ascending=[False, False, True], kind="stable"
    )
    current["rank_change"] = pd.Series(np.arange(1, len(by_change) + 1), index=by_change.index)
    current["rank_risk"] = current["rank_risk"].astype("int64")
    current["rank_change"] = current["rank_change"].astype("int64")
    columns = ["area", "country"] + (["admin1"] if "admin1" in current else []) + ["period"]
    columns += ["risk", "risk_events", "previous_fatalities", "change", "change_ratio"]
    columns += ["surprise", "flagged"] if scores is not None else []
    columns += ["rank_risk", "rank_change"]
    return current.loc[:, columns].sort_values(["rank_risk", "rank_change"]).reset_index(drop=True)


def cluster_events(
    events: pd.DataFrame,
    *,
    eps_km: float = 25.0,
    min_samples: int = 5,
    since: str | pd.Timestamp | None = None,
    until: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Spatial clusters of events (DBSCAN, haversine distance, ``eps_km`` radius).

    Events dated from ``since`` to ``until`` (inclusive, by date_start) with coordinates
    are clustered; noise points are left out. Returns one row per cluster, largest
    fatalities first: cluster, events, fatalities, latitude/longitude (mean centroid),
    first/last date, bounding box (min_lat, min_lon, max_lat, max_lon), country and
    admin1 (the most frequent), and the clustered events' ``event_ids``."""
    frame = events.dropna(subset=["latitude", "longitude"])
    if since is not None:
        frame = frame.loc[frame["date_start"] >= pd.Timestamp(since)]
    if until is not None:
        frame = frame.loc[frame["date_start"] <= pd.Timestamp(until)]
    columns = [
        "cluster", "events", "fatalities", "latitude", "longitude", "first", "last",
        "min_lat", "min_lon", "max_lat", "max_lon", "country", "admin1", "event_ids",
    ]  # fmt: skip
    if len(frame) < min_samples:
        return pd.DataFrame(columns=columns)
    coords = np.radians(frame[["latitude", "longitude"]].to_numpy(dtype="float64"))
    labels = DBSCAN(
        eps=eps_km / EARTH_RADIUS_KM,
        min_samples=min_samples,
        metric="haversine",
        algorithm="ball_tree",
    ).fit_predict(coords)
    frame = frame.assign(cluster=labels).loc[labels >= 0]
    if frame.empty:
        return pd.DataFrame(columns=columns)

    def mode(values: pd.Series) -> object:
        counts = values.dropna().value_counts()
        return counts.index[0] if len(counts) else None

    grouped = frame.groupby("cluster")
    out = grouped.agg(
        events=("event_id", "size"),
        fatalities=("fatalities", "sum"),
        latitude=("latitude", "mean"),
        longitude=("longitude", "mean"),
        first=("date_start", "min"),
        last=("date_start", "max"),
        min_lat=("latitude", "min"),
        min_lon=("longitude", "min"),
        max_lat=("latitude", "max"),
        max_lon=("longitude", "max"),
    )
    out["country"] = grouped["country"].agg(mode)
    out["admin1"] = grouped["admin1"].agg(mode)
    out["event_ids"] = grouped["event_id"].agg(list)
    out = out.reset_index().sort_values(["fatalities", "events"], ascending=False)
    out["cluster"] = np.arange(len(out))  # renumber: 0 = deadliest
    return out.loc[:, columns].reset_index(drop=True)
