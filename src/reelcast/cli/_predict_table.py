"""The table ``reelcast predict`` writes, and the few lines it prints about it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..forecast import field_report, interval_columns, money, supplied_fields

__all__ = ["forecast_table", "summary_lines"]

_SHOWN_ROWS = 10  # a batch larger than this prints a summary, not every row


def _left_out_note(entries: list[dict], limit: int = 4) -> str:
    """``cast ×1.49 up; writers ×1.30 down`` (or just the names without measured effects)."""
    parts = []
    for e in entries[:limit]:
        if e["typical_move_factor"] is None:
            parts.append(e["field"])
        else:
            parts.append(f"{e['field']} ×{e['typical_move_factor']:.2f} {e['direction']}")
    return "; ".join(parts)


def forecast_table(forecaster, films: pd.DataFrame, intervals=None) -> pd.DataFrame:
    """One row per film: title, date, forecast, the fields used, the important ones left out
    and the 80%/95% bounds (``low_80_usd`` … ``high_95_usd``; empty without ``intervals``).

    ``forecaster`` is a :class:`BoxOfficeForecaster` or a stack; ``intervals`` the model
    directory's calibrated bands (they read the same feature table as the forecast).
    """
    X = forecaster.transform(films)
    log_rev = np.asarray(forecaster.predict_features(X, forecaster.routes(films)), float)
    table = films[["title", "release_date"]].copy()
    table["release_date"] = table["release_date"].dt.strftime("%Y-%m-%d")
    table["forecast_revenue_usd"] = np.round(np.exp(log_rev), -3)
    table["forecast_log_revenue"] = np.round(log_rev, 4)
    effects = getattr(forecaster, "field_effects_", None)
    used, left = [], []
    for _, row in films.iterrows():
        rep = field_report(supplied_fields(row), effects)
        used.append("|".join(rep["fields_used"]))
        left.append(_left_out_note(rep["left_out"]))
    table["fields_used"] = used
    # a measured model names the most important missing fields with their typical move
    table["left_out"] = left
    for name, values in interval_columns(intervals, log_rev, X).items():
        table[name] = np.round(values, -3)
    return table


def summary_lines(table: pd.DataFrame, output: Path) -> list[str]:
    """What the terminal shows: the rows for a small batch, else a summary."""
    n = len(table)
    lines = []
    if n <= _SHOWN_ROWS:
        shown = table[["title", "release_date", "forecast_revenue_usd"]].copy()
        shown["forecast_revenue_usd"] = [money(v) for v in shown["forecast_revenue_usd"]]
        lines.append(shown.rename(columns={"forecast_revenue_usd": "forecast"}).to_string(index=False))
    gross = table["forecast_revenue_usd"]
    films = "film" if n == 1 else "films"
    lines.append(f"forecast {n:,} {films}: median {money(float(gross.median()))} (lowest "
                 f"{money(float(gross.min()))}, highest {money(float(gross.max()))}); "
                 f"wrote {output}")
    return lines
