"""Per-field-set regressors: which films they forecast, how they save, and what they explain."""

import numpy as np
import pandas as pd
import pytest

from reelcast import InputError
from reelcast.data import OPTIONAL_FIELDS, blank_fields, fields_present, make_market
from reelcast.forecast import (
    BoxOfficeForecaster,
    explain_film,
    feature_contributions,
    load_forecaster,
    save_forecaster,
)

_ALL_BUT_TAXONOMY = tuple(f for f in OPTIONAL_FIELDS
                          if f not in ("story_source", "creative_type", "production_method"))


@pytest.fixture(scope="module")
def market():
    return make_market(900, seed=5)


@pytest.fixture(scope="module")
def complete(market):
    """The market's films that give every field (the poster aside): a blanked copy of one gives
    exactly the fields kept, so its route is the set's own."""
    return market[fields_present(market).drop(columns=["poster"]).all(axis=1).to_numpy()]


@pytest.fixture(scope="module")
def fitted(market):
    return BoxOfficeForecaster(n_estimators=80, learning_rate=0.1).fit(market)


def test_each_named_set_gets_a_regressor_and_reads_no_unread_field(fitted):
    assert set(fitted.set_models_) == {"form", "core", "minimal", "producer", "metadata"}
    # the regressor reads talent and budget; the poster and overview feed other models only
    assert {"budget", "cast", "genres"} <= set(fitted.fields_read_)
    assert "poster" not in fitted.fields_read_ and "overview" not in fitted.fields_read_


@pytest.mark.parametrize(("kept", "route"), [
    ("minimal", "minimal"),
    (("budget",), "minimal"),
    ("core", "core"),
    (("budget", "genres", "runtime"), "core"),  # in core and form: the smaller set wins
    ("form", "form"),
    (("budget", "cast", "overview"), "form"),
    # one or two fields beyond a set: that set's regressor, which also learned them
    ("core+cast", "core"),
    (("budget", "genres", "original_language", "cast"), "minimal"),  # the smallest set wins
    (("budget", "genres", "collection"), "minimal"),
    ("form+collection", "form"),
    ("form+collection+certification", "form"),
    ("core+certification+companies", "core"),
    # near a named set but short of some of its fields: the smallest wider set holding it
    (("budget", "original_language", "cast", "companies"), "metadata"),
    ("core+cast+directors+collection", "metadata"),  # near the form, without its keywords
    ("metadata", "metadata"),
    # three fields beyond every named set, none from the release tables: the producer's
    ("form+collection+certification+companies", "producer"),
    (("budget", "original_language", "cast", "companies", "writers"), "producer"),
    ("producer", "producer"),
    (_ALL_BUT_TAXONOMY, "producer"),  # the distributor is one field beyond it
    ("full", "full"),  # every field of the release tables too: the regressor of all fields
    ("form+collection+certification+distributor", "producer"),  # one beyond it
    ("form+distributor+story_source+creative_type", "full"),
])
def test_a_film_goes_to_the_smallest_set_holding_its_fields(fitted, complete, kept, route):
    film = blank_fields(complete.head(1), kept)
    assert fitted.routes(film)[0] == route


def test_without_set_models_near_one_field_more_goes_to_the_full_regressor(market, complete):
    named = ("form", "core", "minimal")  # the producer and metadata sets would hold core+cast
    model = BoxOfficeForecaster(n_estimators=30, set_models=named, set_models_near=0).fit(market)
    films = blank_fields(complete.head(5), "core+cast")
    assert set(model.routes(films)) == {"full"}
    near = BoxOfficeForecaster(n_estimators=30).fit(market)
    assert set(near.routes(films)) == {"core"}
    # the core regressor learned from the copies with fields beyond core: another regressor
    X = near.transform(films)
    assert not np.allclose(near.set_models_["core"].predict(X), model.set_models_["core"].predict(X))


def test_predict_uses_each_films_regressor(fitted, market):
    films = blank_fields(market.head(50), "core")
    X = fitted.transform(films)
    np.testing.assert_allclose(fitted.predict(films), fitted.set_models_["core"].predict(X))
    assert not np.allclose(fitted.predict(films), fitted.predict_features(X))


def test_explanations_sum_to_the_routed_forecast(fitted, market):
    films = blank_fields(market.head(20), "minimal")
    contrib = feature_contributions(fitted, films)
    np.testing.assert_allclose(contrib.sum(axis=1), fitted.predict(films), atol=1e-6)
    one = explain_film(fitted, films.head(1))
    assert one["forecast_log"] == pytest.approx(fitted.predict(films.head(1))[0], abs=1e-6)


def test_set_models_save_and_load(tmp_path, fitted, market):
    films = pd.concat([blank_fields(market.iloc[i:i + 20], s)
                       for i, s in ((0, "minimal"), (20, "core"), (40, "full"),
                                    (60, "producer"), (80, "metadata"))])
    save_forecaster(fitted, tmp_path / "m")
    assert (tmp_path / "m" / "lgbm_model_core.txt").is_file()
    assert (tmp_path / "m" / "lgbm_model_producer.txt").is_file()
    assert (tmp_path / "m" / "lgbm_model_metadata.txt").is_file()
    loaded = load_forecaster(tmp_path / "m")
    np.testing.assert_allclose(loaded.predict(films), fitted.predict(films))
    assert list(loaded.routes(films)) == list(fitted.routes(films))


def test_a_directory_saved_before_the_subset_copies_says_it_had_none(tmp_path, fitted):
    import hashlib
    import json

    save_forecaster(fitted, tmp_path / "m")
    config_path, manifest_path = tmp_path / "m" / "config.json", tmp_path / "m" / "manifest.json"
    config = json.loads(config_path.read_text())
    assert config["params"]["subset_copies"] == 2
    for key in ("subset_copies", "set_models_near"):  # what an older release wrote
        del config["params"][key]
    config_path.write_text(json.dumps(config))
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["config.json"] = hashlib.sha256(config_path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    params = load_forecaster(tmp_path / "m").get_params()
    assert params["subset_copies"] == 0 and params["set_models_near"] == 0


def test_one_regressor_when_asked(market):
    model = BoxOfficeForecaster(n_estimators=30, set_models=()).fit(market)
    films = blank_fields(market.head(10), "minimal")
    assert set(model.routes(films)) == {"full"}
    np.testing.assert_allclose(model.predict(films), model.predict_features(model.transform(films)))


@pytest.mark.parametrize("near", [-1, 1.5, True])
def test_set_models_near_must_be_a_count(market, near):
    with pytest.raises(InputError, match=f"set_models_near.*{near!r}"):
        BoxOfficeForecaster(n_estimators=10, set_models_near=near).fit(market)


@pytest.mark.parametrize("copies", [-1, 0.5, False])
def test_subset_copies_must_be_a_count(market, copies):
    with pytest.raises(InputError, match=f"subset_copies.*{copies!r}"):
        BoxOfficeForecaster(n_estimators=10, subset_copies=copies).fit(market)


def test_subset_copies_change_only_the_regressors_of_the_wide_sets(market, complete):
    kw = {"n_estimators": 30, "n_jobs": 1}
    with_copies = BoxOfficeForecaster(**kw).fit(market)
    without = BoxOfficeForecaster(**kw, subset_copies=0).fit(market)
    for kept in ("minimal", "form", "core+cast+directors"):  # the named sets' regressors
        films = blank_fields(complete.head(20), kept)
        np.testing.assert_array_equal(with_copies.predict(films), without.predict(films))
    for kept, route in (("full", "full"), ("producer", "producer"), ("metadata", "metadata")):
        films = blank_fields(complete.head(20), kept)
        assert set(with_copies.routes(films)) == {route}
        assert not np.array_equal(with_copies.predict(films), without.predict(films))


def test_unknown_set_is_refused(market):
    with pytest.raises(InputError, match="set_models.*'fancy'"):
        BoxOfficeForecaster(n_estimators=10, set_models=("fancy",)).fit(market)


def test_the_producer_and_metadata_regressors_change_only_the_films_they_serve(complete):
    kw = {"n_estimators": 30, "n_jobs": 1}
    default = BoxOfficeForecaster(**kw).fit(complete)
    named_only = BoxOfficeForecaster(**kw, set_models=("form", "core", "minimal")).fit(complete)
    for kept in ("minimal", "form+collection", "full"):
        films = blank_fields(complete.head(20), kept)
        np.testing.assert_array_equal(default.predict(films), named_only.predict(films))
    for kept in ("producer", "metadata"):
        films = blank_fields(complete.head(20), kept)
        assert set(default.routes(films)) == {kept}
        assert set(named_only.routes(films)) == {"full"}
        assert not np.array_equal(default.predict(films), named_only.predict(films))
