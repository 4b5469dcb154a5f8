"""Scores for probability and count forecasts, as pure functions over arrays.

Probabilities: `auc`, `average_precision`, `brier`, `reliability_table`.
Counts: `mse_log1p`, `mean_absolute_error`, `median_absolute_error`, `crps_from_samples`,
`crps_from_quantiles`, `pinball_loss`, `interval_coverage`, `interval_score` and
`log_score_binned`.

The count scores follow the VIEWS 2023/24 prediction challenge so that our numbers can
be set beside theirs: CRPS from samples, the mean interval score (MIS) of the central 90%
interval, and the ignorance (log) score over their eleven fatality bins,
`VIEWS_FATALITY_BIN_EDGES`. VIEWS computes the ignorance score in bits (log base 2) from
the share of samples in the observed bin; a bin no sample falls into would score
infinity, so, like their `easyVerification`-derived code, we smooth the counts: here with
one pseudo-sample per bin (Laplace), which keeps the score proper and finite. Lower is
better for every score here except `auc` and `average_precision`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

# Lower edges of the VIEWS 2023/24 fatality bins: 0, 1-2, 3-5, 6-10, 11-25, 26-50,
# 51-100, 101-250, 251-500, 501-1000, 1001+.
VIEWS_FATALITY_BIN_EDGES: tuple[int, ...] = (0, 1, 3, 6, 11, 26, 51, 101, 251, 501, 1001)


def _arrays(y_true, y_score) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=float).ravel()
    p = np.asarray(y_score, dtype=float).ravel()
    if y.shape != p.shape:
        raise ValueError(f"y_true has {y.size} values, y_score {p.size}")
    return y, p


def auc(y_true, y_score) -> float:
    """Area under the ROC curve; NaN when only one class is present."""
    y, p = _arrays(y_true, y_score)
    if np.unique(y).size < 2:
        return float("nan")
    return float(roc_auc_score(y, p))


def average_precision(y_true, y_score) -> float:
    """Average precision (area under the precision-recall curve); NaN without positives."""
    y, p = _arrays(y_true, y_score)
    if y.sum() == 0:
        return float("nan")
    return float(average_precision_score(y, p))


def brier(y_true, y_prob) -> float:
    """Mean squared difference between the probability and the 0/1 outcome."""
    y, p = _arrays(y_true, y_prob)
    return float(np.mean((p - y) ** 2))


def reliability_table(y_true, y_prob, *, bins: int = 10) -> pd.DataFrame:
    """Calibration table: forecasts grouped into `bins` equal-width probability bins.

    One row per non-empty bin with the bin's bounds, the number of forecasts, their mean
    probability and the observed frequency of the event. A calibrated forecaster has
    `mean_forecast` close to `observed_rate` in every row.
    """
    y, p = _arrays(y_true, y_prob)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    frame = pd.DataFrame({"bin": index, "p": p, "y": y})
    grouped = frame.groupby("bin").agg(
        n=("y", "size"), mean_forecast=("p", "mean"), observed_rate=("y", "mean")
    )
    grouped.insert(0, "lower", edges[grouped.index])
    grouped.insert(1, "upper", edges[grouped.index + 1])
    return grouped.reset_index(drop=True)


def mse_log1p(y_true, y_pred) -> float:
    """Mean squared error of log1p counts (the VIEWS 2020 competition's headline score)."""
    y, f = _arrays(y_true, y_pred)
    return float(np.mean((np.log1p(f) - np.log1p(y)) ** 2))


def mean_absolute_error(y_true, y_pred) -> float:
    """Mean absolute difference between the point forecast and the count."""
    y, f = _arrays(y_true, y_pred)
    return float(np.mean(np.abs(f - y)))


def median_absolute_error(y_true, y_pred) -> float:
    """Median absolute difference between the point forecast and the count: the error of
    a typical forecast, in deaths. Zero when most cells are quiet and forecast as such, so
    read it beside the mean (`mean_absolute_error`) and the CRPS."""
    y, f = _arrays(y_true, y_pred)
    return float(np.median(np.abs(f - y)))


def crps_from_samples(y_true, samples) -> np.ndarray:
    """CRPS of each row of `samples` (shape units × draws) against its observation.

    Energy form, CRPS = E|X - y| - ½ E|X - X'|, with the second term from the sorted
    sample in O(n log n): E|X - X'| = 2/n² Σ_i (2i - n - 1) x_(i). Returns one score per
    unit; take the mean for the overall score.
    """
    y = np.asarray(y_true, dtype=float).ravel()
    x = np.sort(np.asarray(samples, dtype=float).reshape(y.size, -1), axis=1)
    n = x.shape[1]
    first = np.mean(np.abs(x - y[:, None]), axis=1)
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    spread = 2.0 / n**2 * (x @ weights)
    return first - 0.5 * spread


def pinball_loss(y_true, quantile_preds, quantiles) -> float:
    """Mean pinball (quantile) loss over all units and the given quantile levels.

    `quantile_preds` has shape units × len(quantiles).
    """
    y = np.asarray(y_true, dtype=float).ravel()
    q = np.asarray(quantiles, dtype=float)
    f = np.asarray(quantile_preds, dtype=float).reshape(y.size, q.size)
    diff = y[:, None] - f
    return float(np.mean(np.maximum(q * diff, (q - 1.0) * diff)))


def crps_from_quantiles(y_true, quantile_preds, quantiles) -> float:
    """CRPS approximated as twice the mean pinball loss over evenly spread quantiles."""
    return 2.0 * pinball_loss(y_true, quantile_preds, quantiles)


def interval_coverage(y_true, lower, upper) -> float:
    """Share of observations inside the closed interval [lower, upper]."""
    y = np.asarray(y_true, dtype=float).ravel()
    lo = np.asarray(lower, dtype=float).ravel()
    hi = np.asarray(upper, dtype=float).ravel()
    return float(np.mean((y >= lo) & (y <= hi)))


def interval_score(y_true, lower, upper, *, alpha: float = 0.1) -> float:
    """Mean interval score (Gneiting & Raftery 2007) of central (1 - alpha) intervals.

    Width plus 2/alpha times the distance by which the observation falls outside. With
    alpha = 0.1 and the 5%/95% quantiles this is the VIEWS challenge's 90% MIS.
    """
    y = np.asarray(y_true, dtype=float).ravel()
    lo = np.asarray(lower, dtype=float).ravel()
    hi = np.asarray(upper, dtype=float).ravel()
    penalty_low = (2.0 / alpha) * np.clip(lo - y, 0.0, None)
    penalty_high = (2.0 / alpha) * np.clip(y - hi, 0.0, None)
    return float(np.mean((hi - lo) + penalty_low + penalty_high))


def fatality_bin(values) -> np.ndarray:
    """Index (0-10) of the VIEWS fatality bin each count falls in."""
    v = np.asarray(values, dtype=float)
    return np.searchsorted(np.asarray(VIEWS_FATALITY_BIN_EDGES, dtype=float), v, side="right") - 1


def log_score_binned(y_true, samples) -> np.ndarray:
    """Ignorance score in bits over the VIEWS fatality bins, one value per unit.

    The predictive probability of a bin is its share of the samples, smoothed with one
    pseudo-sample per bin: (count + 1) / (n + 11).
    """
    y = np.asarray(y_true, dtype=float).ravel()
    x = np.asarray(samples, dtype=float).reshape(y.size, -1)
    n_bins = len(VIEWS_FATALITY_BIN_EDGES)
    sample_bins = fatality_bin(x)
    observed_bin = fatality_bin(y)
    hits = (sample_bins == observed_bin[:, None]).sum(axis=1)
    prob = (hits + 1.0) / (x.shape[1] + n_bins)
    return -np.log2(prob)
