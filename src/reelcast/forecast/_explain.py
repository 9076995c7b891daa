"""Why a forecast is what it is: exact TreeSHAP contributions and the nearest earlier films.

* :func:`feature_contributions` — LightGBM's ``pred_contrib=True`` returns exact TreeSHAP values
  in log-revenue units; they sum with the baseline (the ``bias`` column, the model's expected
  log revenue) to the forecast.
* :func:`start_contributions` — the same values for one film in two parts: the first trees on
  another thread while the caller works, the rest on the caller's thread (LightGBM releases the
  GIL, so both cores work; the parts add up to the one-pass values, to rounding). The other
  thread predicts with a twin of the booster (same trees, its own LightGBM handle): with both
  parts on one handle, ``tests/test_explain.py::test_contributions_in_two_parts_match_one_pass``
  failed in about one test process in seven (2 of 14), the split row far from the one-pass row.
* :func:`explain_film` — the top contributions for one film, each also expressed in dollars
  relative to the baseline: ``exp(baseline + φ) − exp(baseline)``, i.e. what that feature alone
  would move a baseline film's gross by (dollar effects do not add up, log effects do), and as a
  multiplicative factor ``exp(φ)``.
* :func:`nearest_comparables` — the ``k`` most similar films released *before* the new film's
  date, by weighted Euclidean distance on standardized features (budget, genres, year, talent
  and franchise history), from a reference table saved with the model (:func:`save_comparables`).
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import ArtifactError, InputError
from ..models import booster_input, booster_predict

__all__ = [
    "COMPARABLES_FILE",
    "COMPARABLE_WEIGHTS",
    "MIN_COMPARABLE_GROSS",
    "explain_film",
    "feature_contributions",
    "load_comparables",
    "nearest_comparables",
    "reference_table",
    "save_comparables",
    "start_contributions",
]

COMPARABLES_FILE = "comparables.parquet"

# Distance weights per standardized feature; genre one-hots are added below with weight 0.6 each
# so that two films sharing a genre mix are close but budget still dominates.
COMPARABLE_WEIGHTS = {
    "log_budget_adj": 2.0, "year": 1.0, "runtime": 0.3, "is_sequel": 1.0,
    "collection_logrev_best_mean": 0.8, "cast_logrev_best_mean": 0.8,
    "director_logrev_best_mean": 0.8, "company_logrev_best_mean": 0.4, "is_english": 0.5,
}
_GENRE_WEIGHT = 0.6

# Which pool films may be shown as comparables. A gross under $100,000, or under 2% of the film's
# own budget, is almost always a partial record (one territory, a re-release, a festival run) in
# the public tables, not what the film earned: "A Quiet Place" ($17M) was shown beside films that
# "grossed" $31,081 and $74,700. And a comparable should be of the same budget scale: within ×4 of
# the film's inflation-adjusted budget, widened to ×10 and then to any budget only when fewer than
# ``k`` earlier films qualify.
MIN_COMPARABLE_GROSS = 100_000.0
MIN_GROSS_TO_BUDGET = 0.02
BUDGET_SCALES = (math.log(4.0), math.log(10.0), math.inf)


def feature_contributions(model, films: pd.DataFrame) -> pd.DataFrame:
    """Exact TreeSHAP contributions (log revenue) per feature plus a ``bias`` column.

    Each row sums to ``model.predict(films)``.
    """
    X = model.transform(films)
    routes = model.routes(films)
    contrib = np.empty((len(X), X.shape[1] + 1))
    for route in np.unique(routes):  # each film by the regressor that forecasts it
        at = np.flatnonzero(routes == route)
        contrib[at] = booster_predict(model.regressor(route).booster_, X.iloc[at],
                                      pred_contrib=True)
    return pd.DataFrame(contrib, columns=[*X.columns, "bias"], index=films.index)


# Share of the trees the other thread takes in start_contributions: the caller first spends about
# as long as ~0.6 of TreeSHAP on comparables, rating, genres and hits (measured part by part in
# benchmarks/results/latency.md), so ~3/4 of the trees there and ~1/4 here finish together.
_HEAD_SHARE = 0.75


def start_contributions(model, film: pd.DataFrame, features: pd.DataFrame, submit,
                        head_share: float | None = None) -> Callable[[], np.ndarray]:
    """Start one film's exact TreeSHAP row on another thread; returns ``finish()``.

    ``submit`` is an executor's ``submit``: it gets the first ``head_share`` of the trees (default
    3/4; 1: all of them, for a caller whose other core is busy already). ``finish()`` computes
    the remaining trees on the calling thread, waits for the first part and returns their sum,
    the row :func:`explain_film` takes as ``contrib`` (TreeSHAP values add over trees, and so do
    the per-tree expected values that make up the ``bias`` column).
    """
    booster = model.regressor(model.routes(film)[0]).booster_
    x = booster_input(features, booster)
    # what booster.predict uses by default: the early-stopping best iteration when there is one
    n = booster.best_iteration if booster.best_iteration > 0 else booster.current_iteration()
    cut = round(n * (_HEAD_SHARE if head_share is None else head_share))
    if not 0 < cut < n:  # LightGBM reads num_iteration <= 0 as "every tree": never ask for none
        whole = submit(booster_predict, booster, x, pred_contrib=True, num_iteration=n)
        return lambda: whole.result()[0]
    # a twin for the other thread, made only here: with the whole row there, this thread
    # predicts nothing from this booster
    head = submit(booster_predict, _twin(booster), x, pred_contrib=True, num_iteration=cut)

    def finish() -> np.ndarray:
        tail = booster_predict(booster, x, pred_contrib=True, start_iteration=cut,
                               num_iteration=n - cut)
        return head.result()[0] + tail[0]

    return finish


_TWINS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TWINS_LOCK = threading.Lock()


def _twin(booster):
    """A second booster with the same trees (made once per booster, then kept as long as it).

    Two threads predicting different tree ranges of one LightGBM handle at once gave a wrong
    row now and then (2 of 14 test processes; 0 of 28 with a twin). Our reading, not proven: the
    range to predict is set on the handle's shared state (``InitPredict``) before each predict.
    """
    import lightgbm as lgb

    with _TWINS_LOCK:
        twin = _TWINS.get(booster)
        if twin is None:
            twin = _TWINS[booster] = lgb.Booster(model_str=booster.model_to_string())
    return twin


def explain_film(model, film: pd.DataFrame, top: int = 10,
                 features: pd.DataFrame | None = None,
                 contrib: np.ndarray | None = None) -> dict:
    """The ``top`` largest contributions (by absolute log effect) for a one-row frame.

    Returns ``{"baseline_log", "baseline_usd", "contributions": [...]}``; each contribution has
    ``feature``, ``value`` (the feature's value for the film), ``log`` (SHAP value),
    ``factor`` (``exp(log)``) and ``usd`` (dollar effect relative to the baseline);
    ``forecast_log`` is the baseline plus every contribution, i.e. the model's forecast;
    ``phi`` and ``columns`` are every feature's contribution (for grouping by input field).
    ``features`` is ``model.transform(film)`` when the caller already has it, ``contrib`` the
    film's TreeSHAP row (with ``bias`` last) when it was computed already
    (:func:`start_contributions`).
    """
    if len(film) != 1:
        raise InputError(f"explain_film explains one film at a time, got {len(film)} rows")
    X = model.transform(film) if features is None else features
    if contrib is None:
        booster = model.regressor(model.routes(film)[0]).booster_
        contrib = booster_predict(booster, X, pred_contrib=True)[0]
    base, phi = float(contrib[-1]), contrib[:-1]
    order = np.argsort(-np.abs(phi), kind="stable")[:top]
    rows = []
    for i in order:
        value = X.iloc[0, i]
        rows.append({
            "feature": str(X.columns[i]),
            "value": _plain(value),
            "log": float(phi[i]),
            "factor": float(np.exp(phi[i])),
            "usd": float(np.exp(base + phi[i]) - np.exp(base)),
        })
    return {"baseline_log": base, "baseline_usd": float(np.exp(base)),
            "forecast_log": float(contrib.sum()), "contributions": rows,
            "phi": [float(v) for v in phi], "columns": [str(c) for c in X.columns]}


def _plain(value):
    """A JSON-ready feature value: categorical levels stay strings, numbers become floats."""
    if pd.isna(value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _distance_columns(features: list[str]) -> dict[str, float]:
    weights = {c: w for c, w in COMPARABLE_WEIGHTS.items() if c in features}
    weights |= {c: _GENRE_WEIGHT for c in features if c.startswith("genre_")}
    return weights


def reference_table(model, films: pd.DataFrame) -> pd.DataFrame:
    """Films with revenue and their as-of distance features: the pool comparables come from."""
    from ..data import revenue_films

    pool = revenue_films(films).reset_index(drop=True)
    X = model.transform(pool)
    cols = list(_distance_columns(list(X.columns)))
    table = pd.DataFrame({
        "film_id": pool["film_id"].astype(str),
        "title": pool["title"].astype(str),
        "release_date": pd.to_datetime(pool["release_date"]),
        "budget": pool["budget"].astype(float),
        "revenue": pool["revenue"].astype(float),
        "genres": ["|".join(g) if isinstance(g, list | tuple | np.ndarray) else ""
                   for g in pool["genres"]],
    })
    return pd.concat([table, X[cols].astype(float).reset_index(drop=True)], axis=1)


def save_comparables(model_dir: str | Path, model, films: pd.DataFrame) -> Path:
    """Write the comparables pool into a saved model directory and list it in the manifest."""
    from .._io import atomic_file
    from ..models.forecaster import add_forecaster_files

    table = reference_table(model, films)

    def write(path: Path) -> None:
        with atomic_file(path, "wb") as fh:
            table.to_parquet(fh, index=False)

    add_forecaster_files(model_dir, {COMPARABLES_FILE: write})
    return Path(model_dir) / COMPARABLES_FILE


def load_comparables(model_dir: str | Path) -> pd.DataFrame | None:
    """The saved comparables pool, or ``None`` when the model has none."""
    path = Path(model_dir) / COMPARABLES_FILE
    if not path.is_file():
        return None
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise ArtifactError(f"{path} is not a readable comparables table: {exc}") from exc


def _budget_adj(reference: pd.DataFrame, X: pd.DataFrame, value: float,
                latest_shift: float | None = None) -> float:
    """The film's inflation-adjusted log budget; past the CPI table's last year, the latest
    year's adjustment is carried forward (else a future film's budget would count as unknown)."""
    if np.isfinite(value) or "log_budget" not in X.columns:
        return value
    raw = float(X["log_budget"].iloc[0])
    if latest_shift is None:
        latest_shift = _latest_shift(reference)
    return raw + latest_shift if np.isfinite(raw) and np.isfinite(latest_shift) else value


def _latest_shift(reference: pd.DataFrame) -> float:
    """Median log CPI shift of the pool's latest year (NaN when the pool has no budgets)."""
    years = pd.to_datetime(reference["release_date"]).dt.year
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = reference["log_budget_adj"] - np.log(reference["budget"])
    latest = shift[(years == years[shift.notna()].max()) & shift.notna()]
    return float(latest.median()) if len(latest) else float("nan")


_PREPARED: dict[int, tuple] = {}


def _prepared(reference: pd.DataFrame, cols: list[str]) -> dict:
    """What every query of one pool shares (dates, standardized features), computed once.

    Keyed by the pool object (and checked by identity, so a recycled ``id`` never matches);
    a served model asks the same pool for every request.
    """
    key = id(reference)
    hit = _PREPARED.get(key)
    if hit is not None and hit[0] is reference and hit[1] == cols:
        return hit[2]
    ref = reference[cols].to_numpy(float)
    mean, std = np.nanmean(ref, axis=0), np.nanstd(ref, axis=0)
    std = np.where(np.isfinite(std) & (std > 0), std, 1.0)
    mean = np.where(np.isfinite(mean), mean, 0.0)
    prep = {"days": pd.to_datetime(reference["release_date"]).to_numpy("datetime64[ns]"),
            # plain columns: ``reference.iloc[i]`` per comparable cost ~0.3 ms each
            "columns": {c: reference[c].to_numpy(object) for c in
                        ("title", "film_id", "budget", "revenue", "genres")},
            "mean": mean, "std": std, "z": np.nan_to_num((ref - mean) / std),
            "credible": _credible(reference),
            "log_budget_adj": (reference["log_budget_adj"].to_numpy(float)
                               if "log_budget_adj" in reference.columns
                               else np.full(len(reference), np.nan)),
            "latest_shift": (_latest_shift(reference) if "log_budget_adj" in cols
                             else float("nan"))}
    if len(_PREPARED) >= 4:
        _PREPARED.clear()
    _PREPARED[key] = (reference, list(cols), prep)
    return prep


def _credible(reference: pd.DataFrame) -> np.ndarray:
    """Pool films whose gross label is believable enough to show (see MIN_COMPARABLE_GROSS)."""
    revenue = reference["revenue"].to_numpy(float)
    budget = reference["budget"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio_ok = ~(budget > 0) | (revenue >= MIN_GROSS_TO_BUDGET * budget)
    return (revenue >= MIN_COMPARABLE_GROSS) & ratio_ok


def _smallest(dist: np.ndarray, k: int) -> np.ndarray:
    """``np.argsort(dist, kind="stable")[:k]`` without sorting the whole pool: the ``k``
    smallest by a partition, ties kept in pool order."""
    if len(dist) <= k:
        return np.argsort(dist, kind="stable")
    kth = np.partition(dist, k - 1)[k - 1]
    if not np.isfinite(kth):  # NaN among the k smallest: the full sort decides
        return np.argsort(dist, kind="stable")[:k]
    candidates = np.flatnonzero(dist <= kth)  # every tie of the k-th, in pool order
    return candidates[np.argsort(dist[candidates], kind="stable")][:k]


def nearest_comparables(reference: pd.DataFrame, model, film: pd.DataFrame, k: int = 5,
                        features: pd.DataFrame | None = None) -> list[dict]:
    """The ``k`` reference films released before ``film``'s date closest to it.

    Features are standardized by the pool's mean and standard deviation; a missing value counts
    as the pool mean (it neither attracts nor repels). Only films whose gross passes
    :data:`MIN_COMPARABLE_GROSS` and :data:`MIN_GROSS_TO_BUDGET` qualify, and, when the film has
    a budget, of a similar budget scale (:data:`BUDGET_SCALES`).
    """
    if len(film) != 1:
        raise InputError(f"nearest_comparables takes one film at a time, got {len(film)} rows")
    if k < 1:
        raise InputError(f"k must be at least 1, got {k!r}")
    date = pd.Timestamp(film["release_date"].iloc[0])
    X = model.transform(film) if features is None else features
    weights = _distance_columns([c for c in X.columns if c in reference.columns])
    cols = list(weights)
    prep = _prepared(reference, cols)
    film_x = X[cols].to_numpy(float)[0]
    if "log_budget_adj" in cols:
        film_x[cols.index("log_budget_adj")] = _budget_adj(
            reference, X, film_x[cols.index("log_budget_adj")], prep["latest_shift"])
    eligible = (prep["days"] < date.to_datetime64()) & prep["credible"]
    earlier = np.flatnonzero(eligible)
    if "log_budget_adj" in cols and np.isfinite(film_x[cols.index("log_budget_adj")]):
        gap = np.abs(prep["log_budget_adj"] - film_x[cols.index("log_budget_adj")])
        for scale in BUDGET_SCALES:
            close = np.flatnonzero(eligible & (gap <= scale))
            if len(close) >= k:
                earlier = close
                break
    if not len(earlier):
        return []
    mean, std = prep["mean"], prep["std"]
    z_pool = prep["z"][earlier]
    z_film = np.nan_to_num((film_x - mean) / std)
    w = np.array([weights[c] for c in cols])
    dist = np.sqrt((((z_pool - z_film) ** 2) * w).sum(axis=1))
    best = _smallest(dist, k)
    out = []
    col = prep["columns"]
    for i in best:
        j = earlier[i]
        budget = col["budget"][j]
        out.append({
            "title": str(col["title"][j]), "film_id": str(col["film_id"][j]),
            "release_date": str(prep["days"][j].astype("datetime64[D]")),
            "budget": None if pd.isna(budget) else float(budget),
            "revenue": float(col["revenue"][j]), "genres": str(col["genres"][j]),
            "distance": float(dist[i]),
        })
    return out
