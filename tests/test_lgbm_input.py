"""LightGBM's input built directly from a feature frame predicts exactly what the frame does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

lgb = pytest.importorskip("lightgbm")

from reelcast.models import booster_input, booster_predict  # noqa: E402


@pytest.fixture(scope="module")
def booster():
    rng = np.random.default_rng(0)
    n = 400
    X = pd.DataFrame({
        "a": rng.normal(size=n),
        "kind": pd.Categorical(rng.choice(["x", "y", "z"], n), categories=["x", "y", "z"]),
        "b": np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n)),
        "size": pd.Categorical(rng.choice(["s", "m", "l"], n), categories=["s", "m", "l"]),
    })
    y = (X["a"] + (X["kind"] == "y") * 2 + (X["size"] == "l") - np.nan_to_num(X["b"])).to_numpy()
    model = lgb.LGBMRegressor(n_estimators=40, num_leaves=8, min_child_samples=5, verbose=-1,
                              n_jobs=1).fit(X, y)
    return model.booster_, X


def _frames(X: pd.DataFrame) -> dict[str, pd.DataFrame]:
    odd = X.head(6).copy()
    odd["kind"] = pd.Categorical(["x", None, "z", "y", None, "x"], categories=["x", "y", "z"])
    # the same levels in another order, and a level training never saw: LightGBM remaps both
    odd["size"] = pd.Categorical(["l", "m", "s", "new", "l", None],
                                 categories=["new", "l", "m", "s"])
    return {"training": X, "one row": X.iloc[[3]], "remapped levels": odd}


@pytest.mark.parametrize("which", ["training", "one row", "remapped levels"])
@pytest.mark.parametrize("contrib", [False, True])
def test_the_same_predictions_as_from_the_frame(booster, which, contrib):
    model, X = booster
    frame = _frames(X)[which]
    matrix = booster_input(frame, model)
    assert isinstance(matrix, np.ndarray) and matrix.dtype == np.float64
    np.testing.assert_array_equal(model.predict(matrix, pred_contrib=contrib),
                                  model.predict(frame, pred_contrib=contrib))
    np.testing.assert_array_equal(booster_predict(model, frame, pred_contrib=contrib),
                                  model.predict(frame, pred_contrib=contrib))


def test_other_frames_are_left_to_lightgbm(booster):
    model, X = booster
    ints = X.assign(a=np.arange(len(X)))  # an int column: LightGBM's own conversion decides
    assert booster_input(ints, model) is ints
    dropped = X.drop(columns="size")  # a categorical missing ...
    assert booster_input(dropped, model) is dropped
    with pytest.raises(ValueError):  # ... which LightGBM itself refuses
        model.predict(booster_input(dropped, model))
