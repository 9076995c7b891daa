"""Benchmark of the P-EL stack (issue #4): base models, ablations, presets and AutoGluon, one run.

Run: ``python -m benchmarks.stack [--corpus DIR] [--data DIR] [--quick] [--skip-autogluon]``.
Writes ``benchmarks/results/stack.json`` and ``benchmarks/results/stack.md``.

Protocol. Films with budget and revenue (``revenue_films``: both ≥ $1,000); target natural-log
worldwide revenue. Temporal split: train < 2014-01-01, test 2014–2017; a random 80/20 split of
the same films beside it (P-EL's protocol; future films leak into training). Features are
reelcast's ``PreReleaseFeatures`` (as-of talent history: each film only sees earlier films).
Rating pretraining uses every film with a rating from at least 10 votes, released before the
training cut-off (temporal) or outside the test set (random); ratings are a target, never an
input. Rows: each base model alone; the forecaster's single LightGBM; the ``--ablation`` stack
without pretraining, with each pretraining variant, with and without temporal differences;
the ``best`` preset; AutoGluon-Tabular ``best_quality`` on the raw corpus columns with the
``best`` preset's fit time as its time limit (temporal split, 2 cores, in a subprocess with
``.venv-bench``). Fit times are medians of ``--repeats`` runs; predict latency is the median of
5 runs for 1 and 10,000 films.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # 2 shared cores: no OpenMP spin-waiting

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks import load_or_build_corpus  # noqa: E402
from benchmarks._stack_report import PUBLISHED, markdown  # noqa: E402
from reelcast.evaluation import (  # noqa: E402
    random_split,
    regression_metrics,
    revenue_films,
    temporal_split,
)
from reelcast.features import PreReleaseFeatures  # noqa: E402
from reelcast.features._differences import TemporalDifferences  # noqa: E402
from reelcast.models.stack import PRESETS, StackedRegressor  # noqa: E402
from reelcast.models.tabular import make_model  # noqa: E402

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parents[1]
BASE_MODELS = {"CatBoost": "catboost", "XGBoost": "xgboost", "LightGBM": "lgbm",
               "RandomForest": "rf", "ExtraTrees": "extra_trees", "NeuralNet": "nn"}
# P-EL differences "director, cast, budget, genre, release date"; reelcast's nearest features
DIFF_COLUMNS = ["log_budget_adj", "runtime", "n_genres", "day_of_year",
                "cast_logrev_best_mean", "director_logrev_best_mean",
                "company_logrev_best_mean", "cast_rating_mean", "director_rating_mean"]
MIN_VOTES = 10
TRAIN_END, TEST_END = "2014-01-01", "2018-01-01"


@dataclass
class Split:
    name: str
    films_train: pd.DataFrame
    films_test: pd.DataFrame
    X_train: pd.DataFrame
    y_train: np.ndarray
    X_test: pd.DataFrame
    y_test: np.ndarray
    X_rating: pd.DataFrame
    y_rating: np.ndarray

    @property
    def time(self) -> pd.Series:
        return self.films_train["release_date"]


def _log(v) -> np.ndarray:
    return np.log(pd.to_numeric(v, errors="coerce").to_numpy(float))


def make_splits(films: pd.DataFrame, X: pd.DataFrame, *, quick: bool, seed: int = 0):
    """The temporal and random splits with their rating-pretraining sets."""
    rev = revenue_films(films)
    rated = films[films["rating"].notna() & (films["vote_count"] >= MIN_VOTES)]
    t_train, t_test = temporal_split(rev, TRAIN_END, TEST_END)
    r_train, r_test = random_split(rev, test_size=0.2, seed=seed)
    out = {
        "temporal": (t_train, t_test, rated[rated["release_date"] < pd.Timestamp(TRAIN_END)]),
        "random": (r_train, r_test, rated[~rated.index.isin(r_test.index)]),
    }
    splits = {}
    rng = np.random.default_rng(seed)
    for name, (train, test, rating) in out.items():
        if quick:  # a smoke run: a few thousand films, same code path
            train = train.loc[np.sort(rng.choice(train.index, min(2500, len(train)), False))]
            test = test.loc[np.sort(rng.choice(test.index, min(800, len(test)), False))]
            rating = rating.loc[np.sort(rng.choice(rating.index, min(5000, len(rating)), False))]
        train = train.sort_values("release_date", kind="stable")
        splits[name] = Split(name, train, test, X.loc[train.index], _log(train["revenue"]),
                             X.loc[test.index], _log(test["revenue"]), X.loc[rating.index],
                             rating["rating"].to_numpy(float))
    return splits


def with_differences(split: Split, films: pd.DataFrame) -> Split:
    """Add ``diff_*`` columns; the predecessor of any film is the latest earlier training film."""
    td = TemporalDifferences(columns=DIFF_COLUMNS)
    dated = lambda X: X.assign(release_date=films.loc[X.index, "release_date"])  # noqa: E731
    td.fit(dated(split.X_train))
    return replace(split, X_train=td.transform(dated(split.X_train)),
                   X_test=td.transform(dated(split.X_test)),
                   X_rating=td.transform(dated(split.X_rating)))


def _score(split: Split, pred) -> dict:
    metrics = regression_metrics(split.y_test, np.asarray(pred, float),
                                 train_median=float(np.median(split.y_train)))
    return {k: metrics[k] for k in ("r2", "rmse", "mae", "spearman", "within_2x")}


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _latency(predict, X: pd.DataFrame, repeats: int = 5) -> dict:
    big = X.sample(n=10_000, replace=True, random_state=0)
    out = {}
    for name, frame in (("1", X.head(1)), ("10000", big)):
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            predict(frame)
            runs.append(time.perf_counter() - start)
        out[name] = statistics.median(runs)
    return out


def _stack(split: Split, preset: str, mode: str, quick: bool, **kw) -> StackedRegressor:
    params = {"verbose": True, **kw}
    if mode != "preset":
        params["pretrain_mode"] = mode
    if quick:
        params.update(n_folds=2, ensemble_iterations=10)
    stack = StackedRegressor(preset=preset, **params)
    pretrain = None if mode == "none" else (split.X_rating, split.y_rating)
    return stack.fit(split.X_train, split.y_train, time=split.time, pretrain=pretrain)


def run_split(split: Split, films: pd.DataFrame, args, log) -> dict:
    rows, fitted = {}, {}
    quick = args.quick
    for label, name in BASE_MODELS.items():
        model, secs = _timed(lambda n=name: make_model(n).fit(split.X_train, split.y_train))
        rows[label] = {**_score(split, model.predict(split.X_test)), "fit_seconds": secs}
        log(f"[{split.name}] {label}: {rows[label]}")
    from reelcast.forecast import BoxOfficeForecaster

    forecaster, secs = _timed(lambda: BoxOfficeForecaster().fit(split.films_train,
                                                                 history=films))
    rows["reelcast forecaster (single LightGBM)"] = {
        **_score(split, forecaster.predict(split.films_test)), "fit_seconds": secs}
    diffs = with_differences(split, films)
    variants = [
        ("none", split, "stack, no pretraining"),
        ("continue", split, "stack + pretrain: continued boosting / warm-started net"),
        ("prior", split, "stack + pretrain: rating-prior feature"),
        ("both", split, "stack + pretrain: both"),
        ("none", diffs, "stack + differences, no pretraining"),
        ("both", diffs, "stack + differences + pretrain both"),
    ]
    for mode, data, label in variants:
        stack, secs = _timed(lambda m=mode, d=data: _stack(d, args.ablation, m, quick))
        rows[f"{label} [{args.ablation}]"] = {**_score(data, stack.predict(data.X_test)),
                                              "fit_seconds": secs, "weights": stack.weights}
        fitted[(mode, data is diffs)] = (stack, secs)
        log(f"[{split.name}] {label}: {rows[f'{label} [{args.ablation}]']}")
    best_data = diffs if args.best_differences else split
    best, secs = _timed(lambda: _stack(best_data, "best", "preset", quick))
    rows["reelcast best preset"] = {**_score(best_data, best.predict(best_data.X_test)),
                                    "fit_seconds": secs, "weights": best.weights}
    log(f"[{split.name}] best: {rows['reelcast best preset']}")
    return {"rows": rows, "n_train": len(split.y_train), "n_test": len(split.y_test),
            "n_rating": len(split.y_rating), "best": (best, secs, best_data),
            "fitted": fitted}


def preset_timings(split: Split, results: dict, args, log) -> dict:
    """Median fit seconds per preset and predict latency for 1 and 10,000 films."""
    out = {}
    for preset in ("fast", "default", "best"):
        mode = PRESETS[preset]["pretrain_mode"]
        runs, model = [], None
        if preset == "best":
            model, secs, data = results["best"]
            runs.append(secs)
        elif preset == args.ablation and (mode, False) in results["fitted"]:
            model, secs = results["fitted"][(mode, False)]
            runs.append(secs)
        repeats = args.best_repeats if preset == "best" else args.repeats
        out[preset] = _time_preset(split, preset, repeats, args.quick, runs, model)
        log(f"timing {preset}: {out[preset]}")
    return out


def _time_preset(split: Split, preset: str, repeats: int, quick: bool, runs=(),
                 model=None) -> dict:
    """Fit ``preset`` until ``repeats`` fit times exist (``runs`` already measured, ``model`` the
    last fit), then time predictions of the last model."""
    runs = list(runs)
    while len(runs) < repeats:
        model, secs = _timed(lambda: _stack(split, preset, "preset", quick))
        runs.append(secs)
    return {"fit_seconds": runs, "fit_seconds_median": statistics.median(runs),
            "pretrain_mode": PRESETS[preset]["pretrain_mode"],
            "predict_seconds": _latency(model.predict, split.X_test)}


def _save(out: Path, report: dict) -> int:
    """Write ``stack.json`` and ``stack.md`` into ``out`` and print the Markdown."""
    (out / "stack.json").write_text(json.dumps(report, indent=2, default=str))
    text = markdown(report)
    (out / "stack.md").write_text(text)
    print(text)
    return 0


def _retime(split: Split, args, log) -> int:
    """Fresh fit-time medians of the fast and default presets, written into the saved report."""
    out = Path(args.out)
    report = json.loads((out / "stack.json").read_text())

    def retime() -> dict:
        for preset in ("fast", "default"):
            report["timings"][preset] = _time_preset(split, preset, args.repeats, args.quick)
            log(f"timing {preset}: {report['timings'][preset]}")
        return {"presets": ["fast", "default"]}

    report["retimed"] = _run_recorded(retime)
    return _save(out, report)


def _rerun_best(split: Split, args, log) -> int:
    """Fresh medians for the two single-run rows: the ``best`` preset and AutoGluon.

    ``best`` is fit ``--best-repeats`` times (0 keeps the saved row and its timing), then
    AutoGluon ``--autogluon-repeats`` times with the median ``best`` fit time as its time limit.
    Fit times become medians and every run's log-RMSE is kept; the AutoGluon row shows the run
    with the median log-RMSE. A failed AutoGluon run leaves the saved row alone and its error is
    recorded under ``autogluon_rerun``.
    """
    out = Path(args.out)
    report = json.loads((out / "stack.json").read_text())
    if args.best_repeats > 0:
        report["best_rerun"] = _run_recorded(lambda: _refit_best(split, report, args, log))
    limit = report["timings"]["best"]["fit_seconds_median"]
    if args.autogluon_repeats > 0:
        report["autogluon_rerun"] = _run_recorded(
            lambda: _refit_autogluon(split, report, limit, args, log))
    if args.autogluon_on_features:
        # same budget, reelcast's features instead of raw columns: separates what the features
        # bring from what the ensembling brings
        run = _run_recorded(lambda: run_autogluon(split, limit, args, log, features=True))
        log(f"AutoGluon on reelcast features: {run.get('rmse', run)}")
        report["autogluon_on_features"] = run
    return _save(out, report)


def _run_recorded(fn) -> dict:
    """Run ``fn`` (which returns a dict) and add the load average and wall time around it."""
    load_start, started = os.getloadavg(), time.perf_counter()
    record = fn()
    return {**record, "loadavg_start": load_start, "loadavg_end": os.getloadavg(),
            "total_seconds": time.perf_counter() - started}


def _refit_best(split: Split, report: dict, args, log) -> dict:
    runs, rmses, best, scores = [], [], None, None
    for i in range(args.best_repeats):
        best, secs = _timed(lambda: _stack(split, "best", "preset", args.quick))
        runs.append(secs)
        scores = _score(split, best.predict(split.X_test))
        rmses.append(scores["rmse"])
        log(f"best run {i + 1}: {secs:.0f}s, log-RMSE {rmses[-1]:.4f}")
    timing = _time_preset(split, "best", len(runs), args.quick, runs, best)
    report["timings"]["best"] = timing
    report["splits"]["temporal"]["rows"]["reelcast best preset"] = {
        **scores, "fit_seconds": timing["fit_seconds_median"],
        "weights": best.weights, "rmse_runs": rmses}
    return {"repeats": len(runs)}


def _refit_autogluon(split: Split, report: dict, limit: float, args, log) -> dict:
    runs, errors = [], []
    for i in range(args.autogluon_repeats):
        run = run_autogluon(split, limit, args, log)
        (runs if "rmse" in run else errors).append(run)
        log(f"AutoGluon run {i + 1}: {run.get('rmse', run)}")
    if runs:
        middle = sorted(runs, key=lambda r: r["rmse"])[(len(runs) - 1) // 2]
        report["autogluon"] = {**middle, **_median_autogluon(runs)}
    return {"repeats": len(runs), "errors": [e.get("error") or e.get("skipped") for e in errors]}


def _median_autogluon(runs: list[dict]) -> dict:
    """Median fit time and latency over AutoGluon runs, with each run's score kept."""
    med = statistics.median
    return {"fit_seconds_runs": [r["fit_seconds"] for r in runs],
            "fit_seconds": med(r["fit_seconds"] for r in runs),
            "rmse_runs": [r["rmse"] for r in runs],
            "predict_seconds": {k: med(r["predict_seconds"][k] for r in runs)
                                for k in ("1", "10000")}}


def raw_table(films: pd.DataFrame, y: np.ndarray | None) -> pd.DataFrame:
    """The corpus columns a data scientist would hand to AutoGluon (pre-release fields only)."""
    keep = ["title", "release_date", "budget", "budget_adj", "runtime", "original_language",
            "certification", "genres", "keywords", "cast", "directors", "writers", "companies",
            "collection", "is_sequel", "overview", "tagline"]
    table = films[keep].copy()
    for col in ("genres", "keywords", "cast", "directors", "writers", "companies"):
        table[col] = table[col].map(lambda v: "|".join(v) if isinstance(v, list | tuple |
                                                                       np.ndarray) else "")
    for col in ("title", "original_language", "certification", "collection", "overview",
                "tagline"):
        table[col] = table[col].astype(object)
    table["is_sequel"] = table["is_sequel"].astype("float")
    if y is not None:
        table["log_revenue"] = y
    return table.reset_index(drop=True)


def feature_table(X: pd.DataFrame, y: np.ndarray | None) -> pd.DataFrame:
    """reelcast's pre-release feature matrix as an AutoGluon table (same columns as the stack)."""
    table = X.reset_index(drop=True).copy()
    if y is not None:
        table["log_revenue"] = y
    return table


def run_autogluon(split: Split, time_limit: float, args, log, *, features: bool = False) -> dict:
    """AutoGluon on the raw corpus columns, or with ``features`` on reelcast's feature matrix."""
    python = ROOT / ".venv-bench" / "bin" / "python"
    if not python.exists():
        return {"skipped": f"{python} not found (see benchmarks/stack.py docstring)"}
    with tempfile.TemporaryDirectory(prefix="stack-ag-") as tmp:
        tmp = Path(tmp)
        if features:
            feature_table(split.X_train, split.y_train).to_parquet(tmp / "train.parquet")
            feature_table(split.X_test, None).to_parquet(tmp / "test.parquet")
        else:
            raw_table(split.films_train, split.y_train).to_parquet(tmp / "train.parquet")
            raw_table(split.films_test, None).to_parquet(tmp / "test.parquet")
        cmd = [str(python), str(Path(__file__).parent / "_stack_autogluon.py"),
               str(tmp / "train.parquet"), str(tmp / "test.parquet"), "log_revenue",
               str(time_limit), str(tmp / "out.json")]
        log(f"AutoGluon: time_limit={time_limit:.0f}s")
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env={
            **os.environ, "OMP_NUM_THREADS": "2"})
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            return {"error": proc.stderr[-2000:]}
        result = json.loads((tmp / "out.json").read_text())
    pred = np.asarray(result.pop("predictions"), float)
    return {**result, **_score(split, pred), "wall_seconds_with_startup": wall}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("REELCAST_DATA", "../shared/data"))
    parser.add_argument("--corpus", default="artifacts/corpus")
    parser.add_argument("--ablation", default="fast", choices=sorted(PRESETS),
                        help="preset of the ablation stacks (the committed table: fast)")
    parser.add_argument("--repeats", type=int, default=3, help="fit-time runs of fast/default")
    parser.add_argument("--best-repeats", type=int, default=1, help="fit-time runs of best")
    parser.add_argument("--best-differences", action="store_true",
                        help="give the best preset the difference features")
    parser.add_argument("--splits", default="temporal,random")
    parser.add_argument("--skip-autogluon", action="store_true")
    parser.add_argument("--quick", action="store_true", help="smoke run on a subsample")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--timings-only", action="store_true",
                        help="re-time the fast and default presets (--repeats runs each) into the "
                             "saved stack.json, keeping its scores and the best preset's timing")
    parser.add_argument("--best-only", action="store_true",
                        help="refit the best preset (--best-repeats runs) and AutoGluon "
                             "(--autogluon-repeats runs) into the saved stack.json")
    parser.add_argument("--autogluon-repeats", type=int, default=1)
    parser.add_argument("--render", action="store_true",
                        help="rewrite stack.md from the saved stack.json (no fitting)")
    parser.add_argument("--note", default=None,
                        help="with --render: a sentence on how the saved run was made, kept in "
                             "stack.json and printed under the tables")
    parser.add_argument("--autogluon-on-features", action="store_true",
                        help="with --best-only: also fit AutoGluon once on reelcast's features")
    args = parser.parse_args(argv)
    if args.render:
        report = json.loads((Path(args.out) / "stack.json").read_text())
        if args.note:
            report["note"] = args.note
        return _save(Path(args.out), report)
    log = lambda msg: print(msg, flush=True)  # noqa: E731
    started = time.perf_counter()
    load_start = os.getloadavg()

    films = load_or_build_corpus(args.corpus, args.data).set_index("film_id", drop=False)
    X, secs = _timed(lambda: PreReleaseFeatures().fit(films).transform(films))
    X.index = films.index
    log(f"features: {X.shape} in {secs:.1f}s")
    splits = make_splits(films, X, quick=args.quick)
    if args.timings_only:
        return _retime(splits["temporal"], args, log)
    if args.best_only:
        return _rerun_best(splits["temporal"], args, log)
    report = {"protocol": __doc__.split("\n\n")[2], "quick": args.quick, "corpus": args.corpus,
              "ablation_preset": args.ablation, "best_differences": args.best_differences,
              "presets": PRESETS, "published": PUBLISHED, "splits": {}}
    for name in args.splits.split(","):
        result = run_split(splits[name], films, args, log)
        if name == "temporal":
            report["timings"] = preset_timings(splits[name], result, args, log)
            best_secs = report["timings"]["best"]["fit_seconds_median"]
            report["autogluon"] = ({"skipped": "--skip-autogluon"} if args.skip_autogluon else
                                   run_autogluon(splits[name], best_secs, args, log))
            log(f"AutoGluon: {report['autogluon'].get('rmse', report['autogluon'])}")
        result.pop("best"), result.pop("fitted")
        report["splits"][name] = result
    report["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                         "loadavg_start": load_start, "loadavg_end": os.getloadavg(),
                         "total_seconds": time.perf_counter() - started}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    return _save(out, report)


if __name__ == "__main__":
    raise SystemExit(main())
