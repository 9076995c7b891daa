"""Linking every table's rows to films: ids first, then normalised title + year (±1).

Tables play one of four parts (the sets below):

* **film-defining** tables with ids (TMDB 5000, ``movies_metadata``, ilias1111, TMDB discover,
  IMDB 5000, TMDb 10k) make the films;
* **id attributes** (keywords, MovieLens ratings, posters, ilias1111 cast ids, IMDb crew, Box
  Office Mojo width rows with an IMDb id) add fields to films with the same TMDB or IMDb id;
* **no-id tables that add films** (Movie Industry, The Numbers, Box Office Mojo, The Numbers
  theaters, vega) are matched on title + year; an unmatched row becomes a new film
  ``title:<normalised title>:<year>``;
* **title attributes** (Wikipedia, and the rows of the id attributes IMDb crew and Box Office
  Mojo width whose id names no film) are matched on title + year to films without that id and
  never add a film; a film matched by two rows of one table takes neither (ambiguous).

The build report gives, per table, rows, rows matched by id and by title, the match rate,
films added and ambiguous rows (``matching``).
"""

from __future__ import annotations

import pandas as pd

from ._labels import normalise_title
from ._merge import TitleIndex, build_crosswalk, key_records, match_titles
from ._sources import N_EXAMPLES, SourceTable

__all__ = ["FILM_DEFINING", "ID_ATTRIBUTES", "TITLE_FALLBACK", "NO_ID_SOURCES",
           "TITLE_ATTRIBUTES", "link_ids", "match_no_id_tables"]

FILM_DEFINING = ("tmdb5000", "movies_metadata", "ilias1111", "tmdb_discover", "imdb5000",
                 "tmdb_10k")
# film-defining tables of corpus v2: the report says how many of their films were new
ADDED_FILM_DEFINING = ("tmdb_10k",)
ID_ATTRIBUTES = ("tmdb_keywords", "movielens", "posters", "ilias1111_cast", "imdb_crew",
                 "bom_width")
# id attributes whose unlinked rows are tried on title + year (IMDb crew covers every title of
# 2010–2017, so only films without an IMDb id are candidates)
TITLE_FALLBACK = ("imdb_crew", "bom_width")
NO_ID_SOURCES = ("movie_industry", "the_numbers", "box_office_mojo", "the_numbers_theaters",
                 "vega")
TITLE_ATTRIBUTES = ("wikipedia",)
# rows split off a table's rows into a second source of lower priority (see ``_corpus``)
_DERIVED = ("ilias1111_tmdb", "ilias1111_age")


def _derived_records(keyed: dict[str, pd.DataFrame]) -> None:
    if "ilias1111" not in keyed:
        return
    ilias = keyed["ilias1111"]
    ids = {"film_id": ilias["film_id"], "tmdb_id": ilias["tmdb_id"], "imdb_id": ilias["imdb_id"]}
    # ilias1111's TMDB vote average is a second, lower rating source
    keyed["ilias1111_tmdb"] = pd.DataFrame({**ids, "rating": ilias["_tmdb_rating"],
                                            "vote_count": ilias["_tmdb_vote_count"],
                                            "_source": "ilias1111_tmdb"})
    if "_age_certification" in ilias:  # its FSK ages rank below every table's MPAA label
        keyed["ilias1111_age"] = pd.DataFrame({**ids,
                                               "certification": ilias["_age_certification"],
                                               "_source": "ilias1111_age"})


def link_ids(tables: dict[str, SourceTable]) -> tuple[pd.DataFrame, dict, dict]:
    """Key every id-carrying row; returns the records, the report and the unlinked rows of the
    ``TITLE_FALLBACK`` tables (to be matched on title)."""
    frames = {name: t.frame for name, t in tables.items()}
    crosswalk = build_crosswalk(frames)
    keyed = {name: key_records(frames[name], name, crosswalk)
             for name in (*FILM_DEFINING, *ID_ATTRIBUTES) if name in frames}
    _derived_records(keyed)
    report = {"crosswalk": {"pairs": len(crosswalk.pairs), "conflicting_pairs_dropped":
                            crosswalk.n_conflicts}, "id_linking": {}}
    for name in FILM_DEFINING:
        if name in keyed:
            k = keyed[name]
            report["id_linking"][name] = {"records": len(k), "with_tmdb_id": int(k["tmdb_id"]
                                          .notna().sum()), "with_imdb_id": int(k["imdb_id"]
                                          .notna().sum())}
    defining = pd.concat([keyed[n] for n in FILM_DEFINING if n in keyed], ignore_index=True)
    # IMDb-only films may be TMDB films the crosswalk could not link: match them on title + year
    imdb_only = defining["film_id"].str.startswith("imdb:")
    tmdb_ids = set(defining.loc[~imdb_only, "film_id"])
    linked_imdb = set(defining.loc[~imdb_only & defining["imdb_id"].notna(), "film_id"])
    index = TitleIndex()
    index.add(defining.loc[~imdb_only])
    single = defining.loc[imdb_only].drop_duplicates("film_id")
    film_id, status = match_titles(single, index, restrict_to=tmdb_ids - linked_imdb)
    remap = dict(zip(single["film_id"], film_id, strict=True))
    remap = {k: v for k, v in remap.items() if isinstance(v, str)}
    # a TMDB film can absorb only one IMDb-only film
    absorbed = pd.Series(list(remap.values())).duplicated(keep=False)
    remap = {k: v for (k, v), dup in zip(remap.items(), absorbed, strict=True) if not dup}
    report["imdb_only_merge"] = {"imdb_only_films": len(single), "merged_into_tmdb_films":
                                 len(remap), "ambiguous": int((status == "ambiguous").sum())}
    parts = [keyed[n] for n in (*FILM_DEFINING, *_DERIVED, *ID_ATTRIBUTES) if n in keyed]
    records = pd.concat(parts, ignore_index=True)
    records["film_id"] = records["film_id"].map(lambda f: remap.get(f, f)).astype("string")
    films = set(records.loc[records["_source"].isin(FILM_DEFINING), "film_id"])
    attribute = records["_source"].isin([*ID_ATTRIBUTES, *_DERIVED])
    orphan = attribute & ~records["film_id"].isin(films)
    report["attributes_without_film"] = {
        n: int((orphan & (records["_source"] == n)).sum()) for n in ID_ATTRIBUTES}
    report["matching"] = {}
    for name in ADDED_FILM_DEFINING:  # how many of their films the earlier tables already had
        if name in keyed:
            mine = set(records.loc[records["_source"] == name, "film_id"])
            earlier = set(records.loc[records["_source"].isin(
                FILM_DEFINING[:FILM_DEFINING.index(name)]), "film_id"])
            rows = len(keyed[name])
            report["matching"][name] = {"rows": rows, "matched_by_id": len(mine & earlier),
                                        "matched": len(mine & earlier),
                                        "match_rate": _rate(len(mine & earlier), rows),
                                        "added": len(mine - earlier), "ambiguous": 0}
    for name in ID_ATTRIBUTES:
        if name in keyed:
            n_id = int((~orphan & (records["_source"] == name)).sum())
            report["matching"][name] = {"rows": len(keyed[name]), "matched_by_id": n_id,
                                        "matched": n_id, "match_rate": _rate(n_id, len(keyed[name])),
                                        "added": 0, "ambiguous": 0}
    unlinked = {name: records.loc[(orphan & (records["_source"] == name)).to_numpy(bool)]
                for name in TITLE_FALLBACK if name in keyed}
    return records.loc[~orphan.to_numpy()].reset_index(drop=True), report, unlinked


def _rate(n: int, rows: int) -> float:
    return round(n / rows, 4) if rows else 0.0


def match_no_id_tables(records: pd.DataFrame, tables: dict[str, SourceTable], report: dict,
                       unlinked: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Match the no-id tables (adding films) and the title attributes (not adding films)."""
    index = TitleIndex()
    index.add(records[records["_source"].isin(FILM_DEFINING)])
    parts = [records]
    for name in NO_ID_SOURCES:
        if name not in tables:
            continue
        rows = tables[name].frame.copy()
        rows["_source"] = name
        kept = _add_or_match(rows, index, report, name)
        index.add(kept)
        parts.append(kept)
    known = pd.concat(parts, ignore_index=True)
    with_imdb = set(known.loc[known["imdb_id"].notna().to_numpy(bool), "film_id"])
    without_imdb = set(known["film_id"].dropna()) - with_imdb
    for name in (*TITLE_ATTRIBUTES, *TITLE_FALLBACK):
        if name in TITLE_ATTRIBUTES:
            if name not in tables:
                continue
            rows = tables[name].frame.copy()
            rows["_source"] = name
            restrict = None
        elif name in unlinked:
            rows = unlinked[name].copy()
            restrict = without_imdb
        else:
            continue
        parts.append(_attach(rows, index, report, name, restrict))
    return pd.concat(parts, ignore_index=True)


def _add_or_match(rows: pd.DataFrame, index: TitleIndex, report: dict, name: str) -> pd.DataFrame:
    film_id, status = match_titles(rows, index)
    rows["film_id"] = film_id
    keys = rows["title"].map(normalise_title)
    years = rows["year"].astype("Int64").astype("string").fillna("unknown")
    new = status.isin(["unmatched"]) & keys.notna()
    rows.loc[new, "film_id"] = ("title:" + keys[new] + ":" + years[new]).astype("string")
    # rows of one table landing on the same film (or repeating a new film): keep the first
    usable = rows["film_id"].notna()
    dup = usable & rows["film_id"].duplicated(keep="first")
    n_new_films = rows.loc[new & ~dup, "film_id"].nunique()
    matched = int((status == "matched").sum())
    report["matching"][name] = {
        "rows": len(rows), "matched_by_title": matched, "matched": matched,
        "match_rate": _rate(matched, len(rows)),
        "added": int(n_new_films), "ambiguous": int((status == "ambiguous").sum()),
        "no_title": int((status == "no_title").sum()),
        "duplicates_dropped": int(dup.sum()),
        "ambiguous_examples": _examples(rows.loc[status == "ambiguous"]),
        "added_examples": _examples(rows.loc[new & ~dup]),
    }
    return rows.loc[(usable & ~dup).to_numpy()]


def _attach(rows: pd.DataFrame, index: TitleIndex, report: dict, name: str,
            restrict: set[str] | None) -> pd.DataFrame:
    """Title attributes: a matched row joins its film; a film matched twice takes neither."""
    film_id, status = match_titles(rows, index, restrict_to=restrict)
    rows["film_id"] = film_id
    # a title match adds fields, never ids: a wrong match must not spread an id to a film
    for column in ("tmdb_id", "imdb_id"):
        if column in rows:
            rows[column] = pd.Series(pd.NA, index=rows.index, dtype=rows[column].dtype)
    usable = rows["film_id"].notna()
    twice = usable & rows["film_id"].duplicated(keep=False)
    kept = rows.loc[(usable & ~twice).to_numpy()]
    entry = report["matching"].setdefault(name, {"rows": len(rows), "matched_by_id": 0,
                                                 "matched": 0, "added": 0, "ambiguous": 0})
    entry.update(matched_by_title=len(kept), matched=entry["matched"] + len(kept),
                 ambiguous=entry["ambiguous"] + int((status == "ambiguous").sum() + twice.sum()),
                 ambiguous_examples=_examples(rows.loc[(status == "ambiguous") | twice]))
    entry["match_rate"] = _rate(entry["matched"], entry["rows"])
    if name in TITLE_FALLBACK:
        entry["title_candidates"] = len(rows)
    return kept


def _examples(rows: pd.DataFrame) -> list[str]:
    return [f"{t} ({y})" for t, y in zip(rows["title"].head(N_EXAMPLES),
                                         rows["year"].head(N_EXAMPLES), strict=True)]
