"""The benchmark of films given three or more fields beyond every named set (issue #15)."""

import numpy as np
import pandas as pd
import pytest

from benchmarks.beyond import (
    PRODUCER_SETS,
    beyond_named_sets,
    beyond_scores,
    markdown,
    random_subsets,
)
from reelcast.data import FIELD_SETS, OPTIONAL_FIELDS, fields_present, make_market
from reelcast.forecast import BoxOfficeForecaster


@pytest.fixture(scope="module")
def split():
    films = make_market(900, seed=2)
    films = films[films["revenue"] > 0]
    past = films["release_date"] < pd.Timestamp("2012-01-01")
    return films[past], films[~past]


def test_random_subsets_keep_the_films_in_order_and_only_leave_fields_out(split):
    _, test = split
    rows = random_subsets(test)
    assert rows.index.equals(test.index)
    given, kept = fields_present(test).to_numpy(bool), fields_present(rows).to_numpy(bool)
    assert not (kept & ~given).any()
    assert 0.5 < kept.sum() / given.sum() < 0.7  # each field kept with probability 0.6
    pd.testing.assert_frame_equal(random_subsets(test), rows)  # a fixed sample


def test_producer_sets_lie_beyond_every_named_set():
    beyond = {name: min(len(set(fields) - set(FIELD_SETS[s])) for s in ("form", "core", "minimal"))
              for name, fields in PRODUCER_SETS.items()}
    assert all(set(fields) <= set(OPTIONAL_FIELDS) for fields in PRODUCER_SETS.values())
    # none is a named set; four lie three or more fields beyond each, the others one or two
    # beyond the form and short of its keywords: where the routing's near rule is at work
    assert min(beyond.values()) >= 1, beyond
    assert sum(n >= 3 for n in beyond.values()) >= 4, beyond


def test_scores_and_table_name_every_set_and_design(split):
    train, test = split
    scores = {"default": beyond_scores(
        BoxOfficeForecaster(n_estimators=30, n_jobs=1).fit(train), test)}
    rows = scores["default"]
    assert rows["full"]["mean_shift"] == 0.0 and rows["full"]["n"] == len(test)
    assert set(PRODUCER_SETS) < set(rows)
    for name, s in rows.items():
        assert np.isfinite([s["r2"], s["rmse"], s["mean_shift"], s["mean_residual"]]).all(), name
        assert 0.0 <= s["to_full"] + s["to_producer"] + s["to_metadata"] <= 1.0
    table = markdown(scores, "python -m benchmarks.beyond")
    assert all(f"| {name} | default |" in table for name in rows)


def test_films_beyond_every_named_set_are_those_the_named_regressors_do_not_serve(split):
    train, test = split
    rows = random_subsets(test)
    named = BoxOfficeForecaster(n_estimators=10, n_jobs=1,
                                set_models=("form", "core", "minimal")).fit(train)
    far = beyond_named_sets(rows, named.fields_read_, named.set_models_near)
    np.testing.assert_array_equal(far, named.routes(rows) == "full")
    assert 0 < far.sum() < len(rows)
