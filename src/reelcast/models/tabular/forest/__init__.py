"""Forest family (RandomForest, ExtraTrees): wrappers, default parameters, search space."""

from ._model import ExtraTreesModel, RandomForestModel
from ._params import DEFAULT_PARAMS, SEARCH_SPACE

__all__ = ["ExtraTreesModel", "RandomForestModel", "DEFAULT_PARAMS", "SEARCH_SPACE"]
