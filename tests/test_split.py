import pandas as pd
import pytest

from reelcast import InputError
from reelcast.evaluation import (
    cutoff_date,
    random_split,
    revenue_films,
    rolling_origin_splits,
    temporal_split,
)


def _films():
    dates = pd.date_range("2008-01-01", "2017-12-01", freq="MS")
    return pd.DataFrame({"release_date": dates, "budget": 1e6, "revenue": 2e6,
                         "film_id": [f"f{i}" for i in range(len(dates))]})


def test_temporal_split_is_chronological():
    train, test = temporal_split(_films(), "2014-01-01", "2016-01-01")
    assert train["release_date"].max() < pd.Timestamp("2014-01-01") <= test["release_date"].min()
    assert test["release_date"].max() < pd.Timestamp("2016-01-01")
    assert len(test) == 24


def test_bad_split_dates():
    with pytest.raises(InputError):
        temporal_split(_films(), "2015-01-01", "2014-01-01")


def test_rolling_origin_never_trains_on_the_test_year():
    for year, train, test in rolling_origin_splits(_films(), (2013, 2014), min_train=10):
        assert (train["release_date"].dt.year < year).all()
        assert (test["release_date"].dt.year == year).all()


def test_revenue_films_drops_unscorable_rows():
    films = _films()
    films.loc[0, "revenue"] = 0
    films.loc[1, "budget"] = float("nan")
    films.loc[2, "release_date"] = pd.NaT
    assert len(revenue_films(films)) == len(films) - 3


def test_random_split_partitions():
    train, test = random_split(_films(), seed=1)
    assert len(train) + len(test) == len(_films())
    assert set(train.index).isdisjoint(test.index)


@pytest.mark.parametrize("value", ["soon", "2014-02-30", "", ["2014-01-01"]])
def test_a_date_option_that_is_no_date_is_one_line_naming_it(value):
    with pytest.raises(InputError, match=r"^--until .* is not a date \(YYYY-MM-DD\)$"):
        cutoff_date(value)
    assert cutoff_date(None) is None and cutoff_date("2014-01-01") == pd.Timestamp("2014-01-01")
