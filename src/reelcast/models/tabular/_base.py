"""The contract every tabular base model follows: fit/predict on frames, native save/load, fine-tune.

A subclass implements four hooks over an already encoded float matrix (see ``TablePrep``):
``_train`` (one native training run, optionally with a validation set and a pretrained start),
``_predict_native``, ``_save_native`` and ``_load_native``. The base class does the rest:
input checks with sklearn's messages, target standardisation, early stopping on the *last* rows
of the given order (pass rows sorted by time so that the validation is the most recent period)
and an optional refit on all rows with the number of rounds early stopping found.

Targets are standardised inside the model (``y_mean_``, ``y_std_``). This is what makes
continued training across targets meaningful: a model pretrained on the rating predicts a rating
z-score, and fine-tuning on box office starts from that score as a z-score of log revenue.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_array, column_or_1d, validate_data

from ..._artifact import check_format, format_tag, read_json
from ..._errors import ArtifactError, InputError, SchemaError
from ..._estimator import ModelNotFittedError, check_fitted
from ..._io import atomic_dir, write_json
from ._prep import TablePrep, _as_numeric_array

__all__ = ["TabularModel", "ModelNotFittedError", "TABULAR_FORMAT", "table_tags",
           "validate_columns"]

TABULAR_FORMAT = format_tag("tabular-model", 1)
_MIN_VALIDATION_ROWS = 10


class TabularModel(RegressorMixin, BaseEstimator):
    """Base class of the registered tabular regressors (not used directly).

    Class attributes give the model identity: ``name`` (registry key), ``family``,
    ``rounds_param`` (the parameter counting boosting rounds or epochs, ``None`` when the model
    has none) and ``supports_init_model`` (whether ``fit(..., init_model=...)`` continues
    training a pretrained model of the same class).
    """

    name: ClassVar[str] = ""
    family: ClassVar[str] = ""
    rounds_param: ClassVar[str | None] = None
    supports_init_model: ClassVar[bool] = False
    default_params: ClassVar[dict] = {}
    search_space: ClassVar[dict] = {}

    # -- hooks ---------------------------------------------------------------------------------
    def _train(self, X, y, X_val, y_val, init, n_rounds=None):  # pragma: no cover - abstract
        """Return ``(native_model, rounds_used)``.

        ``init`` is a fitted model of this class to continue from (or ``None``); with a
        validation set the run stops early; ``n_rounds`` overrides the rounds parameter.
        """
        raise NotImplementedError

    def _predict_native(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _save_native(self, path: Path) -> dict:  # pragma: no cover - abstract
        """Write the native files into ``path``; return JSON-able extra state."""
        raise NotImplementedError

    def _load_native(self, path: Path, state: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- sklearn -------------------------------------------------------------------------------
    def __sklearn_tags__(self):
        return table_tags(super().__sklearn_tags__())

    def _check_y(self, y) -> np.ndarray:
        if y is None:
            raise InputError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        try:
            y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        return column_or_1d(y, warn=True)

    def _early_stopping(self) -> int | None:
        return getattr(self, "early_stopping_rounds", None)

    def fit(self, X, y, init_model: TabularModel | None = None):
        """Fit on ``X`` (frame or array, NaN allowed) and ``y``.

        Parameters
        ----------
        X : DataFrame or array of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        init_model : fitted model of the same class, optional
            Continue training from it (its column encoding is reused; the new target is
            standardised on its own). Only for classes with ``supports_init_model``.
        """
        X = _checked(X)
        validate_columns(self, X, reset=True)
        y = self._check_y(y)
        if init_model is not None:
            if not isinstance(init_model, type(self)):
                raise InputError(
                    f"The 'init_model' parameter of {type(self).__name__} must be a fitted "
                    f"{type(self).__name__}, got {type(init_model).__name__} instead."
                )
            if not self.supports_init_model:
                raise InputError(f"{type(self).__name__} cannot continue training (init_model).")
            init_model._check_fitted()
            self.prep_ = TablePrep.from_json(init_model.prep_.to_json())
        else:
            self.prep_ = TablePrep.learn(X)
        Xe = self.prep_.encode(X)
        if Xe.shape[0] != y.shape[0]:
            raise InputError(f"X has {Xe.shape[0]} rows but y has {y.shape[0]}.")
        if Xe.shape[0] < 2:
            raise InputError(f"X has {Xe.shape[0]} sample; at least 2 samples are needed.")
        self.y_mean_ = float(np.mean(y))
        self.y_std_ = float(np.std(y)) or 1.0
        z = (y - self.y_mean_) / self.y_std_

        n_val = int(round(len(z) * getattr(self, "validation_fraction", 0.0)))
        if self._early_stopping() and n_val >= _MIN_VALIDATION_ROWS and len(z) - n_val >= 2:
            cut = len(z) - n_val
            native, rounds = self._train(Xe[:cut], z[:cut], Xe[cut:], z[cut:], init_model)
            self.best_rounds_ = int(rounds)
            if getattr(self, "refit", False):
                native, rounds = self._train(Xe, z, None, None, init_model,
                                             n_rounds=self.best_rounds_)
        else:
            native, rounds = self._train(Xe, z, None, None, init_model)
            self.best_rounds_ = int(rounds)
        self.model_ = native
        self.n_rounds_ = int(rounds)
        return self

    def _check_fitted(self) -> None:
        check_fitted(self, "model_", "fit(X, y)")

    def predict(self, X) -> np.ndarray:
        """Predict the target for ``X`` (same columns as in ``fit``)."""
        self._check_fitted()
        X = _checked(X)
        validate_columns(self, X, reset=False)
        Xe = self.prep_.encode(X)
        return self._predict_native(Xe) * self.y_std_ + self.y_mean_

    # -- artifacts -----------------------------------------------------------------------------
    def save(self, path) -> Path:
        """Write ``model.json`` plus the family's native files to the directory ``path``."""
        path = Path(path)
        with atomic_dir(path) as tmp:
            self.save_into(tmp)
        return path

    def save_into(self, path: Path) -> None:
        """Write into an existing directory (used by ``save`` and by the stack's artifact)."""
        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        extra = self._save_native(path)
        state = {
            "format": TABULAR_FORMAT,
            "model": self.name,
            "class": type(self).__name__,
            "params": self.get_params(),
            "prep": self.prep_.to_json(),
            "y_mean": self.y_mean_,
            "y_std": self.y_std_,
            "n_rounds": self.n_rounds_,
            "best_rounds": self.best_rounds_,
            "n_features_in": int(self.n_features_in_),
            "feature_names_in": (
                [str(c) for c in self.feature_names_in_]
                if hasattr(self, "feature_names_in_") else None
            ),
            "native": extra,
        }
        write_json(path / "model.json", state)

    @classmethod
    def load(cls, path) -> TabularModel:
        """Rebuild a fitted model from ``save``'s directory (no pickle)."""
        path = Path(path)
        state = read_model_json(path)
        if state["class"] != cls.__name__:
            raise ArtifactError(
                f"{path} holds a {state['class']}, not a {cls.__name__}; use load_model(path)."
            )
        params = {k: tuple(v) if isinstance(v, list) else v for k, v in state["params"].items()}
        model = cls(**params)
        model.prep_ = TablePrep.from_json(state["prep"])
        model.y_mean_ = float(state["y_mean"])
        model.y_std_ = float(state["y_std"])
        model.n_rounds_ = int(state["n_rounds"])
        model.best_rounds_ = int(state["best_rounds"])
        model.n_features_in_ = int(state["n_features_in"])
        if state["feature_names_in"] is not None:
            model.feature_names_in_ = np.asarray(state["feature_names_in"], dtype=object)
        model._load_native(path, state["native"])
        return model


def table_tags(tags):
    """sklearn tags of a regressor on a table: NaNs and ``category`` columns are read as is."""
    tags.input_tags.allow_nan = True
    tags.input_tags.categorical = True
    return tags


def validate_columns(estimator, X, reset: bool) -> None:
    """sklearn's feature-count and feature-name checks, as a one-line ``SchemaError``."""
    try:
        validate_data(estimator, X, reset=reset, skip_check_array=True)
    except ValueError as exc:
        lines = [line.strip(" -") for line in str(exc).splitlines() if line.strip()]
        raise SchemaError("; ".join(lines)) from exc


def _checked(X):
    """Arrays get sklearn's shape and dtype checks first; frames keep their column kinds."""
    return X if isinstance(X, pd.DataFrame) else _as_numeric_array(X)


def read_model_json(path: Path) -> dict:
    file = Path(path) / "model.json"
    state = read_json(file, "a saved model")
    check_format(state, TABULAR_FORMAT, file, legacy=[1])  # 1: "format_version" before the tags
    return state
