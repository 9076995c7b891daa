"""The published poster regressor with a pretrained EfficientNet-Lite whose top blocks are tuned.

Fine-tuning the whole network at 224 px is hours of CPU per epoch; the lower blocks of an
ImageNet network are generic edge and texture detectors, so reelcast freezes them, caches their
output once per poster (the "trunk", float16, by content hash) and trains only the top MBConv
blocks, the head convolution and the published regression head from it: an epoch over 4,000
posters then takes about a minute on one CPU core.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, RegressorMixin, clone
from torch import nn

from ..._errors import InputError
from ..._estimator import check_fitted, store_params
from ...evaluation import validation_split
from .._train_loop import TrainResult, train
from ._estimator import _check_revenue, _train_config
from ._model import RevenueHead

__all__ = ["TopBlocksRevenueRegressor"]


class _TunedNet(nn.Module):
    def __init__(self, top: nn.Module, scale: torch.Tensor) -> None:
        super().__init__()
        self.top = top
        # the pooled ReLU6 features are standardised by fixed training statistics (saved buffers)
        self.register_buffer("mean", scale[0])
        self.register_buffer("std", scale[1])
        self.head = RevenueHead(top.out_dim)

    def forward(self, trunk: torch.Tensor) -> torch.Tensor:
        return self.head((self.top(trunk) - self.mean) / self.std)


class TopBlocksRevenueRegressor(RegressorMixin, BaseEstimator):
    """Log10 revenue from posters: frozen trunk, fine-tuned top blocks + the published head.

    Parameters
    ----------
    encoder : PretrainedPosterEncoder
        With ``trunk_block`` set: where the tuned blocks start. Cloned and fitted in ``fit``; its
        ``cache_dir`` caches the trunk activations.
    lr, weight_decay, batch_size, max_epochs, patience, plateau_factor, plateau_patience :
        Training as published (AdamW 2e-4, 1e-4, 32, 30, 7, 0.5, 2), over the tuned blocks and
        the head together.
    validation_fraction : float, default 0.1
    seed : int, default 0
    max_seconds : float, optional
        Wall-clock budget (checked after each epoch).
    max_steps_per_epoch : int, optional
        Mini-batches per epoch (a random subset each epoch): shorter epochs let the budget and
        early stopping act more often on a slow machine.
    show_progress : bool, default False

    Attributes
    ----------
    encoder_ : PretrainedPosterEncoder
    model_ : nn.Module
    train_result_ : TrainResult
    train_median_ : float
    n_skipped_ : int
        Fit rows without a readable poster.
    """

    def __init__(self, encoder=None, lr=2e-4, weight_decay=1e-4, batch_size=32, max_epochs=30,
                 patience=7, plateau_factor=0.5, plateau_patience=2, validation_fraction=0.1,
                 seed=0, max_seconds=None, max_steps_per_epoch=None, show_progress=False):
        store_params(self, locals())

    def fit(self, X, y):
        if self.encoder is None or getattr(self.encoder, "trunk_block", None) is None:
            raise InputError("The 'encoder' parameter of TopBlocksRevenueRegressor must be a "
                             f"PretrainedPosterEncoder with trunk_block set, got {self.encoder!r}")
        config = _train_config(self)
        y = _check_revenue(y, len(X))
        self.encoder_ = clone(self.encoder).fit()
        trunk, keep = self.encoder_.trunk_activations(X)
        self.n_skipped_ = int((~keep).sum())
        if keep.sum() < 2:
            raise InputError(f"TopBlocksRevenueRegressor needs at least 2 readable posters, got {int(keep.sum())}")
        trunk = torch.from_numpy(trunk[keep])
        target = torch.tensor(np.log10(y[keep]), dtype=torch.float32)
        tr, va = validation_split(len(target), self.validation_fraction, self.seed)
        top = self.encoder_.top_blocks()
        # the pooled features' statistics from up to 512 training posters: a full pass costs as
        # much as an epoch of training and moves the scale very little
        fit_trunk = trunk[tr[np.random.default_rng(self.seed).permutation(len(tr))[:512]]]
        with torch.inference_mode():
            pooled = torch.cat([top.eval()(fit_trunk[i:i + 256])
                                for i in range(0, len(fit_trunk), 256)])
        scale = torch.stack([pooled.mean(0), pooled.std(0).clamp(min=1e-6)])
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            model = _TunedNet(top, scale.clone())
        with torch.no_grad():
            model.head.layers[-1].bias.fill_(float(target[tr].mean()))
        self.train_result_: TrainResult = train(
            model, lambda net, b: F.mse_loss(net(b[0]), b[1]), (trunk[tr], target[tr]),
            (trunk[va], target[va]), config, show_progress=bool(self.show_progress),
            description="poster→revenue Lite0 top blocks")
        self.model_ = model.eval()
        self.train_median_ = float(np.median(y[keep]))
        return self

    def predict_log10(self, X) -> np.ndarray:
        """Predicted log10(revenue); NaN where the poster is unreadable."""
        check_fitted(self, "model_")
        trunk, ok = self.encoder_.trunk_activations(X)
        out = np.full(len(X), np.nan)
        rows = np.flatnonzero(ok)
        with torch.inference_mode():
            for start in range(0, len(rows), 256):
                part = rows[start:start + 256]
                out[part] = self.model_(torch.from_numpy(trunk[part])).numpy()
        return out

    def predict(self, X) -> np.ndarray:
        """Predicted revenue in dollars; NaN where the poster is unreadable."""
        return 10.0 ** self.predict_log10(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
