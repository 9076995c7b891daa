"""Effect curves of predicted log revenue on the copycat features, with bootstrap bands.

Partial dependence (PD) sets a column to each grid value for every test film and averages the
predictions; accumulated local effects (ALE) average prediction *differences* within bins of the
observed values, which stays honest when the copycat columns move together (a flag of 1 with a
maximum similarity of 0 never occurs, PD still asks the model about it). Bands come from refitting
the booster on bootstrap resamples of the training films, so they show model uncertainty, not just
the averaging noise of the test set. Curves are centred on their first grid value (PD) or on their
mean (ALE) so that they read as effects in log revenue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.progress import track

from .._executor import capped_n_jobs, current_executor
from ._importance import fit_booster

__all__ = ["partial_dependence", "ale", "effect_curves", "EFFECT_SPECS"]

# (name, kind, column(s), grid): grid None = quantile bins of the observed values
EFFECT_SPECS = (
    ("flag", "pd", "copycat_flag", (0.0, 1.0)),
    ("n_similar", "pd", "copycat_n_similar", (0.0, 1.0, 2.0, 3.0, 4.0)),
    ("max_sim", "pd", "copycat_max_sim", tuple(np.round(np.linspace(0, 1, 11), 2))),
    ("max_sim_ale", "ale", "copycat_max_sim", None),
    ("n_similar_ale", "ale", "copycat_n_similar", None),
)


def partial_dependence(model, X: pd.DataFrame, column: str, grid) -> np.ndarray:
    """Mean prediction with ``column`` set to each value of ``grid``."""
    out = []
    for value in grid:
        Xv = X.copy()
        Xv[column] = value
        out.append(float(np.mean(model.predict(Xv))))
    return np.asarray(out)


def pd_interaction(model, X: pd.DataFrame, flag: str, count: str,
                   counts=(0.0, 1.0, 2.0, 3.0)) -> np.ndarray:
    """PD over (flag ∈ {0, 1}) × ``counts``: rows flag, columns count."""
    out = np.zeros((2, len(counts)))
    for i, f in enumerate((0.0, 1.0)):
        for j, c in enumerate(counts):
            Xv = X.copy()
            Xv[flag], Xv[count] = f, c
            out[i, j] = float(np.mean(model.predict(Xv)))
    return out


def ale_edges(values: np.ndarray, n_bins: int = 8) -> np.ndarray:
    """Bin edges for ALE: quantiles of the observed (finite) values, de-duplicated."""
    v = values[np.isfinite(values)]
    if not len(v):
        return np.array([0.0, 1.0])
    edges = np.unique(np.quantile(v, np.linspace(0, 1, n_bins + 1)))
    return edges if len(edges) >= 2 else np.array([edges[0], edges[0] + 1.0])


def ale(model, X: pd.DataFrame, column: str, edges: np.ndarray) -> np.ndarray:
    """First-order ALE at ``edges`` (centred to mean zero over the films)."""
    x = X[column].to_numpy(float)
    ok = np.isfinite(x)
    bins = np.clip(np.searchsorted(edges, x[ok], side="left") - 1, 0, len(edges) - 2)
    rows = X.loc[ok]
    effects = np.zeros(len(edges) - 1)
    counts = np.zeros(len(edges) - 1)
    for b in range(len(edges) - 1):
        sel = rows.loc[bins == b]
        if not len(sel):
            continue
        lo, hi = sel.copy(), sel.copy()
        lo[column], hi[column] = edges[b], edges[b + 1]
        effects[b] = float(np.mean(model.predict(hi) - model.predict(lo)))
        counts[b] = len(sel)
    curve = np.r_[0.0, np.cumsum(effects)]
    # centre: weight each bin's midpoint value by its films
    mids = (curve[:-1] + curve[1:]) / 2
    return curve - (np.sum(mids * counts) / counts.sum() if counts.sum() else 0.0)


def _curves(model, X: pd.DataFrame, edges: dict) -> dict:
    out = {}
    for name, kind, column, grid in EFFECT_SPECS:
        if column not in X.columns:
            continue
        if kind == "pd":
            pdv = partial_dependence(model, X, column, grid)
            out[name] = pdv - pdv[0]
        else:
            out[name] = ale(model, X, column, edges[name])
    if {"copycat_flag", "copycat_n_similar"} <= set(X.columns):
        grid = pd_interaction(model, X, "copycat_flag", "copycat_n_similar")
        out["flag_x_count"] = (grid[1] - grid[0])  # the flag's effect at each count
    return out


def _bootstrap_curves(resample: tuple[int, np.ndarray], X_train: pd.DataFrame, y_train: np.ndarray,
                      X_test: pd.DataFrame, edges: dict, params: dict) -> dict:
    """The curves of one bootstrap refit (here or as a Ray task): ``resample`` is its seed and
    the training rows it draws."""
    seed, idx = resample
    model = fit_booster(X_train.iloc[idx], y_train[idx], seed=seed, **params)
    return _curves(model, X_test, edges)


def effect_curves(X_train: pd.DataFrame, y_train, X_test: pd.DataFrame, model=None,
                  n_boot: int = 10, seed: int = 0, progress: bool = True, **params) -> dict:
    """PD/ALE curves of the fitted ``model`` and percentile bands over ``n_boot`` refits.

    Returns ``{name: {"x": grid, "effect": curve, "lo": 2.5%, "hi": 97.5%, "kind": ...}}``;
    ``flag_x_count`` is the flag's PD effect (flag 1 − flag 0) at 0–3 similar hits.
    """
    y_train = np.asarray(y_train, float)
    model = model or fit_booster(X_train, y_train, seed=seed, **params)
    edges = {name: ale_edges(X_test[column].to_numpy(float))
             for name, kind, column, _ in EFFECT_SPECS if kind == "ale" and column in X_test}
    point = _curves(model, X_test, edges)
    rng = np.random.default_rng(seed)
    # every resample drawn here, in order, so the bands do not depend on where the refits run
    resamples = [(seed + b + 1, rng.integers(0, len(X_train), len(X_train)))
                 for b in range(n_boot)]
    executor = current_executor()
    params = {**params, "n_jobs": capped_n_jobs(params.get("n_jobs", 1),
                                                executor.threads_per_task)}
    boots: dict[str, list] = {k: [] for k in point}
    refits = executor.map(_bootstrap_curves, resamples, X_train, y_train, X_test, edges, params)
    for curves in track(refits, total=n_boot, description="effect bootstrap",
                        disable=not progress, transient=True):
        for k, v in curves.items():
            boots[k].append(v)
    grids = {name: (list(grid) if grid is not None else edges[name].tolist())
             for name, _, column, grid in EFFECT_SPECS if name in point}
    grids["flag_x_count"] = [0.0, 1.0, 2.0, 3.0]
    kinds = {name: kind for name, kind, *_ in EFFECT_SPECS}
    out = {}
    for k, v in point.items():
        arr = np.asarray(boots[k]) if n_boot else np.asarray([v])
        out[k] = {"x": [float(x) for x in grids[k]], "effect": v.tolist(),
                  "lo": np.quantile(arr, 0.025, axis=0).tolist(),
                  "hi": np.quantile(arr, 0.975, axis=0).tolist(),
                  "kind": kinds.get(k, "pd_interaction"), "n_boot": int(n_boot)}
    return out
