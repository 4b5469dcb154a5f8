"""Forecasters of organised violence, shaped like scikit-learn estimators.

Two levels:

* `ConflictYearForecaster`: P(armed conflict) in a GW state h years ahead, for incidence
  or onset, on the country-year panel of `conflict_years`.
* `ViolenceMonthForecaster`: for an admin1-month or country-month panel of UCDP GED
  events (`build_violence_panel`), h months ahead: P(any fatality), P(25 or more
  fatalities) and a predictive distribution of the fatality count.

Every forecaster takes its parameters in `__init__` (among them `horizon`), learns in
`fit(panel)` from the rows whose outcome h periods later lies inside `panel`, and returns
one row per panel row from `predict(panel)`. Fitted attributes end in `_`; each model
carries a `version` and, once fitted, `training_window_` (first and last target period
it learnt from). The panel contract: columns `unit` and `period` (an int year or a month
start Timestamp), periods contiguous within a unit, and every feature at period t
computed only from data up to t.

The count distribution is a hurdle model. P(y > 0) comes from the "any fatality"
classifier; log1p(y) given y > 0 from a gradient-boosted regressor plus the empirical
distribution of its residuals on the last two training years (held out, then the model
is refitted on everything). Its quantiles at `SAMPLE_LEVELS` serve as the samples that
CRPS, the interval score and the binned log score are computed from. The point forecast
is the distribution's median, read from the same quantiles as the 80% interval, so it
always lies inside that interval.

Coverage: a panel built with a coverage frame marks the months no source covers
(`covered` False, counts NaN). The month forecaster learns only from covered origins
with covered targets and forecasts nothing (NaN) from an uncovered origin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from vigil.analytics.conflict_years import FEATURES as YEAR_FEATURES
from vigil.analytics.coverage import covered as covered_cells
from vigil.analytics.precision import admin1_known, countable, known_by

N_SAMPLES = 40
# Evenly spread quantile levels, (i + 0.5) / n: a deterministic "sample" of the forecast.
SAMPLE_LEVELS = (np.arange(N_SAMPLES) + 0.5) / N_SAMPLES
SAMPLE_COLUMNS: tuple[str, ...] = tuple(f"s{i:02d}" for i in range(N_SAMPLES))

MONTH_FEATURES: tuple[str, ...] = (
    *(f"log_fat_lag{k}" for k in range(12)),
    "log_fat_mean3",
    "log_fat_mean6",
    "log_fat_mean12",
    "log_fat_mean36",
    "fatal_months12",
    "months_since_fatal",
    "log_events",
    "log_events_mean3",
    "country_log_fat",
    "country_log_fat_mean3",
    "country_log_fat_mean12",
    "country_active_share",
    "month_of_year",
)


@dataclass(frozen=True)
class ForecastTarget:
    """An outcome to forecast: the panel column it is read from and its kind."""

    name: str
    column: str
    kind: str  # "probability" or "count"


YEAR_TARGETS = (
    ForecastTarget("incidence", "incidence", "probability"),
    ForecastTarget("onset", "onset", "probability"),
)
MONTH_TARGETS = (
    ForecastTarget("any", "any_fatal", "probability"),
    ForecastTarget("ge25", "ge25", "probability"),
    ForecastTarget("fatalities", "fatalities", "count"),
)


def period_number(period: pd.Series) -> pd.Series:
    """Periods as consecutive integers: years as they are, months as year * 12 + month."""
    if pd.api.types.is_datetime64_any_dtype(period):
        return period.dt.year * 12 + period.dt.month - 1
    return period.astype(int)


def period_year(period: pd.Series) -> pd.Series:
    """Calendar year of each period."""
    if pd.api.types.is_datetime64_any_dtype(period):
        return period.dt.year
    return period.astype(int)


def future(panel: pd.DataFrame, column: str, horizon: int) -> pd.Series:
    """Value of `column` `horizon` periods after each row, NaN where not in `panel`."""
    by_unit = panel.groupby("unit", sort=False)
    ahead = by_unit[column].shift(-horizon)
    number = period_number(panel["period"])
    ahead_number = number.groupby(panel["unit"], sort=False).shift(-horizon)
    return ahead.where(ahead_number == number + horizon)


def target_period(panel: pd.DataFrame, horizon: int) -> pd.Series:
    """The period `horizon` steps after each row's period."""
    if pd.api.types.is_datetime64_any_dtype(panel["period"]):
        return panel["period"] + pd.DateOffset(months=horizon)
    return panel["period"] + horizon


def _classifier(random_state: int, max_iter: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=max_iter,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=random_state,
    )


class ConflictYearForecaster(BaseEstimator):
    """P(armed conflict incidence or onset) `horizon` years after each country-year.

    Onset is forecast only for states at peace in the origin year (the population at
    risk); for the others `p_onset` is NaN.
    """

    version = "conflict-year-hgb-1"

    def __init__(self, horizon: int = 1, max_iter: int = 150, random_state: int = 0):
        self.horizon = horizon
        self.max_iter = max_iter
        self.random_state = random_state

    def _target(self, panel: pd.DataFrame, target: str) -> pd.Series:
        if target == "incidence":
            return future(panel, "incidence", self.horizon)
        onset = future(panel, "onset", self.horizon)
        if self.horizon > 1:
            # Onset in t+h: conflict in t+h after a peaceful t+h-1.
            before = future(panel, "incidence", self.horizon - 1)
            onset = onset.where(before.isna() | (before == 0), 0)
        return onset.where(panel["incidence"] == 0)

    def fit(self, panel: pd.DataFrame) -> ConflictYearForecaster:
        X = panel.loc[:, list(YEAR_FEATURES)]
        self.models_ = {}
        periods = []
        for target in ("incidence", "onset"):
            y = self._target(panel, target)
            known = y.notna()
            model = _classifier(self.random_state, self.max_iter)
            model.fit(X[known], y[known].astype(int))
            self.models_[target] = model
            periods.append(target_period(panel[known], self.horizon))
        window = pd.concat(periods)
        self.training_window_ = (window.min(), window.max())
        self.feature_names_ = list(YEAR_FEATURES)
        return self

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        X = panel.loc[:, self.feature_names_]
        out = pd.DataFrame(index=panel.index)
        out["p_incidence"] = self.models_["incidence"].predict_proba(X)[:, 1]
        onset = self.models_["onset"].predict_proba(X)[:, 1]
        out["p_onset"] = np.where(panel["incidence"] == 0, onset, np.nan)
        return out


def _area_frame(events: pd.DataFrame, level: str) -> pd.Series:
    if level == "country":
        return events["country"].astype(str)
    admin1 = events["admin1"].astype("string").where(admin1_known(events)).fillna("(unknown)")
    return events["country"].astype(str) + "|" + admin1


def build_violence_panel(
    events: pd.DataFrame,
    *,
    level: str,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    coverage: pd.DataFrame | None = None,
    units: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Monthly panel of fatalities and events per area, with `MONTH_FEATURES`.

    `events` is the canonical events frame (`vigil.analytics.ucdp`); `level` is "admin1"
    or "country"; every area that has an event (or each of `units`, "NGA" or
    "NGA|Borno", when given) gets every month from `start` to `end`, zero where nothing
    was recorded. Events are dated by `date_start` and counted only
    when their date is known to the month (`vigil.analytics.precision.countable`); an
    admin1 name missing in the source, or an event located only to the country, becomes
    "(unknown)".

    With a `coverage` frame (`vigil.analytics.coverage`), the column `covered` says which
    unit-months some counting source covers. No data is not zero: in the other months
    `fatalities`, `events` and the outcomes are NaN, and the features skip them (a lag
    that falls on an uncovered month is NaN, a rolling mean is over the covered months).
    The forecasters learn only from covered origins with covered targets and give no
    forecast (NaN) from an uncovered origin; the backtests score covered cells only.
    """
    if level not in ("admin1", "country"):
        raise ValueError(f"level must be 'admin1' or 'country', not {level!r}")
    months = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="MS")
    frame = events.assign(
        unit=_area_frame(events, level),
        period=events["date_start"].dt.to_period("M").dt.to_timestamp(),
    )
    frame = frame[(frame["period"] >= months[0]) & (frame["period"] <= months[-1])]
    if units is None:
        country_of = frame.groupby("unit")["country"].first()
    else:
        country_of = pd.Series({u: u.split("|")[0] for u in units}, dtype=object).sort_index()
        frame = frame[frame["unit"].isin(country_of.index)]
    frame = frame[countable(frame, "MS")]
    counts = frame.groupby(["unit", "period"]).agg(
        fatalities=("fatalities", "sum"), events=("fatalities", "size")
    )
    grid = pd.MultiIndex.from_product([country_of.index, months], names=["unit", "period"])
    panel = counts.reindex(grid, fill_value=0).reset_index()
    panel["country"] = panel["unit"].map(country_of)
    if coverage is None:
        panel["covered"] = True
    else:
        ends = (panel["period"] + pd.offsets.MonthEnd(0)).astype("datetime64[ns]")
        panel["covered"] = covered_cells(coverage, panel["country"], panel["period"], ends)
        if not panel["covered"].all():
            panel[["fatalities", "events"]] = panel[["fatalities", "events"]].astype(float)
            panel.loc[~panel["covered"], ["fatalities", "events"]] = np.nan
    return add_month_features(panel)


def build_violence_panel_as_of(
    events: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp,
    level: str,
    start: str | pd.Timestamp,
    coverage: pd.DataFrame | None = None,
    units: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The panel an analysis on day `as_of` can build: only the events known by then
    (begun and ended, `vigil.analytics.precision.known_by`), up to the last full month.
    `units` as in `build_violence_panel` (a reference list of areas).

    An event that began or ended after `as_of` is not read, whatever its precision: a
    Mexican event known only to the year 2008 (1 January to 31 December) is not in the
    panel as of 2008-01-31, where `date_start <= as_of` would have let it in."""
    day = pd.Timestamp(as_of)
    last = day.to_period("M").to_timestamp()
    if day < (last + pd.offsets.MonthEnd(0)):
        last -= pd.DateOffset(months=1)  # a part month would read as a fall in violence
    known = events.loc[known_by(events, day)]
    return build_violence_panel(
        known, level=level, start=start, end=last, coverage=coverage, units=units
    )


def add_month_features(panel: pd.DataFrame) -> pd.DataFrame:
    """Add `MONTH_FEATURES` and the outcomes `any_fatal` and `ge25` to a monthly panel.

    Months whose `fatalities` is NaN (not covered) stay NaN in the outcomes and are
    skipped by the lags, means and counts."""
    panel = panel.sort_values(["unit", "period"]).reset_index(drop=True)
    fatalities = panel["fatalities"].astype(float)
    observed = fatalities.notna()
    panel["any_fatal"] = (fatalities > 0).astype(int).where(observed)
    panel["ge25"] = (fatalities >= 25).astype(int).where(observed)
    if observed.all():
        panel[["any_fatal", "ge25"]] = panel[["any_fatal", "ge25"]].astype(int)
    log_fat = np.log1p(fatalities)
    by_unit = log_fat.groupby(panel["unit"], sort=False)
    for k in range(12):
        panel[f"log_fat_lag{k}"] = by_unit.shift(k)
    for window in (3, 6, 12, 36):
        panel[f"log_fat_mean{window}"] = by_unit.transform(
            lambda s, w=window: s.rolling(w, min_periods=1).mean()
        )
    panel["fatal_months12"] = (
        panel["any_fatal"]
        .groupby(panel["unit"], sort=False)
        .transform(lambda s: s.rolling(12, min_periods=1).sum())
    )
    number = period_number(panel["period"])
    last_fatal = number.where(panel["any_fatal"] == 1).groupby(panel["unit"], sort=False).ffill()
    first = number.where(observed).groupby(panel["unit"], sort=False).transform("min")
    panel["months_since_fatal"] = (number - last_fatal).fillna(number - first + 1)
    panel["months_since_fatal"] = panel["months_since_fatal"].where(observed)
    log_events = np.log1p(panel["events"].astype(float))
    panel["log_events"] = log_events
    panel["log_events_mean3"] = log_events.groupby(panel["unit"], sort=False).transform(
        lambda s: s.rolling(3, min_periods=1).mean()
    )
    grouped = panel.groupby(["country", "period"])
    country = pd.DataFrame(
        {
            "country_fat": grouped["fatalities"].sum(min_count=1),
            "country_active_share": grouped["any_fatal"].mean(),
        }
    )
    country = country.reset_index().sort_values(["country", "period"])
    country["country_log_fat"] = np.log1p(country["country_fat"].astype(float))
    by_country = country.groupby("country", sort=False)["country_log_fat"]
    for window in (3, 12):
        country[f"country_log_fat_mean{window}"] = by_country.transform(
            lambda s, w=window: s.rolling(w, min_periods=1).mean()
        )
    panel = panel.merge(country.drop(columns="country_fat"), on=["country", "period"])
    panel["month_of_year"] = panel["period"].dt.month
    return panel.sort_values(["unit", "period"]).reset_index(drop=True)


RESIDUAL_LEVELS = np.linspace(0, 1, 201)
_GRID = np.linspace(0.0, 1.0, 201)  # quantile levels the interval search runs over
_MASS_GRID = np.round(np.arange(0.60, 0.951, 0.005), 3)


def mixture_quantiles(
    p_any: np.ndarray, centre: np.ndarray, residual_quantiles: np.ndarray, levels: np.ndarray
) -> np.ndarray:
    """Quantiles at `levels` of the hurdle mixture, one row per forecast.

    Level tau is 0 while tau <= 1 - p, otherwise the positive part's quantile at
    (tau - (1 - p)) / p; positive counts are at least 1."""
    tau = np.asarray(levels, dtype=float)[None, :]
    p = np.clip(np.asarray(p_any, dtype=float), 1e-6, 1.0)[:, None]
    conditional = np.clip((tau - (1.0 - p)) / p, 0.0, 1.0)
    residual = np.interp(conditional, RESIDUAL_LEVELS, residual_quantiles)
    positive = np.maximum(np.expm1(np.asarray(centre, dtype=float)[:, None] + residual), 1.0)
    return np.where(tau <= 1.0 - p, 0.0, positive)


def shortest_interval(
    p_any: np.ndarray, centre: np.ndarray, residual_quantiles: np.ndarray, mass: float
) -> np.ndarray:
    """The shortest interval (on the log1p scale) holding `mass` of each forecast's
    probability: (n, 2) lower and upper bounds.

    A central interval is the wrong shape for a count with an atom at zero: with
    P(0) = 0.7 the central 80% interval [0, q90] holds 90%. The shortest one, [0, q80],
    holds 80%; where violence is likely it is the usual two-sided interval."""
    return _shortest(np.log1p(mixture_quantiles(p_any, centre, residual_quantiles, _GRID)), mass)


def median_and_interval(
    p_any: np.ndarray, centre: np.ndarray, residual_quantiles: np.ndarray, mass: float
) -> tuple[np.ndarray, np.ndarray]:
    """The median and the shortest interval holding `mass` (>= 0.5), read from the same
    quantiles: the interval runs from level a to a + mass with a <= 1 - mass <= 0.5, so
    it always holds the median. No "3 deaths predicted (80% interval 0-0)"."""
    quantiles = np.log1p(mixture_quantiles(p_any, centre, residual_quantiles, _GRID))
    bounds = _shortest(quantiles, max(mass, 0.5))
    median = np.expm1(quantiles[:, int(np.argmin(np.abs(_GRID - 0.5)))])
    return np.clip(median, bounds[:, 0], bounds[:, 1]), bounds


def _shortest(quantiles: np.ndarray, mass: float) -> np.ndarray:
    steps = round(mass * (len(_GRID) - 1))
    widths = quantiles[:, steps:] - quantiles[:, : len(_GRID) - steps]
    start = np.argmin(widths + 1e-9 * np.arange(widths.shape[1]), axis=1)
    rows = np.arange(len(quantiles))
    return np.expm1(np.stack([quantiles[rows, start], quantiles[rows, start + steps]], axis=1))


def _calibrated_mass(
    p_any: np.ndarray,
    centre: np.ndarray,
    residual_quantiles: np.ndarray,
    actual: np.ndarray,
    coverage: float,
) -> float:
    """The probability mass whose shortest intervals cover `coverage` of held-out
    outcomes: split conformal calibration of the interval, on data the models did not see."""
    best, best_gap = coverage, np.inf
    quantiles = np.log1p(mixture_quantiles(p_any, centre, residual_quantiles, _GRID))
    for mass in _MASS_GRID:
        bounds = _shortest(quantiles, mass)
        covered = np.mean((actual >= bounds[:, 0] - 1e-9) & (actual <= bounds[:, 1] + 1e-9))
        gap = abs(covered - coverage)
        if gap < best_gap - 1e-9:
            best, best_gap = float(mass), gap
    return best


class ViolenceMonthForecaster(BaseEstimator):
    """P(any fatality), P(25+ fatalities) and a fatality distribution `horizon` months on."""

    version = "violence-month-hgb-hurdle-3"

    def __init__(
        self,
        horizon: int = 1,
        max_iter: int = 200,
        holdout_years: int = 2,
        coverage: float = 0.8,
        random_state: int = 0,
    ):
        self.horizon = horizon
        self.coverage = coverage
        self.max_iter = max_iter
        self.holdout_years = holdout_years
        self.random_state = random_state

    def _regressor(self) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            learning_rate=0.05,
            max_iter=self.max_iter,
            max_leaf_nodes=15,
            min_samples_leaf=20,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=self.random_state,
        )

    def fit(self, panel: pd.DataFrame) -> ViolenceMonthForecaster:
        X = panel.loc[:, list(MONTH_FEATURES)]
        count = future(panel, "fatalities", self.horizon)
        # Learn only where both the origin and the target month are covered: an uncovered
        # target has no outcome (NaN), an uncovered origin no history to learn from.
        known = count.notna() & _covered(panel)
        self.models_ = {}
        for name, threshold in (("any", 1), ("ge25", 25)):
            model = _classifier(self.random_state, self.max_iter)
            model.fit(X[known], (count[known] >= threshold).astype(int))
            self.models_[name] = model

        # Hold out the last `holdout_years` of targets: the residuals of the size model and
        # the width of the 80% interval are learnt there, from models that never saw them.
        year = period_year(target_period(panel, self.horizon)).where(known)
        late = known & (year >= year.max() - self.holdout_years + 1)
        early = known & ~late
        positive = known & (count > 0)
        y_log = np.log1p(count.where(positive).astype(float))
        self.interval_mass_ = self.coverage
        if (early & positive).sum() >= 50 and (late & positive).sum() >= 20:
            size = self._regressor().fit(X[early & positive], y_log[early & positive])
            residuals = y_log[late & positive] - size.predict(X[late & positive])
            self.residual_quantiles_ = np.quantile(np.asarray(residuals), RESIDUAL_LEVELS)
            any_early = _classifier(self.random_state, self.max_iter).fit(
                X[early], (count[early] >= 1).astype(int)
            )
            self.interval_mass_ = _calibrated_mass(
                any_early.predict_proba(X[late])[:, 1],
                size.predict(X[late]),
                self.residual_quantiles_,
                count[late].to_numpy(dtype=float),
                self.coverage,
            )
        else:
            size = self._regressor().fit(X[positive], y_log[positive])
            residuals = y_log[positive] - size.predict(X[positive])
            self.residual_quantiles_ = np.quantile(np.asarray(residuals), RESIDUAL_LEVELS)
        self.models_["size"] = self._regressor().fit(X[positive], y_log[positive])

        window = target_period(panel[known], self.horizon)
        self.training_window_ = (window.min(), window.max())
        self.feature_names_ = list(MONTH_FEATURES)
        return self

    def predict(self, panel: pd.DataFrame) -> pd.DataFrame:
        """One forecast per row: `p_any`, `p_ge25`, the point forecast `point` (the
        median, so always inside its own interval), `median`, the 80% interval
        `lower80`-`upper80` and the samples. NaN from an uncovered origin."""
        X = panel.loc[:, self.feature_names_]
        p_any = self.models_["any"].predict_proba(X)[:, 1]
        p_ge25 = self.models_["ge25"].predict_proba(X)[:, 1]
        centre = self.models_["size"].predict(X)
        samples = mixture_quantiles(p_any, centre, self.residual_quantiles_, SAMPLE_LEVELS)
        median, bounds = median_and_interval(
            p_any, centre, self.residual_quantiles_, self.interval_mass_
        )
        out = pd.DataFrame(samples, index=panel.index, columns=list(SAMPLE_COLUMNS))
        out.insert(0, "p_any", p_any)
        out.insert(1, "p_ge25", p_ge25)
        out.insert(2, "point", median)
        out.insert(3, "median", median)
        out.insert(4, "lower80", bounds[:, 0])
        out.insert(5, "upper80", bounds[:, 1])
        out.loc[~_covered(panel).to_numpy()] = np.nan
        return out


def _covered(panel: pd.DataFrame) -> pd.Series:
    if "covered" not in panel:
        return pd.Series(True, index=panel.index)
    return panel["covered"].fillna(False).astype(bool)
