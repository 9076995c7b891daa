"""CatBoost defaults and search space."""

DEFAULT_PARAMS: dict = {
    "n_estimators": 1500,
    "learning_rate": 0.05,
    "depth": 6,
    "l2_leaf_reg": 3.0,
    "early_stopping_rounds": 100,
}

SEARCH_SPACE: dict = {
    "learning_rate": ("logfloat", 0.02, 0.15),
    "depth": ("int", 4, 8),
    "l2_leaf_reg": ("logfloat", 1.0, 10.0),
}
