"""The P-EL stack: time-ordered folds, Caruana selection, pretraining variants, artifacts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.estimator_checks import parametrize_with_checks

from reelcast._errors import ArtifactError, InputError, NotFittedError
from reelcast.models.stack import (
    PRESETS,
    RATING_PRIOR,
    EnsembleSelection,
    StackedRegressor,
    StackForecaster,
    TimeOrderedFolds,
    load_stack,
)
from reelcast.models.stack._pretrain import fit_rating_prior
from reelcast.models.tabular import RandomForestModel

TINY_GBM = {"n_estimators": 40, "learning_rate": 0.1, "min_child_samples": 5,
            "early_stopping_rounds": 10, "n_jobs": 1}
TINY = [("lgbm", TINY_GBM), ("rf", {"n_estimators": 20, "n_jobs": 1})]


@parametrize_with_checks([
    StackedRegressor(preset="fast", models=[("lgbm", {**TINY_GBM, "min_child_samples": 3})],
                     n_folds=2, min_train_fraction=0.5, ensemble_iterations=5)
])
def test_sklearn_compatible(estimator, check):
    # without ``time`` the rows are taken to be in time order, so sklearn's checks apply as is
    check(estimator)


def _problem(n: int = 300, seed: int = 0):
    """Features with NaNs and a category, a target, dates, and a rating set indexed by film."""
    rng = np.random.default_rng(seed)
    index = pd.Index([f"film{i}" for i in range(n)], name="film_id")
    X = pd.DataFrame({
        "budget": rng.normal(size=n),
        "stars": rng.normal(size=n),
        "noise": rng.normal(size=n),
        "language": pd.Categorical(rng.choice(["en", "fr", "ja"], size=n)),
    }, index=index)
    X.loc[rng.random(n) < 0.1, "budget"] = np.nan
    quality = rng.normal(size=n)
    y = (1.5 * X["budget"].fillna(0).to_numpy() + X["stars"].to_numpy() + 0.8 * quality
         + 0.3 * rng.normal(size=n) + 17)
    rating = 6 + quality + 0.2 * rng.normal(size=n)  # rating knows the hidden quality
    dates = pd.Series(pd.Timestamp("2000-01-01") + pd.to_timedelta(
        rng.integers(0, 4000, size=n), unit="D"), index=index)
    return X, y, dates, rating


def _tiny(**kw) -> StackedRegressor:
    params = {"preset": "fast", "models": TINY, "n_layers": 2, "n_folds": 3,
              "min_train_fraction": 0.3, "ensemble_iterations": 20}
    return StackedRegressor(**{**params, **kw})


class TimeSpy(RegressorMixin, BaseEstimator):
    """Predicts the latest time it was trained on: an OOF value reveals the fold's training set."""

    def fit(self, X, y):
        self.latest_ = float(np.max(X["t"]))
        return self

    def predict(self, X):
        return np.full(len(X), self.latest_)


def test_oof_predictions_never_use_a_later_or_same_time_row():
    X, y, dates, _ = _problem(200)
    t = np.arange(len(y), dtype=float)
    np.random.default_rng(1).shuffle(t)
    t = np.floor(t / 3)  # ties: three rows share each time
    stack = StackedRegressor(models=[TimeSpy()], n_layers=2, n_folds=4,
                             min_train_fraction=0.25, pretrain_mode="none")
    stack.fit(X.assign(t=t), y, time=t)
    for layer, oof in enumerate(stack.oof_):
        has = ~np.isnan(oof[:, 0])
        assert has.sum() > 0
        # the spy's OOF value is the max training time of the fold that predicted the row
        assert np.all(oof[has, 0] < t[has]), f"layer {layer + 1} saw its own future"
        for train, valid in stack.folds_[layer]:
            assert t[train].max() < t[valid].min()
    # the earliest rows only train: no OOF for them in layer 1
    assert np.isnan(stack.oof_[0][t < np.quantile(t, 0.2), 0]).all()


@pytest.mark.parametrize(
    ("times", "n_folds", "min_train", "expected_valid"),
    [
        ([1, 2, 3, 4, 5, 6], 2, 0.33, [[2, 3], [4, 5]]),
        ([1, 1, 1, 2, 2, 3, 3, 4], 2, 0.3, [[3, 4, 5, 6], [7]]),  # ties move boundaries forward
        ([5, 4, 3, 2, 1, 0], 1, 0.5, [[0, 1, 2]]),  # unsorted input: positions of the latest rows
    ],
)
def test_time_ordered_folds(times, n_folds, min_train, expected_valid):
    folds = TimeOrderedFolds(n_folds, min_train).split(np.asarray(times, float))
    assert [sorted(v.tolist()) for _, v in folds] == expected_valid
    times = np.asarray(times, float)
    for train, valid in folds:
        assert times[train].max() < times[valid].min()
        assert set(train) == set(np.where(times < times[valid].min())[0])


@pytest.mark.parametrize(
    ("times", "n_folds", "min_train", "message"),
    [
        ([1, 1, 1, 1], 2, 0.3, "too few distinct"),
        ([1, 2, 3], 0, 0.3, "n_folds"),
        ([1, 2, 3], 2, 1.0, "min_train_fraction"),
        ([1, np.nan, 3], 2, 0.3, "missing"),
    ],
)
def test_time_ordered_folds_errors(times, n_folds, min_train, message):
    with pytest.raises(InputError, match=message):
        TimeOrderedFolds(n_folds, min_train).split(np.asarray(times, float))


@pytest.mark.parametrize(
    ("columns", "n_iterations", "expected"),
    [
        (["truth", "noise"], 10, [1.0, 0.0]),  # a perfect model takes all the weight
        (["plus", "minus"], 10, [0.5, 0.5]),  # two opposite biases cancel out
        (["plus", "plus", "minus"], 4, [0.5, 0.0, 0.5]),  # ties go to the earlier duplicate
    ],
)
def test_caruana_weights(columns, n_iterations, expected):
    rng = np.random.default_rng(0)
    y = rng.normal(size=200)
    make = {"truth": y, "noise": y + rng.normal(size=200), "plus": y + 1.0, "minus": y - 1.0}
    P = np.column_stack([make[c] for c in columns])
    ens = EnsembleSelection(n_iterations).fit(P, y)
    np.testing.assert_allclose(ens.weights_, expected)
    assert ens.weights_.sum() == pytest.approx(1.0)
    # the kept weights are the best step of the greedy path
    kept = np.sqrt(np.mean((ens.predict(P) - y) ** 2))
    assert kept == pytest.approx(ens.trajectory_.min())


@pytest.mark.parametrize(
    ("P", "y", "n", "message"),
    [
        (np.zeros((3, 0)), np.zeros(3), 5, "n_models"),
        (np.zeros((3, 2)), np.zeros(4), 5, "n_rows=4"),
        (np.full((3, 1), np.nan), np.zeros(3), 5, "NaN"),
        (np.zeros((3, 1)), np.zeros(3), 0, "n_iterations"),
    ],
)
def test_caruana_errors(P, y, n, message):
    with pytest.raises(InputError, match=message):
        EnsembleSelection(n).fit(P, y)


def test_stack_fits_small_problem_and_beats_the_mean(tmp_path):
    X, y, dates, _ = _problem(300)
    train = (dates < "2008-01-01").to_numpy()
    stack = _tiny(pretrain_mode="none").fit(X[train], y[train], time=dates[train])
    pred = stack.predict(X[~train])
    rmse = np.sqrt(np.mean((pred - y[~train]) ** 2))
    assert rmse < 0.7 * np.std(y[~train])
    assert sum(stack.weights.values()) == pytest.approx(1.0)
    assert all(w >= 0 for w in stack.weights.values())
    assert [len(cols) for cols in stack.layer_columns_] == [2, 2]
    # save → load → identical predictions, and the artifact holds native files only
    stack.save(tmp_path / "stack")
    loaded = load_stack(tmp_path / "stack")
    np.testing.assert_array_equal(loaded.predict(X[~train]), pred)
    files = {p.name for p in (tmp_path / "stack").rglob("*") if p.is_file()}
    assert {"stack.json", "model.txt", "trees.npz"} <= files
    assert not any(f.endswith((".pkl", ".joblib", ".pickle")) for f in files)
    # a stack saved before the format tags ("format_version": 1) still loads
    state = json.loads((tmp_path / "stack" / "stack.json").read_text())
    state["format_version"] = 1
    del state["format"]
    (tmp_path / "stack" / "stack.json").write_text(json.dumps(state))
    np.testing.assert_array_equal(load_stack(tmp_path / "stack").predict(X[~train]), pred)


def test_stack_on_the_synthetic_market_with_pretraining(tmp_path):
    from reelcast.data import make_market
    from reelcast.features import PreReleaseFeatures

    films = make_market(600, seed=3).set_index("film_id", drop=False)
    X = PreReleaseFeatures().fit(films).transform(films)
    X.index = films.index
    ok = ((films["revenue"] > 0) & (films["budget"] > 0)).to_numpy()
    rated = films["rating"].notna().to_numpy()
    stack = StackedRegressor(preset="fast", models=TINY, pretrain_mode="both",
                             ensemble_iterations=10)
    stack.fit(X[ok], np.log(films.loc[ok, "revenue"].to_numpy()),
              time=films.loc[ok, "release_date"],
              pretrain=(X[rated], films.loc[rated, "rating"].to_numpy()))
    assert stack.pretrain_mode_ == "both"
    assert RATING_PRIOR in stack.layers_[0][0][1].feature_names_in_
    pred = stack.predict(X[ok])
    assert np.isfinite(pred).all() and pred.shape == (ok.sum(),)
    stack.save(tmp_path / "s")
    np.testing.assert_array_equal(StackedRegressor.load(tmp_path / "s").predict(X[ok]), pred)


@pytest.mark.parametrize("mode", ["none", "continue", "prior", "both"])
def test_every_pretrain_mode_fits(mode):
    X, y, dates, rating = _problem(240)
    stack = StackedRegressor(preset="fast", models=TINY, n_folds=2, pretrain_mode=mode,
                             ensemble_iterations=5)
    stack.fit(X, y, time=dates, pretrain=(X, rating))
    assert stack.pretrain_mode_ == mode
    assert (stack.prior_model_ is not None) == (mode in ("prior", "both"))
    assert np.isfinite(stack.predict(X.head(5))).all()


def test_rating_prior_is_cross_fitted_for_films_whose_rating_was_seen():
    # ratings that are pure noise: only a model that saw a film's own rating can predict it
    X, _, _, _ = _problem(300)
    rating = np.random.default_rng(5).normal(size=300)
    memoriser = RandomForestModel(n_estimators=30, min_samples_leaf=1, max_features=1.0)
    full, prior, oof = fit_rating_prior(memoriser, X, rating, X, n_folds=5, random_state=0)
    in_sample = np.corrcoef(full.predict(X), rating)[0, 1]
    assert in_sample > 0.8  # the memoriser does memorise ...
    assert abs(np.corrcoef(prior, rating)[0, 1]) < 0.25  # ... but the prior never sees it
    np.testing.assert_allclose(prior, oof)  # same films, same index: the OOF predictions


def test_time_column_by_name_is_not_a_feature():
    X, y, dates, _ = _problem(200)
    stack = _tiny(n_layers=1, pretrain_mode="none").fit(X.assign(when=dates), y, time="when")
    assert "when" not in stack.feature_names_in_ and "when" not in stack.columns_
    np.testing.assert_allclose(stack.predict(X.assign(when=dates)), stack.predict(X))


def test_presets_are_plain_dicts_and_resolve():
    assert set(PRESETS) == {"fast", "default", "best"}
    for name in PRESETS:
        config = StackedRegressor(preset=name).resolved_config()
        assert config["n_layers"] >= 1 and config["models"]
    assert StackedRegressor(preset="best", n_layers=3).resolved_config()["n_layers"] == 3


@pytest.mark.parametrize(
    ("kwargs", "fit_kwargs", "message"),
    [
        ({"preset": "huge"}, {}, "'preset' parameter"),
        ({"pretrain_mode": "sometimes"}, {}, "'pretrain_mode' parameter"),
        ({"n_layers": 0}, {}, "'n_layers' parameter"),
        ({"models": []}, {}, "at least one model"),
        ({"models": [42]}, {}, "registry name"),
        ({"models": ["svm"]}, {}, "'model' parameter"),
        ({}, {"time": "when"}, "'time' column 'when'"),
        ({}, {"time": np.arange(3)}, "has 3 values"),
        ({}, {"pretrain": "ratings.csv"}, "'pretrain' parameter"),
        ({}, {"pretrain": (np.zeros((5, 2)), np.zeros(5))}, "must be a DataFrame"),
    ],
)
def test_bad_arguments_raise_input_error(kwargs, fit_kwargs, message):
    X, y, _, _ = _problem(60)
    stack = StackedRegressor(**{"preset": "fast", "models": TINY, **kwargs})
    with pytest.raises(InputError, match=message):
        stack.fit(X, y, **fit_kwargs)


def test_predict_before_fit_and_unsaveable_models(tmp_path):
    with pytest.raises(NotFittedError, match="not fitted"):
        StackedRegressor().predict(np.zeros((2, 2)))
    X, y, _, _ = _problem(60)
    X = X.assign(t=np.arange(60.0))
    stack = StackedRegressor(models=[TimeSpy()], n_layers=1, n_folds=2).fit(X, y)
    with pytest.raises(ArtifactError, match="TimeSpy"):
        stack.save(tmp_path / "s")
    assert not (tmp_path / "s").exists()


def test_stack_forecaster_on_films(monkeypatch):
    from reelcast.data import make_market
    from reelcast.models.stack import _presets

    tiny = {**_presets.PRESETS["fast"], "models": TINY, "n_folds": 2,
            "ensemble_iterations": 5}
    monkeypatch.setitem(_presets.PRESETS, "fast", tiny)
    films = make_market(300, seed=4)
    train = films[films["release_date"] < "2012-01-01"]
    test = films[films["release_date"] >= "2012-01-01"]
    model = StackForecaster(preset="fast", differences=True).fit(train, history=films)
    # ratings of films after the last training film are never a pretraining target
    assert 0 < model.n_pretrain_ <= len(train)
    assert (RATING_PRIOR in model.stack_.layers_[0][0][1].feature_names_in_)
    assert any(c.startswith("diff_") for c in model.stack_.columns_)
    pred = model.predict(test)
    assert pred.shape == (len(test),) and np.isfinite(pred).all()
