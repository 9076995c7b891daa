"""Tabular net defaults and search space."""

DEFAULT_PARAMS: dict = {
    "hidden_sizes": (256, 128),
    "dropout": 0.1,
    "learning_rate": 1e-3,
    "weight_decay": 1e-4,
    "batch_size": 256,
    "max_epochs": 200,
    "early_stopping_rounds": 15,
}

SEARCH_SPACE: dict = {
    "hidden_sizes": ("choice", [(128,), (256, 128), (512, 256), (256, 256, 128)]),
    "dropout": ("float", 0.0, 0.4),
    "learning_rate": ("logfloat", 3e-4, 3e-3),
    "weight_decay": ("logfloat", 1e-6, 1e-3),
    "batch_size": ("choice", [128, 256, 512]),
}
