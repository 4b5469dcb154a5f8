"""Scores checked against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vigil.analytics import metrics


def test_auc_of_a_perfect_ranking_is_one_and_of_a_reversed_ranking_zero():
    y = [0, 0, 1, 1]
    assert metrics.auc(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert metrics.auc(y, [0.9, 0.8, 0.2, 0.1]) == 0.0


def test_auc_is_undefined_when_only_one_class_occurs():
    assert math.isnan(metrics.auc([0, 0, 0], [0.1, 0.2, 0.3]))


def test_average_precision_of_one_positive_ranked_second_is_one_half():
    assert metrics.average_precision([0, 1, 0], [0.9, 0.5, 0.1]) == pytest.approx(0.5)


def test_brier_is_the_mean_squared_probability_error():
    # (0.2-0)^2 + (0.6-1)^2 = 0.04 + 0.16; mean 0.1
    assert metrics.brier([0, 1], [0.2, 0.6]) == pytest.approx(0.1)


def test_reliability_table_groups_forecasts_into_probability_bins():
    table = metrics.reliability_table([0, 1, 1, 1], [0.05, 0.05, 0.95, 0.95], bins=10)
    assert list(table["n"]) == [2, 2]
    assert list(table["lower"]) == pytest.approx([0.0, 0.9])
    assert list(table["observed_rate"]) == pytest.approx([0.5, 1.0])
    assert list(table["mean_forecast"]) == pytest.approx([0.05, 0.95])


def test_mse_log1p_compares_counts_on_the_log_scale():
    # log1p(e - 1) = 1, log1p(0) = 0
    assert metrics.mse_log1p([0, 0], [math.e - 1, 0]) == pytest.approx(0.5)


def test_crps_of_two_samples_straddling_the_observation():
    # E|X - 1| = 1 and E|X - X'| = (0 + 2 + 2 + 0) / 4 = 1, so CRPS = 1 - 0.5
    assert metrics.crps_from_samples([1], [[0, 2]]) == pytest.approx([0.5])


def test_crps_of_a_single_sample_is_the_absolute_error():
    assert metrics.crps_from_samples([1, 4], [[3], [4]]) == pytest.approx([2.0, 0.0])


def test_crps_sorted_formula_matches_the_pairwise_definition():
    rng = np.random.default_rng(0)
    samples = rng.poisson(5, size=(3, 40)).astype(float)
    y = np.array([0.0, 5.0, 12.0])
    brute = [
        np.mean(np.abs(s - obs)) - 0.5 * np.mean(np.abs(s[:, None] - s[None, :]))
        for s, obs in zip(samples, y, strict=True)
    ]
    assert metrics.crps_from_samples(y, samples) == pytest.approx(brute)


def test_pinball_loss_weights_under_and_over_prediction_by_the_quantile_level():
    # q=0.5, forecast 4 for 10: 0.5 * 6 = 3; q=0.9, forecast 12 for 10: 0.1 * 2 = 0.2
    assert metrics.pinball_loss([10], [[4, 12]], [0.5, 0.9]) == pytest.approx(1.6)


def test_interval_coverage_counts_closed_intervals():
    assert metrics.interval_coverage([0, 2, 5], [0, 0, 0], [2, 2, 2]) == pytest.approx(2 / 3)


def test_interval_score_adds_width_and_scaled_miss_distance():
    # inside: width 2; outside by 3 at alpha 0.1: 2 + 20 * 3 = 62; mean 32
    assert metrics.interval_score([1, 5], [0, 0], [2, 2], alpha=0.1) == pytest.approx(32.0)


def test_fatality_bins_follow_the_views_challenge_edges():
    counts = [0, 1, 2, 3, 5, 6, 25, 26, 1000, 1001, 50000]
    assert list(metrics.fatality_bin(counts)) == [0, 1, 1, 2, 2, 3, 4, 5, 9, 10, 10]


def test_log_score_is_in_bits_with_one_pseudo_sample_per_bin():
    samples = np.zeros((2, 9))
    # observed bin holds all 9 samples: (9 + 1) / (9 + 11) = 0.5 -> 1 bit
    # observed 2 is in bin 1, which holds none: 1 / 20 -> log2(20) bits
    assert metrics.log_score_binned([0, 2], samples) == pytest.approx([1.0, math.log2(20)])


def test_mean_and_median_absolute_error_are_in_deaths():
    y, point = [0, 0, 0, 10, 100], [0, 1, 0, 4, 50]
    assert metrics.mean_absolute_error(y, point) == pytest.approx((0 + 1 + 0 + 6 + 50) / 5)
    assert metrics.median_absolute_error(y, point) == 1.0
