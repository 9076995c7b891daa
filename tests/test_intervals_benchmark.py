"""``benchmarks.intervals`` end to end on a small synthetic market: every table and goal row."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reelcast.data import make_market

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the benchmark lives with the benchmarks
    sys.path.insert(0, str(ROOT))

from benchmarks._interval_frames import build_frames  # noqa: E402
from benchmarks.intervals import METHODS, main  # noqa: E402


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    films = make_market(1500, seed=5)
    films.attrs = {}
    path = tmp_path_factory.mktemp("frames") / "frames.parquet"
    build_frames(films, {"n_estimators": 30, "num_leaves": 8, "field_dropout": "none",
                         "keyword_topics": 0, "n_jobs": 1}, log=lambda *_: None).to_parquet(path)
    return path


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
