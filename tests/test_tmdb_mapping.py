"""TMDB details → the new-film CSV: every field's rule, and the CSV reads back without a warning."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import pandas as pd
import pytest
from _tmdb_server import AVENGERS, NO_CERT, NO_DATE, NO_US, ODD_CERT

from reelcast._errors import FetchError
from reelcast.features._metadata import CERTIFICATIONS
from reelcast.fetch import CSV_COLUMNS, US_CERTIFICATIONS, map_movie, render_csv
from reelcast.forecast._input import INPUT_COLUMNS, read_new_films


def test_constants_match_the_reader_they_feed():
    # sources may not import forecast/features: these copies must stay equal to the originals
    assert CSV_COLUMNS == INPUT_COLUMNS
    assert US_CERTIFICATIONS == CERTIFICATIONS


def test_a_full_film_maps_every_field():
    film = map_movie(AVENGERS)
    rec = film.record
    assert (film.tmdb_id, film.imdb_id, film.release_type) == (299536, "tt4154756", 3)
    assert rec["release_date"] == "2018-04-27"  # US theatrical, not the premiere or primary date
    assert rec["certification"] == "PG-13" and rec["budget"] == 300_000_000
    assert rec["runtime"] == 149 and rec["original_language"] == "en"
    assert rec["genres"] == ["Adventure", "Action", "Science Fiction"]
    assert rec["cast"] == ["Robert Downey Jr.", "Chris Hemsworth", "Mark Ruffalo", "Chris Evans",
                           "Josh Brolin"]  # top 5 by billing order, not list order
    assert rec["directors"] == ["Anthony Russo", "Joe Russo"]
    assert rec["writers"] == ["Stephen McFeely", "Christopher Markus"]  # no "Characters"
    assert rec["companies"] == ["Marvel Studios"]
    assert rec["collection"] == "The Avengers Collection"
    assert rec["keywords"][:2] == ["sacrifice", "superhero"]
    assert rec["tagline"].startswith("An entire universe") and "Thanos" in rec["overview"]
    assert film.poster_path == "/7WsyChQLEftFiDOVTGkv3hFpyyt.jpg" and film.notes == ()
    # post-release numbers are in the answer but never in the record
    assert not {"revenue", "vote_average", "vote_count", "popularity", "rating"} & set(rec)


@pytest.mark.parametrize("details, field, expected, note", [
    (NO_US, "budget", None, "budget unknown on TMDB (0); left blank"),
    (NO_US, "runtime", None, None),
    (NO_US, "release_date", "2026-03-11", "no US theatrical release on TMDB"),
    (NO_US, "certification", None, "no US certification on TMDB yet"),
    (NO_US, "collection", None, None),
    (NO_US, "tagline", None, None),
    (NO_US, "original_language", "fr", None),
    (ODD_CERT, "release_date", "2026-06-05", None),  # the limited release, no theatrical one
    (ODD_CERT, "certification", None, "certification 'Not Rated' is not an MPAA rating"),
    (ODD_CERT, "writers", ["Bo Writer", "Di Writer", "Cy Writer"], None),  # screenplay first
    (NO_CERT, "certification", None, "no US certification on TMDB yet"),
    (NO_CERT, "release_date", "2026-07-17", None),
])
def test_missing_and_odd_values(details, field, expected, note):
    film = map_movie(details)
    assert film.record.get(field) == expected
    if note is not None:
        assert any(n.startswith(note) for n in film.notes), film.notes


def test_release_types_are_reported():
    assert map_movie(ODD_CERT).release_source == "US limited release"
    assert map_movie(NO_US).release_source == "TMDB primary release date"
    assert map_movie(NO_US).poster_path is None


@pytest.mark.parametrize("change, message", [
    ({"id": None}, "without a valid id"),
    ({"id": "12"}, "without a valid id"),
    ({"title": "", "original_title": "  "}, "has no title"),
])
def test_unusable_answers_are_one_line_errors(change, message):
    with pytest.raises(FetchError, match=message):
        map_movie({**AVENGERS, **change})
    with pytest.raises(FetchError, match="no usable release date"):
        map_movie(NO_DATE)


@pytest.mark.parametrize("field, junk", [
    ("credits", [1, 2]), ("release_dates", "x"), ("keywords", None), ("genres", {"a": 1}),
    ("production_companies", 7), ("external_ids", []), ("belongs_to_collection", "Saga"),
    ("budget", "lots"), ("runtime", -5), ("original_language", "english"), ("budget", True),
])
def test_malformed_parts_are_left_blank_not_a_crash(field, junk):
    details = copy.deepcopy(AVENGERS) | {field: junk}
    film = map_movie(details)
    assert film.record["title"] == "Avengers: Infinity War"


def test_pipes_in_names_cannot_split_a_list_and_long_text_is_cut():
    details = copy.deepcopy(AVENGERS)
    details["production_companies"][0]["name"] = "Alpha | Beta"
    details["overview"] = "x" * 25_000
    film = map_movie(details)
    assert film.record["companies"] == ["Alpha / Beta"]
    assert len(film.record["overview"]) == 20_000 and "overview cut to 20,000 characters" in film.notes


def test_the_csv_reads_back_through_the_new_film_reader():
    films = [map_movie(d) for d in (AVENGERS, NO_US, ODD_CERT, NO_CERT)]
    text = render_csv(films, {299536: "films_posters/299536.jpg"})
    frame, warnings = read_new_films(text.encode())
    assert warnings == []  # tmdb_id and imdb_id are known columns
    assert list(frame["title"]) == ["Avengers: Infinity War", "Le Dernier Été",
                                    "Night Shift Blues", "Quiet Harbor"]
    first = frame.iloc[0]
    assert first["budget"] == 300_000_000 and first["certification"] == "PG-13"
    assert first["cast"][0] == "Robert Downey Jr." and first["is_sequel"]
    assert first["poster_file"] == "films_posters/299536.jpg"
    assert first["tmdb_id"] == 299536 and first["imdb_id"] == "tt4154756"
    second = frame.iloc[1]
    assert pd.isna(second["budget"]) and second["certification"] is pd.NA
    assert second["poster_file"] is pd.NA and second["tmdb_id"] == 1001


@pytest.mark.parametrize("column, value, message", [
    ("tmdb_id", "abc", "tmdb_id 'abc' is not a positive whole number"),
    ("tmdb_id", "0", "tmdb_id '0' is not a positive whole number"),
    ("tmdb_id", "²", "tmdb_id '²' is not a positive whole number"),
    ("imdb_id", "4154756", "imdb_id '4154756' is not an IMDb id"),
])
def test_the_reader_checks_the_id_columns(column, value, message):
    from reelcast._errors import InputError

    with pytest.raises(InputError, match=f"row 2: {message}"):
        read_new_films(f"title,release_date,{column}\nA,2026-01-02,{value}\n".encode())


def test_the_fetch_package_imports_only_downward():
    root = Path(__file__).resolve().parents[1] / "src" / "reelcast" / "fetch"
    upward = ("features", "models", "forecast", "cli", "serve", "evaluation", "copycat",
              "vision", "text")
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            level = getattr(node, "level", 0)
            for name in names:
                parts = name.split(".")
                first = (parts[0] if level == 2 else parts[1] if level == 0
                         and parts[0] == "reelcast" and len(parts) > 1 else "")
                assert level < 3 and first not in upward, (path.name, name)
