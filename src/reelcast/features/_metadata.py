"""Features a studio knows before release: money, calendar, format, genres and franchise."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .._errors import NotFittedError, SchemaError
from ..data._cpi import to_2017_dollars
from ..data._schema import GENRES

__all__ = ["MetadataFeatures", "CERTIFICATIONS"]

CERTIFICATIONS = ("G", "PG", "PG-13", "R", "NC-17", "NR")
_REQUIRED = ("release_date",)


def _list_len(values: pd.Series) -> np.ndarray:
    return values.map(lambda v: len(v) if isinstance(v, list | tuple | np.ndarray) else 0).to_numpy(
        float
    )


def _log(values: pd.Series) -> np.ndarray:
    x = pd.to_numeric(values, errors="coerce").to_numpy(float)
    return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan)


def _text_len(values: pd.Series) -> np.ndarray:
    return values.fillna("").astype(str).str.split().map(len).to_numpy(float)


class MetadataFeatures(TransformerMixin, BaseEstimator):
    """Budget, calendar, runtime, language, certification, genre multi-hot and franchise flags.

    Parameters
    ----------
    n_languages : int
        Languages kept as their own level (most frequent in ``fit``); others become "other".
    """

    def __init__(self, n_languages: int = 12):
        self.n_languages = n_languages

    def fit(self, films: pd.DataFrame, y=None):
        missing = [c for c in _REQUIRED if c not in films.columns]
        if missing:
            raise SchemaError(f"MetadataFeatures needs columns {missing}")
        langs = films.get("original_language", pd.Series(dtype="string")).dropna()
        self.languages_ = list(langs.value_counts().index[: self.n_languages].astype(str))
        self.feature_names_out_ = list(self.transform(films.head(1)).columns)
        return self

    def transform(self, films: pd.DataFrame) -> pd.DataFrame:
        if not hasattr(self, "languages_"):
            raise NotFittedError("This MetadataFeatures is not fitted yet; call fit(films) first.")
        films = films.reset_index(drop=True)
        col = lambda name: films[name] if name in films.columns else pd.Series([pd.NA] * len(films))  # noqa: E731
        date = pd.to_datetime(films["release_date"], errors="coerce")
        # constant-2017 dollars from the shipped CPI; years past the series (upcoming films) use
        # the last year's prices rather than dropping the budget's most useful form
        years = date.dt.year.clip(lower=1913, upper=2017)
        budget_adj = to_2017_dollars(pd.to_numeric(col("budget"), errors="coerce"), years)
        out = {
            "log_budget": _log(col("budget")),
            "log_budget_adj": _log(pd.Series(budget_adj)),
            "year": date.dt.year.to_numpy(float),
            "month": date.dt.month.to_numpy(float),
            "weekday": date.dt.weekday.to_numpy(float),
            "day_of_year": date.dt.dayofyear.to_numpy(float),
            "is_summer": date.dt.month.isin([5, 6, 7]).to_numpy(float),
            "is_holiday": ((date.dt.month == 12) | ((date.dt.month == 11) & (date.dt.day >= 15)))
            .to_numpy(float),
            "is_dump_month": date.dt.month.isin([1, 2, 9]).to_numpy(float),
            "runtime": pd.to_numeric(col("runtime"), errors="coerce").to_numpy(float),
            "n_genres": _list_len(col("genres")),
            "n_keywords": _list_len(col("keywords")),
            "n_cast": _list_len(col("cast")),
            "n_directors": _list_len(col("directors")),
            "n_writers": _list_len(col("writers")),
            "n_companies": _list_len(col("companies")),
            "has_collection": col("collection").notna().to_numpy(float),
            "is_sequel": pd.array(col("is_sequel"), dtype="boolean").fillna(False).to_numpy(float),
            "overview_words": _text_len(col("overview")),
            "has_tagline": col("tagline").notna().to_numpy(float),
            "has_poster": col("poster_file").notna().to_numpy(float),
        }
        out["runtime"][out["runtime"] <= 0] = np.nan
        frame = pd.DataFrame(out)
        genre_sets = col("genres").map(
            lambda v: set(v) if isinstance(v, list | tuple | np.ndarray) else set()
        )
        for genre in GENRES:
            frame[f"genre_{genre.lower().replace(' ', '_')}"] = genre_sets.map(
                lambda s, g=genre: g in s
            ).to_numpy(float)
        lang = col("original_language").astype("string")
        lang = lang.where(lang.isin(self.languages_), other="other").fillna("missing")
        frame["language"] = pd.Categorical(lang, categories=[*self.languages_, "other", "missing"])
        # unknown language stays unknown (NaN), not "not English"
        frame["is_english"] = (col("original_language").astype("string") == "en").astype(
            "Float64").to_numpy(float, na_value=np.nan)
        cert = col("certification").astype("string")
        cert = cert.where(cert.isin(CERTIFICATIONS), other="NR").fillna("missing")
        frame["certification"] = pd.Categorical(cert, categories=[*CERTIFICATIONS, "missing"])
        return frame

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.feature_names_out_, dtype=object)
