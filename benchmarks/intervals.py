"""Interval methods and the recalibration of larger films on the temporal test (issue #17).

Run: ``python -m benchmarks.intervals [--corpus DIR] [--data DIR] [--field-dropout none]
[--frames FILE]``. Trains the forecaster before 2012 (calibration model: forecasts 2012–2013) and
before 2014 (test model: forecasts 2014–2017), each window under every named field set, then
compares constant split-conformal (today), normalized conformal, Mondrian by budget tier, both,
and conformalized quantile regression (CQR, LightGBM quantile boosters): coverage at 80% and 95%
overall and per year, budget tier, language and field set, the Winkler score and the median
×-width ``exp(upper − lower)``. It also shows the mean residual by budget tier before and after
the post-hoc recalibration (``reelcast.forecast._recalibration``), with R² and log-RMSE.
``--frames`` caches the forecasts (the slow part) as parquet: a second run only rescores.
The same forecasts four years earlier (``--early-frames``; built with the main ones) show whether
a recalibration design carries from calibration to test years on a second window pair
(``benchmarks/_interval_transfer.py``).
Writes ``benchmarks/results/intervals.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import load_or_build_corpus
from benchmarks._interval_frames import EARLY_WINDOWS, WINDOWS, build_frames, features_of
from benchmarks._interval_report import markdown
from benchmarks._interval_transfer import transfer_table
from reelcast.evaluation import regression_metrics
from reelcast.forecast._adaptive import budget_tier, conformal_quantile
from reelcast.forecast._interval_scores import interval_table
from reelcast.forecast._intervals import (
    DEFAULT_FIELD_SETS,
    DEFAULT_METHOD,
    INTERVAL_METHODS,
    fit_intervals,
    make_intervals,
)
from reelcast.forecast._recalibration import ForecastRecalibration

RESULTS = Path(__file__).parent / "results"
LEVELS = (0.8, 0.95)
METHODS = (*INTERVAL_METHODS, "cqr")


def _cqr(calib: pd.DataFrame, test: pd.DataFrame, level: float):
    """Conformalized quantile regression: widen the quantile boosters' band by the conformal
    quantile of ``max(q_lo − y, y − q_hi)`` on the calibration films."""
    a = round((1 - level) / 2, 4)
    lo_c, hi_c = f"q{a}", f"q{round(1 - a, 4)}"
    score = np.maximum(calib[lo_c] - calib["y"], calib["y"] - calib[hi_c]).to_numpy()
    q = conformal_quantile(score, level)
    return test[lo_c].to_numpy() - q, test[hi_c].to_numpy() + q


def banded(method: str, calib: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """``test`` with ``lo80/hi80/lo95/hi95`` from ``method`` calibrated on ``calib``."""
    out = test.copy()
    if method != "cqr":
        intervals = fit_intervals(make_intervals(method, LEVELS), calib["y"].to_numpy(),
                                  calib["pred"].to_numpy(), features_of(calib))
    for level in LEVELS:
        tag = f"{round(level * 100)}"
        if method == "cqr":
            lo, hi = _cqr(calib, test, level)
        else:
            lo, hi = intervals.predict_interval(test["pred"].to_numpy(), level, features_of(test))
        out[f"lo{tag}"], out[f"hi{tag}"] = lo, hi
    return out


def _groups(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["year"] = pd.to_datetime(frame["release_date"]).dt.year.astype(str)
    frame["tier"] = budget_tier(features_of(frame))
    frame["lang"] = np.where(frame["language"] == "en", "English", "other")
    return frame


def score_method(method: str, calib: pd.DataFrame, test: pd.DataFrame) -> dict:
    """Every table for one method: overall, per year/tier/language (full fields), per field set."""
    full = _groups(banded(method, calib, test[test["scenario"] == "full"]))
    out = {"overall": interval_table(full, None).to_dict("records")}
    for key in ("year", "tier", "lang"):
        out[key] = interval_table(full, key).to_dict("records")
    scen = _groups(banded(method, calib, test))
    out["scenario"] = interval_table(scen, "scenario").to_dict("records")
    out["scenario_tier"] = {
        s: interval_table(g, "tier").to_dict("records") for s, g in scen.groupby("scenario")}
    return out


def recalibrate(frames: pd.DataFrame, column: str, shrinkage: float) -> tuple[pd.DataFrame, dict]:
    """Both windows with ``pred`` = ``column`` recalibrated by tier shifts learned on the
    calibration window's full-field forecasts (the shifts are returned)."""
    frames = frames.copy()
    frames["pred"] = frames[column]
    calib_full = frames[(frames["window"] == "calib") & (frames["scenario"] == "full")]
    rc = ForecastRecalibration(shrinkage=shrinkage).fit(
        calib_full["y"].to_numpy(), calib_full["pred"].to_numpy(), features_of(calib_full))
    frames["pred"] = rc.predict(frames["pred"].to_numpy(), features_of(frames))
    return frames, rc.to_dict()


def bias_table(frames: pd.DataFrame, variants: dict[str, pd.DataFrame]) -> dict:
    """Mean residual by budget tier and overall accuracy on 2014–2017 (full fields) per variant."""
    out = {}
    for name, f in variants.items():
        test = _groups(f[(f["window"] == "test") & (f["scenario"] == "full")])
        res = test["y"] - test["pred"]
        by_tier = res.groupby(test["tier"]).agg(["size", "mean"])
        metrics = regression_metrics(test["y"].to_numpy(), test["pred"].to_numpy())
        by_year = res.groupby(test["year"]).mean()
        big = test["budget"] >= 20e6
        by_year_big = res[big].groupby(test.loc[big, "year"]).mean()
        out[name] = {"r2": metrics["r2"], "rmse": metrics["rmse"], "mae": metrics["mae"],
                     "mean_residual": float(res.mean()),
                     "by_tier": {t: {"n": int(r["size"]), "mean_residual": float(r["mean"])}
                                 for t, r in by_tier.iterrows()},
                     "by_year": {y: float(v) for y, v in by_year.items()},
                     "by_year_budget_20m_plus": {y: float(v) for y, v in by_year_big.items()}}
    return out


def run(frames: pd.DataFrame, *, shrinkage: float = 0.0, log=print) -> dict:
    variants = {"frozen history (today)": frames.assign(pred=frames["pred"]),
                "live history": frames.assign(pred=frames["pred_live"])}
    variants["frozen + recalibration"], shifts_frozen = recalibrate(frames, "pred", shrinkage)
    variants["live + recalibration"], shifts_live = recalibrate(frames, "pred_live", shrinkage)
    for more in (50.0, 200.0):  # how much the tier shifts' shrinkage matters
        variants[f"frozen + recalibration, shrinkage {more:g}"] = recalibrate(
            frames, "pred", more)[0]
    result = {"bias": bias_table(frames, variants),
              "shifts": {"frozen": shifts_frozen, "live": shifts_live}}
    chosen = variants["frozen + recalibration"]
    calib = chosen[(chosen["window"] == "calib") & chosen["scenario"].isin(DEFAULT_FIELD_SETS)]
    test = chosen[chosen["window"] == "test"]
    result["methods"] = {}
    for method in METHODS:
        t0 = time.perf_counter()
        result["methods"][method] = score_method(method, calib, test)
        log(f"{method}: scored in {time.perf_counter() - t0:.1f} s")
    # the default method calibrated on the full corpus rows only, and without recalibration
    full_calib = calib[calib["scenario"] == "full"]
    result["methods"][f"{DEFAULT_METHOD}, full-field calibration"] = score_method(
        DEFAULT_METHOD, full_calib, test)
    raw = variants["frozen history (today)"]
    result["methods"][f"{DEFAULT_METHOD}, no recalibration"] = score_method(
        DEFAULT_METHOD, raw[(raw["window"] == "calib") & raw["scenario"].isin(DEFAULT_FIELD_SETS)],
        raw[raw["window"] == "test"])
    result["methods"]["constant, no recalibration"] = score_method(
        "constant", raw[(raw["window"] == "calib") & (raw["scenario"] == "full")],
        raw[raw["window"] == "test"])
    return result


def _frames(path: Path | None, films: pd.DataFrame | None, params: dict,
            windows: tuple) -> pd.DataFrame:
    """The forecasts of ``windows``: read from ``path`` if it exists, else built (and saved)."""
    if path is not None and path.is_file():
        return pd.read_parquet(path)
    frames = build_frames(films, params, windows=windows)
    if path is not None:
        frames.to_parquet(path)
    return frames


def _years(windows: tuple) -> str:
    """"2012–13 / 2014–17" for the calibration and test windows (end dates exclusive)."""
    def span(start: str, end: str) -> str:
        return f"{start[:4]}–{str(int(end[:4]) - 1)[-2:]}"  # end is exclusive
    return " / ".join(span(start, end) for _, start, end in windows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("REELCAST_DATA", "../shared/data"))
    parser.add_argument("--corpus", default="artifacts/corpus")
    parser.add_argument("--field-dropout", default=None,
                        help="the forecaster's field_dropout (default: its own default)")
    parser.add_argument("--frames", type=Path, default=None,
                        help="parquet cache of the forecasts: read if present, else written")
    parser.add_argument("--early-frames", type=Path, default=None,
                        help="parquet cache of the 2008-2013 forecasts (the transfer table); "
                             "read if present, else written when the forecasts are built")
    parser.add_argument("--n-jobs", type=int, default=1,
                        help="LightGBM threads (2 on a loaded 2-core machine spin-waits: slower)")
    parser.add_argument("--shrinkage", type=float, default=0.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    params = {"n_jobs": args.n_jobs}
    if args.field_dropout is not None:
        params["field_dropout"] = args.field_dropout
    cached = args.frames is not None and args.frames.is_file()
    films = None if cached else load_or_build_corpus(args.corpus, args.data)
    frames = _frames(args.frames, films, params, WINDOWS)
    # a cached run without cached early forecasts rescores only: no corpus, no transfer table
    early = None if cached and not (args.early_frames and args.early_frames.is_file()) else (
        _frames(args.early_frames, films, params, EARLY_WINDOWS))
    result = run(frames, shrinkage=args.shrinkage)
    result["transfer"] = None if early is None else transfer_table({
        _years(WINDOWS): (frames, WINDOWS[0][1], WINDOWS[1][1]),
        _years(EARLY_WINDOWS): (early, EARLY_WINDOWS[0][1], EARLY_WINDOWS[1][1])})
    result["setup"] = {"corpus": str(args.corpus), "forecaster_params": params,
                       "shrinkage": args.shrinkage, "default_method": DEFAULT_METHOD,
                       "calibration_field_sets": list(DEFAULT_FIELD_SETS),
                       "n_calib": int(((frames["window"] == "calib")
                                       & (frames["scenario"] == "full")).sum()),
                       "n_test": int(((frames["window"] == "test")
                                      & (frames["scenario"] == "full")).sum()),
                       "seconds": time.perf_counter() - start, "cached_frames": cached,
                       "load": Path("/proc/loadavg").read_text().split()[:3]
                       if Path("/proc/loadavg").exists() else None}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "intervals.json").write_text(json.dumps(result, indent=2, default=float) + "\n")
    (args.out / "intervals.md").write_text(markdown(result))
    print((args.out / "intervals.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
