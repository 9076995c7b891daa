"""CatBoost family: model wrapper, default parameters, search space."""

from ._model import CatBoostModel
from ._params import DEFAULT_PARAMS, SEARCH_SPACE

__all__ = ["CatBoostModel", "DEFAULT_PARAMS", "SEARCH_SPACE"]
