"""Stack artifacts: ``stack.json`` (structure, weights, config) + one native directory per model.

::

    <dir>/stack.json
    <dir>/prior/            the rating-prior model, when the stack has one
    <dir>/layer1/<model>/   model.json + LightGBM .txt / XGBoost .ubj / CatBoost .cbm /
    <dir>/layer2/<model>/   trees.npz / model.safetensors — never a pickle

Written through ``atomic_dir``: an interrupted save leaves the previous artifact untouched.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..._artifact import check_format, format_tag, read_json
from ..._errors import ArtifactError
from ..._io import atomic_dir, write_json
from ..tabular import TabularModel, load_model
from ._caruana import EnsembleSelection

__all__ = ["save_stack", "load_stack", "STACK_FORMAT"]

STACK_FORMAT = format_tag("stack", 1)


def _jsonable(value):
    if isinstance(value, TabularModel):
        return [value.name, value.get_params()]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "fit"):
        raise ArtifactError(f"cannot save a stack holding a {type(value).__name__}: only "
                            "registered reelcast models have a native format")
    return value


def save_stack(stack, path) -> Path:
    stack._check_fitted()
    path = Path(path)
    with atomic_dir(path) as tmp:
        layers = []
        for i, fitted in enumerate(stack.layers_, start=1):
            names = []
            for name, model in fitted:
                if not isinstance(model, TabularModel):
                    raise ArtifactError(f"cannot save base model {name!r} "
                                        f"({type(model).__name__}): not a reelcast model")
                model.save_into(tmp / f"layer{i}" / name)
                names.append(name)
            layers.append(names)
        if stack.prior_model_ is not None:
            stack.prior_model_.save_into(tmp / "prior")
        write_json(tmp / "stack.json", {
            "format": STACK_FORMAT,
            "class": "StackedRegressor",
            "params": _jsonable(stack.get_params()),
            "config": _jsonable(stack.config_),
            "columns": stack.columns_,
            "feature_names_in": (
                [str(c) for c in stack.feature_names_in_]
                if hasattr(stack, "feature_names_in_") else None
            ),
            "n_features_in": int(stack.n_features_in_),
            "time_column": stack.time_column_,
            "pretrain_mode": stack.pretrain_mode_,
            "layers": layers,
            "layer_columns": stack.layer_columns_,
            "ensemble": {
                "n_iterations": int(stack.ensemble_.n_iterations),
                "counts": [int(c) for c in stack.ensemble_.counts_],
                "weights": [float(w) for w in stack.ensemble_.weights_],
            },
            "prior": stack.prior_model_ is not None,
        })
    return path


def load_stack(path):
    from ._stacker import StackedRegressor

    path = Path(path)
    file = path / "stack.json"
    state = read_json(file, "a saved stack")
    check_format(state, STACK_FORMAT, file, legacy=[1])  # 1: "format_version" before the tags
    stack = StackedRegressor(**state["params"])
    stack.config_ = state["config"]
    stack.columns_ = list(state["columns"])
    if state["feature_names_in"] is not None:
        stack.feature_names_in_ = np.asarray(state["feature_names_in"], dtype=object)
    stack.n_features_in_ = int(state["n_features_in"])
    stack.time_column_ = state["time_column"]
    stack.pretrain_mode_ = state["pretrain_mode"]
    stack.layers_ = [[(name, load_model(path / f"layer{i}" / name)) for name in names]
                     for i, names in enumerate(state["layers"], start=1)]
    stack.layer_columns_ = state["layer_columns"]
    stack.model_names_ = list(state["layers"][0])
    stack.prior_model_ = load_model(path / "prior") if state["prior"] else None
    ensemble = EnsembleSelection(state["ensemble"]["n_iterations"])
    ensemble.counts_ = np.asarray(state["ensemble"]["counts"], dtype=np.int64)
    ensemble.weights_ = np.asarray(state["ensemble"]["weights"], dtype=np.float64)
    if len(ensemble.weights_) != len(stack.layers_[-1]):
        raise ArtifactError(f"{file}: {len(ensemble.weights_)} ensemble weights for "
                            f"{len(stack.layers_[-1])} last-layer models")
    stack.ensemble_ = ensemble
    return stack
