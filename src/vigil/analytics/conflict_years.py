"""The global country-year panel: armed conflict incidence for every Gleditsch-Ward state.

Built from three real files: the UCDP/PRIO Armed Conflict Dataset (ACD), UCDP
Battle-Related Deaths (BRD) and the Gleditsch-Ward list of independent states (with
capitals for the neighbourhood). This is the setting of Hegre et al. (2013), "Predicting
armed conflict, 2010-2050".

Definitions (documented because the literature varies):

* unit: a GW state (`gwcode`) in every year it is independent on 1 January or later in
  the year. The GW list ends in 2017; states alive on 2017-12-31 are carried to the last
  ACD year. ACD locations without a GW state (55 Grenada, 751 Hyderabad) are dropped.
* incidence(t) = 1 if any ACD conflict-year lists the state in `gwno_loc` (a comma list
  for conflicts fought in several states). ACD's threshold is 25 battle deaths per year,
  so every ACD row counts.
* onset(t) = incidence(t) = 1 and incidence(t-1) = 0 (one peace year suffices, as in
  Hegre et al.'s transition model from "no conflict" to "conflict").
* battle deaths: BRD `bd_best` summed over dyads by `gwno_loc`; a dyad located in k states
  gives each 1/k. BRD starts in 1989, so deaths are missing (NaN) before; ACD's
  `intensity_level` (1: 25-999, 2: 1000+) carries intensity back to 1946.

Every feature for year t uses only data from years up to t, so the panel can be built
once and sliced by year for rolling-origin backtests. No population, GDP, regime or
infant-mortality covariates are in the data, so Hegre's structural predictors are absent;
history, neighbourhood and state age stand in for them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ACD_FILE = "ucdp_conflict_year/UcdpPrioConflict_v23_1.csv"
BRD_FILE = "ucdp_conflict_year/BattleDeaths_v24_1.csv"
GW_STATES_FILE = "geo/gw_states_iisystem2017.csv"
GW_CAPITALS_FILE = "geo/gw_capitals.csv"

FEATURES: tuple[str, ...] = (
    "incidence",
    "incidence_lag1",
    "incidence_lag2",
    "intensity",
    "n_conflicts",
    "n_government",
    "n_territory",
    "n_interstate",
    "n_internationalised",
    "log_deaths",
    "log_deaths_lag1",
    "years_since_conflict",
    "decay_1",
    "decay_4",
    "decay_16",
    "conflict_years_last5",
    "conflict_years_last10",
    "conflict_share_history",
    "state_age",
    "region_code",
    "region_share",
    "neighbour_share",
    "neighbour_intensity",
    "global_share",
    "global_onsets",
)

# Region of a GW code, as UCDP assigns them: 1 Europe, 2 Middle East, 3 Asia,
# 4 Africa, 5 Americas.
_REGION_BOUNDS = ((200, 5), (400, 1), (630, 4), (700, 2), (1000, 3))


def region_of(gwcode: int) -> int:
    """UCDP region code of a GW state number."""
    for upper, region in _REGION_BOUNDS:
        if gwcode < upper:
            return region
    return 3


def _split_codes(value: object) -> list[int]:
    return [int(part) for part in str(value).split(",") if part.strip()]


def read_states(path: str | Path, *, last_year: int) -> pd.DataFrame:
    """One row per (gwcode, year) a state is independent, from `first year` to `last_year`."""
    states = pd.read_csv(path, parse_dates=["startdate", "enddate"])
    rows = []
    for state in states.itertuples(index=False):
        end_year = state.enddate.year
        if state.enddate == pd.Timestamp("2017-12-31"):
            end_year = last_year
        for year in range(state.startdate.year, end_year + 1):
            rows.append((int(state.gwcode), state.statename, year, state.startdate.year))
    frame = pd.DataFrame(rows, columns=["gwcode", "name", "year", "start_year"])
    frame = frame.drop_duplicates(["gwcode", "year"], keep="last")
    # State age counts from the start of the current spell of independence.
    spell = frame.groupby("gwcode")["year"].transform(lambda y: (y.diff() != 1).cumsum())
    frame["start_year"] = frame.groupby([frame["gwcode"], spell])["year"].transform("min")
    return frame


def conflict_location_years(acd: pd.DataFrame) -> pd.DataFrame:
    """ACD conflict-years exploded to one row per (gwcode, year, conflict_id)."""
    frame = acd.assign(gwcode=acd["gwno_loc"].map(_split_codes)).explode("gwcode")
    frame["gwcode"] = frame["gwcode"].astype(int)
    return frame


def country_year_deaths(brd: pd.DataFrame) -> pd.DataFrame:
    """Battle deaths per (gwcode, year); a dyad located in k states gives each 1/k."""
    frame = brd.assign(gwcode=brd["gwno_loc"].map(_split_codes))
    frame["share"] = frame["bd_best"] / frame["gwcode"].map(len)
    frame = frame.explode("gwcode")
    frame["gwcode"] = frame["gwcode"].astype(int)
    return (
        frame.groupby(["gwcode", "year"], as_index=False)["share"]
        .sum()
        .rename(columns={"share": "deaths"})
    )


def _capital_neighbours(capitals: pd.DataFrame, k: int) -> dict[int, list[int]]:
    """The k states whose capitals are nearest (great circle) to each state's capital."""
    latest = capitals.sort_values("enddate").drop_duplicates("gwcode", keep="last")
    codes = latest["gwcode"].astype(int).to_numpy()
    lat = np.radians(latest["lat"].to_numpy(dtype=float))
    lng = np.radians(latest["lng"].to_numpy(dtype=float))
    cos_angle = np.sin(lat)[:, None] * np.sin(lat)[None, :] + np.cos(lat)[:, None] * np.cos(lat)[
        None, :
    ] * np.cos(lng[:, None] - lng[None, :])
    distance = np.arccos(np.clip(cos_angle, -1.0, 1.0))
    np.fill_diagonal(distance, np.inf)
    nearest = np.argsort(distance, axis=1)[:, :k]
    return {
        int(code): [int(codes[j]) for j in row] for code, row in zip(codes, nearest, strict=True)
    }


def build_country_year_panel(
    acd: pd.DataFrame,
    brd: pd.DataFrame,
    states: pd.DataFrame,
    capitals: pd.DataFrame,
    *,
    first_year: int = 1946,
    neighbours: int = 5,
) -> pd.DataFrame:
    """Country-year panel with outcomes (`incidence`, `onset`, `deaths`) and `FEATURES`.

    `states` is the output of `read_states`. Columns `unit` (gwcode) and `period` (year)
    are what the backtest uses; the panel ends at the last ACD year.
    """
    last_year = int(acd["year"].max())
    panel = states[(states["year"] >= first_year) & (states["year"] <= last_year)].copy()
    located = conflict_location_years(acd[acd["year"] <= last_year])
    located["government"] = (located["incompatibility"].astype(int) != 1).astype(int)
    located["territory"] = (located["incompatibility"].astype(int) != 2).astype(int)
    located["interstate"] = (located["type_of_conflict"].astype(int) == 2).astype(int)
    located["internationalised"] = (located["type_of_conflict"].astype(int) == 4).astype(int)
    per_year = located.groupby(["gwcode", "year"]).agg(
        n_conflicts=("conflict_id", "nunique"),
        intensity=("intensity_level", "max"),
        n_government=("government", "sum"),
        n_territory=("territory", "sum"),
        n_interstate=("interstate", "sum"),
        n_internationalised=("internationalised", "sum"),
    )
    panel = panel.merge(per_year.reset_index(), on=["gwcode", "year"], how="left")
    count_columns = ["n_conflicts", "intensity", "n_government", "n_territory"]
    count_columns += ["n_interstate", "n_internationalised"]
    panel[count_columns] = panel[count_columns].fillna(0).astype(int)
    panel["incidence"] = (panel["n_conflicts"] > 0).astype(int)

    deaths = country_year_deaths(brd[brd["year"] <= last_year])
    panel = panel.merge(deaths, on=["gwcode", "year"], how="left")
    brd_first = int(brd["year"].min())
    panel.loc[(panel["year"] >= brd_first) & panel["deaths"].isna(), "deaths"] = 0.0
    panel["log_deaths"] = np.log1p(panel["deaths"])

    panel = panel.sort_values(["gwcode", "year"]).reset_index(drop=True)
    by_unit = panel.groupby("gwcode", sort=False)
    previous = by_unit["incidence"].shift(1)
    panel["onset"] = ((panel["incidence"] == 1) & (previous.fillna(0) == 0)).astype(int)
    panel["incidence_lag1"] = previous
    panel["incidence_lag2"] = by_unit["incidence"].shift(2)
    panel["log_deaths_lag1"] = by_unit["log_deaths"].shift(1)

    last_conflict = panel["year"].where(panel["incidence"] == 1)
    last_conflict = last_conflict.groupby(panel["gwcode"]).ffill()
    # Never in conflict since independence (or 1946): count from the later of the two.
    since_start = panel["year"] - np.maximum(panel["start_year"], first_year) + 1
    panel["years_since_conflict"] = (panel["year"] - last_conflict).fillna(since_start)
    for half_life in (1, 4, 16):
        panel[f"decay_{half_life}"] = 2.0 ** (-panel["years_since_conflict"] / half_life)
    for window in (5, 10):
        panel[f"conflict_years_last{window}"] = by_unit["incidence"].transform(
            lambda s, w=window: s.rolling(w, min_periods=1).sum()
        )
    panel["conflict_share_history"] = by_unit["incidence"].transform(lambda s: s.expanding().mean())
    panel["state_age"] = panel["year"] - panel["start_year"]

    panel["region_code"] = panel["gwcode"].map(region_of)
    region_total = panel.groupby(["region_code", "year"])["incidence"].transform("sum")
    region_size = panel.groupby(["region_code", "year"])["incidence"].transform("size")
    panel["region_share"] = (region_total - panel["incidence"]) / (region_size - 1).clip(lower=1)
    panel["global_share"] = panel.groupby("year")["incidence"].transform("mean")
    panel["global_onsets"] = panel.groupby("year")["onset"].transform("sum")

    nearest = _capital_neighbours(capitals, neighbours)
    incidence = panel.set_index(["gwcode", "year"])["incidence"]
    intensity = panel.set_index(["gwcode", "year"])["intensity"]
    pairs = [(code, n) for code, near in nearest.items() for n in near]
    links = pd.DataFrame(pairs, columns=["gwcode", "neighbour"])
    near = panel[["gwcode", "year"]].merge(links, on="gwcode")
    key = pd.MultiIndex.from_arrays([near["neighbour"], near["year"]])
    near["n_incidence"] = incidence.reindex(key).to_numpy()
    near["n_intensity"] = intensity.reindex(key).to_numpy()
    near_agg = near.groupby(["gwcode", "year"]).agg(
        neighbour_share=("n_incidence", "mean"), neighbour_intensity=("n_intensity", "max")
    )
    panel = panel.merge(near_agg.reset_index(), on=["gwcode", "year"], how="left")

    panel["unit"] = panel["gwcode"]
    panel["period"] = panel["year"]
    return panel


def load_country_year_panel(data_dir: str | Path, *, last_year: int | None = None) -> pd.DataFrame:
    """Read the ACD, BRD and GW files under `data_dir` and build the panel.

    `last_year` truncates the sources first, as if the data ended then.
    """
    root = Path(data_dir)
    acd = pd.read_csv(root / ACD_FILE)
    brd = pd.read_csv(root / BRD_FILE)
    if last_year is not None:
        acd = acd[acd["year"] <= last_year]
        brd = brd[brd["year"] <= last_year]
    states = read_states(root / GW_STATES_FILE, last_year=int(acd["year"].max()))
    capitals = pd.read_csv(root / GW_CAPITALS_FILE, parse_dates=["stdate", "enddate"])
    return build_country_year_panel(acd, brd, states, capitals)
