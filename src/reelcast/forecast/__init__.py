"""Models → forecasts: the box-office forecaster, its artifact format, and new-film input."""

from ._artifact import load_forecaster, read_manifest, save_forecaster
from ._forecaster import BoxOfficeForecaster

__all__ = ["BoxOfficeForecaster", "load_forecaster", "read_manifest", "save_forecaster"]
