"""Which fields a user supplies: the named field sets, and blanking a frame down to one of them.

A person forecasting one film types what they know. ``title`` and ``release_date`` are always
there; every other field may be left out, and a field left out means "unknown", never "small".
The protocol scores every model under the field sets users actually supply:

=========  =====================================================================================
set        fields kept besides title and release date
=========  =====================================================================================
full       every pre-release field of the film (the corpus row as it is)
form       budget, genres, runtime, cast, directors, keywords, overview, poster (the web form)
core       budget, genres, runtime, original language
minimal    budget, genres
=========  =====================================================================================

A forecaster may also give ``producer`` a regressor of its own (:data:`MODEL_FIELD_SETS`): every
field but the four only the release tables give (:data:`RELEASE_TABLE_FIELDS`), what a producer
types before a distribution deal.

A *field* is what a user types; some fields fill more than one corpus column (``collection``
also decides ``is_sequel``; ``certification`` also sets ``min_age``). Blanking writes the
column's own "missing" value: an empty list for list columns, ``NA`` for the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import numpy as np
import pandas as pd
from pandas.api.types import is_scalar

from .._errors import InputError
from ._schema import LIST_COLUMNS

__all__ = ["OPTIONAL_FIELDS", "FIELD_COLUMNS", "FIELD_SETS", "NEAR_FIELD_SETS",
           "RELEASE_TABLE_FIELDS", "MODEL_FIELD_SETS", "field_set",
           "blank_fields", "fields_present", "field_set_copies", "more_fields_copies",
           "random_field_copies"]

# user-facing field -> corpus columns it fills (title and release_date are always required)
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "budget": ("budget", "budget_adj"),
    "genres": ("genres",),
    "runtime": ("runtime",),
    "original_language": ("original_language",),
    "certification": ("certification", "min_age"),
    "keywords": ("keywords",),
    "cast": ("cast",),
    "directors": ("directors",),
    "writers": ("writers",),
    "companies": ("companies",),
    "distributor": ("distributor",),
    "collection": ("collection", "is_sequel"),
    "story_source": ("story_source",),
    "creative_type": ("creative_type",),
    "production_method": ("production_method",),
    "overview": ("overview",),
    "tagline": ("tagline",),
    "poster": ("poster_file",),
}
OPTIONAL_FIELDS: tuple[str, ...] = tuple(FIELD_COLUMNS)

FIELD_SETS: dict[str, tuple[str, ...]] = {
    "full": OPTIONAL_FIELDS,
    "form": ("budget", "genres", "runtime", "cast", "directors", "keywords", "overview", "poster"),
    "core": ("budget", "genres", "runtime", "original_language"),
    "minimal": ("budget", "genres"),
}

# Only the release tables (Box Office Mojo, The Numbers, Vega) give these. Whether a corpus film has
# them says which table listed it, not what the film is: on 2014-2017 the films without a
# distributor average log revenue 12.7 against 17.2 with one. A producer knows them and rarely
# types them, and a film typed without them is not "a film no table listed".
RELEASE_TABLE_FIELDS: tuple[str, ...] = ("distributor", "story_source", "creative_type",
                                         "production_method")

# The field sets a forecaster may give a regressor of its own (``set_models``): the named sets
# users are scored under and ``producer``, every field but those of the release tables.
MODEL_FIELD_SETS: dict[str, tuple[str, ...]] = {
    **{name: kept for name, kept in FIELD_SETS.items() if name != "full"},
    "producer": tuple(f for f in OPTIONAL_FIELDS if f not in RELEASE_TABLE_FIELDS),
    # the structured fields a producer types, without the crowd lists and texts (keywords,
    # writers, overview, tagline, poster): the TMDB 5000 and IMDB 5000 titles give those far
    # more often than the smaller films (training films with keywords: mean log revenue 15.6,
    # without 13.1), so a regressor that reads them took a film typed without them for small
    "metadata": ("budget", "genres", "runtime", "original_language", "certification", "cast",
                 "directors", "companies", "collection"),
}

# every set a name may stand for in :func:`field_set`
_NAMED_SETS: dict[str, tuple[str, ...]] = {**FIELD_SETS, **MODEL_FIELD_SETS}

# one field beyond a named set ("form+original_language"): what a user who knows a little more than
# a named set gives. A model must not read the extra field's neighbours, still blank, as "small".
NEAR_FIELD_SETS: dict[str, tuple[str, ...]] = {
    f"{name}+{extra}": (*kept, extra)
    for name, kept in FIELD_SETS.items() if name != "full"
    for extra in OPTIONAL_FIELDS if extra not in kept
}


def field_set(name_or_fields: str | Iterable[str]) -> tuple[str, ...]:
    """The fields a named set keeps, or the given fields checked against :data:`OPTIONAL_FIELDS`.

    A name is one of :data:`FIELD_SETS` or ``"producer"`` (:data:`MODEL_FIELD_SETS`) and may add
    fields with ``+``: ``"core+cast+directors"``.
    """
    if isinstance(name_or_fields, str):
        name, *extra = name_or_fields.split("+")
        if name not in _NAMED_SETS:
            raise InputError(f"field set {name!r} is not one of {', '.join(_NAMED_SETS)}")
        unknown = [f for f in extra if f not in FIELD_COLUMNS]
        if unknown:
            raise InputError(f"field {unknown[0]!r} in field set {name_or_fields!r} is not one "
                             f"of {', '.join(OPTIONAL_FIELDS)}")
        return tuple(dict.fromkeys((*_NAMED_SETS[name], *extra)))
    fields = tuple(name_or_fields)
    unknown = [f for f in fields if f not in FIELD_COLUMNS]
    if unknown:
        raise InputError(f"field {unknown[0]!r} is not one of {', '.join(OPTIONAL_FIELDS)}")
    return fields


def blank_fields(films: pd.DataFrame, keep: str | Iterable[str]) -> pd.DataFrame:
    """A copy of ``films`` with every optional field outside ``keep`` left out (unknown).

    ``keep`` is a set name (``"form"``) or the fields to keep. Columns the frame lacks are skipped;
    keys, title, date and post-release outcomes are never touched.
    """
    kept = set(field_set(keep))
    out = films.copy()
    every = np.ones(len(out), bool)
    for field, columns in FIELD_COLUMNS.items():
        if field in kept:
            continue
        for column in columns:
            if column in out.columns:
                _blank_rows(out, column, every)
    return out


def _blank_rows(frame: pd.DataFrame, column: str, rows: np.ndarray) -> None:
    """Write ``column``'s own "missing" into the ``rows`` (a boolean mask) of ``frame``, in
    place: an empty list in a list column, NA for the rest."""
    if column in LIST_COLUMNS:
        values = frame[column].to_numpy(object).copy()
        for i in np.flatnonzero(rows):
            values[i] = []
        frame[column] = values
    else:
        # ``mask`` keeps the dtype: NaN for floats, NA for strings and booleans
        frame[column] = frame[column].mask(pd.Series(rows, index=frame.index))


def _has(values: pd.Series, column: str) -> np.ndarray:
    """Which rows give a value in ``column``: a non-empty list, or a non-blank value.

    Plain Python over the values: the pandas string methods this replaced (``astype``,
    ``str.strip``, ``map``) cost ~2 ms per column on a one-film frame, and a forecast asks
    for every field.
    """
    items = values.tolist()
    if column in LIST_COLUMNS:
        return np.fromiter((hasattr(v, "__len__") and not isinstance(v, str) and len(v) > 0
                            for v in items), dtype=bool, count=len(items))
    if len(items) <= 64:  # a film or a few: pandas' missing test per value, no Series built
        present = np.fromiter((not (is_scalar(v) and pd.isna(v)) for v in items), dtype=bool,
                              count=len(items))
    else:
        present = values.notna().to_numpy(bool)
    if values.dtype == object or str(values.dtype) == "string":
        # what ``astype("string").str.strip() != ""`` said: a string of blanks is no value
        present &= np.fromiter((ok and str(v).strip() != "" for v, ok in zip(items, present,
                                                                              strict=True)),
                               dtype=bool, count=len(items))
    return present


def fields_present(films: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per optional field: does the row give it (any of its columns)?

    A film known *not* to belong to a franchise gives ``collection`` (``is_sequel`` is False
    while ``collection`` is missing): "not in a franchise" is an answer, not a blank.
    """
    out = {}
    for field, columns in FIELD_COLUMNS.items():
        has = np.zeros(len(films), dtype=bool)
        for column in (c for c in columns if c in films.columns):
            has |= _has(films[column], column)
        out[field] = has
    return pd.DataFrame(out, index=films.index)


def field_set_copies(films: pd.DataFrame, sets: Iterable[str] = tuple(FIELD_SETS), *,
                     leave_one_out: bool = True, one_more: bool = False,
                     max_copies: int | None = None, own_weight: float = 1.0,
                     random_state: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Copies of each film as users would give it: under each field set, each copy once.

    For every film, one copy per distinct set of fields it would show under the named field
    ``sets`` (with ``leave_one_out``, also under every pre-release field set with one field left
    out; with ``one_more``, under every named set but ``full`` with one more field,
    :data:`NEAR_FIELD_SETS`). Copies that would show the same fields are made once, so among all
    copies that show exactly the fields ``S``, every film that has all of ``S`` appears exactly
    once. A model
    trained on them reads a missing field as "unknown" (the average over the films that have
    it), not as "a film the sources did not cover".

    ``max_copies`` bounds the copies of one film besides itself: a film with more distinct
    copies keeps a random ``max_copies`` of them, each weighted by how many it stands for, so
    every (film, field set) still counts once in expectation at a fraction of the training time.
    ``own_weight`` multiplies the weight of each film as it is (its first row): the more field sets
    are copied, the smaller the share of the rows that show a film with every field it has.

    Returns the copies (the films themselves first, with every field they have), for each copy
    the position of its film in ``films``, and each copy's sample weight.
    """
    patterns = [field_set(s) for s in sets]
    if one_more:
        patterns += list(NEAR_FIELD_SETS.values())
    if leave_one_out:
        patterns += [tuple(f for f in OPTIONAL_FIELDS if f != left) for left in OPTIONAL_FIELDS]
    patterns = [OPTIONAL_FIELDS, *[p for p in patterns if set(p) != set(OPTIONAL_FIELDS)]]
    present = fields_present(films).to_numpy(bool)
    bits = (np.int64(1) << np.arange(present.shape[1], dtype=np.int64))
    fields = list(FIELD_COLUMNS)
    rows = np.arange(len(films))
    # which (film, field set) pairs make a distinct copy, pattern by pattern: cheap bookkeeping
    # first, so that only the copies kept below are ever blanked and concatenated
    origin, pattern = [], []
    seen_codes: set[tuple[int, int]] = set()
    for p, kept in enumerate(patterns):
        mask = np.array([f in kept for f in fields])
        codes = ((present & mask) * bits).sum(axis=1)
        new = np.array([(r, c) not in seen_codes for r, c in zip(rows, codes, strict=True)])
        seen_codes.update(zip(rows[new], codes[new], strict=True))
        origin.append(rows[new])
        pattern.append(np.full(int(new.sum()), p))
    origin, pattern = np.concatenate(origin), np.concatenate(pattern)
    weight = np.ones(len(origin))
    if max_copies is not None:
        keep, weight = _subsample(origin, len(films), max_copies, random_state)
        origin, pattern = origin[keep], pattern[keep]
    weight = np.where(pattern == 0, weight * own_weight, weight)  # pattern 0: every field
    parts = [blank_fields(films.iloc[origin[pattern == p]], kept)
             for p, kept in enumerate(patterns) if (pattern == p).any()]
    return pd.concat(parts, ignore_index=True), origin, weight


def more_fields_copies(films: pd.DataFrame, kept: str | Iterable[str],
                       extras: Iterable[str] = OPTIONAL_FIELDS, *, n_more: int = 1,
                       max_copies: int | None = None,
                       random_state: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Copies of each film showing the fields of ``kept`` plus up to ``n_more`` more it has.

    A film with a cast and a distributor, for ``kept="core"`` and ``n_more=2``, gives
    ``core+cast``, ``core+distributor`` and ``core+cast+distributor``: one copy per combination
    of one to ``n_more`` of the ``extras`` outside ``kept`` that it has; a film with none of them
    gives no copy. ``max_copies`` keeps a random ``max_copies`` of a film's copies, each weighted
    by how many it stands for, so every (film, combination) still counts once in expectation.

    Returns the copies, for each copy the position of its film in ``films``, and its weight.
    """
    kept = field_set(kept)
    extras = [f for f in field_set(tuple(extras)) if f not in kept]
    has = fields_present(films)[extras].to_numpy(bool) if extras else np.zeros((len(films), 0))
    combos = [c for k in range(1, n_more + 1) for c in combinations(range(len(extras)), k)]
    # which films give each combination: bookkeeping first, so only kept copies are blanked
    at = [np.flatnonzero(has[:, list(c)].all(axis=1)) for c in combos]
    origin = np.concatenate([*at, np.array([], np.int64)])
    combo = np.concatenate([*(np.full(len(a), i) for i, a in enumerate(at)), np.array([], int)])
    weight = np.ones(len(origin))
    if max_copies is not None:
        keep, weight = _subsample(origin, len(films), max_copies, random_state, keep_first=False)
        origin, combo = origin[keep], combo[keep]
    parts = [(blank_fields(films.iloc[origin[combo == i]], (*kept, *(extras[j] for j in c))),
              np.flatnonzero(combo == i)) for i, c in enumerate(combos) if (combo == i).any()]
    if not parts:
        return films.iloc[:0], origin[:0], weight[:0]
    order = np.concatenate([rows for _, rows in parts])
    return (pd.concat([copies for copies, _ in parts], ignore_index=True), origin[order],
            weight[order])


def random_field_copies(films: pd.DataFrame, n_copies: int = 1, keep: float = 0.5, *,
                        random_state: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """``n_copies`` copies of each film, each keeping every field the film gives with
    probability ``keep`` (independently per copy and field; title and date always stay).

    The named and near sets cover the patterns users type most; a film given three or more
    fields beyond every set shows one of thousands of others, where the films as the sources
    give them say "a field left out: a film the release tables did not list". Random subsets of
    the films that have those fields say "unknown" for any pattern.

    Returns the copies (copy ``k`` of every film, then copy ``k + 1``) and for each copy the
    position of its film in ``films``.
    """
    origin = np.tile(np.arange(len(films)), n_copies)
    copies = films.iloc[origin].reset_index(drop=True)
    rng = np.random.default_rng(random_state)
    # each copy gives what its film gives: read the films once, not every copy
    given = fields_present(films).to_numpy(bool)[origin]
    drop = given & (rng.random((len(copies), len(FIELD_COLUMNS))) >= keep)
    for rows, columns in zip(drop.T, FIELD_COLUMNS.values(), strict=True):
        for column in columns:
            if column in copies.columns and rows.any():
                _blank_rows(copies, column, rows)
    return copies, origin


def _subsample(origin: np.ndarray, n_films: int, max_copies: int, random_state: int, *,
               keep_first: bool = True):
    """Keep each film's first row and ``max_copies`` of its other rows, reweighted (without
    ``keep_first``: a random ``max_copies`` of all its rows)."""
    rng = np.random.default_rng(random_state)
    first = np.zeros(len(origin), bool)
    if keep_first:
        first[np.unique(origin, return_index=True)[1]] = True
    extra = np.bincount(origin[~first], minlength=n_films)  # rows besides a kept first one
    # a random rank within each film's copies: keep the copies ranked below max_copies
    noise = rng.random(len(origin))
    order = np.lexsort((noise, ~first, origin))
    rank = np.empty(len(origin), np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(origin[order])) + 1]
    counts = np.diff(np.r_[starts, len(origin)])
    rank[order] = np.arange(len(origin)) - np.repeat(starts, counts)
    keep = first | (rank < max_copies + int(keep_first))  # with keep_first, rank 0 is the film
    weight = np.where(first, 1.0, extra[origin] / np.maximum(np.minimum(extra[origin],
                                                                        max_copies), 1))
    return np.flatnonzero(keep), weight[keep]
