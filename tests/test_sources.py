"""Source readers on tiny tables written in code: canonical columns, values, stats and errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from _tinydata import check_canonical, tmdb5000_rows, write_tiny_data

from reelcast._errors import DataFileError, SchemaError
from reelcast.data import (
    read_anime,
    read_box_office_mojo,
    read_ilias,
    read_imdb5000,
    read_links,
    read_movie_industry,
    read_movielens_ratings,
    read_movies_metadata,
    read_posters,
    read_the_numbers,
    read_tmdb5000,
    read_tmdb_discover,
    read_tmdb_keywords,
)
from reelcast.data._schema import ANIME_COLUMNS

READERS = {
    "tmdb_5000/tmdb_5000_movies.csv.gz": read_tmdb5000,
    "tmdb_5000/tmdb_5000_credits_slim.csv.gz": read_tmdb5000,
    "the_movies_dataset/movies_metadata_first2996rows.csv.gz": read_movies_metadata,
    "the_movies_dataset/keywords.csv.gz": read_tmdb_keywords,
    "the_movies_dataset/links.csv.gz": read_links,
    "the_movies_dataset/ratings_small.csv.gz": read_movielens_ratings,
    "flatiron_box_office/tmdb.movies_pre2018.csv.gz": read_tmdb_discover,
    "flatiron_box_office/tn.movie_budgets_pre2018.csv.gz": read_the_numbers,
    "flatiron_box_office/bom.movie_gross_pre2018.csv.gz": read_box_office_mojo,
    "imdb_5000/movie_metadata.csv.gz": read_imdb5000,
    "movie_industry/movies_1980_2017.csv.gz": read_movie_industry,
    "ilias1111_box_office/movie_pre2018.csv.gz": read_ilias,
    "ilias1111_box_office/keyword_mapping.csv.gz": read_ilias,
    "posters/posters_index.csv": read_posters,
    "anime/anime.csv.gz": read_anime,
    "anime/anime_with_synopsis.csv.gz": read_anime,
}
# one required column per file, removed in the missing-column test
REQUIRED = {
    "tmdb_5000/tmdb_5000_movies.csv.gz": "budget",
    "tmdb_5000/tmdb_5000_credits_slim.csv.gz": "cast",
    "the_movies_dataset/movies_metadata_first2996rows.csv.gz": "imdb_id",
    "the_movies_dataset/keywords.csv.gz": "keywords",
    "the_movies_dataset/links.csv.gz": "tmdbId",
    "the_movies_dataset/ratings_small.csv.gz": "rating",
    "flatiron_box_office/tmdb.movies_pre2018.csv.gz": "genre_ids",
    "flatiron_box_office/tn.movie_budgets_pre2018.csv.gz": "production_budget",
    "flatiron_box_office/bom.movie_gross_pre2018.csv.gz": "foreign_gross",
    "imdb_5000/movie_metadata.csv.gz": "movie_imdb_link",
    "movie_industry/movies_1980_2017.csv.gz": "gross",
    "ilias1111_box_office/movie_pre2018.csv.gz": "revenue_world",
    "ilias1111_box_office/keyword_mapping.csv.gz": "keyword_id",
    "posters/posters_index.csv": "file",
    "anime/anime.csv.gz": "Genders",
    "anime/anime_with_synopsis.csv.gz": "sypnopsis",
}


@pytest.fixture
def data(tmp_path) -> Path:
    return write_tiny_data(tmp_path / "data")


def test_tmdb5000_joins_credits_in_billing_order_and_fixes_impossible_values(data):
    table = read_tmdb5000(data)
    check_canonical(table.frame)
    first = table.frame.set_index("tmdb_id").loc[100]
    assert first["cast"] == ["Al First", "Bo Second"]  # sorted by "order", not file order
    assert first["directors"] == ["Ann Lee"]
    assert first["genres"] == ["Science Fiction", "Action"]
    assert first["keywords"] == ["space", "alien"]
    second = table.frame.set_index("tmdb_id").loc[101]
    assert pd.isna(second["budget"]) and pd.isna(second["runtime"])
    assert table.stats.fixes == {"budget_below_1000": 1, "runtime_zero": 1}
    assert table.stats.rows_read == table.stats.rows_kept == 2


def test_unparseable_values_are_counted_with_examples(data):
    rows = tmdb5000_rows()
    rows[0]["genres"] = "[{'id': 28, 'name': 'Action'"  # truncated
    rows[1]["release_date"] = "sometime soon"
    pd.DataFrame(rows).to_csv(data / "tmdb_5000/tmdb_5000_movies.csv.gz", index=False,
                              compression="gzip")
    table = read_tmdb5000(data)
    assert table.stats.unparseable == {"genres": 1, "release_date": 1}
    assert table.stats.examples["release_date"] == ["sometime soon"]
    assert len(table.frame) == 2  # the rows stay, with the value missing
    assert table.frame["genres"].iloc[0] is None


def test_movies_metadata_and_keywords_and_links(data):
    meta = read_movies_metadata(data)
    check_canonical(meta.frame)
    assert meta.frame["tmdb_id"].tolist() == [102]
    keywords = read_tmdb_keywords(data)
    assert keywords.stats.duplicates_dropped == 1
    assert keywords.frame.set_index("tmdb_id").loc[102, "keywords"] == ["village"]
    links = read_links(data).frame
    assert links["imdb_id"].tolist() == ["tt0000100", "tt0000101"]
    assert links["tmdb_id"].tolist() == [100, 101]


def test_movielens_ratings_are_aggregated_on_a_0_to_10_scale(data):
    frame = read_movielens_ratings(data).frame
    row = frame.set_index("tmdb_id").loc[100]
    assert row["rating"] == pytest.approx(9.0) and row["vote_count"] == 2
    assert row["imdb_id"] == "tt0000100"


def test_tmdb_discover_maps_genre_ids(data):
    frame = read_tmdb_discover(data).frame.set_index("tmdb_id")
    assert frame.loc[102, "genres"] == ["Drama"]
    assert frame.loc[201, "release_date"] == pd.Timestamp("2014-01-01")


def test_the_numbers_parses_money_strings_and_zero_grosses(data):
    table = read_the_numbers(data)
    frame = table.frame.set_index("title")
    assert frame.loc["Star Voyage", "budget"] == 250_000_000
    assert frame.loc["Star Voyage", "release_date"] == pd.Timestamp("2009-12-18")
    assert frame.loc["Star Voyage", "year"] == 2009
    assert pd.isna(frame.loc["The Quiet Town", "revenue_domestic"])
    assert table.stats.fixes == {"revenue_domestic_zero": 1}


def test_box_office_mojo_foreign_gross_in_millions(data):
    table = read_box_office_mojo(data)
    row = table.frame.iloc[0]
    assert row["revenue_domestic"] == 200_000_000
    assert row["revenue"] == pytest.approx(200_000_000 + 1_131_600_000)
    assert table.stats.fixes == {"foreign_gross_in_millions": 1}


def test_imdb5000_dedupes_and_drops_local_currency_budgets(data):
    table = read_imdb5000(data)
    frame = table.frame.set_index("imdb_id")
    assert table.stats.duplicates_dropped == 1 and len(frame) == 2
    assert frame.loc["tt0000100", "title"] == "Star Voyage"  # no trailing NBSP
    assert frame.loc["tt0000100", "budget"] == 210_000_000
    assert frame.loc["tt0000100", "revenue_domestic"] == 300_000_000  # IMDB 5000 gross: domestic
    assert "revenue" not in frame.columns
    assert pd.isna(frame.loc["tt0000105", "budget"])
    assert table.stats.fixes["budget_non_us_currency"] == 1
    assert frame.loc["tt0000100", "genres"] == ["Action", "Science Fiction"]
    assert frame.loc["tt0000100", "cast"] == ["Al First", "Bo Second"]


def test_movie_industry_single_names_become_lists(data):
    frame = read_movie_industry(data).frame.set_index("title")
    row = frame.loc["Star Voyage"]
    assert row["directors"] == ["Ann Lee"] and row["writers"] == ["Wri Ter"]
    assert row["release_date"] == pd.Timestamp("2009-12-18") and row["year"] == 2009
    assert row["certification"] == "PG-13" and row["revenue"] == 2_000_000_000


def test_ilias_joins_link_tables(data):
    table = read_ilias(data)
    check_canonical(table.frame)
    frame = table.frame.set_index("tmdb_id")
    assert frame.loc[101, "keywords"] == ["space"]
    assert frame.loc[101, "companies"] == ["Big Studio"]
    assert frame.loc[100, "keywords"] is None  # not in the link table: unknown, not empty
    assert frame.loc[100, "collection"] == "Star Voyage Collection"
    assert frame.loc[100, "certification"] == "PG-13"
    assert pd.isna(frame.loc[101, "certification"])  # a German FSK age is not a US rating
    assert frame.loc[100, "_tmdb_rating"] == 7.0 and frame.loc[100, "rating"] == 7.2


def test_posters_paths_are_relative_to_the_data_folder(data):
    frame = read_posters(data).frame
    assert frame["poster_file"].iloc[0] == "posters/images/tt0000100.jpg"
    assert (data / frame["poster_file"].iloc[0]).is_file()


def test_anime_table(data):
    table = read_anime(data)
    frame = table.frame.set_index("anime_id")
    assert list(table.frame.columns) == list(ANIME_COLUMNS)
    one, two = frame.loc[1], frame.loc[2]
    assert one["genres"] == ["Action", "Sci-Fi"] and one["producers"] == ["Bandai Visual"]
    assert one["start_date"] == pd.Timestamp("1998-04-03") and one["season"] == "Spring"
    assert one["score"] == pytest.approx(8.78) and one["age_rating"] == "R"
    assert pd.isna(two["score"]) and pd.isna(two["episodes"]) and pd.isna(two["synopsis"])
    assert two["year"] == 2005 and pd.isna(two["start_date"])
    assert two["studios"] == [] and pd.isna(two["english_title"])
    assert table.stats.fixes == {"synopsis_placeholder": 1}


@pytest.mark.parametrize("relpath", sorted(READERS))
def test_missing_file_names_the_expected_path(data, relpath):
    (data / relpath).unlink()
    with pytest.raises(DataFileError, match="expected data file not found") as err:
        READERS[relpath](data)
    assert relpath in str(err.value)


@pytest.mark.parametrize("relpath", sorted(READERS))
def test_missing_column_names_the_column_and_file(data, relpath):
    path = data / relpath
    frame = pd.read_csv(path)
    frame.drop(columns=[REQUIRED[relpath]]).to_csv(
        path, index=False, compression="gzip" if relpath.endswith(".gz") else None)
    with pytest.raises(SchemaError) as err:
        READERS[relpath](data)
    assert repr(REQUIRED[relpath]) in str(err.value) and relpath in str(err.value)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (gzip.compress(b"", mtime=0), "no header"),
    (gzip.compress(b"budget,genres,id,keywords\n", mtime=0), "missing|no rows"),
    (b"\x00\x01 not gzip at all", "cannot read"),
])
def test_empty_or_broken_files_raise_data_file_error(data, content, message):
    (data / "tmdb_5000/tmdb_5000_movies.csv.gz").write_bytes(content)
    with pytest.raises((DataFileError, SchemaError), match=message):
        read_tmdb5000(data)


def test_header_only_file_is_an_error(data):
    path = data / "flatiron_box_office/bom.movie_gross_pre2018.csv.gz"
    pd.read_csv(path).head(0).to_csv(path, index=False, compression="gzip")
    with pytest.raises(DataFileError, match="no rows"):
        read_box_office_mojo(data)
