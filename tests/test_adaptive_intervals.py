"""Adaptive conformal intervals on a synthetic market with planted heteroscedastic noise.

Small-budget films get extra log-revenue noise (sd 2.5 under $5M, 1.2 for $5–20M, none above),
so a constant band over-covers big films and under-covers small ones; the adaptive methods must
reach nominal coverage within every budget tier on later years.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from reelcast._errors import ArtifactError, InputError, NotFittedError
from reelcast.data import log_revenue, make_market
from reelcast.evaluation import revenue_films
from reelcast.forecast import BoxOfficeForecaster
from reelcast.forecast._adaptive import (
    AdaptiveIntervals,
    budget_tier,
    conformal_quantile,
)
from reelcast.forecast._interval_scores import interval_table, winkler_score
from reelcast.forecast._intervals import INTERVAL_METHODS, fit_intervals, make_intervals
from reelcast.forecast._recalibration import ForecastRecalibration

EXTRA_SD = ((5e6, 2.5), (20e6, 1.2))  # (budget below, extra noise sd)


def _planted(n: int = 4000, seed: int = 3) -> pd.DataFrame:
    films = make_market(n, seed=seed)
    films.attrs = {}
    rng = np.random.default_rng(seed)
    budget = pd.to_numeric(films["budget"], errors="coerce").to_numpy(float)
    sd = np.zeros(len(films))
    for below, extra in reversed(EXTRA_SD):
        sd[budget < below] = extra
    revenue = pd.to_numeric(films["revenue"], errors="coerce").to_numpy(float)
    films["revenue"] = revenue * np.exp(rng.normal(0.0, 1.0, len(films)) * sd)
    return films


@pytest.fixture(scope="module")
def market():
    """Calibration rows (2006–2010) and test rows (2011–2017) of one small forecaster."""
    films = _planted()
    scored = revenue_films(films)
    dates = pd.to_datetime(scored["release_date"])
    train = scored[dates < "2006-01-01"]
    calib = scored[(dates >= "2006-01-01") & (dates < "2011-01-01")]
    test = scored[dates >= "2011-01-01"]
    model = BoxOfficeForecaster(n_estimators=60, num_leaves=8, field_dropout="none",
                                keyword_topics=0, n_jobs=1).fit(train, history=films)
    out = {}
    for name, part in (("calib", calib), ("test", test)):
        X = model.transform(part)
        out[name] = (log_revenue(part), np.asarray(model.model_.predict(X), float), X)
    return out


def _test_frame(intervals, test) -> pd.DataFrame:
    y, pred, X = test
    frame = pd.DataFrame({"y": y, "pred": pred, "tier": budget_tier(X)})
    for level in (0.8, 0.95):
        lo, hi = intervals.predict_interval(pred, level, X)
        frame[f"lo{round(level * 100)}"], frame[f"hi{round(level * 100)}"] = lo, hi
    return frame


@pytest.mark.parametrize("method", ["mondrian", "normalized-mondrian"])
def test_mondrian_methods_cover_every_budget_tier(market, method):
    intervals = fit_intervals(make_intervals(method), *market["calib"])
    table = interval_table(_test_frame(intervals, market["test"]), "tier")
    assert len(table) == 5
    for row in table.itertuples():
        tol80, tol95 = (0.12, 0.08) if row.n < 150 else (0.06, 0.04)
        assert abs(row.cover80 - 0.8) <= tol80, (method, row)
        assert abs(row.cover95 - 0.95) <= tol95, (method, row)
    # the band follows the planted noise: small films' band is wider than big films'
    widths = table.set_index("group")["median_x80"]
    assert widths["$5–20M"] > 3 * widths["$60–150M"]


def test_normalized_covers_overall_and_widens_with_the_noise(market):
    """Normalized alone guarantees coverage on average, not per tier (a tier's bias is not its
    difficulty): overall coverage is nominal and the band follows the planted noise."""
    intervals = fit_intervals(make_intervals("normalized"), *market["calib"])
    frame = _test_frame(intervals, market["test"])
    overall = interval_table(frame, None).iloc[0]
    assert abs(overall.cover80 - 0.8) <= 0.03 and abs(overall.cover95 - 0.95) <= 0.02
    widths = interval_table(frame, "tier").set_index("group")["median_x80"]
    assert widths["$5–20M"] > 2 * widths["$60–150M"]


def test_constant_band_misses_the_planted_tiers(market):
    """The failure the adaptive methods fix: one width cannot fit both noise levels."""
    intervals = fit_intervals(make_intervals("constant"), *market["calib"])
    table = interval_table(_test_frame(intervals, market["test"]), "tier").set_index("group")
    assert table.loc["< $5M", "cover80"] < 0.6
    assert table.loc["$20–60M", "cover80"] > 0.86


def test_adaptive_beats_constant_on_the_interval_score(market):
    scores = {}
    for method in INTERVAL_METHODS:
        intervals = fit_intervals(make_intervals(method), *market["calib"])
        scores[method] = interval_table(_test_frame(intervals, market["test"]), None)
    assert scores["normalized-mondrian"]["winkler80"][0] < scores["constant"]["winkler80"][0]
    assert scores["mondrian"]["winkler80"][0] < scores["constant"]["winkler80"][0]


def test_round_trip_keeps_every_band(market):
    y, pred, X = market["calib"]
    ci = AdaptiveIntervals().fit(y, pred, X)
    back = AdaptiveIntervals.from_dict(json.loads(json.dumps(ci.to_dict())))
    for level in (0.8, 0.95):
        np.testing.assert_allclose(back.predict_interval(pred, level, X),
                                   ci.predict_interval(pred, level, X))
    assert back.half_widths() == ci.half_widths()
    with pytest.raises(ArtifactError):
        AdaptiveIntervals.from_dict({**ci.to_dict(), "format": "other"})


def test_small_groups_fall_back_to_the_pooled_band():
    X = pd.DataFrame({"log_budget": np.log([1e6] * 95 + [2e8] * 5), "log_budget_adj": 15.0,
                      "is_english": 1.0})
    y = np.random.default_rng(0).normal(size=100)
    ci = AdaptiveIntervals(scale="none", min_group=40).fit(y, np.zeros(100), X)
    assert "≥ $150M" not in ci.quantiles_[0.8] and "< $5M" in ci.quantiles_[0.8]
    lo, hi = ci.predict_interval(np.zeros(1), 0.8, X.tail(1))
    assert [lo[0], hi[0]] == pytest.approx(ci.quantiles_[0.8]["all"])


def test_unknown_budget_is_its_own_tier():
    X = pd.DataFrame({"log_budget": [np.nan, np.log(3e6), np.log(2e8)]})
    assert list(budget_tier(X)) == ["unknown budget", "< $5M", "≥ $150M"]


def test_a_budget_on_a_tier_bound_belongs_to_the_tier_above():
    # the features hold log(budget); exp(log(20e6)) is a hair under 20e6
    bounds = [5e6, 20e6, 60e6, 150e6]
    X = pd.DataFrame({"log_budget": np.log(bounds)})
    assert list(budget_tier(X)) == ["$5–20M", "$20–60M", "$60–150M", "≥ $150M"]
    below = pd.DataFrame({"log_budget": np.log(np.array(bounds) - 1)})
    assert list(budget_tier(below)) == ["< $5M", "$5–20M", "$20–60M", "$60–150M"]


def test_bad_parameters_and_unfitted_use_raise():
    X = pd.DataFrame({"log_budget": [1.0] * 20, "log_budget_adj": 1.0, "is_english": 1.0})
    with pytest.raises(InputError, match="scale"):
        AdaptiveIntervals(scale="wide").fit(np.zeros(20), np.zeros(20), X)
    with pytest.raises(InputError, match="levels"):
        AdaptiveIntervals(levels=(1.5,)).fit(np.zeros(20), np.zeros(20), X)
    with pytest.raises(InputError, match="same films"):
        AdaptiveIntervals().fit(np.zeros(19), np.zeros(20), X)
    with pytest.raises(NotFittedError):
        AdaptiveIntervals().predict_interval(np.zeros(1), 0.8, X.head(1))
    with pytest.raises(InputError, match="method"):
        make_intervals("magic")


def test_conformal_quantile_and_winkler_score():
    assert conformal_quantile(np.arange(1, 100.0), 0.8) == 80.0
    assert conformal_quantile(np.arange(5.0), 0.95) == np.inf
    # inside: the width; 1 below at 80%: width + 2/0.2 * 1
    assert list(winkler_score([0.0, -2.0], [-1.0, -1.0], [1.0, 1.0], 0.8)) == pytest.approx(
        [2.0, 12.0])


def test_recalibration_removes_a_planted_tier_bias_and_round_trips():
    rng = np.random.default_rng(1)
    budget = rng.choice([1e6, 3e7, 2e8], size=3000)
    X = pd.DataFrame({"log_budget": np.log(budget)})
    bias = np.where(budget > 1e8, 0.5, np.where(budget < 5e6, -0.2, 0.0))
    pred = rng.normal(17, 1, 3000)
    y = pred + bias + rng.normal(0, 0.3, 3000)
    rc = ForecastRecalibration().fit(y[:2000], pred[:2000], X.iloc[:2000])
    fixed = rc.predict(pred[2000:], X.iloc[2000:])
    tier = budget_tier(X.iloc[2000:])
    for name in set(tier):
        assert abs(np.mean((y[2000:] - fixed)[tier == name])) < 0.05
    back = ForecastRecalibration.from_dict(json.loads(json.dumps(rc.to_dict())))
    np.testing.assert_array_equal(back.predict(pred, X), rc.predict(pred, X))
    # shrinkage pulls a tier toward no shift
    shrunk = ForecastRecalibration(shrinkage=1e9).fit(y, pred, X)
    np.testing.assert_allclose(shrunk.predict(pred, X), pred, atol=1e-6)
    with pytest.raises(InputError, match="shrinkage"):
        ForecastRecalibration(shrinkage=-1).fit(y, pred, X)
    with pytest.raises(ArtifactError):
        ForecastRecalibration.from_dict({"format": "x"})
