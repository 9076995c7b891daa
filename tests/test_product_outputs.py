"""Predicted rating, genre probabilities and nearest recent hits in every forecast (#8, #7)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from _tiny_product import tiny_films, tiny_model_dir
from PIL import Image

from reelcast._errors import ArtifactError, InputError
from reelcast.copycat import CopycatIndex
from reelcast.forecast._genres import GenreProbabilities, fit_genre_model, load_genres
from reelcast.forecast._input import films_from_records
from reelcast.forecast._one_film import forecast_film, load_product_model
from reelcast.forecast._rating import MIN_VOTES, predict_rating, rating_targets

_PRODUCT_FILES = {"rating_model.txt", "rating.json", "genre_model.npz", "genre_model.json",
                  "hits.parquet", "hits.json"}
FILM = {"title": "Night Harbor", "release_date": "2018-05-04", "budget": 90_000_000,
        "genres": ["Action", "Drama"], "cast": ["A One"], "directors": ["C Three"]}


@pytest.fixture(scope="module")
def model_dir():
    return tiny_model_dir()


@pytest.fixture(scope="module")
def product(model_dir):
    return load_product_model(model_dir)


def test_product_files_are_hashed_in_the_manifest(model_dir, product):
    manifest = json.loads((model_dir / "manifest.json").read_text())
    assert _PRODUCT_FILES <= set(manifest["files"])
    assert product.rating is not None and product.genres is not None and product.hits is not None


@pytest.mark.parametrize("name", sorted(_PRODUCT_FILES))
def test_a_tampered_product_file_is_refused(model_dir, tmp_path, name):
    bad = shutil.copytree(model_dir, tmp_path / "bad")
    with open(bad / name, "ab") as fh:
        fh.write(b"\n")
    with pytest.raises(ArtifactError, match=name.replace(".", r"\.")):
        load_product_model(bad)


# ---------------------------------------------------------------- rating
def test_rating_model_learns_from_the_rated_films_passed_only(model_dir):
    info = json.loads((model_dir / "rating.json").read_text())
    keep, _ = rating_targets(tiny_films())
    assert info["n_train"] == int(keep.sum()) and info["min_votes"] == MIN_VOTES
    assert "rating" not in info["features"] and "vote_count" not in info["features"]


def test_the_films_own_rating_is_never_an_input(product):
    films = tiny_films().head(20)
    X_low = product.forecaster.transform(films.assign(rating=0.0, vote_count=1.0))
    X_high = product.forecaster.transform(films.assign(rating=10.0, vote_count=1e6))
    np.testing.assert_array_equal(predict_rating(product.rating, X_low),
                                  predict_rating(product.rating, X_high))


def test_every_forecast_has_a_rating_on_the_0_10_scale(product):
    fc = forecast_film(product, FILM)
    assert 0 <= fc.rating <= 10
    assert fc.to_dict()["rating"] == pytest.approx(fc.rating)


@pytest.mark.parametrize("rating, votes, kept", [
    (7.0, 10, True), (7.0, 9, False), (np.nan, 100, False), (11.0, 100, False), (0.0, 50, True),
])
def test_rating_targets(rating, votes, kept):
    keep, _ = rating_targets(pd.DataFrame({"rating": [rating], "vote_count": [votes]}))
    assert bool(keep[0]) is kept


# ---------------------------------------------------------------- genres
def test_overview_gives_genre_probabilities(product):
    overview = tiny_films()["overview"].dropna().iloc[0]
    fc = forecast_film(product, FILM | {"overview": overview})
    probs = list(fc.genres.values())
    assert fc.genre_sources == ["overview"] and set(fc.genres) <= set(product.genres.labels)
    assert probs == sorted(probs, reverse=True) and all(0 <= p <= 1 for p in probs)


def test_no_modality_means_no_genre_output(product):
    fc = forecast_film(product, FILM)
    assert fc.genres == {} and fc.genre_sources == []
    assert not [w for w in fc.warnings if "genre" in w]


def test_a_poster_without_a_poster_branch_is_skipped_with_a_warning(product):
    assert product.genres.poster is None  # the tiny market has no posters
    fc = forecast_film(product, FILM, poster_image=Image.new("RGB", (120, 180), (200, 30, 30)))
    assert fc.genres == {} and any("poster skipped" in w for w in fc.warnings)


def _genre_frame(n=240, seed=0):
    rng = np.random.default_rng(seed)
    action = rng.random(n) < 0.5
    overviews = ["explosion chase fight hero" if a else "love wedding kiss heart" for a in action]
    genres = [["Action"] if a else ["Romance"] for a in action]
    posters = np.c_[np.where(action, 2.0, -2.0) + rng.normal(size=n), rng.normal(size=(n, 3))]
    return pd.DataFrame({"overview": overviews, "genres": genres}), pd.DataFrame(posters), action


def test_genre_model_both_branches_fuse_and_round_trip_without_pickle(tmp_path):
    films, posters, action = _genre_frame()
    model = fit_genre_model(films, posters)
    assert model.text is not None and model.poster is not None
    text_only, used, _ = model.predict("a hero in a chase")
    both, used_both, _ = model.predict("a hero in a chase", posters.to_numpy()[0])
    assert used == ["overview"] and used_both == ["overview", "poster"]
    assert next(iter(text_only)) == "Action"
    poster_p = model.poster_proba(posters.to_numpy()[:1])[0]
    expected = (model.text_proba(["a hero in a chase"])[0] + poster_p) / 2
    assert both[model.labels[0]] == pytest.approx(expected[0])
    np.savez(tmp_path / "genre_model.npz", **model.arrays())
    again = load_genres(tmp_path)
    assert isinstance(again, GenreProbabilities) and again.labels == model.labels
    np.testing.assert_allclose(again.text_proba(["love and a kiss"]),
                               model.text_proba(["love and a kiss"]))


@pytest.mark.parametrize("vector, note", [
    (np.full(4, np.nan), "could not be computed"),
    (np.zeros(7), "could not be computed"),
])
def test_unusable_poster_features_are_skipped(vector, note):
    films, posters, _ = _genre_frame()
    model = fit_genre_model(films, posters)
    proba, used, warnings = model.predict(None, vector)
    assert proba == {} and used == [] and note in warnings[0]


def test_genre_model_needs_training_films():
    films = pd.DataFrame({"overview": ["x"] * 10, "genres": [["Action"]] * 10})
    with pytest.raises(InputError, match="genre"):
        fit_genre_model(films)


# ---------------------------------------------------------------- nearest recent hits
def _a_recent_hit(product, date="2018-01-15"):
    index = product.hits
    day = int(pd.Timestamp(date).value // 86_400_000_000_000)
    for pos in index._hits(day)[::-1]:
        kws = index.vectorizer_.inverse_transform(index.emb_[pos])[0]
        if len(kws) >= 3 and not index.collection_[pos]:
            return index.film_id_[pos], list(kws)
    pytest.skip("no recent hit with keywords in the tiny market")


def test_a_film_with_a_recent_hits_keywords_is_a_copycat(product):
    film_id, keywords = _a_recent_hit(product)
    fc = forecast_film(product, FILM | {"release_date": "2018-01-15", "keywords": keywords})
    hits = fc.hits
    assert hits["copycat"] is True and hits["max_similarity"] == pytest.approx(1.0)
    assert hits["hits"][0]["similarity"] == pytest.approx(1.0)
    assert film_id in {h["film_id"] for h in hits["hits"] if h["similarity"] > 0.999}
    assert all(h["release_date"] < "2018-01-15" for h in hits["hits"])
    sims = [h["similarity"] for h in hits["hits"]]
    assert sims == sorted(sims, reverse=True) and len(sims) <= 5


@pytest.mark.parametrize("keywords", [[], ["one lonely keyword"]])
def test_too_few_keywords_leave_the_copycat_flag_unassessed(product, keywords):
    fc = forecast_film(product, FILM | {"keywords": keywords})
    assert fc.hits["copycat"] is None and fc.hits["hits"] == []
    assert fc.hits["n_recent_hits"] > 0


# ---------------------------------------------------------------- poster similarity
@pytest.fixture(scope="module")
def poster_market(tmp_path_factory):
    from reelcast.data import make_market

    films = make_market(60, seed=3, start_year=2013,
                        poster_dir=tmp_path_factory.mktemp("posters"))
    films.attrs = {}
    return films


@pytest.fixture(scope="module")
def poster_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("poster-cache")  # each poster's features computed once


def _copy_of_a_hit(index, films):
    """A new film 30 days after the latest hit, with its poster but unrelated keywords."""
    last_day = int(index.day_.max()) + 1
    hits = index._hits(last_day)
    hit = films.loc[films["film_id"].astype(str) == index.film_id_[hits[-1]]].iloc[0]
    new = hit.copy()
    new["release_date"] = pd.Timestamp(hit["release_date"]) + pd.Timedelta(days=30)
    new["keywords"] = ["zzz unrelated one", "zzz unrelated two"]
    new["collection"] = None
    return pd.DataFrame([new]), hit


@pytest.mark.parametrize("similarity, low, high", [
    ("poster", 0.999, 1.001),   # the very same poster
    ("both", 0.45, 0.75),       # poster cosine 1, keyword cosine ~0: about the mean
    ("keywords", -0.001, 0.2),  # unrelated keywords
])
def test_poster_similarity_finds_a_hit_with_the_same_poster(poster_market, poster_cache,
                                                           similarity, low, high):
    index = CopycatIndex(similarity=similarity, hit_quantile=0.8,
                         poster_cache=poster_cache).fit(poster_market)
    new, hit = _copy_of_a_hit(index, poster_market)
    feats = index.transform(new).iloc[0]
    assert low <= feats["copycat_max_sim"] <= high
    if similarity == "poster":
        top = index.nearest_hits(new, n=1).iloc[0]
        assert top["film_id"] == str(hit["film_id"]) and top["similarity"] > 0.999


def test_poster_similarity_parameters_are_checked(poster_market):
    with pytest.raises(InputError, match="similarity"):
        CopycatIndex(similarity="pixels").fit(poster_market)
    no_posters = poster_market.assign(poster_file=None)
    with pytest.raises(InputError, match="poster"):
        CopycatIndex(similarity="poster").fit(no_posters)


def test_films_from_records_then_forecast_matches_a_dict(product):
    frame = films_from_records([FILM], first_row=None)
    assert forecast_film(product, frame).to_dict() == forecast_film(product, FILM).to_dict()


# ---------------------------------------------------------------- latency work keeps the values
def _pandas_aggregate(role, stats, rows, n_rows):
    """The groupby implementation `_aggregate` had before it was rewritten in numpy."""
    stats = pd.DataFrame(stats).assign(row=rows)
    g = stats.groupby("row")
    known = stats.assign(k=stats["n"] > 0).groupby("row")["k"].sum()
    frame = pd.DataFrame({
        "share_known": known / g.size(), "films_mean": g["n"].mean(), "films_max": g["n"].max(),
        "logrev_mean": g["mean_logrev"].mean(), "logrev_max": g["max_logrev"].max(),
        "logrev_best_mean": g["mean_logrev"].max(), "rating_mean": g["mean_rating"].mean(),
        "logvotes_best_mean": g["mean_logvotes"].max(),
        "years_since_min": g["years_since"].min(),
    }).reindex(range(n_rows))  # a film with nobody listed: NaN (unknown), never 0
    return {f"{role}_{c}": frame[c].to_numpy(float) for c in frame.columns}


def test_fast_history_aggregation_gives_the_same_features_and_forecasts(product, monkeypatch):
    import reelcast.features._history as history

    films = tiny_films().iloc[::7]
    X_new = product.forecaster.transform(films)
    pred_new = product.forecaster.predict(films)
    one = [product.forecaster.transform(films.iloc[[i]]) for i in range(5)]
    monkeypatch.setattr(history, "_aggregate", _pandas_aggregate)
    X_old = product.forecaster.transform(films)
    pd.testing.assert_frame_equal(X_new, X_old, check_exact=False, rtol=1e-12)
    np.testing.assert_allclose(pred_new, product.forecaster.predict(films), rtol=1e-12)
    for i, x in enumerate(one):  # a one-film forecast sees what the batch sees
        pd.testing.assert_frame_equal(x, X_old.iloc[[i]].reset_index(drop=True),
                                      check_exact=False, rtol=1e-12)


def test_prepared_comparables_pool_matches_a_direct_computation(product):
    from reelcast.forecast._explain import _distance_columns

    film = films_from_records([FILM], first_row=None)
    got = forecast_film(product, film).comparables
    X = product.forecaster.transform(film)
    ref = product.comparables
    weights = _distance_columns([c for c in X.columns if c in ref.columns])
    cols = list(weights)
    values = ref[cols].to_numpy(float)
    mean, std = np.nanmean(values, axis=0), np.nanstd(values, axis=0)
    z = np.nan_to_num((values - mean) / np.where(std > 0, std, 1.0))
    zf = np.nan_to_num((X[cols].to_numpy(float)[0] - mean) / np.where(std > 0, std, 1.0))
    if not np.isfinite(X["log_budget_adj"].iloc[0]):
        pytest.skip("the CPI carry-forward path is covered in test_explain")
    dist = np.sqrt(((z - zf) ** 2 * np.array([weights[c] for c in cols])).sum(axis=1))
    dist[pd.to_datetime(ref["release_date"]) >= pd.Timestamp(FILM["release_date"])] = np.inf
    best = np.argsort(dist, kind="stable")[:5]
    assert [c["film_id"] for c in got] == ref["film_id"].iloc[best].tolist()
    np.testing.assert_allclose([c["distance"] for c in got], dist[best], rtol=1e-12)


def test_batch_forecasts_carry_the_same_rating_and_forecast_as_one_film(product):
    from reelcast.forecast._one_film import forecast_batch

    frame = films_from_records([FILM, FILM | {"title": "Other", "budget": 1_000_000}],
                               first_row=None)
    rows = forecast_batch(product, frame)
    one = forecast_film(product, FILM)
    assert rows[0]["rating"] == pytest.approx(one.rating)
    assert rows[0]["log_revenue"] == pytest.approx(one.log_revenue)
    assert all(0 <= r["rating"] <= 10 for r in rows)


def test_product_steps_can_be_rerun_on_a_model_directory(model_dir, tmp_path):
    from reelcast.forecast._hits import save_hits

    again = shutil.copytree(model_dir, tmp_path / "again")
    films = tiny_films()
    save_hits(again, films, threshold=0.4)
    save_hits(again, films, threshold=0.3)
    product = load_product_model(again)  # every hash verifies after the rewrites
    assert product.hits.threshold == 0.3
    with open(again / "genre_model.npz", "ab") as fh:
        fh.write(b"x")
    with pytest.raises(ArtifactError, match="genre_model.npz"):  # tampering is never re-blessed
        save_hits(again, films)


def _pandas_metadata_tail(films, languages):
    """How MetadataFeatures built these columns before the one-frame rewrite (the reference)."""
    from reelcast.features._metadata import CERTIFICATIONS

    date = pd.to_datetime(films["release_date"], errors="coerce")
    lang = films["original_language"].astype("string")
    lang = lang.where(lang.isin(languages) | lang.isna(), other="other").fillna("missing")
    cert = films["certification"].astype("string")
    cert = cert.where(cert.isin(CERTIFICATIONS) | cert.isna(), other="other").fillna("missing")
    return pd.DataFrame({
        "is_summer": date.dt.month.isin([5, 6, 7]).to_numpy(float),
        "is_holiday": ((date.dt.month == 12) | ((date.dt.month == 11) & (date.dt.day >= 15)))
        .to_numpy(float),
        "is_dump_month": date.dt.month.isin([1, 2, 9]).to_numpy(float),
        "language": pd.Categorical(lang, categories=[*languages, "other", "missing"]),
        "is_english": (films["original_language"].astype("string") == "en").astype("Float64")
        .to_numpy(float, na_value=np.nan),
        "certification": pd.Categorical(cert, categories=[*CERTIFICATIONS, "other", "missing"]),
    })


def test_one_frame_metadata_gives_the_same_columns(product):
    films = tiny_films().head(60).copy().reset_index(drop=True)
    films.loc[0:9, "original_language"] = [None, "xx", "en", "fr", None, "EN", "en", "de", "", "ja"]
    films.loc[0:5, "certification"] = [None, "X", "PG-13", "R", "", "NR"]
    films.loc[0:3, "overview"] = [None, "", "  two   words ", "one"]
    films.loc[0:1, "release_date"] = [pd.NaT, pd.Timestamp("2016-11-20")]
    films.at[2, "cast"] = None
    metadata = product.forecaster.features_.metadata_
    got = metadata.transform(films)
    want = _pandas_metadata_tail(films, metadata.languages_)
    pd.testing.assert_frame_equal(got[list(want.columns)], want, check_exact=True)
