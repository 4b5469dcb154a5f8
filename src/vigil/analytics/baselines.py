"""The baselines the VIEWS forecasting competition compares models against.

Zeros, persistence (last value carried forward), historical average and, for months,
"conflictology" (the unit's own last 12 months taken as the predictive distribution).
They learn nothing, but share the forecaster interface (`horizon` in `__init__`, `fit`,
`predict`, `version`, `training_window_`) so that one backtest runs them all. `predict`
reads each unit's history from the panel rows it is given, so pass the history up to
the forecast origin, not only the origin rows.

Point baselines (zeros, persistence, historical average) give a degenerate predictive
distribution: every sample equals the point forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from vigil.analytics.forecast import (
    N_SAMPLES,
    SAMPLE_COLUMNS,
    SAMPLE_LEVELS,
    future,
    target_period,
)


class _Baseline(BaseEstimator):
    version = "baseline-1"

    def __init__(self, horizon: int = 1):
        self.horizon = horizon

    def fit(self, panel: pd.DataFrame):
        column = "incidence" if "incidence" in panel.columns else "fatalities"
        known = future(panel, column, self.horizon).notna()
        window = target_period(panel[known], self.horizon)
        self.training_window_ = (window.min(), window.max())
        return self


def _year_frame(panel: pd.DataFrame, incidence, onset) -> pd.DataFrame:
    out = pd.DataFrame(index=panel.index)
    out["p_incidence"] = np.asarray(incidence, dtype=float)
    out["p_onset"] = np.where(panel["incidence"] == 0, np.asarray(onset, dtype=float), np.nan)
    return out


def _month_frame(panel: pd.DataFrame, p_any, p_ge25, samples: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(samples, index=panel.index, columns=list(SAMPLE_COLUMNS))
    out.insert(0, "p_any", np.asarray(p_any, dtype=float))
    out.insert(1, "p_ge25", np.asarray(p_ge25, dtype=float))
    out.insert(2, "point", np.expm1(np.log1p(samples).mean(axis=1)))
    return out


def _degenerate(values) -> np.ndarray:
    return np.repeat(np.asarray(values, dtype=float)[:, None], N_SAMPLES, axis=1)


def _is_yearly(panel: pd.DataFrame) -> bool:
    return "incidence" in panel.columns


class ZerosBaseline(_Baseline):
    """Nothing ever happens: probability 0, zero fatalities."""

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        zeros = np.zeros(len(panel))
        if _is_yearly(panel):
            return _year_frame(panel, zeros, zeros)
        return _month_frame(panel, zeros, zeros, _degenerate(zeros))


class PersistenceBaseline(_Baseline):
    """The origin period's value, carried forward.

    For onset, a state at peace at the origin has had no onset, so persistence says 0.
    """

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        if _is_yearly(panel):
            return _year_frame(panel, panel["incidence"], np.zeros(len(panel)))
        last = panel["fatalities"].to_numpy(dtype=float)
        return _month_frame(panel, last > 0, last >= 25, _degenerate(last))


class HistoricalAverageBaseline(_Baseline):
    """Each unit's average so far: its share of conflict years (onsets per peace year)
    or of fatal months, and its mean monthly fatalities."""

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        by_unit = panel.groupby("unit", sort=False)
        if _is_yearly(panel):
            incidence = by_unit["incidence"].transform(lambda s: s.expanding().mean())
            onsets = by_unit["onset"].cumsum()
            at_risk = (1 - panel["incidence"]).groupby(panel["unit"], sort=False).cumsum()
            onset_rate = (onsets / at_risk.clip(lower=1)).clip(upper=1)
            return _year_frame(panel, incidence, onset_rate)
        mean = by_unit["fatalities"].transform(lambda s: s.expanding().mean())
        p_any = by_unit["any_fatal"].transform(lambda s: s.expanding().mean())
        p_ge25 = by_unit["ge25"].transform(lambda s: s.expanding().mean())
        return _month_frame(panel, p_any, p_ge25, _degenerate(mean))


class ConflictologyBaseline(_Baseline):
    """The unit's last 12 months (origin included) as twelve equally likely outcomes."""

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        by_unit = panel.groupby("unit", sort=False)["fatalities"]
        last12 = np.column_stack([by_unit.shift(k).to_numpy(dtype=float) for k in range(12)])
        observed = ~np.isnan(last12)
        # Before a unit has 12 months of history, use the months it has.
        filled = np.where(observed, last12, np.nan)
        p_any = np.nanmean(np.where(observed, filled > 0, np.nan), axis=1)
        p_ge25 = np.nanmean(np.where(observed, filled >= 25, np.nan), axis=1)
        samples = np.nanquantile(filled, SAMPLE_LEVELS, axis=1, method="inverted_cdf").T
        return _month_frame(panel, p_any, p_ge25, samples)


YEAR_BASELINES = (ZerosBaseline, PersistenceBaseline, HistoricalAverageBaseline)
MONTH_BASELINES = (
    ZerosBaseline,
    PersistenceBaseline,
    HistoricalAverageBaseline,
    ConflictologyBaseline,
)
