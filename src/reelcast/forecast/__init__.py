"""Models → forecasts: the box-office forecaster, its artifact format, and new-film input."""

from ._artifact import load_forecaster, read_manifest, save_forecaster
from ._explain import explain_film, feature_contributions, nearest_comparables
from ._forecaster import BoxOfficeForecaster
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
