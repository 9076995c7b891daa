"""LightGBM defaults and search space (log revenue of a few thousand films, 2 cores)."""

DEFAULT_PARAMS: dict = {
    "n_estimators": 2000,
    "learning_rate": 0.03,
    "num_leaves": 31,
    "min_child_samples": 20,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "reg_lambda": 1.0,
    "early_stopping_rounds": 100,
}

SEARCH_SPACE: dict = {
    "learning_rate": ("logfloat", 0.01, 0.1),
    "num_leaves": ("int", 8, 128),
    "min_child_samples": ("int", 5, 60),
    "subsample": ("float", 0.5, 1.0),
    "colsample_bytree": ("float", 0.4, 1.0),
    "reg_lambda": ("logfloat", 0.01, 10.0),
}
