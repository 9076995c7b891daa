"""Bookkeeping of ``python -m benchmarks.stack --best-only``: what a refit writes into stack.json.

AutoGluon itself is replaced by a stub here (it lives in ``.venv-bench``, which CI does not
build); the real runs are in ``benchmarks/results/stack.md``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the stack benchmark lives with the benchmarks
    sys.path.insert(0, str(ROOT))

from benchmarks import stack  # noqa: E402
from benchmarks._stack_report import markdown  # noqa: E402

SAVED_AG = {"rmse": 1.9, "r2": 0.6, "mae": 1.5, "spearman": 0.8, "within_2x": 0.3,
            "fit_seconds": 100.0, "time_limit": 90.0,
            "predict_seconds": {"1": 0.5, "10000": 5.0}}


def _report() -> dict:
    best = {"r2": 0.7, "rmse": 1.8, "mae": 1.4, "spearman": 0.85, "within_2x": 0.34,
            "fit_seconds": 90.0}
    split = {"n_train": 10, "n_test": 5, "n_rating": 20, "rows": {"reelcast best preset": best}}
    return {"protocol": "p", "ablation_preset": "fast", "splits": {"temporal": split},
            "autogluon": dict(SAVED_AG),
            "timings": {"best": {"fit_seconds": [90.0], "fit_seconds_median": 90.0,
                                 "pretrain_mode": "both",
                                 "predict_seconds": {"1": 0.1, "10000": 1.0}}}}


def _run(rmse: float, fit: float) -> dict:
    return {**SAVED_AG, "rmse": rmse, "fit_seconds": fit,
            "predict_seconds": {"1": fit / 100, "10000": fit / 10}}


def _args(repeats: int) -> SimpleNamespace:
    return SimpleNamespace(autogluon_repeats=repeats, best_repeats=0, quick=True)


def test_failed_autogluon_runs_keep_the_saved_row_and_record_the_error(monkeypatch):
    monkeypatch.setattr(stack, "run_autogluon",
                        lambda *a, **k: {"error": "Traceback ...\nAssertionError: no time left"})
    report = _report()
    record = stack._refit_autogluon(None, report, 90.0, _args(2), lambda m: None)
    assert report["autogluon"] == SAVED_AG
    assert record["repeats"] == 0 and len(record["errors"]) == 2
    report["autogluon_rerun"] = {**record, "loadavg_start": [1.0], "loadavg_end": [1.0],
                                 "total_seconds": 60.0}
    text = markdown(report)
    assert "AssertionError: no time left" in text and "2 more run(s) failed" in text


def test_autogluon_row_is_the_median_run_with_median_timings(monkeypatch):
    runs = iter([_run(2.0, 300.0), _run(1.7, 100.0), _run(1.85, 200.0), {"error": "boom"}])
    monkeypatch.setattr(stack, "run_autogluon", lambda *a, **k: next(runs))
    report = _report()
    record = stack._refit_autogluon(None, report, 90.0, _args(4), lambda m: None)
    ag = report["autogluon"]
    assert record["repeats"] == 3 and record["errors"] == ["boom"]
    assert ag["rmse"] == 1.85 and ag["rmse_runs"] == [2.0, 1.7, 1.85]
    assert ag["fit_seconds"] == 200.0 and ag["fit_seconds_runs"] == [300.0, 100.0, 200.0]
    assert np.isclose(ag["predict_seconds"]["10000"], 20.0)
    report["autogluon_rerun"] = {**record, "loadavg_start": [1.0], "loadavg_end": [1.0],
                                 "total_seconds": 600.0}
    # best 1.8 against AutoGluon 1.85: (1.85 - 1.8) / 1.85 = 2.7%
    assert "Margin of best over AutoGluon: 2.7% log-RMSE" in markdown(report)


def test_a_first_run_shows_the_margin_the_corpus_and_the_note(tmp_path):
    report = {**_report(), "corpus": "artifacts/corpus-v2"}
    assert "Margin of best over AutoGluon: 5.3% log-RMSE" in markdown(report)  # (1.9-1.8)/1.9
    assert "Corpus: `artifacts/corpus-v2`." in markdown(report)
    (tmp_path / "stack.json").write_text(json.dumps(report))
    assert stack.main(["--render", "--out", str(tmp_path), "--note", "Ran beside a job."]) == 0
    text = (tmp_path / "stack.md").read_text()
    assert "Ran beside a job." in text and "Margin of best" in text
    assert "Ran beside a job." in markdown(json.loads(
        (tmp_path / "stack.json").read_text()))


def test_the_margin_is_not_shown_without_an_autogluon_score():
    report = {**_report(), "autogluon": {"skipped": "--skip-autogluon"}}
    assert "Margin of best" not in markdown(report)


def test_the_board_line_counts_levels_and_families_and_times_the_first_level():
    board = [{"model": "LightGBM_BAG_L1", "fit_time": 40.0},
             {"model": "RandomForestMSE_BAG_L1", "fit_time": 900.0},
             {"model": "RandomForestMSE_BAG_L2", "fit_time": 2000.0}]  # includes its inputs
    report = {**_report(), "autogluon": {**SAVED_AG, "leaderboard": board}}
    text = markdown(report)
    assert "on 2 stack level(s), from 2 families (LightGBM, RandomForestMSE)" in text
    assert "the slowest first-level model, RandomForestMSE_BAG_L1, took 900 s" in text
