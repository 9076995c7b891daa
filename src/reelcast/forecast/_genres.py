"""Genre probabilities for an upcoming film from its overview and/or its poster.

A deliberately light model (it trains with the forecaster, in seconds, on one core):

* **overview branch** — TF-IDF of the overview (words and bigrams, ``min_df`` 3) → one logistic
  regression per genre (one-vs-rest);
* **poster branch** — the handcrafted :class:`~reelcast.vision.PosterFeatures`, standardized →
  one logistic regression per genre;
* with both, the probabilities are averaged (late fusion); with one, that branch alone; with
  neither, no genre output.

Everything learned is plain arrays (vocabulary, idf, coefficients, means) saved in
``genre_model.npz`` with ``allow_pickle=False``; ``genre_model.json`` holds the labels and the
held-out metrics. Both are hashed in the model's manifest.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._artifact import format_tag
from .._errors import ArtifactError, ImageError, InputError
from .._io import write_json

__all__ = ["GENRE_FILE", "GENRE_INFO_FILE", "GenreProbabilities", "fit_genre_model",
           "load_genres", "save_genres"]

GENRE_FILE = "genre_model.npz"
GENRE_INFO_FILE = "genre_model.json"
_MIN_LABEL_FILMS = 20  # a genre with fewer positive training films is not predicted
_C = 4.0


def _labels(films: pd.DataFrame) -> list[list[str]]:
    return [list(v) if isinstance(v, list | tuple | np.ndarray) else []
            for v in films["genres"].tolist()]


def _overviews(films: pd.DataFrame) -> np.ndarray:
    if "overview" not in films.columns:
        return np.full(len(films), "", dtype=object)
    return np.array([v.strip() if isinstance(v, str) else "" for v in films["overview"].tolist()],
                    dtype=object)


def _tfidf(**kw):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(lowercase=True, stop_words="english", ngram_range=(1, 2), min_df=3,
                           max_features=30_000, sublinear_tf=True, dtype=np.float64, **kw)


def _fit_ovr(X, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per label column; coefficients (labels × features), intercepts."""
    from sklearn.linear_model import LogisticRegression

    coef, intercept = [], []
    for j in range(Y.shape[1]):
        lr = LogisticRegression(C=_C, max_iter=300, solver="liblinear").fit(X, Y[:, j])
        coef.append(lr.coef_[0])
        intercept.append(lr.intercept_[0])
    return np.asarray(coef, float), np.asarray(intercept, float)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


class GenreProbabilities:
    """The fitted genre model (built by :func:`fit_genre_model` or :func:`load_genres`).

    Attributes
    ----------
    labels : list of str
    text : dict or None
        ``vocabulary``, ``idf``, ``coef``, ``intercept`` of the overview branch.
    poster : dict or None
        ``mean``, ``scale``, ``coef``, ``intercept`` of the poster branch.
    """

    def __init__(self, labels: list[str], text: dict | None, poster: dict | None):
        self.labels = list(labels)
        self.text = text
        self.poster = poster
        self._vectorizer = None
        if text is not None:
            vec = _tfidf(vocabulary={w: i for i, w in enumerate(text["vocabulary"])})
            vec.fit(["placeholder"])  # a fixed vocabulary: fit only builds the analyzer
            vec.idf_ = np.asarray(text["idf"], float)
            self._vectorizer = vec

    def text_proba(self, overviews) -> np.ndarray:
        X = self._vectorizer.transform(list(overviews))
        return _sigmoid(np.asarray(X @ self.text["coef"].T) + self.text["intercept"])

    def poster_proba(self, features: np.ndarray) -> np.ndarray:
        z = (np.atleast_2d(np.asarray(features, float)) - self.poster["mean"]) / self.poster["scale"]
        return _sigmoid(z @ self.poster["coef"].T + self.poster["intercept"])

    def predict(self, overview: str | None = None, poster_features=None) -> tuple[dict, list, list]:
        """Genre probabilities for one film, the modalities used and warnings.

        Returns ``({genre: p}, used, warnings)``; ``{}`` when no usable modality was given.
        """
        parts, used, warnings = [], [], []
        if overview is not None and str(overview).strip():
            if self.text is None:
                warnings.append("genres: the model has no overview branch; overview skipped")
            else:
                parts.append(self.text_proba([str(overview)])[0])
                used.append("overview")
        if poster_features is not None:
            vec = np.asarray(poster_features, float).ravel()
            if self.poster is None:
                warnings.append("genres: the model has no poster branch; poster skipped")
            elif vec.shape != self.poster["mean"].shape or not np.isfinite(vec).all():
                warnings.append("genres: poster features could not be computed; poster skipped")
            else:
                parts.append(self.poster_proba(vec)[0])
                used.append("poster")
        if not parts:
            return {}, used, warnings
        proba = np.mean(parts, axis=0)
        order = np.argsort(-proba, kind="stable")
        return {self.labels[j]: float(proba[j]) for j in order}, used, warnings

    def arrays(self) -> dict[str, np.ndarray]:
        out = {"labels": np.asarray(self.labels, dtype=str)}
        if self.text is not None:
            out |= {"text_vocabulary": np.asarray(self.text["vocabulary"], dtype=str),
                    **{f"text_{k}": np.asarray(self.text[k], float)
                       for k in ("idf", "coef", "intercept")}}
        if self.poster is not None:
            out |= {f"poster_{k}": np.asarray(self.poster[k], float)
                    for k in ("mean", "scale", "coef", "intercept")}
        return out

    @classmethod
    def from_arrays(cls, arrays) -> GenreProbabilities:
        keys = set(arrays.keys())
        text = poster = None
        if "text_vocabulary" in keys:
            text = {"vocabulary": [str(w) for w in arrays["text_vocabulary"]],
                    **{k: np.asarray(arrays[f"text_{k}"], float)
                       for k in ("idf", "coef", "intercept")}}
        if "poster_mean" in keys:
            poster = {k: np.asarray(arrays[f"poster_{k}"], float)
                      for k in ("mean", "scale", "coef", "intercept")}
        return cls([str(g) for g in arrays["labels"]], text, poster)


def fit_genre_model(films: pd.DataFrame, poster_features: pd.DataFrame | None = None
                    ) -> GenreProbabilities:
    """Train both branches on the films with genres (and an overview / readable poster).

    ``poster_features`` is :class:`PosterFeatures` output aligned with ``films`` (NaN rows for
    missing posters); ``None`` trains no poster branch.
    """
    from sklearn.preprocessing import MultiLabelBinarizer

    labels = _labels(films)
    has_genre = np.array([bool(g) for g in labels])
    mlb = MultiLabelBinarizer().fit([g for g, ok in zip(labels, has_genre, strict=True) if ok])
    Y_all = mlb.transform(labels)
    keep_labels = Y_all[has_genre].sum(axis=0) >= _MIN_LABEL_FILMS
    names = [str(c) for c, k in zip(mlb.classes_, keep_labels, strict=True) if k]
    Y_all = Y_all[:, keep_labels]
    if not names:
        raise InputError(f"genres: no genre has {_MIN_LABEL_FILMS} training films")
    text = None
    docs = _overviews(films)
    rows = has_genre & (docs != "")
    if rows.sum() >= 50:
        vec = _tfidf().fit(docs[rows])
        coef, intercept = _fit_ovr(vec.transform(docs[rows]), Y_all[rows])
        vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
        text = {"vocabulary": vocab, "idf": vec.idf_, "coef": coef, "intercept": intercept}
    poster = None
    if poster_features is not None:
        P = np.asarray(poster_features, float)
        rows_p = has_genre & np.isfinite(P).all(axis=1)
        if rows_p.sum() >= 50:
            mean, scale = P[rows_p].mean(axis=0), P[rows_p].std(axis=0)
            scale = np.where(scale > 1e-12, scale, 1.0)
            coef, intercept = _fit_ovr((P[rows_p] - mean) / scale, Y_all[rows_p])
            poster = {"mean": mean, "scale": scale, "coef": coef, "intercept": intercept}
    if text is None and poster is None:
        raise InputError("genres: need at least 50 training films with genres and an overview "
                         "or a readable poster")
    return GenreProbabilities(names, text, poster)


def _poster_block(films: pd.DataFrame, poster_root, poster_cache) -> pd.DataFrame | None:
    """Handcrafted poster features of the training films, or ``None`` when none can be read."""
    from ..vision import PosterFeatures

    if "poster_file" not in films.columns or films["poster_file"].notna().sum() == 0:
        return None
    feats = PosterFeatures(root=poster_root, cache_dir=poster_cache, show_progress=True)
    out = feats.fit(films).transform(films)
    return out if np.isfinite(out.to_numpy(float)).all(axis=1).sum() >= 50 else None


def save_genres(model_dir: str | Path, films: pd.DataFrame, *, posters: bool = True,
                poster_root=None, poster_cache=None, holdout_start: str = "2014-01-01") -> dict:
    """Train the genre model on ``films``, measure it on a temporal hold-out, save it.

    The hold-out score comes from a model trained on the films before ``holdout_start`` and
    tested on the later ones; the saved model is then trained on every film given.
    """
    from ..evaluation import multilabel_metrics
    from ..models.forecaster import add_forecaster_files

    films = films.loc[[bool(g) for g in _labels(films)]]
    block = _poster_block(films, poster_root, poster_cache) if posters else None
    dates = pd.to_datetime(films["release_date"], errors="coerce")
    early = (dates < pd.Timestamp(holdout_start)).to_numpy()
    metrics = {}
    if early.sum() >= 50 and (~early).sum() >= 20:
        held = fit_genre_model(films.loc[early], None if block is None else block.loc[early])
        test = films.loc[~early]
        for name, branch in (("overview", "text"), ("poster", "poster")):
            if getattr(held, branch) is None:
                continue
            if branch == "text":
                ok = _overviews(test) != ""
                proba = held.text_proba(_overviews(test)[ok]) if ok.any() else None
            else:
                P = block.loc[~early].to_numpy(float)
                ok = np.isfinite(P).all(axis=1)
                proba = held.poster_proba(P[ok]) if ok.any() else None
            if proba is None:
                continue
            truth = [[int(g in set(gs)) for g in held.labels]
                     for gs, k in zip(_labels(test), ok, strict=True) if k]
            m = multilabel_metrics(np.asarray(truth), proba, labels=held.labels)
            metrics[name] = {k: m[k] for k in ("n", "micro_f1", "macro_f1", "map",
                                               "roc_auc_macro")}
    model = fit_genre_model(films, block)
    info = {"format": format_tag("genres", 1), "labels": model.labels,
            "branches": [b for b in ("text", "poster") if getattr(model, b) is not None],
            "n_train": int(len(films)), "holdout_start": holdout_start,
            "holdout_metrics": metrics}
    add_forecaster_files(model_dir, {GENRE_FILE: lambda path: _savez(path, model.arrays()),
                                   GENRE_INFO_FILE: lambda path: write_json(path, info)})
    return info


def _savez(path: Path, arrays: dict) -> None:
    from .._io import atomic_file

    with atomic_file(path, "wb") as fh:
        np.savez(fh, **arrays)


def load_genres(model_dir: str | Path) -> GenreProbabilities | None:
    """The saved genre model, or ``None`` when the model directory has none."""
    path = Path(model_dir) / GENRE_FILE
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as arrays:
            return GenreProbabilities.from_arrays(arrays)
    except (OSError, ValueError, KeyError) as exc:
        raise ArtifactError(f"{path} is not a readable genre model: {exc}") from exc


def poster_vector(image) -> np.ndarray | None:
    """Handcrafted poster features of a PIL image or RGB array; ``None`` if they fail."""
    from ..vision import poster_features_from_array

    try:
        return poster_features_from_array(np.asarray(image.convert("RGB") if hasattr(
            image, "convert") else image))
    except (ImageError, ValueError):  # the caller reports the poster as skipped
        return None
