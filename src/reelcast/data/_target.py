"""The target: natural-log worldwide revenue, and the films that have one to score."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import SchemaError

__all__ = ["log_revenue", "revenue_films"]


def log_revenue(films: pd.DataFrame, column: str = "revenue") -> np.ndarray:
    return np.log(pd.to_numeric(films[column], errors="coerce").to_numpy(float))


def revenue_films(films: pd.DataFrame, min_amount: float = 1_000.0) -> pd.DataFrame:
    """Films that can be scored: a release date and budget and revenue above ``min_amount``."""
    for col in ("release_date", "budget", "revenue"):
        if col not in films.columns:
            raise SchemaError(f"films need a '{col}' column to be evaluated")
    keep = (
        pd.to_datetime(films["release_date"], errors="coerce").notna()
        & (pd.to_numeric(films["budget"], errors="coerce") >= min_amount)
        & (pd.to_numeric(films["revenue"], errors="coerce") >= min_amount)
    )
    return films.loc[keep]
