"""Escalation detection: area-periods whose violence significantly exceeds their own past.

For each area's series (any area, any period length) and each target count (fatalities
and events by default):

1. **Baseline** from the area's own trailing window, periods *t-w .. t-1* (never *t*
   itself): mean ``m`` (floored at ``baseline_floor``) and variance ``v``.
2. **Surprise** = ``-log10 P(X >= x_t)`` for the observed count ``x_t`` under a negative
   binomial with that mean and a method-of-moments dispersion ``r = m^2 / (v - m)``
   (Poisson when ``v <= m``). A surprise of 6 means a one-in-a-million month for that
   area's recent history. Heavy-tailed pasts (one massacre among quiet months) get a wide
   NB, so only genuinely new levels score high.
3. **Effect size**: the observed/expected ratio and the absolute excess ``x_t - m``.
4. **Flag** when surprise >= ``threshold`` AND excess >= the target's minimum excess (so
   a jump from 0 to 2 deaths in a quiet area is surprising but not flagged).
5. A second, independent signal: a one-sided **CUSUM** on log1p(fatalities) standardised
   by the trailing window, which fires on sustained shifts that no single period makes
   surprising (``change_point``).

Only data up to *t* is used for period *t*, so scores can be computed in a backtest.
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
    """Detector settings. Defaults suit monthly admin1 or country series of UCDP GED.

    window: trailing periods forming the baseline (excluding the current one).
    min_history: periods of history needed before a period is scored.
    baseline_floor: lowest expected count, so a first event after a quiet spell is
        compared with a small rate rather than zero.
    threshold: surprise (-log10 upper-tail probability) needed to flag.
    min_excess_fatalities / min_excess_events: absolute excess over the baseline needed
        to flag on that target (scale these down for daily or weekly panels).
    targets: panel columns scored.
    cusum_k / cusum_h: CUSUM allowance and decision limit, in trailing standard deviations.
    """

    window: int = 12
    min_history: int = 6
    baseline_floor: float = 0.5
    threshold: float = 4.0
    min_excess_fatalities: float = 50.0
    min_excess_events: float = 10.0
    targets: tuple[str, ...] = ("fatalities", "events")
    cusum_k: float = 0.5
    cusum_h: float = 5.0

    def min_excess(self, target: str) -> float:
        if target == "fatalities":
            return self.min_excess_fatalities
        if target == "events":
            return self.min_excess_events
        return 0.0


def _trailing(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, variance and number of periods of values[t-window .. t-1] for each t
    (mean 0 and variance 0 where there is no past yet)."""
    x = np.asarray(values, dtype="float64")
    n = len(x)
    c1 = np.concatenate(([0.0], np.cumsum(x)))
    c2 = np.concatenate(([0.0], np.cumsum(x * x)))
    t = np.arange(n)
    lo = np.maximum(t - window, 0)
    count = (t - lo).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, (c1[t] - c1[lo]) / count, 0.0)
        var = np.where(count > 0, (c2[t] - c2[lo]) / count - mean * mean, 0.0)
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
    statistic resets after each alarm so repeated shifts are each reported."""
    logged = np.log1p(np.asarray(values, dtype="float64"))
    mean, var, count = _trailing(logged, window)
    sd = np.sqrt(np.maximum(var, 0.25))  # floor: a silent past must not make z infinite
    z = np.where(count > 0, (logged - mean) / sd, 0.0)
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
    """Score one area's series (ordered, one value per period, zeros for quiet periods).

    Returns one row per period: observed, expected, surprise, ratio, excess, scored."""
    return pd.DataFrame(_score_arrays(values, params))


def _score_arrays(
    values: Sequence[float] | np.ndarray, params: EscalationParams
) -> dict[str, np.ndarray]:
    observed = np.asarray(values, dtype="float64")
    mean, var, count = _trailing(observed, params.window)
    expected = np.maximum(np.nan_to_num(mean), params.baseline_floor)
    var = np.maximum(var, 0.0)
    scored = count >= params.min_history
    surprise = np.where(scored, _nb_surprise(observed, expected, var), 0.0)
    return {
        "observed": observed,
        "expected": expected,
        "surprise": surprise,
        "ratio": observed / expected,
        "excess": observed - expected,
        "scored": scored,
    }


def detect_escalations(panel: pd.DataFrame, params: EscalationParams | None = None) -> pd.DataFrame:
    """Score every area-period of a panel (``build_panel`` output or any frame with
    ``area``, ``period`` and the target columns, complete with zeros).

    Returns area, period, and per target ``<target>``, ``expected_<target>``,
    ``surprise_<target>``, ``ratio_<target>``, ``excess_<target>``; then ``surprise`` (the
    largest target surprise), ``flagged``, ``flagged_on`` (the targets that fired),
    ``cusum`` and ``change_point``. Rows keep the panel's order; use ``rank_escalations``
    for the ranked list."""
    params = params or EscalationParams()
    panel = panel.sort_values(["area", "period"], kind="stable")
    parts: list[pd.DataFrame] = []
    for area, rows in panel.groupby("area", sort=False):
        out: dict[str, object] = {"area": area, "period": rows["period"].to_numpy()}
        if "country" in rows.columns:
            out["country"] = rows["country"].to_numpy()
        surprise = np.zeros(len(rows))
        fired: list[np.ndarray] = []
        for target in params.targets:
            s = _score_arrays(rows[target].to_numpy(), params)
            out[target] = rows[target].to_numpy()
            out[f"expected_{target}"] = s["expected"]
            out[f"surprise_{target}"] = s["surprise"]
            out[f"ratio_{target}"] = s["ratio"]
            out[f"excess_{target}"] = s["excess"]
            hit = (
                s["scored"]
                & (s["surprise"] >= params.threshold)
                & (s["excess"] >= params.min_excess(target))
            )
            fired.append(np.where(hit, target, ""))
            surprise = np.maximum(surprise, s["surprise"])
        out["surprise"] = surprise
        names = np.array([",".join(t for t in ts if t) for ts in zip(*fired, strict=True)])
        out["flagged"] = names != ""
        out["flagged_on"] = names
        stat, alarm = _cusum(
            rows["fatalities"].to_numpy() if "fatalities" in rows else rows[params.targets[0]],
            params.window,
            params.cusum_k,
            params.cusum_h,
        )
        out["cusum"] = stat
        out["change_point"] = alarm
        parts.append(pd.DataFrame(out))
    if not parts:
        return pd.DataFrame(columns=["area", "period", "surprise", "flagged"])
    return pd.concat(parts, ignore_index=True)


def rank_escalations(scores: pd.DataFrame, *, flagged_only: bool = True) -> pd.DataFrame:
    """Area-periods ranked by surprise (highest first), ties broken by fatality excess."""
    frame = scores.loc[scores["flagged"]] if flagged_only else scores
    by = ["surprise"] + (["excess_fatalities"] if "excess_fatalities" in frame else [])
    return frame.sort_values(by, ascending=False, kind="stable").reset_index(drop=True)
