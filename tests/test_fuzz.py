"""A bounded fuzz run in CI: ~8 s per target (atheris when installed, else the built-in fuzzer).

The parsers must raise nothing, the new-film reader only ``ReelcastError``, the image loader only
``ImageError``. ``python -m benchmarks.fuzz --seconds 600`` is the long run (results in
``benchmarks/results/fuzz.md``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the fuzz harness lives with the benchmarks
    sys.path.insert(0, str(ROOT))

from benchmarks import fuzz  # noqa: E402

SECONDS = 5


@pytest.mark.parametrize("target", fuzz.TARGETS)
def test_fuzz_target_finds_nothing(target):
    run = fuzz.run_target(target, SECONDS, seed=1)
    assert run.iterations > 100, run
    assert run.findings == [], run.findings


@pytest.mark.parametrize("target", fuzz.TARGETS)
def test_builtin_fuzzer_runs_every_target(target):
    run = fuzz.run_target(target, 0.5, seed=2, engine="builtin")
    assert run.engine == "builtin-mutation" and run.iterations > 10
    assert run.findings == [], run.findings


def test_builtin_fuzzer_reports_an_escaping_exception(monkeypatch):
    # the harness must be able to fail: a target that lets a KeyError out is a finding
    def setup():
        def one_input(data: bytes) -> None:
            if len(data) > 20:
                raise KeyError("planted")
        return one_input

    monkeypatch.setitem(fuzz._SETUP, "parsers", setup)
    run = fuzz.run_target("parsers", 2.0, seed=3, engine="builtin")
    assert run.findings and "KeyError" in run.findings[0]["exception"]


def test_results_are_written(tmp_path):
    runs = [fuzz.FuzzRun("parsers", "builtin-mutation", 1.0, 123, []),
            fuzz.FuzzRun("image", "builtin-mutation", 1.0, 45,
                         [{"exception": "KeyError: 'x'", "input_hex": "00ff"}])]
    fuzz.write_results(runs, tmp_path)
    text = (tmp_path / "fuzz.md").read_text()
    assert "| parsers | builtin-mutation | 1 | 123 |" in text and "KeyError" in text
    assert '"total_iterations": 168' in (tmp_path / "fuzz.json").read_text()
