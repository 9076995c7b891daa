"""The forecast web service: a FastAPI app over one verified model directory.

``create_app(model_dir)`` loads the model once (refusing a directory whose manifest hashes do not
match) and serves ``POST /forecast``, ``POST /forecast/batch``, ``POST /forecast/poster``,
``GET /health``, ``GET /model`` and an HTML page at ``/`` that works without JavaScript.
``app_from_env`` builds the same app in each worker process of ``reelcast serve --workers N``.
"""

from ._app import LIMITS, create_app
from ._workers import MODEL_ENV, WORKERS_ENV, app_from_env, check_workers

__all__ = ["LIMITS", "MODEL_ENV", "WORKERS_ENV", "app_from_env", "check_workers", "create_app"]
