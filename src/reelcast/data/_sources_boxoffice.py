"""Readers for the box-office tables: IMDB 5000, ilias1111, Movie Industry, The Numbers, Box Office
Mojo.

Which gross is which (checked on overlapping films, e.g. *Avatar*):

========================  ===========================  ====================================
table                     worldwide (``revenue``)      domestic US (``revenue_domestic``)
========================  ===========================  ====================================
ilias1111                 ``revenue_world``            ``revenue_dom``
Movie Industry            ``gross`` (IMDb worldwide)   –
The Numbers               ``worldwide_gross``          ``domestic_gross``
Box Office Mojo           domestic + foreign           ``domestic_gross``
IMDB 5000                 –                            ``gross`` (US gross, e.g. Avatar 760.5M)
========================  ===========================  ====================================

IMDB 5000 budgets are in the local currency for many non-US films (*The Host*, South Korea:
12.2 billion), so its budget is kept only for films whose ``country`` is ``USA``. ilias1111's
``budget_usd_adj`` equals the nominal TMDB budget for most shared films (it is *not* inflation
adjusted, despite the name), so it is read as a nominal budget.

The no-id tables (Movie Industry, The Numbers, Box Office Mojo) carry ``title`` and ``year`` for
matching on the normalised title.
"""

from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd

from ._certification import MPAA_LABELS, normalise_certification
from ._labels import (
    distributor_name,
    format_imdb_id,
    language_code,
    map_genre,
    map_genres,
    us_certification,
)
from ._parse import (
    parse_money,
    parse_pipe_list,
    parse_year,
)
from ._sources import (
    ParseStats,
    SourceTable,
    drop_duplicate_keys,
    parse_column,
    read_table,
    to_canonical,
)
from ._sources_tmdb import TMDB_GENRE_IDS, _dates, _tmdb_id

__all__ = [
    "read_imdb5000",
    "read_ilias",
    "read_movie_industry",
    "read_the_numbers",
    "read_box_office_mojo",
]

IMDB5000 = "imdb_5000/movie_metadata.csv.gz"
ILIAS = "ilias1111_box_office"
MOVIE_INDUSTRY = "movie_industry/movies_1980_2017.csv.gz"
THE_NUMBERS = "flatiron_box_office/tn.movie_budgets_pre2018.csv.gz"
BOX_OFFICE_MOJO = "flatiron_box_office/bom.movie_gross_pre2018.csv.gz"


def _one(value) -> list[str] | None:
    """A single name as a one-element list."""
    if isinstance(value, str) and value.strip():
        return [value.replace("\xa0", " ").strip()]
    return None


def _certification(raw: pd.DataFrame, column: str, stats: ParseStats) -> pd.Series:
    certs = raw[column].map(us_certification)
    stats.count_fix("certification_not_us", (raw[column].notna() & certs.isna()).sum())
    return certs


def _money(raw: pd.DataFrame, column: str, stats: ParseStats) -> pd.Series:
    return parse_column(raw, column, parse_money, stats).astype("float64")


def _years(raw: pd.DataFrame, column: str, stats: ParseStats) -> pd.Series:
    return parse_column(raw, column, parse_year, stats).astype("Int64")


def read_imdb5000(data_dir: str | os.PathLike) -> SourceTable:
    """IMDB 5000: IMDb id, title, year, US gross, budget (US films only), genres and plot keywords
    (pipe lists), director, three actors, content rating, IMDb score and votes."""
    stats = ParseStats("imdb5000")
    columns = ["movie_imdb_link", "movie_title", "title_year", "gross", "budget", "country",
               "genres", "plot_keywords", "director_name", "actor_1_name", "actor_2_name",
               "actor_3_name", "duration", "language", "content_rating", "imdb_score",
               "num_voted_users"]
    raw = read_table(data_dir, IMDB5000, columns, stats)
    budget = _money(raw, "budget", stats)
    foreign = budget.notna() & (raw["country"].fillna("") != "USA")
    stats.count_fix("budget_non_us_currency", foreign.sum())
    actors = raw[["actor_1_name", "actor_2_name", "actor_3_name"]].to_numpy(object)
    frame = pd.DataFrame({
        "imdb_id": parse_column(raw, "movie_imdb_link", format_imdb_id, stats),
        "title": raw["movie_title"],
        "year": _years(raw, "title_year", stats),
        "budget": budget.where(~foreign),
        "revenue_domestic": _money(raw, "gross", stats),
        "runtime": pd.to_numeric(raw["duration"], errors="coerce"),
        "original_language": parse_column(raw, "language", language_code, stats),
        "certification": _certification(raw, "content_rating", stats),
        "genres": parse_column(raw, "genres", parse_pipe_list, stats).map(map_genres),
        "keywords": parse_column(raw, "plot_keywords", parse_pipe_list, stats),
        "directors": raw["director_name"].map(_one),
        # ordered as in the table (actor_1..3), which is not the billing order
        "cast": [[str(a).replace("\xa0", " ").strip() for a in row if isinstance(a, str)] or None
                 for row in actors],
        "rating": pd.to_numeric(raw["imdb_score"], errors="coerce"),
        "vote_count": pd.to_numeric(raw["num_voted_users"], errors="coerce"),
    })
    frame = drop_duplicate_keys(frame, ["imdb_id"], stats)
    return SourceTable("imdb5000", to_canonical(frame, stats), stats)


def _mapping(data_dir, mapping: str, names: str | None, id_column: str, name_column: str | None,
             stats: ParseStats) -> pd.Series:
    """A ``movie_id`` → list-of-names Series from an ilias1111 link table (+ its name table)."""
    links = read_table(data_dir, f"{ILIAS}/{mapping}", ["movie_id", id_column], stats)
    if names is not None:
        table = read_table(data_dir, f"{ILIAS}/{names}", [id_column, name_column], stats)
        table = table.drop_duplicates(id_column)
        links = links.merge(table[[id_column, name_column]], on=id_column, how="left")
        missing = links[name_column].isna()
        stats.count_fix(f"{mapping}_unknown_id", missing.sum())
        links = links.loc[~missing]
        values = links[name_column].astype(str).str.strip()
    else:
        values = links[id_column].map(TMDB_GENRE_IDS)
        stats.count_fix(f"{mapping}_unknown_id", values.isna().sum())
    links = pd.DataFrame({"movie_id": links["movie_id"].to_numpy(), "value": values.to_numpy()})
    links = links.dropna().drop_duplicates()
    return links.groupby("movie_id", sort=False)["value"].agg(list)


def read_ilias(data_dir: str | os.PathLike) -> SourceTable:
    """ilias1111 box-office tables: the movie table joined with its genre, keyword, company and
    collection link tables; the IMDb rating is ``rating`` and the TMDB one ``_tmdb_rating``."""
    stats = ParseStats("ilias1111")
    raw = read_table(data_dir, f"{ILIAS}/movie_pre2018.csv.gz",
                     ["movie_id", "imdb_id", "original_language", "original_title",
                      "release_date", "runtime", "revenue_dom", "revenue_world", "budget_usd_adj",
                      "ageCert", "rating_value_imdb", "rating_count_imdb", "rating_value_tmdb",
                      "rating_count_tmdb"], stats)
    n_movies = len(raw)
    tmdb_id = _tmdb_id(raw, "movie_id", stats)
    genres = _mapping(data_dir, "genre_mapping.csv.gz", None, "genre_id", None, stats)
    keywords = _mapping(data_dir, "keyword_mapping.csv.gz", "keyword.csv.gz", "keyword_id",
                        "keyword_name", stats)
    companies = _mapping(data_dir, "production_mapping.csv.gz", "production.csv.gz",
                         "company_id", "company_name", stats)
    collections = _mapping(data_dir, "collection_mapping.csv.gz", "collection.csv.gz",
                           "collection_id", "collection_name", stats)
    sequels = read_table(data_dir, f"{ILIAS}/movies_with_sequel.csv.gz", ["movie_id"], stats)
    age = raw["ageCert"].map(normalise_certification)
    stats.count_fix("certification_unknown", (raw["ageCert"].notna() & age.isna()).sum())
    stats.rows_read = n_movies  # the link tables are attributes of the movie rows
    key = tmdb_id.astype("float64")
    frame = pd.DataFrame({
        "tmdb_id": tmdb_id,
        "imdb_id": parse_column(raw, "imdb_id", format_imdb_id, stats),
        "original_title": raw["original_title"],
        # ilias has no English title column; its original title is the last-resort title
        "title": raw["original_title"],
        "release_date": _dates(raw, "release_date", stats),
        "runtime": pd.to_numeric(raw["runtime"], errors="coerce"),
        "budget": pd.to_numeric(raw["budget_usd_adj"], errors="coerce"),
        "revenue": pd.to_numeric(raw["revenue_world"], errors="coerce"),
        "revenue_domestic": pd.to_numeric(raw["revenue_dom"], errors="coerce"),
        "original_language": raw["original_language"],
        # ageCert mixes MPAA labels and German FSK ages; an FSK age is kept apart
        # (``_age_certification``) so that an MPAA label of another table wins over it
        "certification": age.where(age.isin(MPAA_LABELS)),
        "_age_certification": age.where(~age.isin(MPAA_LABELS)),
        # a film absent from a link table has unknown (not empty) genres/keywords/companies
        "genres": key.map(genres).map(lambda v: map_genres(v) if isinstance(v, list) else None),
        "keywords": key.map(keywords).map(lambda v: v if isinstance(v, list) else None),
        "companies": key.map(companies).map(lambda v: v if isinstance(v, list) else None),
        "collection": key.map(collections).map(lambda v: v[0] if isinstance(v, list) else None),
        "rating": pd.to_numeric(raw["rating_value_imdb"], errors="coerce"),
        "vote_count": pd.to_numeric(raw["rating_count_imdb"], errors="coerce"),
        "_tmdb_rating": pd.to_numeric(raw["rating_value_tmdb"], errors="coerce"),
        "_tmdb_vote_count": pd.to_numeric(raw["rating_count_tmdb"], errors="coerce"),
        "_knows_collection": True,
    })
    # movies_with_sequel lists exactly the films of the collection table (both 1,862 rows): it
    # marks collection membership, so is_sequel is derived from the collection in the corpus
    in_sequel_table = key.isin(pd.to_numeric(sequels["movie_id"], errors="coerce"))
    stats.count_fix("sequel_table_without_collection",
                    (in_sequel_table & frame["collection"].isna()).sum())
    unrated = (frame["_tmdb_vote_count"].fillna(0) <= 0).to_numpy()
    frame.loc[unrated, ["_tmdb_rating", "_tmdb_vote_count"]] = np.nan
    frame = drop_duplicate_keys(frame, ["tmdb_id"], stats)
    return SourceTable("ilias1111", to_canonical(frame, stats), stats)


def read_movie_industry(data_dir: str | os.PathLike) -> SourceTable:
    """Movie Industry (IMDb scrape, 1980–2017, no id): worldwide gross, budget, one genre,
    director, writer, star, company, certification, IMDb score and votes."""
    stats = ParseStats("movie_industry")
    raw = read_table(data_dir, MOVIE_INDUSTRY,
                     ["name", "rating", "genre", "year", "released", "score", "votes", "director",
                      "writer", "star", "budget", "gross", "company", "runtime"], stats)
    genre = raw["genre"].map(map_genre)
    years = _years(raw, "year", stats)
    released = _dates(raw, "released", stats)
    # "released" is the first release in one country; years away from the film's year it is a
    # late local (re)release (Hyenas, 1992: "2019 (United States)"), not the film's release
    far = (released.dt.year - years.astype("float64")).abs() > 1
    stats.count_fix("release_date_far_from_year", far.sum())
    frame = pd.DataFrame({
        "title": raw["name"],
        "year": years,
        "release_date": released.where(~far),
        "certification": _certification(raw, "rating", stats),
        "genres": [[g] if isinstance(g, str) else ([] if isinstance(r, str) else None)
                   for g, r in zip(genre, raw["genre"], strict=True)],
        "rating": pd.to_numeric(raw["score"], errors="coerce"),
        "vote_count": pd.to_numeric(raw["votes"], errors="coerce"),
        "directors": raw["director"].map(_one),
        "writers": raw["writer"].map(_one),
        "cast": raw["star"].map(_one),
        "companies": raw["company"].map(_one),
        "budget": _money(raw, "budget", stats),
        "revenue": _money(raw, "gross", stats),
        "runtime": pd.to_numeric(raw["runtime"], errors="coerce"),
    })
    return SourceTable("movie_industry", to_canonical(frame, stats), stats)


def read_the_numbers(data_dir: str | os.PathLike) -> SourceTable:
    """The Numbers budgets (no id): release date, production budget, domestic and worldwide gross
    (``"$425,000,000"`` strings)."""
    stats = ParseStats("the_numbers")
    raw = read_table(data_dir, THE_NUMBERS,
                     ["release_date", "movie", "production_budget", "domestic_gross",
                      "worldwide_gross"], stats)
    dates = _dates(raw, "release_date", stats)
    frame = pd.DataFrame({
        "title": raw["movie"],
        "release_date": dates,
        "year": dates.dt.year.astype("Int64"),
        "budget": _money(raw, "production_budget", stats),
        "revenue_domestic": _money(raw, "domestic_gross", stats),
        "revenue": _money(raw, "worldwide_gross", stats),
    })
    return SourceTable("the_numbers", to_canonical(frame, stats), stats)


_MILLIONS_RE = re.compile(r"^\s*\$?\d{1,3}(,\d{3})*\.\d+\s*$")


def read_box_office_mojo(data_dir: str | os.PathLike) -> SourceTable:
    """Box Office Mojo grosses (2010–2017, no id). Worldwide = domestic + foreign when both are
    known. A few foreign grosses are written in millions (``"1,131.6"``) and are scaled."""
    stats = ParseStats("box_office_mojo")
    raw = read_table(data_dir, BOX_OFFICE_MOJO,
                     ["title", "studio", "domestic_gross", "foreign_gross", "year"], stats,
                     dtype={"foreign_gross": "string"})
    domestic = _money(raw, "domestic_gross", stats)
    foreign = _money(raw, "foreign_gross", stats)
    in_millions = raw["foreign_gross"].fillna("").str.match(_MILLIONS_RE).to_numpy(dtype=bool)
    in_millions &= (foreign < 100_000).fillna(False).to_numpy(dtype=bool)
    stats.count_fix("foreign_gross_in_millions", in_millions.sum())
    foreign = foreign.where(~in_millions, foreign * 1e6)
    frame = pd.DataFrame({
        "title": raw["title"],
        "year": _years(raw, "year", stats),
        "revenue_domestic": domestic,
        "revenue": domestic + foreign,
        "distributor": raw["studio"].map(distributor_name),
    })
    return SourceTable("box_office_mojo", to_canonical(frame, stats), stats)
