"""The predicted audience rating: LightGBM on the forecaster's own pre-release features.

The rating (TMDB/IMDb-style 0–10 average) is only ever a *target* here. The forecaster's feature
table already drops the film's own post-release columns (``rating``, ``vote_count``, revenues:
``FORBIDDEN_INPUTS``) before any block sees the row; earlier films' ratings enter only through
the as-of talent history, as they were public before the film's release.

Training films are the films passed with at least :data:`MIN_VOTES` votes (a rating from three
votes is noise). The booster is saved in LightGBM's text format (``rating_model.txt``) with a
small JSON of its provenance (``rating.json``), both hashed in the model's manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .._artifact import format_tag
from .._errors import ArtifactError, InputError
from .._io import write_json
from ..models import booster_predict
from ..models.forecaster import add_forecaster_files

__all__ = [
    "MIN_VOTES",
    "RATING_FILE",
    "RATING_INFO_FILE",
    "fit_rating_booster",
    "load_rating",
    "predict_rating",
    "rating_targets",
    "save_rating",
    "temporal_rating_score",
]

MIN_VOTES = 10
RATING_FILE = "rating_model.txt"
RATING_INFO_FILE = "rating.json"
_PARAMS = {"n_estimators": 400, "learning_rate": 0.03, "num_leaves": 31, "min_child_samples": 20,
           "subsample": 0.8, "colsample_bytree": 0.5, "reg_lambda": 1.0}


def rating_targets(films: pd.DataFrame, min_votes: int = MIN_VOTES) -> tuple[np.ndarray, np.ndarray]:
    """A mask of films whose rating is a usable target, and the ratings (NaN elsewhere)."""
    if "rating" not in films.columns or "vote_count" not in films.columns:
        return np.zeros(len(films), bool), np.full(len(films), np.nan)
    rating = pd.to_numeric(films["rating"], errors="coerce").to_numpy(float)
    votes = pd.to_numeric(films["vote_count"], errors="coerce").to_numpy(float)
    keep = np.isfinite(rating) & (votes >= min_votes) & (rating >= 0) & (rating <= 10)
    return keep, rating


def fit_rating_booster(X: pd.DataFrame, y: np.ndarray, *, n_jobs: int = 1, random_state: int = 0,
                       **params):
    """A LightGBM regressor of the rating on the feature table ``X``; returns its booster."""
    import lightgbm as lgb

    if len(X) < 20:
        raise InputError(f"need at least 20 rated films (>= {MIN_VOTES} votes) to train the "
                         f"rating model, got {len(X)}")
    p = _PARAMS | params
    model = lgb.LGBMRegressor(
        n_estimators=p["n_estimators"], learning_rate=p["learning_rate"],
        num_leaves=p["num_leaves"], min_child_samples=p["min_child_samples"],
        subsample=p["subsample"], subsample_freq=1, colsample_bytree=p["colsample_bytree"],
        reg_lambda=p["reg_lambda"], random_state=random_state, n_jobs=n_jobs,
        deterministic=True, force_row_wise=True, verbose=-1)
    return model.fit(X, np.asarray(y, float)).booster_


def predict_rating(booster, X: pd.DataFrame) -> np.ndarray:
    """Predicted ratings, clipped to the 0–10 scale."""
    return np.clip(np.asarray(booster_predict(booster, X), float), 0.0, 10.0)


def save_rating(model_dir: str | Path, forecaster, films: pd.DataFrame) -> dict:
    """Train the rating model on ``films`` (rated ones) and save it into ``model_dir``.

    The features are ``forecaster.transform`` of each film, i.e. exactly what a forecast sees.
    Returns the provenance written to ``rating.json``.
    """
    keep, rating = rating_targets(films)
    rated = films.loc[keep]
    X = forecaster.transform(rated)
    # as many boosting rounds as the forecaster, at most 400: a tiny test model stays tiny
    rounds = min(_PARAMS["n_estimators"], int(getattr(forecaster, "n_estimators", 400)))
    booster = fit_rating_booster(X, rating[keep], n_jobs=getattr(forecaster, "n_jobs", 1),
                                 n_estimators=rounds)
    fitted = predict_rating(booster, X)
    info = {"format": format_tag("rating", 1), "target": "rating (0-10)", "min_votes": MIN_VOTES,
            "n_train": int(keep.sum()), "params": _PARAMS | {"n_estimators": rounds},
            "train_rmse": float(np.sqrt(np.mean((fitted - rating[keep]) ** 2))),
            "features": list(X.columns)}
    text = booster.model_to_string()
    add_forecaster_files(model_dir, {RATING_FILE: lambda path: _write_text(path, text),
                                   RATING_INFO_FILE: lambda path: write_json(path, info)})
    return {k: v for k, v in info.items() if k != "features"}


def _write_text(path: Path, text: str) -> None:
    from .._io import atomic_file

    with atomic_file(path, "w") as fh:
        fh.write(text)


def load_rating(model_dir: str | Path):
    """The saved rating booster, or ``None`` when the model has none (hashes checked on load)."""
    import lightgbm as lgb

    model_dir = Path(model_dir)
    path = model_dir / RATING_FILE
    if not path.is_file():
        return None
    try:
        info = json.loads((model_dir / RATING_INFO_FILE).read_text())
        booster = lgb.Booster(model_file=str(path))
    except (OSError, json.JSONDecodeError, lgb.basic.LightGBMError) as exc:
        raise ArtifactError(f"{path} is not a readable rating model: {exc}") from exc
    if booster.num_feature() != len(info.get("features", [])):
        raise ArtifactError(f"{path} expects {booster.num_feature()} features but rating.json "
                            f"lists {len(info.get('features', []))}")
    return booster


def temporal_rating_score(films: pd.DataFrame, make_forecaster, *,
                          train_end: str = "2014-01-01", test_end: str = "2018-01-01") -> dict:
    """R² and RMSE of the rating model on a temporal test, as deployed.

    The forecaster (for its features: history, keyword topics) and the rating model learn only
    from films released before ``train_end``; the test is the rated films of
    ``[train_end, test_end)``.
    """
    from sklearn.metrics import mean_absolute_error, r2_score

    from ..data import revenue_films

    dates = pd.to_datetime(films["release_date"], errors="coerce")
    past = films.loc[dates < pd.Timestamp(train_end)]
    test_mask = (dates >= pd.Timestamp(train_end)) & (dates < pd.Timestamp(test_end))
    forecaster = make_forecaster().fit(revenue_films(past), history=past)
    keep, rating = rating_targets(past)
    booster = fit_rating_booster(forecaster.transform(past.loc[keep]), rating[keep])
    test = films.loc[test_mask.to_numpy()]
    keep_t, rating_t = rating_targets(test)
    if keep_t.sum() < 2:
        raise InputError(f"fewer than 2 rated films in the test window [{train_end}, {test_end})")
    pred = predict_rating(booster, forecaster.transform(test.loc[keep_t]))
    y = rating_t[keep_t]
    return {"train_end": train_end, "test_end": test_end, "n_train": int(keep.sum()),
            "n_test": int(keep_t.sum()), "r2": float(r2_score(y, pred)),
            "rmse": float(np.sqrt(np.mean((pred - y) ** 2))),
            "mae": float(mean_absolute_error(y, pred)),
            "rmse_mean_baseline": float(np.sqrt(np.mean((y - rating[keep].mean()) ** 2)))}

