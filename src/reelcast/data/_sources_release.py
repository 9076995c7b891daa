"""Readers for the distribution tables added with corpus v2: The Numbers (theaters), Box Office
Mojo (distributor and width) and the vega movies table.

==========================  ==============  ==================================================
table (source name)         key             pre-release fields it adds
==========================  ==============  ==================================================
The Numbers theaters        title + date    certification (MPAA), story source, creative type,
(``the_numbers_theaters``)                  production method, company, cast, directors,
                                            runtime, budget; release plan: opening theaters
Box Office Mojo width       IMDb id, else   distributor, genre, runtime, cast, director
(``bom_width``)             title + year
vega movies (``vega``)      title + date    distributor, certification (MPAA), story source,
                                            creative type, director, runtime, budget
==========================  ==============  ==================================================

Encodings: The Numbers' names are double-encoded UTF-8 (``"PenÃ©lope"``) and are repaired with
``fix_mojibake``; Box Office Mojo's bytes are Latin-1/CP1252 and are read as such. Some The
Numbers cells hold scraped page text instead of a value ("All Time Domestic Box Office for
Super Hero Movies (Rank 101-200)"): the category the page is about is the value, so it is kept
("Super Hero") and each repair is counted (``scraped_page_text_repaired``). Vega writes two-digit
years that a parser reads a century late ("Dec 31 2046"); as the table ends in 2010, a later
year is moved back 100 years (``release_date_century_fixed``).

Post-release columns (maximum theaters, average run, widest release, gross, scores, votes,
awards, DVD sales) are never read, except the grosses as labels (``revenue``,
``revenue_domestic``); ``POST_RELEASE_RAW`` lists them for the forbidden-input test.
"""

from __future__ import annotations

import os
import re

import pandas as pd

from ._certification import normalise_certification
from ._labels import distributor_name, format_imdb_id, map_genre
from ._parse import fix_mojibake, parse_dates, parse_money, parse_number, parse_year
from ._sources import (
    ParseStats,
    SourceTable,
    parse_column,
    read_json_records,
    read_table,
    to_canonical,
)

__all__ = ["read_the_numbers_theaters", "read_bom_width", "read_vega", "POST_RELEASE_RAW",
           "scraped_category"]

THE_NUMBERS_THEATERS = "the_numbers_theaters/movie_budgets_theaters_pre2018.csv.gz"
BOM_WIDTH = "bom_distributor_width/bom_movies_1937_2015.csv.gz"
VEGA = "vega_movies/movies.json.gz"
VEGA_LAST_YEAR = 2010

POST_RELEASE_RAW: dict[str, dict[str, str]] = {
    "the_numbers_theaters": {"domestic_gross": "revenue_domestic", "worldwide_gross": "revenue",
                             "max_theater_count": "max_theaters",
                             "avg_run_per_theater": "run_weeks"},
    "bom_width": {"total_gross": "revenue_domestic", "metascore": "metascore",
                  "imdb_rating": "rating", "votecount_clean": "vote_count",
                  "release_width": "release_width", "release_clean2": "release_width",
                  "major_award_wins_or_noms": "award_nominations",
                  "minor_award_wins": "award_wins", "minor_award_noms": "award_nominations",
                  "version_count": "version_count", "rank": "total_gross",
                  "fame": "popularity", "fame_actor2": "popularity"},
    "vega": {"US Gross": "revenue_domestic", "Worldwide Gross": "revenue",
             "US DVD Sales": "us_dvd_sales", "Rotten Tomatoes Rating": "rotten_tomatoes",
             "IMDB Rating": "rating", "IMDB Votes": "vote_count"},
}

_SCRAPED_RE = re.compile(r"^All Time (?:Domestic|International|Worldwide) Box Office for (.+?) "
                         r"Movies(?: \(Rank [\d,]+-[\d,]+\))?$")


def scraped_category(value) -> str | None:
    """``"All Time Domestic Box Office for R Movies (Rank 101-200)"`` → ``"R"``; other text is
    returned stripped; missing stays ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = _SCRAPED_RE.match(text)
    return match.group(1).strip() if match else text


def _category(raw: pd.DataFrame, column: str, stats: ParseStats) -> pd.Series:
    values = raw[column].map(scraped_category)
    repaired = raw[column].map(lambda v: isinstance(v, str) and bool(_SCRAPED_RE.match(v.strip())))
    stats.count_fix("scraped_page_text_repaired", int(repaired.sum()))
    return values


def _certification(values: pd.Series, stats: ParseStats) -> pd.Series:
    certs = values.map(normalise_certification)
    stats.count_fix("certification_unknown", int((values.notna() & certs.isna()).sum()))
    return certs


def _names(text) -> list[str] | None:
    if not isinstance(text, str) or not text.strip():
        return None
    names = [fix_mojibake(n).replace("\xa0", " ").strip() for n in re.split(r"[|]", text)]
    return [n for n in names if n] or None


_MINUTES_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:min(?:ute)?s?)?\s*$", re.IGNORECASE)


def _minutes(value) -> float:
    if not isinstance(value, str):
        return parse_number(value)
    match = _MINUTES_RE.match(value)
    return float(match.group(1)) if match else float("nan")


def read_the_numbers_theaters(data_dir: str | os.PathLike) -> SourceTable:
    """The Numbers (scraped 2019, no id): release date, budget, grosses (labels), MPAA rating,
    story source, creative type, production method, company, cast and directors, runtime and
    the opening theater count (the release plan)."""
    stats = ParseStats("the_numbers_theaters")
    raw = read_table(data_dir, THE_NUMBERS_THEATERS,
                     ["title", "release_date", "production_budget", "domestic_gross",
                      "worldwide_gross", "genre", "story_source", "creative_type",
                      "production_method", "production_company", "MPAA_Rating", "runtime",
                      "opening_theater_count", "actors", "directors"], stats)
    dates = parse_dates(raw["release_date"])
    stats.count_unparseable("release_date", raw["release_date"], dates)
    theaters = parse_column(raw, "opening_theater_count", parse_number, stats).astype(float)
    stats.count_fix("opening_theaters_zero", int((theaters <= 0).sum()))
    genre = _category(raw, "genre", stats).map(map_genre)
    frame = pd.DataFrame({
        "title": raw["title"],
        "release_date": dates,
        "year": dates.dt.year.astype("Int64"),
        "budget": parse_column(raw, "production_budget", parse_money, stats).astype(float),
        "revenue_domestic": parse_column(raw, "domestic_gross", parse_money, stats).astype(float),
        "revenue": parse_column(raw, "worldwide_gross", parse_money, stats).astype(float),
        "genres": genre.map(lambda g: [g] if isinstance(g, str) else None),
        "story_source": _category(raw, "story_source", stats),
        "creative_type": _category(raw, "creative_type", stats),
        "production_method": _category(raw, "production_method", stats),
        "companies": raw["production_company"].map(_names),
        "certification": _certification(_category(raw, "MPAA_Rating", stats), stats),
        "runtime": parse_column(raw, "runtime", _minutes, stats).astype(float),
        "opening_theaters": theaters.where(theaters > 0),
        "cast": parse_column(raw, "actors", _names, stats),
        "directors": parse_column(raw, "directors", _names, stats),
    })
    return SourceTable("the_numbers_theaters", to_canonical(frame, stats), stats)


def _cp1252(value):
    """Latin-1 text whose C1 controls were CP1252 punctuation (``\\x92`` → ``’``)."""
    if not isinstance(value, str) or not any("\x80" <= ch <= "\x9f" for ch in value):
        return value
    try:
        return value.encode("latin-1").decode("cp1252")
    except UnicodeError:
        return value


def _bom_missing(value) -> bool:
    return not isinstance(value, str) or value.strip() in ("", "PULL_ERROR")


def read_bom_width(data_dir: str | os.PathLike) -> SourceTable:
    """Box Office Mojo (scraped about 2015): distributor, opening date, genre, runtime, actors,
    director, IMDb id (``PULL_ERROR`` where the scrape failed) and the domestic total (a label)."""
    stats = ParseStats("bom_width")
    raw = read_table(data_dir, BOM_WIDTH,
                     ["title", "studio_name", "opening_date", "year", "genre_clean",
                      "runtime_mins", "actors", "director", "imdb_id", "total_gross"], stats,
                     encoding="latin-1")
    text = {c: raw[c].map(_cp1252) for c in ("title", "studio_name", "actors", "director")}
    pulled = ~raw["imdb_id"].map(_bom_missing)
    stats.count_fix("imdb_pull_error", int((~pulled).sum()))
    dates = parse_dates(raw["opening_date"])
    stats.count_unparseable("opening_date", raw["opening_date"], dates)
    frame = pd.DataFrame({
        "imdb_id": raw["imdb_id"].where(pulled).map(format_imdb_id),
        "title": text["title"],
        "release_date": dates,
        "year": parse_column(raw, "year", parse_year, stats).astype("Int64"),
        "distributor": text["studio_name"].map(distributor_name),
        "genres": raw["genre_clean"].map(map_genre).map(lambda g: [g] if g else None),
        "runtime": pd.to_numeric(raw["runtime_mins"], errors="coerce"),
        "cast": text["actors"].map(lambda v: None if _bom_missing(v) else
                                   [n.strip() for n in v.split(",") if n.strip()] or None),
        "directors": text["director"].map(lambda v: None if _bom_missing(v) else [v.strip()]),
        "revenue_domestic": parse_column(raw, "total_gross", parse_money, stats).astype(float),
    })
    return SourceTable("bom_width", to_canonical(frame, stats), stats)


def read_vega(data_dir: str | os.PathLike) -> SourceTable:
    """vega-datasets ``movies.json`` (films to 2010, no id): distributor, MPAA rating, source,
    creative type, genre, director, runtime, budget and grosses (labels)."""
    stats = ParseStats("vega")
    required = ["Title", "Release Date", "Distributor", "MPAA Rating", "Source", "Major Genre",
                "Creative Type", "Director", "Running Time min", "Production Budget", "US Gross",
                "Worldwide Gross"]
    raw = read_json_records(data_dir, VEGA, required, stats)
    dates = parse_dates(raw["Release Date"])
    stats.count_unparseable("Release Date", raw["Release Date"], dates)
    late = (dates.dt.year > VEGA_LAST_YEAR).fillna(False).to_numpy(bool)
    stats.count_fix("release_date_century_fixed", int(late.sum()))
    dates = dates.where(~late, dates - pd.DateOffset(years=100))
    genre = raw["Major Genre"].map(map_genre)
    frame = pd.DataFrame({
        "title": raw["Title"].map(lambda v: str(v) if v is not None else None),
        "release_date": dates,
        "year": dates.dt.year.astype("Int64"),
        "distributor": raw["Distributor"].map(distributor_name),
        "certification": _certification(raw["MPAA Rating"], stats),
        "story_source": raw["Source"],
        "creative_type": raw["Creative Type"],
        "genres": genre.map(lambda g: [g] if isinstance(g, str) else None),
        "directors": raw["Director"].map(lambda v: [v.strip()] if isinstance(v, str)
                                         and v.strip() else None),
        "runtime": pd.to_numeric(raw["Running Time min"], errors="coerce"),
        "budget": parse_column(raw, "Production Budget", parse_money, stats).astype(float),
        "revenue_domestic": parse_column(raw, "US Gross", parse_money, stats).astype(float),
        "revenue": parse_column(raw, "Worldwide Gross", parse_money, stats).astype(float),
    })
    return SourceTable("vega", to_canonical(frame, stats), stats)
