"""``GenreClassifier``: the multi-label genre estimator over overview text and poster."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, ClassifierMixin

from ..._artifact import check_format, format_tag
from ..._errors import ArtifactError, InputError, SchemaError
from ..._estimator import check_fitted, store_params
from ..._io import atomic_dir, write_json
from ...data import GENRES
from ...evaluation import validation_split
from ...vision import (
    PosterEmbeddings,
    PosterFeatures,
    PretrainedPosterEncoder,
    check_image_size,
    find_local_weights,
    poster_pixels,
    resnet,
)
from .._fusion import FUSION_OPERATORS
from .._train_loop import TrainConfig, train
from ._model import GenreNet, LstmText, PixelResNet, SmallCnn, TunedTopBranch, VectorBranch
from ._vocab import WordVocabulary

__all__ = ["GenreClassifier", "IMAGE_BRANCHES", "TEXT_BRANCHES"]

TEXT_BRANCHES = ("lstm", "minilm")
# "cnn"/"resnet18": trained from pixels; "resnet18-frozen": fixed backbone, cached embeddings;
# "features": the handcrafted PosterFeatures; "effnet-lite0": frozen ImageNet EfficientNet-Lite0
# embeddings; "effnet-lite0-top": its top blocks fine-tuned from cached trunk activations
IMAGE_BRANCHES = ("cnn", "resnet18", "resnet18-frozen", "features", "effnet-lite0",
                  "effnet-lite0-top")
_VECTOR_BRANCHES = ("resnet18-frozen", "features", "effnet-lite0")
_TRUNK_BLOCK = 13  # Lite0 blocks 13-15 and the head convolution are tuned
_FORMAT = format_tag("genre-classifier", 1)


class GenreClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label genres from a film's overview and poster, with a choice of fusion operator.

    Parameters
    ----------
    text : {"lstm", "minilm", None}, default "lstm"
        LSTM over the overview's words (128-d), or a projection of MiniLM sentence embeddings.
    image : {"cnn", "resnet18", "resnet18-frozen", "features", "effnet-lite0", "effnet-lite0-top", None}, default "resnet18-frozen"
        A small CNN or ResNet-18 trained from pixels, a frozen ResNet-18 (``weights``), the
        handcrafted poster features, the frozen ImageNet EfficientNet-Lite0 embedding, or Lite0
        with its top blocks (13–15 and the head convolution) fine-tuned; each projected to 512-d.
    fusion : str, default "concat"
        One of concat, add, multiply, max, gate, gmu (when both branches are on).
    weights : None, "random" or path
        ResNet-18 weights for the ``resnet18*`` branches (see ``PosterEmbeddings``), or
        EfficientNet-Lite0 weights for the ``effnet-*`` ones (``None``: the installed package).
    labels : list of str, optional
        Genres to predict; default: those of :data:`GENRES` with ``min_label_count`` fit films.
    min_label_count : int, default 20
    root, text_column, image_column, image_size, cache_dir :
        Where the inputs are; ``cache_dir`` caches pixels, embeddings and features.
    max_len, vocab_size : int
        LSTM tokens per overview and vocabulary size.
    lr, weight_decay, batch_size, max_epochs, patience, seed, max_seconds, max_steps_per_epoch :
        Training (AdamW, ReduceLROnPlateau 0.5/2, early stopping on validation BCE).
    validation_fraction : float, default 0.1
    threshold : float, default 0.5
        Probability at which ``predict`` says yes.
    show_progress : bool, default False

    Attributes
    ----------
    labels_ : list of str
    net_ : GenreNet
    train_result_ : TrainResult
    n_skipped_ : int
        Fit rows dropped (no labels, no text or no readable poster where needed).
    val_thresholds_ : ndarray
        Per genre, the cut-off with the best F1 on the validation films (``predict`` keeps
        ``threshold``; pass these to :func:`multilabel_metrics` for tuned-threshold F1).
    """

    def __init__(self, text="lstm", image="resnet18-frozen", fusion="concat", weights=None,
                 labels=None, min_label_count=20, root=None, text_column="overview",
                 image_column="poster_file", image_size=(96, 64), cache_dir=None, max_len=64,
                 vocab_size=20000, lr=1e-3, weight_decay=1e-4, batch_size=64, max_epochs=20,
                 patience=4, seed=0, max_seconds=None, max_steps_per_epoch=None,
                 validation_fraction=0.1, threshold=0.5, show_progress=False):
        store_params(self, locals())

    # ---------------------------------------------------------------- inputs
    def _check_params(self) -> None:
        if self.text not in (*TEXT_BRANCHES, None):
            raise InputError(f"The 'text' parameter of GenreClassifier must be one of {[*TEXT_BRANCHES, None]}, got {self.text!r}")
        if self.image not in (*IMAGE_BRANCHES, None):
            raise InputError(f"The 'image' parameter of GenreClassifier must be one of {[*IMAGE_BRANCHES, None]}, got {self.image!r}")
        if self.text is None and self.image is None:
            raise InputError("GenreClassifier needs text, image or both; both are None")
        if self.fusion not in FUSION_OPERATORS:
            raise InputError(f"The 'fusion' parameter of GenreClassifier must be one of {list(FUSION_OPERATORS)}, got {self.fusion!r}")

    def _check_frame(self, X) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise SchemaError(f"GenreClassifier expects a DataFrame, got {type(X).__name__}")
        need = ([self.text_column] if self.text else []) + ([self.image_column] if self.image else [])
        missing = [c for c in need if c not in X.columns]
        if missing:
            raise SchemaError(f"GenreClassifier: column(s) {missing} missing; got {list(X.columns)[:8]}")
        return X

    def _text_input(self, X: pd.DataFrame) -> tuple[torch.Tensor, np.ndarray]:
        if self.text is None:
            return torch.zeros(len(X), 1), np.ones(len(X), dtype=bool)
        texts = [v.strip() if isinstance(v, str) else "" for v in X[self.text_column].tolist()]
        present = np.asarray([bool(t) for t in texts])
        if self.text == "lstm":
            return self.vocab_.encode(texts, int(self.max_len)), present
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if present.any():
            out[present] = self.minilm_.encode([t for t in texts if t])
        return torch.from_numpy(out), present

    def _image_input(self, X: pd.DataFrame) -> tuple[torch.Tensor, np.ndarray]:
        if self.image is None:
            return torch.zeros(len(X), 1), np.ones(len(X), dtype=bool)
        paths = X[self.image_column].tolist()
        if self.image in ("cnn", "resnet18"):
            batch = poster_pixels(paths, root=self.root, image_size=self.image_size_,
                                  cache_dir=self.cache_dir, show_progress=bool(self.show_progress))
            return torch.from_numpy(batch.pixels), batch.valid
        encoder = self.image_encoder_.set_params(root=self.root)
        if self.image == "effnet-lite0-top":
            trunk, valid = encoder.trunk_activations(pd.DataFrame({encoder.column: paths}))
            return torch.from_numpy(trunk), valid
        vectors = encoder.transform(pd.DataFrame({encoder.column: paths})).to_numpy(np.float32)
        valid = np.isfinite(vectors).all(axis=1)
        return torch.from_numpy(np.nan_to_num(vectors)), valid

    def label_matrix(self, y) -> np.ndarray:
        """0/1 matrix ``(n, len(labels_))`` of genre lists (genres outside ``labels_`` ignored)."""
        out = np.zeros((len(y), len(self.labels_)), dtype=np.float32)
        index = {g: j for j, g in enumerate(self.labels_)}
        for i, genres in enumerate(y):
            for g in genres if isinstance(genres, list | tuple | np.ndarray) else []:
                if g in index:
                    out[i, index[g]] = 1.0
        return out

    # ---------------------------------------------------------------- fit / predict
    def fit(self, X, y=None):
        """Fit on films; ``y`` is a list of genre lists (default: ``X["genres"]``)."""
        self._check_params()
        X = self._check_frame(X)
        if y is None:
            if "genres" not in X.columns:
                raise SchemaError("GenreClassifier.fit: pass y or a 'genres' column")
            y = X["genres"].tolist()
        y = list(y)
        if len(y) != len(X):
            raise InputError(f"y has {len(y)} rows for {len(X)} films")
        self.image_size_ = check_image_size(self.image_size)
        counts = pd.Series([g for gs in y if isinstance(gs, list | tuple | np.ndarray) for g in gs]).value_counts()
        pool = list(self.labels) if self.labels is not None else [g for g in GENRES if counts.get(g, 0) >= self.min_label_count]
        if not pool:
            raise InputError(f"no genre has min_label_count={self.min_label_count} films to learn from")
        self.labels_ = pool
        Y = self.label_matrix(y)
        if self.text == "lstm":
            self.vocab_ = WordVocabulary.fit(X[self.text_column].tolist(), max_size=int(self.vocab_size))
        elif self.text == "minilm":
            from ...text import MiniLMEncoder

            self.minilm_ = MiniLMEncoder(column=self.text_column, cache_dir=self.cache_dir,
                                         show_progress=bool(self.show_progress)).fit()
        self._make_image_encoder()
        text_in, text_ok = self._text_input(X)
        image_in, image_ok = self._image_input(X)
        keep = text_ok & image_ok & (Y.sum(axis=1) > 0)
        self.n_skipped_ = int((~keep).sum())
        if keep.sum() < 2:
            raise InputError(f"GenreClassifier: only {int(keep.sum())} films have labels and the inputs")
        text_in, image_in, Yt = text_in[keep], image_in[keep], torch.from_numpy(Y[keep])
        tr, va = validation_split(int(keep.sum()), self.validation_fraction, self.seed)
        self.net_ = self._build_net(image_in[tr])
        config = TrainConfig(lr=self.lr, weight_decay=self.weight_decay, batch_size=self.batch_size,
                             max_epochs=self.max_epochs, patience=self.patience, seed=self.seed,
                             max_seconds=self.max_seconds, max_steps_per_epoch=self.max_steps_per_epoch)
        self.train_result_ = train(
            self.net_, _bce, (text_in[tr], image_in[tr], Yt[tr]), (text_in[va], image_in[va], Yt[va]),
            config, show_progress=bool(self.show_progress),
            description=f"genres {self.text}+{self.image} {self.fusion}",
        )
        self.val_thresholds_ = _f1_thresholds(self._proba(text_in[va], image_in[va]),
                                              Yt[va].numpy())
        return self

    def _proba(self, text_in: torch.Tensor, image_in: torch.Tensor) -> np.ndarray:
        out = np.zeros((len(text_in), len(self.labels_)))
        self.net_.eval()
        with torch.inference_mode():
            for i in range(0, len(text_in), 256):
                logits = self.net_(text_in[i:i + 256], image_in[i:i + 256])
                out[i:i + 256] = torch.sigmoid(logits).numpy()
        return out

    def _make_image_encoder(self) -> None:
        if self.image == "resnet18-frozen":
            self.image_encoder_ = PosterEmbeddings(
                "resnet18", weights=self.weights, image_size=self.image_size_, root=self.root,
                column=self.image_column, cache_dir=self.cache_dir, seed=self.seed,
                show_progress=bool(self.show_progress)).fit()
        elif self.image == "features":
            self.image_encoder_ = PosterFeatures(root=self.root, column=self.image_column,
                                                 cache_dir=self.cache_dir,
                                                 show_progress=bool(self.show_progress)).fit(
                pd.DataFrame({self.image_column: []}))
        elif self.image in ("effnet-lite0", "effnet-lite0-top"):
            self.image_encoder_ = PretrainedPosterEncoder(
                "lite0", weights=self.weights, image_size=self.image_size_, root=self.root,
                column=self.image_column, cache_dir=self.cache_dir,
                trunk_block=_TRUNK_BLOCK if self.image == "effnet-lite0-top" else None,
                show_progress=bool(self.show_progress)).fit()

    def _build_net(self, image_train: torch.Tensor | None) -> GenreNet:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            text = None
            if self.text == "lstm":
                text = LstmText(len(self.vocab_))
            elif self.text == "minilm":
                text = VectorBranch(384, 128)
            image = None
            if self.image == "cnn":
                image = SmallCnn(512)
            elif self.image == "resnet18":
                path = None if self.weights == "random" else (self.weights or find_local_weights("resnet18"))
                image = PixelResNet(resnet("resnet18", None, path, self.seed))
            elif self.image == "effnet-lite0-top":
                image = TunedTopBranch(self.image_encoder_.top_blocks(), 512, image_train)
            elif self.image in _VECTOR_BRANCHES:
                dim = len(self.image_encoder_.get_feature_names_out())
                mean, scale = torch.zeros(dim), torch.ones(dim)
                if image_train is not None and len(image_train) > 1:
                    mean = image_train.mean(0)
                    scale = image_train.std(0).clamp(min=1e-6)
                image = VectorBranch(dim, 512, mean, scale)
            return GenreNet(text, image, self.fusion, len(self.labels_))

    def predict_proba(self, X) -> np.ndarray:
        """Genre probabilities ``(n, len(labels_))``; NaN rows where an input is missing."""
        check_fitted(self, "net_")
        X = self._check_frame(X)
        text_in, text_ok = self._text_input(X)
        image_in, image_ok = self._image_input(X)
        ok = np.flatnonzero(text_ok & image_ok)
        out = np.full((len(X), len(self.labels_)), np.nan)
        self.net_.eval()
        with torch.inference_mode():
            for start in range(0, len(ok), 256):
                rows = torch.from_numpy(ok[start:start + 256])
                out[rows.numpy()] = torch.sigmoid(self.net_(text_in[rows], image_in[rows])).numpy()
        return out

    def predict(self, X) -> np.ndarray:
        """0/1 matrix at ``threshold`` (rows with a missing input are all 0)."""
        return (np.nan_to_num(self.predict_proba(X), nan=0.0) >= self.threshold).astype(int)

    def predict_frame(self, X) -> pd.DataFrame:
        """Probabilities as a DataFrame with one column per genre, indexed like ``X``."""
        return pd.DataFrame(self.predict_proba(X), index=X.index, columns=self.labels_)

    @property
    def classes_(self) -> np.ndarray:
        check_fitted(self, "labels_")
        return np.asarray(self.labels_, dtype=object)

    # ---------------------------------------------------------------- save / load
    def save(self, directory) -> Path:
        """Write ``model.safetensors``, ``config.json`` (and the frozen backbone) atomically."""
        from safetensors.torch import save_file

        check_fitted(self, "net_")
        params = {k: (str(v) if isinstance(v, Path) else v) for k, v in self.get_params().items()}
        config = {"format": _FORMAT, "params": params, "labels": self.labels_,
                  "vocab": self.vocab_.words if self.text == "lstm" else None,
                  "image_dim": (len(self.image_encoder_.get_feature_names_out())
                                if self.image in _VECTOR_BRANCHES else None),
                  "val_thresholds": [float(t) for t in self.val_thresholds_]
                  if hasattr(self, "val_thresholds_") else None}
        with atomic_dir(directory) as tmp:
            state = {k: v.contiguous() for k, v in self.net_.state_dict().items()}
            save_file(state, str(tmp / "model.safetensors"), metadata={"config": json.dumps(config, default=str)})
            if self.image == "resnet18-frozen":
                backbone = {k: v.contiguous() for k, v in self.image_encoder_.model_.state_dict().items()}
                save_file(backbone, str(tmp / "backbone.safetensors"))
            write_json(tmp / "config.json", config)
        return Path(directory)

    @classmethod
    def load(cls, directory, **overrides) -> GenreClassifier:
        """A fitted classifier from :meth:`save`'s folder; ``overrides`` set parameters (``root``)."""
        from safetensors.torch import load_file

        directory = Path(directory)
        try:
            config = json.loads((directory / "config.json").read_text())
            state = load_file(str(directory / "model.safetensors"))
        except Exception as exc:  # missing files, bad JSON, a corrupt safetensors header
            raise ArtifactError(f"no readable genre model in {str(directory)!r}: {exc}") from exc
        check_format(config, _FORMAT, directory, legacy=[1])  # 1: the tag before the convention
        params = {**config["params"], **overrides}
        if params.get("image") == "resnet18-frozen":
            params["weights"] = str(directory / "backbone.safetensors")
        clf = cls(**params)
        clf._check_params()
        clf.image_size_ = check_image_size(clf.image_size)
        clf.labels_ = list(config["labels"])
        if clf.text == "lstm":
            clf.vocab_ = WordVocabulary(config["vocab"])
        elif clf.text == "minilm":
            from ...text import MiniLMEncoder

            clf.minilm_ = MiniLMEncoder(column=clf.text_column, cache_dir=clf.cache_dir).fit()
        clf._make_image_encoder()
        if clf.image == "resnet18":
            clf.weights = "random"  # the trained weights come from the state dict below
        clf.net_ = clf._build_net(None)
        try:
            clf.net_.load_state_dict(state)
        except RuntimeError as exc:
            raise ArtifactError(f"genre model in {str(directory)!r} does not match its config: {exc}") from exc
        clf.net_.eval()
        if config.get("val_thresholds") is not None:
            clf.val_thresholds_ = np.asarray(config["val_thresholds"], dtype=float)
        return clf


def _f1_thresholds(proba: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per genre, the probability cut-off (0.05 … 0.95) with the best F1 on the validation films
    (0.5 where a genre has no validation positive): macro-F1 at one 0.5 cut-off under-counts
    rare genres, whose probabilities seldom reach it."""
    grid = np.linspace(0.05, 0.95, 19)
    out = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        positives = y[:, j] > 0.5
        if not positives.any():
            continue
        pred = proba[:, j][None, :] >= grid[:, None]
        tp = (pred & positives).sum(1)
        f1 = 2 * tp / np.maximum(pred.sum(1) + positives.sum(), 1)
        out[j] = grid[int(np.argmax(f1))]
    return out


def _bce(net, batch) -> torch.Tensor:
    text_in, image_in, target = batch
    return F.binary_cross_entropy_with_logits(net(text_in, image_in), target)
