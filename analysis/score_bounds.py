"""One-sided bounds for a satisfaction *score* (the mean of points on a ladder) that hold in finite samples.

``score_bounds(values, counts, scale=(20, 100))`` gives ``low``, the one-sided lower bound at
``confidence_level`` (the verdict "met" needs low ≥ target), and ``high``, the one-sided upper bound at the
same level ("missed" needs high < target); together they are a two-sided interval at 2·level − 1.

Methods (a closed set, ``METHODS``):

- ``"gaffke"`` (the default): Gaffke's bound for the mean of a random variable on a known interval
  [a, b] — N. Gaffke (2005), "Three test statistics for a nonparametric one-sided hypothesis on the mean
  of a nonnegative variable", Math. Methods Statist. 14(4), 451–467; = Learned-Miller & Thomas (2019),
  arXiv:1905.06208. With n answers and one more, pseudo, answer at the bottom of the scale
  a, weights D ~ Dirichlet(1, …, 1) (n + 1 uniform spacings) and R = D₀·a + Σ Dᵢ·xᵢ, the lower bound is
  the (1 − level) quantile of R; the upper bound puts the pseudo answer at the top b and takes the
  level quantile. Its false "met" rate is at most 1 − level for every distribution on [a, b] and every
  n, with no normal approximation. For answers on two points {a, b} it *is* Clopper–Pearson, the exact
  bound that ``target_test`` uses for rates; 50 answers all at the top of a 20–100 ladder give
  20 + 80·0.05^(1/50) = 95.35, not 100.
- ``"t"``: mean ∓ t(level, n − 1)·sd/√n; near the ceiling its false "met" rate exceeds 1 − level (bench/verdict_sim.py).

Computation (deterministic: no random numbers, so the same tallies give the same bound on every page and
run). Ties merge Dirichlet weights: with distinct values xⱼ of counts cⱼ, R = Σ Gⱼxⱼ / Σ Gⱼ for
independent Gⱼ ~ Gamma(cⱼ) (the pseudo answer adds 1 to its value's shape), so
P(R ≤ t) = P(W ≤ 0) with W = Σ Gⱼ(xⱼ − t), whose characteristic function Π(1 − i·s·(xⱼ − t))^(−cⱼ) is
inverted by the trapezoid rule of R. B. Davies (1973, Biometrika 60, 415–417; grid 2π/(|E W| + 40 sd W),
tail cut where the remaining terms are < 1e-9) or, when that needs more than 20,000 terms (a handful of
answers at an extreme t), the double-exponential rule u = exp(π/2·sinh τ). Brent's method finds the
quantile (1–5 ms for a five-point ladder, whatever n up to 10⁹).

Edge cases: n = 0 raises ValueError; one answer: low and high are the scale's ends. A population N keeps
Gaffke's bounds (without replacement is less variable: Hoeffding 1963, Thm 4), tightened by the certain
range (Σx + (N − n)·[min, max])/N (a census: low = high = mean). The √((N − n)/(N − 1)) shrink said "met"
too often near n = N (6.7 % at n = 59 of 60); ``method="t"`` keeps it.

>>> b = score_bounds([100, 80, 60], [46, 2, 2], scale=(20, 100))
>>> round(b.low, 4), round(b.high, 4), b.method
(92.4926, 99.2013, 'gaffke')
>>> round(score_bounds([100], [50], scale=(20, 100)).low, 4)
95.3476
>>> round(score_bounds([20, 100], [2, 48], scale=(20, 100)).low, 4)   # Clopper–Pearson: 20 + 80·0.879386
90.3509
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from . import _checks

METHODS = ("gaffke", "t")
DEFAULT = "gaffke"
_TERMS = 20_000         # Davies terms beyond which the double-exponential rule takes over
_TAIL = 1e-9            # bound on the truncated tail of the Davies sum
_TAU = np.arange(-3.6, 3.6 + 1 / 64, 1 / 32)
_DE_U = np.exp(np.pi / 2 * np.sinh(_TAU))
_DE_W = np.pi / 2 * np.cosh(_TAU) / 32


@dataclass(frozen=True)
class ScoreBounds:
    """One-sided ``low`` and ``high`` at ``confidence_level`` each, on the scale of the values."""

    low: float
    high: float
    n: int
    method: str
    confidence_level: float
    population: int | None = None
    mean: float = math.nan
    scale: tuple[float, float] = (math.nan, math.nan)


def score_bounds(values, counts=None, *, scale, confidence_level=0.95, population=None, method=DEFAULT):
    """One-sided lower and upper bounds for the mean of ``values`` (distinct values with ``counts``, or raw).

    ``scale`` = (min, max) of the ladder (every value must lie in it); both bounds are at
    ``confidence_level`` and clipped to the scale.

    >>> b = score_bounds([100, 100, 80, 60, 100], scale=(20, 100), method="t")
    >>> round(b.low, 4), b.high, b.n
    (70.9452, 100.0, 5)
    """
    level = _checks.confidence_level(confidence_level)
    _checks.method(method, METHODS)
    x, c, low_end, high_end = _histogram(values, counts, scale)
    n = int(c.sum())
    size = _checks.population(population, n)
    mean = float(np.dot(x, c) / n) if len(x) > 1 else float(x[0])
    if n == 1:
        low, high = low_end, high_end
    elif size is not None and n >= size:
        low = high = mean
    else:
        if method == "t":
            sd = float(np.sqrt(np.dot(c, (x - mean) ** 2) / (n - 1)))
            half = float(stats.t.ppf(level, n - 1)) * sd / math.sqrt(n)
            low, high = mean - half, mean + half
            shrink = _checks.fpc_factor(n, size)
            low, high = mean - (mean - low) * shrink, mean + (high - mean) * shrink
        else:
            low = _gaffke(x, c, low_end, 1.0 - level, low_end, high_end)
            high = _gaffke(x, c, high_end, level, low_end, high_end)
            if size is not None:  # what the sample makes certain about the whole population's mean
                total = float(np.dot(x, c))
                low = max(low, (total + (size - n) * low_end) / size)
                high = min(high, (total + (size - n) * high_end) / size)
    low, high = max(low, low_end), min(high, high_end)
    return ScoreBounds(float(low), float(high), n, method, level, size, mean, (low_end, high_end))


def _histogram(values, counts, scale):
    low_end, high_end = _checks.scale(scale)
    try:
        x = _snap(np.asarray(values, dtype=float).ravel(), low_end, high_end)
    except (TypeError, ValueError):
        raise ValueError("values must be numbers") from None
    if counts is None:
        x, c = np.unique(x, return_counts=True)
    else:
        raw = list(counts) if not isinstance(counts, np.ndarray) else counts.ravel().tolist()
        if len(raw) != x.size:
            raise ValueError(f"values ({x.size}) and counts ({len(raw)}) differ in length")
        c = np.array([_checks.count(k, f"counts[{i}]") for i, k in enumerate(raw)], dtype=float)
        x, inverse = np.unique(x, return_inverse=True)
        c = np.bincount(inverse.ravel(), weights=c, minlength=x.size) if x.size else c
    if not np.all(np.isfinite(x)):
        raise ValueError("values must be finite numbers")
    keep = c > 0
    x, c = x[keep], np.asarray(c, dtype=float)[keep]
    if x.size == 0:
        raise ValueError("no answers (n = 0)")
    if x[0] < low_end or x[-1] > high_end:
        raise ValueError(f"values must lie on the scale {low_end:g}–{high_end:g}, got {x[0]:g}–{x[-1]:g}")
    return x, c, low_end, high_end


def _snap(x, low_end: float, high_end: float):
    """Values within rounding of an end of the scale, at that end: a weighted composite of answers all at
    the top can come out as 5.000000000000001 on a 1–5 ladder."""
    tolerance = 1e-9 * (high_end - low_end)
    x = np.where((x < low_end) & (x >= low_end - tolerance), low_end, x)
    return np.where((x > high_end) & (x <= high_end + tolerance), high_end, x)


def _gaffke(x, c, pseudo, q, low_end, high_end):
    """The q quantile of R = Σ Gⱼxⱼ / Σ Gⱼ with the pseudo answer (shape 1) added at ``pseudo``."""
    xs, cs = _with_pseudo(x, c, pseudo)
    if xs.size == 1:
        return float(xs[0])
    if xs.size == 2:        # R = x₀ + (x₁ − x₀)·Beta(c₁, c₀): Clopper–Pearson's beta quantile
        return float(xs[0] + (xs[1] - xs[0]) * special.betaincinv(cs[1], cs[0], q))
    lo, hi = float(xs[0]), float(xs[-1])

    def excess(t):
        return float(cdf(xs, cs[None, :], np.array([t]))[0]) - q

    # bracket the root near the normal guess from R's moments (Dirichlet), then Brent's method
    total = cs.sum()
    mean = float(np.dot(cs, xs) / total)
    spread = math.sqrt(max(float(np.dot(cs, (xs - mean) ** 2)) / total / (total + 1), 0.0)) or (hi - lo) / 4
    guess = min(max(mean + float(stats.norm.ppf(q)) * spread, lo), hi)
    f_guess = excess(guess) if lo < guess < hi else (-q if guess <= lo else 1 - q)
    a, fa, step = guess, f_guess, spread
    while fa != 0:
        b = max(lo, a - step) if fa > 0 else min(hi, a + step)
        fb = -q if b <= lo else 1 - q if b >= hi else excess(b)
        if fb * fa <= 0:
            a, b = (b, a) if b < a else (a, b)
            break
        a, fa, step = b, fb, step * 2
    else:
        return a
    return optimize.brentq(excess, a, b, xtol=1e-10 * (high_end - low_end), rtol=1e-13, maxiter=200)


def _with_pseudo(x, c, pseudo):
    """Add one answer at ``pseudo`` (merging with an equal value)."""
    hit = np.flatnonzero(x == pseudo)
    if hit.size:
        c = c.copy()
        c[hit[0]] += 1.0
        return x, c
    xs = np.append(x, pseudo)
    order = np.argsort(xs, kind="stable")
    return xs[order], np.append(c, 1.0)[order]


def cdf(x, c, t):
    """P(Σ Gⱼ(xⱼ − tᵣ) ≤ 0) for each row r, Gⱼ ~ Gamma(c[r, j]) independent (c: rows × values, t: rows).

    Rows whose t lies outside (min x, max x) get 0 or 1 exactly.
    """
    x = np.asarray(x, dtype=float)
    c = np.atleast_2d(np.asarray(c, dtype=float))
    t = np.broadcast_to(np.asarray(t, dtype=float), (c.shape[0],)).copy()
    out = np.empty(c.shape[0])
    present = c > 0
    lowest = np.where(present, x, np.inf).min(axis=1)
    highest = np.where(present, x, -np.inf).max(axis=1)
    below, above = t <= lowest, t >= highest
    out[below], out[above] = 0.0, 1.0
    inside = ~(below | above)
    if inside.any():
        out[inside] = _inside(x, c[inside], t[inside])
    return out


def _inside(x, c, t):
    b = x[None, :] - t[:, None]                              # rows × values
    mu = np.sum(c * b, axis=1)
    sd = np.sqrt(np.sum(c * b * b, axis=1))
    step = 2 * np.pi / (np.abs(mu) + 40 * sd)               # aliasing error ≤ P(|W − E W| > 40 sd W)
    top = 8.0 / sd
    for _ in range(200):                                     # cut-off where the tail is < _TAIL
        ub2 = (top[:, None] * b) ** 2
        log_abs = -0.5 * np.sum(c * np.log1p(ub2), axis=1)
        decay = np.sum(c * ub2 / (1 + ub2), axis=1)          # the tail falls at least like u^-decay
        short = log_abs - np.log(np.pi * decay) > math.log(_TAIL)
        if not short.any():
            break
        top = np.where(short, top * 1.5, top)
    terms = np.ceil(top / step).astype(np.int64)
    out = np.empty(t.shape[0])
    fast = terms <= _TERMS
    # far from the mean: Cantelli's inequality P(W ≤ 0) ≤ sd²/(sd² + mean²) when the mean is positive
    far = ~fast & (mu * mu > 1e10 * sd * sd)
    slow = ~fast & ~far
    rows = np.flatnonzero(fast)
    rows = rows[np.argsort(terms[rows], kind="stable")]
    for start in range(0, rows.size, 256):                   # rows needing alike numbers of terms together
        r = rows[start:start + 256]
        out[r] = _davies(b[r], c[r], step[r], int(terms[r].max()))
    out[far] = np.where(mu[far] > 0, 0.0, 1.0)
    if slow.any():
        out[slow] = _double_exponential(b[slow], c[slow], sd[slow])
    return np.clip(out, 0.0, 1.0)


def _davies(b, c, step, terms):
    half = np.arange(terms) + 0.5
    total = np.zeros(b.shape[0])
    for start in range(0, terms, 512):                       # blocks keep the temporaries small
        k = half[start:start + 512]
        ub = (step[:, None] * k[None, :])[:, :, None] * b[:, None, :]
        log_abs = -0.5 * np.sum(c[:, None, :] * np.log1p(ub * ub), axis=2)
        phase = np.sum(c[:, None, :] * np.arctan(ub), axis=2)
        total += np.sum(np.exp(log_abs) * np.sin(phase) / k[None, :], axis=1)
    return 0.5 - total / np.pi


def _double_exponential(b, c, sd):
    ub = (_DE_U[None, :] / sd[:, None])[:, :, None] * b[:, None, :]
    log_abs = -0.5 * np.sum(c[:, None, :] * np.log1p(ub * ub), axis=2)
    phase = np.sum(c[:, None, :] * np.arctan(ub), axis=2)
    return 0.5 - np.sum(np.exp(log_abs) * np.sin(phase) * _DE_W[None, :], axis=1) / np.pi


def effective_score_bounds(values, shares, n_eff, *, scale, confidence_level=0.95) -> ScoreBounds:
    """Gaffke's bounds for a weighted mean (strata weighted by their shares, or raked weights): the values'
    weighted distribution (``shares``, any positive total) taken as ``n_eff`` answers, its effective sample
    size, which need not be whole (the Gamma shapes of the computation above need not be integers).

    It is Korn & Graubard's (1998) idea for a rate (Clopper–Pearson at the effective sample size) applied to
    a bounded mean, and like theirs an approximation to a design-based bound, not an exact one. With equal
    weights and ``n_eff`` = n it is ``score_bounds`` itself; on two values it is Korn–Graubard's interval.

    >>> b = effective_score_bounds([100, 80, 60], [46, 2, 2], 50, scale=(20, 100))
    >>> round(b.low, 4), round(b.high, 4)   # = score_bounds([100, 80, 60], [46, 2, 2], scale=(20, 100))
    (92.4926, 99.2013)
    """
    level = _checks.confidence_level(confidence_level)
    values, shares = list(values), list(shares)
    if len(values) != len(shares):
        raise ValueError(f"values ({len(values)}) and shares ({len(shares)}) differ in length")
    _, _, low_end, high_end = _histogram(values, None, scale)  # the values on the scale, the scale itself
    x, inverse = np.unique(_snap(np.asarray(values, dtype=float), low_end, high_end), return_inverse=True)
    p = np.bincount(inverse.ravel(), weights=np.asarray(shares, dtype=float), minlength=x.size)
    if not (np.all(np.isfinite(p)) and np.all(p >= 0) and p.sum() > 0):
        raise ValueError("shares must be numbers ≥ 0 with a positive total")
    if not (isinstance(n_eff, (int, float)) and math.isfinite(n_eff) and n_eff > 0):
        raise ValueError(f"n_eff must be a positive number, got {n_eff!r}")
    keep = p > 0
    x, c = x[keep], p[keep] / p.sum() * float(n_eff)
    mean = float(np.dot(x, c) / c.sum())
    if n_eff <= 1:   # one answer's worth says nothing
        low, high = low_end, high_end
    else:
        low = _gaffke(x, c, low_end, 1.0 - level, low_end, high_end)
        high = _gaffke(x, c, high_end, level, low_end, high_end)
    return ScoreBounds(float(max(low, low_end)), float(min(high, high_end)), int(math.floor(n_eff)),
                       "gaffke, effective n", level, None, mean, (low_end, high_end))
