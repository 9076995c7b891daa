"""Split-conformal prediction intervals on a temporal calibration window.

Method (documented once, used everywhere):

1. Train a *calibration model* with the forecaster's own parameters on films released before
   ``calib_start``.
2. Score it on the films released in ``[calib_start, calib_end)``: the nonconformity score is
   the absolute log-revenue residual ``|y - ŷ|``. A trained model's window is by default the
   last two years of its training films (:func:`calibration_window`: 2016–2017 on the shared
   data), re-enacting how it is used, on the films after its data; the evaluation protocol
   calibrates on 2012–2013 for its test of 2014–2017.
3. For each level ``1 - α`` the half-width is the ``⌈(n + 1)(1 - α)⌉``-th smallest score
   (the finite-sample split-conformal quantile).
4. Around the *final* model's log forecast ``ŷ`` the interval is ``[ŷ - q, ŷ + q]`` in log
   units, i.e. ``[e^ŷ / e^q, e^ŷ · e^q]`` in dollars (symmetric in log, multiplicative in $).

That is the ``"constant"`` method (:class:`ConformalIntervals`, one width for every film). The
trained model directory's default (:data:`DEFAULT_METHOD`) is locally adaptive
(:class:`~reelcast.forecast._adaptive.AdaptiveIntervals`): residuals normalized by a difficulty
model and quantiles taken per budget tier (Mondrian), calibrated on the window's films under
every named field set (:data:`DEFAULT_FIELD_SETS`) so that a forecast from fewer fields gets the
wider band it deserves. ``benchmarks/intervals.py`` compares the methods (and CQR).

Coverage is only guaranteed when calibration and future films are exchangeable; a temporal window
is the honest stand-in, so :func:`temporal_interval_coverage` measures coverage on later years
exactly the way a deployed model is used (intervals from the earlier calibration model applied to
a model retrained up to the test period).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .._artifact import check_format, format_tag
from .._errors import ArtifactError, InputError
from .._estimator import check_fitted
from .._io import write_json
from ..data import log_revenue, revenue_films, without_attrs
from ..evaluation import cutoff_date
from ..models.forecaster import add_forecaster_files
from ._adaptive import ADAPTIVE_FORMAT, AdaptiveIntervals, calibrated_level

__all__ = [
    "DEFAULT_LEVELS",
    "DEFAULT_FIELD_SETS",
    "DEFAULT_METHOD",
    "NO_BUDGET",
    "INTERVALS_FILE",
    "INTERVAL_METHODS",
    "AdaptiveIntervals",
    "ConformalIntervals",
    "CALIBRATION_YEARS",
    "calibrate_intervals",
    "calibration_window",
    "calibration_rows",
    "field_set_fields",
    "fit_intervals",
    "interval_coverage",
    "make_intervals",
    "load_intervals",
    "save_intervals",
    "temporal_interval_coverage",
]

DEFAULT_LEVELS = (0.8, 0.95)
CALIBRATION_YEARS = 2  # the default calibration window: the training films' last two years
INTERVALS_FILE = "intervals.json"
_FORMAT = format_tag("intervals", 1)


class ConformalIntervals(BaseEstimator):
    """Symmetric split-conformal intervals around log-revenue forecasts.

    Parameters
    ----------
    levels : tuple of float
        Nominal coverage levels, each in (0, 1).

    Attributes
    ----------
    quantiles_ : dict[float, float]
        Half-width in log units for each level.
    n_calibration_ : int
        Number of calibration residuals.

    Examples
    --------
    >>> ci = ConformalIntervals().fit(np.zeros(99), np.linspace(-1, 1, 99))
    >>> lo, hi = ci.predict_interval(np.array([10.0]), 0.8)
    >>> bool(lo[0] < 10.0 < hi[0])
    True
    """

    def __init__(self, levels: tuple[float, ...] = DEFAULT_LEVELS):
        self.levels = levels

    def fit(self, y_true, y_pred):
        """Learn the half-widths from calibration log revenues and their forecasts."""
        levels = tuple(float(lv) for lv in self.levels)
        for lv in levels:
            if not 0 < lv < 1:
                raise InputError(f"The 'levels' parameter of ConformalIntervals must be in (0, 1), "
                                 f"got {lv!r} instead.")
        y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
        if y_true.shape != y_pred.shape:
            raise InputError(f"y_true has shape {y_true.shape} but y_pred has {y_pred.shape}")
        ok = np.isfinite(y_true) & np.isfinite(y_pred)
        scores = np.sort(np.abs(y_true[ok] - y_pred[ok]))
        n = len(scores)
        if n < 10:
            raise InputError(f"need at least 10 calibration films with revenue, got {n}")
        self.quantiles_ = {}
        for lv in levels:
            rank = math.ceil((n + 1) * lv)
            # more coverage asked than n residuals can certify: the interval is unbounded
            self.quantiles_[lv] = float(scores[rank - 1]) if rank <= n else math.inf
        self.n_calibration_ = n
        return self

    def _check(self):
        check_fitted(self, "quantiles_", "fit(y, y_pred) or load_intervals(model_dir)")

    def predict_interval(self, log_pred, level: float,
                         features: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper log-revenue bounds at ``level`` around ``log_pred``.

        ``features`` is accepted (and ignored) so that every interval class is called alike."""
        self._check()
        q = self._quantile(level)
        log_pred = np.asarray(log_pred, float)
        return log_pred - q, log_pred + q

    def _quantile(self, level: float) -> float:
        return calibrated_level(self.quantiles_, level)

    def half_widths(self) -> dict[float, float]:
        """The half-width in log units for each level (the same for every film)."""
        self._check()
        return dict(self.quantiles_)

    def to_dict(self) -> dict:
        self._check()
        return {"format": _FORMAT, "method": "split-conformal, absolute log-revenue residual",
                "quantiles_log": {str(k): v for k, v in self.quantiles_.items()},
                "n_calibration": self.n_calibration_}

    @classmethod
    def from_dict(cls, data: dict) -> ConformalIntervals:
        check_format(data, _FORMAT, "intervals")
        quantiles = {float(k): float(v) for k, v in data["quantiles_log"].items()}
        obj = cls(levels=tuple(quantiles))
        obj.quantiles_ = quantiles
        obj.n_calibration_ = int(data["n_calibration"])
        return obj


def _window(films: pd.DataFrame, start: str | None, end: str | None) -> pd.DataFrame:
    dates = pd.to_datetime(films["release_date"], errors="coerce")
    keep = pd.Series(True, index=films.index)
    if start is not None:
        keep &= dates >= pd.Timestamp(start)
    if end is not None:
        keep &= dates < pd.Timestamp(end)
    return films.loc[keep]


INTERVAL_METHODS = {
    "constant": None,
    "normalized": {"scale": "difficulty", "groups": "none"},
    "mondrian": {"scale": "none", "groups": "budget_tier"},
    "normalized-mondrian": {"scale": "difficulty", "groups": "budget_tier"},
    "normalized-mondrian-language": {"scale": "difficulty", "groups": "budget_tier_language"},
}
DEFAULT_METHOD = "normalized-mondrian"
# the calibration films are scored as users give them: every named field set, and every field
# but the budget (the form and the API accept a film without one; its band must say so)
NO_BUDGET = "no_budget"
DEFAULT_FIELD_SETS = ("full", "form", "core", "minimal", NO_BUDGET)


def field_set_fields(name: str) -> tuple[str, ...]:
    """The fields a calibration field set keeps: a named set, or :data:`NO_BUDGET`."""
    from ..data import OPTIONAL_FIELDS, field_set

    if name == NO_BUDGET:
        return tuple(f for f in OPTIONAL_FIELDS if f != "budget")
    return field_set(name)


def make_intervals(method: str = DEFAULT_METHOD, levels: tuple[float, ...] = DEFAULT_LEVELS):
    """An unfitted interval estimator for one of :data:`INTERVAL_METHODS`."""
    if method not in INTERVAL_METHODS:
        raise InputError(f"interval method {method!r} is not one of {', '.join(INTERVAL_METHODS)}")
    params = INTERVAL_METHODS[method]
    return ConformalIntervals(levels=levels) if params is None else AdaptiveIntervals(
        levels=levels, **params)


def calibration_rows(model, films: pd.DataFrame, field_sets: tuple[str, ...] = ("full",)):
    """``(y, forecast, features)`` of ``films`` under each named field set, stacked.

    Calibrating on the films as users give them (some fields left out) makes the band as wide
    as a forecast from those fields deserves, not as wide as one from the full corpus row.
    """
    from ..data import blank_fields

    ys, preds, feats = [], [], []
    for name in field_sets:
        rows = films if name == "full" else blank_fields(films, field_set_fields(name))
        X = model.transform(rows)
        ys.append(log_revenue(films))
        # the all-fields regressor's errors under each field set, also for the rows a set
        # regressor would forecast: its errors there are larger (form/core R² 0.644/0.623
        # against 0.650/0.634 on 2014–2017), so a routed film's band errs wide, not narrow
        preds.append(np.asarray(model.predict_features(X), float))
        feats.append(X)
    return np.concatenate(ys), np.concatenate(preds), pd.concat(feats, ignore_index=True)


def fit_intervals(intervals, y, pred, features: pd.DataFrame):
    """Fit either interval class on calibration rows (the constant one ignores ``features``)."""
    if isinstance(intervals, ConformalIntervals):
        return intervals.fit(y, pred)
    return intervals.fit(y, pred, features)


def calibration_window(films: pd.DataFrame, calib_start: str | None = None,
                       calib_end: str | None = None,
                       years: int = CALIBRATION_YEARS) -> tuple[str, str]:
    """The calibration window ``[calib_start, calib_end)`` as ISO dates; by default the last
    ``years`` years of the films with budget and revenue (``calib_end`` the day after the latest
    release, ``calib_start`` ``years`` before ``calib_end``).

    A model forecasts the films after its training data, so its band is calibrated where that
    use is re-enacted most closely: on the most recent films, forecast by a model trained before
    them. A fixed window would go stale as the data grows (and be empty for a catalogue of
    other years).
    """
    if calib_end is None:
        dates = pd.to_datetime(revenue_films(films)["release_date"], errors="coerce").dropna()
        if dates.empty:
            raise InputError("no films with budget, revenue and a release date to calibrate "
                             "intervals on")
        end = dates.max().normalize() + pd.Timedelta(days=1)
    else:
        end = cutoff_date(calib_end, "calib_end")
    start = (end - pd.DateOffset(years=years) if calib_start is None
             else cutoff_date(calib_start, "calib_start"))
    if end <= start:
        raise InputError(f"calib_end must be after calib_start, got {start:%Y-%m-%d} and "
                         f"{end:%Y-%m-%d}")
    return start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")


def calibrate_intervals(films: pd.DataFrame, make_model: Callable[[], object], *,
                        calib_start: str | None = None, calib_end: str | None = None,
                        levels: tuple[float, ...] = DEFAULT_LEVELS, method: str = "constant",
                        field_sets: tuple[str, ...] = ("full",)):
    """Fit intervals of ``method`` (see :data:`INTERVAL_METHODS`) on ``[calib_start, calib_end)``
    (``None``: as :func:`calibration_window` chooses, the last two years of ``films``).

    ``make_model()`` returns an unfitted forecaster (``fit(films, history=...)``, ``transform``,
    ``predict_features``: a :class:`BoxOfficeForecaster` or a stack); it is trained on the
    scored films before ``calib_start`` with all earlier films as history.
    ``field_sets`` are the named field sets the calibration films are scored under (see
    :func:`calibration_rows`). Returns ``(intervals, info)`` where ``info`` records the windows
    and film counts.
    """
    calib_start, calib_end = calibration_window(films, calib_start, calib_end)
    intervals = make_intervals(method, levels)
    history = _window(films, None, calib_start)
    scored = revenue_films(films)
    train, calib = _window(scored, None, calib_start), _window(scored, calib_start, calib_end)
    if len(calib) < 10:
        raise InputError(f"the calibration window [{calib_start}, {calib_end}) has {len(calib)} "
                         "films with budget and revenue; need at least 10")
    model = make_model().fit(train, history=history)
    fit_intervals(intervals, *calibration_rows(model, calib, tuple(field_sets)))
    # n_calibration counts residuals: one per film and field set
    info = {"calib_start": calib_start, "calib_end": calib_end, "n_train": len(train),
            "n_films": len(calib), "n_calibration": intervals.n_calibration_, "method": method,
            "field_sets": list(field_sets)}
    return intervals, info


def interval_coverage(y_true, lower, upper, level: float | None = None) -> dict[str, float]:
    """Measured coverage of ``[lower, upper]``: the share of ``y_true`` inside, and mean width.

    Non-finite ``y_true`` are ignored. ``level`` (nominal) is echoed with the gap to it.
    """
    y_true, lower, upper = (np.asarray(a, float) for a in (y_true, lower, upper))
    if not (y_true.shape == lower.shape == upper.shape):
        raise InputError(f"y_true, lower and upper must have one shape, got {y_true.shape}, "
                         f"{lower.shape}, {upper.shape}")
    ok = np.isfinite(y_true)
    if not ok.any():
        raise InputError("interval_coverage needs at least one finite y_true")
    inside = (y_true[ok] >= lower[ok]) & (y_true[ok] <= upper[ok])
    out = {"coverage": float(inside.mean()), "n": int(ok.sum()),
           "mean_width_log": float(np.mean(upper[ok] - lower[ok]))}
    if level is not None:
        out["nominal"] = float(level)
        out["gap"] = out["coverage"] - float(level)
    return out


def temporal_interval_coverage(films: pd.DataFrame, make_model: Callable[[], object], *,
                               calib_start: str = "2012-01-01", train_end: str = "2014-01-01",
                               test_end: str = "2018-01-01",
                               levels: tuple[float, ...] = DEFAULT_LEVELS,
                               method: str = "constant",
                               field_sets: tuple[str, ...] = ("full",)) -> dict:
    """Coverage on a temporal test, mimicking deployment.

    Intervals are calibrated on ``[calib_start, train_end)`` with a model trained before
    ``calib_start``; a second model is trained on everything before ``train_end`` and its
    forecasts for ``[train_end, test_end)`` get those intervals.
    """
    intervals, info = calibrate_intervals(films, make_model, calib_start=calib_start,
                                          calib_end=train_end, levels=levels, method=method,
                                          field_sets=field_sets)
    films = without_attrs(films)
    scored = revenue_films(films)
    train, test = _window(scored, None, train_end), _window(scored, train_end, test_end)
    if len(test) == 0:
        raise InputError(f"no films with revenue in the test window [{train_end}, {test_end})")
    model = make_model().fit(train, history=_window(films, None, train_end))
    X = model.transform(test)
    y, pred = log_revenue(test), np.asarray(model.predict_features(X, model.routes(test)), float)
    coverage = {}
    for lv in intervals.quantiles_:
        lo, hi = intervals.predict_interval(pred, lv, X)
        coverage[str(lv)] = interval_coverage(y, lo, hi, lv)
    return {**info, "train_end": train_end, "test_end": test_end, "n_test": len(test),
            "quantiles_log": {str(k): v for k, v in intervals.half_widths().items()},
            "coverage": coverage}


def save_intervals(model_dir: str | Path, intervals: ConformalIntervals,
                   info: dict | None = None) -> Path:
    """Write ``intervals.json`` into a saved model directory and list it in the manifest."""
    state = {**intervals.to_dict(), "calibration": info or {}}
    add_forecaster_files(model_dir, {INTERVALS_FILE: lambda path: write_json(path, state)})
    return Path(model_dir) / INTERVALS_FILE


def load_intervals(model_dir: str | Path) -> ConformalIntervals | AdaptiveIntervals | None:
    """The model's intervals, or ``None`` if it was saved without calibration.

    The file's hash is checked by ``verify``/``load_forecaster`` with the rest of the directory.
    """
    path = Path(model_dir) / INTERVALS_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        if isinstance(data, dict) and data.get("format") == ADAPTIVE_FORMAT:
            return AdaptiveIntervals.from_dict(data)
        return ConformalIntervals.from_dict(data)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, InputError) as exc:
        raise ArtifactError(f"{path} is not a valid intervals file: {exc}") from exc
