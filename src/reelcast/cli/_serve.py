"""``reelcast serve``: the forecast web service (FastAPI + uvicorn) on a verified model directory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]

# How long an idle keep-alive connection stays open. uvicorn's default, 5 s, is shorter than a
# request can wait in a busy server's queue: under 50 clients a client reused a connection the
# server was closing and got a reset (4 and 9 errors in two 60 s runs with 2 workers; 0 with 30 s).
KEEP_ALIVE_S = 30


def serve(
    model: Annotated[Path, typer.Option(help="Model directory (its manifest hashes must verify).")],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    # a string, checked by the library: a bad count is a one-line error and exit 1
    workers: Annotated[str, typer.Option(
        metavar="<int>", help="Server processes sharing the port, each with its own copy of the "
                              "read-only model (about one per CPU core).")] = "1",
) -> None:
    """Serve forecasts over HTTP: JSON API, CSV batch, poster upload and an HTML page at /."""
    from .._errors import require
    from ..serve import MODEL_ENV, WORKERS_ENV, check_workers, create_app

    n_workers = check_workers(workers)
    uvicorn = require("uvicorn", "serve")
    from ._fetch import tmdb_client_from_env

    tmdb = tmdb_client_from_env()  # None without TMDB_API_KEY: no TMDB box on the page
    app = create_app(model, tmdb=tmdb)  # refuses a tampered model before binding the port
    typer.echo(f"serving {model} on http://{host}:{port}/ "
               + (f"with {n_workers} worker processes " if n_workers > 1 else "")
               + "(OpenAPI document at /openapi.json"
               + ("; TMDB fill-in on)" if tmdb is not None else ")"))
    if n_workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE_S)
        return
    del app  # the workers build their own; this one only proved the directory loads
    # the spawned workers inherit the environment: it names the directory each one loads
    os.environ[MODEL_ENV] = str(Path(model).resolve())
    os.environ[WORKERS_ENV] = str(n_workers)
    # a worker busy with a forecast still answers the supervisor's ping from its own thread, but
    # on a loaded machine that can take more than uvicorn's default 5 s: not a reason to kill it
    uvicorn.run("reelcast.serve:app_from_env", factory=True, workers=n_workers, host=host,
                port=port, log_level="warning", timeout_worker_healthcheck=30,
                timeout_keep_alive=KEEP_ALIVE_S)


def register(app: typer.Typer) -> None:
    app.command(epilog="""\b
Examples:
  reelcast serve --model artifacts/model --port 8000
  reelcast serve --model artifacts/model --workers 2   # one process per core
""")(serve)
