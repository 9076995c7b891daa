"""The evaluation report: numbers first (:func:`evaluation_report`), HTML second (:func:`render_report`).

The model directory is trained on every film, so it cannot grade itself. The report refits the
saved model's parameters on films before ``train_end``, calibrates intervals on
``[calib_start, train_end)`` with a model trained before ``calib_start``, and scores the films in
``[train_end, test_end)``: predicted vs actual, residuals by year / budget tier / genre, interval
calibration and the booster's gain importance. Error by decade is a backtest: for each decade, the
same parameters trained on every film released before it and tested on its films, beside the
budget-only baseline.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from .._errors import InputError
from ..data import FIELD_SETS, blank_fields, log_revenue, revenue_films, without_attrs
from ..evaluation import (
    BudgetOnlyBaseline,
    field_set_scores,
    regression_metrics,
    temporal_split,
)
from ..models.forecaster import BoxOfficeForecaster
from ._intervals import calibrate_intervals, interval_coverage

__all__ = ["EvaluationReport", "evaluation_report", "render_report"]

_TIERS = (0, 5e6, 20e6, 60e6, 150e6, np.inf)
_TIER_NAMES = ("< $5M", "$5–20M", "$20–60M", "$60–150M", "≥ $150M")


@dataclass
class EvaluationReport:
    """Everything the report shows, as plain tables and dicts."""

    predictions: pd.DataFrame   # title, release_date, budget, genres, y, pred, lo/hi per level
    metrics: dict
    coverage: dict
    by_year: pd.DataFrame
    by_budget: pd.DataFrame
    by_genre: pd.DataFrame
    importance: pd.DataFrame
    windows: dict
    by_decade: pd.DataFrame | None = None  # backtest: train before each decade, test on it
    by_field_set: pd.DataFrame | None = None  # the test films under each field set users give


def _groups(frame: pd.DataFrame, key) -> pd.DataFrame:
    res = frame.assign(residual=frame["y"] - frame["pred"])
    out = res.groupby(key, observed=True)["residual"].agg(
        n="size", mean_residual="mean", mae=lambda r: float(np.mean(np.abs(r))),
        rmse=lambda r: float(np.sqrt(np.mean(r ** 2))))
    return out.reset_index()


def decade_backtest(films: pd.DataFrame, make, *, test_end: str = "2018-01-01",
                    min_train: int = 500, min_test: int = 50) -> pd.DataFrame:
    """Error by decade: for each decade D, train on films released before D and test on D's films.

    Decades with fewer than ``min_train`` earlier films or ``min_test`` films of their own (with
    revenue) are left out. The last decade ends at ``test_end``.
    """
    scored = revenue_films(films)
    dates = pd.to_datetime(scored["release_date"], errors="coerce")
    all_dates = pd.to_datetime(films["release_date"], errors="coerce")
    end = pd.Timestamp(test_end)
    rows = []
    for start in range(int(dates.dt.year.min()) // 10 * 10, end.year + 1, 10):
        t0, t1 = pd.Timestamp(f"{start}-01-01"), min(pd.Timestamp(f"{start + 10}-01-01"), end)
        train, test = scored[dates < t0], scored[(dates >= t0) & (dates < t1)]
        if len(train) < min_train or len(test) < min_test:
            continue
        model = make().fit(train, history=films[all_dates < t0])
        y = log_revenue(test)
        median = float(np.median(log_revenue(train)))
        m = regression_metrics(y, model.predict(test), train_median=median)
        base = regression_metrics(y, BudgetOnlyBaseline().fit(train).predict(test))
        rows.append({"decade": f"{start}s", "n_train": len(train), "n_test": len(test),
                     "r2": m["r2"], "rmse": m["rmse"], "mae": m["mae"],
                     "within_2x": m["within_2x"], "budget_only_rmse": base["rmse"]})
    return pd.DataFrame(rows)


def evaluation_report(films: pd.DataFrame, params: dict | None = None, *,
                      calib_start: str = "2012-01-01", train_end: str = "2014-01-01",
                      test_end: str = "2018-01-01", decades: bool = True) -> EvaluationReport:
    """Refit ``BoxOfficeForecaster(**params)`` on the past and grade it on the test window.

    ``decades`` adds the by-decade backtest (one more fit per decade).
    """
    films = without_attrs(films)
    params = dict(params or {})
    make = lambda: BoxOfficeForecaster(**params)  # noqa: E731
    train, test = temporal_split(revenue_films(films), train_end, test_end)
    if len(test) == 0:
        raise InputError(f"no films with revenue in the test window [{train_end}, {test_end})")
    intervals, info = calibrate_intervals(films, make, calib_start=calib_start,
                                          calib_end=train_end)
    history = films.loc[pd.to_datetime(films["release_date"]) < pd.Timestamp(train_end)]
    model = make().fit(train, history=history)
    y, pred = log_revenue(test), model.predict(test)
    frame = pd.DataFrame({
        "title": test["title"].astype(str).to_numpy(),
        "release_date": pd.to_datetime(test["release_date"]).to_numpy(),
        "budget": test["budget"].astype(float).to_numpy(),
        "genres": [list(g) if isinstance(g, list | tuple | np.ndarray) else [] for g in test["genres"]],
        "y": y, "pred": pred,
    })
    coverage = {}
    for level in sorted(intervals.quantiles_):
        lo, hi = intervals.predict_interval(pred, level)
        frame[f"lo{round(level * 100)}"], frame[f"hi{round(level * 100)}"] = lo, hi
        coverage[f"{round(level * 100)}"] = interval_coverage(y, lo, hi, level)
    year = frame["release_date"].dt.year.rename("year")
    tier = pd.cut(frame["budget"], _TIERS, labels=_TIER_NAMES, right=False).rename("budget tier")
    exploded = frame.explode("genres").dropna(subset=["genres"])
    booster = model.model_.booster_
    importance = pd.DataFrame({"feature": booster.feature_name(),
                               "gain": booster.feature_importance("gain")})
    importance = importance.sort_values("gain", ascending=False).reset_index(drop=True)
    importance["share"] = importance["gain"] / max(importance["gain"].sum(), 1e-12)
    return EvaluationReport(
        predictions=frame,
        metrics=regression_metrics(y, pred, train_median=model.train_median_),
        coverage=coverage, by_year=_groups(frame, year), by_budget=_groups(frame, tier),
        by_genre=_groups(exploded.rename(columns={"genres": "genre"}), "genre"),
        importance=importance,
        by_decade=decade_backtest(films, make, test_end=test_end) if decades else None,
        by_field_set=_field_sets(model, test, y, pred),
        windows={**info, "train_end": train_end, "test_end": test_end, "n_test": len(test),
                 "n_train_final": len(train)})


def _field_sets(model, test: pd.DataFrame, y: np.ndarray, pred: np.ndarray) -> pd.DataFrame:
    """Accuracy when the test films keep only the fields of each named set, and the shift."""
    preds = {name: pred if name == "full" else model.predict(blank_fields(test, name))
             for name in FIELD_SETS}
    scores = field_set_scores(y, pred, preds, train_median=model.train_median_)
    return pd.DataFrame([{"field set": name, **{k: m[k] for k in (
        "r2", "rmse", "within_2x", "mean_shift", "median_shift")}} for name, m in scores.items()])


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _plots(rep: EvaluationReport) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    p = rep.predictions
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.scatter(p["pred"], p["y"], s=6, alpha=0.5)
    lim = [min(p["pred"].min(), p["y"].min()), max(p["pred"].max(), p["y"].max())]
    ax.plot(lim, lim, color="k", lw=1)
    ax.set(xlabel="predicted log revenue", ylabel="actual log revenue",
           title="Predicted vs actual (temporal test)")
    out.append(_png(fig))
    plt.close(fig)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for ax, table, key in ((axes[0], rep.by_year, "year"), (axes[1], rep.by_budget, "budget tier")):
        ax.bar(table[key].astype(str), table["mean_residual"])
        ax.axhline(0, color="k", lw=1)
        ax.set(title=f"mean residual by {key}", ylabel="actual − predicted (log)")
        ax.tick_params(axis="x", rotation=30)
    out.append(_png(fig))
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    levels = sorted(rep.coverage, key=float)
    ax.plot([0, 1], [0, 1], color="k", lw=1)
    ax.scatter([rep.coverage[k]["nominal"] for k in levels],
               [rep.coverage[k]["coverage"] for k in levels], s=40, zorder=3)
    ax.set(xlim=(0.5, 1), ylim=(0.5, 1), xlabel="nominal", ylabel="measured coverage",
           title="Interval calibration")
    out.append(_png(fig))
    plt.close(fig)
    top = rep.importance.head(15)[::-1]
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.barh(top["feature"], top["share"])
    ax.set(title="Gain importance (top 15)", xlabel="share of total gain")
    out.append(_png(fig))
    plt.close(fig)
    return out


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, float_format=lambda x: f"{x:,.3f}", border=0, escape=True)


def _decades(rep: EvaluationReport) -> str:
    if rep.by_decade is None or rep.by_decade.empty:
        return ""
    return ("<h2>Error by decade</h2><p>Backtest: for each decade, the same parameters trained on "
            "every film released before it and tested on that decade's films, beside the "
            "budget-only baseline's RMSE.</p>" + _table(rep.by_decade))


def _field_set_section(rep: EvaluationReport) -> str:
    if rep.by_field_set is None:
        return ""
    return ("<h2>Fields left out</h2><p>The same test films keeping only the fields of each set "
            "(full: every field; form: budget, genres, runtime, cast, directors, keywords, "
            "overview, poster; core: budget, genres, runtime, language; minimal: budget and "
            "genres). Shift: the change of the log forecast against full.</p>"
            + _table(rep.by_field_set))


def render_report(rep: EvaluationReport, title: str = "reelcast evaluation report") -> str:
    """A self-contained HTML page (plots embedded as PNG data URIs, no external files)."""
    plots = _plots(rep)
    metrics = pd.DataFrame([rep.metrics])
    coverage = pd.DataFrame([{"level": f"{k}%", **v} for k, v in rep.coverage.items()])
    w = rep.windows
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{escape(title)}</title><style>body{{font-family:system-ui,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em}}table{{border-collapse:collapse;margin:.5em 0 1.5em}}
td,th{{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:right}}</style></head><body>
<h1>{escape(title)}</h1>
<p>Model refit on {w['n_train_final']:,} films released before {escape(w['train_end'])}; tested
on {w['n_test']:,} films in [{escape(w['train_end'])}, {escape(w['test_end'])}). Intervals:
split-conformal, calibrated on {w['n_calibration']:,} films in
[{escape(w['calib_start'])}, {escape(w['calib_end'])}) with a model trained before
{escape(w['calib_start'])}. All errors in natural-log worldwide revenue.</p>
<h2>Accuracy</h2>{_table(metrics)}{plots[0]}
<h2>Interval calibration</h2>{_table(coverage)}{plots[2]}
<h2>Residuals</h2>{plots[1]}
<h3>By year</h3>{_table(rep.by_year)}<h3>By budget tier</h3>{_table(rep.by_budget)}
<h3>By genre</h3>{_table(rep.by_genre)}
{_field_set_section(rep)}
{_decades(rep)}
<h2>Importance</h2>{plots[3]}
</body></html>"""
