"""The forecast web service: a FastAPI app over one verified model directory.

``create_app(model_dir)`` loads the model once (refusing a directory whose manifest hashes do not
match) and serves ``POST /forecast``, ``POST /forecast/batch``, ``POST /forecast/poster``,
``GET /health``, ``GET /model`` and an HTML page at ``/`` that works without JavaScript.
"""

from ._app import LIMITS, create_app

__all__ = ["LIMITS", "create_app"]
