"""The anime domain (RESEARCH §5): MAL score from synopsis + pre-release metadata.

A domain of its own beside the films: its input (``read_anime_csv``), features, model, training
and evaluation, and model directories; the CLI's ``reelcast anime`` command group drives it.

>>> from reelcast.data import make_anime_market
>>> from reelcast.anime import AnimePopularityModel, anime_metrics, temporal_split
>>> anime = make_anime_market(400, seed=0)
>>> train, test = temporal_split(anime, cut_year=2012)
>>> model = AnimePopularityModel(text="tfidf", n_estimators=50).fit(anime[train])
>>> round(anime_metrics(anime["score"][test], model.predict(anime[test]))["r2"], 1) > 0
True
"""

from ._artifact import ANIME_FORMAT, load_anime_model, read_anime_manifest, save_anime_model
from ._evaluation import (
    anime_metrics,
    random_split,
    scale_score,
    scored_titles,
    temporal_split,
    unscale_score,
)
from ._features import INPUT_COLUMNS, AnimeFeatures, anime_dates
from ._input import read_anime_csv
from ._model import HEADS, TEXT_ENCODERS, AnimePopularityModel
from ._training import evaluate_anime_model, train_anime_model

__all__ = [
    "ANIME_FORMAT",
    "HEADS",
    "INPUT_COLUMNS",
    "TEXT_ENCODERS",
    "AnimeFeatures",
    "AnimePopularityModel",
    "anime_dates",
    "anime_metrics",
    "evaluate_anime_model",
    "load_anime_model",
    "random_split",
    "read_anime_csv",
    "read_anime_manifest",
    "save_anime_model",
    "scale_score",
    "scored_titles",
    "temporal_split",
    "train_anime_model",
    "unscale_score",
]
