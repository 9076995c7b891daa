"""Parsers for the messy public tables: expected values, malformed input, and never raising."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reelcast.data import GENRES
from reelcast.data._labels import (
    format_imdb_id,
    language_code,
    map_genre,
    map_genres,
    normalise_title,
    title_key,
    us_certification,
)
from reelcast.data._parse import (
    MAX_LITERAL_CHARS,
    fix_mojibake,
    is_missing,
    map_unique,
    parse_comma_list,
    parse_date,
    parse_dates,
    parse_literal,
    parse_literal_dict,
    parse_literal_list,
    parse_money,
    parse_money_series,
    parse_pipe_list,
    parse_year,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("$1,234", 1234.0),
    ("$425,000,000", 425_000_000.0),
    ("1.2M", 1_200_000.0),
    ("$3 million", 3_000_000.0),
    ("2.5bn", 2_500_000_000.0),
    ("US$ 7,000", 7000.0),
    (1234, 1234.0),
    (12.5, 12.5),
    ("(500)", -500.0),
    ("-$5", -5.0),
    ("$0", 0.0),
    ("1,131.6", 1131.6),
])
def test_parse_money(text, expected):
    assert parse_money(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "abc", "$", "1.2.3", "12 apples", None, float("nan"),
                                  "nan", "Unknown", True, float("inf"), "$1,2x4", "1e400"])
def test_parse_money_malformed_is_nan(text):
    assert math.isnan(parse_money(text))


def test_parse_money_series_parses_each_value_and_keeps_numbers():
    out = parse_money_series(pd.Series(["$1,000", None, "x", "$1,000"]))
    assert out.dtype == "float64"
    assert out.tolist()[0] == 1000.0 and out.isna().tolist() == [False, True, True, False]
    numbers = pd.Series([1, 2], dtype="int64")
    assert parse_money_series(numbers).tolist() == [1.0, 2.0]


@pytest.mark.parametrize(("text", "expected"), [
    ("Dec 18, 2009", "2009-12-18"),
    ("December 18, 2009", "2009-12-18"),
    ("2009-12-10", "2009-12-10"),
    ("2006-09-01 00:00:00+00:00", "2006-09-01"),
    ("June 13, 1980 (United States)", "1980-06-13"),
    ("Apr 3, 1998 to Apr 24, 1999", "1998-04-03"),
    ("Apr 2006 to ?", "2006-04-01"),
    ("Spring 1998", "1998-04-01"),
    ("Fall 2016", "2016-10-01"),
    ("Winter '05", "2005-01-01"),
    ("Apr 1998", "1998-04-01"),
    ("12/18/2009", "2009-12-18"),
    ("12/18/09", "2009-12-18"),
    ("Dec 18, 09", "2009-12-18"),
    ("Dec 18, 75", "1975-12-18"),
    ("18 December 2009", "2009-12-18"),
    ("  Dec  18, 2009 ", "2009-12-18"),
])
def test_parse_date(text, expected):
    assert parse_date(text) == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["", "Unknown", "1998", "1998 to 1999", "2009-02-30",
                                  "13/45/2009", "Not Available", "Spring", None, float("nan"),
                                  "Dec 32, 2009", "x" * 500, 5])
def test_parse_date_malformed_is_none(text):
    assert parse_date(text) is None


def test_parse_dates_is_vectorised_and_typed():
    out = parse_dates(pd.Series(["Dec 18, 2009", None, "junk", "Dec 18, 2009"]))
    assert out.dtype == "datetime64[ns]"
    assert out.isna().tolist() == [False, True, True, False]
    aware = pd.Series(pd.to_datetime(["2010-01-01T05:00:00+02:00"]))
    assert parse_dates(aware).dtype == "datetime64[ns]"


@pytest.mark.parametrize(("value", "expected"), [
    (1998, 1998), ("1998", 1998), ("1998.0", 1998), (2009.0, 2009), ("'98", 1998), ("98", 1998),
    ("05", 2005), ("29", 2029), ("30", 1930), (" 2017 ", 2017),
])
def test_parse_year(value, expected):
    assert parse_year(value) == expected


@pytest.mark.parametrize("value", ["", "abc", "199", "3000", 1998.5, None, float("nan"), True,
                                   "19980", "1850"])
def test_parse_year_malformed_is_none(value):
    assert parse_year(value) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("[{'id': 1, 'name': 'alien'}, {'id': 2, 'name': 'space'}]", ["alien", "space"]),
    ('[{"id": 28, "name": "Action"}]', ["Action"]),
    ("[{'id': 15101, 'name': \"based on children's book\"}]", ["based on children's book"]),
    ("['a', 'b']", ["a", "b"]),
    ("[]", []),
    ("[{'id': 1}]", []),
    ("{'id': 10194, 'name': 'Toy Story Collection'}", ["Toy Story Collection"]),
])
def test_parse_literal_list(text, expected):
    assert parse_literal_list(text) == expected


@pytest.mark.parametrize("text", ["[{'id': 1, 'name': 'a'", "not a list", "", None, "nan",
                                  "__import__('os').system('echo hi')", "[1, 2] + [3]",
                                  "[" * 100_000, 42, "(1, 2"])
def test_parse_literal_list_malformed_is_none(text):
    assert parse_literal_list(text) is None


def test_parse_literal_refuses_oversized_text():
    big = "[" + ", ".join(["'x'"] * (MAX_LITERAL_CHARS // 4)) + "]"
    assert len(big) > MAX_LITERAL_CHARS
    assert parse_literal(big) is None


def test_parse_literal_dict():
    assert parse_literal_dict("{'id': 1, 'name': 'C'}") == {"id": 1, "name": "C"}
    assert parse_literal_dict("[1]") is None and parse_literal_dict("") is None


@pytest.mark.parametrize(("func", "text", "expected"), [
    (parse_pipe_list, "Action|Adventure|Sci-Fi", ["Action", "Adventure", "Sci-Fi"]),
    (parse_pipe_list, "avatar| future||", ["avatar", "future"]),
    (parse_pipe_list, "", None),
    (parse_pipe_list, None, None),
    (parse_comma_list, "Sunrise, Bandai Visual", ["Sunrise", "Bandai Visual"]),
    (parse_comma_list, "Unknown", None),
    (parse_comma_list, " , ", []),
])
def test_split_lists(func, text, expected):
    assert func(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The Amélie!", "amelie"),
    ("Alice in Wonderland (2010)", "alice in wonderland"),
    ("Avatar\xa0", "avatar"),
    ("Fast & Furious", "fast and furious"),
    ("Star Wars Ep. VIII: The Last Jedi", "star wars last jedi"),
    ("Star Wars: Episode VIII - The Last Jedi", "star wars last jedi"),
    ("Pirates of the Caribbean: At World\u00e2\u0080\u0099s End", "pirates of caribbean at worlds end"),
    ("A Quiet Place", "quiet place"),
    ("Schindler's List", "schindlers list"),
    ("2012", "2012"),
    ("(500) Days of Summer", "days of summer"),
])
def test_normalise_title(text, expected):
    assert normalise_title(text) == expected


@pytest.mark.parametrize("text", ["", None, "!!!", "The", "ヴァーサス", "Пасха 2", float("nan")])
def test_normalise_title_without_latin_key_is_none(text):
    assert normalise_title(text) is None


@pytest.mark.parametrize(("a", "b"), [
    ("The Hangover Part III", "The Hangover 3"),
    ("Jackass 3-D", "Jackass 3D"),
    ("Men in Black II", "Men in Black 2"),
    ("Spider-Man", "Spider Man"),
])
def test_title_key_makes_variants_meet(a, b):
    assert title_key(a) == title_key(b)


def test_title_key_keeps_different_films_apart():
    assert title_key("Alien") != title_key("Aliens")


@pytest.mark.parametrize(("value", "expected"), [
    (114709, "tt0114709"), ("0114709", "tt0114709"), ("tt0114709", "tt0114709"),
    ("TT114709", "tt0114709"), (114709.0, "tt0114709"),
    ("http://www.imdb.com/title/tt0499549/?ref_=fn_tt_tt_1", "tt0499549"),
    ("tt12345678", "tt12345678"),
])
def test_format_imdb_id(value, expected):
    assert format_imdb_id(value) == expected


@pytest.mark.parametrize("value", ["", None, "abc", 0, -5, 1.5, "tt", float("nan"), True])
def test_format_imdb_id_malformed_is_none(value):
    assert format_imdb_id(value) is None


@pytest.mark.parametrize(("name", "expected"), [
    ("Action", "Action"), ("sci-fi", "Science Fiction"), ("Sci-Fi", "Science Fiction"),
    ("Musical", "Music"), ("Biography", "History"), ("Film-Noir", "Crime"), ("Adult", None),
    ("Space", None), ("", None), (None, None),
])
def test_map_genre(name, expected):
    assert map_genre(name) == expected


def test_map_genres_drops_unknown_and_duplicates_and_stays_in_vocabulary():
    out = map_genres(["Sci-Fi", "Science Fiction", "Adult", "Drama", "drama"])
    assert out == ["Science Fiction", "Drama"]
    assert set(out) <= set(GENRES)
    assert map_genres(None) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("English", "en"), ("Mandarin", "zh"), ("EN", "en"), ("Klingon", None), ("", None),
])
def test_language_code(value, expected):
    assert language_code(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("PG-13", "PG-13"), ("R", "R"), ("Not Rated", "NR"), ("Unrated", "NR"), ("GP", "PG"),
    ("X", "NC-17"), ("TV-14", None), ("12", None), ("(Banned)", None), (None, None),
])
def test_us_certification(value, expected):
    assert us_certification(value) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("World\u00e2\u0080\u0099s", "World\u2019s"),
    ("\u00c3\u00a9t\u00c3\u00a9", "\u00e9t\u00e9"),
    ("\u00c2ge", "\u00c2ge"),  # not mojibake: left alone
    ("plain", "plain"),
    (None, None),
])
def test_fix_mojibake(text, expected):
    assert fix_mojibake(text) == expected


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT, "", " ", "Unknown", "nan"])
def test_is_missing(value):
    assert is_missing(value)


def test_map_unique_calls_the_parser_once_per_distinct_value():
    calls = []

    def parser(v):
        calls.append(v)
        return v

    out = map_unique(pd.Series(["a", "b", "a", None, "a"]), parser)
    assert out.tolist()[:3] == ["a", "b", "a"]
    assert sorted(c for c in calls if c is not None) == ["a", "b"]


_ANY = st.one_of(st.text(max_size=300), st.none(), st.integers(), st.floats(allow_nan=True),
                 st.booleans(), st.binary(max_size=50).map(lambda b: b.decode("latin-1")))
_PARSERS = [parse_money, parse_year, parse_date, parse_literal, parse_literal_list,
            parse_literal_dict, parse_pipe_list, parse_comma_list, normalise_title, title_key,
            format_imdb_id, map_genre, language_code, us_certification, fix_mojibake, is_missing]


@pytest.mark.parametrize("parser", _PARSERS, ids=lambda f: f.__name__)
@settings(max_examples=150, deadline=None)
@given(value=_ANY)
def test_parsers_never_raise(parser, value):
    parser(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="[]{}'\":,0123456789abc ", max_size=40), max_size=5))
def test_literal_parser_never_raises_on_bracket_soup(parts):
    assert parse_literal_list("".join(parts)) is None or isinstance(
        parse_literal_list("".join(parts)), list)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_normalised_titles_are_plain_ascii_words(text):
    key = normalise_title(text)
    assert key is None or (key == key.strip() and all(c.isascii() for c in key)
                           and all(c.isalnum() or c == " " for c in key))


def test_vectorised_parsers_never_raise_on_mixed_columns():
    mixed = pd.Series(["$5", 3, None, np.nan, "Dec 1, 2000", ["list"], {"a": 1}], dtype=object)
    assert len(parse_dates(mixed)) == len(mixed)
    assert len(parse_money_series(mixed)) == len(mixed)
