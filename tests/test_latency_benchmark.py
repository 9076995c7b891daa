"""``python -m benchmarks.latency``: every part of a forecast runs against today's code, and the
table is written. No timing is asserted."""

from __future__ import annotations

import sys
from pathlib import Path

from _tiny_product import tiny_model_dir

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the benchmark lives with the benchmarks
    sys.path.insert(0, str(ROOT))

from benchmarks import latency  # noqa: E402


def test_one_run_times_every_part():
    result = latency.one_run(tiny_model_dir(), reps=1)
    for key, _ in latency.PARTS:
        assert result[key] > 0 and result[f"{key}_cpu"] >= 0, key


def test_results_are_written_beside_the_baseline(tmp_path):
    parts = {key: 2.0 for key, _ in latency.PARTS} | {f"{k}_cpu": 1.0 for k, _ in latency.PARTS}
    before = {key: 2 * value for key, value in parts.items()}
    out = {"arguments": "--model m --baseline abc", "source": "model m", "runs": 3, "reps": 5,
           "result": parts, "baseline": before, "baseline_rev": "abc", "cpu_count": 2,
           "load_before": "0.1 0.2 0.3", "load_after": "0.4 0.5 0.6"}
    md = latency.write_results(out, tmp_path)
    assert "| shap | TreeSHAP contributions (`explain_film`) | 2.00 | 1.00 | 4.00 | 2.00 | 0.50 |" in md
    assert "git revision `abc`" in md and (tmp_path / "latency.json").is_file()
