"""Models → forecasts: one film or a table in, forecasts with intervals, explanations, rating,
genres and hits out; saved model directories; new-film input; the evaluation report.

The forecaster itself lives with the models (:mod:`reelcast.models.forecaster`); it is named here
too because a forecast starts from it.
"""

from .._artifact import read_manifest
from ..models.forecaster import BoxOfficeForecaster, load_forecaster, save_forecaster
from ._explain import explain_film, feature_contributions, nearest_comparables
from ._fields import FIELD_LABELS, describe_left_out, field_report, supplied_fields
from ._genres import poster_vector
from ._input import INPUT_COLUMNS, films_from_records, read_new_films
from ._intervals import (
    ConformalIntervals,
    calibration_window,
    interval_coverage,
    load_intervals,
    temporal_interval_coverage,
)
from ._one_film import (
    INTERVAL_COLUMNS,
    FilmForecast,
    attach_product_files,
    forecast_batch,
    forecast_film,
    interval_columns,
    load_product_model,
)
from ._readable import money
from ._report import evaluation_report, render_report

__all__ = [
    "FIELD_LABELS",
    "INPUT_COLUMNS",
    "INTERVAL_COLUMNS",
    "BoxOfficeForecaster",
    "ConformalIntervals",
    "FilmForecast",
    "attach_product_files",
    "calibration_window",
    "describe_left_out",
    "evaluation_report",
    "explain_film",
    "feature_contributions",
    "field_report",
    "films_from_records",
    "forecast_batch",
    "forecast_film",
    "interval_columns",
    "interval_coverage",
    "load_forecaster",
    "load_intervals",
    "load_product_model",
    "money",
    "nearest_comparables",
    "poster_vector",
    "read_manifest",
    "read_new_films",
    "render_report",
    "save_forecaster",
    "supplied_fields",
    "temporal_interval_coverage",
]
