"""Torch tabular net family: model wrapper, network, training loop, defaults, search space."""

from ._model import TabularNetModel
from ._params import DEFAULT_PARAMS, SEARCH_SPACE

__all__ = ["TabularNetModel", "DEFAULT_PARAMS", "SEARCH_SPACE"]
