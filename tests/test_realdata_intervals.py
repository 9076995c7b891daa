"""Adaptive intervals on the real corpus: coverage per budget tier on 2014–2017 (realdata).

One forecaster, trained before 2012, forecasts the calibration films (2012–2013) and the test
films (2014–2017): one fit keeps the test fast; conformal coverage needs only that calibration
and test films are scored by the same model.
"""

import numpy as np
import pandas as pd
import pytest

from reelcast.data import load_corpus, log_revenue, without_attrs
from reelcast.evaluation import revenue_films
from reelcast.forecast import BoxOfficeForecaster
from reelcast.forecast._adaptive import budget_tier
from reelcast.forecast._interval_scores import interval_table
from reelcast.forecast._intervals import (
    DEFAULT_FIELD_SETS,
    DEFAULT_METHOD,
    _window,
    calibration_rows,
    fit_intervals,
    make_intervals,
)
from reelcast.forecast._recalibration import ForecastRecalibration

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def scored_test(real_corpus):
    films = without_attrs(load_corpus(real_corpus))
    scored = revenue_films(films)
    # one thread: on a busy 2-core machine LightGBM's two threads wait on each other
    model = BoxOfficeForecaster(n_estimators=400, learning_rate=0.05, field_dropout="none",
                                n_jobs=1).fit(_window(scored, None, "2012-01-01"),
                                              history=_window(films, None, "2012-01-01"))
    calib = calibration_rows(model, _window(scored, "2012-01-01", "2014-01-01"),
                             DEFAULT_FIELD_SETS)
    test = _window(scored, "2014-01-01", "2018-01-01")
    X = model.transform(test)
    return calib, (log_revenue(test), np.asarray(model.model_.predict(X), float), X)


def test_default_intervals_cover_every_budget_tier(scored_test):
    (y_c, pred_c, X_c), (y, pred, X) = scored_test
    # the forecasts drift low over the years after training (issue #17): recalibrate by tier on
    # the calibration films' full-field rows (the first of the stacked field sets) first
    n = len(y_c) // len(DEFAULT_FIELD_SETS)
    recal = ForecastRecalibration().fit(y_c[:n], pred_c[:n], X_c.iloc[:n])
    pred_c, pred = recal.predict(pred_c, X_c), recal.predict(pred, X)
    intervals = fit_intervals(make_intervals(DEFAULT_METHOD), y_c, pred_c, X_c)
    frame = pd.DataFrame({"y": y, "pred": pred, "tier": budget_tier(X)})
    for level in (0.8, 0.95):
        lo, hi = intervals.predict_interval(pred, level, X)
        frame[f"lo{round(level * 100)}"], frame[f"hi{round(level * 100)}"] = lo, hi
    overall = interval_table(frame, None).iloc[0]
    assert abs(overall.cover80 - 0.8) <= 0.04 and abs(overall.cover95 - 0.95) <= 0.025
    table = interval_table(frame, "tier").set_index("group")
    assert len(table) == 5
    print(table.round(3).to_string())
    # this model forecasts 2–5 years past its training (the product's, 0–4): wider tolerances
    # than the issue's ±5 points, which the benchmark measures with the deployed protocol
    for tier, row in table.iterrows():
        tol80, tol95 = (0.12, 0.08) if row.n < 100 else (0.08, 0.06)
        assert abs(row.cover80 - 0.8) <= tol80, (tier, row)
        assert abs(row.cover95 - 0.95) <= tol95, (tier, row)
    # a producer's band: big films' is a fraction of small films' width (×17 against ×97 here)
    assert table.loc["≥ $150M", "median_x80"] * 3 < table.loc["< $5M", "median_x80"]
