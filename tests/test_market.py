"""Synthetic markets: schema, determinism, planted effects, posters, copycat truth, missingness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reelcast._errors import InputError, ReelcastError
from reelcast.data import (
    ANIME_COLUMNS,
    FILM_COLUMNS,
    GENRES,
    LIST_COLUMNS,
    MarketTruth,
    make_anime_market,
    make_market,
)


@pytest.fixture(scope="module")
def films() -> pd.DataFrame:
    return make_market(2000, seed=0, copycat_effect=0.5, missing_rate=0.1)


@pytest.fixture(scope="module")
def anime() -> pd.DataFrame:
    return make_anime_market(1500, seed=0)


def _log_revenue(films: pd.DataFrame) -> pd.Series:
    return np.log(films["revenue"])


def test_film_schema_is_exact(films):
    assert list(films.columns) == list(FILM_COLUMNS)
    assert {c: str(t) for c, t in films.dtypes.items()} == {
        c: str(pd.Series(dtype=t).dtype) for c, t in FILM_COLUMNS.items()}
    for col in LIST_COLUMNS:
        is_str_list = films[col].map(lambda v: isinstance(v, list)
                                     and all(isinstance(x, str) for x in v))
        assert is_str_list.all(), col
    assert films["genres"].map(len).min() >= 1
    assert set(films["genres"].explode()) <= set(GENRES)
    assert films["release_date"].is_monotonic_increasing
    assert isinstance(films.index, pd.RangeIndex)


def test_identifiers(films):
    assert films["tmdb_id"].is_unique and films["film_id"].is_unique
    assert (films["film_id"] == "tmdb:" + films["tmdb_id"].astype(str)).all()
    assert films["imdb_id"].str.fullmatch(r"tt\d{7}").all()
    assert (films["year"] == films["release_date"].dt.year).all()


def test_value_ranges(films):
    budget = films["budget"].dropna()
    assert budget.between(5e5, 3e8).all()
    assert films["rating"].between(0, 10).all()
    assert set(films["certification"]) <= {"G", "PG", "PG-13", "R", "NC-17", "NR"}
    assert films["year"].between(1995, 2017).all()
    both = films[["revenue", "revenue_domestic"]].dropna()
    assert (both["revenue_domestic"] <= both["revenue"]).all()
    assert (films["release_date"].dt.dayofweek == 4).mean() > 0.6  # mostly Friday openings
    # budgets rise over the years
    by_year = np.log(films["budget"]).groupby(films["year"]).median()
    assert by_year.loc[2013:2017].mean() > by_year.loc[1995:1999].mean()


def test_inflation_adjustment(films):
    factor = films["budget_adj"] / films["budget"]
    expected = 1.022 ** (2017 - films["year"].astype(float))
    assert np.allclose(factor.dropna(), expected[factor.notna()])
    assert (films["revenue_adj"].isna() == films["revenue"].isna()).all()


def test_deterministic_for_a_seed():
    a, b = make_market(300, seed=7), make_market(300, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["truth"] == b.attrs["truth"]


def test_different_seeds_differ():
    a, b = make_market(300, seed=1), make_market(300, seed=2)
    assert not a["title"].equals(b["title"])
    assert not np.allclose(a["rating"], b["rating"])


def test_budget_drives_revenue(films):
    both = films[["budget", "revenue"]].dropna()
    assert np.corrcoef(np.log(both["budget"]), np.log(both["revenue"]))[0, 1] > 0.5


@pytest.mark.parametrize(("name", "higher", "lower"), [
    ("summer beats Jan-Feb/Sep", {5, 6, 7}, {1, 2, 9}),
    ("holidays beat Jan-Feb/Sep", {11, 12}, {1, 2, 9}),
])
def test_season_effect(films, name, higher, lower):
    logrev, month = _log_revenue(films), films["release_date"].dt.month
    # planted gap is about 0.5 log units; without the season term it is near 0
    assert logrev[month.isin(higher)].median() > logrev[month.isin(lower)].median() + 0.25, name


def test_sequels_earn_more(films):
    logrev = _log_revenue(films)
    assert 0.03 < films["is_sequel"].mean() < 0.2
    assert logrev[films["is_sequel"]].median() > logrev[~films["is_sequel"]].median() + 0.5
    sequels = films[films["is_sequel"]]
    assert sequels["collection"].notna().all()
    # every collection holds its original too (a non-sequel)
    originals = films[films["collection"].notna() & ~films["is_sequel"]]
    assert set(sequels["collection"]) == set(originals["collection"])


@pytest.mark.parametrize(("up", "down"), [("Animation", "Documentary"), ("Adventure", "Drama"),
                                          ("Action", "Drama")])
def test_genre_effects(films, up, down):
    logrev = _log_revenue(films)
    has = films["genres"].map(set)
    higher = logrev[has.map(lambda g: up in g)].median()
    assert higher > logrev[has.map(lambda g: down in g)].median()


def test_non_english_earns_less(films):
    logrev = _log_revenue(films)
    english = films["original_language"] == "en"
    assert logrev[english].median() > logrev[~english].median()


def test_talent_draw_is_planted_and_persistent(films):
    truth = films.attrs["truth"]
    draw = films["directors"].map(lambda ds: np.mean([truth["talent"]["directors"][d] for d in ds]))
    ok = films["revenue"].notna()
    assert np.corrcoef(draw[ok], _log_revenue(films)[ok])[0, 1] > 0.1
    counts = films["cast"].explode().value_counts()
    assert counts.iloc[0] >= 10 * counts.median()  # Zipf-like reuse: a few stars, many one-offs


def test_ratings_follow_director_quality(films):
    quality = films.attrs["truth"]["director_quality"]
    craft = films["directors"].map(lambda ds: np.mean([quality[d] for d in ds]))
    assert np.corrcoef(craft, films["rating"])[0, 1] > 0.3


def test_copycat_truth(films):
    truth = films.attrs["truth"]
    n = len(films)
    for key in ("copycat", "deliberate_copycat", "n_similar_hits", "copycat_lift", "log_revenue"):
        assert len(truth[key]) == n, key
    assert list(truth["film_id"]) == films["film_id"].tolist()
    assert truth["copycat_effect"] == 0.5
    assert 0.08 < truth["deliberate_copycat"].mean() < 0.2
    assert truth["copycat"][truth["deliberate_copycat"]].mean() > 0.9
    lift = truth["copycat_lift"]
    k = truth["n_similar_hits"]
    expected = np.where(k > 0, 0.5 / (1 + 0.3 * np.maximum(k - 1, 0)), 0.0)
    assert np.allclose(lift, expected)
    assert set(truth["genre_effects"]) == set(GENRES)


def test_copycat_effect_changes_revenue_only():
    without = make_market(600, seed=3, copycat_effect=0.0)
    with_ = make_market(600, seed=3, copycat_effect=0.8)
    same = [c for c in FILM_COLUMNS if c not in ("revenue", "revenue_domestic", "revenue_adj",
                                                 "rating", "vote_count")]
    pd.testing.assert_frame_equal(without[same], with_[same])
    flags = with_.attrs["truth"]["copycat"]
    assert flags.any()
    assert np.array_equal(flags, without.attrs["truth"]["copycat"])
    assert not without.attrs["truth"]["copycat_lift"].any()
    before = without.attrs["truth"]["log_revenue"]
    diff = with_.attrs["truth"]["log_revenue"] - before
    lift = with_.attrs["truth"]["copycat_lift"]
    # the lift is added exactly, short of the $3B cap on revenue
    assert np.allclose(diff, np.minimum(lift, np.log(3e9) - before))
    assert (diff[flags] > 0).mean() > 0.9 and np.allclose(diff[~flags], 0)


@pytest.mark.parametrize("rate", [0.0, 0.1, 0.3])
def test_missing_rate_is_respected(rate):
    films = make_market(1500, seed=4, missing_rate=rate)
    for col in ("budget", "revenue", "runtime"):
        assert abs(films[col].isna().mean() - rate) < 0.04, col
    for col in ("keywords", "cast"):
        assert abs((films[col].map(len) == 0).mean() - rate) < 0.04, col
    assert films["title"].notna().all() and films["poster_file"].isna().all()


def test_text_fields(films):
    assert all(t in o for t, o in zip(films["title"], films["overview"], strict=True))
    assert 0.3 < films["tagline"].notna().mean() < 0.9
    kw = films["keywords"].explode().dropna()
    assert {"superhero", "heist", "based on novel"} <= set(kw)


def test_attrs_survive_pandas_operations(films):
    both = pd.concat([films, films])  # pandas compares attrs here; arrays must not break it
    assert len(both) == 2 * len(films)
    assert isinstance(films.attrs["truth"], MarketTruth)
    assert films.attrs["truth"] != {"other": 1}


def test_posters(tmp_path):
    from PIL import Image

    films = make_market(40, seed=5, poster_dir=tmp_path, poster_size=(60, 90))
    plain = make_market(40, seed=5)
    pd.testing.assert_frame_equal(films.drop(columns="poster_file"),
                                  plain.drop(columns="poster_file"))
    assert films["poster_file"].notna().all()
    faces = films.attrs["truth"]["poster_faces"]
    assert len(faces) == 40 and faces.max() <= 3
    for path in films["poster_file"]:
        with Image.open(path) as img:
            img.load()
            assert img.format == "JPEG" and img.size == (60, 90)
        assert path.startswith(str(tmp_path.resolve()))
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary files left behind


def test_horror_posters_darker_than_animation(tmp_path):
    from PIL import Image

    films = make_market(300, seed=6, poster_dir=tmp_path, poster_size=(32, 48), missing_rate=0.0)
    mean = films["poster_file"].map(lambda p: np.asarray(Image.open(p).convert("L"), float).mean())
    genres = films["genres"].map(set)
    horror = mean[genres.map(lambda g: "Horror" in g)]
    animated = mean[genres.map(lambda g: bool({"Animation", "Family"} & g) and "Horror" not in g)]
    assert len(horror) > 5 and len(animated) > 5
    assert horror.mean() + 40 < animated.mean()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"n": 0}, "n"),
    ({"n": 2.5}, "n"),
    ({"n": 30_001}, "n"),
    ({"seed": -1}, "seed"),
    ({"start_year": 1800}, "start_year"),
    ({"start_year": 2010, "end_year": 2000}, "end_year"),
    ({"copycat_effect": float("nan")}, "copycat_effect"),
    ({"missing_rate": 1.0}, "missing_rate"),
    ({"missing_rate": -0.1}, "missing_rate"),
    ({"poster_size": (8, 8)}, "poster_size"),
    ({"poster_size": (100,)}, "poster_size"),
])
def test_bad_arguments(kwargs, field):
    with pytest.raises(InputError, match=f"'{field}'"):
        make_market(**kwargs)


def test_poster_dir_that_is_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReelcastError, match="poster_dir"):
        make_market(5, poster_dir=blocker / "posters")


def test_single_year_and_tiny_market():
    films = make_market(3, seed=0, start_year=2010, end_year=2010)
    assert len(films) == 3 and (films["year"] == 2010).all()


# --- anime -----------------------------------------------------------------------------------


def test_anime_schema_is_exact(anime):
    assert list(anime.columns) == list(ANIME_COLUMNS)
    assert {c: str(t) for c, t in anime.dtypes.items()} == {
        c: str(pd.Series(dtype=t).dtype) for c, t in ANIME_COLUMNS.items()}
    assert anime["anime_id"].is_unique
    assert anime["score"].between(1, 10).all()
    assert set(anime["type"]) <= {"TV", "Movie", "OVA", "ONA", "Special", "Music"}
    assert set(anime["season"].dropna()) <= {"Winter", "Spring", "Summer", "Fall"}
    assert (anime["season"].notna() == (anime["type"] == "TV")).all()
    for col in ("genres", "studios", "producers"):
        assert anime[col].map(lambda v: isinstance(v, list) and len(v) > 0).all()


def test_anime_deterministic_and_seeded():
    pd.testing.assert_frame_equal(make_anime_market(200, seed=1), make_anime_market(200, seed=1))
    other = make_anime_market(200, seed=2)
    assert not make_anime_market(200, seed=1)["title"].equals(other["title"])


def test_anime_planted_effects(anime):
    truth = anime.attrs["truth"]
    quality = anime["studios"].map(lambda s: np.mean([truth["studio_quality"][x] for x in s]))
    assert np.corrcoef(quality, anime["score"])[0, 1] > 0.3
    assert np.corrcoef(anime["score"], np.log(anime["members"]))[0, 1] > 0.3
    by_source = anime.groupby("source")["score"].mean()
    assert by_source["Manga"] > by_source["Game"]
    tragic = anime["synopsis"].str.contains("tragedy")
    assert anime.loc[tragic, "score"].mean() > anime.loc[~tragic, "score"].mean()


@pytest.mark.parametrize("kwargs", [{"n": 0}, {"seed": -3}])
def test_anime_bad_arguments(kwargs):
    with pytest.raises(InputError, match=f"'{next(iter(kwargs))}'"):
        make_anime_market(**kwargs)
