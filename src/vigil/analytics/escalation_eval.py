"""Measuring escalation detectors on documented onsets and quiet controls.

A detector that was tuned on the cases it is shown does not prove anything: the 15 cases
of docs/escalations.md were all found by the detector tuned to them, while a plain surge
rule beat it on onsets it had not seen. So every detector (the shipped one and the two
baselines here) is scored the same way on a versioned case file
(``data/escalation_cases.csv``) with a fixed tune/test split:

* **recall@0**: share of documented onsets flagged in the onset month itself;
* **recall@1**: flagged within one month either side;
* **lead/lag**: offset in months of the flag nearest the onset within ``MAX_OFFSET``
  months (negative = before the documented onset), and of the first flag there;
* **false alarms per area-year on the controls**: flags in quiet area-windows;
* **false alarms per area-year on all area-months**: flags outside ``MAX_OFFSET`` months
  of any documented onset (this file's and the docs' cases), over every scored
  area-month. Undocumented real escalations count here too, so it is an upper bound.

The baselines are the rules an analyst would otherwise use: the ACLED-style subnational
surge (a month at least twice the mean of the previous three, with a minimum of
activity) and "three times the 12-month mean". Their minimum-activity floor can be
matched to a detector's false-alarm rate (``match_floor``) so recall is compared at an
equal or higher false-alarm budget for the baseline, never a lower one.

Everything here is a pure function of frames; the bench script
(``bench/escalations/run.py``) and the tests read the real files in ../shared/data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from vigil.analytics.panel import Level, build_panel
from vigil.analytics.ucdp import normalise_admin1, read_ucdp_ged

__all__ = [
    "CASES_CSV",
    "DOCS_CASES",
    "FLOORS",
    "GED_FILES",
    "LAST_MONTH",
    "MAX_OFFSET",
    "Detector",
    "MeanMultipleRule",
    "SurgeRule",
    "all_months_false_alarms",
    "case_version",
    "compare",
    "control_false_alarms",
    "evaluation_panel",
    "load_cases",
    "load_ged",
    "match_floor",
    "score_onsets",
    "summarise",
]

CASES_CSV = Path(__file__).resolve().parent / "data" / "escalation_cases.csv"

# The real UCDP GED files of ../shared/data/ucdp_ged, one per country (PROVENANCE.md).
GED_FILES: Mapping[str, str] = {
    "NGA": "hdx_ucdp_ged_conflict_data_nga.csv.gz",
    "CAF": "ged231_central_african_republic_1989-2022.csv.gz",
    "MMR": "ged241_myanmar_1989-2023.csv.gz",
    "SYR": "ged191_syria_2016-2019.csv.gz",
    "MEX": "ged241_mexico_1989-2023.csv.gz",
}
# The Syria file's last event is dated 2019-12-01: its December is a fragment, and a
# fragment reads as a collapse of violence.
LAST_MONTH: Mapping[str, str] = {"SYR": "2019-11"}

# Months either side of an onset searched for the first flag (lead/lag), and kept out of
# the all-area-months false-alarm count.
MAX_OFFSET = 3

# The cases documented (and tuned to) in docs/escalations.md: never in the evaluation set,
# but their months are not false alarms either.
DOCS_CASES: tuple[tuple[str, str, str], ...] = (
    ("admin1", "NGA/Borno", "2009-07"),
    ("admin1", "NGA/Borno", "2014-02"),
    ("admin1", "CAF/Bangui", "2013-12"),
    ("country", "CAF", "2013-12"),
    ("admin1", "MMR/Rakhine", "2016-10"),
    ("admin1", "MMR/Rakhine", "2017-08"),
    ("country", "MMR", "2021-02"),
    ("admin1", "SYR/Idlib", "2019-05"),
    ("admin1", "NGA/Plateau", "2001-09"),
    ("admin1", "NGA/Plateau", "2008-11"),
    ("admin1", "NGA/Plateau", "2010-01"),
    ("admin1", "NGA/Kano", "2012-01"),
    ("admin1", "MMR/Kachin", "2011-06"),
    ("admin1", "MMR/Yangon", "2007-09"),
    ("admin1", "SYR/As Suwayda", "2018-07"),
)

# Minimum-activity floors (deaths; events are a fifth) tried when matching a baseline's
# false-alarm rate to a detector's: fine enough that the match is close.
FLOORS: tuple[float, ...] = (
    *range(5, 100, 5),
    *range(100, 400, 10),
    *range(400, 1501, 50),
)

Detector = Callable[[pd.DataFrame], pd.DataFrame]
"""Panel in, one row per area-period out with at least ``area``, ``period``, ``flagged``."""


# --------------------------------------------------------------------------- the case file


def case_version(path: str | Path = CASES_CSV) -> str:
    """The version stated in the case file's header (``# ... version 1 ...``)."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        found = re.search(r"version (\S+?)[ ,(]", line)
        if found:
            return found.group(1)
    raise ValueError(f"{path}: no version in the header")


def load_cases(path: str | Path = CASES_CSV) -> pd.DataFrame:
    """The evaluation set: one row per onset or control, with the panel's ``area`` key
    (``NGA`` or ``NGA/Kaduna``) and months as timestamps (``onset``, ``start``, ``end``;
    NaT where the kind has none)."""
    frame = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    admin1 = frame["admin1"].map(normalise_admin1)
    frame["area"] = np.where(
        frame["level"] == "country", frame["country"], frame["country"] + "/" + admin1.fillna("")
    )
    for column in ("onset", "start", "end"):
        frame[column] = pd.to_datetime(frame[column].replace("", None), format="%Y-%m")
    bad = frame.loc[
        ~frame["kind"].isin(["onset", "control"]) | ~frame["split"].isin(["tune", "test"])
    ]
    if not bad.empty:
        raise ValueError(f"{path}: bad kind or split in rows {bad['id'].tolist()}")
    return frame


# --------------------------------------------------------------------------- the data


def load_ged(data_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Canonical events of each GED file under ``data_dir/ucdp_ged``, by ISO3."""
    root = Path(data_dir) / "ucdp_ged"
    return {iso3: read_ucdp_ged(root / name) for iso3, name in GED_FILES.items()}


def evaluation_panel(events: Mapping[str, pd.DataFrame], level: Level) -> pd.DataFrame:
    """Monthly precision-aware panels of all files at one level, every area starting at
    its file's first month (an area's first recorded event is then scored against the
    zeros the file does cover, instead of starting the area's history) and ending at the
    file's last full month."""
    parts = []
    for iso3, frame in events.items():
        first = frame["date_start"].min().to_period("M").start_time
        last = pd.Timestamp(LAST_MONTH[iso3]) if iso3 in LAST_MONTH else None
        if last is None:
            last = frame["date_start"].max().to_period("M").start_time
        parts.append(build_panel(frame, level=level, freq="MS", start=first, end=last))
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- baselines


def _trailing_mean(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the previous ``window`` values and how many there were (missing values
    skipped)."""
    x = np.asarray(values, dtype="float64")
    present = ~np.isnan(x)
    c1 = np.concatenate(([0.0], np.cumsum(np.where(present, x, 0.0))))
    cn = np.concatenate(([0.0], np.cumsum(present)))
    t = np.arange(len(x))
    lo = np.maximum(t - window, 0)
    count = cn[t] - cn[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, (c1[t] - c1[lo]) / np.maximum(count, 1), 0.0)
    return mean, count


@dataclass(frozen=True)
class _RatioRule:
    """A month flags when, on fatalities or on events, it is at least ``ratio`` times the
    mean of the previous ``window`` months and at least the minimum activity."""

    ratio: float
    window: int
    min_fatalities: float = 25.0
    min_events: float = 5.0

    def with_floor(self, min_fatalities: float) -> _RatioRule:
        """The same rule with another minimum (events scaled 1 per 5 deaths, at least 3)."""
        return replace(self, min_fatalities=min_fatalities, min_events=max(3.0, min_fatalities / 5))

    def __call__(self, panel: pd.DataFrame) -> pd.DataFrame:
        panel = panel.sort_values(["area", "period"], kind="stable")
        parts = []
        for area, rows in panel.groupby("area", sort=False):
            flagged = np.zeros(len(rows), dtype=bool)
            for target, floor in (("fatalities", self.min_fatalities), ("events", self.min_events)):
                x = rows[target].to_numpy(dtype="float64")
                mean, count = _trailing_mean(x, self.window)
                with np.errstate(invalid="ignore"):
                    hit = (count >= self.window) & (x >= self.ratio * mean) & (x >= floor)
                flagged |= np.nan_to_num(hit, nan=0).astype(bool)
            parts.append(
                pd.DataFrame(
                    {"area": area, "period": rows["period"].to_numpy(), "flagged": flagged}
                )
            )
        if not parts:
            return pd.DataFrame(columns=["area", "period", "flagged"])
        return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class SurgeRule(_RatioRule):
    """ACLED-style subnational surge: the month is at least twice the mean of the previous
    three months, with a minimum of activity (ACLED's weekly tracker uses events and
    "100% above the past four weeks"; this is its monthly form on UCDP deaths and events)."""

    ratio: float = 2.0
    window: int = 3


@dataclass(frozen=True)
class MeanMultipleRule(_RatioRule):
    """The month is at least three times the mean of the previous twelve months, with a
    minimum of activity."""

    ratio: float = 3.0
    window: int = 12


# --------------------------------------------------------------------------- scoring


def _month_offset(later: pd.Series | pd.Timestamp, earlier: pd.Timestamp) -> np.ndarray:
    later = pd.DatetimeIndex(np.atleast_1d(later))
    return np.asarray((later.year - earlier.year) * 12 + (later.month - earlier.month))


def _nearest(offsets: np.ndarray) -> float:
    """The offset closest to 0, the negative one on a tie (NaN for none)."""
    if not len(offsets):
        return np.nan
    order = np.lexsort((offsets, np.abs(offsets)))
    return float(offsets[order[0]])


def score_onsets(
    flags: pd.DataFrame, cases: pd.DataFrame, *, max_offset: int = MAX_OFFSET
) -> pd.DataFrame:
    """One row per onset of ``cases`` (other kinds are ignored): ``in_data`` (the area's
    onset month is in the flags frame), ``hit0``, ``hit1``, ``offset`` of the flag nearest
    the onset within ``max_offset`` months (the earlier on a tie; NaN if none: the
    lead/lag of the detection) and ``first_offset`` of the first flag in that window."""
    onsets = cases.loc[cases["kind"] == "onset"]
    by_area = {area: rows for area, rows in flags.groupby("area", sort=False)}
    out = []
    for case in onsets.itertuples(index=False):
        rows = by_area.get(case.area)
        offsets = np.array([], dtype=int)
        in_data = False
        if rows is not None:
            in_data = bool((rows["period"] == case.onset).any())
            hit = rows.loc[rows["flagged"].astype(bool), "period"]
            offsets = _month_offset(hit, case.onset) if len(hit) else offsets
            offsets = offsets[np.abs(offsets) <= max_offset]
        out.append(
            {
                "id": case.id,
                "level": case.level,
                "area": case.area,
                "onset": case.onset,
                "split": case.split,
                "in_data": in_data,
                "hit0": bool((offsets == 0).any()),
                "hit1": bool((np.abs(offsets) <= 1).any()),
                "offset": _nearest(offsets),
                "first_offset": float(offsets.min()) if len(offsets) else np.nan,
            }
        )
    return pd.DataFrame(out)


def control_false_alarms(flags: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """One row per control of ``cases``: months scored, flags and flags per area-year."""
    controls = cases.loc[cases["kind"] == "control"]
    by_area = {area: rows for area, rows in flags.groupby("area", sort=False)}
    out = []
    for control in controls.itertuples(index=False):
        rows = by_area.get(control.area, flags.iloc[0:0])
        window = rows.loc[(rows["period"] >= control.start) & (rows["period"] <= control.end)]
        months = len(window)
        alarms = int(window["flagged"].astype(bool).sum())
        out.append(
            {
                "id": control.id,
                "level": control.level,
                "area": control.area,
                "split": control.split,
                "months": months,
                "flags": alarms,
                "per_area_year": 12.0 * alarms / months if months else np.nan,
            }
        )
    return pd.DataFrame(out)


def _onset_windows(cases: pd.DataFrame, docs: Iterable[tuple[str, str, str]]) -> pd.DataFrame:
    """Every documented onset's area and month, plus its country: a country's series
    holds each of its admin1 escalations, so a country flag then is no false alarm."""
    onsets = cases.loc[cases["kind"] == "onset", ["area", "onset"]]
    extra = pd.DataFrame(
        [(a, pd.Timestamp(f"{m}-01")) for _, a, m in docs], columns=["area", "onset"]
    )
    both = pd.concat([onsets, extra], ignore_index=True)
    countries = both.assign(area=both["area"].str.split("/").str[0])
    return pd.concat([both, countries], ignore_index=True).drop_duplicates(ignore_index=True)


def all_months_false_alarms(
    flags: pd.DataFrame,
    cases: pd.DataFrame,
    *,
    docs: Iterable[tuple[str, str, str]] = DOCS_CASES,
    max_offset: int = MAX_OFFSET,
) -> dict[str, float]:
    """Flags per area-year over every area-month of the flags frame (the whole panel, so
    every detector has the same denominator) outside ``max_offset`` months of a
    documented onset; also the raw flag rate."""
    frame = flags
    windows = _onset_windows(cases, docs)
    onsets = pd.DatetimeIndex(pd.to_datetime(windows["onset"]))
    onset_month = pd.Series(onsets.year * 12 + onsets.month)
    near_keys = pd.MultiIndex.from_arrays(
        [
            np.repeat(windows["area"].to_numpy(), 2 * max_offset + 1),
            (onset_month.to_numpy()[:, None] + np.arange(-max_offset, max_offset + 1)).ravel(),
        ]
    )
    periods = pd.DatetimeIndex(frame["period"])
    keys = pd.MultiIndex.from_arrays([frame["area"].to_numpy(), periods.year * 12 + periods.month])
    near = keys.isin(near_keys)
    flagged = frame["flagged"].astype(bool).to_numpy()
    outside = ~near
    months = int(outside.sum())
    return {
        "area_months": float(months),
        "false_alarms": float((flagged & outside).sum()),
        "per_area_year": 12.0 * float((flagged & outside).sum()) / months if months else np.nan,
        "flags_per_area_year": 12.0 * float(flagged.sum()) / len(frame) if len(frame) else np.nan,
    }


def summarise(flags: pd.DataFrame, cases: pd.DataFrame, *, split: str | None = None) -> dict:
    """Recall, lead/lag and false alarms of one detector's flags on one level's cases
    (``split`` "tune", "test" or None for both; the all-area-months rate never depends on
    the split)."""
    chosen = cases if split is None else cases.loc[cases["split"] == split]
    onsets = score_onsets(flags, chosen)
    controls = control_false_alarms(flags, chosen)
    offsets = onsets["offset"].dropna()
    control_months = int(controls["months"].sum()) if len(controls) else 0
    control_flags = int(controls["flags"].sum()) if len(controls) else 0
    everywhere = all_months_false_alarms(flags, cases)
    return {
        "onsets": len(onsets),
        "recall0": float(onsets["hit0"].mean()) if len(onsets) else np.nan,
        "recall1": float(onsets["hit1"].mean()) if len(onsets) else np.nan,
        "hits0": int(onsets["hit0"].sum()),
        "hits1": int(onsets["hit1"].sum()),
        "early": int((offsets < 0).sum()),
        "on_time": int((offsets == 0).sum()),
        "late": int((offsets > 0).sum()),
        "median_offset": float(offsets.median()) if len(offsets) else np.nan,
        "controls": len(controls),
        "control_flags": control_flags,
        "control_fa": 12.0 * control_flags / control_months if control_months else np.nan,
        "all_fa": everywhere["per_area_year"],
        "flag_rate": everywhere["flags_per_area_year"],
    }


def match_floor(
    rule: _RatioRule,
    panel: pd.DataFrame,
    cases: pd.DataFrame,
    target: float,
    *,
    floors: Sequence[float] = FLOORS,
) -> tuple[_RatioRule, float]:
    """The strictest floor of ``floors`` at which the rule's all-area-months false-alarm
    rate is still at least ``target`` (the detector's): the baseline gets an equal or
    larger false-alarm budget, so a recall win for the detector is not bought with fewer
    alarms. Returns the rule and its rate (the loosest floor if none reaches ``target``)."""
    best = rule.with_floor(floors[0])
    best_rate = all_months_false_alarms(best(panel), cases)["per_area_year"]
    for floor in floors[1:]:
        candidate = rule.with_floor(floor)
        rate = all_months_false_alarms(candidate(panel), cases)["per_area_year"]
        if rate < target:
            break
        best, best_rate = candidate, rate
    return best, best_rate


def compare(
    panels: Mapping[str, pd.DataFrame],
    cases: pd.DataFrame,
    detectors: Mapping[str, Mapping[str, Detector]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score detectors per level (``detectors[level][name]``) on both halves.

    Returns the summary (one row per level, detector and split, columns of
    ``summarise``) and the per-onset outcomes (one row per level, detector and onset)."""
    summary, outcomes = [], []
    for level, named in detectors.items():
        chosen = cases.loc[cases["level"] == level]
        for name, detector in named.items():
            flags = detector(panels[level])
            for split in ("tune", "test"):
                summary.append(
                    {"level": level, "detector": name, "split": split}
                    | summarise(flags, chosen, split=split)
                )
            outcomes.append(score_onsets(flags, chosen).assign(detector=name))
    return pd.DataFrame(summary), pd.concat(outcomes, ignore_index=True)
