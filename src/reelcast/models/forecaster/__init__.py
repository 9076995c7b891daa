"""The box-office forecaster: pre-release features → LightGBM on log worldwide revenue.

:class:`BoxOfficeForecaster` is the production model; :class:`ForecasterStack` puts the P-EL
stack on its feature table. Both save to (and load from) one verified model directory.
"""

from ._artifact import (
    FORECASTER_FORMAT,
    add_forecaster_files,
    load_forecaster,
    save_forecaster,
    verify_forecaster,
)
from ._estimator import BoxOfficeForecaster
from ._stack import MODEL_KINDS, ForecasterStack, load_any, model_kind, save_any

__all__ = [
    "FORECASTER_FORMAT",
    "MODEL_KINDS",
    "BoxOfficeForecaster",
    "ForecasterStack",
    "add_forecaster_files",
    "load_any",
    "load_forecaster",
    "model_kind",
    "save_any",
    "save_forecaster",
    "verify_forecaster",
]
