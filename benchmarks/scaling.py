"""Past one process (issue #21): the backtest and poster embedding on 1 and 2 Ray workers.

Run: ``python -m benchmarks.scaling [--corpus DIR] [--data DIR] [--runs 3] [--n-estimators 1500]
[--posters 512] [--quick]``. Writes ``benchmarks/results/scaling.json`` and ``scaling.md``.

Two workloads, each timed (wall clock, median of ``--runs``) in this process without Ray (the
default: LightGBM and torch use their own threads), then on a Ray cluster started here with 1 and
with 2 CPUs (one unit of work per worker, one thread each):

* the rolling-origin backtest of ``reelcast evaluate`` on the corpus: the temporal test and the six
  yearly origins 2012–2017, each a unit that fits the forecaster and scores four field sets;
* ImageNet EfficientNet-Lite0 embeddings (224 px, batches of 32, no cache) of the first
  ``--posters`` corpus films with a poster, each batch a unit.

Each cluster is warmed first (its workers import the libraries and read a small run), so the times
are the steady state; every timed Ray run still ships its inputs (the corpus, the network) to the
cluster. Peak worker memory is the largest ``VmHWM`` of the cluster's worker processes. From the
1-worker times it derives per-item costs and a linear-scaling plan for 1M films and 10M posters
(the assumptions are written beside it). Timings are only meaningful on an otherwise idle machine:
the 1-minute load average before and after each workload is recorded.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import load_or_build_corpus
from reelcast._executor import SerialExecutor, use_executor
from reelcast._ray_executor import RayExecutor
from reelcast.data import make_market
from reelcast.evaluation import evaluate, revenue_films, rolling_origin_splits, temporal_split
from reelcast.forecast import BoxOfficeForecaster
from reelcast.vision import PretrainedPosterEncoder

RESULTS = Path(__file__).parent / "results"
YEARS = (2012, 2013, 2014, 2015, 2016, 2017)
EMBEDDING_DIM = 1280  # EfficientNet-Lite0's pooled features
# the plan's node: a common cloud size; one worker per core, one thread each
NODE_CORES, NODE_MEMORY_GB, POSTER_DEADLINE_H = 16, 64, 24


def _worker_peak_rss_mb() -> float:
    """The largest peak RSS (``VmHWM``) of the Ray workers this process started (Linux /proc)."""
    me, children = os.getpid(), {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    stack, peak = list(children.get(me, [])), 0.0
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        try:
            if not (Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"ray::")):
                continue
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return round(peak, 1)


def balance_bound(unit_costs, workers: int = 2) -> float:
    """The best ``workers``-worker / 1-worker wall ratio for units of these relative costs, as
    the largest-first greedy schedule the executor follows would reach it with no overhead."""
    loads = [0.0] * workers
    for cost in sorted(unit_costs, reverse=True):
        loads[loads.index(min(loads))] += cost
    return round(max(loads) / sum(unit_costs), 3)


def _timed(fn, runs: int) -> list[float]:
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        walls.append(round(time.perf_counter() - start, 2))
    return walls


def _backtest(films, n_estimators: int, years, executor) -> None:
    forecaster = functools.partial(BoxOfficeForecaster, n_estimators=n_estimators, random_state=0)
    evaluate(films, {"reelcast lgbm": forecaster}, rolling_years=years, executor=executor)


def _embed(posters, root, readable: int) -> None:
    encoder = PretrainedPosterEncoder("lite0", root=root, batch_size=32).fit()
    encoder.transform(posters)
    if len(posters) - encoder.n_skipped_ != readable:  # a run that read nothing is not a timing
        raise RuntimeError(f"{encoder.n_skipped_} of {len(posters)} posters unreadable; "
                           f"{readable} files exist under {root}")


def _measure(name: str, run, warm, runs: int, workers_list=(1, 2)) -> dict:
    """Walls of ``run(executor)`` without Ray and on fresh local clusters of 1 and 2 CPUs."""
    out = {"load_before": round(os.getloadavg()[0], 2)}
    print(f"{name}: without Ray ...", flush=True)
    out["serial"] = {"walls_s": _timed(lambda: run(SerialExecutor()), runs)}
    for workers in workers_list:
        executor = RayExecutor("local", num_cpus=workers)
        try:
            warm(executor)
            warm_rss = _worker_peak_rss_mb()
            print(f"{name}: Ray, {workers} worker(s) ...", flush=True)
            walls = _timed(lambda ex=executor: run(ex), runs)
            out[f"ray{workers}"] = {"walls_s": walls, "workers": executor.workers,
                                    "warm_worker_rss_mb": warm_rss,
                                    "peak_worker_rss_mb": _worker_peak_rss_mb()}
        finally:
            executor.close()
    for key in ("serial", *(f"ray{w}" for w in workers_list)):
        out[key]["median_s"] = statistics.median(out[key]["walls_s"])
    out["ratio_2_to_1"] = round(out["ray2"]["median_s"] / out["ray1"]["median_s"], 3)
    out["load_after"] = round(os.getloadavg()[0], 2)
    return out


def backtest_workload(films, args) -> dict:
    scored = revenue_films(films)
    years = YEARS[-2:] if args.quick else YEARS
    n_train = [len(temporal_split(scored)[0])] + [len(tr) for _, tr, _ in
                                                   rolling_origin_splits(scored, years)]
    # warm-up on a tiny synthetic market: the workers load every library but hold little data, so
    # their memory then is the base that does not grow with the corpus
    tiny = make_market(800, seed=0)
    result = _measure(
        "backtest", lambda ex: _backtest(films, args.n_estimators, years, ex),
        lambda ex: _backtest(tiny, 10, (2015, 2016), ex), args.runs)
    corpus_mb = films.memory_usage(deep=True).sum() / 1e6
    return {**result, "films": len(films), "scored": len(scored), "units": len(n_train),
            "n_train_per_unit": n_train, "n_estimators": args.n_estimators,
            "corpus_memory_mb": round(corpus_mb, 1)}


def poster_workload(films, root, args) -> dict:
    posters = films[films["poster_file"].notna()].head(args.posters)
    sizes = [(Path(root) / p).stat().st_size for p in posters["poster_file"]
             if (Path(root) / p).is_file()]
    warm = posters.head(64)
    warm_readable = sum((Path(root) / p).is_file() for p in warm["poster_file"])
    result = _measure("posters", lambda ex: _with(ex, _embed, posters, root, len(sizes)),
                      lambda ex: _with(ex, _embed, warm, root, warm_readable), args.runs)
    return {**result, "posters": len(posters), "batches": math.ceil(len(posters) / 32),
            "mean_poster_kb": round(float(np.mean(sizes)) / 1024, 1) if sizes else None}


def _with(executor, fn, *args) -> None:
    with use_executor(executor):
        fn(*args)


def plan(backtest: dict, posters: dict) -> dict:
    """Linear extrapolation of the 1-worker costs to 1M films and 10M posters."""
    films_factor = 1_000_000 / backtest["films"]
    bt_one = backtest["ray1"]["median_s"]
    largest_share = max(backtest["n_train_per_unit"]) / sum(backtest["n_train_per_unit"])
    # memory: what the workers held after the warm-up does not grow with the corpus, the rest does
    base, peak = backtest["ray1"]["warm_worker_rss_mb"], backtest["ray1"]["peak_worker_rss_mb"]
    poster_cost = posters["ray1"]["median_s"] / posters["posters"]
    efficiency = posters["ray1"]["median_s"] / posters["ray2"]["median_s"] / 2
    poster_worker_h = 10_000_000 * poster_cost / 3600
    nodes = math.ceil(poster_worker_h / (POSTER_DEADLINE_H * NODE_CORES * efficiency))
    worker_gb = (base + (peak - base) * films_factor) / 1024
    per_node = max(1, min(NODE_CORES, int(NODE_MEMORY_GB * 0.9 // worker_gb)))  # 10% for the OS
    return {
        "backtest": {
            "seconds_per_film_1_worker": bt_one / backtest["films"],
            "worker_hours_1m": round(bt_one * films_factor / 3600, 1),
            "largest_unit_hours_1m": round(bt_one * films_factor * largest_share / 3600, 1),
            "useful_workers": backtest["units"],
            "worker_memory_gb_1m": round(worker_gb, 1),
            "workers_per_node": per_node,
            "nodes": math.ceil(backtest["units"] / per_node),
        },
        "posters": {
            "seconds_per_poster_1_worker": poster_cost,
            "efficiency_2_workers": round(efficiency, 3),
            "worker_hours_10m": round(poster_worker_h, 1),
            "nodes": nodes, "node_cores": NODE_CORES, "deadline_h": POSTER_DEADLINE_H,
            "hours_on_nodes": round(poster_worker_h / (nodes * NODE_CORES * efficiency), 1),
            "worker_memory_gb": round(posters["ray2"]["peak_worker_rss_mb"] / 1024, 2),
            "embeddings_gb": round(10_000_000 * EMBEDDING_DIM * 4 / 1e9, 1),
            "images_gb": (round(10_000_000 * posters["mean_poster_kb"] * 1024 / 1e9, 1)
                          if posters["mean_poster_kb"] else None),
        },
    }


def _s(value: float) -> str:
    return f"{value:,.1f} s"


def markdown(record: dict) -> str:
    bt, po, pl = record["backtest"], record["posters"], record["plan"]
    goal = lambda r: "met" if r <= 0.6 else "not met"  # noqa: E731
    cmd = "python -m benchmarks.scaling" + (" " + " ".join(record["argv"]) if record["argv"] else "")
    lines = [
        "## Past one process: the backtest and poster embedding on Ray workers (issue #21)", "",
        f"`{cmd}` — wall clock, median of {record['runs']} run(s) per cell. *Without Ray*: in this "
        "process, LightGBM and torch with their own threads (the default). *Ray*: a local cluster "
        "of 1 or 2 CPUs started by the benchmark, one unit of work per worker and one thread each, "
        "warmed first; each timed run still ships its inputs (corpus, network) to the cluster. "
        f"Machine: {record['cpus']} CPUs; 1-minute load average before → after: backtest "
        f"{bt['load_before']} → {bt['load_after']}, posters {po['load_before']} → "
        f"{po['load_after']} (other jobs: above ~0.5 the ratios are not those of an idle machine).",
        "",
        *(["**A short proof run (`--quick`: 100 trees, 2 yearly origins, 96 posters, 1 run): it "
           "shows the command works, not the final figures.**", ""] if record["quick"] else []),
        "| workload | units | without Ray | Ray, 1 worker | Ray, 2 workers | 2 workers / 1 | "
        "best possible* | goal ≤ 0.6 |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        f"| backtest: {bt['films']:,} corpus films ({bt['scored']:,} with revenue), forecaster "
        f"{bt['n_estimators']} trees, temporal test + {bt['units'] - 1} yearly origins | "
        f"{bt['units']} | {_s(bt['serial']['median_s'])} | {_s(bt['ray1']['median_s'])} | "
        f"{_s(bt['ray2']['median_s'])} | {bt['ratio_2_to_1']:.2f} | "
        f"{bt['bound_2_to_1']:.2f} | {goal(bt['ratio_2_to_1'])} |",
        f"| poster embedding: EfficientNet-Lite0, 224 px, {po['posters']:,} posters | "
        f"{po['batches']} batches | {_s(po['serial']['median_s'])} | "
        f"{_s(po['ray1']['median_s'])} | {_s(po['ray2']['median_s'])} | "
        f"{po['ratio_2_to_1']:.2f} | {po['bound_2_to_1']:.2f} | "
        f"{goal(po['ratio_2_to_1'])} |",
        "",
        "\\* The ratio 2 workers would reach with no overhead, given the units: the largest first, "
        "each to the first free worker (backtest units costed by their training films, batches "
        "equal).", "",
        f"Every run: backtest {bt['serial']['walls_s']} / {bt['ray1']['walls_s']} / "
        f"{bt['ray2']['walls_s']} s; posters {po['serial']['walls_s']} / {po['ray1']['walls_s']} "
        f"/ {po['ray2']['walls_s']} s (without Ray / 1 / 2 workers). Peak worker memory: backtest "
        f"{bt['ray1']['peak_worker_rss_mb']:,.0f} MB (after the warm-up: "
        f"{bt['ray1']['warm_worker_rss_mb']:,.0f} MB; the corpus frame is "
        f"{bt['corpus_memory_mb']:,.0f} MB), posters {po['ray2']['peak_worker_rss_mb']:,.0f} MB.",
        "",
        "### Per-item cost and a sized plan for 1M films and 10M posters", "",
        "A linear extrapolation of the 1-worker times and memory: it assumes the backtest's cost "
        "and data grow in proportion to the films (not measured at other corpus sizes) and that a "
        f"poster costs the same in any catalogue. Nodes of {NODE_CORES} cores and "
        f"{NODE_MEMORY_GB} GB, one worker per core.", "",
        "| job | cost per item (1 worker) | compute for the job | wall time | memory per worker |"
        " nodes |",
        "|---|---:|---:|---|---:|---|",
        f"| backtest of 1M films (same protocol: {bt['units']} units) | "
        f"{pl['backtest']['seconds_per_film_1_worker'] * 1000:,.1f} ms per corpus film | "
        f"{pl['backtest']['worker_hours_1m']:,.1f} worker-hours | "
        f"≥ {pl['backtest']['largest_unit_hours_1m']:,.1f} h: the largest unit (the 2017 origin)"
        f" bounds it; more than {pl['backtest']['useful_workers']} workers do not help | "
        f"{pl['backtest']['worker_memory_gb_1m']:,.1f} GB | {pl['backtest']['nodes']} × "
        f"{NODE_CORES} cores / {NODE_MEMORY_GB} GB ({pl['backtest']['workers_per_node']} "
        "workers fit a node's memory) |",
        f"| EfficientNet-Lite0 embeddings of 10M posters | "
        f"{pl['posters']['seconds_per_poster_1_worker'] * 1000:,.1f} ms per poster | "
        f"{pl['posters']['worker_hours_10m']:,.0f} worker-hours | "
        f"{pl['posters']['hours_on_nodes']:,.1f} h on {pl['posters']['nodes']} nodes (2-worker "
        f"efficiency {pl['posters']['efficiency_2_workers']:.2f} assumed per core) | "
        f"{pl['posters']['worker_memory_gb']:.2f} GB | {pl['posters']['nodes']} × "
        f"{NODE_CORES} cores / {NODE_MEMORY_GB} GB for ≤ {POSTER_DEADLINE_H} h; storage: "
        f"{pl['posters']['images_gb']:,.0f} GB of images in, "
        f"{pl['posters']['embeddings_gb']:,.0f} GB of float32 embeddings out |",
        "",
        "The posters must be readable from every node (a shared file system or object store "
        "under `--data`); the embedding cache (`--cache`) is written by the driver. A backtest "
        "unit could also take a whole node (`cpus_per_task`, LightGBM threads): not measured here.",
    ]
    return "\n".join(lines) + "\n"


README = Path(__file__).resolve().parents[1] / "README.md"
MARKERS = ("<!-- benchmarks.scaling: start -->", "<!-- benchmarks.scaling: end -->")


def update_readme(section: str) -> bool:
    """Put the tables (without the section title) between the README's markers, if it has them."""
    text = README.read_text(encoding="utf-8")
    start, end = (text.find(m) for m in MARKERS)
    if start < 0 or end < start:
        return False
    body = section.split("\n", 2)[2].replace("### ", "#### ")
    README.write_text(text[:start + len(MARKERS[0])] + "\n" + body + text[end:], encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("REELCAST_DATA", "../shared/data"))
    parser.add_argument("--corpus", default="artifacts/corpus")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per cell (median)")
    parser.add_argument("--n-estimators", type=int, default=1500,
                        help="forecaster trees (reelcast evaluate's default)")
    parser.add_argument("--posters", type=int, default=512)
    parser.add_argument("--quick", action="store_true",
                        help="a short proof run: 2 yearly origins, 100 trees, 96 posters, 1 run")
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite scaling.md and the README tables from scaling.json")
    args = parser.parse_args(argv)
    if args.render_only:
        record = json.loads((RESULTS / "scaling.json").read_text())
        record["plan"] = plan(record["backtest"], record["posters"])
        return _write(record)
    if args.quick:
        args.runs, args.n_estimators, args.posters = 1, 100, 96
    films = load_or_build_corpus(args.corpus, args.data)
    films.attrs = {}
    record = {"argv": list(argv if argv is not None else sys.argv[1:]), "runs": args.runs,
              "cpus": os.cpu_count(), "quick": args.quick}
    started = time.perf_counter()
    record["backtest"] = backtest_workload(films, args)
    record["posters"] = poster_workload(films, Path(args.data).resolve(), args)
    record["plan"] = plan(record["backtest"], record["posters"])
    record["total_s"] = round(time.perf_counter() - started, 1)
    return _write(record)


def _write(record: dict) -> int:
    bt, po = record["backtest"], record["posters"]
    # a backtest unit costed by its training films; batches grouped as encoded_batches does for 2
    bt["bound_2_to_1"] = balance_bound(bt["n_train_per_unit"])
    per_unit = max(1, min(4, po["batches"] // 8))
    po["bound_2_to_1"] = balance_bound([min(per_unit, po["batches"] - k)
                                        for k in range(0, po["batches"], per_unit)])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scaling.json").write_text(json.dumps(record, indent=2) + "\n")
    section = markdown(record)
    (RESULTS / "scaling.md").write_text(section)
    print(section)
    if update_readme(section):
        print(f"updated the scaling tables in {README}")
    print(f"wrote {RESULTS / 'scaling.md'} and scaling.json ({record['total_s']:.0f} s); "
          "python -m benchmarks.results joins it into RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
