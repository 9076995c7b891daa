"""The forecast service under concurrent load on loopback (issue #9).

Run: ``python -m benchmarks.load [--model DIR | --market N] [--clients 50] [--seconds 60]``.
Starts ``reelcast serve`` (uvicorn, one process) in a subprocess on 127.0.0.1, then ``--clients``
concurrent ``httpx`` async clients send ``POST /forecast`` back to back for ``--seconds`` (each
request a different film: title and budget vary). Every non-200 answer and every transport error
(refused, reset, timed out after ``--timeout`` s) is an error; the goal is zero. Writes
``benchmarks/results/load.json`` and ``load.md``: requests, errors, p50/p95/p99/max latency and
throughput. Without ``--model`` a small calibrated model is trained first on a synthetic market.
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


def start_server(model_dir: Path, port: int, log_path: Path) -> subprocess.Popen:
    """``reelcast serve`` in a subprocess; returns once ``/health`` answers 200."""
    import httpx

    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process by the caller
    proc = subprocess.Popen([sys.executable, "-m", "reelcast", "serve", "--model", str(model_dir),
                             "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the server did not start; its log:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.3)


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
            if res.status_code == 200 and "revenue_usd" in res.json():
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
             timeout: float = 300.0) -> dict:
    """Serve ``model_dir`` on loopback and hold ``clients`` concurrent clients for ``seconds``.

    Returns the measurements; ``server_alive_after`` and ``health_after`` say whether the server
    still answered after the load.
    """
    import httpx

    port = _free_port()
    load_before = os.getloadavg()[0]  # other jobs on the machine, before ours adds to it
    with tempfile.TemporaryDirectory(prefix="reelcast-load-") as tmp:
        log_path = Path(tmp) / "server.log"
        proc = start_server(Path(model_dir), port, log_path)
        base = f"http://127.0.0.1:{port}"
        try:
            result = asyncio.run(_drive(base, clients, seconds, timeout))
            result["health_after"] = httpx.get(f"{base}/health", timeout=30).status_code
            result["server_alive_after"] = proc.poll() is None
            log = log_path.read_text(errors="replace")
            result["server_tracebacks"] = log.count("Traceback")
            result["load_average_before"] = round(load_before, 2)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return result


def write_results(result: dict, out_dir: Path = RESULTS) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "load.json").write_text(json.dumps(result, indent=2) + "\n")
    md = f"""## The forecast service under load (issue #9)

`python -m benchmarks.load --clients {result['clients']} --seconds {result['seconds']:g}` —
`reelcast serve` (uvicorn, one process) on 127.0.0.1; {result['clients']} concurrent `httpx`
async clients send `POST /forecast` back to back (each a different film) for
{result['seconds']:g} s; {result.get('source', '')}. Each answer carries the point forecast,
80%/95% intervals, 5 comparables and the TreeSHAP explanation. Machine: {result.get('cpu_count')}
CPUs; 1-minute load average before the run: {result.get('load_average_before', '?')} (what
other jobs were doing; the server and clients then use both cores).

| clients | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | throughput (req/s) |
|---:|---:|---:|---:|---:|---:|---:|---:|
| {result['clients']} | {result['requests']:,} | {result['errors']} | {result['p50_ms']} | \
{result['p95_ms']} | {result['p99_ms']} | {result['max_ms']} | {result['throughput_rps']} |

After the load: server alive {result['server_alive_after']}, `/health` {result['health_after']},
tracebacks in the server log {result['server_tracebacks']}. Latency is dominated by queueing:
with one CPU-bound process, p50 ≈ clients / throughput.
"""
    if result["error_examples"]:
        md += "\nErrors:\n\n" + "\n".join(f"- `{e}`" for e in result["error_examples"]) + "\n"
    (out_dir / "load.md").write_text(md)
    return md


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a calibrated model directory to serve")
    parser.add_argument("--market", type=int, default=1500,
                        help="without --model: train on a synthetic market of N films")
    parser.add_argument("--n-estimators", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
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
        result = run_load(model_dir, clients=args.clients, seconds=args.seconds,
                          timeout=args.timeout)
    result |= {"source": source, "cpu_count": os.cpu_count()}
    print(write_results(result, args.out))
    return 0 if result["errors"] == 0 and result["server_alive_after"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
