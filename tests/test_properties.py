"""Property tests: the parsers never crash and keep their output types; features ignore the future.

Hypothesis draws arbitrary strings (and numbers, bytes, ``None``) for the table parsers of
``reelcast.data._parse`` and for the new-film boundary (``films_from_records``,
``read_new_films``), and arbitrary *future* films for the feature builders: the features of a film
released before a cut-off must not change when films after it are added to the fitted history.
Example counts are modest and ``deadline=None`` keeps the file well under a minute on a shared CPU.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reelcast import ReelcastError
from reelcast.data import make_market
from reelcast.data._parse import (
    fix_mojibake,
    is_missing,
    parse_comma_list,
    parse_date,
    parse_dates,
    parse_literal_list,
    parse_money,
    parse_money_series,
    parse_pipe_list,
    parse_year,
)
from reelcast.data._schema import FILM_COLUMNS, GENRES
from reelcast.features import PreReleaseFeatures, TalentHistory
from reelcast.forecast._input import INPUT_COLUMNS, films_from_records, read_new_films

# the future rows hold all-missing columns; pandas warns about how it will concatenate those
pytestmark = pytest.mark.filterwarnings("ignore:The behavior of DataFrame concatenation:FutureWarning")

FAST = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=8, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# text that looks like the tables' cells often enough to reach deep branches
_CELL_TEXT = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"\(?-?\$?[0-9][0-9,]{0,12}(\.[0-9]{1,3})?\s?(k|m|mn|bn|million|billion)?\)?",
                  fullmatch=True),
    st.from_regex(r"(Jan|Feb|Dec|Spring|Fall|June) [0-9]{1,2},? '?[0-9]{2,4}( \(.*\))?",
                  fullmatch=True),
    st.from_regex(r"[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}( to .*)?", fullmatch=True),
    st.from_regex(r"[\[{(]['\"{a-z:, 0-9}\]]{0,60}", fullmatch=True),
)
_ANY = st.one_of(_CELL_TEXT, st.none(), st.booleans(), st.integers(),
                 st.floats(allow_nan=True, allow_infinity=True), st.binary(max_size=30))


# --------------------------------------------------------------------------------------------
# table parsers: total functions with typed outputs
# --------------------------------------------------------------------------------------------
@FAST
@given(_ANY)
def test_parse_money_is_total_and_finite_or_nan(value):
    out = parse_money(value)
    assert isinstance(out, float) and (math.isfinite(out) or math.isnan(out))


@FAST
@given(_ANY)
def test_parse_date_is_total(value):
    out = parse_date(value)
    assert out is None or (isinstance(out, pd.Timestamp) and out.tz is None)


@FAST
@given(_ANY)
def test_parse_year_is_total_and_in_range(value):
    out = parse_year(value)
    assert out is None or (isinstance(out, int) and 1870 <= out <= 2100)


@FAST
@given(_ANY)
def test_list_parsers_return_lists_of_clean_strings(value):
    for parser in (parse_literal_list, parse_pipe_list, parse_comma_list):
        out = parser(value)
        assert out is None or (isinstance(out, list)
                               and all(isinstance(x, str) and x == x.strip() and x for x in out))


@FAST
@given(_ANY)
def test_is_missing_and_mojibake_are_total(value):
    assert isinstance(is_missing(value), bool)
    fixed = fix_mojibake(value)
    assert type(fixed) is type(value)


@FAST
@given(st.lists(_ANY, max_size=12))
def test_vectorised_parsers_keep_length_and_dtype(values):
    series = pd.Series(values, dtype=object)
    money = parse_money_series(series)
    dates = parse_dates(series)
    assert money.dtype == np.float64 and len(money) == len(values)
    assert dates.dtype == "datetime64[ns]" and len(dates) == len(values)
    for value, m in zip(values, money, strict=True):  # vectorised == scalar
        expected = parse_money(value)
        assert (math.isnan(m) and math.isnan(expected)) or m == expected


@FAST
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["", "$", "US$"]))
def test_money_round_trips_formatted_numbers(amount, prefix):
    assert parse_money(f"{prefix}{amount:,}") == float(amount)


@FAST
@given(st.dates(min_value=pd.Timestamp("1900-01-01").date(),
                max_value=pd.Timestamp("2100-12-31").date()))
def test_dates_round_trip_in_every_documented_format(day):
    stamp = pd.Timestamp(day)
    for text in (day.isoformat(), stamp.strftime("%b %d, %Y"), stamp.strftime("%B %d, %Y"),
                 stamp.strftime("%m/%d/%Y"), f"{day.isoformat()} 00:00:00+00:00",
                 stamp.strftime("%B %d, %Y") + " (United States)"):
        assert parse_date(text) == stamp, text


# --------------------------------------------------------------------------------------------
# the new-film boundary: only ReelcastError, and the canonical schema when accepted
# --------------------------------------------------------------------------------------------
_FIELD_VALUE = st.one_of(st.text(max_size=30), st.none(), st.integers(),
                         st.floats(allow_nan=True, allow_infinity=True),
                         st.lists(st.text(max_size=10), max_size=3))
_LIKELY = {
    "title": st.text(min_size=1, max_size=30),
    "release_date": st.one_of(st.dates().map(str), st.text(max_size=12)),
    "budget": st.one_of(st.floats(-1e3, 3e9), st.text(max_size=12)),
    "genres": st.lists(st.sampled_from([*GENRES, "Sci-Fi", "bogus"]), max_size=3),
}


def _check_schema(frame: pd.DataFrame, n: int) -> None:
    assert list(frame.columns) == list(FILM_COLUMNS) and len(frame) == n
    for col, dtype in FILM_COLUMNS.items():
        if dtype in ("float64", "datetime64[ns]"):
            assert str(frame[col].dtype) == dtype, col
    assert frame["release_date"].notna().all() and frame["title"].notna().all()
    assert all(isinstance(v, list) for v in frame["cast"])


@FAST
@given(st.lists(st.fixed_dictionaries(
    {}, optional={c: _LIKELY.get(c, _FIELD_VALUE) for c in INPUT_COLUMNS}), min_size=1,
    max_size=3))
def test_films_from_records_raises_only_reelcast_errors(records):
    try:
        frame = films_from_records(records)
    except ReelcastError as exc:
        assert "\n" not in str(exc)
        return
    _check_schema(frame, len(records))


@FAST
@given(st.one_of(st.binary(max_size=200),
                 st.text(max_size=200).map(lambda t: ("title,release_date\n" + t).encode())))
def test_read_new_films_raises_only_reelcast_errors(data):
    try:
        frame, warnings = read_new_films(data)
    except ReelcastError as exc:
        assert "\n" not in str(exc)
        return
    _check_schema(frame, len(frame))
    assert all(isinstance(w, str) for w in warnings)


# --------------------------------------------------------------------------------------------
# feature builders: past rows are blind to future rows; the output schema never changes
# --------------------------------------------------------------------------------------------
CUTOFF = pd.Timestamp("2012-01-01")


@functools.cache
def _past() -> pd.DataFrame:
    films = make_market(250, seed=5)
    films.attrs = {}
    return films[films["release_date"] < CUTOFF].reset_index(drop=True)


@functools.cache
def _fitted_features() -> PreReleaseFeatures:
    return PreReleaseFeatures(keyword_topics=0).fit(_past())


def _future_rows(data, n: int) -> pd.DataFrame:
    """``n`` films after the cut-off reusing past talent, with arbitrary outcomes and lists."""
    past = _past()
    cast_pool = sorted({name for names in past["cast"] for name in names})
    keyword_pool = sorted({k for ks in past["keywords"] for k in ks})
    picks = data.draw(st.lists(st.integers(0, len(past) - 1), min_size=n, max_size=n))
    rows = past.iloc[picks].copy().reset_index(drop=True)
    rows["film_id"] = [f"future:{i}" for i in range(n)]
    rows["release_date"] = [CUTOFF + pd.Timedelta(days=data.draw(st.integers(0, 3000)))
                            for _ in range(n)]
    names = st.one_of(st.sampled_from(cast_pool), st.text(min_size=1, max_size=8))
    rows["cast"] = [data.draw(st.lists(names, max_size=4)) for _ in range(n)]
    rows["keywords"] = [data.draw(st.lists(st.sampled_from(keyword_pool), max_size=4))
                        for _ in range(n)]
    outcome = st.one_of(st.floats(1, 5e9), st.just(np.nan))
    for col in ("revenue", "revenue_adj", "budget", "budget_adj"):
        rows[col] = [data.draw(outcome) for _ in range(n)]
    rows["rating"] = [data.draw(st.floats(0, 10)) for _ in range(n)]
    rows["vote_count"] = [data.draw(st.floats(0, 1e6)) for _ in range(n)]
    rows["original_language"] = pd.NA  # the language vocabulary is a count, not as-of
    return rows


@SLOW
@given(st.data(), st.integers(1, 15))
def test_talent_history_of_past_films_ignores_future_rows(data, n):
    past = _past()
    future = _future_rows(data, n)
    before = TalentHistory().fit(past).transform(past)
    after = TalentHistory().fit(pd.concat([past, future], ignore_index=True)).transform(past)
    pd.testing.assert_frame_equal(before, after)


@SLOW
@given(st.data(), st.integers(1, 15))
def test_prerelease_features_of_past_films_ignore_future_rows(data, n):
    past = _past()
    future = _future_rows(data, n)
    before = _fitted_features().transform(past)
    after = PreReleaseFeatures(keyword_topics=0).fit(
        pd.concat([past, future], ignore_index=True)).transform(past)
    pd.testing.assert_frame_equal(before, after)


@SLOW
@given(st.lists(st.fixed_dictionaries(
    {"title": st.text(min_size=1, max_size=20),
     "release_date": st.dates(min_value=pd.Timestamp("1950-01-01").date(),
                              max_value=pd.Timestamp("2090-12-31").date()).map(str)},
    optional={"budget": st.floats(0, 2e9), "runtime": st.floats(1, 400),
              "cast": st.lists(st.text(max_size=12), max_size=6),
              "keywords": st.lists(st.text(max_size=12), max_size=6),
              "collection": st.text(max_size=12),
              "genres": st.lists(st.sampled_from(GENRES), max_size=3)}),
    min_size=1, max_size=4))
def test_feature_schema_is_the_same_for_any_valid_film(records):
    try:
        films = films_from_records(records)
    except ReelcastError:
        assume(False)
    features = _fitted_features()
    out = features.transform(films)
    assert list(out.columns) == list(features.feature_names_out_)
    assert len(out) == len(records)
    reference = features.transform(_past().head(3))
    # same columns, same dtypes (categoricals with the fitted categories), finite numbers
    pd.testing.assert_series_equal(out.dtypes, reference.dtypes)
    numeric = out.select_dtypes("number")
    categorical = out.select_dtypes("category")
    assert numeric.shape[1] + categorical.shape[1] == out.shape[1]
    assert not np.isinf(numeric.to_numpy(float)).any()


@pytest.mark.parametrize("parser", [parse_money, parse_date, parse_year, parse_literal_list])
def test_parsers_refuse_huge_input_quickly(parser):
    # a 10 MB cell is refused by a length check, not parsed
    assert parser("1" * 10_000_000) in (None,) or math.isnan(parser("1" * 10_000_000))
