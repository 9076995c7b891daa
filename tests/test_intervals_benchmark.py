"""``benchmarks.intervals`` end to end on a small synthetic market: every table and goal row."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _bench_path import TINY_FRAME_PARAMS as PARAMS

from benchmarks._interval_frames import EARLY_WINDOWS, build_frames
from benchmarks._interval_transfer import DESIGNS, transfer_table
from benchmarks.intervals import METHODS, main
from reelcast.data import make_market


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    films = make_market(1500, seed=5)
    films.attrs = {}
    folder = tmp_path_factory.mktemp("frames")
    build_frames(films, PARAMS, log=lambda *_: None).to_parquet(folder / "frames.parquet")
    build_frames(films, PARAMS, log=lambda *_: None, windows=EARLY_WINDOWS).to_parquet(
        folder / "early.parquet")
    return folder / "frames.parquet"


def test_benchmark_writes_every_table(frames, tmp_path):
    assert main(["--frames", str(frames), "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "intervals.json").read_text())
    assert set(METHODS) <= set(result["methods"])
    for m in METHODS:
        tables = result["methods"][m]
        assert {r["group"] for r in tables["scenario"]} == {"full", "form", "core", "minimal",
                                                            "no_budget"}
        assert {r["group"] for r in tables["year"]} == {"2014", "2015", "2016", "2017"}
        assert 0 < tables["overall"][0]["cover80"] < tables["overall"][0]["cover95"] <= 1
    bias = result["bias"]
    assert {"frozen history (today)", "frozen + recalibration"} <= set(bias)
    text = (tmp_path / "intervals.md").read_text()
    assert "### The issue's goals" in text and text.count("| coverage within") == 3
    assert "as shipped: met" in text and "nothing applied: R²" in text
    assert result["transfer"] is None and "transfer table" in text  # no early forecasts given


def test_benchmark_scores_the_early_window_pair(frames, tmp_path):
    early = frames.parent / "early.parquet"
    assert main(["--frames", str(frames), "--early-frames", str(early), "--out",
                 str(tmp_path)]) == 0
    transfer = json.loads((tmp_path / "intervals.json").read_text())["transfer"]
    assert list(transfer) == ["2012–13 / 2014–17", "2008–09 / 2010–13"]
    for entry in transfer.values():
        assert set(entry["designs"]) == set(DESIGNS) and entry["n_test"] > 0
        assert set(entry["designs"]["none"]["budget_20m_plus_by_year"]) <= {"1", "2", "3", "4"}
    assert "### Does a recalibration carry" in (tmp_path / "intervals.md").read_text()


def _drifting(window: str, start: str, n: int, rng) -> pd.DataFrame:
    """Forecasts whose miss is ``0.1 · z · h``: larger films fall further behind each year."""
    days = rng.integers(0, 4 * 365 if window == "test" else 2 * 365, n)
    dates = pd.Timestamp(start) + pd.to_timedelta(days, unit="D")
    budget = np.exp(rng.uniform(np.log(1e6), np.log(3e8), n))
    z, h = np.log(budget) - np.log(15e6), days / 365.25
    pred = rng.normal(16, 2, n)
    return pd.DataFrame({"window": window, "scenario": "full", "release_date": dates,
                         "budget": budget, "y": pred + 0.1 * z * h, "pred": pred,
                         "x_log_budget": np.log(budget)})


def test_only_the_horizon_design_removes_a_planted_drift():
    rng = np.random.default_rng(0)
    frames = pd.concat([_drifting("calib", "2012-01-01", 800, rng),
                        _drifting("test", "2014-01-01", 1600, rng)], ignore_index=True)
    designs = transfer_table({"pair": (frames, "2012-01-01", "2014-01-01")})["pair"]["designs"]
    worst = {d: max(abs(v) for v in s["by_tier"].values()) for d, s in designs.items()}
    assert worst["budget line × horizon"] < 1e-6
    assert worst["none"] > 0.3 and worst["tier shifts"] > 0.15 and worst["budget line"] > 0.15
