"""Locally adaptive conformal intervals: a band as wide as the film is hard to forecast.

A constant band (:class:`~reelcast.forecast._intervals.ConformalIntervals`) spends the
uncertainty of a no-name $1M drama on a $200M sequel. :class:`AdaptiveIntervals` keeps split
conformal's finite-sample rule but makes the score local in two ways, each optional:

* **normalized** (``scale="difficulty"``): the residual is divided by a difficulty
  ``σ(x) = exp(w · z(x))``, a ridge regression of ``log |y − ŷ|`` on a few film descriptors
  ``z`` (the log forecast, log budget in 2017 dollars, language, how much of the cast, director,
  companies and keywords the as-of history knows). Films the forecaster has little to go on get
  wide bands, well-documented big-budget films narrow ones. The difficulty is cross-fitted on the
  calibration films (each film's score uses a σ fitted without it) and refit on all of them for
  use.
* **Mondrian** (``groups="budget_tier"``): the conformal quantile is taken separately in each
  budget tier (< $5M, $5–20M, $20–60M, $60–150M, ≥ $150M, unknown), so coverage holds per tier,
  not only on average. A tier with fewer than ``min_group`` calibration rows uses the pooled
  quantile (a film scored under several field sets gives one row per set).

Bounds are asymmetric (``symmetric=False``, the default): the upper offset is the conformal
quantile of the signed score, the lower one of its negation, each at ``1 − α/2``; a tier the
forecaster under-forecasts gets a band shifted upward. Everything fitted is a handful of floats:
the artifact is JSON (``intervals.json``), no pickle.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .._artifact import check_format, format_tag
from .._errors import ArtifactError, InputError
from .._estimator import check_fitted, store_params

__all__ = ["ADAPTIVE_FORMAT", "AdaptiveIntervals", "BUDGET_TIERS", "budget_tier",
           "calibrated_level", "calibration_films", "conformal_quantile", "difficulty_descriptors"]

ADAPTIVE_FORMAT = format_tag("intervals.adaptive", 1)
# nominal budget tiers (US dollars) of the evaluation report; "unknown" when no budget is given
BUDGET_TIERS = (("< $5M", 0.0), ("$5–20M", 5e6), ("$20–60M", 20e6), ("$60–150M", 60e6),
                ("≥ $150M", 150e6))
_UNKNOWN = "unknown budget"
_GROUPINGS = ("none", "budget_tier", "budget_tier_language")
# the as-of history shares: how much of the film's talent the forecaster has seen before
_SHARES = ("cast_share_known", "director_share_known", "company_share_known",
           "keyword_share_known")


def conformal_quantile(scores: np.ndarray, level: float) -> float:
    """The ``⌈(n + 1)·level⌉``-th smallest score; ``inf`` when ``n`` is too small for ``level``."""
    scores = np.sort(np.asarray(scores, float))
    rank = math.ceil((len(scores) + 1) * level)
    return float(scores[rank - 1]) if 1 <= rank <= len(scores) else math.inf


def calibrated_level(by_level: dict, level: float):
    """The value stored under ``level`` in ``{level: value}`` (levels equal to 1e-9); an
    ``InputError`` listing the calibrated levels when there is none."""
    for lv, value in by_level.items():
        if abs(lv - float(level)) < 1e-9:
            return value
    raise InputError(f"interval level {level!r} was not calibrated; calibrated levels: "
                     f"{sorted(by_level)}")


def calibration_films(y_true, y_pred, features: pd.DataFrame
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(y_true, y_pred, ok)`` as float arrays and the mask of the films with both values, after
    checking they describe the rows of ``features`` and at least 10 films have both."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    if not (y_true.shape == y_pred.shape == (len(features),)):
        raise InputError(f"y_true {y_true.shape}, y_pred {y_pred.shape} and features "
                         f"({len(features)} rows) must describe the same films")
    ok = np.isfinite(y_true) & np.isfinite(y_pred)
    if ok.sum() < 10:
        raise InputError(f"need at least 10 calibration films with revenue, got {ok.sum()}")
    return y_true, y_pred, ok


def budget_tier(features: pd.DataFrame) -> np.ndarray:
    """Each film's budget tier from the forecaster's ``log_budget`` feature (nominal dollars)."""
    log_budget = _column(features, "log_budget")
    out = np.full(len(log_budget), _UNKNOWN, dtype=object)
    known = np.isfinite(log_budget)
    for name, low in BUDGET_TIERS:
        # compared in logs: exp(log(20e6)) falls just below 20e6 and would drop a budget of
        # exactly $20M a tier
        bound = math.log(low) if low > 0 else -math.inf
        out[known & (log_budget >= bound)] = name
    return out


def _column(features: pd.DataFrame, name: str) -> np.ndarray:
    if name not in features.columns:
        raise InputError(f"adaptive intervals need the forecaster's feature {name!r}")
    column = features[name]
    if column.dtype == np.float64:  # the forecaster's features: no parsing needed
        return column.to_numpy()
    return pd.to_numeric(column, errors="coerce").to_numpy(float)


def difficulty_descriptors(log_pred, features: pd.DataFrame) -> np.ndarray:
    """The film descriptors ``z`` the difficulty model reads (missing → 0 plus an indicator)."""
    log_pred = np.asarray(log_pred, float)
    budget = _column(features, "log_budget_adj")
    english = _column(features, "is_english")
    cols = [log_pred, np.nan_to_num(budget, nan=0.0), np.isnan(budget).astype(float),
            np.nan_to_num(english, nan=0.0), np.isnan(english).astype(float)]
    for name in _SHARES:
        share = _column(features, name) if name in features.columns else np.full(len(log_pred),
                                                                                   np.nan)
        cols += [np.nan_to_num(share, nan=0.0), np.isnan(share).astype(float)]
    return np.column_stack(cols)


class _Difficulty:
    """Ridge regression of ``log |residual|`` on standardized descriptors; ``σ = exp(fit)``."""

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def fit(self, z: np.ndarray, residual: np.ndarray) -> _Difficulty:
        self.mean_, self.scale_ = z.mean(axis=0), z.std(axis=0)
        self.scale_[self.scale_ < 1e-9] = 1.0
        zs = (z - self.mean_) / self.scale_
        # |r| can be ~0; the floor keeps one lucky film from dragging log|r| to -inf
        target = np.log(np.maximum(np.abs(residual), 0.05))
        self.intercept_ = float(target.mean())
        gram = zs.T @ zs + self.alpha * np.eye(zs.shape[1])
        self.coef_ = np.linalg.solve(gram, zs.T @ (target - self.intercept_))
        return self

    def sigma(self, z: np.ndarray) -> np.ndarray:
        zs = (z - self.mean_) / self.scale_
        return np.exp(self.intercept_ + zs @ self.coef_)

    def to_dict(self) -> dict:
        return {"alpha": self.alpha, "mean": self.mean_.tolist(), "scale": self.scale_.tolist(),
                "intercept": self.intercept_, "coef": self.coef_.tolist()}

    @classmethod
    def from_dict(cls, data: dict) -> _Difficulty:
        obj = cls(float(data["alpha"]))
        obj.mean_, obj.scale_ = np.asarray(data["mean"], float), np.asarray(data["scale"], float)
        obj.intercept_, obj.coef_ = float(data["intercept"]), np.asarray(data["coef"], float)
        if not (obj.mean_.shape == obj.scale_.shape == obj.coef_.shape):
            raise ArtifactError("the difficulty model's arrays have different lengths")
        return obj


class AdaptiveIntervals(BaseEstimator):
    """Split-conformal intervals, normalized by a difficulty model and/or Mondrian by budget tier.

    Parameters
    ----------
    levels : tuple of float
        Nominal coverage levels, each in (0, 1).
    scale : {"difficulty", "none"}
        ``"difficulty"`` divides each residual by the film's fitted difficulty σ (normalized
        conformal); ``"none"`` keeps the raw residual.
    groups : {"budget_tier", "budget_tier_language", "none"}
        ``"budget_tier"`` takes the conformal quantile within each budget tier (Mondrian);
        ``"budget_tier_language"`` within each tier × English / other language.
    symmetric : bool
        ``True``: one quantile of ``|score|`` for both ends; ``False``: the lower and upper ends
        from the signed score's tails (a group's bias moves its band).
    min_group : int
        Fewer calibration rows than this in a group: the group uses the pooled quantiles (rows,
        not films: a film calibrated under five field sets counts five times).
    n_folds : int
        Cross-fitting folds of the difficulty model.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"log_budget": np.log(rng.uniform(1e6, 2e8, 400)),
    ...                   "log_budget_adj": 17.0, "is_english": 1.0})
    >>> y = rng.normal(size=400)
    >>> ci = AdaptiveIntervals(groups="none").fit(y, np.zeros(400), X)
    >>> lo, hi = ci.predict_interval(np.zeros(3), 0.8, X.head(3))
    >>> bool((lo < 0).all() and (hi > 0).all())
    True
    """

    def __init__(self, levels: tuple[float, ...] = (0.8, 0.95), scale: str = "difficulty",
                 groups: str = "budget_tier", symmetric: bool = False, min_group: int = 40,
                 n_folds: int = 5):
        store_params(self, locals())

    # --- fitting -------------------------------------------------------------------------------
    def _validate(self) -> tuple[float, ...]:
        levels = tuple(float(lv) for lv in self.levels)
        if not levels or any(not 0 < lv < 1 for lv in levels):
            raise InputError(f"The 'levels' parameter of AdaptiveIntervals must be values in "
                             f"(0, 1), got {self.levels!r} instead.")
        if self.scale not in ("difficulty", "none"):
            raise InputError(f"The 'scale' parameter of AdaptiveIntervals must be 'difficulty' or "
                             f"'none', got {self.scale!r} instead.")
        if self.groups not in _GROUPINGS:
            raise InputError(f"The 'groups' parameter of AdaptiveIntervals must be one of "
                             f"{', '.join(_GROUPINGS)}, got {self.groups!r} instead.")
        return levels

    def _group(self, features: pd.DataFrame) -> np.ndarray:
        if self.groups == "none":
            return np.full(len(features), "all", dtype=object)
        tier = budget_tier(features)
        if self.groups == "budget_tier":
            return tier
        english = _column(features, "is_english") == 1.0  # unknown language counts as other
        return np.array([f"{t} · {'English' if e else 'other'}" for t, e in zip(tier, english,
                                                                              strict=True)],
                        dtype=object)

    def fit(self, y_true, y_pred, features: pd.DataFrame):
        """Learn difficulty and quantiles from calibration log revenues, forecasts and features."""
        levels = self._validate()
        y_true, y_pred, ok = calibration_films(y_true, y_pred, features)
        features = features.reset_index(drop=True).loc[ok]
        residual = y_true[ok] - y_pred[ok]
        sigma = np.ones(len(residual))
        if self.scale == "difficulty":
            z = difficulty_descriptors(y_pred[ok], features)
            sigma = self._cross_fitted_sigma(z, residual)
            self.difficulty_ = _Difficulty().fit(z, residual)
        score = residual / sigma
        group = self._group(features)
        self.quantiles_ = {lv: {"all": self._ends(score, lv)} for lv in levels}
        self.group_counts_ = {"all": len(score)}
        for g in sorted(set(group)):
            members = group == g
            self.group_counts_[str(g)] = int(members.sum())
            if g != "all" and members.sum() >= self.min_group:
                for lv in levels:
                    self.quantiles_[lv][str(g)] = self._ends(score[members], lv)
        self.n_calibration_ = len(score)
        # the typical band, for messages: the median half-width over the calibration films
        self.median_half_width_ = {}
        for lv in levels:
            lo, hi = self.predict_interval(y_pred[ok], lv, features)
            self.median_half_width_[lv] = float(np.median((hi - lo) / 2))
        return self

    def half_widths(self) -> dict[float, float]:
        """The median half-width in log units over the calibration films, for each level."""
        self._check()
        return dict(self.median_half_width_)

    def _cross_fitted_sigma(self, z: np.ndarray, residual: np.ndarray) -> np.ndarray:
        folds = np.arange(len(residual)) % max(2, self.n_folds)
        sigma = np.empty(len(residual))
        for k in np.unique(folds):
            held = folds == k
            sigma[held] = _Difficulty().fit(z[~held], residual[~held]).sigma(z[held])
        return sigma

    def _ends(self, score: np.ndarray, level: float) -> list[float]:
        """``[lower, upper]`` offsets in score units (lower is ≤ 0 for a sensible forecaster)."""
        if self.symmetric:
            q = conformal_quantile(np.abs(score), level)
            return [-q, q]
        tail = 1 - (1 - level) / 2
        # a band that leaves out its own forecast confuses more than it informs: when nearly all
        # of a group's residuals share a sign, the nearer end stops at the forecast (wider only)
        return [min(-conformal_quantile(-score, tail), 0.0),
                max(conformal_quantile(score, tail), 0.0)]

    # --- use -----------------------------------------------------------------------------------
    def _check(self):
        check_fitted(self, "quantiles_", "fit(y, y_pred, features) or load_intervals(model_dir)")

    def sigma(self, log_pred, features: pd.DataFrame) -> np.ndarray:
        """Each film's difficulty (1 when ``scale="none"``)."""
        self._check()
        if self.scale == "none":
            return np.ones(len(np.asarray(log_pred)))
        return self.difficulty_.sigma(difficulty_descriptors(log_pred, features))

    def predict_interval(self, log_pred, level: float,
                         features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper log-revenue bounds at ``level`` for films with these features."""
        self._check()
        per_group = self._level(level)
        log_pred = np.asarray(log_pred, float)
        if len(features) != len(log_pred):
            raise InputError(f"{len(log_pred)} forecasts but {len(features)} feature rows")
        sigma = self.sigma(log_pred, features)
        group = self._group(features)
        ends = np.array([per_group.get(str(g), per_group["all"]) for g in group], float)
        ends = ends.reshape(len(log_pred), 2)
        return log_pred + ends[:, 0] * sigma, log_pred + ends[:, 1] * sigma

    def _level(self, level: float) -> dict:
        return calibrated_level(self.quantiles_, level)

    # --- persistence ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        self._check()
        finite = lambda v: v if math.isfinite(v) else ("inf" if v > 0 else "-inf")  # noqa: E731
        out = {"format": ADAPTIVE_FORMAT, "method": self.method_name,
               "params": {"scale": self.scale, "groups": self.groups,
                          "symmetric": self.symmetric, "min_group": self.min_group,
                          "n_folds": self.n_folds},
               "ends": {str(lv): {g: [finite(v) for v in e] for g, e in q.items()}
                        for lv, q in self.quantiles_.items()},
               "group_counts": self.group_counts_, "n_calibration": self.n_calibration_,
               "median_half_width": {str(k): v for k, v in self.median_half_width_.items()}}
        if self.scale == "difficulty":
            out["difficulty"] = self.difficulty_.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict) -> AdaptiveIntervals:
        check_format(data, ADAPTIVE_FORMAT, "intervals")
        ends = {float(lv): {g: [float(v) for v in e] for g, e in q.items()}
                for lv, q in data["ends"].items()}
        obj = cls(levels=tuple(ends), **data["params"])
        obj._validate()
        if any("all" not in q or any(len(e) != 2 for e in q.values()) for q in ends.values()):
            raise ArtifactError("every level needs pooled 'all' ends of two numbers")
        obj.quantiles_ = ends
        obj.group_counts_ = {str(k): int(v) for k, v in data["group_counts"].items()}
        obj.n_calibration_ = int(data["n_calibration"])
        obj.median_half_width_ = {float(k): float(v)
                                  for k, v in data["median_half_width"].items()}
        if obj.scale == "difficulty":
            obj.difficulty_ = _Difficulty.from_dict(data["difficulty"])
        return obj

    @property
    def method_name(self) -> str:
        parts = [("normalized" if self.scale == "difficulty" else ""),
                 {"budget_tier": "Mondrian by budget tier",
                  "budget_tier_language": "Mondrian by budget tier and language"}.get(
                      self.groups, "")]
        name = " + ".join(p for p in parts if p) or "constant"
        return f"split-conformal, {name}, {'symmetric' if self.symmetric else 'asymmetric'}"
