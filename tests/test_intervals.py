"""Split-conformal intervals: the quantile rule, coverage measurement, persistence in a model dir."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from _tiny_product import tiny_films, tiny_forecaster

from reelcast._errors import ArtifactError, InputError, NotFittedError
from reelcast.evaluation import revenue_films
from reelcast.forecast import load_forecaster, save_forecaster
from reelcast.forecast._intervals import (
    ConformalIntervals,
    calibrate_intervals,
    calibration_window,
    interval_coverage,
    load_intervals,
    save_intervals,
    temporal_interval_coverage,
)
from reelcast.models.forecaster import add_forecaster_files

_tiny = tiny_forecaster


@pytest.fixture(scope="module")
def films():
    return tiny_films()


@pytest.fixture(scope="module")
def model_dir(films, tmp_path_factory):
    model = _tiny().fit(revenue_films(films), history=films)
    return save_forecaster(model, tmp_path_factory.mktemp("intervals") / "model")


@pytest.mark.parametrize("level, expected", [(0.8, 80.0), (0.95, 95.0), (0.5, 50.0)])
def test_quantile_is_the_finite_sample_rank(level, expected):
    # residuals 1..99: the ceil((n+1)·level)-th smallest is exactly 100·level
    ci = ConformalIntervals(levels=(level,)).fit(np.arange(1, 100, dtype=float), np.zeros(99))
    assert ci.quantiles_[level] == expected
    lo, hi = ci.predict_interval(np.array([10.0]), level)
    assert (lo[0], hi[0]) == (10.0 - expected, 10.0 + expected)


def test_too_few_residuals_for_the_level_give_an_unbounded_interval():
    ci = ConformalIntervals(levels=(0.95,)).fit(np.arange(10, dtype=float), np.zeros(10))
    assert math.isinf(ci.quantiles_[0.95])


@pytest.mark.parametrize("levels, y, pred, match", [
    ((1.0,), np.zeros(20), np.zeros(20), "levels"),
    ((0.0,), np.zeros(20), np.zeros(20), "levels"),
    ((0.8,), np.zeros(20), np.zeros(19), "shape"),
    ((0.8,), np.zeros(5), np.zeros(5), "at least 10"),
    ((0.8,), np.full(20, np.nan), np.zeros(20), "at least 10"),
])
def test_bad_fit_input_raises(levels, y, pred, match):
    with pytest.raises(InputError, match=match):
        ConformalIntervals(levels=levels).fit(y, pred)


def test_unfitted_and_uncalibrated_level_raise():
    with pytest.raises(NotFittedError):
        ConformalIntervals().predict_interval(np.zeros(1), 0.8)
    ci = ConformalIntervals().fit(np.zeros(50), np.linspace(-1, 1, 50))
    with pytest.raises(InputError, match="0.9"):
        ci.predict_interval(np.zeros(1), 0.9)


def test_round_trip_and_foreign_format():
    ci = ConformalIntervals().fit(np.zeros(50), np.linspace(-1, 1, 50))
    back = ConformalIntervals.from_dict(json.loads(json.dumps(ci.to_dict())))
    assert back.quantiles_ == ci.quantiles_ and back.n_calibration_ == 50
    with pytest.raises(ArtifactError, match="format"):
        ConformalIntervals.from_dict({"format": "other"})


@pytest.mark.parametrize("y, lo, hi, expected", [
    ([1, 2, 3, 4], [0, 0, 0, 0], [2.5, 2.5, 2.5, 2.5], 0.5),
    ([1, 2, np.nan, 4], [0, 0, 0, 0], [2.5, 2.5, 2.5, 2.5], 2 / 3),
    ([1, 2], [1, 2], [1, 2], 1.0),  # bounds are inclusive
    ([1, 2], [1.5, 2.5], [3, 3], 0.0),
])
def test_interval_coverage_counts_inside(y, lo, hi, expected):
    out = interval_coverage(y, lo, hi, level=0.8)
    assert out["coverage"] == pytest.approx(expected)
    assert out["gap"] == pytest.approx(expected - 0.8)
    assert out["n"] == int(np.isfinite(np.asarray(y, float)).sum())


@pytest.mark.parametrize("y, lo, hi, match", [
    ([1, 2], [0], [3, 3], "one shape"),
    ([np.nan], [0], [1], "finite"),
])
def test_interval_coverage_bad_input(y, lo, hi, match):
    with pytest.raises(InputError, match=match):
        interval_coverage(y, lo, hi)


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_exchangeable_residuals_reach_nominal_coverage(level):
    rng = np.random.default_rng(0)
    ci = ConformalIntervals(levels=(level,)).fit(rng.normal(size=2000), np.zeros(2000))
    y = rng.normal(size=20000)
    lo, hi = ci.predict_interval(np.zeros(20000), level)
    assert abs(interval_coverage(y, lo, hi)["coverage"] - level) < 0.02


@pytest.mark.parametrize("start, end, match", [
    ("2014-01-01", "2012-01-01", "after"),
    ("2030-01-01", "2031-01-01", "calibration window"),
])
def test_calibrate_bad_windows(films, start, end, match):
    with pytest.raises(InputError, match=match):
        calibrate_intervals(films, _tiny, calib_start=start, calib_end=end)


def test_temporal_coverage_measures_each_level(films):
    out = temporal_interval_coverage(films, _tiny)
    assert out["n_test"] > 50 and out["n_calibration"] >= 10
    cov = out["coverage"]
    assert set(cov) == {"0.8", "0.95"}
    for key, row in cov.items():
        assert 0.0 <= row["coverage"] <= 1.0 and row["nominal"] == float(key)
    assert cov["0.95"]["coverage"] >= cov["0.8"]["coverage"]
    assert cov["0.95"]["mean_width_log"] > cov["0.8"]["mean_width_log"]


def test_saved_intervals_are_hashed_and_tamper_evident(films, model_dir, tmp_path):
    assert load_intervals(model_dir) is None
    intervals, info = calibrate_intervals(films, _tiny)
    path = save_intervals(model_dir, intervals, info)
    manifest = json.loads((model_dir / "manifest.json").read_text())
    assert "intervals.json" in manifest["files"]
    load_forecaster(model_dir)  # still verifies
    assert load_intervals(model_dir).quantiles_ == intervals.quantiles_
    path.write_text(path.read_text().replace('"n_calibration"', '"n_calibration" ', 1))
    with pytest.raises(ArtifactError, match="intervals.json"):
        load_forecaster(model_dir)
    with pytest.raises(ArtifactError, match="intervals.json"):
        # a tampered dir is never re-blessed
        add_forecaster_files(model_dir, {"intervals.json": lambda path: None})


def test_add_missing_file_to_manifest_raises(films, tmp_path):
    out = save_forecaster(_tiny().fit(revenue_films(films).head(300)), tmp_path / "m")
    with pytest.raises(ArtifactError, match="'nope.json' to the manifest, it was not written"):
        add_forecaster_files(out, {"nope.json": lambda path: None})


def test_the_default_window_is_the_last_two_years_of_the_scored_films(films):
    last = pd.to_datetime(revenue_films(films)["release_date"]).max()
    end = last + pd.Timedelta(days=1)
    assert calibration_window(films) == (
        (end - pd.DateOffset(years=2)).strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"))
    # a film without revenue after the last scored one does not move the window
    later = films.iloc[:1].assign(release_date=last + pd.Timedelta(days=300), revenue=np.nan)
    assert calibration_window(pd.concat([films, later])) == calibration_window(films)
    assert calibration_window(films, "2011-03-01", "2012-03-01") == ("2011-03-01", "2012-03-01")
    assert calibration_window(films, calib_end="2012-03-01") == ("2010-03-01", "2012-03-01")
    assert calibration_window(films, calib_start="2015-01-01")[1] == end.strftime("%Y-%m-%d")


@pytest.mark.parametrize("start, end, match", [
    ("2015-13-01", None, r"calib_start '2015-13-01' is not a date \(YYYY-MM-DD\)"),
    (None, "soon", r"calib_end 'soon' is not a date \(YYYY-MM-DD\)"),
    ("2014-01-01", "2014-01-01", "calib_end must be after calib_start"),
])
def test_a_bad_window_is_one_line_naming_the_value(films, start, end, match):
    with pytest.raises(InputError, match=match):
        calibration_window(films, start, end)


def test_calibration_follows_the_data_it_is_given(films):
    # the old fixed 2012-2013 window would hold no film of a catalogue that ends in 2009
    dates = pd.to_datetime(films["release_date"])
    early = films[dates < "2010-01-01"]
    _, info = calibrate_intervals(early, _tiny)
    window = calibration_window(early)
    assert (info["calib_start"], info["calib_end"]) == window
    assert window[1] <= "2010-01-01" and info["n_calibration"] >= 10
    _, info = calibrate_intervals(films, _tiny)
    assert (info["calib_start"], info["calib_end"]) == calibration_window(films)
