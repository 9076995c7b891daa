"""Label audit: per film, the revenue and budget of every source side by side, and flags where the
labels look wrong. Nothing is dropped or changed here; the flags go into the corpus column
``label_flags`` (a list of flag names) and their counts into ``build_report.json``
(``label_audit``), and whoever trains decides what to do with them.

=============================  ==============================================================
flag                           when
=============================  ==============================================================
``revenue_sources_disagree``   the worldwide grosses of two sources differ by more than ×3
``budget_sources_disagree``    the budgets of two sources differ by more than ×3
``revenue_equals_domestic``    the film's worldwide ``revenue`` equals (within 0.5%) a
                               domestic (US) gross of some source: often a US-only figure
                               filed as worldwide; true for US-only releases
``budget_in_millions``         a source's budget is below $1,000 (made missing when read),
                               and it is within ×3 of another source's budget divided by
                               1e6, or no other source has a budget (the usual typo)
``revenue_under_22k``          the film's worldwide ``revenue`` is below $22,000
=============================  ==============================================================

The sources' budgets below $1,000 are kept by ``fix_impossible`` in the helper column
``_budget_below_1000`` so this audit can see them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LABEL_FLAGS", "DISAGREEMENT_FACTOR", "SMALL_REVENUE", "audit_labels", "has_label_flags"]

DISAGREEMENT_FACTOR = 3.0
SMALL_REVENUE = 22_000.0
EQUAL_TOLERANCE = 0.005
LABEL_FLAGS = ("revenue_sources_disagree", "budget_sources_disagree", "revenue_equals_domestic",
               "budget_in_millions", "revenue_under_22k")


def has_label_flags(films: pd.DataFrame) -> np.ndarray:
    """Per film: did any audit check flag its labels? (False for frames without the column.)"""
    if "label_flags" not in films.columns:
        return np.zeros(len(films), bool)
    return films["label_flags"].map(lambda v: hasattr(v, "__len__") and len(v) > 0).to_numpy(bool)


def _spread(records: pd.DataFrame, column: str) -> pd.Series:
    """max / min of the positive values of ``column`` per film (NaN with fewer than two)."""
    if column not in records:
        return pd.Series(dtype=float)
    values = records[["film_id", column]].dropna()
    values = values[values[column] > 0]
    stats = values.groupby("film_id")[column].agg(["min", "max", "size"])
    stats = stats[stats["size"] >= 2]
    return stats["max"] / stats["min"]


def audit_labels(records: pd.DataFrame, films: pd.DataFrame) -> tuple[pd.Series, dict]:
    """Flags per film (a list per row of ``films``, aligned with it) and the counts.

    ``records`` are the per-source rows keyed by ``film_id`` (before the merge); ``films`` the
    merged corpus rows (their ``revenue`` and ``src_revenue`` are the labels audited).
    """
    flags = {name: set() for name in LABEL_FLAGS}
    revenue_spread = _spread(records, "revenue")
    flags["revenue_sources_disagree"] = set(revenue_spread.index[revenue_spread > DISAGREEMENT_FACTOR])
    budget_spread = _spread(records, "budget")
    flags["budget_sources_disagree"] = set(budget_spread.index[budget_spread > DISAGREEMENT_FACTOR])

    revenue = films.set_index("film_id")["revenue"].astype("float64")
    if "revenue_domestic" in records:
        domestic = records[["film_id", "revenue_domestic"]].dropna()
        domestic = domestic.assign(world=domestic["film_id"].map(revenue))
        equal = ((domestic["world"] - domestic["revenue_domestic"]).abs()
                 <= EQUAL_TOLERANCE * domestic["world"])
        flags["revenue_equals_domestic"] = set(domestic.loc[equal.fillna(False).to_numpy(bool),
                                                            "film_id"])
    if "_budget_below_1000" in records:
        small = records[["film_id", "_budget_below_1000"]].dropna()
        small = small[small["_budget_below_1000"] > 0]
        budgets = records[["film_id", "budget"]].dropna()
        pairs = small.merge(budgets, on="film_id", how="left")
        ratio = pairs["budget"] / (pairs["_budget_below_1000"] * 1e6)
        close = ((ratio <= DISAGREEMENT_FACTOR) & (ratio >= 1 / DISAGREEMENT_FACTOR)).fillna(False)
        alone = ~pairs["film_id"].isin(set(budgets["film_id"]))
        flags["budget_in_millions"] = set(pairs.loc[(close | alone).to_numpy(bool), "film_id"])
    flags["revenue_under_22k"] = set(revenue.index[(revenue < SMALL_REVENUE).to_numpy(bool)])

    film_ids = films["film_id"].astype(str)
    per_film = pd.Series([[name for name in LABEL_FLAGS if f in flags[name]] for f in film_ids],
                         index=films.index, dtype=object)
    counts = _counts(films, flags)
    return per_film, counts


def _counts(films: pd.DataFrame, flags: dict[str, set]) -> dict:
    """Counts per flag: all films, films with budget and revenue, by revenue source, and 2014–17
    (the temporal test years)."""
    labelled = ((films["budget"] > 0) & (films["revenue"] > 0)).fillna(False).to_numpy(bool)
    test = (labelled & (films["year"] >= 2014).fillna(False).to_numpy(bool)
            & (films["year"] <= 2017).fillna(False).to_numpy(bool))
    ids = films["film_id"].astype(str).to_numpy(object)
    source = films["src_revenue"].astype("string").fillna("none").to_numpy(object)
    out: dict = {"films_with_budget_and_revenue": int(labelled.sum()),
                 "test_films_2014_2017": int(test.sum()), "flags": {}}
    any_flag = np.zeros(len(films), bool)
    for name, members in flags.items():
        hit = np.fromiter((f in members for f in ids), bool, len(ids))
        any_flag |= hit
        by_source = pd.Series(source[hit & labelled]).value_counts()
        out["flags"][name] = {
            "films": int(hit.sum()), "with_budget_and_revenue": int((hit & labelled).sum()),
            "test_2014_2017": int((hit & test).sum()),
            "by_revenue_source": {k: int(v) for k, v in by_source.items()}}
    out["any_flag"] = {"films": int(any_flag.sum()),
                       "with_budget_and_revenue": int((any_flag & labelled).sum()),
                       "test_2014_2017": int((any_flag & test).sum())}
    return out
