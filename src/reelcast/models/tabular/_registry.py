"""One registry for the tabular base models: name → class, defaults, search space, loading.

Search spaces are plain dicts ``param -> spec`` where a spec is ``("int", low, high)``,
``("float", low, high)``, ``("logfloat", low, high)`` or ``("choice", [values])``;
``sample_params`` draws one configuration from them (the stack's ``best`` preset uses a few
drawn configurations per family, the way AutoGluon adds hyperparameter variants).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..._errors import ArtifactError, InputError
from ._base import TabularModel, read_model_json

__all__ = [
    "MODEL_REGISTRY",
    "register_model",
    "model_class",
    "make_model",
    "load_model",
    "sample_params",
]

MODEL_REGISTRY: dict[str, type[TabularModel]] = {}


def register_model(cls: type[TabularModel]) -> type[TabularModel]:
    """Class decorator: make ``cls`` reachable by its ``name``."""
    if not cls.name:
        raise TypeError(f"{cls.__name__} has no registry name")
    MODEL_REGISTRY[cls.name] = cls
    return cls


def model_class(name: str) -> type[TabularModel]:
    try:
        return MODEL_REGISTRY[name]
    except KeyError:
        raise InputError(
            f"The 'model' parameter must be one of {sorted(MODEL_REGISTRY)}, got {name!r} instead."
        ) from None


def make_model(name: str, **params) -> TabularModel:
    """Instantiate a registered model; unknown parameters raise ``InputError``."""
    cls = model_class(name)
    valid = cls().get_params()
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise InputError(
            f"{cls.__name__} has no parameter(s) {unknown}; valid: {sorted(valid)}"
        )
    return cls(**params)


def load_model(path) -> TabularModel:
    """Load any saved base model; ``model.json`` names its class."""
    state = read_model_json(Path(path))
    if state.get("model") not in MODEL_REGISTRY:
        raise ArtifactError(f"{path}: unknown model {state.get('model')!r}")
    return MODEL_REGISTRY[state["model"]].load(path)


def sample_params(name: str, random_state: int | np.random.Generator | None = None) -> dict:
    """Draw one configuration from the family's ``search_space``."""
    cls = model_class(name)
    rng = np.random.default_rng(random_state)
    out = {}
    for param, spec in cls.search_space.items():
        kind = spec[0]
        if kind == "int":
            out[param] = int(rng.integers(spec[1], spec[2] + 1))
        elif kind == "float":
            out[param] = float(rng.uniform(spec[1], spec[2]))
        elif kind == "logfloat":
            out[param] = float(np.exp(rng.uniform(np.log(spec[1]), np.log(spec[2]))))
        elif kind == "choice":
            values = spec[1]
            out[param] = values[int(rng.integers(len(values)))]
        else:  # pragma: no cover - a programming error in a _params module
            raise ValueError(f"unknown search-space kind {kind!r} for {name}.{param}")
    return out
