"""A missing field means "unknown", never "small": the forecaster on a market with planted coverage.

The public tables list cast, crew, keywords and companies mostly for popular films. This market
plants the same bias (a below-median film's lists are left out 70% of the time, an above-median
film's 15%) in the training and the test films alike, as in the real corpus, and the test films
are then given under each field set, as the protocol scores them. A model trained on the films as
given reads "no cast listed" as "a small film", so leaving fields out moves its forecasts far
down; one trained on the field-set copies reads a left-out field as "unknown".

The coverage here depends on revenue itself, beyond anything a model can see, so no design keeps
every shift at zero: the films that show a field really are larger than the films like them in
budget and genres (measured: `none` shifts −0.48/−0.57/−0.75 for form/core/minimal, `field_sets`
with one regressor +0.11/−0.10/−0.06, copies plus a regressor per set +0.20/−0.06/−0.07, the same
with the named sets also copied with one more field +0.19/−0.07/−0.05, with set regressors that
also serve up to two fields beyond their set +0.22/−0.04/−0.08, and the default, whose regressor
of every field also learns random subsets of each film's fields, +0.25/−0.01/−0.05). The test holds
what a robust design must do on such data: cut the largest shift by more than half, and stay near
the bound where only budget and genres remain.
"""

import numpy as np
import pandas as pd
import pytest

from reelcast.data import (
    MODEL_FIELD_SETS,
    NEAR_FIELD_SETS,
    OPTIONAL_FIELDS,
    blank_fields,
    make_market,
    random_field_copies,
)
from reelcast.evaluation import log_revenue
from reelcast.forecast import BoxOfficeForecaster

BOUND = 0.10  # the bound on |mean shift| of the log forecast
_KEPT = ("budget", "genres", "runtime", "original_language", "certification", "distributor",
         "collection", "story_source", "creative_type", "production_method", "overview",
         "tagline", "poster")  # every field but cast, directors, writers, keywords, companies


def _planted(kept):
    """A coverage plant for :func:`_market_split`: every field but ``kept`` left out of 70% of the
    below-median films and 15% of the others."""
    def plant(films: pd.DataFrame, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        y = log_revenue(films)
        small = y < np.nanmedian(y)
        out = films.copy()
        at = out.index[rng.random(len(out)) < np.where(small, 0.70, 0.15)]
        out.loc[at] = blank_fields(out.loc[at], kept)
        return out
    return plant


_planted_coverage = _planted(_KEPT)  # the lists: cast, directors, writers, keywords, companies


def _market_split(plant) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Films before 2013 to train on, the later ones to test, coverage planted in both by
    ``plant(films, seed)``."""
    films = make_market(2500, seed=5, missing_rate=0.0)
    films = films[films["revenue"] > 0].reset_index(drop=True)
    films.attrs = {}
    past = films["release_date"] < pd.Timestamp("2013-01-01")
    return plant(films[past], seed=1), plant(films[~past], seed=2)


@pytest.fixture(scope="module")
def split():
    return _market_split(_planted_coverage)


@pytest.fixture(scope="module")
def shifts(split):
    train, test = split
    out = {}
    designs = {"none": {"field_dropout": "none", "set_models": ()},
               "field_sets": {"field_dropout": "field_sets", "set_models": (),
                              "subset_copies": 0},
               "default": {}}  # field-set copies plus a regressor per named set
    for design, params in designs.items():
        model = BoxOfficeForecaster(n_estimators=200, learning_rate=0.06, n_jobs=1,
                                    **params).fit(train)
        full = model.predict(test)
        out[design] = {name: float(np.mean(model.predict(blank_fields(test, name)) - full))
                       for name in ("form", "core", "minimal")}
    return out


def test_a_model_trained_on_the_films_as_given_reads_missing_as_small(shifts):
    assert all(shift < -BOUND for shift in shifts["none"].values()), shifts["none"]


@pytest.mark.parametrize("design", ["field_sets", "default"])
def test_robust_designs_cut_the_largest_shift_by_more_than_half(shifts, design):
    worst = {d: max(abs(v) for v in s.values()) for d, s in shifts.items()}
    assert worst[design] < 0.5 * worst["none"], shifts


@pytest.mark.parametrize("design", ["field_sets", "default"])
def test_with_budget_and_genres_only_the_forecast_barely_moves(shifts, design):
    assert abs(shifts[design]["minimal"]) < 1.5 * BOUND, shifts[design]


# One field beyond a named set. When each field's presence tracks revenue on its own (the real
# tables: a film may list a cast but no writers, companies or certification), the regressor of
# every field that serves such a film read the fields still blank as "small" unless it was also
# trained on the named sets with one more field. Measured on this market (mean shift against
# full; core/minimal plus one field): named-set copies only, core+certification −0.25,
# minimal+certification −0.28, core+keywords −0.19; with the near sets +0.11, +0.14, +0.01.
_EACH_ALONE = ("cast", "directors", "writers", "keywords", "companies", "certification")
_NEAR = ("core+certification", "minimal+certification", "core+keywords", "core+cast")


def _planted_each_alone(films: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Leave out each field on its own: 60% of the below-median films, 10% of the others."""
    rng = np.random.default_rng(seed)
    y = log_revenue(films)
    small = y < np.nanmedian(y)
    out = films.copy()
    for field in _EACH_ALONE:
        at = out.index[rng.random(len(out)) < np.where(small, 0.6, 0.1)]
        out.loc[at] = blank_fields(out.loc[at], [f for f in OPTIONAL_FIELDS if f != field])
    return out


@pytest.fixture(scope="module")
def near_shifts():
    train, test = _market_split(_planted_each_alone)
    out = {}
    designs = {"named sets only": {"one_more_field": False, "own_weight": 1.0,
                                   "set_models_near": 0, "subset_copies": 0}, "default": {}}
    for design, params in designs.items():
        model = BoxOfficeForecaster(n_estimators=200, learning_rate=0.06, n_jobs=1,
                                    **params).fit(train)
        full = model.predict(test)
        out[design] = {name: float(np.mean(model.predict(blank_fields(test, name)) - full))
                       for name in _NEAR}
    return out


def test_one_more_field_than_a_named_set_is_not_read_as_small(near_shifts):
    before, after = near_shifts["named sets only"], near_shifts["default"]
    assert min(before.values()) < -2 * BOUND, before  # the defect the near sets fix
    worst = {d: max(abs(v) for v in s.values()) for d, s in near_shifts.items()}
    assert worst["default"] < 0.7 * worst["named sets only"], near_shifts
    assert min(after.values()) > -BOUND, after  # no near set reads as a smaller film


# Giving one field beyond a named set must not lower the forecast against the set alone. With
# coverage planted on every list at once (the fixture ``split``), the regressor of every field,
# which served such films before ``set_models_near``, learned from the films with all their
# fields (weighted ``own_weight``) that a film showing a distributor but no lists is small.
# Measured on this market, the largest drop of a near set's mean shift below its named set's:
# −0.20 (form+distributor) without, −0.03 (form+collection) with the default, whose set
# regressors also learn and serve up to two fields beyond their set.
@pytest.fixture(scope="module")
def drops_below_own_set(split):
    train, test = split
    out = {}
    for design, params in {"full regressor": {"set_models_near": 0, "subset_copies": 0},
                           "default": {}}.items():
        model = BoxOfficeForecaster(n_estimators=200, learning_rate=0.06, n_jobs=1,
                                    **params).fit(train)
        full = model.predict(test)
        shift = {name: float(np.mean(model.predict(blank_fields(test, name)) - full))
                 for name in ("form", "core", "minimal", *NEAR_FIELD_SETS)}
        out[design] = min(shift[n] - shift[n.split("+")[0]] for n in NEAR_FIELD_SETS)
    return out


def test_one_field_more_never_lowers_the_forecast_below_its_set(drops_below_own_set):
    assert drops_below_own_set["full regressor"] < -1.5 * BOUND, drops_below_own_set  # the defect
    assert drops_below_own_set["default"] > -0.5 * BOUND, drops_below_own_set


# Three or more fields beyond every named set: the regressor of every field serves the film, and
# a user's random pick of fields is one of thousands of patterns the named and near sets do not
# copy. With each field's presence tracking revenue on its own, that regressor read the fields
# left out as "small" unless it also trained on random subsets of each film's fields
# (``subset_copies``). Measured on this market, mean shift of the films a random 60% of their
# fields sends to that regressor (92% of them): −0.33 without, −0.21 with the default's two
# copies (on the real 2014–2017 test: −0.41 and −0.12, ``python -m benchmarks.beyond``). The
# presence of a field here tracks revenue beyond what a model sees, so no design reaches 0.
def _random_pick_shifts(kept: str, route: str, **params) -> dict:
    """Per design (without and with ``subset_copies``): the mean shift of the test films given a
    random 60% of their ``kept`` fields that ``route``'s regressor serves, and their share."""
    train, test = _market_split(_planted_each_alone)
    rows = random_field_copies(blank_fields(test, kept), 1, 0.6, random_state=3)[0]
    out = {}
    for design, copies in {"no subset copies": {"subset_copies": 0}, "default": {}}.items():
        model = BoxOfficeForecaster(n_estimators=200, learning_rate=0.06, n_jobs=1,
                                    **params, **copies).fit(train)
        served = model.routes(rows) == route
        shift = model.predict(rows) - model.predict(test)
        out[design] = float(np.mean(shift[served])), float(served.mean())
    return out


@pytest.fixture(scope="module")
def beyond_shifts():
    # without the producer set, which would take the subsets that give no release-table field
    return _random_pick_shifts("full", "full", set_models=("form", "core", "minimal"))


def test_fields_far_beyond_every_set_are_not_read_as_small(beyond_shifts):
    (before, routed), (after, _) = beyond_shifts["no subset copies"], beyond_shifts["default"]
    assert routed > 0.5, beyond_shifts  # these films are the full regressor's
    assert before < -2.5 * BOUND, beyond_shifts  # the defect
    assert after > 0.7 * before, beyond_shifts  # cut by more than 30%


def _typed_shifts(plant, kept: str, before: dict) -> dict:
    """Per design (``before``'s, then the default): the mean shift of the test films given only
    the ``kept`` fields against their full rows, and the share of them each route serves."""
    train, test = _market_split(plant)
    rows = blank_fields(test, kept)
    out = {}
    for design, params in {**before, "default": {}}.items():
        model = BoxOfficeForecaster(n_estimators=200, learning_rate=0.06, n_jobs=1,
                                    **params).fit(train)
        route, share = np.unique(model.routes(rows), return_counts=True)
        out[design] = (float(np.mean(model.predict(rows) - model.predict(test))),
                       dict(zip(route.tolist(), (share / len(rows)).tolist(), strict=True)))
    return out


# Every field but the release tables' (distributor, story source, creative type, production
# method): what a producer types. Only Box Office Mojo, The Numbers and Vega give those fields, so
# in the corpus a film without them is one no release table listed, mostly a small one. Planted
# here the same way (left out for 70% of the below-median films, 15% of the others), the regressor
# of every field read their absence as "small": measured, mean shift −0.30 against the full rows;
# the producer set's regressor, which never reads them, −0.14. The full rows without them lose
# that signal too (R² 0.625 → 0.584 on this market, where it is planted on revenue itself).
_planted_release_tables = _planted(MODEL_FIELD_SETS["producer"])


@pytest.fixture(scope="module")
def producer_shifts():
    return _typed_shifts(_planted_release_tables, "producer",
                         {"named sets only": {"set_models": ("form", "core", "minimal")}})


def test_a_film_typed_without_the_release_tables_fields_is_not_read_as_small(producer_shifts):
    (before, _), (after, _) = producer_shifts["named sets only"], producer_shifts["default"]
    assert before < -2 * BOUND, producer_shifts  # the defect
    assert after > 0.65 * before, producer_shifts  # cut by more than a third


# What a producer types is rarely a fixed set: a random pick of the producer set's fields is one of
# thousands of patterns that its regressor's field-set copies never show, and with each field's
# presence tracking revenue on its own, that regressor read the fields left out as "small" unless
# it also trained on random subsets of the producer rows (``subset_copies``). Measured on this
# market, mean shift of the films a random 60% of the producer set's fields sends to the producer
# regressor (55% of them; the others go to the named sets and the metadata set): −0.33 without,
# −0.30 with the default's two copies (−0.46 and −0.40 on 43% before the metadata set took the
# picks without the crowd lists; on the real 2014–2017 test: −0.37 and −0.12, ``python -m
# benchmarks.beyond``). As above, the planted coverage tracks revenue itself, so no design reaches 0.
@pytest.fixture(scope="module")
def producer_subset_shifts():
    return _random_pick_shifts("producer", "producer")


def test_random_picks_of_the_producer_fields_are_not_read_as_small(producer_subset_shifts):
    (before, routed), (after, _) = (producer_subset_shifts["no subset copies"],
                                    producer_subset_shifts["default"])
    assert routed > 0.3, producer_subset_shifts  # these films are the producer regressor's
    assert before < -3 * BOUND, producer_subset_shifts  # the defect
    assert after > 0.95 * before, producer_subset_shifts  # cut by more than 5%


# Keywords, writers, the overview, the tagline and the poster: in the corpus the TMDB 5000 and IMDB
# 5000 tables give them far more often than the smaller sources, so a film typed without them
# (core plus certification, cast, directors, companies, collection: the ``metadata`` set) was read
# as smaller by the producer regressor, which reads them (on the real 2014–2017 test −0.41, with
# the metadata set's own regressor −0.11; ``python -m benchmarks.beyond``). Planted here the same
# way (left out for 70% of the below-median films, 15% of the others): measured, mean shift of the
# test films given the metadata set −0.40 with the producer regressor, −0.07 with their own.
_CROWD_LISTS = ("keywords", "writers", "overview", "tagline", "poster")


_planted_crowd_lists = _planted([f for f in OPTIONAL_FIELDS if f not in _CROWD_LISTS])


@pytest.fixture(scope="module")
def metadata_shifts():
    without = {"set_models": ("form", "core", "minimal", "producer")}
    return _typed_shifts(_planted_crowd_lists, "metadata", {"without the metadata set": without})


def test_a_film_typed_without_the_crowd_lists_is_not_read_as_small(metadata_shifts):
    (before, routes_before), (after, routes) = (metadata_shifts["without the metadata set"],
                                                metadata_shifts["default"])
    # the sets' own regressors: the producer's before, the metadata set's now
    assert routes_before["producer"] > 0.9 and routes["metadata"] > 0.9, metadata_shifts
    assert before < -2 * BOUND, metadata_shifts  # the defect
    assert after > 0.5 * before, metadata_shifts  # cut by more than half
