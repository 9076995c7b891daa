"""Keyword topics: what a film is about, as a few dense dimensions of its crowd keywords."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .._estimator import check_fitted, store_params

__all__ = ["KeywordTopics"]


def _docs(values: pd.Series) -> list[str]:
    # one token per keyword ("based on novel" stays one token), so topics are over whole keywords
    return [
        " ".join(str(k).strip().lower().replace(" ", "_") for k in v)
        if isinstance(v, list | tuple | np.ndarray) else ""
        for v in values
    ]


class KeywordTopics(TransformerMixin, BaseEstimator):
    """TF-IDF over keyword lists reduced by truncated SVD to ``n_components`` topics.

    Unseen keywords at prediction time are ignored; a film without keywords gets NaN topics.
    The fitted state (vocabulary, idf weights, components) is plain arrays, saved without pickle.
    """

    def __init__(self, n_components: int = 16, min_df: int = 5, column: str = "keywords",
                 random_state: int = 0):
        store_params(self, locals())

    def fit(self, films: pd.DataFrame, y=None):
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = _docs(films[self.column])
        tfidf = TfidfVectorizer(token_pattern=r"[^ ]+", min_df=self.min_df, sublinear_tf=True)
        try:
            matrix = tfidf.fit_transform(docs)
        except ValueError:
            # no keyword listed often enough (a catalogue without keywords): every film's topics
            # are unknown, the same as a film without keywords
            self.vocabulary_, self._index = [], None
            self.idf_ = np.zeros(0)
            self.components_ = np.zeros((max(1, self.n_components), 0))
            return self
        k = max(1, min(self.n_components, matrix.shape[1] - 1))
        svd = TruncatedSVD(n_components=k, random_state=self.random_state).fit(matrix)
        self.vocabulary_ = list(tfidf.get_feature_names_out())
        self._index = None
        self.idf_ = tfidf.idf_.astype(float)
        self.components_ = svd.components_.astype(float)
        return self

    def transform(self, films: pd.DataFrame) -> pd.DataFrame:
        topics = self._topics(films)
        return pd.DataFrame(topics, columns=[f"kw_topic_{i}" for i in range(topics.shape[1])])

    def transform_columns(self, films: pd.DataFrame) -> dict[str, np.ndarray]:
        """The output columns as ``{name: array}`` (what :meth:`transform` makes a frame of)."""
        topics = self._topics(films)
        return {f"kw_topic_{i}": topics[:, i] for i in range(topics.shape[1])}

    def _topics(self, films: pd.DataFrame) -> np.ndarray:
        check_fitted(self, "components_", "fit(films)")
        from scipy import sparse

        index = getattr(self, "_index", None)
        if index is None or len(index) != len(self.vocabulary_):
            # built once, not per call: a one-film forecast paid ~2 ms for it
            index = self._index = {word: i for i, word in enumerate(self.vocabulary_)}
        rows, cols, vals = [], [], []
        for r, doc in enumerate(_docs(films[self.column])):
            counts: dict[int, int] = {}
            for token in doc.split():
                if token in index:
                    counts[index[token]] = counts.get(index[token], 0) + 1
            for c, n in counts.items():
                rows.append(r)
                cols.append(c)
                vals.append((1.0 + np.log(n)) * self.idf_[c])
        matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(films), len(self.vocabulary_)))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        matrix = sparse.diags(np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0)) @ matrix
        topics = np.asarray(matrix @ self.components_.T)
        topics[norms == 0] = np.nan
        return topics

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"kw_topic_{i}" for i in range(len(self.components_))], dtype=object)

    def state(self) -> dict[str, np.ndarray]:
        """Arrays to save (``np.savez``) and restore with :meth:`from_state`."""
        return {"vocabulary": np.asarray(self.vocabulary_, dtype=str), "idf": self.idf_,
                "components": self.components_}

    @classmethod
    def from_state(cls, arrays, **params) -> KeywordTopics:
        model = cls(**params)
        model.vocabulary_ = [str(w) for w in arrays["vocabulary"]]
        model.idf_ = np.asarray(arrays["idf"], float)
        model.components_ = np.asarray(arrays["components"], float)
        return model
