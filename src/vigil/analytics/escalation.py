"""Escalation detection: area-periods whose violence jumps well above their own past.

For each area's series (any area, any period length) and each target count (fatalities
and events by default), two rules; a period is flagged when either fires:

1. **Surge** (the rule that generalises): the count is at least ``surge_ratio`` (3) times
   the mean of the previous ``surge_window`` (3) periods, it is unusual for the area's
   last year (surprise, below, at least ``surge_min_surprise`` = 1: a one-in-ten period
   or rarer), and it reaches a minimum of activity (``surge_min_fatalities`` = 40 deaths
   or ``surge_min_events`` = 8 events). A short window reacts in the onset month itself
   instead of a month late; the one-year gate keeps an area's return to its usual level
   after a lull from counting as an escalation.
2. **Surprise**: ``-log10 P(X >= x_t)`` for the count under a negative binomial whose mean
   ``m`` (floored at ``baseline_floor``) and variance are those of the trailing ``window``
   (12) periods *t-w .. t-1* (method-of-moments dispersion ``r = m^2 / (v - m)``, Poisson
   when ``v <= m``), at least ``threshold`` (4), with an absolute excess ``x_t - m`` of at
   least the target's minimum (50 deaths, 10 events). It catches the rare onset that
   builds over months and never triples the last quarter.

Why both: tuned on 15 famous cases, the surprise rule alone found 1 of 4 unseen onsets
at admin1 and 0 of 4 at country level, because a heavy-tailed year (one massacre among
quiet months) makes the negative binomial so wide that a tripling of violence is "not
surprising". The surge rule is what analysts use (ACLED's subnational surge tracker);
gated by the one-year surprise it beats both plain ratio rules at an equal false-alarm
rate on held-out documented onsets (bench/escalations/REPORT.md, docs/escalations.md).

A separate one-sided **CUSUM** on log1p(fatalities), standardised by the trailing
window, fires on sustained shifts that no single period makes surprising
(``change_point``); it is reported, not flagged.

Only data up to *t* is used for period *t*, so scores can be computed in a backtest.
Periods with a missing count (a cell no source covers, ``covered = False``) are neither
scored nor used in any baseline: no data is not zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "EscalationParams",
    "detect_escalations",
    "rank_escalations",
    "score_series",
]

_LN10 = np.log(10.0)


@dataclass(frozen=True)
class EscalationParams:
    """Detector settings. Defaults suit monthly admin1 or country series of UCDP GED;
    they were chosen on the "tune" half of ``data/escalation_cases.csv`` only.

    window: trailing periods forming the one-year baseline (excluding the current one).
    min_history: periods of history needed before the surprise rule scores a period.
    baseline_floor: lowest expected count, so a first event after a quiet spell is
        compared with a small rate rather than zero.
    threshold: surprise (-log10 upper-tail probability) the surprise rule needs.
    min_excess_fatalities / min_excess_events: absolute excess over the one-year
        baseline the surprise rule needs on that target.
    surge_window: trailing periods of the surge rule's recent level.
    surge_ratio: multiple of the recent level the surge rule needs.
    surge_min_surprise: one-year surprise the surge rule needs as well (1 = a period
        that the last year makes a one-in-ten event or rarer).
    surge_min_fatalities / surge_min_events: the surge rule's minimum activity in the
        period (scale these and the excesses down for daily or weekly panels).
    surge_min_history: periods of history needed before the surge rule scores a period.
    targets: panel columns scored.
    cusum_k / cusum_h: CUSUM allowance and decision limit, in trailing standard deviations.
    """

    window: int = 12
    min_history: int = 6
    baseline_floor: float = 0.5
    threshold: float = 4.0
    min_excess_fatalities: float = 50.0
    min_excess_events: float = 10.0
    surge_window: int = 3
    surge_ratio: float = 3.0
    surge_min_surprise: float = 1.0
    surge_min_fatalities: float = 40.0
    surge_min_events: float = 8.0
    surge_min_history: int = 3
    targets: tuple[str, ...] = ("fatalities", "events")
    cusum_k: float = 0.5
    cusum_h: float = 5.0

    def min_excess(self, target: str) -> float:
        if target == "fatalities":
            return self.min_excess_fatalities
        if target == "events":
            return self.min_excess_events
        return 0.0

    def surge_min(self, target: str) -> float:
        if target == "fatalities":
            return self.surge_min_fatalities
        if target == "events":
            return self.surge_min_events
        return 0.0


def _trailing(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, variance and number of periods of values[t-window .. t-1] for each t
    (mean 0 and variance 0 where there is no past yet). Missing values (NaN) are
    skipped: they are neither zeros nor part of the count."""
    x = np.asarray(values, dtype="float64")
    present = ~np.isnan(x)
    filled = np.where(present, x, 0.0)
    c1 = np.concatenate(([0.0], np.cumsum(filled)))
    c2 = np.concatenate(([0.0], np.cumsum(filled * filled)))
    cn = np.concatenate(([0.0], np.cumsum(present)))
    t = np.arange(len(x))
    lo = np.maximum(t - window, 0)
    count = cn[t] - cn[lo]
    safe = np.maximum(count, 1.0)
    mean = np.where(count > 0, (c1[t] - c1[lo]) / safe, 0.0)
    var = np.where(count > 0, (c2[t] - c2[lo]) / safe - mean * mean, 0.0)
    return mean, np.maximum(var, 0.0), count


def _nb_surprise(observed: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    """-log10 P(X >= observed) under NB(mean, var) by moments; Poisson if var <= mean."""
    observed = np.asarray(observed, dtype="float64")
    surprise = np.zeros_like(observed)
    positive = observed > 0
    over = positive & (var > mean)
    pois = positive & ~over
    if pois.any():
        surprise[pois] = -stats.poisson.logsf(observed[pois] - 1, mean[pois]) / _LN10
    if over.any():
        m, v = mean[over], var[over]
        r = m * m / (v - m)
        p = r / (r + m)
        surprise[over] = -stats.nbinom.logsf(observed[over] - 1, r, p) / _LN10
    return np.clip(np.nan_to_num(surprise, nan=0.0, posinf=300.0), 0.0, 300.0)


def _cusum(values: np.ndarray, window: int, k: float, h: float) -> tuple[np.ndarray, np.ndarray]:
    """One-sided upper CUSUM of log1p(values), standardised by the trailing window; the
    statistic resets after each alarm so repeated shifts are each reported. A missing
    value leaves the statistic where it was."""
    logged = np.log1p(np.asarray(values, dtype="float64"))
    mean, var, count = _trailing(logged, window)
    sd = np.sqrt(np.maximum(var, 0.25))  # floor: a silent past must not make z infinite
    z = np.where((count > 0) & ~np.isnan(logged), (logged - mean) / sd, 0.0)
    stat = np.zeros_like(z)
    alarm = np.zeros(len(z), dtype=bool)
    running = 0.0
    for i, zi in enumerate(z):
        running = max(0.0, running + zi - k)
        stat[i] = running
        if running > h:
            alarm[i] = True
            running = 0.0
    return stat, alarm


def score_series(values: Sequence[float] | np.ndarray, params: EscalationParams) -> pd.DataFrame:
    """Score one area's series (ordered, one value per period, zeros for quiet periods,
    NaN where nothing covers the period).

    Returns one row per period: observed, expected (one-year baseline), surprise, ratio,
    excess, scored (by the surprise rule), recent (the surge window's mean), surge
    (observed over recent, recent floored at ``baseline_floor``), surge_scored."""
    arrays = _score_arrays(values, params)
    return pd.DataFrame({k: v for k, v in arrays.items() if not k.startswith("_")})


def _score_arrays(
    values: Sequence[float] | np.ndarray, params: EscalationParams
) -> dict[str, np.ndarray]:
    observed = np.asarray(values, dtype="float64")
    present = ~np.isnan(observed)
    mean, var, count = _trailing(observed, params.window)
    expected = np.maximum(mean, params.baseline_floor)
    scored = present & (count >= params.min_history)
    surprise = np.zeros_like(observed)
    surprise[present] = _nb_surprise(observed[present], expected[present], var[present])
    recent, _, recent_count = _trailing(observed, params.surge_window)
    recent = np.maximum(recent, params.baseline_floor)
    with np.errstate(invalid="ignore"):
        surge = observed / recent
    return {
        "observed": observed,
        "expected": expected,
        "surprise": np.where(scored, surprise, 0.0),
        "ratio": observed / expected,
        "excess": observed - expected,
        "scored": scored,
        "recent": recent,
        "surge": surge,
        "surge_scored": present & (recent_count >= params.surge_min_history),
        "_surprise_any": surprise,
    }


def detect_escalations(panel: pd.DataFrame, params: EscalationParams | None = None) -> pd.DataFrame:
    """Score every area-period of a panel (``build_panel`` output or any frame with
    ``area``, ``period`` and the target columns, complete with zeros; NaN where not
    covered).

    Returns area, period, and per target ``<target>``, ``expected_<target>``,
    ``surprise_<target>``, ``ratio_<target>``, ``excess_<target>``, ``recent_<target>``
    and ``surge_<target>``; then ``surprise`` (the largest target surprise), ``flagged``,
    ``flagged_on`` (the targets that fired, comma-separated), ``rule`` (the rules that
    fired: "surge", "surprise"), ``scored``, ``cusum`` and ``change_point``. Rows keep
    the panel's order within each area; use ``rank_escalations`` for the ranked list."""
    params = params or EscalationParams()
    panel = panel.sort_values(["area", "period"], kind="stable")
    parts: list[pd.DataFrame] = []
    for area, rows in panel.groupby("area", sort=False):
        out: dict[str, object] = {"area": area, "period": rows["period"].to_numpy()}
        if "country" in rows.columns:
            out["country"] = rows["country"].to_numpy()
        n = len(rows)
        surprise = np.zeros(n)
        scored = np.zeros(n, dtype=bool)
        fired: list[np.ndarray] = []
        by_surge = np.zeros(n, dtype=bool)
        by_surprise = np.zeros(n, dtype=bool)
        for target in params.targets:
            values = rows[target].to_numpy(dtype="float64")
            s = _score_arrays(values, params)
            out[target] = values
            either = s["scored"] | s["surge_scored"]
            target_surprise = np.where(either, s["_surprise_any"], 0.0)
            out[f"expected_{target}"] = s["expected"]
            out[f"surprise_{target}"] = target_surprise
            out[f"ratio_{target}"] = s["ratio"]
            out[f"excess_{target}"] = s["excess"]
            out[f"recent_{target}"] = s["recent"]
            out[f"surge_{target}"] = s["surge"]
            with np.errstate(invalid="ignore"):
                surge_hit = (
                    s["surge_scored"]
                    & (s["surge"] >= params.surge_ratio)
                    & (s["_surprise_any"] >= params.surge_min_surprise)
                    & (values >= params.surge_min(target))
                )
                surprise_hit = (
                    s["scored"]
                    & (s["surprise"] >= params.threshold)
                    & (s["excess"] >= params.min_excess(target))
                )
            by_surge |= surge_hit
            by_surprise |= surprise_hit
            fired.append(np.where(surge_hit | surprise_hit, target, ""))
            surprise = np.maximum(surprise, target_surprise)
            scored |= either
        out["surprise"] = surprise
        names = np.array([",".join(t for t in ts if t) for ts in zip(*fired, strict=True)])
        out["flagged"] = names != ""
        out["flagged_on"] = names
        out["rule"] = np.array(
            [
                ",".join(r for r, on in (("surge", a), ("surprise", b)) if on)
                for a, b in zip(by_surge, by_surprise, strict=True)
            ]
        )
        out["scored"] = scored
        stat, alarm = _cusum(
            rows["fatalities"].to_numpy(dtype="float64")
            if "fatalities" in rows
            else rows[params.targets[0]].to_numpy(dtype="float64"),
            params.window,
            params.cusum_k,
            params.cusum_h,
        )
        out["cusum"] = stat
        out["change_point"] = alarm
        parts.append(pd.DataFrame(out))
    if not parts:
        return pd.DataFrame(columns=["area", "period", "surprise", "flagged", "flagged_on", "rule"])
    return pd.concat(parts, ignore_index=True)


def rank_escalations(scores: pd.DataFrame, *, flagged_only: bool = True) -> pd.DataFrame:
    """Area-periods ranked by surprise (highest first), ties broken by fatality excess."""
    frame = scores.loc[scores["flagged"]] if flagged_only else scores
    by = ["surprise"] + (["excess_fatalities"] if "excess_fatalities" in frame else [])
    return frame.sort_values(by, ascending=False, kind="stable").reset_index(drop=True)
