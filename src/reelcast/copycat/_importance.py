"""How much the copycat features matter to the forecaster, three ways, on the temporal test.

* grouped permutation importance: the copycat columns are permuted *together* (they are strongly
  correlated, so permuting one at a time would understate the group), ``n_repeats`` times; the
  importance is the rise in test RMSE (log revenue) with a 95% interval over repeats;
* SHAP: LightGBM's exact tree contributions (``pred_contrib=True``), summed per group;
* drop-group ablation: the same booster refit without the group; the change in test RMSE with a
  bootstrap 95% interval over test films (paired: the same resample scores both models).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import InputError

__all__ = ["feature_groups", "fit_booster", "grouped_permutation_importance", "shap_by_group",
           "drop_group_ablation", "STUDY_LGBM_PARAMS"]

# smaller than the forecaster's defaults: the study refits many times on 2 shared cores
STUDY_LGBM_PARAMS = dict(n_estimators=400, learning_rate=0.05, num_leaves=31, min_child_samples=20,
                         subsample=0.8, subsample_freq=1, colsample_bytree=0.5, reg_lambda=1.0,
                         objective="huber")
_HISTORY_PREFIXES = ("cast_", "director_", "writer_", "company_", "keyword_", "collection_")


def feature_groups(columns) -> dict[str, list[str]]:
    """Columns by family: ``copycat``, ``history`` (as-of talent etc.), ``metadata`` (the rest)."""
    groups: dict[str, list[str]] = {"copycat": [], "history": [], "metadata": []}
    for c in columns:
        name = str(c)
        key = ("copycat" if name.startswith("copycat_")
               else "history" if name.startswith(_HISTORY_PREFIXES) else "metadata")
        groups[key].append(name)
    return {k: v for k, v in groups.items() if v}


def fit_booster(X: pd.DataFrame, y: np.ndarray, seed: int = 0, n_jobs: int = 1, **params):
    """A LightGBM regressor with the study's parameters (overridable).

    One thread by default: on a few thousand rows, OpenMP threads on busy shared cores spin and
    were measured ~10x slower than one thread.
    """
    import lightgbm as lgb

    cfg = dict(STUDY_LGBM_PARAMS, **params)
    return lgb.LGBMRegressor(**cfg, random_state=seed, n_jobs=n_jobs, deterministic=True,
                             force_row_wise=True, verbose=-1).fit(X, y)


def _rmse(y, pred) -> float:
    return float(np.sqrt(np.mean((np.asarray(y) - np.asarray(pred)) ** 2)))


def grouped_permutation_importance(model, X: pd.DataFrame, y, groups: dict[str, list[str]],
                                   n_repeats: int = 10, seed: int = 0) -> pd.DataFrame:
    """Rise in RMSE when a group's columns are permuted jointly (rows shuffled as one block).

    Returns one row per group: ``mean``, ``sd``, ``ci_low``/``ci_high`` (t interval over
    repeats) and ``n_repeats``.
    """
    if n_repeats < 2:
        raise InputError(f"The 'n_repeats' parameter must be an int >= 2, got {n_repeats!r} "
                         "instead.")
    y = np.asarray(y, float)
    rng = np.random.default_rng(seed)
    base = _rmse(y, model.predict(X))
    rows = []
    for name, cols in groups.items():
        drops = []
        for _ in range(n_repeats):
            Xp = X.copy()
            # a frame, not an array: keeps categorical dtypes the booster checks
            block = X[cols].iloc[rng.permutation(len(X))]
            block.index = X.index
            Xp[cols] = block
            drops.append(_rmse(y, model.predict(Xp)) - base)
        d = np.asarray(drops)
        half = stats.t.ppf(0.975, n_repeats - 1) * d.std(ddof=1) / np.sqrt(n_repeats)
        rows.append({"group": name, "n_columns": len(cols), "mean": d.mean(), "sd": d.std(ddof=1),
                     "ci_low": d.mean() - half, "ci_high": d.mean() + half,
                     "n_repeats": n_repeats, "base_rmse": base})
    return pd.DataFrame(rows).sort_values("mean", ascending=False).reset_index(drop=True)


def shap_by_group(model, X: pd.DataFrame, groups: dict[str, list[str]],
                  flag_column: str = "copycat_flag") -> dict:
    """Exact tree SHAP (LightGBM ``pred_contrib``) summed per group and per copycat column.

    Returns ``mean_abs`` per group, ``mean_abs_copycat`` per copycat column and, when the flag
    column exists, the mean copycat-group contribution for flagged and unflagged films.
    """
    contrib = np.asarray(model.predict(X, pred_contrib=True))[:, :-1]  # last column: the bias
    frame = pd.DataFrame(contrib, columns=list(X.columns))
    out = {"mean_abs": {g: float(frame[c].sum(axis=1).abs().mean()) for g, c in groups.items()},
           "mean_abs_copycat": {c: float(frame[c].abs().mean())
                                for c in groups.get("copycat", [])}}
    if flag_column in X.columns and "copycat" in groups:
        total = frame[groups["copycat"]].sum(axis=1)
        flag = X[flag_column].to_numpy()
        out["copycat_contribution_flagged"] = float(total[flag == 1].mean()) if (
            flag == 1).any() else float("nan")
        out["copycat_contribution_unflagged"] = float(total[flag == 0].mean()) if (
            flag == 0).any() else float("nan")
        out["n_flagged"] = int((flag == 1).sum())
    return out


def drop_group_ablation(X_train: pd.DataFrame, y_train, X_test: pd.DataFrame, y_test,
                        columns: list[str], seed: int = 0, n_boot: int = 500,
                        full_model=None, **params) -> dict:
    """Test RMSE with and without ``columns`` (refit), and the paired bootstrap of the change."""
    y_test = np.asarray(y_test, float)
    full = full_model or fit_booster(X_train, y_train, seed=seed, **params)
    reduced = fit_booster(X_train.drop(columns=columns), y_train, seed=seed, **params)
    e_full = (full.predict(X_test) - y_test) ** 2
    e_red = (reduced.predict(X_test.drop(columns=columns)) - y_test) ** 2
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(y_test), size=(n_boot, len(y_test)))
    diff = np.sqrt(e_red[idx].mean(axis=1)) - np.sqrt(e_full[idx].mean(axis=1))
    return {"rmse_full": float(np.sqrt(e_full.mean())),
            "rmse_without": float(np.sqrt(e_red.mean())),
            "rmse_change_without": float(np.sqrt(e_red.mean()) - np.sqrt(e_full.mean())),
            "ci_low": float(np.quantile(diff, 0.025)), "ci_high": float(np.quantile(diff, 0.975)),
            "n_test": int(len(y_test)), "n_boot": int(n_boot), "dropped": list(columns)}
