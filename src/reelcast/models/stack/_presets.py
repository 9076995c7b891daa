"""Named stack configurations, as plain dicts (explicit ``StackedRegressor`` arguments win).

``models`` lists ``(registry name, params)`` pairs; every layer uses the same list (as in P-EL).
``pretrain_mode`` applies only when ``fit`` receives ``pretrain=(X_rating, y_rating)``.
"""

from __future__ import annotations

__all__ = ["PRESETS", "PRETRAIN_MODES"]

PRETRAIN_MODES = ("none", "continue", "prior", "both")

_FAST_GBM = {"learning_rate": 0.06, "early_stopping_rounds": 50}

PRESETS: dict[str, dict] = {
    # seconds on a few thousand films: two boosted models and a forest, one layer
    "fast": {
        "n_layers": 1,
        "n_folds": 3,
        "min_train_fraction": 0.4,
        "models": [
            ("lgbm", _FAST_GBM),
            ("xgboost", _FAST_GBM),
            ("rf", {"n_estimators": 150}),
        ],
        "ensemble_iterations": 25,
        "pretrain_mode": "prior",
        "prior_model": ("lgbm", _FAST_GBM),
    },
    # P-EL's five families in each of two layers
    "default": {
        "n_layers": 2,
        "n_folds": 4,
        "min_train_fraction": 0.3,
        "models": [
            ("catboost", {"learning_rate": 0.06, "n_estimators": 1000}),
            ("rf", {}),
            ("lgbm", {}),
            ("xgboost", {}),
            ("nn", {}),
        ],
        "ensemble_iterations": 50,
        "pretrain_mode": "both",
        "prior_model": ("lgbm", {}),
    },
    # more folds, extra trees and a second configuration of the strongest families
    "best": {
        "n_layers": 2,
        "n_folds": 5,
        "min_train_fraction": 0.3,
        "models": [
            ("catboost", {"learning_rate": 0.04}),
            ("catboost", {"learning_rate": 0.04, "depth": 8, "l2_leaf_reg": 6.0}),
            ("rf", {"n_estimators": 500}),
            ("extra_trees", {"n_estimators": 500, "max_features": 0.7}),
            ("lgbm", {"learning_rate": 0.02}),
            ("lgbm", {"learning_rate": 0.02, "num_leaves": 15, "colsample_bytree": 0.5,
                      "min_child_samples": 40}),
            ("xgboost", {"learning_rate": 0.02}),
            ("nn", {}),
            ("nn", {"hidden_sizes": (512, 256), "dropout": 0.3}),
        ],
        "ensemble_iterations": 100,
        "pretrain_mode": "both",
        "prior_model": ("lgbm", {"learning_rate": 0.02}),
    },
}
