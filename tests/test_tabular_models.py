"""Tabular base models: sklearn's estimator checks, native save/load, continued training."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from reelcast._errors import ArtifactError, InputError, NotFittedError, SchemaError
from reelcast.models.tabular import (
    MODEL_REGISTRY,
    CatBoostModel,
    ExtraTreesModel,
    LGBMModel,
    RandomForestModel,
    TabularNetModel,
    XGBModel,
    load_model,
    make_model,
    sample_params,
)

# Small settings so that the ~45 checks per estimator run in seconds.
SMALL = {
    "lgbm": {"n_estimators": 60, "learning_rate": 0.1, "min_child_samples": 5, "n_jobs": 1},
    "xgboost": {"n_estimators": 60, "learning_rate": 0.1, "n_jobs": 1},
    "catboost": {"n_estimators": 60, "learning_rate": 0.1, "n_jobs": 1},
    "rf": {"n_estimators": 20, "n_jobs": 1},
    "extra_trees": {"n_estimators": 20, "n_jobs": 1},
    "nn": {"max_epochs": 60, "hidden_sizes": (64,), "learning_rate": 3e-3, "n_jobs": 1},
}
SMALL_MODELS = [make_model(name, **params) for name, params in SMALL.items()]

# Checks expected to fail, per class, each with its reason. None today: every check passes
# (the only skips are sklearn's own array-API checks, which need SCIPY_ARRAY_API=1).
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {}


@parametrize_with_checks(
    SMALL_MODELS,
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(type(est).__name__, {}),
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _frame(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """A small table with NaNs and a category column; targets `y` and a related `rating`."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "budget": rng.normal(size=n),
        "runtime": rng.normal(size=n),
        "noise": rng.normal(size=n),
        "language": pd.Categorical(rng.choice(["en", "fr", "ja"], size=n)),
    })
    X.loc[rng.random(n) < 0.15, "budget"] = np.nan
    signal = X["budget"].fillna(0).to_numpy() + 0.8 * X["runtime"].to_numpy()
    y = 2.0 * signal + (X["language"] == "fr").to_numpy() + 0.3 * rng.normal(size=n) + 17
    rating = 0.5 * signal + 0.3 * rng.normal(size=n) + 6
    return X, y, rating


@pytest.mark.parametrize("name", sorted(SMALL))
def test_save_load_round_trip_gives_identical_predictions(name, tmp_path):
    X, y, _ = _frame()
    model = make_model(name, **SMALL[name]).fit(X, y)
    model.save(tmp_path / name)
    loaded = load_model(tmp_path / name)
    assert type(loaded) is type(model)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.get_params() == model.get_params()
    # nothing in the directory is a pickle
    names = {p.name for p in (tmp_path / name).iterdir()}
    assert not any(n.endswith((".pkl", ".pickle", ".joblib")) for n in names)


@pytest.mark.parametrize("name", ["lgbm", "xgboost", "catboost", "nn"])
def test_continued_training_starts_from_the_pretrained_model(name):
    X, y, rating = _frame()
    params = {**SMALL[name], "early_stopping_rounds": None}
    pretrained = make_model(name, **params).fit(X, rating)
    # zero extra rounds/epochs is impossible, so continue with one and compare to the start
    one = {"max_epochs": 1} if name == "nn" else {"n_estimators": 1}
    tuned = make_model(name, **{**params, **one, "learning_rate": 1e-6}).fit(
        X, y, init_model=pretrained
    )
    z_pre = (pretrained.predict(X) - pretrained.y_mean_) / pretrained.y_std_
    z_tuned = (tuned.predict(X) - tuned.y_mean_) / tuned.y_std_
    # with a vanishing learning rate the fine-tuned model is the pretrained one, in z units
    np.testing.assert_allclose(z_tuned, z_pre, atol=1e-3)
    # and a real fine-tune moves towards the new target
    real = make_model(name, **params).fit(X, y, init_model=pretrained)
    assert np.corrcoef(real.predict(X), y)[0, 1] > 0.9


@pytest.mark.parametrize("name", ["lgbm", "xgboost", "catboost", "nn"])
def test_continued_training_survives_save_load(name, tmp_path):
    X, y, rating = _frame()
    pretrained = make_model(name, **SMALL[name]).fit(X, rating)
    tuned = make_model(name, **SMALL[name]).fit(X, y, init_model=pretrained)
    tuned.save(tmp_path / "m")
    np.testing.assert_array_equal(load_model(tmp_path / "m").predict(X), tuned.predict(X))


@pytest.mark.parametrize("cls", [RandomForestModel, ExtraTreesModel])
def test_forests_refuse_init_model(cls):
    X, y, rating = _frame(100)
    pretrained = cls(n_estimators=5).fit(X, rating)
    with pytest.raises(InputError, match="cannot continue training"):
        cls(n_estimators=5).fit(X, y, init_model=pretrained)


def test_init_model_of_another_class_is_rejected():
    X, y, rating = _frame(100)
    pretrained = XGBModel(n_estimators=5).fit(X, rating)
    with pytest.raises(InputError, match="init_model"):
        LGBMModel(n_estimators=5).fit(X, y, init_model=pretrained)


def test_unseen_and_missing_categories_predict():
    X, y, _ = _frame()
    model = LGBMModel(**SMALL["lgbm"]).fit(X, y)
    new = X.head(3).copy()
    new["language"] = pd.Categorical(["zz", None, "en"])
    assert np.isfinite(model.predict(new)).all()


def test_early_stopping_uses_the_last_rows_and_records_rounds():
    X, y, _ = _frame(600)
    model = LGBMModel(n_estimators=5000, learning_rate=0.1, early_stopping_rounds=20,
                      n_jobs=1).fit(X, y)
    assert 1 <= model.best_rounds_ < 5000
    assert model.n_rounds_ == model.best_rounds_  # refit on all rows with the rounds found


@pytest.mark.parametrize(
    ("mutate", "error", "message"),
    [
        (lambda X: X.drop(columns=["runtime"]), ValueError, "feature names"),
        (lambda X: X.assign(budget=np.inf), InputError, "infinity"),
        (lambda X: X.assign(runtime="long"), InputError, "runtime"),
    ],
)
def test_bad_predict_input_names_the_column(mutate, error, message):
    X, y, _ = _frame(100)
    model = RandomForestModel(n_estimators=5).fit(X, y)
    with pytest.raises(error, match=message):
        model.predict(mutate(X))


@pytest.mark.parametrize("cls", [LGBMModel, XGBModel, CatBoostModel, RandomForestModel,
                                 ExtraTreesModel, TabularNetModel])
def test_predict_before_fit_raises(cls):
    with pytest.raises(NotFittedError, match="not fitted"):
        cls().predict(np.zeros((2, 2)))


def test_registry_and_search_space():
    assert sorted(MODEL_REGISTRY) == ["catboost", "extra_trees", "lgbm", "nn", "rf", "xgboost"]
    for name, cls in MODEL_REGISTRY.items():
        assert set(cls.default_params) <= set(cls().get_params()), name
        drawn = sample_params(name, random_state=0)
        assert set(drawn) == set(cls.search_space)
        make_model(name, **drawn)  # every drawn configuration is valid
    with pytest.raises(InputError, match="'model' parameter"):
        make_model("svm")
    with pytest.raises(InputError, match="no parameter"):
        make_model("lgbm", depth=3)


def test_a_model_saved_before_the_format_tags_still_loads(tmp_path):
    X, y, _ = _frame(100)
    model = RandomForestModel(n_estimators=3).fit(X, y)
    model.save(tmp_path / "m")
    state = json.loads((tmp_path / "m" / "model.json").read_text())
    state.pop("format")
    (tmp_path / "m" / "model.json").write_text(json.dumps({**state, "format_version": 1}))
    np.testing.assert_array_equal(load_model(tmp_path / "m").predict(X), model.predict(X))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "model.json").unlink(), "model.json is missing"),
        (lambda d: (d / "model.json").write_text("{"), "not valid JSON"),
        (
            lambda d: (d / "model.json").write_text(
                json.dumps({**json.loads((d / "model.json").read_text()),
                            "format": "reelcast.tabular-model/99"})
            ),
            "format 'reelcast.tabular-model/99' is not",
        ),
        (lambda d: (d / "trees.npz").write_bytes(b"junk"), "not a tree archive"),
    ],
)
def test_damaged_artifact_raises_artifact_error(damage, message, tmp_path):
    X, y, _ = _frame(100)
    RandomForestModel(n_estimators=3).fit(X, y).save(tmp_path / "m")
    damage(tmp_path / "m")
    with pytest.raises(ArtifactError, match=message):
        load_model(tmp_path / "m")


def test_numeric_column_turned_text_raises_schema_error():
    X, y, _ = _frame(100)
    model = RandomForestModel(n_estimators=3).fit(X, y)
    bad = X.assign(runtime=pd.Series(["90"] * len(X), dtype="string"))
    with pytest.raises(SchemaError, match="runtime"):
        model.predict(bad)
