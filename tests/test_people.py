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


def test_aligned_billing_names_the_rest_of_the_top_bill():
    records = _records([
        {"film_id": "f1", "_source": "ilias1111_cast", "_cast_ids": ["1", "2", "3", "4"]},
        {"film_id": "f1", "_source": "tmdb5000", "cast": ["Ann A", "Ben B", "Cat C", "Dan D"]},
        {"film_id": "f2", "_source": "ilias1111_cast", "_cast_ids": ["1", "2"]},
        {"film_id": "f2", "_source": "imdb5000", "cast": ["Ann A", "Ben B"]},
        {"film_id": "f3", "_source": "ilias1111_cast", "_cast_ids": ["1", "5"]},
        {"film_id": "f3", "_source": "imdb5000", "cast": ["Ann A"]},
        {"film_id": "f4", "_source": "ilias1111_cast", "_cast_ids": ["2", "6"]},
        {"film_id": "f4", "_source": "imdb5000", "cast": ["Ben B"]},
    ])
    out, report = reconcile_people(records)
    cast = _lists(out, "ilias1111_cast", "cast")
    # 1 and 2 by co-occurrence; 3 and 4 (two ids, two names left: no elimination) by position
    assert cast["f1"] == ["Ann A", "Ben B", "Cat C", "Dan D"]
    assert cast["f3"] == ["Ann A", "tmdbp:5"]
    assert report.tmdb_named_by_cooccurrence == 2 and report.tmdb_named_by_elimination == 2


def test_misaligned_billing_names_nobody():
    records = _records([
        {"film_id": "f1", "_source": "ilias1111_cast", "_cast_ids": ["1", "2", "3", "4"]},
        # the TMDB table bills Ben B first: the lists disagree, so positions mean nothing
        {"film_id": "f1", "_source": "tmdb5000", "cast": ["Ben B", "Ann A", "Cat C", "Dan D"]},
        {"film_id": "f2", "_source": "ilias1111_cast", "_cast_ids": ["1", "2"]},
        {"film_id": "f2", "_source": "imdb5000", "cast": ["Ann A", "Ben B"]},
        {"film_id": "f3", "_source": "ilias1111_cast", "_cast_ids": ["1"]},
        {"film_id": "f3", "_source": "imdb5000", "cast": ["Ann A"]},
        {"film_id": "f4", "_source": "ilias1111_cast", "_cast_ids": ["2"]},
        {"film_id": "f4", "_source": "imdb5000", "cast": ["Ben B"]},
    ])
    out, report = reconcile_people(records)
    assert _lists(out, "ilias1111_cast", "cast")["f1"] == ["Ann A", "Ben B", "tmdbp:3", "tmdbp:4"]


@pytest.mark.realdata
def test_real_names_agree_with_held_out_tmdb5000(data_dir):
    """Hold TMDB 5000's names out, name the ids from the other tables, and check the names
    against TMDB 5000's own lists (cast: top-3 billed against its top-5 names, which the billing
    order of the two TMDB snapshots can reorder; directors: its directors)."""
    from reelcast.data._corpus import FILM_READERS
    from reelcast.data._corpus_link import link_ids, match_no_id_tables

    tables = {name: reader(data_dir) for name, reader in FILM_READERS.items()
              if name not in ("movielens", "posters", "tmdb_keywords")}
    records, report, unlinked = link_ids(tables)
    records = match_no_id_tables(records, tables, report, unlinked)
    tmdb5000 = records[records["_source"] == "tmdb5000"].set_index("film_id")
    held = records.copy()
    held.loc[held["_source"] == "tmdb5000", ["cast", "directors"]] = None
    out, named = reconcile_people(held)
    assert named.tmdb_ids_named > 5_000 and named.imdb_ids_named > 2_000
    for role, source, top in (("cast", "ilias1111_cast", 3), ("directors", "imdb_crew", None)):
        truth = tmdb5000[role].dropna()
        given = out[out["_source"] == source].set_index("film_id")[role]
        checked = agree = 0
        for film in given.index.intersection(truth.index):
            names = {person_key(n) for n in truth[film]}
            for name in given[film][:top]:
                if not name.startswith(("tmdbp:", "imdbp:")):
                    checked += 1
                    agree += person_key(name) in names
        assert checked > 1_000, role
        assert agree / checked > 0.95, (role, agree / checked)
