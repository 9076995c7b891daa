"""XGBoost defaults and search space."""

DEFAULT_PARAMS: dict = {
    "n_estimators": 2000,
    "learning_rate": 0.03,
    "max_depth": 6,
    "min_child_weight": 3.0,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "reg_lambda": 1.0,
    "early_stopping_rounds": 100,
}

SEARCH_SPACE: dict = {
    "learning_rate": ("logfloat", 0.01, 0.1),
    "max_depth": ("int", 3, 10),
    "min_child_weight": ("logfloat", 0.5, 20.0),
    "subsample": ("float", 0.5, 1.0),
    "colsample_bytree": ("float", 0.4, 1.0),
    "reg_lambda": ("logfloat", 0.01, 10.0),
}
