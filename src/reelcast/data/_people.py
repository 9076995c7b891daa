"""People as entities: one actor, director or writer is one entity whether a source names them by a
TMDB person id, an IMDb ``nm`` id or a name.

Sources: ilias1111's billed cast gives TMDB person ids (``_cast_ids``, no names); IMDb crew gives
director and writer ``nm`` ids (``_director_ids``, ``_writer_ids``, no names); every other table
gives names. Once the records of all tables carry their ``film_id``, the ids are given names:

1. **Name keys.** Names meet on ``person_key`` (ASCII, lowercase, letters and digits only), so
   "Robert Downey, Jr." and "Robert Downey Jr." are one person; each key is shown in its most
   common spelling (``display``).
2. **Co-occurrence.** For every film that has ids and names for the same role, every (id, name)
   pair of the film is counted; a person id ``p`` and a name ``n`` are the same person when each
   is the other's *unique* most frequent partner over at least ``MIN_SHARED_FILMS`` films (two
   actors who always appear together tie, and stay apart). Directors and writers are counted
   together (a writer-director is one ``nm`` id).
3. **Elimination.** In a film where all but one id of a role have a name and all but one of the
   film's names of that role have an id, the last id and the last name are the same person (the
   common case for directors: one ``nm`` id, one director name). For cast, only the first
   ``CAST_ELIMINATION_TOP`` (5) billed ids and the first five names of each source take part,
   so a name is never given to a bit part. Repeated until nothing changes.
4. **Aligned billing** (cast). In a film where TMDB 5000 or TMDb 10k puts the names of at least
   ``MIN_ALIGNED`` (2) named ids of the top five at exactly those ids' billing positions, and no
   named id at another name's position, an unnamed id takes the unclaimed name at its position.
5. A name is given to one id only (the first found), so two people are never merged into one.

Checked by holding TMDB 5000's names out (``tests/test_people.py``, realdata): 96% of the
top-3 billed ids named from the other tables carry a name in TMDB 5000's top five for the film
(the two TMDB snapshots bill some casts in another order), 99% of the named directors agree.

The corpus ``cast`` / ``directors`` / ``writers`` lists then hold the person's name where any
step found one (so a user who types names meets the history), else a stable key
``tmdbp:<id>`` / ``imdbp:<nm…>``. ``PeopleReport`` counts the persons merged (ids given a
name), the ids left id-only, the names never linked to an id and the spellings merged; the
build report shows it.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PeopleReport", "person_key", "reconcile_people", "MIN_SHARED_FILMS",
           "CAST_ELIMINATION_TOP", "MIN_ALIGNED",
           "TMDB_PERSON_PREFIX", "IMDB_PERSON_PREFIX"]

MIN_SHARED_FILMS = 2
# cast elimination looks at the first five billed ids and the first five names of each source:
# checked against the persons named by co-occurrence in two films (the others named from three
# or more), it named 96-98% of them right; with the first eight, 80-89%
CAST_ELIMINATION_TOP = 5
# a film's billing is trusted position by position once this many named ids sit where the TMDB
# table puts their names (and none elsewhere)
MIN_ALIGNED = 2
TMDB_PERSON_PREFIX = "tmdbp:"
IMDB_PERSON_PREFIX = "imdbp:"
_ROLE_NAMES = {"cast": "cast", "crew": ("directors", "writers")}
_ORDERED_CAST = ("tmdb5000", "tmdb_10k")  # name sources listing cast in billing order


@dataclasses.dataclass
class PeopleReport:
    """Counts of the reconciliation, written into ``build_report.json`` under ``people``."""

    tmdb_person_ids: int = 0
    tmdb_ids_named: int = 0
    tmdb_named_by_cooccurrence: int = 0
    tmdb_named_by_elimination: int = 0  # elimination and aligned billing
    imdb_person_ids: int = 0
    imdb_ids_named: int = 0
    imdb_named_by_cooccurrence: int = 0
    imdb_named_by_elimination: int = 0
    names: int = 0
    names_linked_to_an_id: int = 0
    names_only: int = 0
    spellings_merged: int = 0
    examples: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    @property
    def persons_merged(self) -> int:
        return self.tmdb_ids_named + self.imdb_ids_named

    @property
    def ids_only(self) -> int:
        return (self.tmdb_person_ids - self.tmdb_ids_named
                + self.imdb_person_ids - self.imdb_ids_named)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "persons_merged": self.persons_merged,
                "ids_only": self.ids_only}


def person_key(name: Any) -> str | None:
    """The key names are matched on: ``"Penélope Cruz"`` → ``"penelope cruz"``."""
    if not isinstance(name, str):
        return None
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", " ", text.replace("'", "").replace(".", " ")).strip()
    return " ".join(text.split()) or None


def _lists(records: pd.DataFrame, column: str) -> pd.Series:
    if column not in records:
        return pd.Series([None] * len(records), index=records.index, dtype=object)
    return records[column].map(lambda v: list(v) if isinstance(v, list | tuple | np.ndarray)
                               and len(v) else None)


def _explode(records: pd.DataFrame, column: str, sources=None) -> pd.DataFrame:
    """(film_id, source, value, position) rows of a list column."""
    values = _lists(records, column)
    keep = values.notna()
    if sources is not None:
        keep &= records["_source"].isin(sources)
    sub = pd.DataFrame({"film_id": records.loc[keep, "film_id"].astype(str).to_numpy(),
                        "source": records.loc[keep, "_source"].to_numpy(object),
                        "value": values[keep].to_numpy(object)})
    sub = sub.explode("value", ignore_index=True).dropna(subset=["value"])
    # position in the row's list (rows of one source and film are unique after the merge)
    sub["position"] = sub.groupby(["film_id", "source"]).cumcount()
    return sub


def _display(names: pd.DataFrame) -> dict[str, str]:
    """Key -> the most common spelling (ties: the TMDB tables' spelling, then the first)."""
    preferred = names["source"].isin(_ORDERED_CAST).astype(int)
    counts = (names.assign(preferred=preferred).groupby(["key", "value"])
              .agg(n=("film_id", "size"), preferred=("preferred", "max")).reset_index()
              .sort_values(["key", "n", "preferred"], ascending=[True, False, False])
              .drop_duplicates("key", keep="first"))
    return dict(zip(counts["key"], counts["value"], strict=True))


def _mutual_best(pairs: pd.DataFrame) -> dict[str, str]:
    """id -> key for pairs that are each other's unique most frequent partner (>= MIN films)."""
    if pairs.empty:
        return {}
    counts = pairs.groupby(["pid", "key"]).size().rename("n").reset_index()

    def unique_best(by: str) -> pd.DataFrame:
        ranked = counts.sort_values([by, "n"], ascending=[True, False])
        top2 = ranked.groupby(by).head(2)
        first = top2.groupby(by).nth(0).set_index(by)
        second = top2.groupby(by).nth(1).set_index(by)["n"].reindex(first.index).fillna(0)
        return first[first["n"] > second]

    best_key = unique_best("pid")
    best_pid = unique_best("key")
    best_key = best_key[best_key["n"] >= MIN_SHARED_FILMS]
    mutual = best_key[best_key["key"].map(best_pid["pid"]) == best_key.index]
    return dict(zip(mutual.index, mutual["key"], strict=True))


def _eliminate(ids: pd.DataFrame, names: pd.DataFrame, named: dict[str, str]) -> int:
    """Single leftovers per film and role become the same person (updates ``named``)."""
    added = 0
    while True:
        taken = set(named.values())
        left_ids = ids[~ids["pid"].isin(named.keys())]
        left_names = names[~names["key"].isin(taken)]
        one_id = left_ids[left_ids.groupby(["film_id", "role"])["pid"].transform("size") == 1]
        one_name = left_names[left_names.groupby(["film_id", "role"])["key"]
                              .transform("size") == 1]
        pairs = one_id.merge(one_name, on=["film_id", "role"])
        pairs = pairs.drop_duplicates("pid").drop_duplicates("key")
        pairs = pairs[~pairs["pid"].isin(named.keys()) & ~pairs["key"].isin(taken)]
        if pairs.empty:
            return added
        named.update(zip(pairs["pid"], pairs["key"], strict=True))
        added += len(pairs)


def _align(ids: pd.DataFrame, names: pd.DataFrame, named: dict[str, str],
           min_agree: int = MIN_ALIGNED) -> int:
    """Aligned billing: in a film whose ordered source (TMDB 5000, TMDb 10k) puts every named id
    of the top of the bill at its own position (at least ``min_agree`` of them, none elsewhere),
    the unnamed id at a position takes the unclaimed name at the same position."""
    top_ids = ids[ids["position"] < CAST_ELIMINATION_TOP][["film_id", "position", "pid"]]
    ordered = names[names["source"].isin(_ORDERED_CAST)
                    & (names["position"] < CAST_ELIMINATION_TOP)]
    pairs = top_ids.merge(ordered[["film_id", "source", "position", "key"]],
                          on=["film_id", "position"])
    pairs["known"] = pairs["pid"].map(named)
    pairs["agree"] = pairs["known"] == pairs["key"]
    pairs["clash"] = pairs["known"].notna() & ~pairs["agree"]
    per = pairs.groupby(["film_id", "source"]).agg(agree=("agree", "sum"), clash=("clash", "sum"))
    good = per[(per["agree"] >= min_agree) & (per["clash"] == 0)].index
    cand = pairs.set_index(["film_id", "source"]).loc[lambda d: d.index.isin(good)].reset_index()
    taken = set(named.values())
    cand = cand[cand["known"].isna() & ~cand["key"].isin(taken)]
    cand = cand.drop_duplicates(["pid", "key"])
    # one name per id and one id per name
    cand = cand[~cand["pid"].duplicated(keep=False) & ~cand["key"].duplicated(keep=False)]
    named.update(zip(cand["pid"], cand["key"], strict=True))
    return len(cand)


def _cast_tables(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = _explode(records, "_cast_ids").rename(columns={"value": "pid"})
    ids["pid"] = TMDB_PERSON_PREFIX + ids["pid"].astype(str)
    names = _explode(records, "cast")
    names["key"] = names["value"].map(person_key)
    names = names.dropna(subset=["key"])
    return ids.assign(role="cast"), names.assign(role="cast")


def _crew_tables(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    parts_ids, parts_names = [], []
    for role, id_column in (("directors", "_director_ids"), ("writers", "_writer_ids")):
        ids = _explode(records, id_column).rename(columns={"value": "pid"})
        ids["pid"] = IMDB_PERSON_PREFIX + ids["pid"].astype(str)
        parts_ids.append(ids.assign(role=role))
        names = _explode(records, role)
        names["key"] = names["value"].map(person_key)
        parts_names.append(names.dropna(subset=["key"]).assign(role=role))
    return pd.concat(parts_ids, ignore_index=True), pd.concat(parts_names, ignore_index=True)


def _film_pairs(ids: pd.DataFrame, names: pd.DataFrame, window: bool) -> pd.DataFrame:
    """(pid, key) per film and role, each film counted once per pair."""
    film_ids = ids.drop_duplicates(["film_id", "role", "pid"])
    film_names = names.drop_duplicates(["film_id", "role", "key"])
    if window:  # cast: only ids billed within the film's named cast (+2) take part
        size = film_names.groupby("film_id")["key"].size()
        film_ids = film_ids[film_ids["position"] < film_ids["film_id"].map(size).fillna(0) + 2]
    pairs = film_ids[["film_id", "role", "pid"]].merge(film_names[["film_id", "role", "key"]],
                                                       on=["film_id", "role"])
    return pairs.drop_duplicates(["film_id", "pid", "key"])


def _resolve_ids(ids: pd.DataFrame, names: pd.DataFrame, window: bool
                 ) -> tuple[dict[str, str], int, int]:
    pairs = _film_pairs(ids, names, window)
    named = _mutual_best(pairs)
    by_cooccurrence = len(named)
    if window:  # cast: the top of the bill on both sides (names listed among a source's first)
        ids = ids[ids["position"] < CAST_ELIMINATION_TOP]
        names = names[names["position"] < CAST_ELIMINATION_TOP]
    film_ids = ids.drop_duplicates(["film_id", "role", "pid"])
    film_names = names.drop_duplicates(["film_id", "role", "key"])
    film_ids = film_ids[film_ids["film_id"].isin(set(film_names["film_id"]))]
    by_elimination = _eliminate(film_ids[["film_id", "role", "pid"]],
                                film_names[["film_id", "role", "key"]], named)
    if window:
        by_elimination += _align(ids, names, named)
    return named, by_cooccurrence, by_elimination


def _rewrite(records: pd.DataFrame, column: str, id_column: str, prefix: str,
             names: dict[str, str]) -> None:
    """Fill ``column`` of the rows that carry ids with names (or stable id keys)."""
    if id_column not in records:
        return
    has = _lists(records, id_column).notna().to_numpy(bool)
    records.loc[has, column] = pd.Series(
        [[names.get(prefix + str(p), prefix + str(p)) for p in dict.fromkeys(v)]
         for v in records.loc[has, id_column]], index=records.index[has], dtype=object)


def _respell(records: pd.DataFrame, column: str, display: dict[str, str]) -> None:
    if column not in records:
        return
    values = _lists(records, column)
    has = values.notna().to_numpy(bool)
    records.loc[has, column] = pd.Series(
        [list(dict.fromkeys(display.get(person_key(n), n) for n in v)) for v in values[has]],
        index=records.index[has], dtype=object)


def reconcile_people(records: pd.DataFrame) -> tuple[pd.DataFrame, PeopleReport]:
    """Give person ids their names, respell names one way, and fill the id sources' ``cast``,
    ``directors`` and ``writers`` (see the module docstring). Returns the records (a copy)
    and the counts."""
    records = records.copy()
    report = PeopleReport()
    cast_ids, cast_names = _cast_tables(records)
    crew_ids, crew_names = _crew_tables(records)
    every_name = pd.concat([cast_names, crew_names], ignore_index=True)
    display = _display(every_name)
    spellings = every_name.drop_duplicates(["key", "value"]).groupby("key").size()
    report.spellings_merged = int((spellings > 1).sum())
    tmdb, report.tmdb_named_by_cooccurrence, report.tmdb_named_by_elimination = _resolve_ids(
        cast_ids, cast_names, window=True)
    imdb, report.imdb_named_by_cooccurrence, report.imdb_named_by_elimination = _resolve_ids(
        crew_ids, crew_names, window=False)
    report.tmdb_person_ids = int(cast_ids["pid"].nunique())
    report.imdb_person_ids = int(crew_ids["pid"].nunique())
    report.tmdb_ids_named, report.imdb_ids_named = len(tmdb), len(imdb)
    linked = set(tmdb.values()) | set(imdb.values())
    report.names = int(every_name["key"].nunique())
    report.names_linked_to_an_id = len(linked)
    report.names_only = report.names - len(linked & set(every_name["key"]))
    report.examples = {
        "tmdb": [f"{p} = {display.get(k, k)}" for p, k in list(tmdb.items())[:5]],
        "imdb": [f"{p} = {display.get(k, k)}" for p, k in list(imdb.items())[:5]]}
    for column in ("cast", "directors", "writers"):
        _respell(records, column, display)
    tmdb_names = {p: display.get(k, k) for p, k in tmdb.items()}
    imdb_names = {p: display.get(k, k) for p, k in imdb.items()}
    _rewrite(records, "cast", "_cast_ids", TMDB_PERSON_PREFIX, tmdb_names)
    _rewrite(records, "directors", "_director_ids", IMDB_PERSON_PREFIX, imdb_names)
    _rewrite(records, "writers", "_writer_ids", IMDB_PERSON_PREFIX, imdb_names)
    return records, report
