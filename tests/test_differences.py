"""TemporalDifferences: D_t = X_t − X_{t−1} with a predecessor that is never in the future."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reelcast._errors import InputError, NotFittedError, SchemaError
from reelcast.features._differences import TemporalDifferences


def _films() -> pd.DataFrame:
    # deliberately not in date order; two films share 2001-03-01
    return pd.DataFrame({
        "release_date": pd.to_datetime(
            ["2001-03-01", "2001-01-01", "2001-02-01", "2001-03-01", None]
        ),
        "log_budget": [18.0, 16.0, 17.0, 15.0, 14.0],
        "runtime": [100.0, np.nan, 90.0, 120.0, 80.0],
        "language": pd.Categorical(["en", "fr", "en", "en", "ja"]),
    })


def test_fit_transform_differences_against_the_latest_earlier_film():
    out = TemporalDifferences().fit_transform(_films())
    # predecessor of both 2001-03-01 films is the 2001-02-01 film (17.0, 90.0), never each other
    expected_budget = [18.0 - 17.0, np.nan, 17.0 - 16.0, 15.0 - 17.0, np.nan]
    expected_runtime = [100.0 - 90.0, np.nan, np.nan, 120.0 - 90.0, np.nan]
    np.testing.assert_allclose(out["diff_log_budget"], expected_budget)
    np.testing.assert_allclose(out["diff_runtime"], expected_runtime)
    assert "release_date" not in out.columns
    assert "diff_language" not in out.columns  # categories are not differenced
    assert list(out.index) == list(range(5))  # row order and index are kept


@pytest.mark.parametrize(
    ("date", "budget", "expected", "why"),
    [
        ("2001-02-15", 20.0, 20.0 - 17.0, "between fit dates: the 2001-02-01 film"),
        ("2001-03-01", 20.0, 20.0 - 17.0, "same date as fit films: strictly earlier only"),
        ("2001-03-02", 20.0, 20.0 - 15.0, "after a shared date: the last film of that date"),
        ("2000-12-31", 20.0, np.nan, "before every fit film: no predecessor"),
        (None, 20.0, np.nan, "no date: no predecessor"),
    ],
)
def test_new_film_uses_the_latest_training_film_before_it(date, budget, expected, why):
    td = TemporalDifferences(columns=["log_budget"]).fit(_films())
    new = pd.DataFrame({"release_date": pd.to_datetime([date]), "log_budget": [budget]})
    got = td.transform(new)["diff_log_budget"].iloc[0]
    np.testing.assert_allclose(got, expected, err_msg=why)


def test_new_films_never_difference_each_other():
    td = TemporalDifferences(columns=["log_budget"]).fit(_films())
    new = pd.DataFrame({
        "release_date": pd.to_datetime(["2005-01-01", "2005-01-02"]),
        "log_budget": [10.0, 11.0],
    })
    # both differ from the last training film (15.0 on 2001-03-01), not from one another
    np.testing.assert_allclose(td.transform(new)["diff_log_budget"], [-5.0, -4.0])


def test_past_rows_do_not_change_when_future_training_films_are_added():
    films = _films()
    later = pd.DataFrame({"release_date": pd.to_datetime(["2002-01-01"]), "log_budget": [99.0],
                          "runtime": [1.0], "language": pd.Categorical(["en"])})
    a = TemporalDifferences().fit_transform(films)
    b = TemporalDifferences().fit_transform(pd.concat([films, later], ignore_index=True))
    diffs = ["diff_log_budget", "diff_runtime"]
    pd.testing.assert_frame_equal(a[diffs], b[diffs].iloc[: len(films)])


def test_predecessor_dates_and_feature_names():
    td = TemporalDifferences(keep_date=True).fit(_films())
    pred = td.predecessor_dates(_films())
    assert pred.iloc[0] == pd.Timestamp("2001-02-01")
    assert pd.isna(pred.iloc[1]) and pd.isna(pred.iloc[4])
    names = list(td.get_feature_names_out())
    assert names == list(td.transform(_films()).columns)
    assert names[-2:] == ["diff_log_budget", "diff_runtime"]


@pytest.mark.parametrize(
    ("make", "call", "error", "message"),
    [
        (lambda: TemporalDifferences(), lambda td, X: td.fit(X.drop(columns="release_date")),
         SchemaError, "release_date"),
        (lambda: TemporalDifferences(columns=["gross"]), lambda td, X: td.fit(X),
         SchemaError, "gross"),
        (lambda: TemporalDifferences(columns=["language"]), lambda td, X: td.fit(X),
         SchemaError, "not numeric"),
        (lambda: TemporalDifferences(), lambda td, X: td.fit(X.to_numpy()),
         InputError, "DataFrame"),
        (lambda: TemporalDifferences(), lambda td, X: td.transform(X),
         NotFittedError, "not fitted"),
        (lambda: TemporalDifferences(), lambda td, X: td.fit(X).transform(X.drop(columns="runtime")),
         SchemaError, "runtime"),
        (lambda: TemporalDifferences(),
         lambda td, X: td.fit(X.assign(release_date=["x", "y", "z", "w", "v"])),
         InputError, "release_date"),
    ],
)
def test_bad_input_names_the_field(make, call, error, message):
    with pytest.raises(error, match=message):
        call(make(), _films())
