"""Scoring intervals: coverage, Winkler (interval) score and width, overall and per group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import InputError

__all__ = ["interval_table", "winkler_score"]


def winkler_score(y_true, lower, upper, level: float) -> np.ndarray:
    """Per-film interval score at nominal ``level`` (lower is better; log units).

    The width, plus ``2/α`` times the distance by which the truth falls outside
    (Gneiting & Raftery 2007): a narrow band pays for every miss, a wide one for its width.
    """
    if not 0 < level < 1:
        raise InputError(f"level must be in (0, 1), got {level!r}")
    y_true, lower, upper = (np.asarray(a, float) for a in (y_true, lower, upper))
    alpha = 1 - level
    below = np.maximum(lower - y_true, 0.0)
    above = np.maximum(y_true - upper, 0.0)
    return (upper - lower) + (2 / alpha) * (below + above)


def interval_table(frame: pd.DataFrame, by: str | None, levels=(0.8, 0.95)) -> pd.DataFrame:
    """Coverage, Winkler score, median ×-width (``exp(upper − lower)``) and mean residual per group.

    ``frame`` has ``y``, ``pred`` and ``lo{80}``/``hi{80}`` (one pair per level, in log units);
    ``by`` names the grouping column (``None``: one row for every film).
    """
    groups = [("all", frame)] if by is None else list(frame.groupby(by, observed=True, sort=True))
    rows = []
    for key, g in groups:
        ok = np.isfinite(g["y"].to_numpy(float))
        g = g.loc[ok]
        if g.empty:
            continue
        row = {"group": str(key), "n": len(g),
               "mean_residual": float((g["y"] - g["pred"]).mean())}
        for level in levels:
            tag = f"{round(level * 100)}"
            lo, hi, y = g[f"lo{tag}"].to_numpy(), g[f"hi{tag}"].to_numpy(), g["y"].to_numpy()
            row[f"cover{tag}"] = float(((y >= lo) & (y <= hi)).mean())
            row[f"winkler{tag}"] = float(winkler_score(y, lo, hi, level).mean())
            row[f"median_x{tag}"] = float(np.exp(np.median(hi - lo)))
        rows.append(row)
    return pd.DataFrame(rows)
