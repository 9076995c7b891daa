"""New-film input: valid rows parse; each malformed input gets a one-line error naming it."""

import pandas as pd
import pytest

from reelcast import DataFileError, InputError, SchemaError
from reelcast.forecast._input import films_from_records, read_new_films

GOOD = ("title,release_date,budget,genres,cast,directors,certification,original_language\n"
        "Star Quest,2026-07-04,\"$150,000,000\",Action|Sci-Fi,A One|B Two,C Three,PG-13,en\n")


def test_good_csv(tmp_path):
    path = tmp_path / "films.csv"
    path.write_text(GOOD)
    films, warnings = read_new_films(path)
    row = films.iloc[0]
    assert row["budget"] == 150e6 and row["genres"] == ["Action", "Science Fiction"]
    assert row["cast"] == ["A One", "B Two"] and row["release_date"] == pd.Timestamp("2026-07-04")
    assert warnings == []


def test_bom_and_unknown_columns(tmp_path):
    path = tmp_path / "films.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (b"title,release_date\nX,2026-01-02\n"))
    films, warnings = read_new_films(path)
    assert films.iloc[0]["title"] == "X" and warnings == []
    # an unknown (often misspelled) column is refused, as the HTTP API and --film JSON refuse it
    path.write_bytes(b"\xef\xbb\xbf" + (b"title,release_date,budjet\nX,2026-01-02,5\n"))
    with pytest.raises(SchemaError, match="'budjet' \\(did you mean 'budget'\\?\\)"):
        read_new_films(path)


BAD = [
    ("", InputError, "empty"),
    ("title,release_date\n", InputError, "no films"),
    ("title,budget\nX,1\n", SchemaError, "release_date"),
    ("title,release_date\nX,31/12/2026\n", InputError, "release_date '31/12/2026'"),
    ("title,release_date\nX,2026-02-30\n", InputError, "2026-02-30"),
    ("title,release_date\nX,1850-01-01\n", InputError, "1850"),
    ("title,release_date,budget\nX,2026-01-01,-5\n", InputError, "negative"),
    ("title,release_date,budget\nX,2026-01-01,lots\n", InputError, "budget 'lots'"),
    ("title,release_date,budget\nX,2026-01-01,inf\n", InputError, "finite"),
    ("title,release_date,budget\nX,2026-01-01,nan\n", InputError, "finite"),
    ("title,release_date,budget\nX,2026-01-01,9e12\n", InputError, "cents"),
    ("title,release_date,genres\nX,2026-01-01,Action|Spaghetti\n", InputError, "Spaghetti"),
    ("title,release_date,certification\nX,2026-01-01,XXX\n", InputError, "certification"),
    ("title,release_date,original_language\nX,2026-01-01,english\n", InputError, "english"),
    ("title,release_date,runtime\nX,2026-01-01,0\n", InputError, "runtime"),
    ("title,release_date\n,2026-01-01\n", InputError, "title is empty"),
    ("title,release_date\nX,2026-01-01,extra\n", InputError, "more fields"),
    ("title,title,release_date\nX,Y,2026-01-01\n", SchemaError, "repeats"),
    ('title,release_date\n"X,2026-01-01\n', InputError, "CSV"),
    ("title,release_date,overview\nX,2026-01-01," + "a" * 30_000 + "\n", InputError, "limit"),
]


@pytest.mark.parametrize("text, error, fragment", BAD)
def test_bad_csv(tmp_path, text, error, fragment):
    path = tmp_path / "films.csv"
    path.write_text(text)
    with pytest.raises(error, match=fragment) as info:
        read_new_films(path)
    assert "\n" not in str(info.value)


def test_not_utf8_and_binary(tmp_path):
    path = tmp_path / "films.csv"
    path.write_bytes("title,release_date\nCaf\xe9,2026-01-01\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_new_films(path)
    path.write_bytes(b"\x00\x01\x02title")
    with pytest.raises(InputError):
        read_new_films(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="nope.csv"):
        read_new_films(tmp_path / "nope.csv")


def test_too_many_rows(tmp_path):
    path = tmp_path / "films.csv"
    path.write_text("title,release_date\n" + "X,2026-01-01\n" * 11)
    with pytest.raises(InputError, match="more than 10 rows"):
        read_new_films(path, max_rows=10)


def test_records_api():
    films = films_from_records([{"title": "Y", "release_date": "2027-05-01", "budget": 1e7,
                                 "genres": ["Horror"], "collection": "Y Saga"}])
    assert films.iloc[0]["is_sequel"] and films.iloc[0]["genres"] == ["Horror"]
    with pytest.raises(InputError, match="no films"):
        films_from_records([])


@pytest.mark.parametrize(("given", "stored", "age"), [
    ("PG-13", "PG-13", 13.0), ("pg-13", "PG-13", 13.0), ("NR", "NR", None),
    ("Not Rated", "NR", None), ("FSK 12", "FSK 12", 12.0), ("16", "FSK 16", 16.0),
    ("12A", "BBFC 12A", 12.0), ("BBFC 15", "BBFC 15", 15.0),
])
def test_certification_systems_are_accepted_and_normalised(given, stored, age):
    row = films_from_records([{"title": "X", "release_date": "2026-01-01",
                               "certification": given}]).iloc[0]
    assert row["certification"] == stored
    assert (pd.isna(row["min_age"]) if age is None else row["min_age"] == age)


def test_unknown_certification_error_names_value_and_accepted_codes():
    with pytest.raises(InputError) as info:
        films_from_records([{"title": "X", "release_date": "2026-01-01",
                             "certification": "TV-14"}])
    message = str(info.value)
    assert "'TV-14'" in message and "FSK" in message and "BBFC" in message
    assert "PG-13" in message and "\n" not in message
