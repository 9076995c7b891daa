"""One tiny calibrated model directory shared by the product tests of a pytest process.

Training and calibrating is the slow part of these tests; doing it once per process instead of
once per test module keeps the product tests fast. Tests that modify a model copy it first.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from reelcast.data import make_market
from reelcast.evaluation import revenue_films
from reelcast.forecast import BoxOfficeForecaster, save_forecaster
from reelcast.forecast._one_film import attach_product_files

SEED = 11


def tiny_forecaster(**kw) -> BoxOfficeForecaster:
    # one thread: OpenMP spin-waiting on a shared, loaded 2-core machine is far slower
    return BoxOfficeForecaster(**{"n_estimators": 30, "num_leaves": 8, "n_jobs": 1} | kw)


@functools.cache
def tiny_films():
    films = make_market(1500, seed=SEED)
    films.attrs = {}  # the synthetic truth in attrs is deep-copied on every slice: slow
    return films


@functools.cache
def tiny_model_dir() -> Path:
    """A trained model directory with intervals.json and comparables.parquet (read-only use)."""
    root = Path(tempfile.mkdtemp(prefix="reelcast-product-"))
    atexit.register(shutil.rmtree, root, True)
    films = tiny_films()
    model = tiny_forecaster().fit(revenue_films(films), history=films)
    out = save_forecaster(model, root / "model")
    attach_product_files(out, films)
    return out
