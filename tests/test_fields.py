"""Field sets: blanking keeps exactly the named fields, and the field-set copies count each film once."""

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from reelcast import InputError
from reelcast.data import (
    FIELD_COLUMNS,
    FIELD_SETS,
    LIST_COLUMNS,
    NEAR_FIELD_SETS,
    OPTIONAL_FIELDS,
    blank_fields,
    field_set,
    field_set_copies,
    fields_present,
    make_market,
    more_fields_copies,
    random_field_copies,
)


@pytest.fixture(scope="module")
def market():
    return make_market(200, seed=3)


def _blank(series: pd.Series, column: str) -> pd.Series:
    if column in LIST_COLUMNS:
        return series.map(len) == 0
    return series.isna()


@pytest.mark.parametrize("name", list(FIELD_SETS))
def test_blanks_exactly_the_fields_outside_the_set(market, name):
    out = blank_fields(market, name)
    kept = set(FIELD_SETS[name])
    for field, columns in FIELD_COLUMNS.items():
        for column in (c for c in columns if c in market.columns):
            if field in kept:
                pd.testing.assert_series_equal(out[column], market[column], check_names=False)
            else:
                assert _blank(out[column], column).all(), (name, column)
                assert out[column].dtype == market[column].dtype
    # keys, title, date and outcomes are never touched
    for column in ("film_id", "title", "release_date", "year", "revenue", "rating"):
        pd.testing.assert_series_equal(out[column], market[column])
    assert len(out) == len(market) and (out.index == market.index).all()


def test_blank_fields_leaves_the_input_alone(market):
    before = market.copy()
    blank_fields(market, "minimal")
    pd.testing.assert_frame_equal(market, before)


def test_unknown_set_or_field_is_a_one_line_error(market):
    with pytest.raises(InputError, match="field set 'everything' is not one of full, form"):
        blank_fields(market, "everything")
    with pytest.raises(InputError, match="field 'castt' is not one of"):
        blank_fields(market, ["castt"])


def test_a_set_with_fields_added_keeps_those_fields_too(market):
    assert field_set("core+cast+directors") == (*FIELD_SETS["core"], "cast", "directors")
    assert field_set("minimal+budget") == FIELD_SETS["minimal"]  # a field already in it: once
    out = blank_fields(market, "minimal+cast")
    assert (out["cast"].map(len) > 0).sum() == (market["cast"].map(len) > 0).sum()
    assert (out["keywords"].map(len) == 0).all()
    with pytest.raises(InputError, match="field 'castt' in field set 'core\\+castt' is not one"):
        field_set("core+castt")
    with pytest.raises(InputError, match="field set 'nope' is not one of"):
        field_set("nope+cast")


def test_near_field_sets_are_every_named_set_but_full_with_one_more_field():
    for name, kept in FIELD_SETS.items():
        extra = [f for f in OPTIONAL_FIELDS if f not in kept]
        for field in extra:
            assert NEAR_FIELD_SETS.get(f"{name}+{field}") == (None if name == "full"
                                                                else (*kept, field))
    assert len(NEAR_FIELD_SETS) == sum(len(OPTIONAL_FIELDS) - len(kept)
                                       for name, kept in FIELD_SETS.items() if name != "full")


def test_fields_present_reads_lists_and_scalars():
    films = pd.DataFrame({"cast": [["A"], [], None], "budget": [1.0, np.nan, 2.0],
                          "overview": ["x", "  ", pd.NA]})
    present = fields_present(films)
    assert present["cast"].tolist() == [True, False, False]
    assert present["budget"].tolist() == [True, False, True]
    assert present["overview"].tolist() == [True, False, False]
    assert not present["writers"].any()  # a column the frame lacks is never present


def test_each_film_appears_once_among_copies_showing_the_same_fields(market):
    films = market.copy()
    films.loc[films.index[:60], "cast"] = pd.Series([[]] * 60, index=films.index[:60])
    copies, origin, weight = field_set_copies(films)
    assert (weight == 1).all()
    # the films themselves come first, unchanged
    pd.testing.assert_frame_equal(copies.iloc[: len(films)].reset_index(drop=True),
                                  films.reset_index(drop=True), check_dtype=False)
    present = fields_present(copies)
    pattern = present.apply(lambda r: tuple(r), axis=1)
    assert not pd.DataFrame({"film": origin, "pattern": pattern}).duplicated().any()
    # every named set shows up for every film that has all its fields
    films_present = fields_present(films)
    for name, kept in FIELD_SETS.items():
        want = tuple(f in kept for f in OPTIONAL_FIELDS)
        has_all = films_present[list(kept)].all(axis=1).to_numpy()
        shown = {o for o, p in zip(origin, pattern, strict=True)
                 if p == tuple(a and b for a, b in zip(want, films_present.iloc[o], strict=True))}
        assert set(np.flatnonzero(has_all)) <= shown, name


def test_one_more_field_adds_a_copy_per_near_set_and_own_weight_weighs_the_film(market):
    named, origin_named, _ = field_set_copies(market)
    more, origin, weight = field_set_copies(market, one_more=True, own_weight=3.0)
    assert len(more) > len(named)
    # among the copies, each film shows "core + cast" once when it has those fields
    present = fields_present(more)
    want = [f in NEAR_FIELD_SETS["core+cast"] for f in OPTIONAL_FIELDS]
    has = fields_present(market)[list(NEAR_FIELD_SETS["core+cast"])].all(axis=1).to_numpy()
    shown = origin[(present.to_numpy() == want).all(axis=1)]
    assert sorted(shown) == sorted(np.flatnonzero(has))
    # the films themselves first, weighted 3; every copy 1
    assert (weight[: len(market)] == 3.0).all() and (weight[len(market):] == 1.0).all()


def test_capped_copies_keep_the_total_weight_of_each_film(market):
    full, origin_full, _ = field_set_copies(market)
    capped, origin, weight = field_set_copies(market, max_copies=2, random_state=1)
    assert len(capped) < len(full)
    assert np.bincount(origin).max() <= 3
    per_film_full = np.bincount(origin_full, minlength=len(market))
    per_film = np.bincount(origin, weights=weight, minlength=len(market))
    np.testing.assert_allclose(per_film, per_film_full)


def test_fields_present_reads_blanks_as_left_out():
    """Blank strings, empty lists and missing values are fields left out; anything else is
    given (the pandas string methods the fast version replaced said the same)."""
    films = pd.DataFrame({
        "overview": pd.array(["  ", "", None, "x", " a ", "\t"], dtype="string"),
        "keywords": [[], None, ["a"], np.array([]), np.array(["x"]), ("k",)],
        "distributor": np.array(["", " ", None, 5, "Fox", np.nan], dtype=object),
        "collection": pd.array([None, None, "Saga", None, None, None], dtype="string"),
        "is_sequel": pd.array([True, False, None, None, None, False], dtype="boolean"),
        "budget": [1.0, np.nan, 0.0, np.nan, 2.0, np.nan],
    }, index=[10, 11, 12, 13, 14, 15])
    got = fields_present(films)
    assert got.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert got["overview"].tolist() == [False, False, False, True, True, False]
    assert got["keywords"].tolist() == [False, False, True, False, True, True]
    assert got["distributor"].tolist() == [False, False, False, True, True, False]
    assert got["collection"].tolist() == [True, True, True, False, False, True]
    assert got["budget"].tolist() == [True, False, True, False, True, False]
    assert not got["cast"].any() and got.dtypes.eq(bool).all()


@pytest.mark.parametrize("n_films", [1, 9, 200])  # a few films: per value; many: vectorised
def test_fields_present_of_odd_values_in_a_text_column(n_films):
    odd = np.array([["a", "b"], None, np.nan, pd.NA, pd.NaT, "x", "  ", 3.5,
                    np.datetime64("NaT")], dtype=object)
    expected = [True, False, False, False, False, True, False, True, False]
    values = np.resize(odd, n_films)
    got = fields_present(pd.DataFrame({"distributor": values}))["distributor"].tolist()
    assert got == np.resize(np.array(expected), n_films).tolist()


def test_more_fields_copies_show_the_set_and_each_further_field_a_film_has_once(market):
    copies, origin, weight = more_fields_copies(market, "core")
    assert (weight == 1).all()
    given = fields_present(market)
    shown = fields_present(copies)
    extras = [f for f in OPTIONAL_FIELDS if f not in FIELD_SETS["core"]]
    # each copy shows the film's core fields and exactly one field beyond them
    beyond = shown[extras].to_numpy()
    assert (beyond.sum(axis=1) == 1).all()
    for field in FIELD_SETS["core"]:
        np.testing.assert_array_equal(shown[field].to_numpy(), given[field].to_numpy()[origin])
    # one copy per (film, further field it has), none for a field it lacks
    pairs = {(o, extras[i]) for o, i in zip(origin, beyond.argmax(axis=1), strict=True)}
    want = {(o, f) for f in extras for o in np.flatnonzero(given[f].to_numpy())}
    assert pairs == want and len(pairs) == len(copies)


def test_capped_more_fields_copies_keep_each_films_weight(market):
    _, origin_all, _ = more_fields_copies(market, "minimal", ("cast", "directors", "keywords"))
    capped, origin, weight = more_fields_copies(market, "minimal",
                                                ("cast", "directors", "keywords"),
                                                max_copies=1, random_state=2)
    assert np.bincount(origin).max() == 1 and len(capped) < len(origin_all)
    np.testing.assert_allclose(np.bincount(origin, weights=weight, minlength=len(market)),
                               np.bincount(origin_all, minlength=len(market)))
    empty, origin_none, _ = more_fields_copies(market, "full")
    assert len(empty) == 0 and len(origin_none) == 0


def test_up_to_n_more_fields_give_every_combination_a_film_has_once(market):
    extras = ("cast", "directors", "keywords")
    copies, origin, _ = more_fields_copies(market, "minimal", extras, n_more=2)
    shown = fields_present(copies)[list(extras)].to_numpy()
    got = sorted((o, tuple(np.flatnonzero(s))) for o, s in zip(origin, shown, strict=True))
    has = fields_present(market)[list(extras)].to_numpy()
    want = sorted((o, c) for o in range(len(market)) for k in (1, 2)
                  for c in combinations(range(3), k) if has[o, list(c)].all())
    assert got == want


def test_random_field_copies_only_leave_out_fields_a_film_gives(market):
    copies, origin = random_field_copies(market, 3, 0.5, random_state=0)
    np.testing.assert_array_equal(origin, np.tile(np.arange(len(market)), 3))
    own = fields_present(market).to_numpy(bool)[origin]
    shown = fields_present(copies).to_numpy(bool)
    assert not (shown & ~own).any()  # nothing appears that the film lacks
    assert 0.4 < shown.sum() / own.sum() < 0.6  # each given field kept with probability 1/2
    for column in ("title", "release_date", "revenue"):  # never touched
        pd.testing.assert_series_equal(copies[column], market[column].iloc[origin]
                                       .reset_index(drop=True))
    # a field left out is blanked in every column it fills, with the column's own "missing"
    for i, (field, columns) in enumerate(FIELD_COLUMNS.items()):
        out = own[:, i] & ~shown[:, i]
        for column in columns:
            if column in copies.columns and out.any():
                assert _blank(copies[column], column)[out].all(), (field, column)


def test_random_field_copies_are_reproducible_and_keep_all_or_nothing(market):
    a, _ = random_field_copies(market, 1, 0.5, random_state=4)
    b, _ = random_field_copies(market, 1, 0.5, random_state=4)
    pd.testing.assert_frame_equal(a, b)
    everything, _ = random_field_copies(market, 1, 1.0)
    assert fields_present(everything).equals(fields_present(market).reset_index(drop=True))
    nothing, _ = random_field_copies(market, 1, 0.0)
    assert not fields_present(nothing).to_numpy().any()
    assert market.equals(make_market(200, seed=3))  # the input is left alone
