"""New films to forecast: the documented input format, validated at the boundary.

Columns (only ``title`` and ``release_date`` are required; lists are separated by ``|``):

==================  ===========================================================
title               the film's title
release_date        planned release date, ``YYYY-MM-DD``
budget              production budget in US dollars (``150000000`` or ``$150,000,000``)
runtime             minutes
original_language   ISO 639-1 code, e.g. ``en``
certification       an age rating of the MPAA (G, PG, PG-13, R, NC-17, NR), FSK (``FSK 12``
                    or ``12``: 0, 6, 12, 16, 18) or BBFC (``BBFC 15``, ``12A``: U, PG, 12A,
                    12, 15, 18, R18); stored normalised (``FSK 12``), with ``min_age``
genres              TMDB genre names, e.g. ``Action|Science Fiction``
keywords            crowd keywords, e.g. ``superhero|based on comic``
cast                billed cast in order, ``Actor One|Actor Two``
directors, writers  names, ``|``-separated
companies           production companies, ``|``-separated
collection          franchise/collection name if any (a sequel or part of a series)
overview, tagline   text
poster              path to a poster image (JPEG/PNG)
distributor         US theatrical distributor, e.g. ``Walt Disney``
story_source        e.g. ``Original Screenplay``, ``Based on Comic/Graphic Novel``
creative_type       e.g. ``Super Hero``, ``Contemporary Fiction``, ``Kids Fiction``
production_method   e.g. ``Live Action``, ``Digital Animation``
opening_theaters    US theaters on the opening weekend: the release plan, read only by a
                    ``release_week`` model (a greenlight model ignores it)
tmdb_id, imdb_id    the film's ids (``reelcast fetch tmdb`` writes them; not model inputs)
==================  ===========================================================
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataFileError, InputError, SchemaError
from ..data import (
    ACCEPTED_TEXT,
    FILM_COLUMNS,
    GENRE_ALIASES,
    GENRES,
    min_age,
    normalise_certification,
)

__all__ = ["INPUT_COLUMNS", "REQUIRED_COLUMNS", "films_from_records", "read_new_films",
           "unknown_fields"]

INPUT_COLUMNS = ("title", "release_date", "budget", "runtime", "original_language",
                 "certification", "genres", "keywords", "cast", "directors", "writers",
                 "companies", "collection", "overview", "tagline", "poster", "distributor",
                 "story_source", "creative_type", "production_method", "opening_theaters",
                 "tmdb_id", "imdb_id")
REQUIRED_COLUMNS = ("title", "release_date")
_LISTS = ("genres", "keywords", "cast", "directors", "writers", "companies")
_MAX_CELL = {"overview": 20_000, "tagline": 2_000}
_DEFAULT_MAX_CELL = 2_000
_MAX_BUDGET = 2e9  # no film has cost more than ~$500M; 2e9 leaves room and catches typos in cents
_GENRE_LOOKUP = {g.lower(): g for g in GENRES} | {k: v for k, v in GENRE_ALIASES.items() if v}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANG = re.compile(r"^[a-z]{2}$")
_IMDB = re.compile(r"^tt\d{7,10}$")


def _where(row: int | None) -> str:
    return "" if row is None else f"row {row}: "


def _money(value, field: str, row: int | None) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return math.nan
    text = str(value).strip().replace(",", "").replace("$", "").replace("_", "")
    try:
        amount = float(text)
    except ValueError:
        raise InputError(f"{_where(row)}{field} {value!r} is not a number of dollars") from None
    if not math.isfinite(amount):
        raise InputError(f"{_where(row)}{field} {value!r} must be a finite number")
    if amount < 0:
        raise InputError(f"{_where(row)}{field} {value!r} must not be negative")
    if amount > _MAX_BUDGET:
        raise InputError(f"{_where(row)}{field} {value!r} is above ${_MAX_BUDGET:,.0f}; "
                         "give US dollars, not cents")
    return amount


def _runtime(value, row: int | None) -> float:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    try:
        minutes = float(str(value).strip())
    except ValueError:
        raise InputError(f"{_where(row)}runtime {value!r} is not a number of minutes") from None
    if not (math.isfinite(minutes) and 1 <= minutes <= 1000):
        raise InputError(f"{_where(row)}runtime {value!r} must be between 1 and 1000 minutes")
    return minutes


def _theaters(value, row: int | None) -> float:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    try:
        count = float(str(value).strip().replace(",", ""))
    except ValueError:
        raise InputError(f"{_where(row)}opening_theaters {value!r} is not a number of "
                         "theaters") from None
    if not (math.isfinite(count) and 0 <= count <= 20_000 and count == int(count)):
        raise InputError(f"{_where(row)}opening_theaters {value!r} must be a whole number "
                         "from 0 to 20,000")
    return count


def _date(value, row: int | None) -> pd.Timestamp:
    text = "" if value is None else str(value).strip()
    if not text or (isinstance(value, float) and math.isnan(value)):
        raise InputError(f"{_where(row)}release_date is missing; every film needs its planned "
                         "release date (YYYY-MM-DD)")
    if not _DATE.match(text):
        raise InputError(f"{_where(row)}release_date {value!r} is not a date in YYYY-MM-DD form")
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, OverflowError):
        raise InputError(f"{_where(row)}release_date {value!r} is not a valid calendar date") from None
    if not 1900 <= stamp.year <= 2100:
        raise InputError(f"{_where(row)}release_date {value!r} must be between 1900 and 2100")
    return stamp


def _ids(raw: dict, row: int | None) -> dict:
    """The optional ``tmdb_id`` and ``imdb_id``: carried along, never used as model inputs."""
    out = {"tmdb_id": pd.NA, "imdb_id": pd.NA}
    tmdb, imdb = raw.get("tmdb_id"), raw.get("imdb_id")
    if not (tmdb is None or tmdb == "" or (isinstance(tmdb, float) and math.isnan(tmdb))):
        text = str(tmdb).strip()
        if isinstance(tmdb, bool) or not (text.isascii() and text.isdigit()) \
                or not 0 < int(text) < 10**9:
            raise InputError(f"{_where(row)}tmdb_id {tmdb!r} is not a positive whole number")
        out["tmdb_id"] = int(text)
    imdb = _text(imdb, "imdb_id", row)
    if imdb is not pd.NA:
        if not _IMDB.match(str(imdb)):
            raise InputError(f"{_where(row)}imdb_id {imdb!r} is not an IMDb id such as "
                             "'tt4154756'")
        out["imdb_id"] = str(imdb)
    return out


def _list(value, field: str, row: int | None) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    items = value if isinstance(value, list | tuple) else str(value).split("|")
    out = [str(x).strip() for x in items if str(x).strip()]
    if field == "genres":
        mapped = []
        for g in out:
            canon = _GENRE_LOOKUP.get(g.lower())
            if canon is None:
                raise InputError(f"{_where(row)}genres: unknown genre {g!r}; known genres: "
                                 f"{', '.join(GENRES)}")
            mapped.append(canon)
        out = list(dict.fromkeys(mapped))
    return out


def _text(value, field: str, row: int | None):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return pd.NA
    text = str(value).strip()
    limit = _MAX_CELL.get(field, _DEFAULT_MAX_CELL)
    if len(text) > limit:
        raise InputError(f"{_where(row)}{field} is {len(text):,} characters long; the limit is "
                         f"{limit:,}")
    return text or pd.NA


def unknown_fields(names, where: str = "") -> None:
    """Refuse field names outside the input format, suggesting the nearest known one.

    Every entry point (CLI ``--film`` JSON, CSV header, HTTP body) refuses the same way: a
    misspelled field silently ignored would forecast a different film than the one meant.
    """
    import difflib

    unknown = [str(n) for n in names if str(n) not in INPUT_COLUMNS]
    if not unknown:
        return
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name.lower(), INPUT_COLUMNS, n=1)
        hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    raise SchemaError(f"{where}unknown field(s) {', '.join(hints)}; the input format has: "
                      f"{', '.join(INPUT_COLUMNS)}")


def _record(raw: dict, row: int | None) -> dict:
    title = _text(raw.get("title"), "title", row)
    if title is pd.NA:
        raise InputError(f"{_where(row)}title is empty; every film needs a title")
    lang = _text(raw.get("original_language"), "original_language", row)
    if lang is not pd.NA and not _LANG.match(str(lang).lower()):
        raise InputError(f"{_where(row)}original_language {lang!r} is not a two-letter ISO 639-1 "
                         "code such as 'en'")
    cert = _text(raw.get("certification"), "certification", row)
    if cert is not pd.NA:
        label = normalise_certification(cert)
        if label is None:
            raise InputError(f"{_where(row)}certification {cert!r} is not a known age rating; "
                             f"accepted: {ACCEPTED_TEXT}")
        cert = label
    date = _date(raw.get("release_date"), row)
    rec = {
        "title": title, "original_title": title, "release_date": date, "year": date.year,
        "budget": _money(raw.get("budget"), "budget", row),
        "runtime": _runtime(raw.get("runtime"), row),
        "original_language": lang if lang is pd.NA else str(lang).lower(),
        "certification": cert,
        "min_age": math.nan if cert is pd.NA else min_age(cert),
        "collection": _text(raw.get("collection"), "collection", row),
        "overview": _text(raw.get("overview"), "overview", row),
        "tagline": _text(raw.get("tagline"), "tagline", row),
        "poster_file": _text(raw.get("poster"), "poster", row),
        "opening_theaters": _theaters(raw.get("opening_theaters"), row),
    }
    for field in ("distributor", "story_source", "creative_type", "production_method"):
        rec[field] = _text(raw.get(field), field, row)
    for field in _LISTS:
        rec[field] = _list(raw.get(field), field, row)
    # no collection given: unknown, not "no franchise"
    rec["is_sequel"] = True if rec["collection"] is not pd.NA else pd.NA
    rec |= _ids(raw, row)
    return rec


def films_from_records(records: list[dict], *, first_row: int | None = 1) -> pd.DataFrame:
    """Validate new films given as dicts (JSON API, CLI flags) into canonical-schema rows."""
    if not records:
        raise InputError("no films given: the input has no rows")
    for r in records:
        if not isinstance(r, dict):
            raise InputError(f"each film must be an object of fields, got {type(r).__name__}")
        unknown_fields(r)
    rows = [_record(r, None if first_row is None else first_row + i) for i, r in enumerate(records)]
    rows = [{**row, "film_id": f"new:{i}"} for i, row in enumerate(rows)]
    # one typed column at a time into one frame: building a frame from the dicts and converting
    # its 33 columns in place afterwards cost ~5 ms of every one-film forecast
    columns = {col: _column([row.get(col, _ABSENT) for row in rows], dtype)
               for col, dtype in _DTYPES.items()}
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))


_ABSENT = object()  # a column no record has: all missing, of the schema's dtype
_DTYPES = {col: pd.api.types.pandas_dtype(dtype) for col, dtype in FILM_COLUMNS.items()}


def _column(values: list, dtype):
    """One column of the canonical schema from the records' values (see ``FILM_COLUMNS``).

    Plain arrays, not Series: a frame built from Series aligns (reindexes) every one of them.
    """
    n = len(values)
    if dtype == np.dtype(object):
        out = np.empty(n, dtype=object)  # filled one by one: lists must stay list cells
        for i, value in enumerate(values):
            out[i] = None if value is _ABSENT else value
        return out
    if any(v is _ABSENT for v in values):  # the records never set this column
        return pd.Series(index=pd.RangeIndex(n), dtype=dtype).array
    if dtype == np.float64:
        return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(float)
    if dtype.kind == "M":
        return pd.to_datetime(pd.Series(values)).to_numpy(dtype)
    return pd.array(values, dtype=dtype)


def read_new_films(source: str | Path | bytes, *, max_rows: int = 100_000,
                   max_bytes: int = 50_000_000) -> tuple[pd.DataFrame, list[str]]:
    """Read and validate a CSV of new films; returns ``(films, warnings)``.

    Raises :class:`InputError`/:class:`SchemaError` with one line naming the row, field and value.
    """
    if isinstance(source, bytes):
        data, name = source, "upload"
    else:
        path = Path(source)
        if not path.is_file():
            raise DataFileError(f"input file {str(path)!r} does not exist")
        if path.stat().st_size > max_bytes:
            raise InputError(f"input file {str(path)!r} is larger than {max_bytes:,} bytes")
        data, name = path.read_bytes(), str(path)
    if len(data) > max_bytes:
        raise InputError(f"input {name!r} is larger than {max_bytes:,} bytes")
    if not data.strip():
        raise InputError(f"input file {name!r} is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"input file {name!r} is not UTF-8 text (byte {exc.start}); save it "
                         "as UTF-8 CSV") from None
    if "\x00" in text:
        raise InputError(f"input file {name!r} contains NUL bytes; it is not a CSV text file")
    csv.field_size_limit(max_bytes)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        header = [h.strip().lower() for h in header]
        reader.fieldnames = header
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise SchemaError(f"input file {name!r} lacks required column(s) {missing}; "
                              f"found {header}")
        if len(set(header)) != len(header):
            dupes = sorted({h for h in header if header.count(h) > 1})
            raise SchemaError(f"input file {name!r} repeats column(s) {dupes}")
        warnings = []
        unknown_fields(header, where=f"input file {name!r}: ")
        raws = []
        for i, raw in enumerate(reader, start=2):  # row 1 is the header
            if None in raw:
                raise InputError(f"row {i}: more fields than the header has columns")
            raws.append(raw)
            if len(raws) > max_rows:
                raise InputError(f"input file {name!r} has more than {max_rows:,} rows")
    except csv.Error as exc:
        raise InputError(f"input file {name!r} is not valid CSV: {exc}") from None
    if not raws:
        raise InputError(f"input file {name!r} has a header but no films")
    return films_from_records(raws, first_row=2), warnings
