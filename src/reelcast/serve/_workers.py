"""Several server processes over one read-only model directory (``reelcast serve --workers N``).

One forecast is CPU-bound Python: a single process answers one request at a time however many
cores the machine has. With ``workers > 1`` uvicorn binds the port once in a supervising process
and starts N worker processes that share the listening socket; each worker builds its own app
with :func:`app_from_env` from the model directory named in :data:`MODEL_ENV`. The directory is
only read, and every worker verifies its manifest hashes on load, as a single process does.
"""

from __future__ import annotations

import os
from pathlib import Path

from .._errors import InputError

__all__ = ["MODEL_ENV", "WORKERS_ENV", "app_from_env", "check_workers"]

# set by ``reelcast serve`` before the workers start (child processes inherit the environment)
MODEL_ENV = "REELCAST_SERVE_MODEL"
WORKERS_ENV = "REELCAST_SERVE_WORKERS"


def check_workers(value) -> int:
    """The number of worker processes as an int >= 1; one-line ``InputError`` otherwise."""
    text = str(value).strip()
    try:
        workers = int(text)
    except ValueError:
        workers = None
    if workers is None or workers < 1:
        raise InputError(f"The '--workers' option must be an integer >= 1, got {text!r} instead.")
    return workers


def app_from_env():
    """The app of one worker process: the model directory from ``$REELCAST_SERVE_MODEL``.

    With ``TMDB_API_KEY`` set, each worker gets its own TMDB client holding 1/N of the request
    rate, so that the service as a whole stays within TMDB's limit.
    """
    from ..fetch import KEY_ENV, TMDBClient, TMDBSettings, resolve_api_key
    from ._app import create_app

    model = os.environ.get(MODEL_ENV, "").strip()
    if not model:
        raise InputError(f"{MODEL_ENV} is not set: it names the model directory each worker "
                         "serves (reelcast serve --workers sets it)")
    workers = check_workers(os.environ.get(WORKERS_ENV, "1"))
    tmdb = None
    if os.environ.get(KEY_ENV, "").strip():
        rate = TMDBSettings().rate
        tmdb = TMDBClient(resolve_api_key(), TMDBSettings(
            rate=None if rate is None else max(1, rate // workers)))
    return create_app(Path(model), tmdb=tmdb)
