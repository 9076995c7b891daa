"""One film in, one actionable forecast out: point, 80%/95% intervals, comparables, explanation."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError
from ._artifact import load_forecaster, read_manifest
from ._explain import explain_film, load_comparables, nearest_comparables, save_comparables
from ._forecaster import BoxOfficeForecaster
from ._input import films_from_records
from ._intervals import (
    ConformalIntervals,
    _without_attrs,
    calibrate_intervals,
    load_intervals,
    save_intervals,
)

__all__ = ["FilmForecast", "ProductModel", "attach_product_files", "forecast_batch",
           "forecast_film", "load_product_model"]


@dataclass(frozen=True)
class ProductModel:
    """A loaded forecaster with what the product needs beside it (all optional but the model)."""

    forecaster: BoxOfficeForecaster
    intervals: ConformalIntervals | None = None
    comparables: pd.DataFrame | None = None
    manifest: dict = field(default_factory=dict)


def load_product_model(model_dir: str | Path) -> ProductModel:
    """Load a model directory, refusing it unless every manifest hash verifies."""
    forecaster = load_forecaster(model_dir)  # verifies intervals.json/comparables too
    return ProductModel(forecaster, load_intervals(model_dir), load_comparables(model_dir),
                        read_manifest(model_dir))


def attach_product_files(model_dir: str | Path, films: pd.DataFrame, *,
                         calib_start: str = "2012-01-01", calib_end: str = "2014-01-01") -> dict:
    """Calibrate intervals and save the comparables pool into a saved model directory.

    The calibration model has the saved forecaster's parameters and is trained on ``films``
    before ``calib_start``. Returns the calibration info.
    """
    films = _without_attrs(films)
    model = load_forecaster(model_dir)
    params = model.get_params()
    intervals, info = calibrate_intervals(
        films, lambda: BoxOfficeForecaster(**params), calib_start=calib_start,
        calib_end=calib_end)
    save_intervals(model_dir, intervals, info)
    save_comparables(model_dir, model, films)
    return {**info, "quantiles_log": {str(k): v for k, v in intervals.quantiles_.items()}}


@dataclass
class FilmForecast:
    """The forecast for one film, in dollars and log dollars.

    ``intervals`` maps a level name (``"80"``, ``"95"``) to ``{"low", "high"}`` in dollars.
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

        return clean(asdict(self))


def _as_product(model) -> ProductModel:
    if isinstance(model, ProductModel):
        return model
    if isinstance(model, BoxOfficeForecaster):
        return ProductModel(model)
    if isinstance(model, str | Path):
        return load_product_model(model)
    raise InputError(f"model must be a model directory, a ProductModel or a BoxOfficeForecaster, "
                     f"got {type(model).__name__}")


def _intervals(product: ProductModel, log_pred: np.ndarray) -> list[dict[str, dict]]:
    out = [{} for _ in log_pred]
    if product.intervals is None:
        return out
    for level in sorted(product.intervals.quantiles_):
        lo, hi = product.intervals.predict_interval(log_pred, level)
        name = f"{round(level * 100):d}"
        for i in range(len(log_pred)):
            out[i][name] = {"low": float(np.exp(lo[i])), "high": float(np.exp(hi[i]))}
    return out


def forecast_film(model, film: dict | pd.DataFrame, *, top: int = 10, k: int = 5) -> FilmForecast:
    """Forecast one film given as a dict of the new-film format (see ``reelcast.forecast._input``).

    Parameters
    ----------
    model : str, Path, ProductModel or BoxOfficeForecaster
        A model directory (verified on load) or an already loaded model.
    film : dict or one-row DataFrame
        ``title`` and ``release_date`` are required; a frame must already be validated.
    top, k : int
        Number of contributions and comparables to return.
    """
    product = _as_product(model)
    frame = films_from_records([film], first_row=None) if isinstance(film, dict) else film
    if len(frame) != 1:
        raise InputError(f"forecast_film takes one film, got {len(frame)}")
    forecaster = product.forecaster
    # the feature table is the slow part: build it once for forecast, explanation, comparables
    X = forecaster.transform(frame)
    explanation = explain_film(forecaster, frame, top=top, features=X)
    log_pred = np.array([explanation["forecast_log"]])  # TreeSHAP sums exactly to the forecast
    comparables = ([] if product.comparables is None else
                   nearest_comparables(product.comparables, forecaster, frame, k=k, features=X))
    warnings = []
    if product.intervals is None:
        warnings.append("model has no calibrated intervals (run reelcast calibrate)")
    if product.comparables is None:
        warnings.append("model has no comparables table (run reelcast calibrate)")
    row = frame.iloc[0]
    budget = row["budget"]
    return FilmForecast(
        title=str(row["title"]),
        release_date=pd.Timestamp(row["release_date"]).strftime("%Y-%m-%d"),
        budget=None if pd.isna(budget) else float(budget),
        revenue_usd=float(np.exp(log_pred[0])), log_revenue=float(log_pred[0]),
        intervals=_intervals(product, log_pred)[0], comparables=comparables,
        baseline_usd=explanation["baseline_usd"], contributions=explanation["contributions"],
        warnings=warnings,
    )


def forecast_batch(model, films: pd.DataFrame) -> list[dict]:
    """Point forecasts and intervals (no explanations) for validated new films."""
    product = _as_product(model)
    log_pred = product.forecaster.predict(films)
    out = []
    for (_, row), pred, band in zip(films.iterrows(), log_pred, _intervals(product, log_pred),
                                    strict=True):
        out.append({"title": str(row["title"]),
                    "release_date": pd.Timestamp(row["release_date"]).strftime("%Y-%m-%d"),
                    "revenue_usd": float(np.exp(pred)), "log_revenue": float(pred),
                    "intervals": band})
    return out
