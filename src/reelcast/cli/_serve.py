"""``reelcast serve``: the forecast web service (FastAPI + uvicorn) on a verified model directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def serve(
    model: Annotated[Path, typer.Option(help="Model directory (its manifest hashes must verify).")],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
) -> None:
    """Serve forecasts over HTTP: JSON API, CSV batch, poster upload and an HTML page at /."""
    from .._errors import require
    from ..serve import create_app

    uvicorn = require("uvicorn", "serve")
    from ._fetch import tmdb_client_from_env

    tmdb = tmdb_client_from_env()  # None without TMDB_API_KEY: no TMDB box on the page
    app = create_app(model, tmdb=tmdb)  # refuses a tampered model before binding the port
    typer.echo(f"serving {model} on http://{host}:{port}/ (OpenAPI document at /openapi.json"
               + ("; TMDB fill-in on)" if tmdb is not None else ")"))
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command(epilog="""\b
Example:
  reelcast serve --model artifacts/model --port 8000
""")(serve)
