"""A trend in the number of children entering care, by age band, shrunk towards no trend.

Monthly entries in each age band are modelled as Poisson counts whose log-mean is linear in time,
``log E[y_m] = a_b + beta_b * t_m`` (t in days), fitted by maximum likelihood (Newton's method on the
two parameters). Counts of children entering care are over-dispersed (siblings enter together), so the
standard error of ``beta_b`` is inflated by the Pearson dispersion when that exceeds one.

A slope estimated from three years of a few dozen entries a month is noisy, and a noisy slope carried
three years ahead does more harm than good. The slopes are therefore shrunk in two empirical-Bayes
steps (normal priors, positive-part estimates of the prior spread, never below ``MIN_TAU``):

1. the common slope of all bands (the precision-weighted mean of the band slopes) is shrunk towards no
   trend: ``mu = mu_hat * T / (T + se_mu^2)`` with ``T = max(mu_hat^2 - se_mu^2, MIN_TAU^2)``;
2. each band's slope is shrunk towards ``mu``: ``beta_b = mu + (beta_hat_b - mu) * tau2 / (tau2 + se_b^2)``,
   ``tau2`` being the spread of the band slopes beyond their own noise.

A trend that is weak against its noise is pulled almost to no trend; a strong one shared by the bands is
kept; a band with few entries follows the others. The posterior variance of each band's slope (of both
steps) is carried into the paths. The slope is capped at ``MAX_SLOPE_PER_YEAR`` either way.

**A trend over the whole extract.** Three years of entries say little about a slope (standard errors of
7-13 points a year per band), so with ``trend_years`` the slope is fitted on the entries of a longer span
(the six-year extract) as a trend that began at some point and was flat before it: log-linear in
``max(t - c, 0)``, the start ``c`` chosen by likelihood in half-year steps from the span's start (a
straight line throughout) to the reference window's start, so the window sees the trend throughout. The
earlier years pin the level the trend starts from, which roughly halves the slope's standard error. A
searched change point finds a "trend" in noise, so it is kept only when it fits all bands' entries
clearly better than no trend (the likelihood-ratio statistic over the Pearson dispersion at least
``TREND_EVIDENCE``, the 5% point of chi-squared with one degree of freedom); otherwise entries have no
trend. The kept slopes are shrunk as above.

The forecast uses the rate at the end of the window (the window's average rate rescaled by the fitted
slope) growing or falling at the slope from then on; with parameter uncertainty each bootstrap draw takes
its own slope from the posterior, so the paths' spread widens with the horizon where the trend is unsure.
That spread must not move the forecast's mean: a rate growing as ``exp(s * tau)`` with ``s`` drawn from
``N(m, v)`` averages ``exp(m * tau + v * tau^2 / 2)`` over the draws, above the posterior-mean path and
more so the further ahead (on a stationary history fitted with the window's trend, about +0.7% on the
total at +36 months). The simulation therefore keeps each drawn entrant with probability
``exp(-v * tau^2 / 2)`` (:func:`lognormal_keep`), ``tau`` being the time since the middle of the window
the rate was averaged over, so the drawn rates average the posterior-mean path at every horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

YEAR_DAYS = 365.25
#: Smallest prior spread of the slopes (per year): a trend of a few percent a year is never ruled out.
MIN_TAU = 0.02
#: Smallest likelihood-ratio statistic (over dispersion) at which a trend over the extract is kept.
TREND_EVIDENCE = 3.84
#: Steps (years) in which the start of a trend over the extract is searched.
TREND_START_STEP_YEARS = 0.5
#: Largest slope used (per year, log scale): about 25% more or fewer entries each year.
MAX_SLOPE_PER_YEAR = 0.22


@dataclass
class EntryTrend:
    """Fitted slopes per age band, per day on the log scale: raw, standard error, shrunk, posterior sd."""

    raw: np.ndarray
    se: np.ndarray
    slope: np.ndarray
    sd: np.ndarray

    @classmethod
    def none(cls, n_bands: int) -> EntryTrend:
        zero = np.zeros(n_bands)
        return cls(raw=zero, se=zero.copy(), slope=zero.copy(), sd=zero.copy())

    def draw_variance(self, rng: np.random.Generator | None) -> np.ndarray | None:
        """The variance (per day squared) of the slopes :meth:`draws` draws by band; None without ``rng``."""
        return None if rng is None else self.sd**2

    def draws(self, n_draws: int, rng: np.random.Generator | None) -> np.ndarray:
        """Slopes (draws, bands) per day: the posterior mean, or posterior draws when ``rng`` is given."""
        if rng is None:
            return np.repeat(self.slope[None, :], max(n_draws, 1), axis=0)
        z = rng.standard_normal((n_draws, self.slope.size))
        cap = MAX_SLOPE_PER_YEAR / YEAR_DAYS
        return np.clip(self.slope[None, :] + z * self.sd[None, :], -cap, cap)


def _poisson_slope(y: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood slope of a log-linear Poisson model of counts ``y`` at times ``t`` and its se."""
    if y.sum() <= 0 or y.size < 3:
        return 0.0, np.inf
    tc = t - t.mean()
    a, b = np.log(max(y.mean(), 1e-9)), 0.0
    for _ in range(30):
        mu = np.exp(a + b * tc)
        g = np.array([np.sum(y - mu), np.sum((y - mu) * tc)])
        h = np.array([[mu.sum(), (mu * tc).sum()], [(mu * tc).sum(), (mu * tc * tc).sum()]])
        try:
            step = np.linalg.solve(h, g)
        except np.linalg.LinAlgError:
            return 0.0, np.inf
        a, b = a + step[0], b + step[1]
        if np.abs(step).max() < 1e-10:
            break
    mu = np.exp(a + b * tc)
    h = np.array([[mu.sum(), (mu * tc).sum()], [(mu * tc).sum(), (mu * tc * tc).sum()]])
    cov = np.linalg.inv(h)
    dispersion = max(1.0, float(np.sum((y - mu) ** 2 / np.maximum(mu, 1e-9)) / max(y.size - 2, 1)))
    return float(b), float(np.sqrt(cov[1, 1] * dispersion))


def _log_likelihood(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """Poisson log-likelihood (up to a constant) of counts ``y`` log-linear in ``x`` at the maximum, and
    the Pearson dispersion; ``-inf`` when the slope cannot be fitted."""
    b, se = _poisson_slope(y, x)
    if not np.isfinite(se):
        return -np.inf, 1.0
    xc = x - x.mean()
    mu = np.exp(b * xc)
    mu *= y.sum() / mu.sum()  # the intercept's score equation: fitted and observed totals agree
    dispersion = max(1.0, float(np.sum((y - mu) ** 2 / np.maximum(mu, 1e-9)) / max(y.size - 2, 1)))
    return float(np.sum(y * np.log(np.maximum(mu, 1e-12)) - mu)), dispersion


def trend_start(monthly: np.ndarray, block_days: float, latest_years: float) -> tuple[float, float]:
    """The start of a trend in all bands' entries, flat before it, and the evidence for it.

    The start (years from the first block) is the best fitting of 0, ``TREND_START_STEP_YEARS``, ... up to
    ``latest_years``; the evidence is twice the log-likelihood gain over constant entries, divided by the
    Pearson dispersion of the trend's fit.
    """
    y = monthly.sum(axis=0).astype(np.float64)
    if y.sum() <= 0 or y.size < 6:
        return 0.0, 0.0
    t = (np.arange(y.size) + 0.5) * block_days / YEAR_DAYS
    starts = np.arange(0.0, max(latest_years, 0.0) + 1e-9, TREND_START_STEP_YEARS)
    fits = [_log_likelihood(y, np.maximum(t - c, 0.0)) for c in starts]
    best = int(np.argmax([f[0] for f in fits]))
    flat = float(np.sum(y * np.log(y.mean()) - y.mean()))
    return float(starts[best]), max(2.0 * (fits[best][0] - flat) / fits[best][1], 0.0)


def fit_long_trend(monthly: np.ndarray, block_days: float, latest_years: float) -> EntryTrend | None:
    """A trend over a long span of entries (bands, months) that began no later than ``latest_years`` into
    it (:func:`trend_start`), shrunk as :func:`fit_entry_trend`; None when the evidence for it is below
    ``TREND_EVIDENCE``."""
    start, evidence = trend_start(monthly, block_days, latest_years)
    if evidence < TREND_EVIDENCE:
        return None
    return fit_entry_trend(monthly, block_days, start_years=start)


def fit_entry_trend(monthly: np.ndarray, block_days: float, start_years: float = 0.0) -> EntryTrend:
    """Slopes per day from entry counts ``monthly`` (bands, months), each month ``block_days`` long; with
    ``start_years`` entries are flat before that time and log-linear after it."""
    n_bands, n_blocks = monthly.shape
    if n_blocks < 6:
        return EntryTrend.none(n_bands)
    t = np.maximum((np.arange(n_blocks) + 0.5) * block_days / YEAR_DAYS - start_years, 0.0)  # years
    raw = np.zeros(n_bands)
    se = np.full(n_bands, np.inf)
    for b in range(n_bands):
        raw[b], se[b] = _poisson_slope(monthly[b].astype(np.float64), t)
    ok = np.isfinite(se) & (se > 0)
    if not ok.any():
        return EntryTrend.none(n_bands)
    se2 = np.where(ok, se, 1.0) ** 2
    # The common slope of all bands, shrunk towards no trend.
    w = np.where(ok, 1.0 / se2, 0.0)
    mu_hat = float((w * raw).sum() / w.sum())
    mu_se2 = 1.0 / float(w.sum())
    tau0 = max(mu_hat**2 - mu_se2, MIN_TAU**2)
    mu = mu_hat * tau0 / (tau0 + mu_se2)
    mu_var = tau0 * mu_se2 / (tau0 + mu_se2)
    # Each band's slope, shrunk towards the common one.
    tau2 = max(float(np.mean((raw[ok] - mu_hat) ** 2 - se2[ok])), MIN_TAU**2)
    shrink = np.where(ok, tau2 / (tau2 + se2), 0.0)
    slope = np.clip(mu + (np.where(ok, raw, mu) - mu) * shrink, -MAX_SLOPE_PER_YEAR, MAX_SLOPE_PER_YEAR)
    sd = np.sqrt(np.where(ok, tau2 * se2 / (tau2 + se2), tau2) + mu_var)
    per_day = 1.0 / YEAR_DAYS
    return EntryTrend(
        raw=raw * per_day, se=np.where(ok, se, 0.0) * per_day, slope=slope * per_day, sd=sd * per_day
    )


def end_of_window_factor(slope: np.ndarray, window_days: float) -> np.ndarray:
    """Rate at the window's end / average rate over the window, for a log-linear rate with ``slope``."""
    x = np.asarray(slope, dtype=np.float64) * window_days
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 + x / 2, safe / (-np.expm1(-safe)))


def integrated(slope: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Integral of exp(slope * t) dt from t0 to t1 (the expected entrants per unit starting rate)."""
    s = np.asarray(slope, dtype=np.float64)
    small = np.abs(s) < 1e-12
    safe = np.where(small, 1e-6, s)  # masked below; 1.0 would overflow exp() at day numbers
    return np.where(small, t1 - t0, (np.exp(safe * t1) - np.exp(safe * t0)) / safe)


def entry_times(u: np.ndarray, slope: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """Entry times in [t0, t1) from uniforms ``u`` for a rate proportional to exp(slope * t)."""
    s = np.asarray(slope, dtype=np.float64)
    small = np.abs(s) < 1e-12
    safe = np.where(small, 1e-6, s)  # masked below; 1.0 would overflow exp() at day numbers
    e0, e1 = np.exp(safe * t0), np.exp(safe * t1)
    trended = np.log(e0 + u * (e1 - e0)) / safe
    return np.where(small, t0 + u * (t1 - t0), trended)


def lognormal_keep(variance: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """The share of entrants to keep at ``tau`` days after the middle of the reference window when each
    draw's slope has ``variance`` (per day squared): ``exp(-variance * tau^2 / 2)``, so that the mean over
    the draws of ``exp(s * tau)`` is ``exp(m * tau)`` for ``s ~ N(m, variance)``."""
    return np.exp(-0.5 * np.asarray(variance, dtype=np.float64) * np.square(tau))
