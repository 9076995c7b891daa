"""The corpus v2 tables of the tiny data folder (``_tinydata.write_tiny_data`` calls this).

Planted, on top of the films of ``_tinydata``:

* ilias1111 cast ids: Star Voyage bills TMDB persons 11, 12; Star Voyage II bills 11, 14; Twin
  (TMDB 201, no names) bills 11, 15. Person 11 meets the name "Al First" in both Star Voyages
  (co-occurrence); 12 is the one id left beside the one name left, "Bo Second" (elimination);
  14 and 15 have no name. Twin's cast comes from the ids: ["Al First", "tmdbp:15"].
* IMDb crew: nm1 directs both Star Voyage films ("Ann Lee" in TMDB 5000) and co-writes the first
  with nm2, the film's only other writer name ("Wri Ter", Movie Industry) -> writers
  ["Ann Lee", "Wri Ter"]. "Quiet Town" (tt0000777) matches TMDB film 102 only by title: it adds
  the director ``imdbp:nm3`` but never the IMDb id.
* TMDb 10k: a new film, Old Classic (300 / tt0000300, "6/9/65" with release_year 1965).
* Wikipedia: Lonely Film's opening gives its director ("directed by Sol Tary") and, without the
  reception sentence, its overview.
* The Numbers theaters: Star Voyage's MPAA rating and creative type are scraped page text, its
  opening theater count is the release plan; Twin (ambiguous, never attached) has a
  double-encoded name ("PenÃ©lope Cruz").
* Box Office Mojo width (Latin-1 bytes): Star Voyage II by IMDb id (distributor "Buena vista"),
  Lonely Film by title (``PULL_ERROR`` id), "Café Noir" matches nothing.
* vega: Star Voyage with a budget 100x too small (budgets disagree), Old Classic with a worldwide
  gross 10x TMDb 10k's (revenues disagree), and Old Vega, a new film dated "Jan 01 2046" (read as
  1946), budget 500 (millions typed as units) and worldwide gross = US gross = $15,000.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd


def _csv(root: Path, relpath: str, rows: list[dict], encoding: str = "utf-8") -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False, encoding=encoding,
                              compression={"method": "gzip", "mtime": 0})


def _json(root: Path, relpath: str, items: list[dict]) -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(items, handle)


def write_added_tables(root: Path) -> None:
    root = Path(root)
    _csv(root, "ilias1111_box_office/cast_ids_pre2018.csv.gz", [
        {"person_id": 11, "movie_id": 100, "billing": 0},
        {"person_id": 11, "movie_id": 101, "billing": 0},
        {"person_id": 12, "movie_id": 100, "billing": 1},
        {"person_id": 14, "movie_id": 101, "billing": 1},
        {"person_id": 11, "movie_id": 201, "billing": 0},
        {"person_id": 15, "movie_id": 201, "billing": 1},
        {"person_id": "x", "movie_id": 101, "billing": 2},  # unreadable id: counted, skipped
    ])
    _csv(root, "tmdb_10k/tmdb_movies_1960_2015.csv.gz", [
        {"id": 300, "imdb_id": "tt0000300", "popularity": 1.0, "budget": 1_000_000,
         "revenue": 5_000_000, "original_title": "Old Classic", "cast": "Cy Third|Al First",
         "homepage": "", "director": "Dee Rector", "tagline": "Then.",
         "keywords": "war|love", "overview": "Long ago.", "runtime": 100,
         "genres": "Drama|Romance", "production_companies": "Old Studio",
         "release_date": "6/9/65", "vote_count": 10, "vote_average": 6.0,
         "release_year": 1965, "budget_adj": 7e6, "revenue_adj": 3.5e7},
    ])
    _csv(root, "imdb_title_crew/title_basics_pre2018.csv.gz", [
        {"tconst": "tt0000100", "primary_title": "Star Voyage", "original_title": "Star Voyage",
         "start_year": 2009, "runtime_minutes": 150, "genres": "Action,Sci-Fi"},
        {"tconst": "tt0000101", "primary_title": "Star Voyage II",
         "original_title": "Star Voyage II", "start_year": 2012, "runtime_minutes": 140,
         "genres": "Action"},
        {"tconst": "tt0000777", "primary_title": "Quiet Town", "original_title": "Quiet Town",
         "start_year": 2015, "runtime_minutes": 91, "genres": "Drama"},
        {"tconst": "tt0000888", "primary_title": "Nothing Here", "original_title": "Nothing Here",
         "start_year": 2013, "runtime_minutes": None, "genres": "Documentary"},
    ])
    _csv(root, "imdb_title_crew/title_crew_pre2018.csv.gz", [
        {"tconst": "tt0000100", "directors": "nm1", "writers": "nm1,nm2"},
        {"tconst": "tt0000101", "directors": "nm1", "writers": None},
        {"tconst": "tt0000777", "directors": "nm3", "writers": "bad-id"},
        {"tconst": "tt0000888", "directors": "nm4", "writers": None},
    ])
    _json(root, "wikipedia_movies/movies_1990_2017.json.gz", [
        {"title": "Star Voyage", "year": 2009, "cast": ["Al First", "Cast:", "(final cut)"],
         "genres": [], "href": "Star_Voyage",
         "extract": "Star Voyage is a 2009 film directed by Ann Lee. Ships fly far. "
                    "It grossed $900 million worldwide."},
        {"title": "Lonely Film", "year": 2011, "cast": ["Lone Actor"], "genres": [],
         "href": "Lonely_Film",
         "extract": "Lonely Film is a 2011 drama directed by Sol Tary. A man walks alone. "
                    "It received mixed reviews."},
    ])
    theaters = {"domestic_gross": "$310,000,000", "worldwide_gross": "$950,000,000",
                "genre": "Action", "production_method": "Live Action",
                "production_company": "Big Studio", "max_theater_count": "3,500",
                "avg_run_per_theater": "6.0 weeks"}
    _csv(root, "the_numbers_theaters/movie_budgets_theaters_pre2018.csv.gz", [
        {**theaters, "title": "Star Voyage", "release_date": "Dec 18, 2009",
         "production_budget": "$250,000,000", "story_source": "Original Screenplay",
         "creative_type": "All Time Domestic Box Office for Super Hero Movies",
         "MPAA_Rating": "All Time Domestic Box Office for PG-13 Movies (Rank 1-100)",
         "runtime": "150 minutes", "opening_theater_count": "3,452",
         "actors": "Al First | Bo Second", "directors": "Ann Lee"},
        {**theaters, "title": "Twin", "release_date": "May 1, 2014",
         "production_budget": "$1,000,000", "story_source": None, "creative_type": None,
         "MPAA_Rating": "R", "runtime": "90 minutes", "opening_theater_count": "0",
         "actors": "Pen\u00c3\u00a9lope Cruz", "directors": None},
    ])
    _csv(root, "bom_distributor_width/bom_movies_1937_2015.csv.gz", [
        _bom_row("Star Voyage II", "Buena vista", "6/1/12", 2012, "tt0000101", 3000),
        _bom_row("Lonely Film", "IFC", "4/1/11", 2011, "PULL_ERROR", 20),
        _bom_row("Caf\u00e9 Noir", "IFC", "1/1/05", 2005, "PULL_ERROR", 5),
    ], encoding="latin-1")
    vega = {"US DVD Sales": None, "Rotten Tomatoes Rating": None, "IMDB Rating": 6.0,
            "IMDB Votes": 100, "Source": None, "Creative Type": None, "Running Time min": None}
    _json(root, "vega_movies/movies.json.gz", [
        {**vega, "Title": "Star Voyage", "Release Date": "Dec 18 2009",
         "Distributor": "Walt Disney Pictures", "MPAA Rating": "PG-13",
         "Source": "Original Screenplay", "Major Genre": "Action",
         "Creative Type": "Science Fiction", "Director": "Ann Lee", "Running Time min": 150,
         "Production Budget": 2_000_000, "US Gross": 310_000_000,
         "Worldwide Gross": 950_000_000},
        {**vega, "Title": "Old Classic", "Release Date": "Jun 09 1965", "Distributor": "MGM",
         "MPAA Rating": None, "Major Genre": "Drama", "Director": "Dee Rector",
         "Production Budget": 1_000_000, "US Gross": 20_000_000, "Worldwide Gross": 50_000_000},
        {**vega, "Title": "Old Vega", "Release Date": "Jan 01 2046", "Distributor": "Gramercy",
         "MPAA Rating": "Open", "Major Genre": "Comedy", "Director": None,
         "Production Budget": 500, "US Gross": 15_000, "Worldwide Gross": 15_000},
    ])


def _bom_row(title, studio, opening, year, imdb_id, width) -> dict:
    return {"Unnamed: 0.1": 0, "Unnamed: 0": 0, "title": title, "studio_name": studio,
            "studio_abbrev": "", "page": 1, "rank": 1, "total_gross": 1_000_000,
            "opening_date": opening, "link": "", "year": year, "putlocker_url": "",
            "version_count": 1, "genre_clean": "Drama", "rating_clean": None,
            "release_clean2": width, "runtime_mins": 100, "metascore": 50, "imdb_rating": 6.0,
            "actors": "PULL_ERROR" if imdb_id == "PULL_ERROR" else "Al First",
            "director": "PULL_ERROR" if imdb_id == "PULL_ERROR" else "Ann Lee",
            "imdb_id": imdb_id, "major_award_wins_or_noms": 0, "minor_award_wins": 0,
            "minor_award_noms": 0, "votecount_clean": 100, "release_width": width,
            "actor1": "", "wiki_url": "", "fame": 0, "actor2": "", "actor2_wiki_url": "",
            "fame_actor2": 0}
