"""Latency of the forecast web service over loopback (issue #8).

Run: ``python -m benchmarks.serve (--model DIR | --corpus DIR | --market N) [--requests 50]
[--runs 3] [--baseline REV]``. Starts ``reelcast serve`` in a subprocess on 127.0.0.1, sends sequential requests
with ``httpx`` and writes ``benchmarks/results/serve.json`` and ``serve.md``: p50/p95 of
single-film forecasts (metadata only, and with a 500×750 JPEG poster) and batch throughput,
each the median over ``--runs`` runs, plus the server process's CPU time per request (read from
``/proc``: on a shared, loaded machine it says what a request costs, whatever the queueing).
``--baseline REV`` also serves git revision ``REV``'s sources on the same model, alternating
its runs with this tree's so that both see the same machine load.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.load import _free_port, start_server

RESULTS = Path(__file__).parent / "results"
FILM = {"title": "Night Harbor", "release_date": "2018-05-04", "budget": 90_000_000,
        "genres": ["Action", "Drama"], "cast": ["Tom Hanks"], "directors": ["Ron Howard"],
        "keywords": ["sequel"], "overview": "A harbor pilot finds a stolen ship at night."}


def _model_dir(args, work: Path) -> Path:
    if args.model is not None:
        return args.model
    from reelcast.evaluation import revenue_films
    from reelcast.forecast import BoxOfficeForecaster, save_forecaster
    from reelcast.forecast._one_film import attach_product_files

    if args.corpus is not None:
        from reelcast.data import load_corpus

        films = load_corpus(args.corpus)
    else:
        from reelcast.data import make_market

        films = make_market(args.market, seed=0)
        films.attrs = {}
    model = BoxOfficeForecaster(n_estimators=args.n_estimators, n_jobs=1)
    model.fit(revenue_films(films), history=films)
    out = save_forecaster(model, work / "model")
    attach_product_files(out, films)
    return out


def _poster() -> bytes:
    from PIL import Image

    rng = np.random.default_rng(0)
    img = Image.fromarray(rng.integers(0, 255, (750, 500, 3), dtype=np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _times(send, n: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        send()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        send()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _cpu_ms(pid: int) -> float:
    """User + system CPU time of a process so far, in ms (Linux ``/proc``; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _measure(base: str, n: int, batch_rows: int, pid: int) -> dict:
    import httpx

    poster = _poster()
    form = {k: "|".join(v) if isinstance(v, list) else str(v) for k, v in FILM.items()}
    rows = ["title,release_date,budget,genres"] + [
        f"Film {i},2018-{1 + i % 12:02d}-15,{(i % 50 + 1) * 2_000_000},Action|Comedy"
        for i in range(batch_rows)]
    csv = ("\n".join(rows) + "\n").encode()
    with httpx.Client(base_url=base, timeout=60) as client:
        def ok(res):
            res.raise_for_status()
            return res

        cpu0 = _cpu_ms(pid)
        meta = _times(lambda: ok(client.post("/forecast", json=FILM)), n, warmup=0)
        cpu1 = _cpu_ms(pid)
        with_poster = _times(lambda: ok(client.post(
            "/forecast/poster", data=form, files={"poster": ("p.jpg", poster, "image/jpeg")})), n)
        cpu2 = _cpu_ms(pid)
        batch = _times(lambda: ok(client.post(
            "/forecast/batch", files={"file": ("f.csv", csv, "text/csv")})), 3, warmup=1)
    return {"metadata_p50_ms": float(np.percentile(meta, 50)),
            "metadata_p95_ms": float(np.percentile(meta, 95)),
            "poster_p50_ms": float(np.percentile(with_poster, 50)),
            "poster_p95_ms": float(np.percentile(with_poster, 95)),
            "metadata_server_cpu_ms": (cpu1 - cpu0) / n,
            "poster_server_cpu_ms": (cpu2 - cpu1) / (n + 3),  # with its 3 warm-up requests
            "batch_rows_per_s": batch_rows / (statistics.median(batch) / 1000)}


def _side_table(result: dict, baseline: dict | None) -> str:
    # issue #21's goals (issue #8 had set 50 and 300 ms)
    rows = (("`POST /forecast` (metadata only)", "metadata", 25),
            ("`POST /forecast/poster` (500×750 JPEG)", "poster", 60))
    if baseline is None:
        lines = ["| request | p50 (ms) | p95 (ms) | server CPU (ms) | goal p50 (ms) |",
                 "|---|---:|---:|---:|---:|"]
        for name, key, goal in rows:
            lines.append(f"| {name} | {result[f'{key}_p50_ms']:.1f} | {result[f'{key}_p95_ms']:.1f} "
                         f"| {result[f'{key}_server_cpu_ms']:.1f} | {goal} |")
        return "\n".join(lines)
    lines = ["| request | p50 (ms) | p95 (ms) | server CPU (ms) | p50 before | p95 before | "
             "server CPU before |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, key, _ in rows:
        lines.append(
            f"| {name} | {result[f'{key}_p50_ms']:.1f} | {result[f'{key}_p95_ms']:.1f} | "
            f"{result[f'{key}_server_cpu_ms']:.1f} | {baseline[f'{key}_p50_ms']:.1f} | "
            f"{baseline[f'{key}_p95_ms']:.1f} | {baseline[f'{key}_server_cpu_ms']:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", type=Path, help="an existing calibrated model directory")
    src.add_argument("--corpus", type=Path, help="train on this corpus first")
    src.add_argument("--market", type=int, help="train on a synthetic market of N films first")
    parser.add_argument("--n-estimators", type=int, default=1500)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-rows", type=int, default=200)
    parser.add_argument("--baseline", metavar="REV",
                        help="also serve git revision REV's sources, its runs alternating with "
                             "this tree's on the same model")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        model_dir = _model_dir(args, Path(tmp))
        sides = {"now": None}
        if args.baseline:
            from benchmarks.latency import _source_tree

            sides["before"] = _source_tree(args.baseline, Path(tmp) / "baseline")
        procs, bases = {}, {}
        try:
            import httpx

            for side, side_src in sides.items():
                port = _free_port()
                procs[side] = start_server(model_dir, port, Path(tmp) / f"server-{side}.log",
                                           src=side_src)
                bases[side] = f"http://127.0.0.1:{port}"
                for _ in range(3):  # warm the server up before the first timed request
                    httpx.post(f"{bases[side]}/forecast", json=FILM, timeout=60).raise_for_status()
            load = os.getloadavg()[0]
            runs = {side: [] for side in sides}
            for _ in range(args.runs):  # alternating: both sides see the same machine load
                for side in sides:
                    runs[side].append(_measure(bases[side], args.requests, args.batch_rows,
                                               procs[side].pid))
            load = max(load, os.getloadavg()[0])
            manifest = httpx.get(f"{bases['now']}/model").json()
        finally:
            for proc in procs.values():
                proc.terminate()
                proc.wait(timeout=30)
    result = {key: statistics.median(r[key] for r in runs["now"]) for key in runs["now"][0]}
    baseline = ({key: statistics.median(r[key] for r in runs["before"])
                 for key in runs["before"][0]} if args.baseline else None)
    source = (f"model {args.model}" if args.model else f"corpus {args.corpus}" if args.corpus
              else f"synthetic market of {args.market} films")
    out = {"result": result, "runs": runs["now"], "baseline_rev": args.baseline,
           "baseline": baseline, "baseline_runs": runs.get("before"),
           "requests_per_run": args.requests, "batch_rows": args.batch_rows, "source": source,
           "n_features": len(manifest.get("features", [])), "cpu_count": os.cpu_count(),
           "load_average_1min_max": load}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "serve.json").write_text(json.dumps(out, indent=2))
    before = ("" if baseline is None else
              f"\n\"Before\" is git revision `{args.baseline}` served from the same model in the "
              "same command, its runs alternating with this tree's.\n")
    batch = f"{result['batch_rows_per_s']:.0f} films/s" + (
        "" if baseline is None else f" (before: {baseline['batch_rows_per_s']:.0f})")
    md = f"""## Web service latency (issues #8, #21)

`python -m benchmarks.serve{'' if not args.baseline else f' --baseline {args.baseline}'}` —
`reelcast serve` (uvicorn, one process) on 127.0.0.1, sequential
`httpx` requests, {args.requests} per kind per run, median of {args.runs} runs; {source}.
Single-film responses include the 80%/95% intervals, 5 comparables, the TreeSHAP explanation,
the predicted rating, genre probabilities (overview; with the poster also poster features) and
the nearest recent hits. 1-minute load average during the runs: up to {load:.1f} on
{os.cpu_count()} cores; "server CPU" is the server process's CPU time per request (on a shared
machine it moves less with the load than the wall-clock latency does).{before}
Goals (issue #21, an idle machine): p50 ≤ 25 ms metadata only, ≤ 60 ms with the poster.

{_side_table(result, baseline)}

Batch: `POST /forecast/batch` with {args.batch_rows} rows: {batch}.
"""
    (RESULTS / "serve.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
