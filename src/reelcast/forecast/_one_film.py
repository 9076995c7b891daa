"""One film in, one actionable forecast out: point, 80%/95% intervals, comparables, explanation,
predicted rating, genre probabilities (from the overview and/or poster) and nearest recent hits."""

from __future__ import annotations

import functools
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd

from .._artifact import read_manifest
from .._errors import InputError
from ..data import without_attrs
from ..models.forecaster import BoxOfficeForecaster, ForecasterStack, load_any
from ._explain import (
    explain_film,
    load_comparables,
    nearest_comparables,
    save_comparables,
    start_contributions,
)
from ._fields import field_report, supplied_fields
from ._genres import load_genres, poster_vector, save_genres
from ._hits import film_hits, load_hits, save_hits
from ._input import films_from_records
from ._intervals import (
    DEFAULT_FIELD_SETS,
    DEFAULT_METHOD,
    AdaptiveIntervals,
    ConformalIntervals,
    calibrate_intervals,
    load_intervals,
    save_intervals,
)
from ._rating import load_rating, predict_rating, save_rating
from ._readable import grouped_explanation, sanity_notes

__all__ = ["INTERVAL_COLUMNS", "FilmForecast", "ProductModel", "attach_product_files",
           "forecast_batch", "forecast_film", "interval_columns", "load_product_model",
           "training_end", "with_poster_marker"]


@dataclass(frozen=True)
class ProductModel:
    """A loaded forecaster with what the product needs beside it (all optional but the model)."""

    forecaster: BoxOfficeForecaster
    intervals: ConformalIntervals | AdaptiveIntervals | None = None
    comparables: pd.DataFrame | None = None
    manifest: dict = field(default_factory=dict)
    rating: object | None = None  # a LightGBM booster on the forecaster's features
    genres: object | None = None  # a GenreProbabilities
    hits: object | None = None  # a CopycatIndex refit on the saved hits table
    # the model whose forecast is shown when it is not the forecaster itself (a ForecasterStack);
    # the forecaster inside it still explains, finds comparables and feeds the rating model
    predictor: object | None = None


def load_product_model(model_dir: str | Path) -> ProductModel:
    """Load a model directory, refusing it unless every manifest hash verifies."""
    model = load_any(model_dir)  # verifies every file listed in the manifest
    forecaster, predictor = _split_model(model)
    return ProductModel(forecaster, load_intervals(model_dir), load_comparables(model_dir),
                        read_manifest(model_dir), rating=load_rating(model_dir),
                        genres=load_genres(model_dir), hits=load_hits(model_dir),
                        predictor=predictor)


def _split_model(model) -> tuple[BoxOfficeForecaster, object | None]:
    """(the LightGBM forecaster, the stack or ``None``)."""
    if isinstance(model, ForecasterStack):
        return model.forecaster_, model
    return model, None


def attach_product_files(model_dir: str | Path, films: pd.DataFrame, *,
                         calib_start: str | None = None, calib_end: str | None = None,
                         interval_method: str = DEFAULT_METHOD,
                         field_sets: tuple[str, ...] = DEFAULT_FIELD_SETS,
                         posters: bool = True, poster_root=None, poster_cache=None) -> dict:
    """Calibrate intervals and save what a forecast shows beside the point into a model directory.

    Everything is learned from ``films`` only (the training data): the conformal intervals (a
    calibration model with the saved forecaster's parameters, trained before ``calib_start``;
    by default on the last two years of ``films``, see :func:`calibration_window`;
    ``interval_method`` and ``field_sets`` as in :func:`calibrate_intervals`),
    the comparables pool, the rating model (films with >= 10 votes), the genre model (overview
    and, when ``posters`` and the poster files can be read from ``poster_root``, poster
    features; ``poster_cache`` caches those) and the hits table of the copycat index.
    Returns the calibration info with ``rating`` and ``genres`` provenance added.
    """
    films = without_attrs(films)
    full = load_any(model_dir)
    model, _ = _split_model(full)
    # the intervals calibrate the model whose forecast is shown (the stack, for a stack)
    kind, params = type(full), full.get_params()
    intervals, info = calibrate_intervals(
        films, lambda: kind(**params), calib_start=calib_start, calib_end=calib_end,
        method=interval_method, field_sets=tuple(field_sets))
    save_intervals(model_dir, intervals, info)
    save_comparables(model_dir, model, films)
    out = {**info, "quantiles_log": {str(k): v for k, v in intervals.half_widths().items()}}
    out["rating"] = _optional(save_rating, model_dir, model, films)
    out["genres"] = _optional(save_genres, model_dir, films, posters=posters,
                              poster_root=poster_root, poster_cache=poster_cache)
    out["hits"] = _optional(save_hits, model_dir, films)
    return out


def _optional(step, *args, **kwargs) -> dict:
    """Run one optional product step; too little data for it is reported, not fatal."""
    try:
        return step(*args, **kwargs)
    except InputError as exc:
        return {"skipped": str(exc).splitlines()[0]}


@dataclass
class FilmForecast:
    """The forecast for one film, in dollars and log dollars.

    ``intervals`` maps a level name (``"80"``, ``"95"``) to ``{"low", "high"}`` in dollars.
    ``contributions`` are the largest TreeSHAP values per model feature; ``explanation`` is the
    same per input field, in words, adding up to the forecast in log and in dollars (see
    :func:`reelcast.forecast._readable.grouped_explanation`). ``fields_used`` and ``left_out``
    say which optional fields the film had and what each important one left out would typically
    change (see :func:`reelcast.forecast._fields.field_report`). ``warnings`` include the sanity
    notes (forecast below budget, outside every comparable, after the training data, no budget).
    """

    title: str
    release_date: str
    budget: float | None
    revenue_usd: float
    log_revenue: float
    intervals: dict[str, dict[str, float]]
    comparables: list[dict]
    baseline_usd: float | None
    contributions: list[dict]
    warnings: list[str] = field(default_factory=list)
    rating: float | None = None
    genres: dict[str, float] = field(default_factory=dict)
    genre_sources: list[str] = field(default_factory=list)
    hits: dict | None = None
    explanation: dict = field(default_factory=dict)
    fields_used: list[str] = field(default_factory=list)
    left_out: list[dict] = field(default_factory=list)
    effects_available: bool = False

    def to_dict(self) -> dict:
        """A JSON-ready dict (no NaN or infinity: unbounded ends become ``None``)."""
        def clean(obj):
            if isinstance(obj, dict):
                return {k: clean(v) for k, v in obj.items()}
            if isinstance(obj, list):
                return [clean(v) for v in obj]
            if isinstance(obj, float | np.floating):
                return float(obj) if math.isfinite(obj) else None
            return obj

        # ``clean`` builds new dicts and lists all the way down: no deep copy by ``asdict`` first
        return clean({f.name: getattr(self, f.name) for f in fields(self)})


def _as_product(model) -> ProductModel:
    if isinstance(model, ProductModel):
        return model
    if isinstance(model, BoxOfficeForecaster):
        return ProductModel(model)
    if isinstance(model, ForecasterStack):
        return ProductModel(model.forecaster_, predictor=model)
    if isinstance(model, str | Path):
        return load_product_model(model)
    raise InputError(f"model must be a model directory, a ProductModel or a BoxOfficeForecaster, "
                     f"got {type(model).__name__}")


def _intervals(product: ProductModel, log_pred: np.ndarray,
               features: pd.DataFrame) -> list[dict[str, dict]]:
    """``{"80": {"low", "high"}, "95": ...}`` in dollars for each film (empty without intervals)."""
    out = [{} for _ in log_pred]
    if product.intervals is None:
        return out
    for level in sorted(product.intervals.quantiles_):
        lo, hi = product.intervals.predict_interval(log_pred, level, features)
        name = f"{round(level * 100):d}"
        for i in range(len(log_pred)):
            out[i][name] = {"low": float(np.exp(lo[i])), "high": float(np.exp(hi[i]))}
    return out


INTERVAL_COLUMNS = ("low_80_usd", "high_80_usd", "low_95_usd", "high_95_usd")


def interval_columns(intervals: ConformalIntervals | AdaptiveIntervals | None,
                     log_pred: np.ndarray, features: pd.DataFrame) -> dict[str, np.ndarray]:
    """The batch table's interval columns in dollars (:data:`INTERVAL_COLUMNS`; NaN without
    calibrated ``intervals``, ``inf`` for an end too few calibration films could certify)."""
    out = {name: np.full(len(log_pred), np.nan) for name in INTERVAL_COLUMNS}
    if intervals is None:
        return out
    for level in (0.8, 0.95):
        if not any(abs(level - lv) < 1e-9 for lv in intervals.quantiles_):
            continue
        lo, hi = intervals.predict_interval(log_pred, level, features)
        tag = f"{round(level * 100)}"
        out[f"low_{tag}_usd"], out[f"high_{tag}_usd"] = np.exp(lo), np.exp(hi)
    return out


def forecast_film(model, film: dict | pd.DataFrame, *, top: int = 10, k: int = 5,
                  poster_image=None, n_hits: int = 5) -> FilmForecast:
    """Forecast one film given as a dict of the new-film format (see ``reelcast.forecast._input``).

    Parameters
    ----------
    model : str, Path, ProductModel or BoxOfficeForecaster
        A model directory (verified on load) or an already loaded model.
    film : dict or one-row DataFrame
        ``title`` and ``release_date`` are required; a frame must already be validated.
    top, k : int
        Number of contributions and comparables to return.
    poster_image : PIL image or RGB array, optional
        The decoded poster (already size-checked by the caller): used for genre probabilities.
    n_hits : int
        Number of nearest recent hits to return.
    """
    product = _as_product(model)
    if isinstance(film, dict):
        film = with_poster_marker(film, poster_image)
    frame = films_from_records([film], first_row=None) if isinstance(film, dict) else film
    if len(frame) != 1:
        raise InputError(f"forecast_film takes one film, got {len(frame)}")
    forecaster = product.forecaster
    # the poster's features feed only the genre model and take longer than all the rest: start
    # them first, on another thread (OpenCV releases the GIL while it works)
    poster = (None if poster_image is None or product.genres is None
              else _executor().submit(poster_vector, poster_image))
    # the feature table is the slow part: build it once for every output below
    X = forecaster.transform(frame)
    # TreeSHAP is the costliest step and LightGBM releases the GIL while it runs: most of its
    # trees go to the other core while this thread does comparables, rating, genres and hits,
    # and this thread takes the rest after them. With a poster the poster features keep the
    # other core busy for longer than all of this: splitting then only adds contention (idle
    # machine: 46.1 ms split against 41.1 ms whole), so TreeSHAP stays whole on its thread.
    shap = start_contributions(forecaster, frame, X, _executor().submit,
                               head_share=1.0 if poster is not None else None)
    comparables = ([] if product.comparables is None else
                   nearest_comparables(product.comparables, forecaster, frame, k=k, features=X))
    warnings = []
    if product.intervals is None:
        warnings.append("model has no calibrated intervals (run reelcast calibrate)")
    if product.comparables is None:
        warnings.append("model has no comparables table (run reelcast calibrate)")
    row = frame.iloc[0]
    rating = (None if product.rating is None
              else float(predict_rating(product.rating, X)[0]))
    genres, sources = _genres(product, row, poster_image, warnings, poster)
    hits = None if product.hits is None else film_hits(product.hits, frame, n=n_hits)
    explanation = explain_film(forecaster, frame, top=top, features=X, contrib=shap())
    log_pred = np.array([explanation["forecast_log"]])  # TreeSHAP sums exactly to the forecast
    adjustment = None
    if product.predictor is not None:  # a stack: its forecast, explained by the forecaster's
        log_pred = np.asarray(product.predictor.predict_features(X), float)[:1]
        adjustment = float(log_pred[0] - explanation["forecast_log"])
    budget = None if pd.isna(row["budget"]) else float(row["budget"])
    readable = grouped_explanation(explanation["phi"], explanation["columns"],
                                   explanation["baseline_log"], row, X.iloc[0],
                                   adjustment=adjustment)
    fields = field_report(supplied_fields(row), getattr(forecaster, "field_effects_", None))
    warnings.extend(sanity_notes(forecast_usd=float(np.exp(log_pred[0])), budget=budget,
                                 release_date=row["release_date"], comparables=comparables,
                                 training_end=training_end(product),
                                 budget_range=training_budgets(product)))
    return FilmForecast(
        title=str(row["title"]),
        release_date=pd.Timestamp(row["release_date"]).strftime("%Y-%m-%d"),
        budget=budget,
        revenue_usd=float(np.exp(log_pred[0])), log_revenue=float(log_pred[0]),
        intervals=_intervals(product, log_pred, X)[0], comparables=comparables,
        baseline_usd=explanation["baseline_usd"], contributions=explanation["contributions"],
        warnings=warnings, rating=rating, genres=genres, genre_sources=sources, hits=hits,
        explanation=readable, fields_used=fields["fields_used"], left_out=fields["left_out"],
        effects_available=fields["effects_available"],
    )


def with_poster_marker(record: dict, poster_image) -> dict:
    """The record with its poster field set when a poster image is given.

    Every entry point (CLI ``--poster``, ``/forecast/poster``, the page) passes the decoded
    image here, so the poster counts the same way everywhere: as a given poster for the revenue
    model and as pixels for the genre model.
    """
    if poster_image is None or record.get("poster"):
        return record
    return {**record, "poster": "upload:poster"}


def training_end(product: ProductModel):
    """The last release date the model's pool knows (``None`` when it has no comparables)."""
    pool = product.comparables
    if pool is None or not len(pool):
        return None
    # the pool never changes while it is served: its dates are parsed once, not per forecast
    return _per_object(pool, "training_end", lambda p: pd.to_datetime(p["release_date"]).max())


def training_budgets(product: ProductModel) -> tuple[float, float] | None:
    """The smallest and largest budget in the model's pool (``None`` without comparables)."""
    pool = product.comparables
    if pool is None or not len(pool) or "budget" not in pool:
        return None

    def extent(p):
        budget = pd.to_numeric(p["budget"], errors="coerce")
        budget = budget[budget > 0]
        return None if budget.empty else (float(budget.min()), float(budget.max()))

    return _per_object(pool, "training_budgets", extent)


_PER_OBJECT: dict[tuple[int, str], tuple[object, object]] = {}


def _per_object(obj, name: str, compute):
    """``compute(obj)``, computed once per object (by identity) and kept while it is cached.

    For state derived from a loaded model's read-only parts; a few entries at most (one model
    is served at a time), so the cache is simply emptied when it fills.
    """
    key = (id(obj), name)
    hit = _PER_OBJECT.get(key)
    if hit is not None and hit[0] is obj:  # a recycled id of a freed object never matches
        return hit[1]
    value = compute(obj)
    if len(_PER_OBJECT) >= 16:
        _PER_OBJECT.clear()
    _PER_OBJECT[key] = (obj, value)
    return value


@functools.cache
def _executor() -> ThreadPoolExecutor:
    # two: concurrent requests (the server's thread pool) need not queue behind one another
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="reelcast-shap")


def _genres(product: ProductModel, row: pd.Series, poster_image,
            warnings: list[str], poster=None) -> tuple[dict, list]:
    """Genre probabilities from whatever modality the film brings; none → no output.

    ``poster`` is the future of ``poster_vector(poster_image)`` when it was started earlier.
    """
    overview = row.get("overview")
    overview = overview if isinstance(overview, str) and overview.strip() else None
    if overview is None and poster_image is None:
        return {}, []
    if product.genres is None:
        warnings.append("model has no genre model; genre probabilities skipped")
        return {}, []
    vector = None
    if poster_image is not None:
        vector = poster.result() if poster is not None else poster_vector(poster_image)
        if vector is None:
            warnings.append("genres: poster features could not be computed; poster skipped")
    proba, used, notes = product.genres.predict(overview, vector)
    warnings.extend(notes)
    return proba, used


def forecast_batch(model, films: pd.DataFrame) -> list[dict]:
    """Point forecasts, intervals and predicted ratings (no explanations) for validated films."""
    product = _as_product(model)
    X = product.forecaster.transform(films)
    log_pred = (product.forecaster.predict_features(X, product.forecaster.routes(films))
                if product.predictor is None else product.predictor.predict_features(X))
    ratings = (predict_rating(product.rating, X) if product.rating is not None
               else [None] * len(films))
    effects = getattr(product.forecaster, "field_effects_", None)
    out = []
    for (_, row), pred, band, rating in zip(films.iterrows(), log_pred,
                                            _intervals(product, log_pred, X), ratings,
                                            strict=True):
        fields = field_report(supplied_fields(row), effects)
        out.append({"title": str(row["title"]),
                    "release_date": pd.Timestamp(row["release_date"]).strftime("%Y-%m-%d"),
                    "revenue_usd": float(np.exp(pred)), "log_revenue": float(pred),
                    "intervals": band, "rating": None if rating is None else float(rating),
                    "fields_used": fields["fields_used"], "left_out": fields["left_out"]})
    return out
