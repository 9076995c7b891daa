"""A tiny copy of the public data folder, written in code, for the source and corpus tests.

Films planted (ids are TMDB / IMDb):

* Star Voyage (100 / tt0000100, 2009): in TMDB 5000, ilias1111, IMDB 5000, links, keywords,
  The Numbers, Movie Industry; a good poster. One film after the merge; TMDB 5000 wins budget.
* Star Voyage II (101 / tt0000101, 2012): TMDB 5000 budget 0 (impossible) so ilias1111's budget
  is used; same collection, later date -> a sequel; its poster file is corrupt; in Box Office Mojo
  as "Star Voyage 2 (2012)" with a foreign gross written in millions.
* Quiet Town (102, 2015): only in the TMDB discover listing; The Numbers has "The Quiet Town"
  2016 (year +/- 1) -> matched.
* Lonely Film (2011): only in The Numbers -> a new film "title:lonely film:2011".
* Le Film (tt0000105, 2010): IMDB 5000 only, France, budget in local currency -> dropped.
* Twin (2014): two TMDB discover films with the same title, year and votes -> Movie Industry's
  "Twin" 2014 is ambiguous.

The corpus v2 tables are written by ``_tinydata_added`` (its docstring lists what they plant).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from _tinydata_added import write_added_tables
from PIL import Image

from reelcast.data import FILM_COLUMNS

TMDB_DIRECTOR = "[{'name': 'Ann Lee', 'job': 'Director'}]"


def _write(root: Path, relpath: str, rows: list[dict] | pd.DataFrame) -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    frame.to_csv(path, index=False, compression="gzip" if relpath.endswith(".gz") else None)


def tmdb5000_rows() -> list[dict]:
    common = {"homepage": "", "popularity": 1.0, "production_countries": "[]",
              "spoken_languages": "[]", "status": "Released"}
    return [
        {**common, "id": 100, "title": "Star Voyage", "original_title": "Star Voyage",
         "release_date": "2009-12-10", "budget": 200_000_000, "revenue": 900_000_000,
         "runtime": 150, "original_language": "en",
         "genres": '[{"id": 878, "name": "Science Fiction"}, {"id": 28, "name": "Action"}]',
         "keywords": '[{"id": 1, "name": "space"}, {"id": 2, "name": "alien"}]',
         "production_companies": '[{"name": "Big Studio", "id": 1}]',
         "overview": "Ships fly.", "tagline": "Up.", "vote_average": 7.5, "vote_count": 1000},
        {**common, "id": 101, "title": "Star Voyage II", "original_title": "Star Voyage II",
         "release_date": "2012-06-01", "budget": 0, "revenue": 500_000_000, "runtime": 0,
         "original_language": "en", "genres": '[{"id": 28, "name": "Action"}]',
         "keywords": "[]", "production_companies": "[]", "overview": "Again.", "tagline": "",
         "vote_average": 6.5, "vote_count": 500},
    ]


def write_tiny_data(root: Path) -> Path:
    """Write every table the corpus reads into ``root`` and return it."""
    root = Path(root)
    _write(root, "tmdb_5000/tmdb_5000_movies.csv.gz", tmdb5000_rows())
    _write(root, "tmdb_5000/tmdb_5000_credits_slim.csv.gz", [
        {"movie_id": 100, "crew": TMDB_DIRECTOR,
         "cast": "[{'name': 'Bo Second', 'order': 1}, {'name': 'Al First', 'order': 0}]"},
        {"movie_id": 101, "cast": "[{'name': 'Al First', 'order': 0}]", "crew": TMDB_DIRECTOR},
    ])
    _write(root, "the_movies_dataset/movies_metadata_first2996rows.csv.gz", [
        {"adult": False, "belongs_to_collection": "", "budget": 0, "genres": "[]",
         "homepage": "", "id": 102, "imdb_id": "", "original_language": "en",
         "original_title": "Quiet Town", "overview": "Calm.", "popularity": 1.0,
         "poster_path": "", "production_companies": "[]", "production_countries": "[]",
         "release_date": "2015-03-01", "revenue": 0, "runtime": 90.0, "spoken_languages": "[]",
         "status": "Released", "tagline": "", "title": "Quiet Town", "video": False,
         "vote_average": 6.0, "vote_count": 3},
    ])
    _write(root, "the_movies_dataset/keywords.csv.gz", [
        {"id": 100, "keywords": "[{'id': 9, 'name': 'other'}]"},
        {"id": 102, "keywords": "[{'id': 7, 'name': 'village'}]"},
        {"id": 102, "keywords": "[{'id': 7, 'name': 'village'}]"},  # a duplicate row
        {"id": 999, "keywords": "[{'id': 8, 'name': 'orphan'}]"},  # no such film
    ])
    _write(root, "the_movies_dataset/links.csv.gz", [
        {"movieId": 1, "imdbId": "0000100", "tmdbId": 100.0},
        {"movieId": 2, "imdbId": "0000101", "tmdbId": 101.0},
    ])
    _write(root, "the_movies_dataset/ratings_small.csv.gz", [
        {"userId": 1, "movieId": 1, "rating": 4.0, "timestamp": 1},
        {"userId": 2, "movieId": 1, "rating": 5.0, "timestamp": 2},
    ])
    _write(root, "flatiron_box_office/tmdb.movies_pre2018.csv.gz", [
        {"genre_ids": "[18]", "id": 102, "original_language": "en", "original_title": "Quiet Town",
         "popularity": 1.0, "release_date": "2015-03-01", "title": "Quiet Town",
         "vote_average": 6.1, "vote_count": 40},
        {"genre_ids": "[35]", "id": 201, "original_language": "en", "original_title": "Twin",
         "popularity": 1.0, "release_date": "2014-01-01", "title": "Twin",
         "vote_average": 5.0, "vote_count": 10},
        {"genre_ids": "[35]", "id": 202, "original_language": "en", "original_title": "Twin",
         "popularity": 1.0, "release_date": "2014-05-01", "title": "Twin",
         "vote_average": 5.0, "vote_count": 10},
    ])
    _write(root, "flatiron_box_office/tn.movie_budgets_pre2018.csv.gz", [
        {"id": 1, "release_date": "Dec 18, 2009", "movie": "Star Voyage",
         "production_budget": "$250,000,000", "domestic_gross": "$310,000,000",
         "worldwide_gross": "$950,000,000"},
        {"id": 2, "release_date": "Jan 9, 2016", "movie": "The Quiet Town",
         "production_budget": "$2,000,000", "domestic_gross": "$0", "worldwide_gross": "$5,000,000"},
        {"id": 3, "release_date": "Apr 1, 2011", "movie": "Lonely Film",
         "production_budget": "$1,000,000", "domestic_gross": "$3,000,000",
         "worldwide_gross": "$4,000,000"},
    ])
    _write(root, "flatiron_box_office/bom.movie_gross_pre2018.csv.gz", [
        {"title": "Star Voyage 2 (2012)", "studio": "BV", "domestic_gross": 200_000_000.0,
         "foreign_gross": "1,131.6", "year": 2012},
    ])
    _write(root, "imdb_5000/movie_metadata.csv.gz", [
        _imdb_row("tt0000100", "Star Voyage\xa0", 2009, "USA", 210_000_000, 300_000_000),
        _imdb_row("tt0000100", "Star Voyage\xa0", 2009, "USA", 210_000_000, 300_000_000),
        _imdb_row("tt0000105", "Le Film", 2010, "France", 5_000_000_000, 100_000),
    ])
    _write(root, "movie_industry/movies_1980_2017.csv.gz", [
        {"name": "Star Voyage", "rating": "PG-13", "genre": "Action", "year": 2009,
         "released": "December 18, 2009 (United States)", "score": 7.9, "votes": 1_000_000.0,
         "director": "Ann Lee", "writer": "Wri Ter", "star": "Al First", "country": "US",
         "budget": 237_000_000.0, "gross": 2_000_000_000.0, "company": "Big Studio",
         "runtime": 151.0},
        {"name": "Twin", "rating": "R", "genre": "Comedy", "year": 2014,
         "released": "May 1, 2014 (United States)", "score": 5.0, "votes": 100.0,
         "director": "X", "writer": "Y", "star": "Z", "country": "US", "budget": None,
         "gross": 1_000.0, "company": "C", "runtime": 90.0},
    ])
    _write(root, "ilias1111_box_office/movie_pre2018.csv.gz", [
        _ilias_row(100, "tt0000100", "Star Voyage", "2009-12-10 00:00:00+00:00", 190_000_000,
                   910_000_000, "PG-13"),
        _ilias_row(101, "tt0000101", "Star Voyage II", "2012-06-01 00:00:00+00:00", 150_000_000,
                   510_000_000, "12"),
    ])
    _write(root, "ilias1111_box_office/genre_mapping.csv.gz",
           [{"movie_id": 100, "genre_id": 878}, {"movie_id": 101, "genre_id": 28}])
    _write(root, "ilias1111_box_office/keyword.csv.gz", [{"keyword_id": 1, "keyword_name": "space"}])
    _write(root, "ilias1111_box_office/keyword_mapping.csv.gz",
           [{"keyword_id": 1, "movie_id": 101}])
    _write(root, "ilias1111_box_office/production.csv.gz",
           [{"company_id": 1, "company_name": "Big Studio", "parent_id": 1}])
    _write(root, "ilias1111_box_office/production_mapping.csv.gz",
           [{"company_id": 1, "movie_id": 101}])
    _write(root, "ilias1111_box_office/collection.csv.gz",
           [{"collection_id": 5, "collection_name": "Star Voyage Collection"}])
    _write(root, "ilias1111_box_office/collection_mapping.csv.gz",
           [{"collection_id": 5, "movie_id": 100}, {"collection_id": 5, "movie_id": 101}])
    _write(root, "ilias1111_box_office/movies_with_sequel.csv.gz",
           [{"movie_id": 100}, {"movie_id": 101}])
    write_posters(root)
    write_anime(root)
    write_added_tables(root)
    (root / "README.md").write_text("tiny test data\n")
    return root


def _imdb_row(imdb_id, title, year, country, budget, gross) -> dict:
    return {"color": "Color", "director_name": "Ann Lee", "num_critic_for_reviews": 1,
            "duration": 150.0, "actor_1_name": "Al First", "actor_2_name": "Bo Second",
            "actor_3_name": "", "gross": gross, "genres": "Action|Sci-Fi", "movie_title": title,
            "num_voted_users": 5000, "plot_keywords": "space|alien",
            "movie_imdb_link": f"http://www.imdb.com/title/{imdb_id}/?ref_=fn_tt_tt_1",
            "language": "English", "country": country, "content_rating": "PG-13",
            "budget": budget, "title_year": year, "imdb_score": 7.7}


def _ilias_row(tmdb_id, imdb_id, title, date, budget, revenue, cert) -> dict:
    return {"movie_id": tmdb_id, "imdb_id": imdb_id, "original_language": "en",
            "original_title": title, "release_date": date, "runtime": 140,
            "revenue_dom": revenue / 3, "revenue_int": revenue * 2 / 3, "revenue_world": revenue,
            "revenue_open": None, "budget_usd_adj": budget, "ageCert": cert,
            "metacritic_link": "", "metascore": None, "rating_count_imdb": 20_000.0,
            "rating_value_imdb": 7.2, "rating_value_tmdb": 7.0, "rating_count_tmdb": 900.0}


def write_posters(root: Path) -> None:
    images = root / "posters" / "images"
    images.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (18, 27), (200, 30, 30)).save(images / "tt0000100.jpg", format="JPEG")
    (images / "tt0000101.jpg").write_bytes(b"\xff\xd8\xff this is not a jpeg")
    pd.DataFrame([
        {"file": "images/tt0000100.jpg", "imdb_id": "tt0000100", "tmdb_id": 100.0},
        {"file": "images/tt0000101.jpg", "imdb_id": "tt0000101", "tmdb_id": 101.0},
        {"file": "images/tt0009999.jpg", "imdb_id": "tt0009999", "tmdb_id": None},
    ]).to_csv(root / "posters" / "posters_index.csv", index=False)


def write_anime(root: Path) -> None:
    base = {"Japanese name": "", "Licensors": "", "Duration": "24 min.", "Ranked": "1",
            "Popularity": 1, "Favorites": 0}
    _write(root, "anime/anime.csv.gz", [
        {**base, "MAL_ID": 1, "Name": "Space Cowboys", "English name": "Space Cowboys",
         "Score": "8.78", "Genders": "Action, Sci-Fi", "Type": "TV", "Episodes": "26",
         "Aired": "Apr 3, 1998 to Apr 24, 1999", "Premiered": "Spring 1998",
         "Producers": "Bandai Visual, add some", "Studios": "Sunrise", "Source": "Original",
         "Rating": "R - 17+ (violence & profanity)", "Members": 1251960},
        {**base, "MAL_ID": 2, "Name": "Mystery Tale", "English name": "Unknown",
         "Score": "Unknown", "Genders": "Mystery", "Type": "Movie", "Episodes": "Unknown",
         "Aired": "2005", "Premiered": "Unknown", "Producers": "Unknown",
         "Studios": "Unknown", "Source": "Unknown", "Rating": "Unknown", "Members": 10},
    ])
    _write(root, "anime/anime_with_synopsis.csv.gz", [
        {"MAL_ID": 1, "Name": "Space Cowboys", "Score": "8.78", "Genders": "Action, Sci-Fi",
         "sypnopsis": "In the year 2071..."},
        {"MAL_ID": 2, "Name": "Mystery Tale", "Score": "Unknown", "Genders": "Mystery",
         "sypnopsis": "No synopsis information has been added to this title."},
    ])


def check_canonical(frame: pd.DataFrame) -> None:
    """Assert a reader's frame uses canonical columns with their dtypes (extras start with ``_``)."""
    for column in frame.columns:
        if column in FILM_COLUMNS:
            assert str(frame[column].dtype) == str(pd.Series(dtype=FILM_COLUMNS[column]).dtype), column
        else:
            assert column.startswith("_"), f"non-canonical column {column}"
