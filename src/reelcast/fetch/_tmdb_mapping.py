"""TMDB's movie details → one row of the new-film CSV (the README's "Input format for new films").

Only pre-release fields are read: never votes, popularity, revenue or ratings. Every value is
checked against what the CSV reader accepts, so a mapped film always reads back; a value that does
not fit (an unknown certification, a runtime of 0, a budget of 0) is left blank and, where a
person would want to know, a note says so.

Choices, and why:

* ``release_date`` is the earliest US theatrical release (type 3) from ``release_dates``, else the
  earliest US limited release (type 2), else TMDB's primary date: the corpus dates are US openings.
* ``certification`` is the MPAA rating of that US release, else any US entry's; anything that is
  not G, PG, PG-13, R, NC-17 or NR is left blank with a note.
* ``cast`` is the top ``cast_size`` (5) billed, in order: the corpus holds the top 5.
* ``directors`` are the crew with job "Director".
* ``writers`` are the crew whose job is in :data:`WRITER_JOBS`, screenplay first, then story, then
  the source material's author, at most ``writers_size`` (3, as many as the talent history reads).
  "Characters" credits are left out: a comic-book film lists a dozen character creators there.
* ``budget`` and ``runtime`` of 0 mean unknown on TMDB: blank.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .._errors import FetchError
from ..data import GENRE_ALIASES, GENRES

__all__ = ["TMDBFilm", "WRITER_JOBS", "US_CERTIFICATIONS", "map_movie"]

# the MPAA ratings the new-film reader accepts (the same tuple as features' CERTIFICATIONS; a test
# keeps them equal: sources may not import features)
US_CERTIFICATIONS = ("G", "PG", "PG-13", "R", "NC-17", "NR")
# TMDB "Writing" jobs that name a film's writers, in the order they are listed
WRITER_JOBS: tuple[str, ...] = (
    "Screenplay", "Writer", "Story", "Screenstory", "Original Story", "Novel", "Book", "Author",
    "Short Story", "Comic Book", "Graphic Novel", "Play", "Theatre Play",
)
THEATRICAL, LIMITED = 3, 2
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_GENRES = {g.lower(): g for g in GENRES} | {k: v for k, v in GENRE_ALIASES.items() if v}
_MAX_TEXT = {"overview": 20_000, "tagline": 2_000}
_MAX_NAME = 2_000


@dataclass(frozen=True)
class TMDBFilm:
    """One film as the new-film CSV wants it, plus where it came from.

    ``record`` holds the CSV columns TMDB filled (lists as lists, no ``poster``); ``release_type``
    is 3 (US theatrical), 2 (US limited) or ``None`` (TMDB's primary date).
    """

    tmdb_id: int
    imdb_id: str | None
    record: dict
    poster_path: str | None = None
    release_type: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def fields(self) -> list[str]:
        """The CSV columns that came from TMDB."""
        return list(self.record)

    @property
    def release_source(self) -> str:
        return {THEATRICAL: "US theatrical release", LIMITED: "US limited release"}.get(
            self.release_type, "TMDB primary release date")


def _date(value) -> str | None:
    """``YYYY-MM-DD`` from TMDB's ``2019-04-26`` or ``2019-04-26T00:00:00.000Z``; ``None`` if it
    is not a calendar date between 1900 and 2100 (the reader's range)."""
    match = _DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        day = datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
    return day.isoformat() if 1900 <= day.year <= 2100 else None


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value) -> list[dict]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _us_releases(details: dict, country: str) -> list[dict]:
    results = _dict(details.get("release_dates")).get("results")
    for entry in results if isinstance(results, list) else []:
        if isinstance(entry, dict) and entry.get("iso_3166_1") == country:
            return _dicts(entry.get("release_dates"))
    return []


def _release(details: dict, country: str) -> tuple[str | None, int | None, dict | None]:
    """(date, type, the release entry) per the module's rule."""
    releases = _us_releases(details, country)
    for kind in (THEATRICAL, LIMITED):
        dated = sorted((d, r) for r in releases if r.get("type") == kind
                       for d in [_date(r.get("release_date"))] if d)
        if dated:
            return dated[0][0], kind, dated[0][1]
    return _date(details.get("release_date")), None, None


def _certification(details: dict, chosen: dict | None, country: str,
                   notes: list[str]) -> str | None:
    candidates = ([chosen] if chosen else []) + sorted(
        _us_releases(details, country), key=lambda r: (r.get("type") != THEATRICAL,
                                                       str(r.get("release_date"))))
    for release in candidates:
        text = str(release.get("certification") or "").strip()
        if not text:
            continue
        if text.upper() in US_CERTIFICATIONS:
            return text.upper()
        notes.append(f"certification {text!r} is not an MPAA rating "
                     f"({', '.join(US_CERTIFICATIONS)}); left blank")
        return None
    notes.append(f"no {country} certification on TMDB yet; left blank")
    return None


def _clean_name(value) -> str | None:
    if not isinstance(value, str):
        return None
    # "|" separates list items in the CSV
    text = " ".join(value.replace("|", "/").split())
    return text[:_MAX_NAME] or None


def _names(items, *, key: str = "name") -> list[str]:
    out = [_clean_name(x.get(key)) for x in _dicts(items)]
    return list(dict.fromkeys(n for n in out if n))


def _cast(credits: dict, size: int) -> list[str]:
    people = _dicts(credits.get("cast"))
    people.sort(key=lambda p: p["order"] if isinstance(p.get("order"), int) else 1 << 30)
    return _names(people)[:size]


def _crew(credits: dict, jobs: tuple[str, ...]) -> list[str]:
    crew = [p for p in _dicts(credits.get("crew")) if p.get("job") in jobs]
    crew.sort(key=lambda p: jobs.index(p["job"]))  # stable: TMDB's order within a job
    return _names(crew)


def _genres(details: dict, notes: list[str]) -> list[str]:
    out = []
    for name in _names(details.get("genres")):
        canon = _GENRES.get(name.lower())
        if canon is None:
            notes.append(f"genre {name!r} is not one of the model's genres; left out")
        else:
            out.append(canon)
    return list(dict.fromkeys(out))


def _positive(value, high: float) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= high:
        return None
    return int(value)


def _text(value, name: str, notes: list[str]) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    limit = _MAX_TEXT.get(name, _MAX_NAME)
    if len(text) > limit:
        notes.append(f"{name} cut to {limit:,} characters")
        text = text[:limit]
    return text or None


def map_movie(details: dict, *, country: str = "US", cast_size: int = 5,
              writers_size: int = 3) -> TMDBFilm:
    """Map a ``/movie/{id}?append_to_response=credits,keywords,release_dates,external_ids``
    answer to a :class:`TMDBFilm`.

    Raises :class:`FetchError` when the answer has no id, no title or no usable release date.
    """
    film_id = details.get("id") if isinstance(details, dict) else None
    if isinstance(film_id, bool) or not isinstance(film_id, int) or film_id <= 0:
        raise FetchError(f"TMDB answered a film without a valid id ({film_id!r})")
    title = _text(details.get("title") or details.get("original_title"), "title", [])
    if title is None:
        raise FetchError(f"TMDB film {film_id} has no title")
    notes: list[str] = []
    date, kind, chosen = _release(details, country)
    if date is None:
        raise FetchError(f"TMDB film {film_id} ({title}) has no usable release date")
    if kind is None:
        notes.append(f"no {country} theatrical release on TMDB; release_date is TMDB's primary "
                     "release date")
    credits, keywords = _dict(details.get("credits")), _dict(details.get("keywords"))
    collection = details.get("belongs_to_collection")
    language = details.get("original_language")
    budget = _positive(details.get("budget"), 2e9)
    if budget is None:
        notes.append("budget unknown on TMDB (0); left blank")
    record = {
        "title": title,
        "release_date": date,
        "budget": budget,
        "runtime": _positive(details.get("runtime"), 1000),
        # "xx" is TMDB's "no language"
        "original_language": language if isinstance(language, str)
        and re.fullmatch(r"[a-z]{2}", language) and language != "xx" else None,
        "certification": _certification(details, chosen, country, notes),
        "genres": _genres(details, notes),
        "keywords": _names(keywords.get("keywords")),
        "cast": _cast(credits, cast_size),
        "directors": _crew(credits, ("Director",)),
        "writers": _crew(credits, WRITER_JOBS)[:writers_size],
        "companies": _names(details.get("production_companies")),
        "collection": _clean_name(collection.get("name")) if isinstance(collection, dict) else None,
        "overview": _text(details.get("overview"), "overview", notes),
        "tagline": _text(details.get("tagline"), "tagline", notes),
    }
    imdb = _dict(details.get("external_ids")).get("imdb_id") or details.get("imdb_id")
    poster = details.get("poster_path")
    return TMDBFilm(
        tmdb_id=film_id,
        imdb_id=imdb if isinstance(imdb, str) and re.fullmatch(r"tt\d{7,10}", imdb) else None,
        record={k: v for k, v in record.items() if v not in (None, [])},
        poster_path=poster if isinstance(poster, str) and poster else None,
        release_type=kind, notes=tuple(notes))
