"""Id crosswalk, title + year matching and per-field source priority."""

from __future__ import annotations

import pandas as pd
import pytest

from reelcast.data._merge import (
    TitleIndex,
    build_crosswalk,
    key_records,
    match_titles,
    resolve_fields,
)


def _films(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["film_id", "title", "year", "vote_count"])
    frame["year"] = frame["year"].astype("Int64")
    return frame


@pytest.fixture
def index() -> TitleIndex:
    index = TitleIndex()
    index.add(_films(("tmdb:1", "Home", 2015, 5000.0), ("tmdb:2", "Home", 2016, 10.0),
                     ("tmdb:3", "Twin", 2014, 10.0), ("tmdb:4", "Twin", 2014, 10.0),
                     ("tmdb:5", "The Hangover Part III", 2013, 1.0),
                     ("tmdb:6", "Lonely Year", None, 1.0)))
    return index


@pytest.mark.parametrize(("title", "year", "film", "status"), [
    ("Home", 2015, "tmdb:1", "matched"),  # exact year beats +1
    ("Home", 2017, "tmdb:2", "matched"),  # only 2016 is within one year
    ("Home", 2014, "tmdb:1", "matched"),
    ("Home", 2019, None, "unmatched"),
    ("Twin", 2014, None, "ambiguous"),  # same year, same votes
    ("The Hangover 3", 2013, "tmdb:5", "matched"),
    ("Nothing Like It", 2013, None, "unmatched"),
    ("Lonely Year", 2001, "tmdb:6", "matched"),  # an indexed film without a year still matches
    ("!!!", 2013, None, "no_title"),
])
def test_match_titles(index, title, year, film, status):
    rows = pd.DataFrame({"title": [title], "year": pd.array([year], dtype="Int64")})
    film_id, got = match_titles(rows, index)
    assert got.iloc[0] == status
    assert (film_id.iloc[0] if pd.notna(film_id.iloc[0]) else None) == film


def test_more_votes_break_a_same_year_tie():
    index = TitleIndex()
    index.add(_films(("tmdb:1", "Home", 2015, 50.0), ("tmdb:2", "Home", 2015, 5000.0)))
    rows = pd.DataFrame({"title": ["Home"], "year": pd.array([2015], dtype="Int64")})
    assert match_titles(rows, index)[0].iloc[0] == "tmdb:2"


def test_either_the_release_year_or_the_stated_year_can_match():
    index = TitleIndex()
    index.add(_films(("tmdb:1", "Old Film", 1980, 1.0)))
    rows = pd.DataFrame({"title": ["Old Film"], "year": pd.array([1980], dtype="Int64"),
                         "release_date": pd.to_datetime(["1984-10-26"])})
    assert match_titles(rows, index)[0].iloc[0] == "tmdb:1"


def test_restrict_to_limits_candidates(index):
    rows = pd.DataFrame({"title": ["Home"], "year": pd.array([2015], dtype="Int64")})
    assert match_titles(rows, index, restrict_to={"tmdb:2"})[0].iloc[0] == "tmdb:2"


def test_crosswalk_is_one_to_one_with_priority():
    frames = {
        "ilias1111": pd.DataFrame({"tmdb_id": pd.array([1, 2], dtype="Int64"),
                                   "imdb_id": pd.array(["tt0000001", "tt0000002"], dtype="string")}),
        # links claims tmdb 1 for another IMDb id and tt0000002 for another TMDB id: both lose
        "links": pd.DataFrame({"tmdb_id": pd.array([1, 9, 3], dtype="Int64"),
                               "imdb_id": pd.array(["tt0000008", "tt0000002", "tt0000003"],
                                                   dtype="string")}),
    }
    cross = build_crosswalk(frames)
    assert cross.tmdb_to_imdb.to_dict() == {1: "tt0000001", 2: "tt0000002", 3: "tt0000003"}
    assert cross.n_conflicts == 2
    keyed = key_records(pd.DataFrame({"imdb_id": pd.array(["tt0000003", "tt0000777"],
                                                          dtype="string")}), "imdb5000", cross)
    assert keyed["film_id"].tolist() == ["tmdb:3", "imdb:tt0000777"]
    assert keyed["tmdb_id"].tolist()[0] == 3


def test_resolve_fields_takes_the_first_source_with_a_value():
    records = pd.DataFrame({
        "film_id": ["tmdb:1", "tmdb:1", "tmdb:1"],
        "_source": ["the_numbers", "tmdb5000", "ilias1111"],
        "budget": [3.0, None, 2.0],
        "keywords": [None, [], ["a"]],
        "rating": [None, 6.0, 7.0],
        "vote_count": [None, 100.0, 2000.0],
        "tmdb_id": pd.array([None, 1, 1], dtype="Int64"),
        "imdb_id": pd.array([None, None, "tt0000001"], dtype="string"),
    })
    film = resolve_fields(records).iloc[0]
    assert film["budget"] == 2.0 and film["src_budget"] == "ilias1111"  # tmdb5000 had none
    assert film["keywords"] == ["a"] and film["src_keywords"] == "ilias1111"  # [] is missing
    assert (film["rating"], film["vote_count"]) == (7.0, 2000.0)  # IMDb (ilias) before TMDB
    assert film["src_vote_count"] == "ilias1111"
    assert film["imdb_id"] == "tt0000001"
