"""Scikit-learn estimators around the poster revenue network: from pixels, or from features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import validate_data

from ..._errors import InputError, SchemaError
from ..._estimator import check_fitted, store_params
from ..._io import atomic_file
from ...evaluation import validation_split
from ...vision import (
    ARCHITECTURES,
    check_image_size,
    find_local_weights,
    load_weights,
    normalize_pixels,
    poster_pixels,
    resnet,
)
from .._train_loop import TrainConfig, TrainResult, train
from ._model import PosterRevenueNet, RevenueHead

__all__ = ["PosterRevenueRegressor", "RevenueHeadRegressor"]

_TRAIN_FIELDS = ("lr", "weight_decay", "batch_size", "max_epochs", "patience", "plateau_factor",
                 "plateau_patience", "seed", "max_seconds", "max_steps_per_epoch")


def _train_config(est) -> TrainConfig:
    return TrainConfig(**{k: getattr(est, k) for k in _TRAIN_FIELDS if hasattr(est, k)})


def _check_revenue(y, n: int) -> np.ndarray:
    y = np.asarray(y, dtype=float).ravel()
    if len(y) != n:
        raise InputError(f"y has {len(y)} values for {n} rows")
    bad = np.flatnonzero(~np.isfinite(y) | (y <= 0))
    if len(bad):
        raise InputError(f"revenue must be a positive number; row {int(bad[0])} has {float(y[bad[0]])!r}")
    return y


class PosterRevenueRegressor(RegressorMixin, BaseEstimator):
    """The published poster-only box-office regressor (RESEARCH §3), trained on our posters.

    A ResNet backbone (ImageNet-normalised input) with :class:`RevenueHead`, MSE on log10(revenue),
    AdamW, ReduceLROnPlateau and early stopping on a held-out validation share of the fit rows.
    ``predict`` returns dollars; ``predict_log10`` the network output.

    Parameters
    ----------
    arch : {"resnet18", "resnet50"}, default "resnet18"
    weights : None, "random" or path
        Backbone weights (torchvision names); ``None`` uses a local ImageNet file when one exists,
        else a seeded random init (trained from scratch). Never downloaded.
    image_size : int or (height, width), default (96, 64)
        The published run used 224 px; small sizes keep CPU training feasible.
    root, column : where the posters are (see :class:`~reelcast.vision.PosterFeatures`).
    lr, weight_decay, batch_size, max_epochs, patience, plateau_factor, plateau_patience :
        As published: 2e-4, 1e-4, 32, 30, 7, 0.5, 2.
    validation_fraction : float, default 0.1
    augment : bool, default False
        Random horizontal flips while training (not in the published recipe).
    seed : int, default 0
    max_seconds : float, optional
        Stop after the epoch that exceeds this wall-clock budget.
    max_steps_per_epoch : int, optional
    cache_dir : path, optional
        Resized pixels cached by poster content hash.
    checkpoint_dir : path, optional
        Best-so-far checkpoint (safetensors + config JSON).
    show_progress : bool, default False

    Attributes
    ----------
    model_ : PosterRevenueNet
    train_result_ : TrainResult
    train_median_ : float
        Median revenue of the fit rows, for the above/below-median metric.
    n_skipped_ : int
        Fit rows dropped for want of a readable poster.
    """

    def __init__(self, arch="resnet18", weights=None, image_size=(96, 64), root=None,
                 column="poster_file", lr=2e-4, weight_decay=1e-4, batch_size=32, max_epochs=30,
                 patience=7, plateau_factor=0.5, plateau_patience=2, validation_fraction=0.1,
                 augment=False, seed=0, max_seconds=None, max_steps_per_epoch=None,
                 cache_dir=None, checkpoint_dir=None, show_progress=False):
        store_params(self, locals())

    def _pixels(self, X):
        if not isinstance(X, pd.DataFrame) or self.column not in X.columns:
            raise SchemaError(f"PosterRevenueRegressor expects a DataFrame with a {self.column!r} column")
        return poster_pixels(X[self.column].tolist(), root=self.root, image_size=self.image_size_,
                             cache_dir=self.cache_dir, show_progress=bool(self.show_progress))

    def fit(self, X, y):
        if self.arch not in ARCHITECTURES:
            raise InputError(f"The 'arch' parameter of PosterRevenueRegressor must be one of {sorted(ARCHITECTURES)}, got {self.arch!r}")
        self.image_size_ = check_image_size(self.image_size)
        config = _train_config(self)
        y = _check_revenue(y, len(X))
        batch = self._pixels(X)
        keep = batch.valid
        self.n_skipped_ = int((~keep).sum())
        if keep.sum() < 2:
            raise InputError(f"PosterRevenueRegressor needs at least 2 readable posters, got {int(keep.sum())}")
        pixels = torch.from_numpy(batch.pixels[keep])
        target = torch.tensor(np.log10(y[keep]), dtype=torch.float32)
        tr, va = validation_split(len(target), self.validation_fraction, self.seed)
        backbone = resnet(self.arch, num_classes=None, seed=self.seed)
        path = None if self.weights == "random" else (self.weights or find_local_weights(self.arch))
        if path is not None:
            load_weights(backbone, path)
        self.weights_source_ = str(path) if path is not None else f"random-init(seed={self.seed})"
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            model = PosterRevenueNet(backbone, backbone.out_features)
        with torch.no_grad():  # start at the mean: the first epochs need not learn the 7.5 offset
            model.head.layers[-1].bias.fill_(float(target[tr].mean()))
        augment = bool(self.augment)

        def loss_fn(net, b):
            px, t = b
            x = normalize_pixels(px)
            if augment and net.training:
                flip = torch.rand(len(x)) < 0.5
                x[flip] = x[flip].flip(-1)
            return F.mse_loss(net(x), t)

        self.train_result_: TrainResult = train(
            model, loss_fn, (pixels[tr], target[tr]), (pixels[va], target[va]), config,
            checkpoint_dir=self.checkpoint_dir, show_progress=bool(self.show_progress),
            extra_config={"estimator": "PosterRevenueRegressor", "params": self.get_params(),
                          "weights_source": self.weights_source_},
            description=f"poster→revenue {self.arch}",
        )
        self.model_ = model
        self.train_median_ = float(np.median(y[keep]))
        return self

    def predict_log10(self, X) -> np.ndarray:
        """Predicted log10(revenue); NaN where the poster is unreadable."""
        check_fitted(self, "model_")
        batch = self._pixels(X)
        out = np.full(len(X), np.nan)
        ok = np.flatnonzero(batch.valid)
        self.model_.eval()
        with torch.inference_mode():
            for start in range(0, len(ok), 256):
                rows = ok[start:start + 256]
                out[rows] = self.model_(normalize_pixels(batch.pixels[rows])).numpy()
        return out

    def predict(self, X) -> np.ndarray:
        """Predicted revenue in dollars; NaN where the poster is unreadable."""
        return 10.0 ** self.predict_log10(X)

    def export_backbone(self, path) -> None:
        """Save the trained backbone with torchvision names (loads into ``PosterEmbeddings``)."""
        from safetensors.torch import save

        check_fitted(self, "model_")
        state = {k: v.contiguous() for k, v in self.model_.backbone.state_dict().items()}
        with atomic_file(path, "wb") as fh:
            fh.write(save(state, metadata={"arch": self.arch}))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


class RevenueHeadRegressor(RegressorMixin, BaseEstimator):
    """The published regression head on numeric features (handcrafted poster features, embeddings).

    Features are standardised on the fit rows; missing values become the mean (0 after scaling).

    Parameters
    ----------
    target : {"log10", "identity"}, default "log10"
        ``"log10"``: ``y`` is revenue in dollars, the loss is on log10, ``predict`` gives dollars.
    lr, weight_decay, batch_size, max_epochs, patience, plateau_factor, plateau_patience,
    validation_fraction, seed, max_seconds, show_progress :
        As in :class:`PosterRevenueRegressor`.
    """

    def __init__(self, target="log10", lr=2e-4, weight_decay=1e-4, batch_size=32, max_epochs=30,
                 patience=7, plateau_factor=0.5, plateau_patience=2, validation_fraction=0.1,
                 seed=0, max_seconds=None, show_progress=False):
        store_params(self, locals())

    def fit(self, X, y):
        if self.target not in ("log10", "identity"):
            raise InputError(f"The 'target' parameter of RevenueHeadRegressor must be 'log10' or 'identity', got {self.target!r}")
        config = _train_config(self)
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", y_numeric=True,
                             dtype=np.float64)
        if self.target == "log10":
            y = np.log10(_check_revenue(y, len(X)))
        self.mean_ = np.nan_to_num(np.nanmean(np.where(np.isfinite(X), X, np.nan), axis=0)) if len(X) else 0
        std = np.nanstd(X, axis=0) if len(X) > 1 else np.ones(X.shape[1])
        self.scale_ = np.where(np.isfinite(std) & (std > 1e-12), std, 1.0)
        data = torch.tensor(self._scale(X), dtype=torch.float32)
        target = torch.tensor(np.asarray(y, dtype=float), dtype=torch.float32)
        tr, va = validation_split(len(target), self.validation_fraction, self.seed)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            model = RevenueHead(X.shape[1])
        with torch.no_grad():
            model.layers[-1].bias.fill_(float(target[tr].mean()))
        self.train_result_ = train(
            model, lambda net, b: F.mse_loss(net(b[0]), b[1]), (data[tr], target[tr]),
            (data[va], target[va]), config, show_progress=bool(self.show_progress),
            description="features→revenue",
        )
        # predictions in float64, so a row's prediction does not depend on its batch-mates
        # (float32 matrix kernels round differently for different batch sizes)
        self.model_ = model.double().eval()
        return self

    def _scale(self, X: np.ndarray) -> np.ndarray:
        return np.nan_to_num((X - self.mean_) / self.scale_, nan=0.0, posinf=0.0, neginf=0.0)

    def predict(self, X) -> np.ndarray:
        check_fitted(self, "model_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        with torch.inference_mode():
            out = self.model_(torch.tensor(self._scale(X), dtype=torch.float64)).numpy()
        return 10.0 ** out if self.target == "log10" else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
