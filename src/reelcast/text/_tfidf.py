"""TF-IDF + truncated SVD: a dense, fitted text block for overviews, taglines or keyword lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from .._errors import InputError
from .._estimator import ColumnEncoder, store_params

__all__ = ["TfidfSvdEncoder", "column_documents"]


def _is_list(value) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def column_documents(values: pd.Series, list_mode: bool) -> tuple[list, np.ndarray]:
    """``(documents, present)``: text per row (a string, or a token list in list mode)."""
    docs: list = []
    present = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values.tolist()):
        if list_mode:
            tokens = [str(t).strip().lower() for t in value] if _is_list(value) else []
            tokens = [t for t in tokens if t]
            docs.append(tokens)
            present[i] = bool(tokens)
        else:
            text = value if isinstance(value, str) else ""
            docs.append(text)
            present[i] = bool(text.strip())
    return docs, present


def _identity_tokens(tokens: list) -> list:
    # module level (not a lambda) so the fitted vectorizer can be cloned and inspected
    return tokens


class TfidfSvdEncoder(ColumnEncoder):
    """TF-IDF of a text or keyword-list column, reduced by truncated SVD (LSA).

    A list-valued column (``keywords``, ``genres``) is treated as one token per entry; a string
    column is tokenised into words and ``ngram_range`` n-grams. Rows with no text get NaN.

    Parameters
    ----------
    column : str, default "overview"
    n_components : int, default 64
        SVD dimensions (capped below the vocabulary size).
    max_features : int, default 20000
    min_df : int or float, default 2
    ngram_range : tuple, default (1, 2)
        Word n-grams for string columns (ignored for list columns).
    random_state : int, default 0
    prefix : str, optional
        Output columns are ``{prefix}_svd{i}``; defaults to ``column``.

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
    svd_ : TruncatedSVD
    list_mode_ : bool
    feature_names_out_ : ndarray of str

    Examples
    --------
    >>> enc = TfidfSvdEncoder(column="keywords", n_components=16).fit(films)  # doctest: +SKIP
    >>> enc.transform(films).shape  # doctest: +SKIP
    (4803, 16)
    """

    def __init__(self, column="overview", n_components=64, max_features=20000, min_df=2,
                 ngram_range=(1, 2), random_state=0, prefix=None):
        store_params(self, locals())

    def fit(self, X, y=None):
        if not isinstance(self.n_components, int | np.integer) or self.n_components < 1:
            raise InputError(f"The 'n_components' parameter of TfidfSvdEncoder must be a positive int, got {self.n_components!r}")
        values = self._column(X)
        self.list_mode_ = bool(values.map(_is_list).any())
        docs, present = column_documents(values, self.list_mode_)
        if not present.any():
            raise InputError(f"TfidfSvdEncoder: column {self.column!r} has no text to fit on")
        kwargs = dict(max_features=self.max_features, min_df=self.min_df, sublinear_tf=True,
                      dtype=np.float32)
        if self.list_mode_:
            kwargs.update(analyzer=_identity_tokens)
        else:
            kwargs.update(ngram_range=tuple(self.ngram_range), strip_accents="unicode",
                          stop_words="english")
        fitted_docs = [d for d, p in zip(docs, present, strict=True) if p]
        try:
            self.vectorizer_ = TfidfVectorizer(**kwargs)
            matrix = self.vectorizer_.fit_transform(fitted_docs)
        except ValueError:  # min_df pruned every term (a tiny corpus): keep every term instead
            self.vectorizer_ = TfidfVectorizer(**{**kwargs, "min_df": 1})
            matrix = self.vectorizer_.fit_transform(fitted_docs)
        n = int(min(self.n_components, max(1, matrix.shape[1] - 1), max(1, matrix.shape[0] - 1)))
        self.svd_ = TruncatedSVD(n_components=n, random_state=self.random_state).fit(matrix)
        prefix = self.prefix or self.column
        self.feature_names_out_ = np.asarray([f"{prefix}_svd{i}" for i in range(n)], dtype=object)
        return self

    def transform(self, X) -> pd.DataFrame:
        names = self.get_feature_names_out()
        docs, present = column_documents(self._column(X), self.list_mode_)
        out = np.full((len(docs), len(names)), np.nan, dtype=np.float64)
        if present.any():
            rows = [d for d, p in zip(docs, present, strict=True) if p]
            out[present] = self.svd_.transform(self.vectorizer_.transform(rows))
        return self._frame(out, X)

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """``(config, arrays)``: JSON-able settings and the vocabulary, idf and SVD components as
        arrays (for ``np.savez``; no pickle). :meth:`from_state` rebuilds the fitted encoder."""
        self.get_feature_names_out()  # the not-fitted check
        vocab = self.vectorizer_.vocabulary_
        terms = np.empty(len(vocab), dtype=object)
        for term, idx in vocab.items():
            terms[idx] = term
        config = {"column": self.column, "n_components": self.n_components,
                  "ngram_range": list(self.ngram_range), "prefix": self.prefix,
                  "list_mode": bool(self.list_mode_),
                  "feature_names": list(self.feature_names_out_)}
        arrays = {"terms": terms.astype(str), "idf": self.vectorizer_.idf_.astype(np.float64),
                  "components": self.svd_.components_.astype(np.float64)}
        return config, arrays

    @classmethod
    def from_state(cls, config: dict, arrays) -> TfidfSvdEncoder:
        """The fitted encoder whose :meth:`state` was ``(config, arrays)``."""
        enc = cls(column=config["column"], n_components=config["n_components"],
                  ngram_range=tuple(config["ngram_range"]), prefix=config["prefix"])
        vocab = {str(t): i for i, t in enumerate(arrays["terms"].tolist())}
        kwargs = dict(sublinear_tf=True, dtype=np.float32, vocabulary=vocab)
        if config["list_mode"]:
            kwargs.update(analyzer=_identity_tokens)
        else:
            kwargs.update(ngram_range=tuple(config["ngram_range"]), strip_accents="unicode",
                          stop_words="english")
        vectorizer = TfidfVectorizer(**kwargs)
        vectorizer.fit([[]] if config["list_mode"] else [""])  # a fixed vocabulary: no terms learned
        vectorizer.idf_ = np.asarray(arrays["idf"], np.float64)
        svd = TruncatedSVD(n_components=len(config["feature_names"]))
        svd.components_ = np.asarray(arrays["components"], np.float64)
        svd.n_features_in_ = svd.components_.shape[1]
        enc.vectorizer_, enc.svd_, enc.list_mode_ = vectorizer, svd, config["list_mode"]
        enc.feature_names_out_ = np.asarray(config["feature_names"], dtype=object)
        return enc

