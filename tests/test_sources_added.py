"""Readers of the corpus v2 tables on tiny tables written in code: canonical columns, encodings,
repairs counted, errors named, and the forbidden list covering every post-release column."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from _tinydata import check_canonical, write_tiny_data

from reelcast._errors import DataFileError, SchemaError
from reelcast.data import (
    FILM_COLUMNS,
    POST_RELEASE_COLUMNS,
    RELEASE_PLAN_COLUMNS,
    read_bom_width,
    read_cast_ids,
    read_imdb_crew,
    read_the_numbers_theaters,
    read_tmdb10k,
    read_vega,
    read_wikipedia,
)
from reelcast.data._sources_added import POST_RELEASE_RAW as ADDED_POST_RELEASE
from reelcast.data._sources_added import directors_in_text, is_person_name, plot_sentences
from reelcast.data._sources_release import POST_RELEASE_RAW as RELEASE_POST_RELEASE
from reelcast.data._sources_release import scraped_category
from reelcast.features import FORBIDDEN_INPUTS

READERS = {
    "ilias1111_box_office/cast_ids_pre2018.csv.gz": (read_cast_ids, "person_id"),
    "tmdb_10k/tmdb_movies_1960_2015.csv.gz": (read_tmdb10k, "director"),
    "imdb_title_crew/title_basics_pre2018.csv.gz": (read_imdb_crew, "tconst"),
    "imdb_title_crew/title_crew_pre2018.csv.gz": (read_imdb_crew, "writers"),
    "the_numbers_theaters/movie_budgets_theaters_pre2018.csv.gz": (read_the_numbers_theaters,
                                                                    "opening_theater_count"),
    "bom_distributor_width/bom_movies_1937_2015.csv.gz": (read_bom_width, "studio_name"),
}
JSON_READERS = {"wikipedia_movies/movies_1990_2017.json.gz": (read_wikipedia, "extract"),
                "vega_movies/movies.json.gz": (read_vega, "Distributor")}


@pytest.fixture
def data(tmp_path) -> Path:
    return write_tiny_data(tmp_path / "data")


def test_cast_ids_in_billing_order_and_bad_rows_counted(data):
    table = read_cast_ids(data)
    check_canonical(table.frame)
    cast = table.frame.set_index("tmdb_id")["_cast_ids"]
    assert cast[100] == ["11", "12"] and cast[101] == ["11", "14"] and cast[201] == ["11", "15"]
    assert table.stats.unparseable == {"person_id": 1}
    assert table.stats.examples["person_id"] == ["x"]


def test_tmdb10k_lists_and_two_digit_years(data):
    table = read_tmdb10k(data)
    check_canonical(table.frame)
    row = table.frame.iloc[0]
    assert row["release_date"] == pd.Timestamp("1965-06-09") and row["year"] == 1965
    assert row["cast"] == ["Cy Third", "Al First"] and row["directors"] == ["Dee Rector"]
    assert row["genres"] == ["Drama", "Romance"] and row["imdb_id"] == "tt0000300"
    assert "popularity" not in table.frame and "rating" not in table.frame


def test_imdb_crew_person_ids(data):
    table = read_imdb_crew(data)
    check_canonical(table.frame)
    frame = table.frame.set_index("imdb_id")
    assert frame.loc["tt0000100", "_director_ids"] == ["nm1"]
    assert frame.loc["tt0000100", "_writer_ids"] == ["nm1", "nm2"]
    assert frame.loc["tt0000777", "_writer_ids"] is None  # "bad-id" is no person id
    assert table.stats.unparseable == {"writers": 1}
    assert frame.loc["tt0000100", "genres"] == ["Action", "Science Fiction"]


def test_wikipedia_names_directors_and_plot_without_reception(data):
    table = read_wikipedia(data)
    check_canonical(table.frame)
    voyage, lonely = table.frame.iloc[0], table.frame.iloc[1]
    assert voyage["cast"] == ["Al First"] and voyage["directors"] == ["Ann Lee"]
    assert table.stats.fixes["cast_tokens_dropped"] == 2
    assert voyage["overview"] == "Star Voyage is a 2009 film directed by Ann Lee. Ships fly far."
    assert lonely["directors"] == ["Sol Tary"] and "reviews" not in lonely["overview"]


def test_the_numbers_theaters_repairs_scraped_text_and_encoding(data):
    table = read_the_numbers_theaters(data)
    check_canonical(table.frame)
    voyage, twin = table.frame.iloc[0], table.frame.iloc[1]
    assert voyage["certification"] == "PG-13" and voyage["creative_type"] == "Super Hero"
    assert voyage["opening_theaters"] == 3452 and voyage["runtime"] == 150
    assert voyage["budget"] == 250e6 and voyage["revenue"] == 950e6
    assert twin["cast"] == ["Penélope Cruz"]
    assert pd.isna(twin["opening_theaters"])  # 0 theaters is "unknown"
    assert table.stats.fixes["scraped_page_text_repaired"] == 2
    assert table.stats.fixes["opening_theaters_zero"] == 1
    assert not {"max_theaters", "run_weeks"} & set(table.frame.columns)


def test_bom_width_latin1_ids_and_distributor(data):
    table = read_bom_width(data)
    check_canonical(table.frame)
    frame = table.frame
    assert frame["title"].tolist() == ["Star Voyage II", "Lonely Film", "Café Noir"]
    assert frame["imdb_id"].tolist()[0] == "tt0000101" and frame["imdb_id"].isna().sum() == 2
    assert frame["distributor"].tolist()[0] == "Buena Vista"
    assert table.stats.fixes["imdb_pull_error"] == 2
    assert "release_width" not in frame and "metascore" not in frame


def test_vega_century_fix_and_unknown_rating(data):
    table = read_vega(data)
    check_canonical(table.frame)
    frame = table.frame.set_index("title")
    assert frame.loc["Old Vega", "year"] == 1946
    assert table.stats.fixes["release_date_century_fixed"] == 1
    assert table.stats.fixes["certification_unknown"] == 1  # "Open"
    assert frame.loc["Star Voyage", "distributor"] == "Buena Vista"
    assert pd.isna(frame.loc["Old Vega", "budget"]) and frame.loc["Old Vega", "_budget_below_1000"] == 500


@pytest.mark.parametrize(("value", "expected"), [
    ("All Time Domestic Box Office for Super Hero Movies", "Super Hero"),
    ("All Time International Box Office for Digital Animation Movies (Rank 201-300)",
     "Digital Animation"),
    ("All Time Domestic Box Office for R Movies (Rank 1,001-1,100)", "R"),
    ("Live Action", "Live Action"), (None, None), ("  ", None),
])
def test_scraped_category(value, expected):
    assert scraped_category(value) == expected


@pytest.mark.parametrize(("token", "ok"), [
    ("Al First", True), ("J. J. Abrams", True), ("Cast:", False), ("(final cut)", False),
    ("Dir.: Steve Asquith", False), ("Madonna", False), ("Agent 47", False), (None, False),
])
def test_is_person_name(token, ok):
    assert is_person_name(token) is ok


def test_directors_in_text_and_plot_sentences():
    assert directors_in_text("A 2001 film directed by Ann Lee and Bo Ma, starring X.") == [
        "Ann Lee", "Bo Ma"]
    assert directors_in_text("A film about directors.") is None
    assert plot_sentences("It premiered at Cannes. A dog runs.") == "A dog runs."
    assert plot_sentences("It grossed $5 million.") is None


@pytest.mark.parametrize("relpath", [*READERS, *JSON_READERS])
def test_missing_file_names_the_expected_path(data, relpath):
    reader = {**READERS, **JSON_READERS}[relpath][0]
    (data / relpath).unlink()
    with pytest.raises(DataFileError, match=relpath.split("/")[-1]):
        reader(data)


@pytest.mark.parametrize("relpath", list(READERS))
def test_missing_column_names_the_column(data, relpath):
    reader, column = READERS[relpath]
    path = data / relpath
    encoding = "latin-1" if "bom_" in relpath else "utf-8"
    frame = pd.read_csv(path, encoding=encoding).drop(columns=[column])
    frame.to_csv(path, index=False, encoding=encoding, compression="gzip")
    with pytest.raises(SchemaError, match=column):
        reader(data)


@pytest.mark.parametrize("relpath", list(JSON_READERS))
def test_json_tables_missing_column_or_broken(data, relpath):
    reader, column = JSON_READERS[relpath]
    path = data / relpath
    import json

    items = json.loads(gzip.open(path, "rt").read())
    with gzip.open(path, "wt") as handle:
        json.dump([{k: v for k, v in i.items() if k != column} for i in items], handle)
    with pytest.raises(SchemaError, match=column):
        reader(data)
    path.write_bytes(gzip.compress(b"{not json"))
    with pytest.raises(DataFileError, match="cannot read"):
        reader(data)


def test_every_post_release_column_of_the_new_tables_is_forbidden():
    mapped = {**ADDED_POST_RELEASE, **RELEASE_POST_RELEASE}
    # the data README's post-release columns of each added table
    readme = {
        "tmdb_10k": {"popularity", "vote_count", "vote_average"},
        "the_numbers_theaters": {"domestic_gross", "worldwide_gross", "max_theater_count",
                                 "avg_run_per_theater"},
        "bom_width": {"total_gross", "metascore", "imdb_rating", "votecount_clean",
                      "major_award_wins_or_noms", "minor_award_wins", "minor_award_noms",
                      "version_count", "release_width"},
        "vega": {"US Gross", "Worldwide Gross", "US DVD Sales", "Rotten Tomatoes Rating",
                 "IMDB Rating", "IMDB Votes"},
    }
    for table, columns in readme.items():
        assert columns <= set(mapped[table]), table
    for table, columns in mapped.items():
        for raw, name in columns.items():
            assert name in POST_RELEASE_COLUMNS, (table, raw)
    assert FORBIDDEN_INPUTS == POST_RELEASE_COLUMNS
    # no post-release name is a canonical input column, and the release plan is its own group
    inputs = set(FILM_COLUMNS) - set(POST_RELEASE_COLUMNS)
    assert not inputs & {"max_theaters", "run_weeks", "release_width", "metascore"}
    assert set(RELEASE_PLAN_COLUMNS) == {"opening_theaters"}
    assert not set(RELEASE_PLAN_COLUMNS) & set(POST_RELEASE_COLUMNS)


def test_readers_never_output_post_release_columns(data):
    outputs = {"tmdb_10k": read_tmdb10k(data), "the_numbers_theaters":
               read_the_numbers_theaters(data), "bom_width": read_bom_width(data),
               "vega": read_vega(data)}
    labels = {"revenue", "revenue_domestic"}  # the grosses are read as labels only
    for name, table in outputs.items():
        forbidden = (set(POST_RELEASE_COLUMNS) - labels) & set(table.frame.columns)
        assert not forbidden, (name, forbidden)
