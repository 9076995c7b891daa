"""TreeSHAP contributions and nearest earlier comparables for one film."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _tiny_product import tiny_films, tiny_model_dir

from reelcast._errors import InputError
from reelcast.evaluation import revenue_films
from reelcast.forecast import load_forecaster, save_forecaster
from reelcast.forecast._explain import (
    explain_film,
    feature_contributions,
    load_comparables,
    nearest_comparables,
    reference_table,
    save_comparables,
    start_contributions,
)
from reelcast.forecast._input import films_from_records


@pytest.fixture(scope="module")
def films():
    return tiny_films()


@pytest.fixture(scope="module")
def model():
    return load_forecaster(tiny_model_dir())


@pytest.fixture(scope="module")
def reference(model, films):
    return reference_table(model, films)


def _film(**kw):
    rec = {"title": "New Film", "release_date": "2018-06-01", "budget": 80_000_000,
           "genres": ["Action", "Adventure"]}
    return films_from_records([rec | kw], first_row=None)


def test_contributions_sum_to_the_forecast(model, films):
    sample = films.tail(20)
    contrib = feature_contributions(model, sample)
    assert contrib.columns[-1] == "bias"
    np.testing.assert_allclose(contrib.sum(axis=1), model.predict(sample), atol=1e-6)


def test_explain_film_orders_and_converts(model):
    film = _film()
    out = explain_film(model, film, top=7)
    rows = out["contributions"]
    assert len(rows) == 7
    mags = [abs(r["log"]) for r in rows]
    assert mags == sorted(mags, reverse=True)
    for r in rows:
        assert r["factor"] == pytest.approx(np.exp(r["log"]))
        assert np.sign(r["usd"]) == np.sign(r["log"]) or r["log"] == 0
    assert out["forecast_log"] == pytest.approx(model.predict(film)[0], abs=1e-6)
    assert out["baseline_usd"] == pytest.approx(np.exp(out["baseline_log"]))
    json.dumps(out)  # JSON-ready


def _contributions_on_a_thread(model, film, X, **kwargs) -> tuple[np.ndarray, list[dict]]:
    """``start_contributions`` with a one-thread pool; the row and the keyword arguments of
    every part submitted to the pool."""
    from concurrent.futures import ThreadPoolExecutor

    calls = []
    with ThreadPoolExecutor(1) as pool:
        def submit(fn, *args, **params):
            calls.append(params)
            return pool.submit(fn, *args, **params)

        return start_contributions(model, film, X, submit, **kwargs)(), calls


def test_contributions_in_two_parts_match_one_pass(model, films):
    """The first trees on another thread plus the rest here: the one-pass TreeSHAP row, the same
    explanation, and the other thread really gets a part (not the whole film)."""
    film = films.tail(1)
    X = model.transform(film)
    row, calls = _contributions_on_a_thread(model, film, X)
    booster = model.regressor(model.routes(film)[0]).booster_
    assert 0 < calls[0]["num_iteration"] < booster.current_iteration()
    whole = feature_contributions(model, film).to_numpy()[0]
    np.testing.assert_allclose(row, whole, rtol=0, atol=1e-10)
    split = explain_film(model, film, top=5, features=X, contrib=row)
    plain = explain_film(model, film, top=5, features=X)
    assert [c["feature"] for c in split["contributions"]] == [c["feature"] for c in plain["contributions"]]
    assert split["forecast_log"] == pytest.approx(plain["forecast_log"], abs=1e-10)


def test_contributions_stay_whole_when_asked(model, films):
    """head_share=1: the whole row on the other thread (a forecast with a poster keeps that core
    busy anyway), nothing left for the caller."""
    film = films.tail(1)
    row, calls = _contributions_on_a_thread(model, film, model.transform(film), head_share=1.0)
    booster = model.regressor(model.routes(film)[0]).booster_
    assert [c["num_iteration"] for c in calls] == [booster.current_iteration()]
    np.testing.assert_allclose(row, feature_contributions(model, film).to_numpy()[0], atol=1e-12)


def test_contributions_of_a_one_tree_model_are_not_split():
    """One tree cannot be split in two; LightGBM would read a 0-tree part as every tree."""
    from concurrent.futures import ThreadPoolExecutor

    from reelcast.data import make_market
    from reelcast.forecast import BoxOfficeForecaster

    market = make_market(300, seed=1)
    one = BoxOfficeForecaster(n_estimators=1, keyword_topics=0, set_models=(), n_jobs=1).fit(market)
    film = market.tail(1)
    with ThreadPoolExecutor(1) as pool:
        row = start_contributions(one, film, one.transform(film), pool.submit)()
    np.testing.assert_allclose(row, feature_contributions(one, film).to_numpy()[0], atol=1e-12)
    assert row.sum() == pytest.approx(one.predict(film)[0], abs=1e-9)


def test_explain_film_takes_one_row(model, films):
    with pytest.raises(InputError, match="one film"):
        explain_film(model, films.head(2))


def test_comparables_are_earlier_films_with_revenue(model, reference):
    film = _film(release_date="2010-06-01")
    comps = nearest_comparables(reference, model, film, k=5)
    assert len(comps) == 5
    assert all(c["release_date"] < "2010-06-01" and c["revenue"] > 0 for c in comps)
    dists = [c["distance"] for c in comps]
    assert dists == sorted(dists)


def test_comparables_follow_the_budget(model, reference):
    big = nearest_comparables(reference, model, _film(budget=250_000_000), k=5)
    small = nearest_comparables(reference, model, _film(budget=2_000_000), k=5)
    assert np.median([c["budget"] for c in big]) > 5 * np.median([c["budget"] for c in small])


@pytest.mark.parametrize("kwargs, match", [({"k": 0}, "at least 1")])
def test_comparables_bad_k(model, reference, kwargs, match):
    with pytest.raises(InputError, match=match):
        nearest_comparables(reference, model, _film(), **kwargs)


def test_no_earlier_film_gives_no_comparables(model, reference):
    assert nearest_comparables(reference, model, _film(release_date="1950-01-01")) == []


def test_comparables_round_trip_through_the_model_dir(model, films, tmp_path):
    out = save_forecaster(model, tmp_path / "m")
    assert load_comparables(out) is None
    save_comparables(out, model, films)
    manifest = json.loads((out / "manifest.json").read_text())
    assert "comparables.parquet" in manifest["files"]
    loaded = load_forecaster(out)
    table = load_comparables(out)
    assert len(table) == len(revenue_films(films))
    assert pd.api.types.is_datetime64_any_dtype(table["release_date"])
    assert nearest_comparables(table, loaded, _film(), k=3)


@pytest.mark.parametrize("seed", range(5))
def test_smallest_distances_are_those_of_a_stable_full_sort(seed):
    from reelcast.forecast._explain import _smallest

    rng = np.random.default_rng(seed)
    for _ in range(300):
        n, k = int(rng.integers(0, 60)), int(rng.integers(1, 8))
        dist = rng.integers(0, 6, n).astype(float)  # many ties: pool order must break them
        if seed % 2:
            dist[rng.random(n) < 0.2] = np.nan
        np.testing.assert_array_equal(_smallest(dist, k), np.argsort(dist, kind="stable")[:k])
