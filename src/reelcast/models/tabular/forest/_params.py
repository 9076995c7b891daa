"""RandomForest / ExtraTrees defaults and search spaces."""

DEFAULT_PARAMS: dict = {
    "n_estimators": 300,
    "max_features": 0.5,
    "min_samples_leaf": 3,
    "max_depth": None,
}

SEARCH_SPACE: dict = {
    "max_features": ("float", 0.2, 1.0),
    "min_samples_leaf": ("int", 1, 20),
    "max_depth": ("choice", [None, 12, 20]),
}
