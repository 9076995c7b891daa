"""MyAnimeList anime → the canonical anime table (``ANIME_COLUMNS``), kept apart from films.

Sources: ``anime/anime.csv.gz`` (one row per title) joined on ``MAL_ID`` with
``anime/anime_with_synopsis.csv.gz`` for the synopsis (column ``sypnopsis``, *sic*). The column
``Genders`` (*sic*) holds the genres. ``"Unknown"`` anywhere means missing; the MAL placeholder
producer ``"add some"`` and placeholder synopses are dropped (and counted). ``start_date`` is the
start of ``Aired`` (month precision is kept: ``"Apr 1998"`` → 1 April); ``year`` falls back to a
bare year in ``Aired`` or ``Premiered``; ``season`` comes from ``Premiered`` (``"Spring 1998"`` →
``"Spring"``). ``score`` (MAL weighted score) is the target; ``members`` is post-release
popularity and never an input.
"""

from __future__ import annotations

import os
import re

import pandas as pd

from ._parse import is_missing, parse_comma_list, parse_dates, parse_number, parse_year
from ._schema import ANIME_COLUMNS
from ._sources import ParseStats, SourceTable, parse_column, read_table

__all__ = ["read_anime", "ANIME_FILE", "SYNOPSIS_FILE"]

ANIME_FILE = "anime/anime.csv.gz"
SYNOPSIS_FILE = "anime/anime_with_synopsis.csv.gz"

_PLACEHOLDER_SYNOPSIS = re.compile(r"^\s*no (synopsis|summary)\b", re.IGNORECASE)
_PLACEHOLDER_NAMES = {"add some", "none found", "none found, add some"}
_SEASON_RE = re.compile(r"^\s*(winter|spring|summer|fall|autumn)\b", re.IGNORECASE)
_FIRST_YEAR_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _names(text) -> list[str] | None:
    names = parse_comma_list(text)
    if names is None:
        return None
    return [n for n in names if n.lower() not in _PLACEHOLDER_NAMES and not is_missing(n)]


def _season(text) -> str | None:
    match = _SEASON_RE.match(text) if isinstance(text, str) else None
    if not match:
        return None
    season = match.group(1).capitalize()
    return "Fall" if season == "Autumn" else season


def _first_year(text) -> int | None:
    match = _FIRST_YEAR_RE.search(text) if isinstance(text, str) else None
    return parse_year(match.group(1)) if match else None


def _text_or_none(value) -> str | None:
    return None if is_missing(value) else str(value).strip()


def read_anime(data_dir: str | os.PathLike) -> SourceTable:
    """The canonical anime table (one row per MyAnimeList id) and its parse statistics."""
    stats = ParseStats("anime")
    raw = read_table(data_dir, ANIME_FILE,
                     ["MAL_ID", "Name", "English name", "Score", "Genders", "Type", "Episodes",
                      "Aired", "Premiered", "Producers", "Studios", "Source", "Rating",
                      "Members"], stats)
    synopses = read_table(data_dir, SYNOPSIS_FILE, ["MAL_ID", "sypnopsis"], stats)
    stats.rows_read = len(raw)
    ids = pd.to_numeric(raw["MAL_ID"], errors="coerce")
    stats.count_unparseable("MAL_ID", raw["MAL_ID"], ids)
    synopsis_by_id = (synopses.assign(MAL_ID=pd.to_numeric(synopses["MAL_ID"], errors="coerce"))
                      .dropna(subset=["MAL_ID"]).drop_duplicates("MAL_ID")
                      .set_index("MAL_ID")["sypnopsis"])
    synopsis = ids.map(synopsis_by_id).map(_text_or_none)
    placeholder = synopsis.map(lambda s: bool(s) and bool(_PLACEHOLDER_SYNOPSIS.match(s)))
    stats.count_fix("synopsis_placeholder", placeholder.sum())
    synopsis = synopsis.where(~placeholder.astype(bool), None)

    start = parse_dates(raw["Aired"])
    aired_year = raw["Aired"].map(_first_year)
    stats.count_unparseable("Aired", raw["Aired"], start.where(start.notna(), aired_year))
    premiered_year = raw["Premiered"].map(_first_year)
    year = (start.dt.year.astype("Int64")
            .fillna(pd.to_numeric(aired_year, errors="coerce").astype("Int64"))
            .fillna(pd.to_numeric(premiered_year, errors="coerce").astype("Int64")))
    season = raw["Premiered"].map(_season)
    stats.count_unparseable("Premiered", raw["Premiered"], season)

    rating = raw["Rating"].map(lambda r: None if is_missing(r) else str(r).split(" - ")[0].strip())
    frame = pd.DataFrame({
        "anime_id": ids,
        "title": raw["Name"],
        "english_title": raw["English name"],
        "synopsis": synopsis,
        "genres": parse_column(raw, "Genders", _names, stats),
        "studios": parse_column(raw, "Studios", _names, stats),
        "producers": parse_column(raw, "Producers", _names, stats),
        "source": raw["Source"],
        "type": raw["Type"],
        "episodes": parse_column(raw, "Episodes", parse_number, stats),
        "start_date": start,
        "year": year,
        "season": season,
        "age_rating": rating,
        "score": parse_column(raw, "Score", parse_number, stats),
        "members": parse_column(raw, "Members", parse_number, stats),
    })
    bad_score = ~frame["score"].between(1, 10) & frame["score"].notna()
    stats.count_fix("score_out_of_range", bad_score.sum())
    frame.loc[bad_score.to_numpy(), "score"] = float("nan")
    frame = frame.dropna(subset=["anime_id"])
    dup = frame["anime_id"].duplicated()
    stats.duplicates_dropped += int(dup.sum())
    frame = frame.loc[~dup.to_numpy()]
    table = _to_anime_schema(frame)
    stats.rows_kept = len(table)
    return SourceTable("anime", table, stats)


def _to_anime_schema(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for column, dtype in ANIME_COLUMNS.items():
        values = frame[column]
        if dtype == "object":
            out[column] = values.map(lambda v: list(v) if isinstance(v, list) else [])
        elif dtype == "string":
            out[column] = values.map(_text_or_none).astype("string")
        elif dtype == "datetime64[ns]":
            out[column] = pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")
        elif dtype == "Int64":
            out[column] = pd.to_numeric(values, errors="coerce").astype("Int64")
        else:
            out[column] = pd.to_numeric(values, errors="coerce").astype(dtype)
    return pd.DataFrame(out).reset_index(drop=True)
