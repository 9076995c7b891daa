"""As-of copycat features: how much a film resembles the hits released shortly before it.

Definition (reelcast's; the paper's exact formula is not public, see RESEARCH.md §2)
--------------------------------------------------------------------------------
For a film released on day ``t``:

* **recent hits** are the films released in ``[t - window_days, t)`` (strictly before ``t``: a film
  never sees itself, same-day releases or the future) whose log revenue is at or above the
  ``hit_quantile`` quantile of their release year;
* **the year's threshold as known on t**: a year that ended before ``t`` uses all its films. The
  film's *own* year is not complete yet, so its threshold is the quantile over that year's films
  released before ``t`` (year to date); with fewer than ``min_year_films`` of those it falls back
  to the previous complete year's threshold (in the first year of the history, to the year-to-date
  quantile however few films). A hit's status therefore never depends on films
  released on or after ``t``. Revenues are the films' final grosses (as in ``TalentHistory``):
  a hit released a week before ``t`` is credited with its whole run;
* **similarity** is the cosine of keyword embeddings: TF-IDF of the keyword lists (``"tfidf"``;
  the IDF weights are a vocabulary statistic learned in ``fit`` from the keyword lists, never from
  revenues) or MiniLM sentence embeddings of the joined keywords (``"minilm"``, a fixed model);
* **poster similarity** (optional, ``similarity="poster"`` or ``"both"``): the cosine of the
  handcrafted :class:`~reelcast.vision.PosterFeatures` (``poster_encoder="features"``) or of the
  ImageNet EfficientNet-Lite0 embedding (``"effnet-lite0"``,
  :class:`~reelcast.vision.PretrainedPosterEncoder`), standardized by the history's mean and
  standard deviation (learned in ``fit``). ``"both"`` concatenates the unit keyword vector and
  the unit poster vector, each scaled by 1/√2, so the cosine is the mean of the two cosines (a
  film missing one modality gets half the other's similarity);
* **franchise vs non-franchise**: hits in the film's own collection (its predecessors) are scored
  apart (``copycat_franchise_*``) from hits of other franchises or none (``copycat_*``);
* films with fewer than ``min_keywords`` keywords are not embedded (their features are NaN and,
  as hits, they resemble nothing): on the real corpus a lone generic tag ("woman director")
  otherwise makes cosine-1 "copycats" of unrelated films (165 of 2012–2017's flags at q = 0.8).

Features (NaN where the film has no keywords or no date): ``copycat_n_hits`` (recent hits, any
similarity), ``copycat_max_sim``, ``copycat_n_similar`` (hits with similarity >= ``threshold``),
``copycat_topk_mean`` (mean of the ``top_k`` largest similarities, zeros padding when fewer hits),
``copycat_flag`` (max >= ``threshold``), ``copycat_nearest_logrev`` (log revenue of the most
similar hit) and the same four franchise ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from .._errors import InputError, SchemaError
from .._estimator import check_fitted, store_params

__all__ = ["CopycatIndex", "FEATURES", "FRANCHISE_FEATURES"]

_DAY_NS = np.int64(86_400_000_000_000)
_NO_DAY = np.iinfo(np.int64).min
FEATURES = ("copycat_n_hits", "copycat_max_sim", "copycat_n_similar", "copycat_topk_mean",
            "copycat_flag", "copycat_nearest_logrev")
FRANCHISE_FEATURES = ("copycat_franchise_max_sim", "copycat_franchise_n_similar",
                      "copycat_franchise_flag", "copycat_franchise_nearest_logrev")
_EMBEDDINGS = ("tfidf", "minilm")
_SIMILARITIES = ("keywords", "poster", "both")
_POSTER_ENCODERS = ("features", "effnet-lite0")


def _days(dates) -> np.ndarray:
    dates = pd.to_datetime(pd.Series(dates), errors="coerce")
    out = dates.to_numpy(dtype="datetime64[ns]").astype(np.int64) // _DAY_NS
    out[dates.isna().to_numpy()] = _NO_DAY
    return out


def _keyword_docs(values: pd.Series) -> list[list[str]]:
    docs = []
    for v in values.tolist():
        items = list(v) if isinstance(v, list | tuple | np.ndarray) else []
        docs.append([t for t in (str(x).strip().lower() for x in items) if t])
    return docs


def _collections(values: pd.Series) -> np.ndarray:
    return np.array([v.strip().lower() if isinstance(v, str) else "" for v in values.tolist()],
                    dtype=object)


def _identity(tokens):
    # module level so the vectorizer can be cloned and inspected
    return tokens


class CopycatIndex(TransformerMixin, BaseEstimator):
    """As-of similarity of each film to the recent hits (see the module docstring).

    Parameters
    ----------
    window_days : int, default 730
        ``W``: hits released in the ``W`` days before the film count as recent.
    hit_quantile : float, default 0.9
        ``q``: a hit grosses at least the ``q`` quantile of its release year.
    threshold : float, default 0.5
        ``τ``: cosine similarity from which a hit counts as similar (and the film as a copycat).
    top_k : int, default 5
        ``k`` for ``copycat_topk_mean``.
    embedding : {"tfidf", "minilm"}, default "tfidf"
    target : str, default "revenue_adj"
        Revenue column of the history (falls back to ``revenue`` when absent).
    min_year_films : int, default 20
        Year-to-date films needed before the current year's own threshold is used.
    min_keywords : int, default 2
        Keywords a film needs to be embedded (see the module docstring).
    similarity : {"keywords", "poster", "both"}, default "keywords"
        What two films' similarity is the cosine of (see the module docstring).
    poster_root, poster_cache : path-like, optional
        Where relative ``poster_file`` paths are resolved and poster features are cached
        (``similarity`` "poster" or "both").
    poster_encoder : {"features", "effnet-lite0"}, default "features"
        The poster vector compared: handcrafted features or the pretrained embedding.

    Examples
    --------
    >>> from reelcast.data import make_market
    >>> films = make_market(300, seed=1)
    >>> CopycatIndex().fit(films).transform(films).shape == (300, 10)
    True
    """

    def __init__(self, window_days: int = 730, hit_quantile: float = 0.9, threshold: float = 0.5,
                 top_k: int = 5, embedding: str = "tfidf", target: str = "revenue_adj",
                 min_year_films: int = 20, min_keywords: int = 2, similarity: str = "keywords",
                 poster_root=None, poster_cache=None, poster_encoder="features"):
        store_params(self, locals())

    # ------------------------------------------------------------------ checks and embeddings
    def _check_params(self) -> None:
        checks = [
            ("window_days", isinstance(self.window_days, int | np.integer)
             and self.window_days >= 1, "an int >= 1"),
            ("hit_quantile", isinstance(self.hit_quantile, float | int)
             and 0 < self.hit_quantile < 1, "a number in (0, 1)"),
            ("threshold", isinstance(self.threshold, float | int) and 0 <= self.threshold <= 1,
             "a number in [0, 1]"),
            ("top_k", isinstance(self.top_k, int | np.integer) and self.top_k >= 1,
             "an int >= 1"),
            ("embedding", self.embedding in _EMBEDDINGS, f"one of {_EMBEDDINGS}"),
            ("similarity", self.similarity in _SIMILARITIES, f"one of {_SIMILARITIES}"),
            ("poster_encoder", self.poster_encoder in _POSTER_ENCODERS,
             f"one of {_POSTER_ENCODERS}"),
            ("min_year_films", isinstance(self.min_year_films, int | np.integer)
             and self.min_year_films >= 1, "an int >= 1"),
            ("min_keywords", isinstance(self.min_keywords, int | np.integer)
             and self.min_keywords >= 1, "an int >= 1"),
        ]
        for name, ok, accepted in checks:
            if not ok:
                raise InputError(f"The '{name}' parameter of CopycatIndex must be {accepted}, "
                                 f"got {getattr(self, name)!r} instead.")

    def _poster_features(self, films: pd.DataFrame) -> np.ndarray:
        """Poster vectors (NaN rows where a poster is missing or unreadable)."""
        from ..vision import PosterFeatures, PretrainedPosterEncoder

        if "poster_file" not in films.columns:
            raise SchemaError("CopycatIndex with poster similarity needs column 'poster_file'")
        if self.poster_encoder == "effnet-lite0":
            feats = PretrainedPosterEncoder(root=self.poster_root, cache_dir=self.poster_cache)
        else:
            feats = PosterFeatures(root=self.poster_root, cache_dir=self.poster_cache)
        return feats.fit(films).transform(films).to_numpy(float)

    def _embed(self, films: pd.DataFrame, posters: np.ndarray | None = None):
        """Unit-norm embeddings (zero rows for films that cannot be compared) and a mask."""
        if self.similarity == "keywords":
            return self._embed_keywords(films)
        raw = self._poster_features(films) if posters is None else posters
        has_poster = np.isfinite(raw).all(axis=1)
        z = np.where(has_poster[:, None], (raw - self.poster_mean_) / self.poster_scale_, 0.0)
        norm = np.linalg.norm(z, axis=1, keepdims=True)
        z = np.divide(z, norm, out=np.zeros_like(z), where=norm > 0)
        if self.similarity == "poster":
            return z, has_poster
        kw, has_kw = self._embed_keywords(films)
        half = 1.0 / np.sqrt(2.0)
        if sp.issparse(kw):  # keep TF-IDF sparse: the history's vocabulary is wide
            return (sp.hstack([kw, sp.csr_matrix(z)]) * half).tocsr(), has_kw | has_poster
        return np.hstack([kw, z]) * half, has_kw | has_poster

    def _embed_keywords(self, films: pd.DataFrame):
        """Unit-norm keyword embeddings (rows of zeros for films without keywords) and a mask."""
        docs = _keyword_docs(films["keywords"])
        present = np.array([len(set(d)) >= self.min_keywords for d in docs], dtype=bool)
        docs = [d if ok else [] for d, ok in zip(docs, present, strict=True)]
        if self.embedding == "tfidf":
            return self.vectorizer_.transform(docs).tocsr(), present
        out = self.encoder_.transform(pd.DataFrame({"keywords": docs}))
        mat = np.nan_to_num(np.asarray(out, float))
        norm = np.linalg.norm(mat, axis=1, keepdims=True)
        return np.divide(mat, norm, out=np.zeros_like(mat), where=norm > 0), present

    # ------------------------------------------------------------------ fit
    def fit(self, films: pd.DataFrame, y=None):
        """Learn the dated, revenue-bearing history and the keyword embedding space."""
        self._check_params()
        target = self.target if self.target in films.columns else "revenue"
        missing = [c for c in ("release_date", "keywords", target) if c not in films.columns]
        if missing:
            raise SchemaError(f"CopycatIndex needs columns {missing}; got {list(films.columns)}")
        films = films.reset_index(drop=True)
        self.revenue_column_ = target
        docs = _keyword_docs(films["keywords"])
        if self.embedding == "tfidf":
            if not any(docs):
                raise InputError("The 'keywords' column has no keywords in any film; "
                                 "CopycatIndex needs some to embed.")
            self.vectorizer_ = TfidfVectorizer(analyzer=_identity, lowercase=False,
                                               sublinear_tf=True, dtype=np.float64).fit(
                [d for d in docs if d])
        else:
            from ..text import MiniLMEncoder

            self.encoder_ = MiniLMEncoder(column="keywords").fit()
        days = _days(films["release_date"])
        revenue = pd.to_numeric(films[target], errors="coerce").to_numpy(float)
        keep = (days != _NO_DAY) & np.isfinite(revenue) & (revenue > 0)
        order = np.flatnonzero(keep)[np.argsort(days[keep], kind="stable")]
        hist = films.iloc[order]
        self.day_ = days[order]
        self.year_ = pd.to_datetime(hist["release_date"]).dt.year.to_numpy(int)
        self.logrev_ = np.log(revenue[order])
        self.collection_ = (_collections(hist["collection"]) if "collection" in hist.columns
                            else np.full(len(hist), "", dtype=object))
        self.film_id_ = (hist["film_id"].astype(str).to_numpy() if "film_id" in hist.columns
                         else np.arange(len(hist)).astype(str))
        self.title_ = (hist["title"].astype(str).to_numpy() if "title" in hist.columns
                       else self.film_id_)
        posters = None
        if self.similarity != "keywords":
            posters = self._poster_features(hist)
            ok = np.isfinite(posters).all(axis=1)
            if not ok.any():
                raise InputError("The 'poster_file' column has no readable poster in any film "
                                 "with revenue; poster similarity needs some.")
            self.poster_mean_ = posters[ok].mean(axis=0)
            scale = posters[ok].std(axis=0)
            self.poster_scale_ = np.where(scale > 1e-12, scale, 1.0)
        self.emb_, self.has_kw_ = self._embed(hist, posters)
        self.year_threshold_ = {int(yr): float(np.quantile(self.logrev_[self.year_ == yr],
                                                           self.hit_quantile))
                                for yr in np.unique(self.year_)}
        # per history row, the threshold of its (complete) year: a vectorised lookup in _hits
        self.row_threshold_ = np.array([self.year_threshold_[int(y)] for y in self.year_])
        self.feature_names_out_ = list(FEATURES + FRANCHISE_FEATURES)
        return self

    # ------------------------------------------------------------------ as-of hits
    def _check_fitted(self) -> None:
        check_fitted(self, "emb_", "fit(films)")

    def _threshold_now(self, day: int, year: int) -> float:
        """The hit threshold of the still-running ``year`` as known on ``day``."""
        ytd = self.logrev_[(self.year_ == year) & (self.day_ < day)]
        if len(ytd) >= self.min_year_films:
            return float(np.quantile(ytd, self.hit_quantile))
        prev = self.year_threshold_.get(year - 1)
        if prev is not None:
            return prev
        return float(np.quantile(ytd, self.hit_quantile)) if len(ytd) else np.inf

    def _hits(self, day: int) -> np.ndarray:
        """Positions (in the history) of the recent hits as known on ``day``."""
        lo = np.searchsorted(self.day_, day - int(self.window_days), side="left")
        hi = np.searchsorted(self.day_, day, side="left")  # strictly before ``day``
        idx = np.arange(lo, hi)
        if not len(idx):
            return idx
        year = int((np.datetime64(int(day), "D").astype("datetime64[Y]").astype(int)) + 1970)
        thr = self.row_threshold_[idx].copy()
        thr[self.year_[idx] == year] = self._threshold_now(day, year)
        return idx[self.logrev_[idx] >= thr]

    def _similarities(self, emb_rows, hits: np.ndarray) -> np.ndarray:
        """Cosine similarities, shape (rows, hits)."""
        prod = emb_rows @ self.emb_[hits].T
        return prod.toarray() if sp.issparse(prod) else np.asarray(prod)

    # ------------------------------------------------------------------ transform
    def transform(self, films: pd.DataFrame) -> pd.DataFrame:
        """The copycat features of each film (rows aligned with ``films``, a fresh RangeIndex)."""
        self._check_fitted()
        for col in ("release_date", "keywords"):
            if col not in films.columns:
                raise SchemaError(f"CopycatIndex needs column '{col}'; got {list(films.columns)}")
        films = films.reset_index(drop=True)
        n = len(films)
        out = {name: np.full(n, np.nan) for name in self.feature_names_out_}
        if n == 0:
            return pd.DataFrame(out)
        days = _days(films["release_date"])
        emb, present = self._embed(films)
        colls = (_collections(films["collection"]) if "collection" in films.columns
                 else np.full(n, "", dtype=object))
        dated = np.flatnonzero(days != _NO_DAY)
        # rows grouped by release day in one sort (a mask per day would be quadratic)
        dated = dated[np.argsort(days[dated], kind="stable")]
        unique_days, starts = np.unique(days[dated], return_index=True)
        for day, group in zip(unique_days, np.split(dated, starts[1:]), strict=True):
            hits = self._hits(int(day))
            out["copycat_n_hits"][group] = len(hits)
            rows = group[present[group]]
            if not len(rows):
                continue
            sims = self._similarities(emb[rows], hits) if len(hits) else np.zeros((len(rows), 0))
            for r, s in zip(rows, sims, strict=True):
                same = (self.collection_[hits] == colls[r]) & (colls[r] != "")
                self._fill(out, r, s[~same], hits[~same], "copycat_", topk=True)
                self._fill(out, r, s[same], hits[same], "copycat_franchise_", topk=False)
        return pd.DataFrame(out)

    def _fill(self, out: dict, r: int, s: np.ndarray, hits: np.ndarray, prefix: str,
              topk: bool) -> None:
        above = int(np.sum(s >= self.threshold))
        best = float(s.max()) if len(s) else 0.0
        out[f"{prefix}max_sim"][r] = best
        out[f"{prefix}n_similar"][r] = above
        out[f"{prefix}flag"][r] = float(len(s) > 0 and best >= self.threshold)
        out[f"{prefix}nearest_logrev"][r] = (self.logrev_[hits[int(np.argmax(s))]]
                                             if best > 0 else np.nan)
        if topk:
            k = min(int(self.top_k), len(s))
            out[f"{prefix}topk_mean"][r] = float(np.sort(s)[::-1][:k].mean()) if k else 0.0

    def get_feature_names_out(self, input_features=None):
        self._check_fitted()
        return np.asarray(self.feature_names_out_, dtype=object)

    # ------------------------------------------------------------------ explanation
    def hit_similarities(self, film: pd.Series | pd.DataFrame) -> dict:
        """Every recent hit of one film as known on its release date, most similar first.

        Returns ``{"positions"`` (rows of the fitted history), ``"similarity"``,
        ``"franchise"`` (same collection) and ``"comparable"`` (the film has an embedding;
        when not, every similarity is 0)``}``.
        """
        self._check_fitted()
        row = film.iloc[0] if isinstance(film, pd.DataFrame) else film
        frame = (film.iloc[:1].reset_index(drop=True) if isinstance(film, pd.DataFrame)
                 else pd.DataFrame([row]))
        day = int(_days(frame["release_date"])[0])
        if day == _NO_DAY:
            raise InputError(f"The 'release_date' of the film must be a date, got "
                             f"{row.get('release_date')!r} instead.")
        emb, present = self._embed(frame)
        hits = self._hits(day)
        sims = self._similarities(emb, hits)[0] if len(hits) and present[0] else np.zeros(len(hits))
        order = np.argsort(-sims, kind="stable")
        coll = _collections(frame["collection"])[0] if "collection" in frame.columns else ""
        return {"positions": hits[order], "similarity": sims[order],
                "franchise": (self.collection_[hits[order]] == coll) & (coll != ""),
                "comparable": bool(present[0])}

    def nearest_hits(self, film: pd.Series | pd.DataFrame, n: int = 5) -> pd.DataFrame:
        """The ``n`` recent hits most similar to one film, as known on its release date.

        Returns a frame with ``film_id``, ``title``, ``release_date``, ``revenue`` (the
        ``revenue_column_`` fit on, constant 2017 dollars by default), ``similarity`` and
        ``franchise`` (same collection), most similar first.
        """
        found = self.hit_similarities(film)
        top = found["positions"][:n]
        return pd.DataFrame({
            "film_id": self.film_id_[top], "title": self.title_[top],
            "release_date": pd.to_datetime(self.day_[top], unit="D"),
            "revenue": np.exp(self.logrev_[top]), "similarity": found["similarity"][:n],
            "franchise": found["franchise"][:n],
        })
