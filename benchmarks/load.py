"""The forecast service under concurrent load on loopback, 1 and 2 worker processes (#9, #21).

Run: ``python -m benchmarks.load [--model DIR | --market N] [--clients 50] [--seconds 60]
[--workers 1,2]``. For each worker count in turn, starts ``reelcast serve --workers N`` in a
subprocess on 127.0.0.1, then ``--clients`` concurrent ``httpx`` async clients send
``POST /forecast`` back to back for ``--seconds`` (each request a different film: title and
budget vary). Every non-200 answer and every transport error (refused, reset, timed out after
``--timeout`` s) is an error; the goal is zero. Writes ``benchmarks/results/load.json`` and
``load.md``: per worker count requests, errors, p50/p95/p99/max latency and throughput, and the
throughput ratio (goal: 2 workers ≥ 1.7 × 1 worker on 2 cores). Without ``--model`` a small
calibrated model is trained first on a synthetic market.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
FILM = {"title": "Night Harbor", "release_date": "2018-05-04", "budget": 90_000_000,
        "genres": ["Action", "Drama"], "cast": ["A One", "B Two"], "directors": ["C Three"],
        "keywords": ["harbor", "heist"], "overview": "A harbor pilot finds a stolen ship."}


def train_small_model(out: Path, n_films: int = 1500, n_estimators: int = 200) -> Path:
    """A calibrated model directory (intervals + comparables) trained on a synthetic market."""
    from reelcast.data import make_market
    from reelcast.evaluation import revenue_films
    from reelcast.forecast import BoxOfficeForecaster, save_forecaster
    from reelcast.forecast._one_film import attach_product_files

    films = make_market(n_films, seed=0)
    films.attrs = {}
    model = BoxOfficeForecaster(n_estimators=n_estimators, n_jobs=1)
    model.fit(revenue_films(films), history=films)
    save_forecaster(model, out)
    attach_product_files(out, films)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model_dir: Path, port: int, log_path: Path, workers: int = 1,
                 src: Path | None = None) -> subprocess.Popen:
    """``reelcast serve --workers N`` in a subprocess; returns once ``/health`` answers 200 (and,
    with several workers, once every worker has answered it). ``src`` is the source tree to run
    (default: this checkout's)."""
    import httpx

    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    src = str(src or Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process by the caller
    # without --workers for one: a source tree from before the option serves too
    extra = [] if workers == 1 else ["--workers", str(workers)]
    proc = subprocess.Popen([sys.executable, "-m", "reelcast", "serve", "--model", str(model_dir),
                             "--host", "127.0.0.1", "--port", str(port), *extra], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    pids: set[int] = set()
    while True:
        try:
            # a fresh connection each time: the kernel hands it to whichever worker accepts
            res = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
            if res.status_code == 200:
                pids.add(res.json().get("pid"))
                if len(pids) >= workers:
                    return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the server did not start ({len(pids)} of {workers} workers "
                               f"answered); its log:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1 if pids else 0.3)


def _process_tree_cpu_s(root: int) -> float:
    """User + system CPU seconds of a process and its children so far (Linux ``/proc``; NaN
    elsewhere): how many cores the server kept busy, whatever the other jobs were doing."""
    def stat(pid) -> list[str] | None:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None

    root_stat = stat(root)
    if root_stat is None:
        return float("nan")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = root_stat if int(entry.name) == root else stat(entry.name)
        if fields is not None and (int(entry.name) == root or int(fields[1]) == root):
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


async def _one_client(client, index: int, stop: float, latencies: list, errors: list) -> None:
    import httpx

    n = 0
    while time.perf_counter() < stop:
        body = FILM | {"title": f"Load film {index}-{n}",
                       "budget": float(5_000_000 + 1_000_000 * ((index * 7 + n) % 200))}
        start = time.perf_counter()
        try:
            res = await client.post("/forecast", json=body)
        except httpx.HTTPError as exc:
            errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
        else:
            # a byte search, not a JSON parse: the clients share the cores with the server
            if res.status_code == 200 and b'"revenue_usd"' in res.content:
                latencies.append(time.perf_counter() - start)
            else:
                errors.append(f"HTTP {res.status_code}: {res.text[:200]}")
        n += 1


async def _drive(base: str, clients: int, seconds: float, timeout: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        for _ in range(3):  # warm-up, not counted
            (await client.post("/forecast", json=FILM)).raise_for_status()
        start = time.perf_counter()
        await asyncio.gather(*(_one_client(client, i, start + seconds, latencies, errors)
                               for i in range(clients)))
        elapsed = time.perf_counter() - start
    ms = np.asarray(latencies) * 1000
    pct = (lambda q: round(float(np.percentile(ms, q)), 1)) if len(ms) else (lambda q: None)
    return {"clients": clients, "seconds": seconds, "elapsed_s": round(elapsed, 1),
            "requests": len(latencies) + len(errors), "ok": len(latencies),
            "errors": len(errors), "error_examples": sorted(set(errors))[:5],
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "max_ms": round(float(ms.max()), 1) if len(ms) else None,
            "throughput_rps": round(len(latencies) / elapsed, 2)}


def run_load(model_dir: str | Path, *, clients: int = 50, seconds: float = 60.0,
             timeout: float = 300.0, workers: int = 1) -> dict:
    """Serve ``model_dir`` with ``workers`` processes on loopback and hold ``clients`` concurrent
    clients for ``seconds``.

    Returns the measurements; ``server_alive_after`` and ``health_after`` say whether the server
    still answered after the load.
    """
    import httpx

    port = _free_port()
    load_before = os.getloadavg()[0]  # other jobs on the machine, before ours adds to it
    with tempfile.TemporaryDirectory(prefix="reelcast-load-") as tmp:
        log_path = Path(tmp) / "server.log"
        proc = start_server(Path(model_dir), port, log_path, workers=workers)
        base = f"http://127.0.0.1:{port}"
        try:
            cpu_before = _process_tree_cpu_s(proc.pid)
            result = {"workers": workers, **asyncio.run(_drive(base, clients, seconds, timeout))}
            # the server's CPU seconds over the run's wall time: cores it kept busy (warm-up
            # requests included, a few out of thousands)
            result["server_cores_busy"] = round(
                (_process_tree_cpu_s(proc.pid) - cpu_before) / result["elapsed_s"], 2)
            result["health_after"] = httpx.get(f"{base}/health", timeout=30).status_code
            result["server_alive_after"] = proc.poll() is None
            result["load_average_before"] = round(load_before, 2)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log = log_path.read_text(errors="replace")
        result["server_tracebacks"] = log.count("Traceback")
        result["server_exit_code"] = proc.returncode
    return result


def throughput_ratio(runs: list[dict]) -> float | None:
    """Throughput of the most workers over that of one worker (``None`` without both)."""
    by_workers = {r["workers"]: r["throughput_rps"] for r in runs}
    most = max(by_workers)
    if 1 not in by_workers or most == 1 or not by_workers[1]:
        return None
    return round(by_workers[most] / by_workers[1], 2)


def write_results(result: dict, out_dir: Path = RESULTS) -> str:
    """``load.json`` and ``load.md`` from ``{"runs": [one dict per worker count], ...}``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "load.json").write_text(json.dumps(result, indent=2) + "\n")
    runs = result["runs"]
    workers = ",".join(str(r["workers"]) for r in runs)
    rows = "\n".join(
        f"| {r['workers']} | {r['requests']:,} | {r['errors']} | {r['p50_ms']} | {r['p95_ms']} | "
        f"{r['p99_ms']} | {r['max_ms']} | {r['throughput_rps']} | {r.get('server_cores_busy')} | "
        f"{r['load_average_before']} |"
        for r in runs)
    ratio = throughput_ratio(runs)
    most = max(r["workers"] for r in runs)
    ratio_line = ("" if ratio is None else
                  f"\nThroughput with {most} workers / with 1: **{ratio}** (goal ≥ 1.7 with 2 "
                  f"workers on 2 cores; the load generator shares those cores).\n")
    after = "; ".join(
        f"{r['workers']} worker(s): alive {r['server_alive_after']}, `/health` "
        f"{r['health_after']}, tracebacks in the log {r['server_tracebacks']}, exit code "
        f"{r.get('server_exit_code')}" for r in runs)
    md = f"""## The forecast service under load (issues #9, #21)

`python -m benchmarks.load --clients {result['clients']} --seconds {result['seconds']:g} \
--workers {workers}` — `reelcast serve --workers N` (uvicorn; N processes sharing the port, each
loading the same read-only model directory) on 127.0.0.1, one server after the other in the same
run; {result['clients']} concurrent `httpx` async clients (one process) send `POST /forecast`
back to back (each a different film) for {result['seconds']:g} s per server;
{result.get('source', '')}. Each answer carries the point forecast, 80%/95% intervals,
5 comparables and the TreeSHAP explanation. Machine: {result.get('cpu_count')} CPUs; the
1-minute load average before each server's run is in the table (what other jobs were doing;
the servers and the clients then share the cores). "Server cores busy" is the server processes'
CPU seconds (all workers) over the run's wall time: one worker already keeps more than one
core busy, because TreeSHAP runs outside the GIL beside the request's Python work, so a second
worker can add only what the first leaves idle.

| workers | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | throughput (req/s) | server cores busy | load before |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
{rows}
{ratio_line}
After the load: {after}. Latency is dominated by queueing: with CPU-bound workers,
p50 ≈ clients / throughput.
"""
    examples = [e for r in runs for e in r["error_examples"]]
    if examples:
        md += "\nErrors:\n\n" + "\n".join(f"- `{e}`" for e in examples) + "\n"
    (out_dir / "load.md").write_text(md)
    return md


def _worker_counts(text: str) -> list[int]:
    try:
        counts = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"expected worker counts such as 1,2, got {text!r}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a calibrated model directory to serve")
    parser.add_argument("--market", type=int, default=1500,
                        help="without --model: train on a synthetic market of N films")
    parser.add_argument("--n-estimators", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="seconds of load per server (shorten for a quick check)")
    parser.add_argument("--workers", type=_worker_counts, default=[1, 2],
                        help="comma-separated worker counts, one server each, in this order")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="per-request client timeout in seconds (a timeout is an error)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reelcast-load-model-") as tmp:
        if args.model is not None:
            model_dir, source = args.model, f"model {args.model}"
        else:
            t = time.perf_counter()
            model_dir = train_small_model(Path(tmp) / "model", args.market, args.n_estimators)
            source = (f"model trained on a synthetic market of {args.market} films, "
                      f"{args.n_estimators} trees ({time.perf_counter() - t:.0f} s to train)")
        runs = []
        for workers in args.workers:
            print(f"{workers} worker(s): {args.clients} clients for {args.seconds:g} s",
                  file=sys.stderr)
            runs.append(run_load(model_dir, clients=args.clients, seconds=args.seconds,
                                 timeout=args.timeout, workers=workers))
    result = {"clients": args.clients, "seconds": args.seconds, "source": source,
              "cpu_count": os.cpu_count(), "runs": runs,
              "throughput_ratio": throughput_ratio(runs)}
    print(write_results(result, args.out))
    ok = all(r["errors"] == 0 and r["server_alive_after"] for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
