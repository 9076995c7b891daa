"""Pre-release tabular features of an anime title, learned vocabularies only, no target.

Everything here is known before a show airs: genres, studios, producers, source material, format,
episode count, start date and season, age rating, the synopsis length. ``members`` (MAL
popularity) and ``score`` are post-release and never read. Vocabularies and studio/producer
frequencies are counted on the training titles only (target-free), so a test title's features
never depend on the test set.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .._errors import InputError, SchemaError
from .._estimator import check_fitted, store_params

__all__ = ["AnimeFeatures", "INPUT_COLUMNS", "POST_RELEASE", "anime_dates"]

# what the features read; anything else in the frame (members, score) is ignored
INPUT_COLUMNS: tuple[str, ...] = ("synopsis", "genres", "studios", "producers", "source", "type",
                                  "episodes", "start_date", "year", "season", "age_rating")
POST_RELEASE: tuple[str, ...] = ("score", "members")
_CATEGORICAL = ("source", "type", "season", "age_rating")



def _as_list(value) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_") or "x"


def anime_dates(frame: pd.DataFrame) -> pd.Series:
    """Start date of each title, falling back to 1 January of ``year``; NaT when neither is known."""
    if "start_date" not in frame.columns and "year" not in frame.columns:
        raise SchemaError("anime table needs a 'start_date' or a 'year' column")
    dates = pd.to_datetime(frame.get("start_date", pd.Series(pd.NaT, index=frame.index)),
                           errors="coerce")
    if "year" in frame.columns:
        years = pd.to_numeric(frame["year"], errors="coerce")
        fallback = pd.to_datetime(years.astype("Int64").astype("string") + "-01-01",
                                  errors="coerce")
        dates = dates.fillna(fallback)
    return dates


class AnimeFeatures(TransformerMixin, BaseEstimator):
    """Numeric features from the canonical anime table (``ANIME_COLUMNS``).

    Parameters
    ----------
    top_studios : int, default 40
        Studios with their own one-hot column (the most frequent in training); the rest share
        ``studio_other``. Every title also gets ``studio_log_count``, the training frequency of
        its most prolific studio (target-free).
    top_producers : int, default 20
    min_genre_count : int, default 5
        A genre needs this many training titles for its own column.
    min_category_count : int, default 10
        Same for ``source``, ``type``, ``season`` and ``age_rating`` values.

    Attributes
    ----------
    genres_, studios_, producers_ : list of str
    categories_ : dict of str to list of str
    studio_counts_, producer_counts_ : dict of str to int
    feature_names_out_ : list of str
    """

    def __init__(self, top_studios=40, top_producers=20, min_genre_count=5,
                 min_category_count=10):
        store_params(self, locals())

    @staticmethod
    def _check_frame(X) -> None:
        if not isinstance(X, pd.DataFrame):
            raise SchemaError(f"AnimeFeatures expects a DataFrame, got {type(X).__name__}")
        missing = [c for c in ("genres", "studios", "type") if c not in X.columns]
        if missing:
            raise SchemaError(f"anime table is missing column(s) {missing}; "
                              f"expected the ANIME_COLUMNS schema")

    def fit(self, X, y=None):
        for name in ("top_studios", "top_producers", "min_genre_count", "min_category_count"):
            value = getattr(self, name)
            if not isinstance(value, int | np.integer) or value < 0:
                raise InputError(f"The '{name}' parameter of AnimeFeatures must be an int >= 0, "
                                 f"got {value!r} instead.")
        self._check_frame(X)
        genres = Counter(g for v in X["genres"] for g in _as_list(v))
        self.genres_ = sorted(g for g, n in genres.items() if n >= self.min_genre_count)
        studios = Counter(s for v in X["studios"] for s in _as_list(v))
        producers = Counter(p for v in X.get("producers", pd.Series([], dtype=object))
                            for p in _as_list(v))
        self.studio_counts_ = dict(studios)
        self.producer_counts_ = dict(producers)
        self.studios_ = [s for s, _ in sorted(studios.items(), key=lambda kv: (-kv[1], kv[0]))
                         ][:self.top_studios]
        self.producers_ = [p for p, _ in sorted(producers.items(), key=lambda kv: (-kv[1], kv[0]))
                           ][:self.top_producers]
        self.categories_ = {}
        for col in _CATEGORICAL:
            counts = X[col].dropna().astype(str).value_counts() if col in X.columns else {}
            self.categories_[col] = sorted(k for k, n in dict(counts).items()
                                           if n >= self.min_category_count)
        self.feature_names_out_ = list(self.transform(X.iloc[:0]).columns)
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_fitted(self, "feature_names_out_")
        return np.asarray(self.feature_names_out_, dtype=object)

    def transform(self, X) -> pd.DataFrame:
        check_fitted(self, "genres_")
        self._check_frame(X)
        n = len(X)
        cols: dict[str, np.ndarray] = {}
        genre_lists = [_as_list(v) for v in X["genres"]]
        for g in self.genres_:
            cols[f"genre_{_slug(g)}"] = np.array([g in gl for gl in genre_lists], float)
        cols["n_genres"] = np.array([len(gl) for gl in genre_lists], float)
        self._entity_block(cols, [_as_list(v) for v in X["studios"]], "studio", self.studios_,
                           self.studio_counts_)
        producers = X["producers"] if "producers" in X.columns else pd.Series([[]] * n)
        self._entity_block(cols, [_as_list(v) for v in producers], "producer", self.producers_,
                           self.producer_counts_)
        for col in _CATEGORICAL:  # fixed order: a JSON round trip may reorder the dict
            values = self.categories_.get(col, [])
            raw = (X[col].astype("string") if col in X.columns
                   else pd.Series(pd.NA, index=X.index, dtype="string"))
            known = raw.isin(values).fillna(False).to_numpy(bool)
            for v in values:
                cols[f"{col}_{_slug(v)}"] = (raw == v).fillna(False).to_numpy(float)
            cols[f"{col}_other"] = (~known & raw.notna().to_numpy(bool)).astype(float)
            cols[f"{col}_missing"] = raw.isna().to_numpy(float)
        episodes = pd.to_numeric(X.get("episodes", pd.Series(np.nan, index=X.index)),
                                 errors="coerce").to_numpy(float)
        cols["episodes"] = episodes
        cols["log_episodes"] = np.log1p(np.clip(episodes, 0, None))
        dates = anime_dates(X) if len(X) else pd.Series([], dtype="datetime64[ns]")
        cols["year"] = dates.dt.year.to_numpy(float) if n else np.zeros(0)
        cols["month"] = dates.dt.month.to_numpy(float) if n else np.zeros(0)
        synopsis = X["synopsis"] if "synopsis" in X.columns else pd.Series([None] * n)
        words = np.array([len(s.split()) if isinstance(s, str) else 0 for s in synopsis], float)
        cols["synopsis_words"] = words
        cols["has_synopsis"] = (words > 0).astype(float)
        return pd.DataFrame(cols, index=X.index)

    @staticmethod
    def _entity_block(cols, lists, prefix, top, counts) -> None:
        for name in top:
            cols[f"{prefix}_{_slug(name)}"] = np.array([name in v for v in lists], float)
        top_set = set(top)
        cols[f"{prefix}_other"] = np.array([bool(set(v) - top_set) for v in lists], float)
        cols[f"n_{prefix}s"] = np.array([len(v) for v in lists], float)
        # how established the most prolific credited company is; unseen companies count 0
        cols[f"{prefix}_log_count"] = np.array(
            [np.log1p(max((counts.get(x, 0) for x in v), default=0)) for v in lists], float)

    def state(self) -> dict:
        """The fitted state as plain JSON types (for model directories)."""
        self.get_feature_names_out()
        return {"params": self.get_params(), "genres": self.genres_, "studios": self.studios_,
                "producers": self.producers_, "categories": self.categories_,
                "studio_counts": self.studio_counts_, "producer_counts": self.producer_counts_,
                "feature_names": self.feature_names_out_}

    @classmethod
    def from_state(cls, state: dict) -> AnimeFeatures:
        obj = cls(**state["params"])
        obj.genres_, obj.studios_ = list(state["genres"]), list(state["studios"])
        obj.producers_, obj.categories_ = list(state["producers"]), dict(state["categories"])
        obj.studio_counts_ = dict(state["studio_counts"])
        obj.producer_counts_ = dict(state["producer_counts"])
        obj.feature_names_out_ = list(state["feature_names"])
        return obj
