"""Readers for the id-keyed and text tables added with corpus v2 (data README, "Added later").

==========================  ================  ============================================
table (source name)         key               what it adds
==========================  ================  ============================================
ilias1111 cast ids          TMDB id           ``_cast_ids``: billed TMDB person ids, in
(``ilias1111_cast``)                          billing order (no names: ``_people`` finds them)
TMDb 10k (``tmdb_10k``)     TMDB + IMDb id    top-5 cast, directors, keywords, overview,
                                              tagline, companies, genres, budget, revenue
IMDb basics + crew          IMDb id           ``_director_ids`` / ``_writer_ids`` (``nm…``),
(``imdb_crew``)                               title, year, runtime, genres
Wikipedia (``wikipedia``)   title + year      cast names, directors named in the plot
                                              extract ("directed by …"), the extract itself
==========================  ================  ============================================

The Wikipedia opening is used as an ``overview`` where no TMDB table has one: it is the
article's first paragraph (what the film is, who made it, its story), written after release, so
every sentence about the release or its reception is cut (``plot_sentences``); what remains is
the kind of text a studio's synopsis gives before release.

TMDb 10k's ``release_date`` has two-digit years (``6/9/15``); its ``release_year`` decides the
century. Wikipedia cast lists hold stray tokens ("Cast:", "(final cut)", "Dir.: X"); only tokens
that look like a personal name (2–5 words, no digits, colons or brackets) are kept, the rest are
counted as ``cast_tokens_dropped``.
"""

from __future__ import annotations

import os
import re

import pandas as pd

from ._labels import format_imdb_id, map_genres
from ._parse import parse_comma_list, parse_pipe_list, parse_year
from ._sources import (
    ParseStats,
    SourceTable,
    drop_duplicate_keys,
    parse_column,
    read_json_records,
    read_table,
    to_canonical,
)
from ._sources_tmdb import _tmdb_id

__all__ = ["read_cast_ids", "read_tmdb10k", "read_imdb_crew", "read_wikipedia",
           "directors_in_text", "is_person_name", "plot_sentences", "POST_RELEASE_RAW"]

CAST_IDS = "ilias1111_box_office/cast_ids_pre2018.csv.gz"
TMDB10K = "tmdb_10k/tmdb_movies_1960_2015.csv.gz"
IMDB_BASICS = "imdb_title_crew/title_basics_pre2018.csv.gz"
IMDB_CREW = "imdb_title_crew/title_crew_pre2018.csv.gz"
WIKIPEDIA = "wikipedia_movies/movies_1990_2017.json.gz"

# raw post-release columns of these tables -> the name in ``POST_RELEASE_COLUMNS`` that forbids
# them; none is read into the corpus (``revenue`` is read as the label)
POST_RELEASE_RAW: dict[str, dict[str, str]] = {
    "tmdb_10k": {"popularity": "popularity", "vote_count": "vote_count",
                 "vote_average": "rating", "revenue": "revenue", "revenue_adj": "revenue_adj"},
}


def read_cast_ids(data_dir: str | os.PathLike) -> SourceTable:
    """ilias1111's billed cast: one row per film with ``_cast_ids`` (TMDB person ids as strings,
    billing order). Rows with an unreadable id or billing position are counted and skipped."""
    stats = ParseStats("ilias1111_cast")
    raw = read_table(data_dir, CAST_IDS, ["person_id", "movie_id", "billing"], stats)
    person = pd.to_numeric(raw["person_id"], errors="coerce")
    billing = pd.to_numeric(raw["billing"], errors="coerce")
    tmdb_id = _tmdb_id(raw, "movie_id", stats)
    person = person.where((person > 0) & (person == person.round()))
    stats.count_unparseable("person_id", raw["person_id"], person)
    stats.count_unparseable("billing", raw["billing"], billing)
    ok = (person.notna() & billing.notna() & tmdb_id.notna()).to_numpy(bool)
    rows = pd.DataFrame({"tmdb_id": tmdb_id[ok].astype("int64"), "billing": billing[ok],
                         "person": person[ok].astype("int64").astype(str)})
    before = len(rows)
    rows = rows.drop_duplicates(["tmdb_id", "person"])  # one person billed twice: first billing
    stats.duplicates_dropped += before - len(rows)
    rows = rows.sort_values(["tmdb_id", "billing"], kind="stable")
    cast = rows.groupby("tmdb_id", sort=True)["person"].agg(list)
    frame = pd.DataFrame({"tmdb_id": cast.index.to_numpy(), "_cast_ids": cast.to_list()})
    return SourceTable("ilias1111_cast", to_canonical(frame, stats), stats)


def read_tmdb10k(data_dir: str | os.PathLike) -> SourceTable:
    """The Udacity "TMDb movies" table (1960–2015): both ids, top-5 cast, directors, keywords,
    genres, companies (``|`` lists), overview, tagline, runtime, budget and revenue."""
    stats = ParseStats("tmdb_10k")
    raw = read_table(data_dir, TMDB10K,
                     ["id", "imdb_id", "original_title", "cast", "director", "tagline",
                      "keywords", "overview", "runtime", "genres", "production_companies",
                      "release_date", "release_year", "budget", "revenue"], stats)
    years = parse_column(raw, "release_year", parse_year, stats).astype("Int64")
    dates = pd.to_datetime(raw["release_date"], format="%m/%d/%y", errors="coerce")
    stats.count_unparseable("release_date", raw["release_date"], dates)
    # two-digit years: the release year column says which century (6/9/65 is 1965, not 2065)
    dates = pd.to_datetime(pd.DataFrame({"year": years.astype("float64").fillna(dates.dt.year),
                                         "month": dates.dt.month, "day": dates.dt.day}),
                           errors="coerce").astype("datetime64[ns]")
    frame = pd.DataFrame({
        "tmdb_id": _tmdb_id(raw, "id", stats),
        "imdb_id": parse_column(raw, "imdb_id", format_imdb_id, stats),
        "title": raw["original_title"],
        "original_title": raw["original_title"],
        "release_date": dates,
        "year": years,
        "budget": pd.to_numeric(raw["budget"], errors="coerce"),
        "revenue": pd.to_numeric(raw["revenue"], errors="coerce"),
        "runtime": pd.to_numeric(raw["runtime"], errors="coerce"),
        "genres": parse_column(raw, "genres", parse_pipe_list, stats).map(map_genres),
        "keywords": parse_column(raw, "keywords", parse_pipe_list, stats),
        "cast": parse_column(raw, "cast", parse_pipe_list, stats),
        "directors": parse_column(raw, "director", parse_pipe_list, stats, "director"),
        "companies": parse_column(raw, "production_companies", parse_pipe_list, stats),
        "overview": raw["overview"],
        "tagline": raw["tagline"],
    })
    frame = drop_duplicate_keys(frame, ["tmdb_id"], stats)
    return SourceTable("tmdb_10k", to_canonical(frame, stats), stats)


def read_imdb_crew(data_dir: str | os.PathLike) -> SourceTable:
    """IMDb title basics joined with title crew (2010–2017): ``_director_ids`` and
    ``_writer_ids`` (``nm…`` person ids), title, year, runtime and genres."""
    stats = ParseStats("imdb_crew")
    basics = read_table(data_dir, IMDB_BASICS, ["tconst", "primary_title", "original_title",
                                                "start_year", "runtime_minutes", "genres"], stats)
    crew = read_table(data_dir, IMDB_CREW, ["tconst", "directors", "writers"], stats)
    stats.rows_read = len(basics)  # the crew rows are attributes of the title rows
    crew = crew.drop_duplicates("tconst").set_index("tconst")
    person_ids = {c: parse_column(crew, c, _person_ids, stats) for c in ("directors", "writers")}
    frame = pd.DataFrame({
        "imdb_id": parse_column(basics, "tconst", format_imdb_id, stats),
        "title": basics["primary_title"],
        "original_title": basics["original_title"],
        "year": parse_column(basics, "start_year", parse_year, stats).astype("Int64"),
        "runtime": pd.to_numeric(basics["runtime_minutes"], errors="coerce"),
        "genres": parse_column(basics, "genres", parse_comma_list, stats).map(map_genres),
        "_director_ids": basics["tconst"].map(person_ids["directors"]).to_numpy(object),
        "_writer_ids": basics["tconst"].map(person_ids["writers"]).to_numpy(object),
    })
    frame = drop_duplicate_keys(frame, ["imdb_id"], stats)
    return SourceTable("imdb_crew", to_canonical(frame, stats), stats)


_NM_RE = re.compile(r"^nm\d{1,9}$")


def _person_ids(text) -> list[str] | None:
    ids = parse_comma_list(text)
    if ids is None:
        return None
    kept = [i for i in ids if _NM_RE.match(i)]
    return kept if kept or not ids else None


_NAME_RE = re.compile(r"^[^\W\d_][\w.'’\- ]*$")


def is_person_name(token) -> bool:
    """A cast-list token that looks like a personal name: 2–5 words, letters first, no digits,
    colons or brackets ("Cast:", "(final cut)" and "Dir.: X" are not)."""
    if not isinstance(token, str):
        return False
    text = token.strip()
    words = text.split()
    return (2 <= len(words) <= 5 and len(text) <= 60 and bool(_NAME_RE.match(text))
            and not any(ch.isdigit() for ch in text))


# a name's words: initials ("J.") or capitalised words, never a sentence's final period
_WORD = r"(?:[A-Z]\.|[A-Z][\w'’\-]+)"
_NAME = rf"{_WORD}(?: (?:{_WORD}|de|van|von|del|da|di|la|le))*"
_DIRECTED_RE = re.compile(r"\b(?:co-)?directed(?: and (?:co-)?(?:written|produced))?"
                          rf"(?: by)? ({_NAME}(?:,? and {_NAME})?)")


def directors_in_text(text) -> list[str] | None:
    """The directors a Wikipedia opening names ("… directed by Ann Lee and Bo Ma …"), or
    ``None`` when it names none."""
    if not isinstance(text, str):
        return None
    match = _DIRECTED_RE.search(text)
    if not match:
        return None
    names = [n.strip() for n in re.split(r",? and ", match.group(1))]
    names = [n for n in names if is_person_name(n)]
    return names or None


# words of sentences about the release and its reception, not the film's story
_AFTER_RELEASE_RE = re.compile(
    r"gross|box office|acclaim|award|nominat|received|review|critic|premiere|released|"
    r"worldwide|earn|rotten|metacritic|success|flop|\bcult\b|million|\$|\bwon\b|winning|"
    r"festival|debut|rating|audience|sequel to|followed by|remake", re.IGNORECASE)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def plot_sentences(text) -> str | None:
    """A Wikipedia opening without the sentences about release and reception ("grossed",
    "received positive reviews", "premiered at", "nominated for"), which are post-release."""
    if not isinstance(text, str) or not text.strip():
        return None
    kept = [s for s in _SENTENCE_RE.split(text.strip()) if not _AFTER_RELEASE_RE.search(s)]
    return " ".join(kept) or None


def read_wikipedia(data_dir: str | os.PathLike) -> SourceTable:
    """Wikipedia's American films 1990–2017 (no ids): title, year, cast names, directors named
    in the opening text, and the opening as ``overview`` without its sentences on release and
    reception (``plot_sentences``)."""
    stats = ParseStats("wikipedia")
    raw = read_json_records(data_dir, WIKIPEDIA, ("title", "year", "cast", "extract"), stats)
    stats.count_fix("not_an_object", stats.rows_read - len(raw))
    tokens = raw["cast"].map(lambda v: v if isinstance(v, list) else [])
    cast = tokens.map(lambda v: [str(t).strip() for t in v if is_person_name(t)])
    stats.count_fix("cast_tokens_dropped", int((tokens.map(len) - cast.map(len)).sum()))
    extract = raw["extract"].map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
    frame = pd.DataFrame({
        "title": raw["title"],
        "year": parse_column(raw, "year", parse_year, stats).astype("Int64"),
        "cast": cast.map(lambda v: v or None),
        "directors": extract.map(directors_in_text),
        "overview": extract.map(plot_sentences),
    })
    return SourceTable("wikipedia", to_canonical(frame, stats), stats)
