"""People as entities: person ids get names by co-occurrence and elimination, never by guess."""

from __future__ import annotations

import pandas as pd
import pytest

from reelcast.data._people import person_key, reconcile_people


def _records(rows: list[dict]) -> pd.DataFrame:
    columns = ["film_id", "_source", "cast", "directors", "writers", "_cast_ids",
               "_director_ids", "_writer_ids"]
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows])


def _lists(records: pd.DataFrame, source: str, column: str) -> dict:
    sub = records[records["_source"] == source]
    return dict(zip(sub["film_id"], sub[column], strict=True))


@pytest.mark.parametrize(("name", "key"), [
    ("Penélope Cruz", "penelope cruz"), ("Robert Downey, Jr.", "robert downey jr"),
    ("Robert Downey Jr.", "robert downey jr"), ("J.J. Abrams", "j j abrams"),
    ("  ", None), (None, None),
])
def test_person_key(name, key):
    assert person_key(name) == key


def test_cooccurrence_elimination_and_unnamed_ids():
    records = _records([
        # person 1 meets "Al First" in two films; 2 is the one id left beside "Bo Second"
        {"film_id": "f1", "_source": "ilias1111_cast", "_cast_ids": ["1", "2"]},
        {"film_id": "f1", "_source": "tmdb5000", "cast": ["Al First", "Bo Second"]},
        {"film_id": "f2", "_source": "ilias1111_cast", "_cast_ids": ["1", "3", "4"]},
        {"film_id": "f2", "_source": "wikipedia", "cast": ["Al First"]},
        # a film with ids and no names: nothing to align
        {"film_id": "f3", "_source": "ilias1111_cast", "_cast_ids": ["5"]},
    ])
    out, report = reconcile_people(records)
    cast = _lists(out, "ilias1111_cast", "cast")
    assert cast["f1"] == ["Al First", "Bo Second"]
    assert cast["f2"] == ["Al First", "tmdbp:3", "tmdbp:4"]
    assert cast["f3"] == ["tmdbp:5"]
    assert report.tmdb_named_by_cooccurrence == 1 and report.tmdb_named_by_elimination == 1
    assert report.tmdb_person_ids == 5 and report.tmdb_ids_named == 2
    assert report.to_dict()["persons_merged"] == 2 and report.to_dict()["ids_only"] == 3


def test_actors_always_billed_together_stay_apart():
    rows = []
    for film in ("f1", "f2", "f3"):
        rows += [{"film_id": film, "_source": "ilias1111_cast", "_cast_ids": ["1", "2", "9"]},
                 {"film_id": film, "_source": "imdb5000", "cast": ["Simon P", "Nick F"]}]
    out, report = reconcile_people(_records(rows))
    assert report.tmdb_ids_named == 0  # 1 and 2 tie for both names: no guess
    assert _lists(out, "ilias1111_cast", "cast")["f1"] == ["tmdbp:1", "tmdbp:2", "tmdbp:9"]


def test_a_name_goes_to_one_id_only_and_bit_parts_get_none():
    records = _records([
        {"film_id": "f1", "_source": "ilias1111_cast",
         "_cast_ids": ["1", "2", "3", "4", "5", "6", "7"]},
        # one name, billed far down the list: too many ids left to eliminate
        {"film_id": "f1", "_source": "tmdb5000", "cast": ["Only Name"]},
    ])
    out, report = reconcile_people(records)
    assert report.tmdb_ids_named == 0


def test_directors_and_writers_share_imdb_ids():
    records = _records([
        {"film_id": "f1", "_source": "imdb_crew", "_director_ids": ["nm1"],
         "_writer_ids": ["nm1", "nm2"]},
        {"film_id": "f1", "_source": "tmdb5000", "directors": ["Ann Lee"]},
        {"film_id": "f1", "_source": "movie_industry", "writers": ["Wri Ter"]},
        {"film_id": "f2", "_source": "imdb_crew", "_director_ids": ["nm1"], "_writer_ids": None},
        {"film_id": "f2", "_source": "the_numbers_theaters", "directors": ["Ann  Lee"]},
        {"film_id": "f3", "_source": "imdb_crew", "_director_ids": ["nm7"]},
    ])
    out, report = reconcile_people(records)
    assert _lists(out, "imdb_crew", "directors") == {"f1": ["Ann Lee"], "f2": ["Ann Lee"],
                                                     "f3": ["imdbp:nm7"]}
    assert _lists(out, "imdb_crew", "writers")["f1"] == ["Ann Lee", "Wri Ter"]
    assert report.imdb_ids_named == 2 and report.imdb_person_ids == 3


def test_spellings_are_merged_into_the_most_common_one():
    records = _records([
        {"film_id": "f1", "_source": "tmdb5000", "cast": ["Robert Downey Jr."]},
        {"film_id": "f2", "_source": "tmdb5000", "cast": ["Robert Downey Jr."]},
        {"film_id": "f3", "_source": "the_numbers_theaters", "cast": ["Robert Downey, Jr."]},
    ])
    out, report = reconcile_people(records)
    assert out.loc[2, "cast"] == ["Robert Downey Jr."]
    assert report.spellings_merged == 1
    assert records.loc[2, "cast"] == ["Robert Downey, Jr."]  # the input is not changed
