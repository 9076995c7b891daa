"""The whole copycat study as one result dict (numbers only; ``_report`` renders it)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .._errors import InputError
from ..data import log_revenue, revenue_films
from ..evaluation import regression_metrics, temporal_split
from ..features import PreReleaseFeatures
from ._effects import effect_curves
from ._importance import (
    drop_group_ablation,
    feature_groups,
    fit_booster,
    grouped_permutation_importance,
    shap_by_group,
)
from ._index import CopycatIndex
from ._verdict import DEFAULT_GRID, analysis_frame, copycat_regressions, sensitivity

__all__ = ["StudyConfig", "run_study", "verdict_lines"]


@dataclass(frozen=True)
class StudyConfig:
    """Settings of one study run (saved in the JSON)."""

    train_end: str = "2014-01-01"
    test_end: str = "2018-01-01"
    index: dict = field(default_factory=dict)  # CopycatIndex keyword arguments
    n_repeats: int = 10
    n_boot_effects: int = 10
    n_estimators: int = 400
    sensitivity: bool = True
    n_jobs: int = 1  # LightGBM threads (see fit_booster)
    grid: dict = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_GRID.items()})
    seed: int = 0


def _clean(obj):
    """JSON-safe: numpy scalars to Python, NaN to None."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def run_study(films: pd.DataFrame, config: StudyConfig | None = None,
              progress: bool = True) -> dict:
    """Run the copycat study on a film table (a corpus or a synthetic market).

    Steps: the forecaster's pre-release features plus the ``CopycatIndex`` block; a LightGBM fit on
    films released before ``train_end``, scored on ``[train_end, test_end)``; grouped permutation
    importance, SHAP and drop-group ablation there; PD/ALE effect curves with bootstrap bands; the
    regression verdict (franchise and non-franchise films) and the W/q/τ sensitivity table.
    """
    cfg = config or StudyConfig()
    start = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name):
        timings[name] = round(time.perf_counter() - start - sum(timings.values()), 1)

    index = CopycatIndex(**cfg.index)
    features = PreReleaseFeatures(extra=[("copycat", index)]).fit(films)
    scored = revenue_films(films)
    train, test = temporal_split(scored, cfg.train_end, cfg.test_end)
    if len(train) < 50 or len(test) < 20:
        raise InputError(f"the temporal split leaves {len(train)} training and {len(test)} test "
                         f"films (train_end={cfg.train_end!r}); need at least 50 and 20")
    X_train, X_test = features.transform(train), features.transform(test)
    y_train, y_test = log_revenue(train), log_revenue(test)
    lap("features")
    params = {"n_estimators": cfg.n_estimators, "n_jobs": cfg.n_jobs}
    model = fit_booster(X_train, y_train, seed=cfg.seed, **params)
    groups = feature_groups(X_train.columns)
    metrics = regression_metrics(y_test, model.predict(X_test),
                                 train_median=float(np.median(y_train)))
    perm = grouped_permutation_importance(model, X_test, y_test, groups, cfg.n_repeats, cfg.seed)
    shap = shap_by_group(model, X_test, groups)
    ablation = drop_group_ablation(X_train, y_train, X_test, y_test, groups["copycat"],
                                   seed=cfg.seed, full_model=model, **params)
    lap("importance")
    effects = effect_curves(X_train, y_train, X_test, model=model, n_boot=cfg.n_boot_effects,
                            seed=cfg.seed, progress=progress, **params)
    lap("effects")
    fitted_index = features.extra_[0][1]
    with_revenue = films.loc[pd.to_numeric(films["revenue"], errors="coerce") > 0]
    frame = analysis_frame(with_revenue, fitted_index.transform(with_revenue))
    verdict = copycat_regressions(frame, fitted_index.threshold)
    lap("verdict")
    sens = (sensitivity(with_revenue, history=films, grid=cfg.grid, base=cfg.index,
                        progress=progress) if cfg.sensitivity else pd.DataFrame())
    lap("sensitivity")
    share = {g: float(frame.loc[frame["franchise_film"] == (g == "franchise"),
                                "copycat_flag"].mean()) for g in ("non_franchise", "franchise")}
    result = {
        "config": asdict(cfg), "index_params": fitted_index.get_params(),
        "data": {"n_films": len(films), "n_scored": len(scored), "n_train": len(train),
                 "n_test": len(test), "n_verdict": len(frame), "copycat_share": share,
                 "copycat_features": list(groups["copycat"])},
        "test_metrics": metrics, "permutation_importance": perm.to_dict(orient="records"),
        "shap": shap, "ablation": ablation, "effects": effects, "verdict": verdict,
        "sensitivity": sens.to_dict(orient="records"), "timings_s": timings,
    }
    result["verdict_lines"] = verdict_lines(result)
    return _clean(result)


def _fmt(cell: dict | None) -> str:
    if not cell:
        return "n/a"
    return f"{cell['coef']:+.3f} [{cell['ci_low']:+.3f}, {cell['ci_high']:+.3f}]"


def verdict_lines(result: dict) -> list[str]:
    """Plain-language verdict per group with the numbers (log-revenue coefficients, 95% CI)."""
    lines = []
    for group, entry in result["verdict"].items():
        a, b = entry.get("A", {}), entry.get("B", {})
        flag = a.get("copycat_flag")
        label = group.replace("_", "-")
        if not flag:
            lines.append(f"{label} films: {entry['n_copycat']} copycats of {entry['n']}; too few "
                         "to estimate.")
            continue
        sign = ("positive" if flag["ci_low"] > 0 else "negative" if flag["ci_high"] < 0
                else "not distinguishable from zero")
        pct = 100 * (np.exp(flag["coef"]) - 1)
        head = (f"{label} films (n={entry['n']}, copycats={entry['n_copycat']}): copycat premium "
                f"{_fmt(flag)} log revenue ({pct:+.0f}%), {sign}; ")
        if b:
            lines.append(head + f"per extra similar hit {_fmt(b.get('flag_x_extra_similar'))}, "
                         f"per unit of similarity above tau {_fmt(b.get('flag_x_sim_above_tau'))} "
                         "(the paper expects both negative).")
        else:
            lines.append(head + "too few copycats (< 30) to estimate how the premium changes "
                         "with the number of similar hits and the similarity.")
    abl = result["ablation"]
    lines.append(f"Dropping the copycat features changes test RMSE by "
                 f"{abl['rmse_change_without']:+.4f} [{abl['ci_low']:+.4f}, {abl['ci_high']:+.4f}] "
                 f"(full model {abl['rmse_full']:.3f}).")
    return lines
