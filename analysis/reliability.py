"""Internal consistency of a multi-item scale (e.g. the satisfaction items of one questionnaire section).

Cronbach's α (L. J. Cronbach (1951), "Coefficient alpha and the internal structure of tests",
Psychometrika 16, 297–334) for k items: α = k/(k − 1) · (1 − Σ var(itemᵢ) / var(total)), variances with
ddof = 1. Beside it, per item: the corrected item–total correlation (the item against the sum of the
*other* items, so the item is not correlated with itself) and α if the item were deleted, the two
figures that show which item does not belong.

Respondents with any missing item (NaN) are left out (listwise), so every figure comes from the same
rows. A figure that is undefined (a constant item has no correlation; deleting one of two items leaves
no scale) is NaN. An item every respondent answered alike (zero variance) measures nothing: the formula
would still give a number (exactly 0 for two items, one of them constant), which reads as inconsistency
where there is none, so α is NaN then and ``constant`` names such items (SPSS drops them with a warning).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Reliability:
    """``alpha`` over ``k`` items and ``n`` complete rows (``dropped`` rows had a missing item); ``alpha`` is
    NaN when an item has zero variance, and ``constant`` holds those items' column indices."""

    alpha: float
    item_total: tuple[float, ...]
    alpha_if_deleted: tuple[float, ...]
    n: int
    k: int
    dropped: int
    constant: tuple[int, ...] = ()


def cronbach_alpha(matrix) -> Reliability:
    """Cronbach's α of a respondents × items matrix of numbers (NaN = missing; such rows are dropped).

    >>> r = cronbach_alpha([[4, 5, 4], [3, 3, 2], [5, 5, 5], [2, 3, 3]])
    >>> round(r.alpha, 4), r.n, r.k
    (0.9474, 4, 3)
    """
    try:
        data = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("matrix must hold numbers (rows = respondents, columns = items)") from None
    if data.ndim != 2:
        raise ValueError(f"matrix must be two-dimensional (respondents × items), got shape {data.shape}")
    if np.isinf(data).any():
        raise ValueError("matrix holds an infinite value")
    complete = data[~np.isnan(data).any(axis=1)]
    n, k = complete.shape
    if k < 2:
        raise ValueError(f"Cronbach's alpha needs at least 2 items, got {k}")
    if n < 2:
        raise ValueError(f"Cronbach's alpha needs at least 2 complete rows, got {n}")
    constant = tuple(i for i in range(k) if np.all(complete[:, i] == complete[0, i]))
    alpha = _alpha(complete)
    if np.isnan(alpha) and not constant:
        raise ValueError("the total score has zero variance (every respondent has the same total): alpha is undefined")
    total = complete.sum(axis=1)
    item_total = tuple(_correlation(complete[:, i], total - complete[:, i]) for i in range(k))
    if_deleted = tuple(_alpha(np.delete(complete, i, axis=1)) for i in range(k))
    return Reliability(alpha, item_total, if_deleted, int(n), int(k), int(data.shape[0] - n), constant)


def cronbach_alpha_from_covariance(covariance, n) -> Reliability:
    """Cronbach's α (with the corrected item–total correlations and α if an item is deleted) from the
    items' covariance matrix over ``n`` complete respondents: the same figures as ``cronbach_alpha`` on the
    rows, for when only counts are at hand (a million respondents' answers need not be read).

    >>> rows = np.array([[4, 5, 4], [3, 3, 2], [5, 5, 5], [2, 3, 3]], dtype=float)
    >>> round(cronbach_alpha_from_covariance(np.cov(rows, rowvar=False), 4).alpha, 4)
    0.9474
    """
    cov = np.asarray(covariance, dtype=float)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or not np.allclose(cov, cov.T) or not np.isfinite(cov).all():
        raise ValueError(f"covariance must be a finite symmetric square matrix, got shape {cov.shape}")
    k = cov.shape[0]
    if k < 2:
        raise ValueError(f"Cronbach's alpha needs at least 2 items, got {k}")
    if int(n) != n or n < 2:
        raise ValueError(f"Cronbach's alpha needs at least 2 complete rows, got {n!r}")
    constant = tuple(i for i in range(k) if cov[i, i] <= _TINY * max(float(cov.trace()), 1.0))
    alpha = _alpha_of(cov)
    if np.isnan(alpha) and not constant:
        raise ValueError("the total score has zero variance (every respondent has the same total): alpha is undefined")
    item_total = []
    for i in range(k):
        rest = np.delete(np.delete(cov, i, axis=0), i, axis=1)
        spread = cov[i, i] * rest.sum()
        item_total.append(float((cov[i].sum() - cov[i, i]) / np.sqrt(spread)) if spread > _TINY * cov.trace() ** 2
                          else float("nan"))
    if_deleted = tuple(_alpha_of(np.delete(np.delete(cov, i, axis=0), i, axis=1)) for i in range(k))
    return Reliability(alpha, tuple(item_total), if_deleted, int(n), k, 0, constant)


_TINY = 1e-12  # relative: a total variance this close to 0 is 0 (sums of squares of ladder points)


def _alpha_of(cov) -> float:
    """α from a covariance matrix; NaN with fewer than 2 items, a constant item or a constant total."""
    k = cov.shape[0]
    total, tiny = float(cov.sum()), _TINY * max(float(cov.trace()), 1.0)
    if k < 2 or total <= tiny or (np.diag(cov) <= tiny).any():
        return float("nan")
    return k / (k - 1) * (1 - float(cov.trace()) / total)


def _alpha(items) -> float:
    """α of the columns of ``items``; NaN with fewer than 2 items, a constant item or a constant total."""
    k = items.shape[1]
    total = items.sum(axis=1)
    if k < 2 or np.all(total == total[0]) or (items == items[0]).all(axis=0).any():
        return float("nan")
    return k / (k - 1) * (1 - float(items.var(axis=0, ddof=1).sum()) / float(total.var(ddof=1)))


def _correlation(x, y) -> float:
    """Pearson's r; NaN when either side is constant."""
    if np.all(x == x[0]) or np.all(y == y[0]):
        return float("nan")
    dx, dy = x - x.mean(), y - y.mean()
    denominator = float(np.sqrt((dx @ dx) * (dy @ dy)))
    return float(dx @ dy) / denominator
