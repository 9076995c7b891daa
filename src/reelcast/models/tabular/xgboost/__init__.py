"""XGBoost family: model wrapper, default parameters, search space."""

from ._model import XGBModel
from ._params import DEFAULT_PARAMS, SEARCH_SPACE

__all__ = ["XGBModel", "DEFAULT_PARAMS", "SEARCH_SPACE"]
