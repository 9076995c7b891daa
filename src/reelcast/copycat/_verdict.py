"""The verdict against the paper: regressions of log revenue on copycat status, with controls.

A film economist reads a coefficient with a confidence interval before any variable importance, so
the headline numbers are ordinary least squares of log worldwide revenue (constant dollars) on

* spec ``A``: the copycat flag plus controls (log budget, release-year fixed effects, genres,
  English language, sequel, log of the number of recent hits, franchise-copycat flag);
* spec ``B``: spec A plus ``flag × (n_similar − 1)`` and ``flag × (max_sim − τ)``: the paper says
  the copycat premium shrinks as the number of similar hits and the similarity grow, i.e. both
  interaction terms are negative.

Standard errors are heteroskedasticity-robust (HC1). Franchise films (a sequel or a member of a
collection) and non-franchise films are estimated separately.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .._errors import InputError
from ..data import GENRES
from ._index import CopycatIndex

__all__ = ["analysis_frame", "ols", "copycat_regressions", "sensitivity", "similarity_robustness",
           "DEFAULT_GRID", "MEASURES"]

# one-at-a-time sensitivity around the defaults (W, q, τ)
DEFAULT_GRID: dict[str, tuple] = {
    "window_days": (365, 730, 1095),
    "hit_quantile": (0.8, 0.9, 0.95),
    "threshold": (0.2, 0.3, 0.4, 0.5),
}
_MIN_ROWS = 30
_MIN_COPYCATS_B = 30


def _franchise(films: pd.DataFrame) -> np.ndarray:
    sequel = (films["is_sequel"].fillna(False).astype(bool).to_numpy()
              if "is_sequel" in films.columns else np.zeros(len(films), bool))
    coll = (films["collection"].map(lambda v: isinstance(v, str) and bool(v.strip())).to_numpy()
            if "collection" in films.columns else np.zeros(len(films), bool))
    return sequel | coll


def analysis_frame(films: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """Outcome, controls and copycat features of the films that can enter the regressions.

    Rows need a release date, revenue > 0 and keywords (a copycat feature); ``features`` is the
    ``CopycatIndex.transform`` output aligned with ``films``.
    """
    films = films.reset_index(drop=True)
    features = features.reset_index(drop=True)
    if len(films) != len(features):
        raise InputError(f"films and features must align, got {len(films)} and {len(features)} "
                         "rows")
    rev = pd.to_numeric(films.get("revenue_adj", films["revenue"]), errors="coerce")
    budget = pd.to_numeric(films.get("budget_adj", films["budget"]), errors="coerce")
    out = pd.DataFrame({
        "log_revenue": np.log(rev.where(rev > 0)),
        "log_budget": np.log(budget.where(budget > 0)),
        "year": pd.to_datetime(films["release_date"], errors="coerce").dt.year,
        "english": (films["original_language"].astype("string") == "en").fillna(False)
        .astype(float) if "original_language" in films.columns else 0.0,
        "sequel": (films["is_sequel"].fillna(False).astype(float)
                   if "is_sequel" in films.columns else 0.0),
        "franchise_film": _franchise(films),
    })
    for g in GENRES:
        out[f"genre_{g}"] = films["genres"].map(
            lambda v, g=g: float(isinstance(v, list | tuple | np.ndarray) and g in v))
    out = pd.concat([out, features], axis=1)
    keep = out["log_revenue"].notna() & out["year"].notna() & out["copycat_max_sim"].notna()
    return out.loc[keep].reset_index(drop=True)


def ols(y: np.ndarray, X: pd.DataFrame) -> pd.DataFrame:
    """OLS with an intercept and HC1 robust standard errors; constant columns are dropped."""
    X = X.loc[:, X.std(ddof=0) > 0]
    names = ["intercept", *X.columns]
    A = np.column_stack([np.ones(len(X)), X.to_numpy(float)])
    n, p = A.shape
    if n <= p + 1:
        raise InputError(f"need more rows than regressors, got {n} rows and {p} columns")
    pinv = np.linalg.pinv(A.T @ A)
    beta = pinv @ A.T @ y
    resid = y - A @ beta
    meat = (A * resid[:, None] ** 2).T @ A
    cov = pinv @ meat @ pinv * n / (n - p)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    z = stats.norm.ppf(0.975)
    with np.errstate(divide="ignore", invalid="ignore"):
        pval = 2 * stats.norm.sf(np.abs(beta / se))
    return pd.DataFrame({"coef": beta, "se": se, "ci_low": beta - z * se, "ci_high": beta + z * se,
                         "p": pval}, index=names)


def _design(frame: pd.DataFrame, threshold: float, spec: str) -> pd.DataFrame:
    budget = frame["log_budget"]
    X = pd.DataFrame({
        "log_budget": budget.fillna(budget.median() if budget.notna().any() else 0.0),
        "budget_missing": budget.isna().astype(float),
        "english": frame["english"], "sequel": frame["sequel"],
        "log_n_hits": np.log1p(frame["copycat_n_hits"].fillna(0)),
        "franchise_copycat": frame["copycat_franchise_flag"].fillna(0),
        "copycat_flag": frame["copycat_flag"],
    })
    X = pd.concat([X, frame.filter(like="genre_"),
                   pd.get_dummies(frame["year"].astype(int), prefix="y", drop_first=True,
                                  dtype=float)], axis=1)
    if spec == "B":
        flag = frame["copycat_flag"]
        X["flag_x_extra_similar"] = flag * (frame["copycat_n_similar"] - 1).clip(lower=0)
        X["flag_x_sim_above_tau"] = flag * (frame["copycat_max_sim"] - threshold)
    return X


_KEEP = ("copycat_flag", "flag_x_extra_similar", "flag_x_sim_above_tau", "franchise_copycat")


def copycat_regressions(frame: pd.DataFrame, threshold: float) -> dict:
    """Specs A and B for non-franchise and franchise films: the copycat coefficients.

    Returns ``{group: {"n": rows, "n_copycat": flagged, "A": {term: stats}, "B": {...}}}``;
    a group with fewer than 30 rows or no copycat is reported with its counts only, spec B needs
    at least 30 copycats.
    """
    result = {}
    for group, mask in (("non_franchise", ~frame["franchise_film"]),
                        ("franchise", frame["franchise_film"])):
        sub = frame.loc[mask.to_numpy()]
        entry = {"n": int(len(sub)), "n_copycat": int(sub["copycat_flag"].sum())}
        if len(sub) >= _MIN_ROWS and entry["n_copycat"] > 0:
            # the interactions are identified by the copycats alone: too few, and one film
            # with two similar hits decides the slope
            specs = ("A", "B") if entry["n_copycat"] >= _MIN_COPYCATS_B else ("A",)
            for spec in specs:
                table = ols(sub["log_revenue"].to_numpy(float), _design(sub, threshold, spec))
                entry[spec] = {t: {k: float(v) for k, v in table.loc[t].items()}
                               for t in _KEEP if t in table.index}
        result[group] = entry
    return result


def _flat_cells(reg: dict) -> dict:
    """``copycat_regressions`` output as flat columns: counts, coefficient and CI per group."""
    row = {}
    for group, entry in reg.items():
        row[f"{group}_n"], row[f"{group}_n_copycat"] = entry["n"], entry["n_copycat"]
        for spec, term in (("A", "copycat_flag"), ("B", "flag_x_extra_similar"),
                           ("B", "flag_x_sim_above_tau")):
            cell = entry.get(spec, {}).get(term)
            key = f"{group}_{spec}_{term}"
            row[key] = cell["coef"] if cell else np.nan
            row[f"{key}_lo"] = cell["ci_low"] if cell else np.nan
            row[f"{key}_hi"] = cell["ci_high"] if cell else np.nan
    return row


def sensitivity(films: pd.DataFrame, history: pd.DataFrame | None = None,
                grid: dict | None = None, base: dict | None = None,
                progress: bool = True) -> pd.DataFrame:
    """One-at-a-time sensitivity of the spec-A/B coefficients over ``W``, ``q`` and ``τ``.

    ``films`` are the films studied, ``history`` what the index is fit on (default ``films``).
    Each row is one setting: the parameter varied, its value, counts and the coefficients per
    group (``{group}_{term}``, ``_lo``/``_hi`` the 95% CI).
    """
    grid = DEFAULT_GRID if grid is None else grid
    base = dict(base or {})
    history = films if history is None else history
    settings = [(None, None)] + [(k, v) for k, vals in grid.items() for v in vals
                                 if v != CopycatIndex(**base).get_params()[k]]
    rows = []
    from rich.progress import track

    for name, value in track(settings, description="copycat sensitivity", disable=not progress,
                             transient=True):
        params = dict(base, **({name: value} if name else {}))
        index = CopycatIndex(**params).fit(history)
        frame = analysis_frame(films, index.transform(films))
        reg = copycat_regressions(frame, index.threshold)
        rows.append({"varied": name or "default", "window_days": index.window_days,
                     "hit_quantile": index.hit_quantile, "threshold": index.threshold,
                     **_flat_cells(reg)})
    return pd.DataFrame(rows)


# the similarity measures the verdict is re-estimated under: (embedding, similarity) or
# (embedding, similarity, poster_encoder); the poster encoder defaults to the handcrafted features
MEASURES: tuple[tuple[str, ...], ...] = (("tfidf", "keywords"), ("minilm", "keywords"),
                                         ("tfidf", "poster"), ("tfidf", "both"),
                                         ("tfidf", "poster", "effnet-lite0"),
                                         ("tfidf", "both", "effnet-lite0"))


def similarity_robustness(films: pd.DataFrame, history: pd.DataFrame | None = None,
                          measures=MEASURES, reference_threshold: float = 0.3,
                          base: dict | None = None, progress: bool = True) -> pd.DataFrame:
    """The spec-A/B verdict under each similarity measure, with τ matched by copycat share.

    Cosines of different embeddings live on different scales (MiniLM keyword cosines run far
    higher than TF-IDF ones), so one τ would flag very different numbers of films. The first
    measure at ``reference_threshold`` sets the share of films flagged; every other measure gets
    the τ that flags the same share of its films (the quantile of ``copycat_max_sim``). Each row:
    the measure, its τ, counts and coefficients per group, as in :func:`sensitivity`.
    """
    from rich.progress import track

    base = dict(base or {})
    history = films if history is None else history
    rows, share = [], None
    for measure in track(list(measures), description="copycat similarity measures",
                         disable=not progress, transient=True):
        embedding, similarity = measure[:2]
        poster = measure[2] if len(measure) > 2 else "features"
        params = dict(base, embedding=embedding, similarity=similarity, poster_encoder=poster,
                      threshold=reference_threshold)
        index = CopycatIndex(**params).fit(history)
        frame = analysis_frame(films, index.transform(films))
        if share is None:
            share = float(frame["copycat_flag"].mean())
        else:  # the τ that flags the reference share of this measure's films
            tau = float(np.clip(np.quantile(frame["copycat_max_sim"], 1 - share), 0.0, 1.0))
            index.set_params(threshold=round(tau, 4))
            frame = analysis_frame(films, index.transform(films))
        reg = copycat_regressions(frame, index.threshold)
        rows.append({"embedding": embedding, "similarity": similarity,
                     "poster": poster if similarity != "keywords" else "—",
                     "threshold": index.threshold, "n_films": int(len(frame)),
                     "copycat_share": float(frame["copycat_flag"].mean()), **_flat_cells(reg)})
    return pd.DataFrame(rows)
