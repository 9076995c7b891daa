"""Train-and-save for ``reelcast train --domain anime``: holdout metrics, then a model on all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputError
from .._io import frame_sha256
from ..evaluation import cutoff_date
from ._artifact import save_anime_model
from ._evaluation import anime_metrics, random_split, scored_titles, temporal_split
from ._features import INPUT_COLUMNS, anime_dates
from ._model import AnimePopularityModel

__all__ = ["train_anime_model", "evaluate_anime_model"]


def train_anime_model(anime: pd.DataFrame, out_dir: str | Path, *, until: str | None = None,
                      holdout: float = 0.2, **params) -> dict:
    """Fit :class:`AnimePopularityModel` on the scored titles of ``anime`` and save it.

    With ``holdout > 0`` a first model is fitted on the titles before the year that leaves about
    ``holdout`` of them after it, and scored on those (temporal split); its metrics go into the
    manifest. The saved model is then fitted on every scored title (before ``until``).

    Returns
    -------
    dict
        ``n_train``, ``text_encoder``, ``metrics`` (empty without holdout), ``cut_year``.
    """
    scored = scored_titles(anime)
    cutoff = cutoff_date(until)
    if cutoff is not None:
        scored = scored[(anime_dates(scored) < cutoff).fillna(False).to_numpy(bool)]
    if len(scored) < 20:
        raise InputError(f"need at least 20 scored titles to train, got {len(scored)}")
    if not 0 <= holdout < 0.5:
        raise InputError(f"holdout must be in [0, 0.5), got {holdout!r}")
    metrics, cut_year = {}, None
    if holdout > 0:
        years = anime_dates(scored).dt.year.dropna()
        cut_year = int(np.quantile(years, 1 - holdout)) if len(years) else None
        train, test = temporal_split(scored, cut_year) if cut_year else (None, None)
        if train is not None and train.sum() >= 20 and test.sum() >= 2:
            probe = AnimePopularityModel(**params).fit(scored[train])
            metrics = anime_metrics(scored["score"][test], probe.predict(scored[test]))
            metrics.update(split=f"temporal: train < {cut_year} ({int(train.sum())} titles), "
                                 f"test >= {cut_year} ({int(test.sum())} titles)",
                           score_scale="(score - 1) / 9")
    model = AnimePopularityModel(**params).fit(scored)
    data_hash = frame_sha256(scored[["anime_id", "start_date", "score"]].astype(
        {"start_date": "string"}))
    save_anime_model(model, out_dir, training_data_hash=data_hash, metrics=metrics,
                     extra={"n_train": len(scored), "inputs": list(INPUT_COLUMNS)})
    return {"n_train": len(scored), "text_encoder": model.text_used_, "metrics": metrics,
            "cut_year": cut_year}


def evaluate_anime_model(anime: pd.DataFrame, *, cut_year: int = 2015, random: bool = False,
                         **params) -> dict:
    """Temporal (and optionally random 80/20) scores of the model beside the training mean.

    Returns
    -------
    dict
        ``{"temporal": {"split": str, "mean": metrics, "model": metrics}, "random": …}``.
    """
    scored = scored_titles(anime).reset_index(drop=True)
    splits = {"temporal": temporal_split(scored, cut_year)}
    if random:
        splits["random"] = random_split(len(scored), 0.2, seed=int(params.get("random_state", 0)))
    out = {}
    for name, (train, test) in splits.items():
        if train.sum() < 20 or test.sum() < 2:
            raise InputError(f"the {name} split leaves {int(train.sum())} training and "
                             f"{int(test.sum())} test titles; choose another cut year")
        truth = scored["score"][test]
        model = AnimePopularityModel(**params).fit(scored[train])
        label = (f"train < {cut_year} ({int(train.sum())} titles), test >= {cut_year} "
                 f"({int(test.sum())})" if name == "temporal"
                 else f"random 80/20 ({int(train.sum())} / {int(test.sum())})")
        out[name] = {"split": label,
                     "mean": anime_metrics(truth, np.full(len(truth), scored["score"][train].mean())),
                     "model": anime_metrics(truth, model.predict(scored[test])),
                     "text_encoder": model.text_used_}
    return out
