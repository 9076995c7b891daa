"""The forecaster on the synthetic market: it learns, saves natively, and refuses tampering."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin

from reelcast import ArtifactError, NotFittedError
from reelcast.data import make_market
from reelcast.evaluation import evaluate, regression_metrics
from reelcast.forecast import BoxOfficeForecaster, load_forecaster, save_forecaster


@pytest.fixture(scope="module")
def market():
    return make_market(1500, seed=11)


@pytest.fixture(scope="module")
def fitted(market):
    return BoxOfficeForecaster(n_estimators=150, learning_rate=0.08).fit(market)


def test_beats_both_baselines_on_a_temporal_split():
    films = make_market(4000, seed=11)
    result = evaluate(films, {"lgbm": lambda: BoxOfficeForecaster(
        n_estimators=300, learning_rate=0.04, num_leaves=15)}, train_end="2013-01-01",
        rolling_years=())
    t = result.temporal
    assert t["lgbm"]["rmse"] < t["budget-only baseline"]["rmse"] < t["mean baseline"]["rmse"]
    assert t["lgbm"]["r2"] > 0.5


def test_talent_history_is_used(fitted):
    gain = pd.Series(fitted.model_.booster_.feature_importance("gain"),
                     index=fitted.feature_names_in_)
    assert gain.filter(like="cast_").sum() + gain.filter(like="director_").sum() > 0


def test_not_fitted():
    with pytest.raises(NotFittedError):
        BoxOfficeForecaster().predict(make_market(5, seed=0))


def test_save_load_round_trip(tmp_path, fitted, market):
    save_forecaster(fitted, tmp_path / "m", metrics={"r2": 0.5})
    loaded = load_forecaster(tmp_path / "m")
    np.testing.assert_allclose(loaded.predict(market.head(200)), fitted.predict(market.head(200)))
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert manifest["versions"]["lightgbm"] and manifest["features"]
    assert not list((tmp_path / "m").rglob("*.pkl"))


def test_tampered_file_is_refused(tmp_path, fitted):
    save_forecaster(fitted, tmp_path / "m")
    with open(tmp_path / "m" / "lgbm_model.txt", "a") as fh:
        fh.write("\n")
    with pytest.raises(ArtifactError, match="sha256"):
        load_forecaster(tmp_path / "m")


def test_other_major_version_is_refused(tmp_path, fitted):
    save_forecaster(fitted, tmp_path / "m")
    path = tmp_path / "m" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["versions"]["lightgbm"] = "1.0.0"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="lightgbm"):
        load_forecaster(tmp_path / "m")


def test_failed_save_keeps_the_old_model(tmp_path, fitted, monkeypatch):
    save_forecaster(fitted, tmp_path / "m")
    before = (tmp_path / "m" / "manifest.json").read_text()
    import reelcast.models.forecaster._artifact as artifact

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(artifact, "write_json", boom)
    with pytest.raises(OSError):
        save_forecaster(fitted, tmp_path / "m")
    assert (tmp_path / "m" / "manifest.json").read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


class _BudgetSquared(TransformerMixin, BaseEstimator):
    """A made-up extra block: one column from the budget."""

    def fit(self, films, y=None):
        self.fitted_ = True
        return self

    def transform(self, films):
        budget = pd.to_numeric(films["budget"], errors="coerce").to_numpy(float)
        return pd.DataFrame({"budget_sq": np.log1p(budget) ** 2})


def test_extra_feature_blocks_join_the_table(market, tmp_path):
    model = BoxOfficeForecaster(n_estimators=30, extra_features=[("extra", _BudgetSquared())])
    model.fit(market)
    assert "extra_budget_sq" in model.feature_names_in_
    np.testing.assert_allclose(model.transform(market.head(5))["extra_budget_sq"],
                               _BudgetSquared().transform(market.head(5))["budget_sq"])
    with pytest.raises(ArtifactError, match="cannot save this BoxOfficeForecaster: .*'extra'"):
        save_forecaster(model, tmp_path / "m")


def test_make_regressor_carries_the_settings(fitted):
    regressor = fitted.make_regressor()
    assert (regressor.n_estimators, regressor.learning_rate) == (150, 0.08)
    assert not hasattr(regressor, "booster_")  # unfitted: a stacker refits it on its columns


def test_a_directory_saved_before_extra_features_still_loads(tmp_path, fitted, market):
    from reelcast.models.forecaster import add_forecaster_files

    out = save_forecaster(fitted, tmp_path / "m")
    config = json.loads((out / "config.json").read_text())
    del config["params"]["extra_features"]
    add_forecaster_files(out, {"config.json": lambda path: path.write_text(json.dumps(config))})
    np.testing.assert_allclose(load_forecaster(out).predict(market.head(20)),
                               fitted.predict(market.head(20)))


def test_same_seed_same_predictions(market):
    a = BoxOfficeForecaster(n_estimators=60).fit(market).predict(market.head(50))
    b = BoxOfficeForecaster(n_estimators=60).fit(market).predict(market.head(50))
    np.testing.assert_array_equal(a, b)


def test_metrics_agree_with_protocol(market, fitted):
    scored = market.dropna(subset=["revenue"])
    m = regression_metrics(np.log(scored["revenue"]), fitted.predict(scored),
                           train_median=fitted.train_median_)
    assert m["r2"] > 0.6  # in-sample sanity


def _budget_sweep(model, films, factors=(0.25, 0.5, 0.71, 1.0, 1.41, 2.0, 4.0, 16.0)):
    """Each film's log forecast at its budget times each factor (one row per factor)."""
    budget = pd.to_numeric(films["budget"])
    return np.array([model.predict(films.assign(budget=budget * f)) for f in factors])


def test_a_larger_budget_never_lowers_the_forecast(fitted, market):
    films = market[pd.to_numeric(market["budget"]) > 0].head(300)
    steps = np.diff(_budget_sweep(fitted, films), axis=0)
    assert steps.min() >= -1e-9
    assert steps.sum(axis=0).mean() > 0.5  # and the budget still counts
    # every set regressor too: the same films blanked down to the minimal fields
    from reelcast.data import FIELD_SETS, blank_fields

    minimal = blank_fields(films, FIELD_SETS["minimal"])
    assert set(fitted.routes(minimal)) == {"minimal"}
    assert np.diff(_budget_sweep(fitted, minimal), axis=0).min() >= -1e-9


def test_without_the_constraint_the_trees_can_lower_it(market):
    films = market[pd.to_numeric(market["budget"]) > 0].head(300)
    free = BoxOfficeForecaster(n_estimators=150, learning_rate=0.08,
                               monotone_budget=False).fit(market)
    assert np.diff(_budget_sweep(free, films), axis=0).min() < -0.01


def test_budget_constraints_follow_each_feature_direction(fitted):
    from reelcast.features import BUDGET_DIRECTIONS

    columns = list(fitted.feature_names_in_)
    regressor = fitted.make_regressor(columns)
    expected = [BUDGET_DIRECTIONS.get(c, 0) for c in columns]
    assert regressor.get_params()["monotone_constraints"] == expected
    assert expected[columns.index("log_budget")] == 1 and expected[columns.index("cast_lift")] == -1
    assert "monotone_constraints" not in fitted.make_regressor().get_params()
    free = BoxOfficeForecaster(monotone_budget=False).make_regressor(columns)
    assert "monotone_constraints" not in free.get_params()


def test_a_directory_saved_before_the_budget_constraints_says_so(tmp_path, fitted, market):
    from reelcast.models.forecaster import add_forecaster_files

    out = save_forecaster(fitted, tmp_path / "m")
    assert load_forecaster(out).get_params()["monotone_budget"] is True
    config = json.loads((out / "config.json").read_text())
    del config["params"]["monotone_budget"]
    add_forecaster_files(out, {"config.json": lambda path: path.write_text(json.dumps(config))})
    loaded = load_forecaster(out)
    assert loaded.get_params()["monotone_budget"] is False
    np.testing.assert_allclose(loaded.predict(market.head(20)), fitted.predict(market.head(20)))
