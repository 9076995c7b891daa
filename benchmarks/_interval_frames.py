"""The forecasts the interval benchmark scores, built once (the slow part) and cached as parquet.

Two windows mirror deployment: the *calibration* model is trained on films released before
2012 and forecasts 2012–2013; the *test* model is trained before 2014 and forecasts 2014–2017.
Each window's films are forecast under every calibration field set (the named ones of
``reelcast.data.FIELD_SETS`` and every field but the budget),
with the as-of history frozen at the training cut-off (as ``benchmarks.report`` does) and, in a
second column, live (every film released before the forecast film). Beside the point forecast
each row carries the quantile forecasts of LightGBM quantile boosters trained on the same
features (for conformalized quantile regression) and the forecaster's numeric features.
"""

from __future__ import annotations

import copy
import time

import numpy as np
import pandas as pd

from reelcast.data import blank_fields, log_revenue, without_attrs
from reelcast.evaluation import revenue_films
from reelcast.forecast import BoxOfficeForecaster
from reelcast.forecast._intervals import (
    DEFAULT_FIELD_SETS,
    _window,
    field_set_fields,
)

WINDOWS = (("calib", "2012-01-01", "2014-01-01"), ("test", "2014-01-01", "2018-01-01"))
# four years earlier: does what the calibration years teach carry to the test years there too?
EARLY_WINDOWS = (("calib", "2008-01-01", "2010-01-01"), ("test", "2010-01-01", "2014-01-01"))
QUANTILES = (0.025, 0.1, 0.9, 0.975)


def _quantile_boosters(X: pd.DataFrame, y: np.ndarray, seed: int) -> dict:
    import lightgbm as lgb

    return {a: lgb.LGBMRegressor(objective="quantile", alpha=a, n_estimators=300,
                                 learning_rate=0.04, num_leaves=15, min_child_samples=40,
                                 subsample=0.8, subsample_freq=1, colsample_bytree=0.5,
                                 random_state=seed, n_jobs=1, verbose=-1).fit(X, y)
            for a in QUANTILES}


def window_frame(films: pd.DataFrame, tag: str, start: str, end: str, params: dict,
                 log=print) -> pd.DataFrame:
    """Forecasts of ``[start, end)`` films by a model trained before ``start``, every field set."""
    films = without_attrs(films)
    scored = revenue_films(films)
    train, ev = _window(scored, None, start), _window(scored, start, end)
    t0 = time.perf_counter()
    model = BoxOfficeForecaster(**params).fit(train, history=_window(films, None, start))
    log(f"{tag}: forecaster trained on {len(train):,} films in {time.perf_counter() - t0:.0f} s")
    boosters = _quantile_boosters(model.transform(train), log_revenue(train),
                                  params.get("random_state", 0))
    live = copy.deepcopy(model).update_history(films)
    out = []
    for scenario in DEFAULT_FIELD_SETS:
        rows = ev if scenario == "full" else blank_fields(ev, field_set_fields(scenario))
        X = model.transform(rows)
        frame = pd.DataFrame({
            "film_id": rows["film_id"].to_numpy(), "window": tag, "scenario": scenario,
            "release_date": pd.to_datetime(rows["release_date"]).to_numpy(),
            "budget": ev["budget"].astype(float).to_numpy(),
            "language": ev["original_language"].astype(str).to_numpy(),
            "y": log_revenue(ev),
            "pred": model.predict_features(X, model.routes(rows)),
            "pred_live": live.predict(rows)})
        extra = {f"q{a}": booster.predict(X) for a, booster in boosters.items()}
        extra |= {f"x_{c}": X[c].to_numpy() for c in X.columns if X[c].dtype.kind == "f"}
        out.append(pd.concat([frame, pd.DataFrame(extra)], axis=1))
    log(f"{tag}: {len(ev):,} films forecast under {len(DEFAULT_FIELD_SETS)} field sets")
    return pd.concat(out, ignore_index=True)


def build_frames(films: pd.DataFrame, params: dict, log=print,
                 windows: tuple = WINDOWS) -> pd.DataFrame:
    return pd.concat([window_frame(films, *w, params, log=log) for w in windows],
                     ignore_index=True)


def features_of(frame: pd.DataFrame) -> pd.DataFrame:
    """The forecaster's numeric features back from the ``x_`` columns."""
    cols = [c for c in frame.columns if c.startswith("x_")]
    return frame[cols].rename(columns=lambda c: c[2:]).reset_index(drop=True)
