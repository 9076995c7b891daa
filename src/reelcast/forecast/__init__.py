"""Models → forecasts: one film or a table in, forecasts with intervals, explanations, rating,
genres and hits out; saved model directories; the evaluation report.

The forecaster itself lives with the models (:mod:`reelcast.models.forecaster`); it is named here
too because a forecast starts from it.
"""

from .._artifact import read_manifest
from ..models.forecaster import BoxOfficeForecaster, load_forecaster, save_forecaster
from ._explain import explain_film, feature_contributions, nearest_comparables
from ._intervals import ConformalIntervals, interval_coverage, temporal_interval_coverage
from ._one_film import FilmForecast, attach_product_files, forecast_film, load_product_model

__all__ = [
    "BoxOfficeForecaster",
    "ConformalIntervals",
    "FilmForecast",
    "attach_product_files",
    "explain_film",
    "feature_contributions",
    "forecast_film",
    "interval_coverage",
    "load_forecaster",
    "load_product_model",
    "nearest_comparables",
    "read_manifest",
    "save_forecaster",
    "temporal_interval_coverage",
]
