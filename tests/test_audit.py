"""Label audit: each flag on hand-made per-source records; labels themselves never change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reelcast.data._audit import LABEL_FLAGS, audit_labels

NAN = np.nan


def test_each_flag():
    records = pd.DataFrame([
        # a: sources disagree x5 on revenue and x4 on budget
        {"film_id": "a", "_source": "s1", "revenue": 100e6, "budget": 10e6},
        {"film_id": "a", "_source": "s2", "revenue": 20e6, "budget": 40e6},
        # b: worldwide revenue equals a domestic gross; under $22k
        {"film_id": "b", "_source": "s1", "revenue": 15_000.0, "revenue_domestic": 15_000.0},
        # c: a budget typed in millions (25 beside 25M elsewhere)
        {"film_id": "c", "_source": "s1", "_budget_below_1000": 25.0, "revenue": 90e6},
        {"film_id": "c", "_source": "s2", "budget": 25e6},
        # d: budget 5 and nothing else: most likely millions too; e: a plain small budget 5
        # beside $300,000 is no millions typo
        {"film_id": "d", "_source": "s1", "_budget_below_1000": 5.0},
        {"film_id": "e", "_source": "s1", "_budget_below_1000": 5.0, "budget": NAN},
        {"film_id": "e", "_source": "s2", "budget": 300_000.0, "revenue": 1e6},
        # f: sources agree within x3
        {"film_id": "f", "_source": "s1", "revenue": 100e6, "budget": 30e6},
        {"film_id": "f", "_source": "s2", "revenue": 40e6, "budget": 20e6},
    ])
    films = pd.DataFrame({
        "film_id": list("abcdef"), "budget": [10e6, NAN, 25e6, NAN, 300_000, 30e6],
        "revenue": [100e6, 15_000, 90e6, NAN, 1e6, 100e6], "year": [2015, 2010, 2016, 2001,
                                                                    2014, 2017],
        "src_revenue": ["s1", "s1", "s1", None, "s2", "s1"]})
    flags, counts = audit_labels(records, films)
    assert flags.tolist() == [
        ["revenue_sources_disagree", "budget_sources_disagree"],
        ["revenue_equals_domestic", "revenue_under_22k"],
        ["budget_in_millions"], ["budget_in_millions"], [], []]
    assert set(counts["flags"]) == set(LABEL_FLAGS)
    assert counts["flags"]["budget_in_millions"]["films"] == 2
    assert counts["flags"]["budget_in_millions"]["with_budget_and_revenue"] == 1
    assert counts["flags"]["revenue_sources_disagree"]["test_2014_2017"] == 1
    assert counts["flags"]["revenue_sources_disagree"]["by_revenue_source"] == {"s1": 1}
    assert counts["any_flag"] == {"films": 4, "with_budget_and_revenue": 2, "test_2014_2017": 2}
    assert films["revenue"].tolist()[1] == 15_000  # nothing changed


def test_the_forecaster_can_train_without_the_flagged_labels():
    """Planted domestic-only figures (revenue / 1000, flagged) on 30% of the training films: kept,
    they pull every forecast down; dropped (``flagged_labels="drop"``), the unflagged later films
    are forecast as the clean market would."""
    from reelcast.data import has_label_flags, log_revenue, make_market
    from reelcast.forecast import BoxOfficeForecaster

    films = make_market(900, seed=5)
    films = films[films["revenue"] > 0].copy()
    past = (films["release_date"] < pd.Timestamp("2012-01-01")).to_numpy()
    rng = np.random.default_rng(0)
    planted = past & (rng.random(len(films)) < 0.3)
    films.loc[planted, "revenue"] = films.loc[planted, "revenue"] / 1000
    films["label_flags"] = [["revenue_domestic_only"] if p else [] for p in planted]
    train, test = films[past], films[~past]
    assert has_label_flags(train).sum() == planted.sum() and not has_label_flags(test).any()
    y = log_revenue(test)
    residual = {}
    for labels in ("keep", "drop"):
        model = BoxOfficeForecaster(n_estimators=60, n_jobs=1, flagged_labels=labels)
        residual[labels] = float(np.mean(y - model.fit(train, history=films).predict(test)))
    # 30% of the labels 6.9 log too low: the kept ones drag the level down by about 2 log
    assert residual["keep"] > residual["drop"] + 1.0, residual
    assert abs(residual["drop"]) < 0.5, residual
