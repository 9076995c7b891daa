"""The recent hits an upcoming film most resembles, with the copycat flag (issue #7, one film).

A hit is what :class:`~reelcast.copycat.CopycatIndex` says it is: a film released in the
``window_days`` before the new film, grossing at least the ``hit_quantile`` quantile of its
release year; similarity is the cosine of TF-IDF keyword vectors. The model directory keeps the
films the index needs (``hits.parquet``: id, title, date, revenue, keywords, collection of every
dated training film with revenue) and the index parameters (``hits.json``); loading refits the
index on exactly that table, so the vocabulary and thresholds are those of training.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .._artifact import format_tag
from .._errors import ArtifactError
from .._io import write_json

__all__ = ["HITS_FILE", "HITS_INFO_FILE", "film_hits", "hits_table", "load_hits", "save_hits"]

HITS_FILE = "hits.parquet"
HITS_INFO_FILE = "hits.json"
_COLUMNS = ("film_id", "title", "release_date", "revenue", "revenue_adj", "keywords", "collection")


def hits_table(films: pd.DataFrame) -> pd.DataFrame:
    """The dated films with revenue and their keywords: all a copycat index learns from."""
    dates = pd.to_datetime(films["release_date"], errors="coerce")
    revenue = pd.to_numeric(films["revenue"], errors="coerce")
    keep = (dates.notna() & (revenue > 0)).to_numpy()
    sub = films.loc[keep]
    return pd.DataFrame({
        "film_id": sub["film_id"].astype(str).to_numpy(),
        "title": sub["title"].astype(str).to_numpy(),
        "release_date": dates[keep].to_numpy(),
        "revenue": revenue[keep].astype(float).to_numpy(),
        "revenue_adj": (pd.to_numeric(sub["revenue_adj"], errors="coerce").astype(float).to_numpy()
                        if "revenue_adj" in sub.columns else revenue[keep].to_numpy(float)),
        "keywords": [[str(k) for k in v] if isinstance(v, list | tuple | np.ndarray) else []
                     for v in sub["keywords"].tolist()],
        "collection": [v if isinstance(v, str) else None for v in (
            sub["collection"].tolist() if "collection" in sub.columns else [None] * len(sub))],
    })


def save_hits(model_dir: str | Path, films: pd.DataFrame, **index_params) -> dict:
    """Write ``hits.parquet`` and ``hits.json`` into ``model_dir`` and hash them in the manifest."""
    from .._io import atomic_file
    from ..copycat import CopycatIndex
    from ..models.forecaster import add_forecaster_files

    table = hits_table(films)
    index = CopycatIndex(**index_params).fit(table)  # checks the parameters and the keywords
    def write_table(path):
        with atomic_file(path, "wb") as fh:
            table.to_parquet(fh, index=False)

    info = {"format": format_tag("hits", 1), "params": index.get_params(),
            "n_films": int(len(table)), "revenue_column": index.revenue_column_}
    add_forecaster_files(model_dir, {HITS_FILE: write_table,
                                     HITS_INFO_FILE: lambda path: write_json(path, info)})
    return info


def load_hits(model_dir: str | Path):
    """The copycat index refit on the saved table, or ``None`` when the model has none."""
    from ..copycat import CopycatIndex

    model_dir = Path(model_dir)
    path = model_dir / HITS_FILE
    if not path.is_file():
        return None
    try:
        info = json.loads((model_dir / HITS_INFO_FILE).read_text())
        table = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise ArtifactError(f"{path} is not a readable hits table: {exc}") from exc
    table["keywords"] = [list(v) if v is not None else [] for v in table["keywords"]]
    return CopycatIndex(**info["params"]).fit(table)


def film_hits(index, film: pd.DataFrame, n: int = 5) -> dict:
    """The ``n`` most similar recent hits of a one-row frame and its copycat status.

    Returns ``{"hits": [...], "copycat": bool | None, "franchise_copycat": bool | None,
    "max_similarity", "n_recent_hits", "n_similar", "threshold", "window_days",
    "hit_quantile", "revenue_column"}``; the flags are ``None`` when the film cannot be compared
    (fewer than ``min_keywords`` keywords). They are those of ``CopycatIndex.transform``
    (``copycat``: non-franchise hits), read off one similarity pass over the recent hits.
    """
    found = index.hit_similarities(film)
    comparable = found["comparable"]
    sims, franchise = found["similarity"], found["franchise"]
    tau = float(index.threshold)
    other = ~franchise

    def flag(mask):
        return bool(mask.any() and sims[mask].max() >= tau) if comparable else None

    hits = []
    for pos, sim, fr in zip(found["positions"][:n], sims[:n], franchise[:n], strict=True):
        if not comparable:
            break
        hits.append({"title": str(index.title_[pos]), "film_id": str(index.film_id_[pos]),
                     "release_date": str(np.datetime64(int(index.day_[pos]), "D")),
                     "revenue": float(np.exp(index.logrev_[pos])), "similarity": float(sim),
                     "franchise": bool(fr)})
    return {"hits": hits, "copycat": flag(other), "franchise_copycat": flag(franchise),
            "max_similarity": (float(sims[other].max()) if other.any() else 0.0)
            if comparable else None,
            "n_recent_hits": int(len(sims)),
            "n_similar": int((sims[other] >= tau).sum()) if comparable else None,
            "threshold": tau, "window_days": int(index.window_days),
            "hit_quantile": float(index.hit_quantile), "revenue_column": index.revenue_column_}
