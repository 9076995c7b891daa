"""Splits, score scaling and metrics for the anime popularity study (RESEARCH §5).

The paper reports MSE on a [0, 1]-scaled MAL score. We scale with the *fixed* map
``(score - 1) / 9`` (MAL scores live on 1–10), not min–max over the data: a fixed map does not
depend on which titles are in the training set, so the MSE of two splits (or of two papers) is on
the same ruler. Min–max over our scored titles (1.85–9.19) would stretch the scale by
9 / 7.34 and multiply every MSE by about 1.5. R², Pearson and Spearman do not depend on the scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import InputError, SchemaError
from ._features import anime_dates

__all__ = ["SCORE_MIN", "SCORE_MAX", "scale_score", "unscale_score", "anime_metrics",
           "scored_titles", "temporal_split", "random_split"]

SCORE_MIN, SCORE_MAX = 1.0, 10.0


def scale_score(score) -> np.ndarray:
    """MAL score (1–10) → [0, 1] by ``(score - 1) / 9``."""
    return (np.asarray(score, float) - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)


def unscale_score(scaled) -> np.ndarray:
    return np.asarray(scaled, float) * (SCORE_MAX - SCORE_MIN) + SCORE_MIN


def anime_metrics(y_true, y_pred) -> dict[str, float]:
    """MSE/RMSE on the [0, 1] scale, MAE on the 1–10 scale, R², Pearson and Spearman."""
    from scipy.stats import pearsonr, spearmanr

    t, p = np.asarray(y_true, float), np.asarray(y_pred, float)
    if t.shape != p.shape or t.ndim != 1 or len(t) < 2:
        raise InputError(f"anime_metrics needs two 1-d arrays of the same length >= 2, "
                         f"got shapes {t.shape} and {p.shape}")
    ts, ps = scale_score(t), scale_score(p)
    mse = float(np.mean((ts - ps) ** 2))
    var = float(np.var(ts))
    constant = np.ptp(p) == 0
    return {"mse": mse, "rmse": float(np.sqrt(mse)), "mae": float(np.mean(np.abs(t - p))),
            "r2": 1.0 - mse / var if var > 0 else float("nan"),
            "pearson": float("nan") if constant else float(pearsonr(t, p)[0]),
            "spearman": float("nan") if constant else float(spearmanr(t, p)[0]),
            "n": int(len(t))}


def scored_titles(frame: pd.DataFrame) -> pd.DataFrame:
    """Titles with a MAL score (unscored titles have not aired or have too few votes)."""
    if "score" not in frame.columns:
        raise SchemaError("anime table has no 'score' column (the target)")
    return frame[pd.to_numeric(frame["score"], errors="coerce").notna()]


def temporal_split(frame: pd.DataFrame, cut_year: int = 2015) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks ``(train, test)``: start before 1 January ``cut_year`` vs on/after it.

    The date is ``start_date``, else 1 January of ``year``; titles with neither are in neither
    set (we cannot place them in time).
    """
    if not isinstance(cut_year, int | np.integer) or not 1900 < cut_year < 2100:
        raise InputError(f"The 'cut_year' parameter must be a year, got {cut_year!r} instead.")
    dates = anime_dates(frame)
    cut = pd.Timestamp(year=int(cut_year), month=1, day=1)
    known = dates.notna().to_numpy()
    before = (dates < cut).fillna(False).to_numpy(bool)
    return known & before, known & ~before


def random_split(n: int, test_size: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks ``(train, test)`` of a seeded random split (the paper's protocol)."""
    if not 0 < test_size < 1:
        raise InputError(f"The 'test_size' parameter must be in (0, 1), got {test_size!r} instead.")
    test = np.zeros(n, bool)
    test[np.random.default_rng(seed).permutation(n)[:int(round(n * test_size))]] = True
    return ~test, test
