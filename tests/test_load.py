"""The service under a short load: 10 concurrent clients for ~5 s on loopback, zero errors.

The same code as ``python -m benchmarks.load`` (50 clients, 60 s; figures in
``benchmarks/results/load.md``). No timing is asserted: the CI machine's speed varies.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest
from _tiny_product import tiny_model_dir

pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the load harness lives with the benchmarks
    sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402


def test_ten_clients_for_five_seconds_without_errors():
    result = load.run_load(tiny_model_dir(), clients=10, seconds=5, timeout=120)
    assert result["errors"] == 0, result["error_examples"]
    assert result["ok"] >= 10 and result["requests"] == result["ok"]
    assert result["server_alive_after"] and result["health_after"] == 200
    # graceful: uvicorn stops serving, then re-raises the SIGTERM it caught
    assert result["server_tracebacks"] == 0 and result["server_exit_code"] in (0, -signal.SIGTERM)
    assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"] <= result["max_ms"]
    if sys.platform.startswith("linux"):  # read from /proc: the server did the work
        assert result["server_cores_busy"] > 0


def test_results_are_written(tmp_path):
    def run(workers, rps):
        return {"workers": workers, "clients": 3, "seconds": 1.0, "elapsed_s": 1.2, "requests": 9,
                "ok": 9, "errors": 0, "error_examples": [], "p50_ms": 10.0, "p95_ms": 20.0,
                "p99_ms": 25.0, "max_ms": 30.0, "throughput_rps": rps, "health_after": 200,
                "server_alive_after": True, "server_tracebacks": 0, "server_exit_code": 0,
                "server_cores_busy": 0.9, "load_average_before": 0.5}

    runs = [run(1, 7.5), run(2, 13.5)]
    result = {"clients": 3, "seconds": 1.0, "source": "test", "cpu_count": 2, "runs": runs,
              "throughput_ratio": load.throughput_ratio(runs)}
    md = load.write_results(result, tmp_path)
    assert "| 1 | 9 | 0 | 10.0 | 20.0 | 25.0 | 30.0 | 7.5 | 0.9 | 0.5 |" in md
    assert "| 2 | 9 | 0 | 10.0 | 20.0 | 25.0 | 30.0 | 13.5 | 0.9 | 0.5 |" in md
    assert "1: **1.8**" in md and "--workers 1,2" in md
    assert (tmp_path / "load.json").is_file()


@pytest.mark.parametrize("runs, ratio", [
    ([{"workers": 1, "throughput_rps": 10.0}, {"workers": 2, "throughput_rps": 17.0}], 1.7),
    ([{"workers": 2, "throughput_rps": 17.0}], None),
    ([{"workers": 1, "throughput_rps": 10.0}], None),
])
def test_throughput_ratio(runs, ratio):
    assert load.throughput_ratio(runs) == ratio
