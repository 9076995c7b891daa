"""Robust parsers for the messy text in the public film tables.

Every parser takes arbitrary input (``str``, numbers, ``None``, ``NaN``) and **never raises**: a value
it cannot read comes back missing (``None``, ``NaN`` or ``NaT``) so the caller can count it as
unparseable and show the first few examples. Scalar parsers have vectorised companions
(``parse_dates``, ``parse_money_series``, …) that parse each distinct value once.

>>> parse_money("$1,234")
1234.0
>>> parse_date("June 13, 1980 (United States)")
Timestamp('1980-06-13 00:00:00')
>>> parse_literal_list("[{'id': 1, 'name': 'alien'}]")
['alien']

Titles, ids, genres, languages and certifications are in ``_labels.py``.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MAX_LITERAL_CHARS",
    "TWO_DIGIT_PIVOT",
    "is_missing",
    "parse_literal",
    "parse_literal_list",
    "parse_literal_dict",
    "parse_pipe_list",
    "parse_comma_list",
    "parse_money",
    "parse_money_series",
    "parse_number",
    "parse_year",
    "parse_date",
    "parse_dates",
    "fix_mojibake",
    "map_unique",
]

# A stringified list longer than this is refused rather than handed to ``ast.literal_eval``,
# whose parser can use a lot of memory and stack on huge or deeply nested input.
MAX_LITERAL_CHARS = 200_000
# Two-digit years below the pivot are 20xx, the rest 19xx (films here run 1915–2017).
TWO_DIGIT_PIVOT = 30

_MISSING_TEXT = {"", "nan", "none", "null", "n/a", "na", "unknown", "-", "--", "?"}


_MOJIBAKE_MARKS = ("\u00c3", "\u00c2", "\u00e2\u0080", "\u00e2\u20ac")


def fix_mojibake(value: Any) -> Any:
    """Repair UTF-8 text that was decoded as Latin-1/CP1252 (``"Worldâ\\x80\\x99s"`` →
    ``"World’s"``); text that is not such mojibake is returned unchanged."""
    if not isinstance(value, str) or not any(mark in value for mark in _MOJIBAKE_MARKS):
        return value
    for encoding in ("latin-1", "cp1252"):
        try:
            return value.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
    return value


def is_missing(value: Any) -> bool:
    """True for ``None``, NaN/NaT/``pd.NA`` and placeholder text such as ``""`` or ``"Unknown"``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return value.strip().lower() in _MISSING_TEXT
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str | None:
    if is_missing(value):
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    # mojibake first: a UTF-8 "à" read as Latin-1 ends in a no-break space
    text = fix_mojibake(str(value)).replace("\xa0", " ").strip()
    # bytes skip the placeholder check above (b"" or b"Unknown" are missing too)
    return None if is_missing(text) else text


# ---------------------------------------------------------------------------------------------
# stringified lists
# ---------------------------------------------------------------------------------------------
def parse_literal(text: Any) -> Any:
    """Read a stringified JSON or Python literal (list/dict); ``None`` when it cannot be read.

    JSON is tried first (fast, and the TMDB 5000 tables are JSON); Python literals with single
    quotes go through ``ast.literal_eval`` (never ``eval``), refused above ``MAX_LITERAL_CHARS``.
    """
    s = _text(text)
    if s is None or len(s) > MAX_LITERAL_CHARS:
        return None
    if s[0] not in "[{(":
        return None
    try:
        return json.loads(s)
    except (ValueError, RecursionError):
        pass
    try:
        return ast.literal_eval(s)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _names(items: Any, key: str) -> list[str] | None:
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list | tuple):
        return None
    out: list[str] = []
    for item in items:
        value = item.get(key) if isinstance(item, dict) else item
        value = _text(value) if not isinstance(value, dict | list | tuple) else None
        if value:
            out.append(value)
    return out


def parse_literal_list(text: Any, key: str = "name") -> list[str] | None:
    """``"[{'id': 1, 'name': 'a'}, …]"`` → ``['a', …]``; a list of plain strings also works.

    Returns ``[]`` for an empty list and ``None`` when the text is missing or unreadable.
    """
    return _names(parse_literal(text), key)


def parse_literal_dict(text: Any) -> dict | None:
    """``"{'id': 10194, 'name': 'Toy Story Collection'}"`` → a dict, or ``None``."""
    value = parse_literal(text)
    return value if isinstance(value, dict) else None


def _split(text: Any, sep: str) -> list[str] | None:
    s = _text(text)
    if s is None:
        return None
    return [part.strip() for part in s.split(sep) if part.strip()]


def parse_pipe_list(text: Any) -> list[str] | None:
    """``"Action|Adventure"`` → ``['Action', 'Adventure']`` (``None`` when missing)."""
    return _split(text, "|")


def parse_comma_list(text: Any) -> list[str] | None:
    """``"Sunrise, Bandai Visual"`` → ``['Sunrise', 'Bandai Visual']`` (``None`` when missing)."""
    return _split(text, ",")


# ---------------------------------------------------------------------------------------------
# numbers and money
# ---------------------------------------------------------------------------------------------
_MONEY_RE = re.compile(
    r"^\(?-?\s*(?:us)?\$?\s*(-?[0-9][0-9,]*(?:\.[0-9]+)?|-?\.[0-9]+)\s*"
    r"(k|thousand|m|mn|mil|million|b|bn|billion)?\)?$",
    re.IGNORECASE,
)
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mil": 1e6, "million": 1e6,
          "b": 1e9, "bn": 1e9, "billion": 1e9}


def parse_money(value: Any) -> float:
    """``"$1,234"``, ``"1.2M"``, ``"$3 million"``, ``1234`` → float dollars; NaN if unreadable.

    The currency is not converted: the caller knows which currency a column holds.
    """
    if isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return number if math.isfinite(number) else math.nan
    s = _text(value)
    if s is None:
        return math.nan
    s = s.replace(" ", "").lower() if len(s) < 64 else ""
    match = _MONEY_RE.match(s)
    if not match:
        return math.nan
    digits, unit = match.groups()
    try:
        number = float(digits.replace(",", ""))
    except ValueError:
        return math.nan
    if unit:
        number *= _SCALE[unit.lower()]
    if s.startswith("(") and s.endswith(")") or s.startswith("-") and number > 0:
        number = -number
    return number if math.isfinite(number) else math.nan


def parse_number(value: Any) -> float:
    """A plain number from text (``"26"``, ``"1,251,960"``, ``"8.78"``); NaN if unreadable."""
    return parse_money(value)


def map_unique(values: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """Apply a scalar parser once per distinct value (the tables repeat values a lot)."""
    values = pd.Series(values)
    cells = values.astype(object)
    # True == 1 and False == 0 share a hash: factorize would parse them as one value
    if any(isinstance(v, bool | np.bool_) for v in cells):
        return pd.Series([func(v) for v in cells], index=values.index, dtype=object)
    try:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists): parse each one
        return pd.Series([func(v) for v in cells], index=values.index, dtype=object)
    results = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        results[i] = func(value)
    results[-1] = func(None)  # code -1: a missing cell
    return pd.Series(results[codes], index=values.index, dtype=object)


def parse_money_series(values: pd.Series) -> pd.Series:
    """Vectorised ``parse_money``: a float64 Series (NaN where unreadable)."""
    values = pd.Series(values)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    return map_unique(values, parse_money).astype("float64")


# ---------------------------------------------------------------------------------------------
# years and dates
# ---------------------------------------------------------------------------------------------
def _expand_year(year: int, digits: int) -> int:
    if digits <= 2:
        return 2000 + year if year < TWO_DIGIT_PIVOT else 1900 + year
    return year


_YEAR_RE = re.compile(r"^'?(\d{2}|\d{4})(?:\.0+)?$")


def parse_year(value: Any) -> int | None:
    """``1998``, ``"1998"``, ``"1998.0"``, ``"'98"``, ``"98"`` → 1998; ``None`` if not a year 1870–2100."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        if not math.isfinite(float(value)) or float(value) != int(value):
            return None
        year = int(value)
        year = _expand_year(year, 2) if 0 <= year < 100 else year
    else:
        s = _text(value)
        match = _YEAR_RE.match(s) if s else None
        if not match:
            return None
        year = _expand_year(int(match.group(1)), len(match.group(1)))
    return year if 1870 <= year <= 2100 else None


_SEASON_MONTH = {"winter": 1, "spring": 4, "summer": 7, "fall": 10, "autumn": 10}
_SEASON_RE = re.compile(r"^(winter|spring|summer|fall|autumn)\s+'?(\d{2}|\d{4})$", re.IGNORECASE)
_PAREN_RE = re.compile(r"\s*\([^)]*\)\s*")
_RANGE_RE = re.compile(r"\s+(?:to|-|–)\s+", re.IGNORECASE)
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_NUMERIC_RE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_TEXT_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y",
                 "%b %Y", "%B %Y", "%d-%b-%Y", "%Y/%m/%d")
_TEXT_TWO_DIGIT = re.compile(r"^(.*[^\d])(\d{2})$")


def _make_date(year: int, month: int, day: int) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(year=year, month=month, day=day)
    except (ValueError, OverflowError):
        return None


def parse_date(value: Any) -> pd.Timestamp | None:
    """A release date from the formats found in the tables; ``None`` when unreadable.

    Understands ISO dates with or without time and zone (``"2006-09-01 00:00:00+00:00"``),
    ``"Dec 18, 2009"`` / ``"December 18, 2009"``, a trailing parenthetical
    (``"June 13, 1980 (United States)"``), ranges (``"Apr 3, 1998 to Apr 24, 1999"`` → the start),
    month precision (``"Apr 1998"`` → 1 April), seasons (``"Spring 1998"`` → the season's first
    month: Winter Jan, Spring Apr, Summer Jul, Fall Oct), US numeric dates (``"12/18/2009"``) and
    two-digit years (``"Dec 18, 09"``, pivot ``TWO_DIGIT_PIVOT``). A bare year is *not* a date.
    """
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.tz_localize(None) if value.tz else value
    s = _text(value)
    if s is None or len(s) > 100:
        return None
    s = _PAREN_RE.sub(" ", s).strip()
    s = _RANGE_RE.split(s, maxsplit=1)[0].strip().rstrip(",")
    if not s:
        return None
    if match := _ISO_RE.match(s):
        return _make_date(*(int(g) for g in match.groups()))
    if match := _NUMERIC_RE.match(s):
        month, day, year = match.groups()
        return _make_date(_expand_year(int(year), len(year)), int(month), int(day))
    if match := _SEASON_RE.match(s):
        season, year = match.groups()
        return _make_date(_expand_year(int(year), len(year)), _SEASON_MONTH[season.lower()], 1)
    s = re.sub(r"\s+", " ", s.replace(".", ""))
    candidates = [s]
    if (match := _TEXT_TWO_DIGIT.match(s)) and not re.search(r"\d{4}", s):
        head, yy = match.groups()
        candidates.append(f"{head}{_expand_year(int(yy), 2)}")
    for text in candidates:
        for fmt in _TEXT_FORMATS:
            try:
                return pd.Timestamp(datetime.strptime(text, fmt))
            except (ValueError, OverflowError, TypeError):
                continue
    return None


def parse_dates(values: pd.Series) -> pd.Series:
    """Vectorised ``parse_date`` → ``datetime64[ns]`` (NaT where unreadable)."""
    values = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        return out.astype("datetime64[ns]")
    parsed = map_unique(values, parse_date)
    return pd.to_datetime(parsed, errors="coerce").astype("datetime64[ns]")

