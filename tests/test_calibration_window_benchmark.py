"""``benchmarks.calibration_window`` on a small synthetic market: both data ends, both windows."""

from __future__ import annotations

import json

import pytest
from _bench_path import TINY_FRAME_PARAMS as PARAMS

from benchmarks.calibration_window import CASES, METHODS, frame, main
from reelcast.data import make_market


@pytest.fixture(scope="module")
def frames_dir(tmp_path_factory):
    films = make_market(1500, seed=5)
    films.attrs = {}
    folder = tmp_path_factory.mktemp("windows")
    for test, calibs in CASES.values():
        for window in (test, *calibs.values()):
            frame(films, window, PARAMS, folder, log=lambda *_: None)
    return folder


def test_every_window_and_band_is_scored_from_cached_forecasts(frames_dir, tmp_path):
    # every forecast is cached: no corpus is read (the default corpus path does not exist here)
    assert main(["--frames-dir", str(frames_dir), "--out", str(tmp_path),
                 "--corpus", str(tmp_path / "absent")]) == 0
    result = json.loads((tmp_path / "calibration_window.json").read_text())
    assert result["cached_frames"] is True
    assert set(result["cases"]) == set(CASES)
    for case, (test, calibs) in CASES.items():
        assert set(result["cases"][case]) == set(calibs)
        for methods in result["cases"][case].values():
            assert set(methods) == set(METHODS)
            for s in methods.values():
                assert 0 < s["cover80"] <= s["cover95"] <= 1 and s["median_x80"] > 1
                assert 0 <= s["tier_gap"] <= 95 and 0 <= s["year_gap"] <= 95
                years = {r["group"] for r in s["years"]}
                assert years == {str(y) for y in range(int(test[1][:4]), int(test[2][:4]))}
    text = (tmp_path / "calibration_window.md").read_text()
    assert text.count("| data ends ") == sum(len(c) for _, c in CASES.values()) * len(METHODS)
    assert "| tier |" in text


def test_the_worst_gap_is_the_largest_distance_from_nominal():
    from benchmarks._interval_report import worst_gap

    rows = [{"cover80": 0.78, "cover95": 0.95}, {"cover80": 0.80, "cover95": 0.88}]
    assert worst_gap(rows) == pytest.approx(0.07)
