"""``reelcast serve --workers N``: the real server, N processes over one read-only model directory.

The servers run as subprocesses on a free loopback port (the harness of
``python -m benchmarks.load``); answers are compared with the library's own forecast of the same
film, and ``/health`` says which worker process answered.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from _tiny_product import tiny_model_dir

from reelcast._errors import InputError
from reelcast.cli import main

pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from reelcast.serve import MODEL_ENV, WORKERS_ENV, app_from_env, check_workers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the server harness lives with the benchmarks
    sys.path.insert(0, str(ROOT))

from benchmarks.load import _free_port, start_server  # noqa: E402

FILMS = [{"title": f"Worker film {i}", "release_date": f"2018-{1 + i % 12:02d}-11",
          "budget": 5_000_000 * (i + 1), "genres": ["Action", "Drama"][: 1 + i % 2],
          "cast": ["A One"], "overview": "A harbor pilot finds a stolen ship."}
         for i in range(8)]
CSV = (b"title,release_date,budget,genres\nAlpha,2018-01-05,1000000,Horror\n"
       b"Beta,2018-03-09,150000000,Action|Adventure\n")


def _parent_pid(pid: int) -> int | None:
    try:  # Linux: the 4th field of /proc/PID/stat, after the parenthesised command name
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process now has the pid
        return True
    return True


def _stop(proc) -> int:
    proc.terminate()
    try:
        return proc.wait(timeout=60)
    except Exception:
        proc.kill()
        proc.wait()
        raise


@pytest.fixture(scope="module")
def model_dir():
    return tiny_model_dir()


@pytest.fixture(scope="module")
def expected(model_dir):
    """What the library itself answers, through a JSON round trip like the server's."""
    from reelcast.forecast._input import read_new_films
    from reelcast.forecast._one_film import forecast_batch, forecast_film, load_product_model

    product = load_product_model(model_dir)
    films = [json.loads(json.dumps(forecast_film(product, f).to_dict())) for f in FILMS]
    batch = json.loads(json.dumps(forecast_batch(product, read_new_films(CSV)[0])))
    return films, batch


def test_two_workers_answer_correctly_and_stop_cleanly(model_dir, expected, tmp_path):
    port = _free_port()
    # returns once both workers have answered /health (each on a fresh connection)
    proc = start_server(model_dir, port, tmp_path / "server.log", workers=2)
    base = f"http://127.0.0.1:{port}"
    try:
        def health(_):
            with httpx.Client(base_url=base, timeout=60) as client:  # a new connection each
                return client.get("/health").json()["pid"]

        def forecast(film):
            with httpx.Client(base_url=base, timeout=120) as client:
                res = client.post("/forecast", json=film)
                return res.status_code, res.json()

        with ThreadPoolExecutor(8) as pool:
            pids = set(pool.map(health, range(40)))
            answers = list(pool.map(forecast, FILMS))
        with httpx.Client(base_url=base, timeout=120) as client:
            batch = client.post("/forecast/batch", files={"file": ("f.csv", CSV, "text/csv")})
    except BaseException:
        _stop(proc)
        raise
    assert len(pids) == 2 and proc.pid not in pids, pids
    if sys.platform.startswith("linux"):
        assert {_parent_pid(pid) for pid in pids} == {proc.pid}  # the supervisor's children
    films, batch_expected = expected
    assert [status for status, _ in answers] == [200] * len(FILMS)
    assert [body for _, body in answers] == films
    assert batch.status_code == 200 and batch.json()["forecasts"] == batch_expected
    assert _stop(proc) == 0
    assert not any(_alive(pid) for pid in pids)
    assert "Traceback" not in (tmp_path / "server.log").read_text(errors="replace")


def test_one_worker_is_the_server_process_itself(model_dir, tmp_path):
    port = _free_port()
    proc = start_server(model_dir, port, tmp_path / "server.log", workers=1)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            pid = client.get("/health").json()["pid"]
            status = client.post("/forecast", json=FILMS[0]).status_code
    finally:
        code = _stop(proc)
    # a single uvicorn server shuts down gracefully, then re-raises the SIGTERM it caught
    assert pid == proc.pid and status == 200 and code in (0, -signal.SIGTERM)


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", "2 workers"])
def test_bad_worker_counts_are_one_line_and_exit_1(value, model_dir, capsys):
    assert main(["serve", "--model", str(model_dir), "--workers", value]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert "--workers" in err and repr(value) in err


@pytest.mark.parametrize("value, workers", [("1", 1), ("2", 2), (" 3 ", 3), (4, 4)])
def test_check_workers(value, workers):
    assert check_workers(value) == workers


def test_worker_app_reads_the_model_from_the_environment(model_dir, monkeypatch):
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    for name in (MODEL_ENV, WORKERS_ENV):  # the N-process branch sets them: restored after
        monkeypatch.setenv(name, "")
    with pytest.raises(InputError, match=MODEL_ENV):
        app_from_env()
    monkeypatch.setenv(MODEL_ENV, str(model_dir))
    monkeypatch.setenv(WORKERS_ENV, "2")
    client = TestClient(app_from_env())
    assert client.get("/health").json()["pid"] == os.getpid()
    assert client.post("/forecast", json=FILMS[0]).status_code == 200


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_keeps_idle_connections_longer_than_a_queued_request_waits(monkeypatch, workers):
    """uvicorn's default 5 s keep-alive reset connections that clients reused under load: both
    the one-process and the N-process server are started with the longer timeout."""
    import uvicorn

    from reelcast.cli._serve import KEEP_ALIVE_S

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    for name in (MODEL_ENV, WORKERS_ENV):  # the N-process branch sets them: restored after
        monkeypatch.setenv(name, "")
    assert main(["serve", "--model", str(tiny_model_dir()), "--workers", workers]) in (0, None)
    assert calls and calls[0]["timeout_keep_alive"] == KEEP_ALIVE_S >= 30
