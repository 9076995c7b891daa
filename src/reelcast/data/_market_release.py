"""The corpus v2 fields of the synthetic market: distributor, story source, creative type,
production method, minimum age and the release plan (opening theaters).

They are drawn from their own random stream (seeded from the market's seed), so adding them left
every earlier column of ``make_market`` unchanged. Bigger budgets open wider and go more often to
a major distributor; animation and family films are animated and rated for children. None of
these fields enters the planted revenue: they are plausible, not causal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._certification import min_ages

__all__ = ["add_release_fields"]

_MAJORS = ("Buena Vista", "Warner Bros.", "Universal", "20th Century Fox", "Paramount",
           "Sony/Columbia")
_INDIES = ("Lionsgate", "Focus Features", "IFC", "Magnolia", "A24", "Roadside Attractions")
_SOURCES = ("Original Screenplay", "Based on Fiction Book/Short Story", "Based on Real Life Events",
            "Remake", "Based on Comic/Graphic Novel", "Based on TV")
_SOURCE_P = (0.55, 0.2, 0.1, 0.05, 0.05, 0.05)


def add_release_fields(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Add ``distributor``, ``story_source``, ``creative_type``, ``production_method``,
    ``min_age``, ``opening_theaters`` and an empty ``label_flags`` to a market frame."""
    rng = np.random.default_rng([int(seed), 16])
    n = len(frame)
    log_budget = np.log(frame["budget"].fillna(frame["budget"].median()).clip(lower=1e5))
    big = 1 / (1 + np.exp(-(log_budget - np.log(30e6))))  # share of majors rises with budget
    major = rng.random(n) < big
    distributor = np.where(major, rng.choice(_MAJORS, n), rng.choice(_INDIES, n))
    genres = frame["genres"].tolist()
    animated = np.array(["Animation" in g for g in genres])
    kids = np.array([bool({"Animation", "Family"} & set(g)) for g in genres])
    fantastic = np.array([bool({"Fantasy", "Science Fiction"} & set(g)) for g in genres])
    creative = np.where(kids, "Kids Fiction", np.where(fantastic, "Fantasy",
                        np.where(rng.random(n) < 0.8, "Contemporary Fiction",
                                 "Historical Fiction")))
    sequel = frame["is_sequel"].fillna(False).to_numpy(bool)
    source = np.where(sequel, "Original Screenplay", rng.choice(_SOURCES, n, p=_SOURCE_P))
    # about 300 screens at $1M, 2,700 at $30M, 4,000 at $200M (capped at 4,400)
    wide = np.clip(300 + 700 * (log_budget - np.log(1e6)) + 300 * rng.standard_normal(n), 1, 4400)
    known_plan = rng.random(n) < 0.6  # the plan is in only some tables, as in the corpus
    out = frame.copy()
    out["min_age"] = min_ages(out["certification"].tolist())
    out["distributor"] = distributor
    out["story_source"] = source
    out["creative_type"] = creative
    out["production_method"] = np.where(animated, "Digital Animation", "Live Action")
    out["opening_theaters"] = np.where(known_plan, np.round(wide), np.nan)
    out["label_flags"] = [[] for _ in range(n)]
    return out
