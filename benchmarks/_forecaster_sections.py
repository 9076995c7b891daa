"""Sections of ``benchmarks.forecaster`` beside the main table: audited labels, release week.

* **Audited labels** (issue #16): the corpus flags labels that look wrong (``label_flags``:
  revenue that disagrees ×3 across sources, equals a domestic-only figure or is under $22k;
  budgets typed in millions). The test set is never cleaned silently: every model is scored on
  all test films and, beside, on the films whose labels no check flagged.
* **Release week** (issue #16): the release plan (opening theaters) is known about a week before
  release. A forecaster with ``horizon="release_week"`` reads it; it is scored beside the
  greenlight forecaster on the test films whose plan is known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reelcast.data import has_label_flags
from reelcast.evaluation import log_revenue, regression_metrics, revenue_films, temporal_split
from reelcast.forecast import BoxOfficeForecaster

__all__ = ["audited_scores", "audited_markdown", "coverage_audit_markdown", "release_week_scores",
           "release_week_markdown"]


def audited_scores(result, films: pd.DataFrame, train_median: float) -> dict:
    """Each model and field set on all test films and on the films with unflagged labels."""
    predictions = result.predictions
    flagged = has_label_flags(films.set_index("film_id").loc[predictions["film_id"]])
    y = predictions["actual_log_revenue"].to_numpy(float)
    out = {"n_all": int(len(y)), "n_unflagged": int((~flagged).sum()), "scores": {}}
    for column in (c for c in predictions.columns if c.startswith("pred:")):
        pred = predictions[column].to_numpy(float)
        model, _, scenario = column[len("pred:"):].partition("@")
        full = predictions[f"pred:{model}"].to_numpy(float)
        row = {}
        for name, keep in (("all", np.ones(len(y), bool)), ("unflagged", ~flagged)):
            m = regression_metrics(y[keep], pred[keep], train_median=train_median)
            row[name] = {"r2": m["r2"], "rmse": m["rmse"], "within_2x": m["within_2x"],
                         "bias": float(np.mean(pred[keep] - y[keep])),
                         "mean_shift": float(np.mean(pred[keep] - full[keep]))}
        out["scores"].setdefault(model, {})[scenario or "full"] = row
    return out


def audited_markdown(audit: dict) -> list[str]:
    lines = ["### Audited labels (issue #16)", "",
             f"All {audit['n_all']:,} test films, and the {audit['n_unflagged']:,} whose labels no "
             "audit check flagged. Bias: mean of forecast − actual (log).", "",
             "| model | field set | R² all | R² unflagged | RMSE all | RMSE unflagged | "
             "bias all | bias unflagged | shift unflagged |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for model, per_set in audit["scores"].items():
        if "baseline" in model:
            per_set = {"full": per_set["full"]}
        for scenario, s in per_set.items():
            a, u = s["all"], s["unflagged"]
            lines.append(f"| {model} | {scenario} | {a['r2']:.3f} | {u['r2']:.3f} | "
                         f"{a['rmse']:.3f} | {u['rmse']:.3f} | {a['bias']:+.3f} | "
                         f"{u['bias']:+.3f} | {u['mean_shift']:+.3f} |")
    return lines


def release_week_scores(films: pd.DataFrame, train_end: str, test_end: str,
                        greenlight: BoxOfficeForecaster, n_jobs: int = 1) -> dict:
    """Greenlight and release-week forecasters on the test films whose release plan is known."""
    scored = revenue_films(films)
    train, test = temporal_split(scored, train_end, test_end)
    known = pd.to_numeric(test.get("opening_theaters"), errors="coerce").notna().to_numpy()
    test = test[known]
    week = BoxOfficeForecaster(horizon="release_week", n_jobs=n_jobs).fit(train, history=films)
    y, median = log_revenue(test), float(np.median(log_revenue(train)))
    return {"n_test_with_plan": int(len(test)), "n_train_with_plan": int(
                pd.to_numeric(train.get("opening_theaters"), errors="coerce").notna().sum()),
            "greenlight": regression_metrics(y, greenlight.predict(test), train_median=median),
            "release_week": regression_metrics(y, week.predict(test), train_median=median)}


def release_week_markdown(scores: dict) -> list[str]:
    lines = ["### Release week beside greenlight (issue #16)", "",
             f"Test films whose release plan (opening theaters) is known: "
             f"{scores['n_test_with_plan']:,} (training films with a plan: "
             f"{scores['n_train_with_plan']:,}). Same films, same training set; the greenlight "
             "model never reads the plan.", "",
             "| horizon | R² | log-RMSE | log-MAE | Spearman | within ×2 |",
             "|---|---:|---:|---:|---:|---:|"]
    for name in ("greenlight", "release_week"):
        m = scores[name]
        lines.append(f"| {name} | {m['r2']:.3f} | {m['rmse']:.3f} | {m['mae']:.3f} | "
                     f"{m['spearman']:.3f} | {m['within_2x']:.3f} |")
    return lines


_AUDITED = ("cast", "directors", "writers", "keywords", "companies", "certification", "overview",
            "distributor", "poster")


def coverage_audit_markdown(films: pd.DataFrame) -> list[str]:
    """Issue #15's audit: how often each field is given, by decade, revenue tier and source.

    A field whose presence tracks the revenue tier or the source that supplied the revenue
    would teach a model the table, not the film: reelcast keeps no feature of presence itself
    (no counts, no has-flags) and trains on field-set copies so that absence reads as unknown.
    """
    from reelcast.data import fields_present

    scored = revenue_films(films)
    scored = scored[scored["year"] >= 1980]
    present = fields_present(scored)[list(_AUDITED)].astype(float)
    revenue = pd.to_numeric(scored["revenue"], errors="coerce")
    groups = {
        "decade": (scored["year"] // 10 * 10).astype(int).astype(str) + "s",
        "revenue": pd.cut(revenue, [0, 1e6, 1e7, 1e8, np.inf],
                          labels=["< $1M", "$1–10M", "$10–100M", "≥ $100M"]).astype(str),
        "revenue source": scored["src_revenue"].astype(str) if "src_revenue" in scored else
        pd.Series("?", index=scored.index),
    }
    lines = ["### Which films have which fields (issue #15 audit)", "",
             "Share of films with budget and revenue (1980–2017) that give each field, by decade, "
             "revenue tier and the table their revenue comes from.", "",
             "| by | group | films | " + " | ".join(_AUDITED) + " |",
             "|---|---|---:|" + "---:|" * len(_AUDITED)]
    for by, key in groups.items():
        table = present.groupby(key.to_numpy()).mean()
        counts = key.value_counts()
        for group, row in table.iterrows():
            if counts[group] < 30:
                continue
            lines.append(f"| {by} | {group} | {counts[group]:,} | " +
                         " | ".join(f"{100 * v:.0f}%" for v in row) + " |")
    return lines
