"""The P-EL stack: time-ordered multi-layer stacking, Caruana selection, rating pretraining.

>>> from reelcast.models.stack import StackedRegressor, PRESETS
>>> sorted(PRESETS)
['best', 'default', 'fast']
"""

from ...evaluation import TimeOrderedFolds  # public here before it moved to evaluation
from ._artifact import load_stack
from ._caruana import EnsembleSelection
from ._films import DIFFERENCE_COLUMNS, StackForecaster
from ._presets import PRESETS, PRETRAIN_MODES
from ._pretrain import RATING_PRIOR
from ._stacker import StackedRegressor

__all__ = [
    "DIFFERENCE_COLUMNS",
    "PRESETS",
    "PRETRAIN_MODES",
    "RATING_PRIOR",
    "EnsembleSelection",
    "StackForecaster",
    "StackedRegressor",
    "TimeOrderedFolds",
    "load_stack",
]
