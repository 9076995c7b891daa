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
