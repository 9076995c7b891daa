"""A missing field means "unknown", never "small": the forecaster on a market with planted coverage.

The public tables list cast, crew, keywords and companies mostly for popular films. This market
plants the same bias in the training films (a small film's lists are usually left out), while the
films to forecast come complete, as a user who knows the film types them. Leaving fields out of
those films must not move the forecasts on average: a model trained on the films as given reads
"no cast listed" as "a small film"; one trained on the field-set copies reads it as "unknown".
"""

import numpy as np
import pandas as pd
import pytest

from reelcast.data import blank_fields, make_market
from reelcast.evaluation import log_revenue
from reelcast.forecast import BoxOfficeForecaster

BOUND = 0.10  # the bound on |mean shift| of the log forecast
_COVERAGE_FIELDS = ("cast", "directors", "writers", "keywords", "companies")


def _planted_coverage(films: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Blank the lists of 85% of the below-median films and 10% of the others."""
    rng = np.random.default_rng(seed)
    y = log_revenue(films)
    small = y < np.nanmedian(y)
    blank = rng.random(len(films)) < np.where(small, 0.70, 0.15)
    out = films.copy()
    at = out.index[blank]
    out.loc[at] = blank_fields(out.loc[at], [f for f in ("budget", "genres", "runtime",
                                                        "original_language", "certification",
                                                        "collection", "overview", "tagline",
                                                        "poster") if f not in _COVERAGE_FIELDS])
    return out


@pytest.fixture(scope="module")
def split():
    films = make_market(2500, seed=5, missing_rate=0.0)
    films = films[films["revenue"] > 0].reset_index(drop=True)
    films.attrs = {}
    past = films["release_date"] < pd.Timestamp("2013-01-01")
    train = _planted_coverage(films[past], seed=1)
    return train, films[~past]


def _mean_shifts(model, test) -> dict[str, float]:
    full = model.predict(test)
    return {name: float(np.mean(model.predict(blank_fields(test, name)) - full))
            for name in ("form", "core", "minimal")}


@pytest.fixture(scope="module")
def shifts(split):
    train, test = split
    out = {}
    for name, params in {"none": dict(field_dropout="none"),
                         "field_sets": dict(field_dropout="field_sets", coverage_weighting=False),
                         "weighted": dict(field_dropout="field_sets")}.items():
        model = BoxOfficeForecaster(n_estimators=200, learning_rate=0.06, n_jobs=1,
                                    **params).fit(train)
        out[name] = _mean_shifts(model, test)
    print(out)
    return out


def test_a_model_trained_on_the_films_as_given_reads_missing_as_small(shifts):
    assert min(shifts["none"].values()) < -BOUND, shifts["none"]


def test_field_set_copies_keep_every_shift_within_the_bound(shifts):
    for name, shift in shifts["weighted"].items():
        assert abs(shift) <= BOUND, (name, shift)
