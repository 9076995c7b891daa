"""Which window a trained model's bands are calibrated on: its data's last two years, or an older
fixed window (issue #17).

Run: ``python -m benchmarks.calibration_window [--corpus DIR] [--data DIR] [--frames-dir DIR]``.
Re-enacts a model whose data ends on a day D: the model trained on the films before D forecasts
the films after it (as-of history frozen at D, as when deployed), and its bands are calibrated
either on the two years before D (``reelcast train``'s default) or on a window that ends four
years before D (what the fixed 2012–2013 window was for the model trained through 2017). Two
data ends: 2016 (test 2016–2017) and 2014 (test 2014–2017, the evaluation protocol's). For the
default band (normalized-mondrian) and the constant one: coverage at 80% and 95%, Winkler score,
median ×-width, and the worst distance from nominal over budget tiers and over years.
``--frames-dir`` caches the forecasts (the slow part). Writes
``benchmarks/results/calibration_window.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import pandas as pd

from benchmarks import load_or_build_corpus
from benchmarks._interval_frames import window_frame
from benchmarks._interval_report import worst_gap
from benchmarks.intervals import score_method
from reelcast.forecast._adaptive import BUDGET_TIERS
from reelcast.forecast._intervals import DEFAULT_METHOD

RESULTS = Path(__file__).parent / "results"
METHODS = (DEFAULT_METHOD, "constant")
# each case: the test window (the films after the data's end) and the two calibration windows
CASES = {
    "data ends 2015-12-31": (("test", "2016-01-01", "2018-01-01"),
                             {"last two years, 2014–15": ("calib", "2014-01-01", "2016-01-01"),
                              "four years older, 2010–11": ("calib", "2010-01-01", "2012-01-01")}),
    "data ends 2013-12-31": (("test", "2014-01-01", "2018-01-01"),
                             {"last two years, 2012–13": ("calib", "2012-01-01", "2014-01-01"),
                              "four years older, 2008–09": ("calib", "2008-01-01", "2010-01-01")}),
}


def frame(films: pd.DataFrame | None, window: tuple, params: dict, folder: Path | None,
          log=print) -> pd.DataFrame:
    """The forecasts of one window (``benchmarks._interval_frames``), cached in ``folder``."""
    tag, start, end = window
    path = None if folder is None else folder / f"{tag}_{start[:4]}_{end[:4]}.parquet"
    if path is not None and path.is_file():
        return pd.read_parquet(path)
    if films is None:
        raise SystemExit(f"no cached forecasts at {path} and no corpus loaded")
    out = window_frame(films, tag, start, end, params, log=log)
    if path is not None:
        folder.mkdir(parents=True, exist_ok=True)
        out.to_parquet(path)
    return out


def summary(tables: dict) -> dict:
    """One row of the comparison from ``score_method``'s tables."""
    overall = tables["overall"][0]
    return {key: overall[key] for key in ("n", "cover80", "cover95", "winkler80", "winkler95",
                                          "median_x80", "mean_residual")} | {
        "tier_gap": 100 * worst_gap(tables["tier"]), "year_gap": 100 * worst_gap(tables["year"]),
        "tiers": tables["tier"], "years": tables["year"]}


def run(films: pd.DataFrame | None, params: dict, folder: Path | None, log=print) -> dict:
    result = {}
    for case, (test_window, windows) in CASES.items():
        test = frame(films, test_window, params, folder, log)
        result[case] = {}
        for label, window in windows.items():
            calib = frame(films, window, params, folder, log)
            result[case][label] = {m: summary(score_method(m, calib, test)) for m in METHODS}
    return result


def markdown(result: dict, command: str, seconds: float) -> str:
    lines = ["### Which window the bands are calibrated on (issue #17)", "",
             f"`{command}`. A model whose data ends on the day named forecasts the films after "
             "it (trained on the films before, as-of history frozen there, every field of the "
             "test films); its bands are calibrated on forecasts of a calibration window by a "
             "model trained before that window, under every calibration field set. *Last two "
             "years*: `reelcast train`'s default (the window follows the training data). *Four "
             "years older*: a window that ends four years before the data does, as the fixed "
             "2012–2013 window did for the model trained through 2017. Worst gap: the largest "
             "distance of 80% or 95% coverage from nominal over the budget tiers / the years.", "",
             "| data | calibration window | band | 80% coverage | 95% coverage | Winkler 80% | "
             "Winkler 95% | median ×-width 80% | worst gap: tiers / years |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for case, windows in result.items():
        for label, methods in windows.items():
            for method, s in methods.items():
                lines.append(
                    f"| {case} ({s['n']:,} test films) | {label} | {method} | "
                    f"{100 * s['cover80']:.1f}% | {100 * s['cover95']:.1f}% | "
                    f"{s['winkler80']:.2f} | {s['winkler95']:.2f} | ×{s['median_x80']:.1f} | "
                    f"{s['tier_gap']:.1f} / {s['year_gap']:.1f} |")
    lines += ["", f"Per budget tier, {METHODS[0]} (80% / 95% coverage, median ×-width 80%):", ""]
    columns = [(case, label) for case, windows in result.items() for label in windows]
    lines.append("| tier | " + " | ".join(f"data to {case[10:14]}: {label}" for case, label in columns)
                 + " |")
    lines.append("|---|" + "---:|" * len(columns))
    seen = {r["group"] for c, w in columns for r in result[c][w][METHODS[0]]["tiers"]}
    tiers = [name for name, _ in BUDGET_TIERS if name in seen] + sorted(
        seen - {name for name, _ in BUDGET_TIERS})
    for tier in tiers:
        cells = []
        for case, label in columns:
            row = {r["group"]: r for r in result[case][label][METHODS[0]]["tiers"]}.get(tier)
            cells.append("–" if row is None else f"{100 * row['cover80']:.0f}% / "
                         f"{100 * row['cover95']:.0f}% (×{row['median_x80']:.1f}, "
                         f"{row['n']:,})")
        lines.append(f"| {tier} | " + " | ".join(cells) + " |")
    lines += ["", f"Wall time {seconds / 60:.1f} min on 2 cores (forecasts and scoring).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("REELCAST_DATA", "../shared/data"))
    parser.add_argument("--corpus", default="artifacts/corpus")
    parser.add_argument("--frames-dir", type=Path, default=None,
                        help="folder caching each window's forecasts as parquet")
    parser.add_argument("--n-jobs", type=int, default=2, help="LightGBM threads")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    windows = [w for test, calibs in CASES.values() for w in (test, *calibs.values())]
    cached = args.frames_dir is not None and all(
        (args.frames_dir / f"{t}_{s[:4]}_{e[:4]}.parquet").is_file() for t, s, e in windows)
    films = None if cached else load_or_build_corpus(args.corpus, args.data)
    result = run(films, {"n_jobs": args.n_jobs}, args.frames_dir)
    seconds = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "calibration_window.json").write_text(json.dumps(
        {"cases": result, "seconds": seconds, "cached_frames": cached}, indent=2,
        default=float) + "\n")
    command = "python -m benchmarks.calibration_window"
    (args.out / "calibration_window.md").write_text(markdown(result, command, seconds))
    print((args.out / "calibration_window.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
