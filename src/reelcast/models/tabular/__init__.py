"""Tabular base models behind one registry: LightGBM, XGBoost, CatBoost, forests, a torch net.

Every model is a scikit-learn regressor that reads frames with NaNs and ``category`` columns,
saves itself in its library's native format (``save(dir)`` / ``load(dir)``, never pickle), and
— except the forests — continues training from a pretrained model (``fit(X, y, init_model=m)``).

>>> from reelcast.models.tabular import make_model, MODEL_REGISTRY
>>> sorted(MODEL_REGISTRY)
['catboost', 'extra_trees', 'lgbm', 'nn', 'rf', 'xgboost']
"""

from ._base import ModelNotFittedError, TabularModel, table_tags, validate_columns
from ._registry import (
    MODEL_REGISTRY,
    load_model,
    make_model,
    model_class,
    register_model,
    sample_params,
)
from .catboost import CatBoostModel
from .forest import ExtraTreesModel, RandomForestModel
from .lgbm import LGBMModel
from .nn import TabularNetModel
from .xgboost import XGBModel

__all__ = [
    "MODEL_REGISTRY",
    "ModelNotFittedError",
    "CatBoostModel",
    "ExtraTreesModel",
    "LGBMModel",
    "RandomForestModel",
    "TabularModel",
    "TabularNetModel",
    "XGBModel",
    "load_model",
    "make_model",
    "model_class",
    "register_model",
    "sample_params",
    "table_tags",
    "validate_columns",
]
