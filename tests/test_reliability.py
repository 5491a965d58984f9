"""Cronbach's alpha: hand-worked values, two independent formulas, item statistics, missing rows, bad input."""

import dataclasses
import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis.reliability
from analysis import Reliability, cronbach_alpha, cronbach_alpha_from_covariance


def test_docstring_examples_hold():
    result = doctest.testmod(analysis.reliability)
    assert result.attempted > 0 and result.failed == 0


def test_identical_items_give_one():
    r = cronbach_alpha([[1, 1, 1], [2, 2, 2], [3, 3, 3]])
    assert isinstance(r, Reliability)
    assert r.alpha == pytest.approx(1.0) and (r.n, r.k, r.dropped) == (3, 3, 0)
    assert r.item_total == pytest.approx((1.0, 1.0, 1.0)) and r.alpha_if_deleted == pytest.approx((1.0, 1.0, 1.0))


def test_hand_worked_values():
    # item variances 5/3, 4/3, 5/3 (sum 14/3); totals 13, 8, 15, 8 have variance 38/3: α = 3/2·(1 − 14/38) = 18/19
    assert cronbach_alpha([[4, 5, 4], [3, 3, 2], [5, 5, 5], [2, 3, 3]]).alpha == pytest.approx(18 / 19, abs=1e-12)
    # opposed items: variances 1 and 4/3, totals 4, 3, 4 with variance 1/3: α = 2·(1 − 7) = −12
    r = cronbach_alpha([[1, 3], [2, 1], [3, 1]])
    assert r.alpha == pytest.approx(-12.0, abs=1e-12)
    assert r.item_total == pytest.approx((-np.sqrt(3) / 2, -np.sqrt(3) / 2))   # corr([1,2,3], [3,1,1])
    assert all(np.isnan(r.alpha_if_deleted))   # one item left is no scale


@settings(max_examples=150)
@given(st.integers(2, 6), st.integers(3, 40), st.integers(0, 2**32 - 1))
def test_matches_the_covariance_formula_and_numpy(k, n, seed):
    rng = np.random.default_rng(seed)
    data = rng.integers(1, 6, size=(n, 1)) + rng.integers(-1, 2, size=(n, k))
    total = data.sum(axis=1)
    if np.all(total == total[0]):
        return
    r = cronbach_alpha(data)
    covariance = np.cov(data, rowvar=False)
    assert r.constant == tuple(i for i in range(k) if np.ptp(data[:, i]) == 0)
    if r.constant:  # an item answered alike by all: α is undefined, not the formula's number
        assert np.isnan(r.alpha)
    else:
        assert r.alpha == pytest.approx(k / (k - 1) * (1 - np.trace(covariance) / covariance.sum()), abs=1e-10)
        assert r.alpha == pytest.approx(k / (k - 1) * (1 - data.var(axis=0, ddof=1).sum() / total.var(ddof=1)),
                                        abs=1e-10)
    for i in range(k):
        rest = total - data[:, i]
        if np.ptp(data[:, i]) > 0 and np.ptp(rest) > 0:
            assert r.item_total[i] == pytest.approx(np.corrcoef(data[:, i], rest)[0, 1], abs=1e-10)
        else:
            assert np.isnan(r.item_total[i])
        reduced = np.delete(data, i, axis=1)
        reduced_total = reduced.sum(axis=1)
        if k > 2 and np.ptp(reduced_total) > 0 and np.ptp(reduced, axis=0).all():
            expected = (k - 1) / (k - 2) * (1 - reduced.var(axis=0, ddof=1).sum() / reduced_total.var(ddof=1))
            assert r.alpha_if_deleted[i] == pytest.approx(expected, abs=1e-10)
        else:
            assert np.isnan(r.alpha_if_deleted[i])


def test_rows_with_a_missing_item_are_dropped():
    full = [[4, 5, 4], [3, 3, 2], [5, 5, 5], [2, 3, 3]]
    with_gaps = full[:2] + [[np.nan, 4, 4], [1, np.nan, np.nan]] + full[2:]
    r = cronbach_alpha(with_gaps)
    assert (r.n, r.k, r.dropped) == (4, 3, 2)
    assert r == dataclasses.replace(cronbach_alpha(full), dropped=2)


@pytest.mark.parametrize(("matrix", "message"), [
    ([[1], [2], [3]], "at least 2 items, got 1"),
    ([[1, 2], [np.nan, 3]], "at least 2 complete rows, got 1"),
    ([[1, 3], [2, 2], [3, 1]], "zero variance"),  # opposed items: every total 4
    ([1, 2, 3], "two-dimensional"),
    ([["a", "b"], ["c", "d"]], "numbers"),
    ([[1, 2], [np.inf, 3], [2, 2]], "infinite"),
])
def test_bad_input(matrix, message):
    with pytest.raises(ValueError, match=message):
        cronbach_alpha(matrix)


def test_alpha_from_the_covariance_matrix_is_alpha_from_the_rows():
    rng = np.random.default_rng(7)
    rows = rng.integers(1, 6, size=(300, 4)).astype(float)
    rows[:, 1] += rows[:, 0]
    rows[:, 3] = 5  # a constant item: α and its correlations are undefined on both paths
    from_rows = cronbach_alpha(rows)
    from_cov = cronbach_alpha_from_covariance(np.cov(rows, rowvar=False), 300)
    assert np.isnan(from_rows.alpha) and np.isnan(from_cov.alpha) and from_cov.constant == from_rows.constant == (3,)
    assert from_cov.n == 300 and from_cov.k == 4
    varied = cronbach_alpha_from_covariance(np.cov(rows[:, :3], rowvar=False), 300)
    assert varied.alpha == pytest.approx(cronbach_alpha(rows[:, :3]).alpha, abs=1e-12)
    assert np.allclose(from_cov.item_total, from_rows.item_total, equal_nan=True)
    assert np.allclose(from_cov.alpha_if_deleted, from_rows.alpha_if_deleted, equal_nan=True)
    with pytest.raises(ValueError):
        cronbach_alpha_from_covariance([[1.0, -1.0], [-1.0, 1.0]], 10)  # every total the same
    with pytest.raises(ValueError):
        cronbach_alpha_from_covariance([[1.0, 0.5], [0.4, 1.0]], 10)  # not symmetric


def test_a_constant_item_leaves_alpha_undefined_not_zero():
    """Two items, one answered alike by all: the formula gives exactly 0, which reads as 'inconsistent';
    the item measures nothing, so α is NaN and the constant items are named by index."""
    r = cronbach_alpha([[5, 1], [5, 2], [5, 4], [5, 3]])
    assert np.isnan(r.alpha) and r.constant == (0,) and r.n == 4
    r = cronbach_alpha([[5, 1, 2], [5, 2, 2], [5, 4, 5]])
    assert np.isnan(r.alpha) and r.constant == (0,)
    assert r.alpha_if_deleted[0] == pytest.approx(cronbach_alpha([[1, 2], [2, 2], [4, 5]]).alpha)
    every = cronbach_alpha([[5, 3], [5, 3], [5, 3]])  # every answer alike: every item is named
    assert np.isnan(every.alpha) and every.constant == (0, 1)
    cov = np.cov(np.array([[5, 1], [5, 2], [5, 4], [5, 3]], dtype=float), rowvar=False)
    from_cov = cronbach_alpha_from_covariance(cov, 4)
    assert np.isnan(from_cov.alpha) and from_cov.constant == (0,)
    assert cronbach_alpha([[4, 5, 4], [3, 3, 2], [5, 5, 5], [2, 3, 3]]).constant == ()
