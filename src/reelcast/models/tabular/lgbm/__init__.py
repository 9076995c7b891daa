"""LightGBM family: model wrapper, default parameters, search space."""

from ._model import LGBMModel
from ._params import DEFAULT_PARAMS, SEARCH_SPACE

__all__ = ["LGBMModel", "DEFAULT_PARAMS", "SEARCH_SPACE"]
