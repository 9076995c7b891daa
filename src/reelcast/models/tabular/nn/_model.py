"""A torch tabular net behind the tabular contract: warm starts, safetensors weights."""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...._errors import ArtifactError, require
from ...._estimator import store_params
from ..._train_loop import TrainConfig, torch_threads, train
from .._base import TabularModel
from .._registry import register_model
from ._params import DEFAULT_PARAMS, SEARCH_SPACE

__all__ = ["TabularNetModel"]

_P = DEFAULT_PARAMS
_CLIP = 10.0  # standardised inputs beyond ±10 sd are clipped: one wild budget must not dominate


@dataclass
class _Bundle:
    """The fitted net with the numeric scaling it was trained with."""

    net: object
    num_mean: np.ndarray
    num_std: np.ndarray
    nan_cols: list[int]  # numeric columns (positions in the numeric block) with an indicator
    config: dict

    @functools.cached_property
    def net64(self):
        """The net in float64 for predictions, made once: float32 matmuls round differently
        with the batch's size, and a film's forecast must not depend on the films beside it."""
        return copy.deepcopy(self.net).double().eval()


@register_model
class TabularNetModel(TabularModel):
    """MLP over standardised numerics, missing indicators and categorical embeddings.

    Parameters
    ----------
    hidden_sizes : tuple of int
        Widths of the hidden layers.
    dropout, learning_rate, weight_decay, batch_size
        Training settings (AdamW, MSE on the standardised target).
    max_epochs : int
        Most epochs.
    early_stopping_rounds : int or None
        Patience in epochs on the last ``validation_fraction`` of the rows.
    validation_fraction : float
    refit : bool
        After early stopping, retrain on all rows for the best number of epochs.
    finetune_lr_factor : float
        Learning-rate multiplier when continuing from ``init_model`` (warm start).
    random_state, n_jobs : int
        Seed (training is deterministic on CPU) and torch threads.

    Notes
    -----
    Numerics are standardised with the training mean and sd; NaN becomes 0 plus a 0/1
    indicator column (for columns with NaNs in training). Categorical codes index embeddings
    whose row 0 means missing or unseen. ``fit(X, y, init_model=pretrained)`` starts from the
    pretrained weights and scaling and trains with ``learning_rate * finetune_lr_factor``.
    Saved as ``model.safetensors`` plus ``net.json`` (architecture).
    """

    name = "nn"
    family = "torch"
    rounds_param = "max_epochs"
    supports_init_model = True
    default_params = DEFAULT_PARAMS
    search_space = SEARCH_SPACE

    def __init__(
        self,
        hidden_sizes: tuple = _P["hidden_sizes"],
        dropout: float = _P["dropout"],
        learning_rate: float = _P["learning_rate"],
        weight_decay: float = _P["weight_decay"],
        batch_size: int = _P["batch_size"],
        max_epochs: int = _P["max_epochs"],
        early_stopping_rounds: int | None = _P["early_stopping_rounds"],
        validation_fraction: float = 0.1,
        refit: bool = True,
        finetune_lr_factor: float = 0.3,
        random_state: int = 0,
        n_jobs: int = 2,
    ):
        store_params(self, locals())

    # -- tensors -------------------------------------------------------------------------------
    def _tensors(self, X: np.ndarray, bundle: _Bundle, y=None):
        torch = require("torch", "ensemble")
        cat = np.asarray(self.prep_.categorical, dtype=bool)
        num = X[:, ~cat]
        z = (num - bundle.num_mean) / bundle.num_std
        missing = np.isnan(z)
        z = np.clip(np.where(missing, 0.0, z), -_CLIP, _CLIP)
        numeric = np.hstack([z, missing[:, bundle.nan_cols].astype(np.float64)])
        codes = np.where(np.isnan(X[:, cat]), 0, X[:, cat] + 1).astype(np.int64)
        out = (torch.as_tensor(numeric, dtype=torch.float32), torch.as_tensor(codes))
        if y is not None:
            out += (torch.as_tensor(y, dtype=torch.float32),)
        return out

    def _new_bundle(self, X: np.ndarray) -> _Bundle:
        torch = require("torch", "ensemble")
        cat = np.asarray(self.prep_.categorical, dtype=bool)
        num = X[:, ~cat]
        mean = np.zeros(num.shape[1])
        std = np.ones(num.shape[1])
        seen = ~np.all(np.isnan(num), axis=0)
        if seen.any():
            mean[seen] = np.nanmean(num[:, seen], axis=0)
            std[seen] = np.nanstd(num[:, seen], axis=0)
        std[~(std > 0)] = 1.0
        nan_cols = [int(j) for j in np.where(np.isnan(num).any(axis=0))[0]]
        config = {
            "n_numeric": int(num.shape[1] + len(nan_cols)),
            "cardinalities": self.prep_.cardinalities,
            "hidden_sizes": [int(h) for h in self.hidden_sizes],
            "dropout": float(self.dropout),
        }
        torch.manual_seed(self.random_state)
        return _Bundle(self._build(config), mean, std, nan_cols, config)

    @staticmethod
    def _build(config: dict):
        from ._net import TabularNet

        return TabularNet(config["n_numeric"], config["cardinalities"],
                          tuple(config["hidden_sizes"]), config["dropout"])

    # -- hooks ---------------------------------------------------------------------------------
    def _train(self, X, y, X_val, y_val, init, n_rounds=None):
        require("torch", "ensemble")
        with torch_threads(self.n_jobs):
            if init is None:
                bundle = self._new_bundle(X)
                lr = self.learning_rate
            else:  # warm start: same architecture, weights and scaling as the pretrained net
                src = init.model_
                bundle = _Bundle(self._build(src.config), src.num_mean, src.num_std,
                                 list(src.nan_cols), dict(src.config))
                bundle.net.load_state_dict(src.net.state_dict())
                lr = self.learning_rate * self.finetune_lr_factor
            valid = None if X_val is None else self._tensors(X_val, bundle, y_val)
            epochs = int(self.max_epochs if n_rounds is None else max(1, n_rounds))
            config = TrainConfig(
                lr=lr, weight_decay=self.weight_decay, batch_size=int(self.batch_size),
                max_epochs=epochs, patience=int(self.early_stopping_rounds or epochs),
                schedule="constant", seed=int(self.random_state))
            result = train(bundle.net, _mse, self._tensors(X, bundle, y), valid, config)
        return bundle, result.best_epoch + 1  # epochs whose weights the net ends with

    def _predict_native(self, X: np.ndarray) -> np.ndarray:
        with torch_threads(self.n_jobs):
            return _predict(self.model_.net64, *self._tensors(X, self.model_))

    def _save_native(self, path: Path) -> dict:
        torch = require("torch", "ensemble")
        st = require("safetensors.torch", "ensemble")
        bundle = self.model_
        tensors = {f"net.{k}": v.contiguous() for k, v in bundle.net.state_dict().items()}
        tensors["num_mean"] = torch.as_tensor(bundle.num_mean, dtype=torch.float64)
        tensors["num_std"] = torch.as_tensor(bundle.num_std, dtype=torch.float64)
        st.save_file(tensors, str(path / "model.safetensors"))
        (path / "net.json").write_text(json.dumps(
            {"config": bundle.config, "nan_cols": bundle.nan_cols}, indent=2))
        return {"weights": "model.safetensors", "config": "net.json"}

    def _load_native(self, path: Path, state: dict) -> None:
        st = require("safetensors.torch", "ensemble")
        try:
            meta = json.loads((path / state["config"]).read_text())
            tensors = st.load_file(str(path / state["weights"]))
        except (OSError, ValueError) as exc:
            raise ArtifactError(f"{path}: cannot read the net files: {exc}") from exc
        net = self._build(meta["config"])
        net.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("net.")})
        net.eval()
        self.model_ = _Bundle(net, tensors["num_mean"].numpy(), tensors["num_std"].numpy(),
                              list(meta["nan_cols"]), meta["config"])


def _mse(net, batch) -> object:
    numeric, codes, y = batch
    return ((net(numeric, codes) - y) ** 2).mean()


def _predict(net64, numeric, codes, batch_size: int = 4096) -> np.ndarray:
    torch = require("torch", "ensemble")
    numeric = numeric.double()
    with torch.no_grad():
        parts = [net64(numeric[i:i + batch_size], codes[i:i + batch_size]).numpy()
                 for i in range(0, len(numeric), batch_size)]
    return np.concatenate(parts) if parts else np.zeros(0)
