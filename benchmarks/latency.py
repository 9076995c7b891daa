"""Where one forecast's time goes: every part of ``forecast_film`` timed on its own (issue #21).

Run: ``python -m benchmarks.latency (--model DIR | --corpus DIR | --market N) [--runs 5]
[--reps 30] [--baseline REV]``.

Each run is a fresh Python process that loads the model, warms up, then calls each part of a
one-film forecast ``--reps`` times with the inputs ``forecast_film`` gives it (the same film as
``benchmarks.serve``: budget, genres, cast, director, a keyword and an overview; "with poster"
adds a decoded 500×750 JPEG) and reports the median per call; the table shows the median over
``--runs`` runs. The parts are timed in isolation, single-threaded; the two totals are the whole
``forecast_film(...).to_dict()``, where TreeSHAP runs beside the other parts on a second thread.

``--baseline REV`` also times the sources of git revision ``REV`` (extracted with
``git archive`` into a temporary folder), alternating its runs with this tree's runs on the
same model, so that both sides see the same machine load. Writes
``benchmarks/results/latency.json`` and ``latency.md``; the load average before and after is
recorded (timings on a shared machine are slower than on an idle one).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
FILM = {"title": "Night Harbor", "release_date": "2018-05-04", "budget": 90_000_000,
        "genres": ["Action", "Drama"], "cast": ["Tom Hanks"], "directors": ["Ron Howard"],
        "keywords": ["sequel"], "overview": "A harbor pilot finds a stolen ship at night."}
# (key, what the row says); the order of the table
PARTS = (
    ("parse", "validate the record into a one-row frame (`films_from_records`)"),
    ("features", "feature table (`forecaster.transform`: metadata, as-of history, topics)"),
    ("routes", "which field set's regressor forecasts the film (`forecaster.routes`)"),
    ("prediction", "LightGBM forecast on the feature table (not called: the forecast is the "
                   "TreeSHAP sum)"),
    ("shap", "TreeSHAP contributions (`explain_film`)"),
    ("intervals", "80%/95% conformal intervals"),
    ("comparables", "5 comparable earlier films (`nearest_comparables`)"),
    ("rating", "predicted rating (LightGBM)"),
    ("genres", "genre probabilities from the overview"),
    ("hits", "nearest recent hits and copycat flags (`film_hits`)"),
    ("explanation", "explanation per field, fields used / left out, sanity notes"),
    ("to_dict", "the answer as a JSON-ready dict"),
    ("poster_embedding", "poster features of the decoded image (`poster_vector`)"),
    ("genres_poster", "genre probabilities from overview + poster features"),
    ("total", "whole `forecast_film(...).to_dict()`, metadata only"),
    ("total_poster", "whole `forecast_film(...).to_dict()` with the poster"),
)


# ---------------------------------------------------------------- one run (in a child process)
def _poster_image():
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    img = Image.fromarray(rng.integers(0, 255, (750, 500, 3), dtype=np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _parts(product, image) -> dict:
    """``{part: zero-argument callable}``: each does what ``forecast_film`` does for that part."""
    import numpy as np

    from reelcast.forecast import _one_film as one
    from reelcast.forecast._explain import explain_film, nearest_comparables
    from reelcast.forecast._fields import field_report, supplied_fields
    from reelcast.forecast._genres import poster_vector
    from reelcast.forecast._hits import film_hits
    from reelcast.forecast._input import films_from_records
    from reelcast.forecast._rating import predict_rating
    from reelcast.forecast._readable import grouped_explanation, sanity_notes

    forecaster = product.forecaster
    frame = films_from_records([FILM], first_row=None)
    X = forecaster.transform(frame)
    explanation = explain_film(forecaster, frame, top=10, features=X)
    log_pred = np.array([explanation["forecast_log"]])
    comparables = nearest_comparables(product.comparables, forecaster, frame, k=5, features=X)
    row = frame.iloc[0]
    vector = poster_vector(image)
    result = one.forecast_film(product, FILM)

    def explain_parts():
        grouped_explanation(explanation["phi"], explanation["columns"],
                            explanation["baseline_log"], row, X.iloc[0])
        field_report(supplied_fields(row), getattr(forecaster, "field_effects_", None))
        sanity_notes(forecast_usd=float(np.exp(log_pred[0])), budget=float(row["budget"]),
                     release_date=row["release_date"], comparables=comparables,
                     training_end=one.training_end(product))

    parts = {
        "parse": lambda: films_from_records([FILM], first_row=None),
        "features": lambda: forecaster.transform(frame),
        "prediction": lambda: forecaster.predict_features(X),
        "shap": lambda: explain_film(forecaster, frame, top=10, features=X),
        "intervals": lambda: one._intervals(product, log_pred, X),
        "comparables": lambda: nearest_comparables(product.comparables, forecaster, frame, k=5,
                                                   features=X),
        "rating": lambda: predict_rating(product.rating, X),
        "genres": lambda: product.genres.predict(FILM["overview"], None),
        "hits": lambda: film_hits(product.hits, frame, n=5),
        "explanation": explain_parts,
        "to_dict": result.to_dict,
        "poster_embedding": lambda: poster_vector(image),
        "genres_poster": lambda: product.genres.predict(FILM["overview"], vector),
        "total": lambda: one.forecast_film(product, FILM).to_dict(),
        "total_poster": lambda: one.forecast_film(product, FILM, poster_image=image).to_dict(),
    }
    if hasattr(forecaster, "routes"):  # revisions before per-field-set regressors have none
        parts["routes"] = lambda: forecaster.routes(frame)
    return parts


def one_run(model_dir: Path, reps: int) -> dict:
    """Median milliseconds per call of every part, in this process."""
    from reelcast.forecast._one_film import load_product_model

    product = load_product_model(model_dir)
    image = _poster_image()
    parts = _parts(product, image)
    for call in parts.values():  # warm-up: caches, lazy imports, first-call allocations
        for _ in range(3):
            call()
    out = {}
    for name, call in parts.items():
        wall, cpu = [], []
        for _ in range(reps):
            start, start_cpu = time.perf_counter(), time.process_time()
            call()
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        out[name] = statistics.median(wall)
        out[f"{name}_cpu"] = statistics.median(cpu)
    return out


# ---------------------------------------------------------------- the driver
def _source_tree(rev: str, into: Path) -> Path:
    """The ``src`` folder of git revision ``rev``, extracted under ``into``."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _child(src: Path, model_dir: Path, reps: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(
        [str(src), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "benchmarks.latency", "--child",
                           "--model", str(model_dir), "--reps", str(reps)],
                          env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"a timing run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _model_dir(args, work: Path) -> tuple[Path, str]:
    if args.model is not None:
        return args.model, f"model {args.model}"
    from reelcast.evaluation import revenue_films
    from reelcast.forecast import BoxOfficeForecaster, save_forecaster
    from reelcast.forecast._one_film import attach_product_files

    if args.corpus is not None:
        from reelcast.data import load_corpus

        films, source = load_corpus(args.corpus), f"corpus {args.corpus}"
    else:
        from reelcast.data import make_market

        films, source = make_market(args.market, seed=0), f"synthetic market of {args.market} films"
        films.attrs = {}
    model = BoxOfficeForecaster(n_estimators=args.n_estimators, n_jobs=1)
    model.fit(revenue_films(films), history=films)
    out = save_forecaster(model, work / "model")
    attach_product_files(out, films)
    return out, f"{source}, {args.n_estimators} trees"


def _table(result: dict, baseline: dict | None) -> str:
    head = "| part | what | wall ms | CPU ms |"
    rule = "|---|---|---:|---:|"
    if baseline is not None:
        head += " wall before | CPU before | CPU ratio |"
        rule += "---:|---:|---:|"
    lines = [head, rule]
    for key, what in PARTS:
        if key not in result:
            continue
        line = f"| {key} | {what} | {result[key]:.2f} | {result[f'{key}_cpu']:.2f} |"
        if baseline is not None:
            old, old_cpu = baseline.get(key), baseline.get(f"{key}_cpu")
            line += (f" {old:.2f} | {old_cpu:.2f} | {result[f'{key}_cpu'] / old_cpu:.2f} |"
                     if old and old_cpu else " — | — | — |")
        lines.append(line)
    return "\n".join(lines)


def _medians(runs: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def write_results(out: dict, out_dir: Path = RESULTS) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latency.json").write_text(json.dumps(out, indent=2) + "\n")
    base = out.get("baseline")
    cmd = "python -m benchmarks.latency " + out["arguments"]
    md = f"""## One forecast, part by part (issue #21)

`{cmd}` — every part of `forecast_film` called on its own, {out['reps']} calls per part per
run, median per call of the wall time and of the process's CPU time (all its threads; on a
shared machine CPU time moves less with the load than wall time); the table shows the median
of {out['runs']} runs, each a fresh process (`OMP_NUM_THREADS=1`); {out['source']}. The film
is `benchmarks.serve`'s (budget, genres, cast, director, a keyword, an overview); "poster"
parts use a decoded 500×750 JPEG. Parts are timed on their own; in the whole call
(`total`) three quarters of TreeSHAP's trees run on a second thread beside comparables,
rating, genres and hits, and the last quarter after them on the first; with a poster, its
features run on a third thread from the start and TreeSHAP stays whole on the second. So a
total's wall time is less than the sum of its parts.
{"" if base is None else f'''"Before" is git revision `{out['baseline_rev']}` timed in the same
command, its runs alternating with this tree's on the same model.
'''}Machine: {out['cpu_count']} CPUs; load average before `{out['load_before']}`, after
`{out['load_after']}` (other jobs share the machine: an idle one is faster).

{_table(out['result'], base)}
"""
    (out_dir / "latency.md").write_text(md)
    return md


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--model", type=Path, help="an existing calibrated model directory")
    src.add_argument("--corpus", type=Path, help="train on this corpus first")
    src.add_argument("--market", type=int, default=1500,
                     help="train on a synthetic market of N films first (the default)")
    parser.add_argument("--n-estimators", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=5, help="processes per side")
    parser.add_argument("--reps", type=int, default=30, help="calls per part per run")
    parser.add_argument("--baseline", metavar="REV", help="also time git revision REV")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(one_run(args.model, args.reps)))
        return 0
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="reelcast-latency-") as tmp:
        model_dir, source = _model_dir(args, Path(tmp))
        here = ROOT / "src"
        old = _source_tree(args.baseline, Path(tmp) / "baseline") if args.baseline else None
        runs, base_runs = [], []
        for i in range(args.runs):  # a run takes seconds: say where we are
            print(f"timing run {i + 1}/{args.runs}" + (" (this tree, then the baseline)"
                                                       if old else ""), file=sys.stderr)
            runs.append(_child(here, model_dir, args.reps))
            if old is not None:
                base_runs.append(_child(old, model_dir, args.reps))
    shown = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--child"]
    out = {"arguments": " ".join(shown), "source": source, "runs": args.runs, "reps": args.reps,
           "result": _medians(runs), "per_run": runs,
           "baseline_rev": args.baseline, "baseline": _medians(base_runs) if base_runs else None,
           "baseline_per_run": base_runs or None, "cpu_count": os.cpu_count(),
           "load_before": load_before,
           "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    print(write_results(out, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
