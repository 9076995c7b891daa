"""The copycat study: as-of index, planted-effect recovery, leakage, importance, effects, report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reelcast._errors import InputError, NotFittedError, SchemaError
from reelcast.copycat import CopycatIndex
from reelcast.copycat._verdict import analysis_frame, copycat_regressions
from reelcast.data import make_market


def _films(rows):
    """A tiny frame: (title, date, revenue, keywords, collection)."""
    return pd.DataFrame({
        "film_id": [f"f{i}" for i in range(len(rows))],
        "title": [r[0] for r in rows],
        "release_date": pd.to_datetime([r[1] for r in rows]),
        "revenue": [r[2] for r in rows],
        "keywords": [r[3] for r in rows],
        "collection": [r[4] for r in rows],
    })


TINY = _films([
    ("hit space", "2010-03-01", 1e9, ["space", "alien"], None),
    ("flop space", "2010-04-01", 1e6, ["space", "alien"], None),
    ("hero one", "2010-05-01", 9e8, ["hero", "city"], "Hero Collection"),
    ("filler", "2010-06-01", 2e6, ["farm"], None),
    ("space clone", "2011-02-01", 5e7, ["space", "alien"], None),
    ("hero two", "2011-03-01", 8e8, ["hero", "city"], "Hero Collection"),
    ("no keywords", "2011-03-01", 8e8, [], None),
    ("too late", "2014-01-01", 5e7, ["space", "alien"], None),
])


@pytest.fixture(scope="module")
def tiny_features():
    return CopycatIndex(hit_quantile=0.5, min_year_films=1).fit(TINY).transform(TINY)


@pytest.mark.parametrize(("row", "column", "expected"), [
    (4, "copycat_max_sim", 1.0),  # same keywords as the 2010 hit
    (4, "copycat_flag", 1.0),
    (4, "copycat_n_similar", 1.0),  # the flop with the same keywords is no hit
    (4, "copycat_nearest_logrev", np.log(1e9)),
    (4, "copycat_n_hits", 2.0),  # the two 2010 films above the 2010 median
    (5, "copycat_flag", 0.0),  # its predecessor is a franchise hit, not a copycat source
    (5, "copycat_franchise_flag", 1.0),
    (5, "copycat_franchise_max_sim", 1.0),
    (7, "copycat_n_hits", 0.0),  # nothing in the 730 days before
    (7, "copycat_flag", 0.0),
    (0, "copycat_n_hits", 0.0),  # a film never sees itself
])
def test_tiny_features(tiny_features, row, column, expected):
    assert tiny_features.loc[row, column] == pytest.approx(expected)


def test_no_keywords_gives_nan(tiny_features):
    assert np.isnan(tiny_features.loc[6, "copycat_max_sim"])
    # two 2010 hits, plus "space clone": the only 2011 film so far tops 2011 year to date
    assert tiny_features.loc[6, "copycat_n_hits"] == 3


def test_current_year_threshold_only_uses_earlier_films():
    # on 2010-04-01 only the March hit is known in 2010: with min_year_films=1 it sets the
    # year-to-date threshold, so the later (bigger) 2010 films cannot demote it
    index = CopycatIndex(hit_quantile=0.5, min_year_films=1).fit(TINY)
    assert index._threshold_now(int(index.day_[1]), 2010) == pytest.approx(np.log(1e9))
    # with too few year-to-date films the previous complete year's threshold is used
    strict = CopycatIndex(hit_quantile=0.5, min_year_films=5).fit(TINY)
    day = int(strict.day_[5])  # 2011-03-01: one 2011 film known
    assert strict._threshold_now(day, 2011) == pytest.approx(strict.year_threshold_[2010])


def test_nearest_hits_lists_the_source():
    index = CopycatIndex(hit_quantile=0.5, min_year_films=1).fit(TINY)
    table = index.nearest_hits(TINY.iloc[4], n=3)
    assert table.iloc[0]["title"] == "hit space"
    assert table.iloc[0]["similarity"] == pytest.approx(1.0)
    assert list(table.columns) == ["film_id", "title", "release_date", "revenue", "similarity",
                                   "franchise"]


@pytest.mark.parametrize(("params", "field"), [
    ({"window_days": 0}, "window_days"),
    ({"hit_quantile": 1.0}, "hit_quantile"),
    ({"threshold": 1.5}, "threshold"),
    ({"top_k": 0}, "top_k"),
    ({"embedding": "poster"}, "embedding"),
    ({"min_year_films": 0}, "min_year_films"),
])
def test_bad_parameters(params, field):
    with pytest.raises(InputError, match=field):
        CopycatIndex(**params).fit(TINY)


@pytest.mark.parametrize(("call", "error"), [
    (lambda: CopycatIndex().fit(TINY.drop(columns="keywords")), SchemaError),
    (lambda: CopycatIndex().transform(TINY), NotFittedError),
    (lambda: CopycatIndex().fit(TINY).transform(TINY.drop(columns="release_date")), SchemaError),
    (lambda: CopycatIndex().fit(TINY.assign(keywords=[[]] * len(TINY))), InputError),
])
def test_errors(call, error):
    with pytest.raises(error):
        call()


@pytest.fixture(scope="module")
def market_planted():
    return make_market(2500, seed=0, copycat_effect=1.0)


@pytest.fixture(scope="module")
def market_null():
    return make_market(2500, seed=0, copycat_effect=0.0)


def test_future_shuffle_does_not_change_past_features(market_planted):
    films = market_planted.reset_index(drop=True)
    cutoff = films["release_date"].iloc[len(films) // 2]
    future = np.flatnonzero((films["release_date"] >= cutoff).to_numpy())
    rng = np.random.default_rng(0)
    shuffled = films.copy()
    for col in ("revenue", "revenue_adj", "keywords", "collection"):
        values = shuffled[col].to_numpy(copy=True)
        values[future] = values[rng.permutation(future)]
        shuffled[col] = pd.Series(values, dtype=films[col].dtype)
    past = films.loc[films["release_date"] < cutoff]
    before = CopycatIndex().fit(films).transform(past)
    after = CopycatIndex().fit(shuffled).transform(past)
    pd.testing.assert_frame_equal(before, after)
    # and the future films' features do change, so the test can fail
    changed = CopycatIndex().fit(shuffled).transform(shuffled.iloc[future])
    assert not changed.equals(CopycatIndex().fit(films).transform(films.iloc[future]))


def test_own_revenue_is_never_used(market_planted):
    films = market_planted.reset_index(drop=True)
    i = len(films) // 2
    one = films.iloc[[i]]
    a = CopycatIndex().fit(films).transform(one)
    b = CopycatIndex().fit(films.assign(revenue_adj=np.where(
        np.arange(len(films)) == i, 1e12, films["revenue_adj"]))).transform(one)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(("fixture", "planted"), [("market_planted", True),
                                                   ("market_null", False)])
def test_planted_effect_recovered(request, fixture, planted):
    films = request.getfixturevalue(fixture)
    index = CopycatIndex().fit(films)
    frame = analysis_frame(films, index.transform(films))
    flag = copycat_regressions(frame, index.threshold)["non_franchise"]["A"]["copycat_flag"]
    if planted:
        assert flag["ci_low"] > 0.1
    else:
        assert flag["ci_low"] < 0 < flag["ci_high"]
