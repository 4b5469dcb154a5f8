"""The area x period panel: counts, fatalities, rolling windows, trends and covariates.

``build_panel`` turns a canonical events frame (``vigil.analytics.ucdp`` or the Django
adapter ``events_frame(qs)``) into a complete grid: one row per area and period, zeros
for quiet periods, so that every downstream step (risk, escalation, hotspots, forecasts)
sees the same numbers.

No leakage. Every feature of period *t* uses events dated up to the end of *t* only:

* counts and fatalities are those of *t* itself;
* rolling sums and the trend look back over *t* and earlier periods;
* ``periods_since_fatal`` counts back from *t*;
* spatial lags use the neighbours' values of *t - 1* (strictly the past);
* indicator observations are those whose ``period_start`` falls in *t*, never later;
* election covariates use the calendar of *scheduled* elections, which is public before
  the period starts (an election announced after *t* should not be in the calendar used
  to backtest *t*; the shipped calendar lists dates that were fixed well ahead).

An event belongs to the period of its ``date_start`` when its whole span lies in that
period and its date precision allows it (``vigil.analytics.precision``); year-precision
events and events spanning periods are counted apart, in ``imprecise_events`` and
``imprecise_fatalities`` of the period where they end. At the ``admin1`` level, events
without an admin1, or located only to the country, are left out (they still count at the
country level).

No data is not zero. Given a coverage frame (``vigil.analytics.coverage``), cells that no
counting source covers are marked ``covered = False`` and their counts are missing (NaN),
never 0; rolling sums skip them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from vigil.analytics.coverage import covered as covered_cells
from vigil.analytics.precision import admin1_known, countable
from vigil.analytics.ucdp import normalise_admin1

__all__ = [
    "CATEGORIES",
    "ELECTIONS_CSV",
    "Freq",
    "Level",
    "area_centroids",
    "area_key",
    "build_panel",
    "load_elections",
    "neighbours_from_centroids",
    "period_end",
    "period_floor",
    "period_range",
]

Level = Literal["country", "admin1"]
Freq = Literal["D", "W", "MS"]

CATEGORIES: tuple[str, ...] = ("armed_clash", "violence_against_civilians")
VIOLENCE_TYPES: tuple[int, ...] = (1, 2, 3)
ROLLING_WINDOWS: tuple[int, ...] = (3, 6, 12)
EARTH_RADIUS_KM = 6371.0088

# Editable reference data: the calendar of national elections used as a covariate.
ELECTIONS_CSV = Path(__file__).resolve().parent / "data" / "elections.csv"

_DATE_RANGE_FREQ: Mapping[str, str] = {"D": "D", "W": "W-MON", "MS": "MS"}


# --------------------------------------------------------------------------- periods


def period_floor(dates: pd.Series, freq: Freq) -> pd.Series:
    """Start of the period each date falls in: the day, the Monday of its ISO week, or
    the first of its month."""
    dates = pd.to_datetime(dates).astype("datetime64[ns]")
    if freq == "D":
        return dates.dt.normalize()
    if freq == "W":
        day = dates.dt.normalize()
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    if freq == "MS":
        return dates.dt.to_period("M").dt.start_time.astype("datetime64[ns]")
    raise ValueError(f"freq must be 'D', 'W' or 'MS', not {freq!r}")


def period_end(starts: pd.Series, freq: Freq) -> pd.Series:
    """Last day of each period starting at `starts`."""
    starts = pd.to_datetime(starts).astype("datetime64[ns]")
    if freq == "D":
        return starts
    if freq == "W":
        return starts + pd.Timedelta(days=6)
    return (starts + pd.offsets.MonthEnd(0)).astype("datetime64[ns]")


def period_range(start: pd.Timestamp, end: pd.Timestamp, freq: Freq) -> pd.DatetimeIndex:
    """Every period start from the period containing ``start`` to the one containing
    ``end``."""
    first = period_floor(pd.Series([pd.Timestamp(start)]), freq).iloc[0]
    last = period_floor(pd.Series([pd.Timestamp(end)]), freq).iloc[0]
    return pd.date_range(first, last, freq=_DATE_RANGE_FREQ[freq]).astype("datetime64[ns]")


# --------------------------------------------------------------------------- areas


def area_key(events: pd.DataFrame, level: Level) -> pd.Series:
    """The area identifier for each event: ``"NGA"`` or ``"NGA/Borno"`` (missing when
    the event has no admin1 at the admin1 level)."""
    if level == "country":
        return events["country"].astype("str")
    if level == "admin1":
        admin1 = events["admin1"]
        key = events["country"].astype("str") + "/" + admin1.astype("str")
        return key.where(admin1_known(events) & events["country"].notna())
    raise ValueError(f"level must be 'country' or 'admin1', not {level!r}")


def area_centroids(events: pd.DataFrame, level: Level) -> pd.DataFrame:
    """Median event location per area: columns area, latitude, longitude, events."""
    frame = pd.DataFrame(
        {
            "area": area_key(events, level),
            "latitude": events["latitude"],
            "longitude": events["longitude"],
        }
    ).dropna()
    grouped = frame.groupby("area", sort=True)
    out = grouped[["latitude", "longitude"]].median()
    out["events"] = grouped.size()
    return out.reset_index()


def _haversine_matrix(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat_r, lon_r = np.radians(lat)[:, None], np.radians(lon)[:, None]
    dlat = lat_r - lat_r.T
    dlon = lon_r - lon_r.T
    a = np.sin(dlat / 2) ** 2 + np.cos(lat_r) * np.cos(lat_r.T) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def neighbours_from_centroids(
    events: pd.DataFrame,
    level: Level,
    *,
    k: int | None = 5,
    max_km: float | None = None,
) -> dict[str, list[str]]:
    """Adjacency from centroid distance: each area's ``k`` nearest areas (by the median
    location of its events), optionally only those within ``max_km``. With ``k=None``,
    every area within ``max_km``. Neighbours are ordered nearest first."""
    if k is None and max_km is None:
        raise ValueError("give k, max_km or both")
    cents = area_centroids(events, level)
    areas = cents["area"].tolist()
    if not areas:
        return {}
    dist = _haversine_matrix(cents["latitude"].to_numpy(), cents["longitude"].to_numpy())
    np.fill_diagonal(dist, np.inf)
    result: dict[str, list[str]] = {}
    for i, area in enumerate(areas):
        order = np.argsort(dist[i], kind="stable")
        order = order[np.isfinite(dist[i][order])]
        if max_km is not None:
            order = order[dist[i][order] <= max_km]
        if k is not None:
            order = order[:k]
        result[area] = [areas[j] for j in order]
    return result


# --------------------------------------------------------------------------- elections


def load_elections(path: str | Path = ELECTIONS_CSV) -> pd.DataFrame:
    """The editable elections calendar: columns country (ISO3), date, kind, note."""
    frame = pd.read_csv(path, comment="#", dtype={"country": "str", "kind": "str"})
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame


def _election_features(grid: pd.DataFrame, elections: pd.DataFrame, freq: Freq) -> pd.DataFrame:
    """Periods to the next and since the last election of the area's country (0 in the
    election's own period), and a 0/1 flag for an election in the period."""
    cal = elections.loc[:, ["country", "date"]].dropna().copy()
    cal["period"] = period_floor(cal["date"], freq)
    out = pd.DataFrame(index=grid.index)
    out["periods_to_election"] = np.nan
    out["periods_since_election"] = np.nan
    out["election_period"] = 0
    step = _DATE_RANGE_FREQ[freq]
    for country, rows in grid.groupby("country", sort=False):
        dates = np.sort(cal.loc[cal["country"] == country, "period"].unique())
        if len(dates) == 0:
            continue
        periods = rows["period"].to_numpy()
        # Integer period numbers, so weeks and months count as whole steps.
        origin = min(periods.min(), dates.min())
        span = pd.date_range(origin, max(periods.max(), dates.max()), freq=step)
        index = pd.Index(span.astype("datetime64[ns]"))
        p_num = index.get_indexer(periods)
        e_num = index.get_indexer(dates)
        nxt = np.searchsorted(e_num, p_num, side="left")
        prev = np.searchsorted(e_num, p_num, side="right") - 1
        to_next = np.where(nxt < len(e_num), e_num[np.minimum(nxt, len(e_num) - 1)] - p_num, np.nan)
        since = np.where(prev >= 0, p_num - e_num[np.maximum(prev, 0)], np.nan)
        out.loc[rows.index, "periods_to_election"] = to_next
        out.loc[rows.index, "periods_since_election"] = since
        out.loc[rows.index, "election_period"] = (to_next == 0).astype(int)
    return out


# --------------------------------------------------------------------------- observations


def _observation_features(
    grid: pd.DataFrame, observations: pd.DataFrame, level: Level, freq: Freq
) -> pd.DataFrame:
    """Mean value of each indicator per area-period, ``obs_<indicator>`` (missing when
    nothing was observed). At the admin1 level an area uses its own observations where it
    has them and its country's country-wide ones (admin1 missing) otherwise."""
    obs = observations.loc[:, ["country", "admin1", "period_start", "indicator", "value"]].copy()
    obs["period"] = period_floor(obs["period_start"], freq)
    obs["value"] = pd.to_numeric(obs["value"], errors="coerce")
    obs = obs.dropna(subset=["country", "period", "indicator", "value"])
    obs["column"] = "obs_" + obs["indicator"].astype("str")

    def pivot(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
        return (
            frame.assign(area=key)
            .pivot_table(index=["area", "period"], columns="column", values="value", aggfunc="mean")
            .rename_axis(columns=None)
        )

    keys = grid.set_index(["area", "period"]).index
    if level == "country":
        table = pivot(obs, obs["country"].astype("str"))
        return table.reindex(keys).set_axis(grid.index)
    has_admin1 = obs["admin1"].notna()
    own = obs.loc[has_admin1]
    own_key = own["country"].astype("str") + "/" + own["admin1"].map(normalise_admin1)
    own_table = pivot(own, own_key).reindex(keys)
    wide = obs.loc[~has_admin1]
    wide_table = pivot(wide, wide["country"].astype("str"))
    country_keys = pd.MultiIndex.from_arrays([grid["country"], grid["period"]])
    wide_table = wide_table.reindex(country_keys).set_axis(keys)
    columns = sorted(set(own_table.columns) | set(wide_table.columns))
    combined = own_table.reindex(columns=columns).combine_first(wide_table.reindex(columns=columns))
    return combined.set_axis(grid.index)


# --------------------------------------------------------------------------- the panel


def build_panel(
    events: pd.DataFrame,
    *,
    level: Level,
    freq: Freq = "MS",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    elections: pd.DataFrame | None = None,
    observations: pd.DataFrame | None = None,
    neighbours: Mapping[str, Sequence[str]] | None = None,
    windows: Iterable[int] = ROLLING_WINDOWS,
    coverage: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A complete area x period panel from a canonical events frame.

    Each area's rows run from its first event's period (or ``start`` if given) to the
    last period in the data (or ``end``); quiet periods are zeros. Columns:

    area, country, admin1 (admin1 level only), period, events, fatalities,
    events_<category>, fatalities_<category>, events_vt1..3, fatalities_vt1..3,
    events_sum<w>, fatalities_sum<w> for each window w, trend (mean log1p fatalities over
    the last 3 periods minus over the last 12), periods_since_fatal (0 in a fatal period,
    missing before the area's first fatal period), and when given: spatial_lag_events /
    spatial_lag_fatalities (neighbours' mean in the previous period), election covariates,
    obs_<indicator>; imprecise_events / imprecise_fatalities (events left out of the
    counts for their date precision, in the period where they end); covered (False where
    no counting source of ``coverage`` spans the period: the counts there are NaN).
    """
    windows = tuple(sorted(set(windows)))
    frame = events.loc[:, ["country", "admin1", "date_start", "category", "violence_type"]].copy()
    frame["fatalities"] = pd.to_numeric(events["fatalities"], errors="coerce").fillna(0)
    frame["area"] = area_key(events, level)
    frame["countable"] = countable(events, freq) if len(events) else pd.Series(dtype=bool)
    end_dates = events["date_end"] if "date_end" in events else events["date_start"]
    frame["date_end"] = pd.to_datetime(end_dates).astype("datetime64[ns]")
    frame = frame.dropna(subset=["area", "date_start"])
    frame["period"] = period_floor(frame["date_start"], freq)
    # Imprecise events belong to no single period: they are shown where they end.
    frame["period"] = frame["period"].where(
        frame["countable"], period_floor(frame["date_end"].fillna(frame["date_start"]), freq)
    )

    start_p = period_floor(pd.Series([pd.Timestamp(start)]), freq).iloc[0] if start else None
    end_p = period_floor(pd.Series([pd.Timestamp(end)]), freq).iloc[0] if end else None
    if start_p is not None:
        frame = frame.loc[frame["period"] >= start_p]
    if end_p is not None:
        frame = frame.loc[frame["period"] <= end_p]

    columns = _empty_panel_columns(level)
    if frame.empty:
        return pd.DataFrame(columns=columns)

    last = end_p if end_p is not None else frame["period"].max()
    step = _DATE_RANGE_FREQ[freq]
    firsts = frame.groupby("area")["period"].min()
    country_of = frame.groupby("area")["country"].first()
    pieces = []
    for area, first in firsts.items():
        periods = pd.date_range(start_p if start_p is not None else first, last, freq=step)
        pieces.append(pd.DataFrame({"area": area, "period": periods.astype("datetime64[ns]")}))
    grid = pd.concat(pieces, ignore_index=True)
    grid["country"] = grid["area"].map(country_of).astype("str")
    if level == "admin1":
        grid["admin1"] = grid["area"].str.split("/", n=1).str[1]

    # Counts and fatalities: total, by category, by violence type.
    frame["events"] = 1
    keys = ["area", "period"]
    imprecise = frame.loc[~frame["countable"]].groupby(keys)
    imprecise_counts = imprecise.agg(
        imprecise_events=("events", "sum"), imprecise_fatalities=("fatalities", "sum")
    )
    frame = frame.loc[frame["countable"]]
    agg = frame.groupby(keys).agg(events=("events", "sum"), fatalities=("fatalities", "sum"))
    for cat in CATEGORIES:
        sub = frame.loc[frame["category"] == cat].groupby(keys)
        agg[f"events_{cat}"] = sub.size()
        agg[f"fatalities_{cat}"] = sub["fatalities"].sum()
    for vt in VIOLENCE_TYPES:
        sub = frame.loc[frame["violence_type"] == vt].groupby(keys)
        agg[f"events_vt{vt}"] = sub.size()
        agg[f"fatalities_vt{vt}"] = sub["fatalities"].sum()
    panel = grid.merge(agg.reset_index(), on=keys, how="left")
    count_cols = list(agg.columns)
    panel[count_cols] = panel[count_cols].fillna(0).astype("int64")
    panel = panel.merge(imprecise_counts.reset_index(), on=keys, how="left")
    extra = ["imprecise_events", "imprecise_fatalities"]
    panel[extra] = panel[extra].fillna(0).astype("int64")
    head = _empty_panel_columns(level)[:-2]
    panel = panel.loc[:, head + [c for c in panel.columns if c not in head]]
    panel = panel.sort_values(keys, kind="stable").reset_index(drop=True)
    if coverage is not None:
        ends = period_end(panel["period"], freq)
        panel["covered"] = covered_cells(coverage, panel["country"], panel["period"], ends)
        if not panel["covered"].all():
            missing = ~panel["covered"]
            panel[count_cols] = panel[count_cols].astype("float64")
            panel.loc[missing, count_cols] = np.nan
    else:
        panel["covered"] = True

    # Rolling windows, trend and time since the last fatal period (past and present only).
    by_area = panel.groupby("area", sort=False)
    missing = ~panel["covered"]
    for w in windows:
        for col in ("events", "fatalities"):
            rolled = by_area[col].rolling(w, min_periods=1).sum().reset_index(level=0, drop=True)
            if missing.any():
                panel[f"{col}_sum{w}"] = rolled.where(~missing)
            else:
                panel[f"{col}_sum{w}"] = rolled.astype("int64")
    log_f = np.log1p(panel["fatalities"])
    short = log_f.groupby(panel["area"]).rolling(3, min_periods=1).mean().droplevel(0)
    long = log_f.groupby(panel["area"]).rolling(12, min_periods=1).mean().droplevel(0)
    panel["trend"] = (short - long).astype("float64").where(~missing)
    panel["periods_since_fatal"] = _periods_since(panel, panel["fatalities"] > 0).where(~missing)

    if neighbours is not None:
        panel = _add_spatial_lags(panel, neighbours)
    if elections is not None:
        panel = panel.join(_election_features(panel, elections, freq))
    if observations is not None and len(observations):
        panel = panel.join(_observation_features(panel, observations, level, freq))
    return panel


def _empty_panel_columns(level: Level) -> list[str]:
    cols = ["area", "country"] + (["admin1"] if level == "admin1" else []) + ["period"]
    return [*cols, "events", "fatalities"]


def _periods_since(panel: pd.DataFrame, hit: pd.Series) -> pd.Series:
    """Periods since the last row where ``hit`` was true, per area (rows sorted by area,
    period); missing before the first hit."""
    position = panel.groupby("area", sort=False).cumcount()
    last_hit = position.where(hit).groupby(panel["area"], sort=False).ffill()
    return (position - last_hit).astype("float64")


def _add_spatial_lags(panel: pd.DataFrame, neighbours: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Mean events and fatalities of an area's neighbours in the previous period (areas
    not yet in the grid count as zero)."""
    wide_f = panel.pivot(index="period", columns="area", values="fatalities").fillna(0)
    wide_e = panel.pivot(index="period", columns="area", values="events").fillna(0)
    prev_f, prev_e = wide_f.shift(1), wide_e.shift(1)
    lag_f = pd.DataFrame(np.nan, index=wide_f.index, columns=wide_f.columns)
    lag_e = lag_f.copy()
    for area in wide_f.columns:
        nbrs = [n for n in neighbours.get(area, ()) if n in wide_f.columns and n != area]
        if not nbrs:
            continue
        lag_f[area] = prev_f[nbrs].mean(axis=1)
        lag_e[area] = prev_e[nbrs].mean(axis=1)
    long_f = lag_f.stack(future_stack=True).rename("spatial_lag_fatalities")
    long_e = lag_e.stack(future_stack=True).rename("spatial_lag_events")
    lags = pd.concat([long_e, long_f], axis=1).reset_index()
    return panel.merge(lags, on=["period", "area"], how="left")
