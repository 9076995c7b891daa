"""CNN poster embeddings as a scikit-learn transformer, cached on disk by image content hash."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, TransformerMixin

from .._errors import InputError, NotFittedError, SchemaError
from ._embeddings import EmbeddingCache
from ._pixels import (
    check_image_size,
    encoded_batches,
    normalize_pixels,
    poster_content_keys,
)
from ._resnet import ARCHITECTURES, find_local_weights, load_weights, resnet

__all__ = ["PosterEmbeddings", "state_sha256"]


def state_sha256(model: torch.nn.Module) -> str:
    """A hash of a network's tensors (names, shapes, values): the identity of its weights."""
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(str(tuple(tensor.shape)).encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


class PosterEmbeddings(TransformerMixin, BaseEstimator):
    """Pooled ResNet features of each poster (512-d for ResNet-18, 2048-d for ResNet-50).

    Parameters
    ----------
    arch : {"resnet18", "resnet50"}
    weights : None, "random" or path
        A torchvision-named weights file (``.safetensors`` or ``.pth``). ``None`` looks for a local
        ImageNet file (:func:`find_local_weights`) and falls back to a seeded random init;
        ``"random"`` always uses the random init. Nothing is downloaded.
    image_size : int or (height, width), default (96, 64)
    root, column : as in :class:`PosterFeatures`.
    cache_dir : path, optional
        Embeddings cached by image content hash, namespaced by architecture, weights hash and
        size; a second run only reads the cache.
    batch_size : int, default 64
    seed : int, default 0
        Seed of the random init.
    show_progress : bool, default False

    Attributes
    ----------
    model_ : ResNet
    weights_source_ : str
        The weights file used, or ``"random-init(seed=…)"``.
    n_skipped_ : int
        Rows of the last ``transform`` without a readable poster.
    """

    def __init__(self, arch="resnet18", weights=None, image_size=(96, 64), root=None,
                 column="poster_file", cache_dir=None, batch_size=64, seed=0,
                 show_progress=False):
        self.arch = arch
        self.weights = weights
        self.image_size = image_size
        self.root = root
        self.column = column
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self.seed = seed
        self.show_progress = show_progress

    def fit(self, X=None, y=None):
        """Build the network and load its weights; nothing is learned from ``X``."""
        if self.arch not in ARCHITECTURES:
            raise InputError(f"The 'arch' parameter of PosterEmbeddings must be one of {sorted(ARCHITECTURES)}, got {self.arch!r}")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise InputError(f"The 'batch_size' parameter of PosterEmbeddings must be a positive int, got {self.batch_size!r}")
        self.image_size_ = check_image_size(self.image_size)
        model = resnet(self.arch, num_classes=None, seed=self.seed)
        path = None if self.weights == "random" else (self.weights or find_local_weights(self.arch))
        if path is not None:
            load_weights(model, path)
        self.weights_source_ = str(path) if path is not None else f"random-init(seed={self.seed})"
        self.model_ = model.eval()
        self.weights_sha256_ = state_sha256(model)
        h, w = self.image_size_
        self.namespace_ = f"{self.arch}-{self.weights_sha256_[:16]}-{h}x{w}"
        self.feature_names_out_ = np.asarray(
            [f"{self.arch}_{i}" for i in range(model.out_features)], dtype=object
        )
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        if not hasattr(self, "model_"):
            raise NotFittedError("PosterEmbeddings is not fitted yet; call fit first")
        return self.feature_names_out_.copy()

    def transform(self, X) -> pd.DataFrame:
        """One embedding row per film (same index), NaN where the poster is unreadable."""
        names = self.get_feature_names_out()
        if not isinstance(X, pd.DataFrame) or self.column not in X.columns:
            raise SchemaError(f"PosterEmbeddings expects a DataFrame with a {self.column!r} column")
        cache = EmbeddingCache(self.cache_dir, self.namespace_) if self.cache_dir else None
        out = np.full((len(X), len(names)), np.nan, dtype=np.float32)
        paths = X[self.column].tolist()
        keys, skipped = poster_content_keys(paths, self.root)
        todo: list[int] = []
        for i, key in keys.items():
            hit = cache.get(key) if cache is not None else None
            if hit is not None and hit.shape == (len(names),):
                out[i] = hit
            else:
                todo.append(i)
        for done, emb, unreadable in encoded_batches(
                self, paths, todo, batch_size=self.batch_size, label=f"{self.arch} embeddings",
                show_progress=bool(self.show_progress)):
            skipped += unreadable
            if done:
                for i, vec in zip(done, emb, strict=True):
                    out[i] = vec
                    if cache is not None:
                        cache.put(keys[i], vec)
        self.n_skipped_ = skipped
        return pd.DataFrame(out, index=X.index, columns=list(names))

    def _forward(self, pixels: np.ndarray) -> np.ndarray:
        """The embeddings of a uint8 batch (one unit of :func:`encoded_batches`)."""
        with torch.inference_mode():
            return self.model_(normalize_pixels(pixels)).numpy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

