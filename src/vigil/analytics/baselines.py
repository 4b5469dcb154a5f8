"""The baselines the VIEWS forecasting competitions compare models against.

They learn nothing, but share the forecaster interface (`horizon` in `__init__`, `fit`,
`predict`, `version`, `training_window_`) so that one backtest runs them all. `predict`
reads each unit's history from the panel rows it is given, so pass the history up to
the forecast origin, not only the origin rows. Months that no source covers (NaN
`fatalities`, `vigil.analytics.forecast.build_violence_panel`) are not history: they are
skipped, and a forecast from an uncovered origin is NaN.

Every monthly baseline states a predictive distribution (40 quantile "samples"), as
VIEWS does, and its point forecast is that distribution's median, which lies inside any
central interval of it:

* zeros: nothing ever happens.
* persistence, VIEWS' "last historical Poisson": Poisson with the origin month's count
  as its mean.
* historical: the unit's whole covered history so far as equally likely outcomes;
  P(any) and P(25+) are the shares of such months (the "historical average").
* conflictology (VIEWS): the unit's own last 12 months as twelve equally likely outcomes.
* bootstrap, the VIEWS 2023/24 challenge's "bootstrap" benchmark: the last 12 months of
  *every* unit of the panel pooled, the same distribution for every unit. VIEWS pools
  the whole world; here the "world" is the panel's units (the five GED files in
  `vigil backtest`, the store's areas in `vigil analyse`).

Yearly: zeros, persistence (the origin year carried forward) and historical average.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator

from vigil.analytics.forecast import (
    N_SAMPLES,
    SAMPLE_COLUMNS,
    SAMPLE_LEVELS,
    future,
    period_number,
    target_period,
)

# Within-unit windows of the VIEWS benchmarks.
CONFLICTOLOGY_MONTHS = 12
BOOTSTRAP_MONTHS = 12


class _Baseline(BaseEstimator):
    version = "baseline-2"

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


def sample_median(samples: np.ndarray) -> np.ndarray:
    """Median of each row of quantile samples at `SAMPLE_LEVELS`."""
    ordered = np.sort(np.asarray(samples, dtype=float), axis=1)
    return np.array([np.interp(0.5, SAMPLE_LEVELS, row) for row in ordered])


def _month_frame(panel: pd.DataFrame, p_any, p_ge25, samples: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(samples, index=panel.index, columns=list(SAMPLE_COLUMNS))
    out.insert(0, "p_any", np.asarray(p_any, dtype=float))
    out.insert(1, "p_ge25", np.asarray(p_ge25, dtype=float))
    out.insert(2, "point", sample_median(samples))
    if "covered" in panel:
        out.loc[~panel["covered"].fillna(False).astype(bool).to_numpy()] = np.nan
    return out


def _is_yearly(panel: pd.DataFrame) -> bool:
    return "incidence" in panel.columns


def _empirical(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(any), P(25+) and the quantile samples of rows of equally likely outcomes (NaN
    entries are not outcomes); NaN where a row has none."""
    observed = ~np.isnan(values)
    n = observed.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_any = np.where(n > 0, ((values > 0) & observed).sum(axis=1) / n, np.nan)
        p_ge25 = np.where(n > 0, ((values >= 25) & observed).sum(axis=1) / n, np.nan)
    # Quantiles by the inverted empirical CDF (numpy's "inverted_cdf"): the smallest
    # outcome whose share of outcomes at or below it reaches the level. Sorting puts the
    # NaNs last, so each row's outcomes come first.
    ordered = np.sort(values, axis=1)
    index = np.ceil(SAMPLE_LEVELS[None, :] * n[:, None]).astype(int) - 1
    index = np.clip(index, 0, None)
    samples = np.take_along_axis(ordered, np.minimum(index, values.shape[1] - 1), axis=1)
    samples[n == 0] = np.nan
    return p_any, p_ge25, samples


class ZerosBaseline(_Baseline):
    """Nothing ever happens: probability 0, zero fatalities."""

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        zeros = np.zeros(len(panel))
        if _is_yearly(panel):
            return _year_frame(panel, zeros, zeros)
        return _month_frame(panel, zeros, zeros, np.zeros((len(panel), N_SAMPLES)))


class PersistenceBaseline(_Baseline):
    """The origin period's value carried forward; for months, VIEWS' "last historical
    Poisson": Poisson with the origin month's count as its mean.

    For onset, a state at peace at the origin has had no onset, so persistence says 0.
    """

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        if _is_yearly(panel):
            return _year_frame(panel, panel["incidence"], np.zeros(len(panel)))
        last = panel["fatalities"].to_numpy(dtype=float)
        mean = np.nan_to_num(last, nan=0.0)[:, None]
        samples = stats.poisson.ppf(SAMPLE_LEVELS[None, :], mean)
        samples = np.where(np.isnan(last)[:, None], np.nan, samples)
        p_any = 1.0 - np.exp(-last)
        p_ge25 = stats.poisson.sf(24, mean[:, 0])
        return _month_frame(panel, p_any, np.where(np.isnan(last), np.nan, p_ge25), samples)


class HistoricalAverageBaseline(_Baseline):
    """Each unit's history so far. Years: its share of conflict years (onsets per peace
    year). Months: every covered month so far as an equally likely outcome, so P(any)
    and P(25+) are the shares of such months."""

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        by_unit = panel.groupby("unit", sort=False)
        if _is_yearly(panel):
            incidence = by_unit["incidence"].transform(lambda s: s.expanding().mean())
            onsets = by_unit["onset"].cumsum()
            at_risk = (1 - panel["incidence"]).groupby(panel["unit"], sort=False).cumsum()
            onset_rate = (onsets / at_risk.clip(lower=1)).clip(upper=1)
            return _year_frame(panel, incidence, onset_rate)
        p_any = np.full(len(panel), np.nan)
        p_ge25 = np.full(len(panel), np.nan)
        samples = np.full((len(panel), N_SAMPLES), np.nan)
        for _, index in by_unit.indices.items():
            order = index[np.argsort(panel["period"].to_numpy()[index], kind="stable")]
            values = panel["fatalities"].to_numpy(dtype=float)[order]
            # Row i holds months 0..i: the history up to and including the origin.
            upto = np.where(np.tri(len(values), dtype=bool), values[None, :], np.nan)
            p_any[order], p_ge25[order], samples[order] = _empirical(upto)
        return _month_frame(panel, p_any, p_ge25, samples)


class ConflictologyBaseline(_Baseline):
    """The unit's last 12 months (origin included) as twelve equally likely outcomes
    (VIEWS "conflictology"); before a unit has 12 covered months, the months it has."""

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        by_unit = panel.groupby("unit", sort=False)["fatalities"]
        last12 = np.column_stack(
            [by_unit.shift(k).to_numpy(dtype=float) for k in range(CONFLICTOLOGY_MONTHS)]
        )
        return _month_frame(panel, *_empirical(last12))


class BootstrapBaseline(_Baseline):
    """The VIEWS 2023/24 "bootstrap" benchmark: every unit's covered months in the 12
    months up to the origin, pooled, as equally likely outcomes; the same distribution
    for every unit of the panel at an origin."""

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        number = period_number(panel["period"]).to_numpy()
        values = panel["fatalities"].to_numpy(dtype=float)
        months = np.unique(number)
        position = np.searchsorted(months, number)
        p_any = np.full(len(months), np.nan)
        p_ge25 = np.full(len(months), np.nan)
        samples = np.full((len(months), N_SAMPLES), np.nan)
        for i, month in enumerate(months):
            pool = values[(number <= month) & (number > month - BOOTSTRAP_MONTHS)]
            pool = pool[~np.isnan(pool)]
            if pool.size:
                p_any[i], p_ge25[i], samples[i] = (x[0] for x in _empirical(pool[None, :]))
        return _month_frame(panel, p_any[position], p_ge25[position], samples[position])


YEAR_BASELINES = (ZerosBaseline, PersistenceBaseline, HistoricalAverageBaseline)
MONTH_BASELINES = (
    ZerosBaseline,
    PersistenceBaseline,
    HistoricalAverageBaseline,
    ConflictologyBaseline,
    BootstrapBaseline,
)
