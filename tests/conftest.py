"""Shared fixtures: the real data folder (``realdata`` tests skip with a reason without it) and
the Ray cluster of the backend tests (``ray`` tests skip with a reason without one)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples on every run (a red CI must mean a change broke something, not
# that a random draw found an old bug); local runs keep exploring new examples
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

_DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# the commands under test run serially unless a test asks for Ray: a user's REELCAST_RAY_ADDRESS
# must not send the whole suite to a cluster. The backend tests read their own variable.
os.environ.pop("REELCAST_RAY_ADDRESS", None)
RAY_TEST_ENV = "REELCAST_TEST_RAY_ADDRESS"


def ray_skip_reason() -> str | None:
    """Why the ``ray`` tests cannot run here, or None."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        return "ray: not installed (pip install 'reelcast[ray]')"
    if not os.environ.get(RAY_TEST_ENV):
        return (f"ray: set {RAY_TEST_ENV} to a running cluster (ray start --head; .ci/run starts "
                "one)")
    return None


# Estimators whose LightGBM / XGBoost / CatBoost / torch threads default to two (``n_jobs=2``).
_THREADED = ("reelcast.forecast:BoxOfficeForecaster", "reelcast.models.forecaster:ForecasterStack",
             "reelcast.models.tabular:LGBMModel", "reelcast.models.tabular:XGBModel",
             "reelcast.models.tabular:CatBoostModel", "reelcast.models.tabular:RandomForestModel",
             "reelcast.models.tabular:ExtraTreesModel", "reelcast.models.tabular:TabularNetModel")


@pytest.fixture(scope="session", autouse=True)
def one_thread_per_xdist_worker():
    """On several xdist workers, an estimator built without ``n_jobs`` uses one thread.

    Two workers on two cores each running LightGBM on two threads spin against each other: the
    synthetic 600-film ``reelcast train`` of ``test_cli_model`` took 264 s beside a busy core
    against 6 s on one thread (fit alone: 101 s on two threads, 6.0 s on one). Tests that pass
    ``n_jobs`` keep it; a single-process run keeps the library's default.
    """
    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) < 2:
        yield
        return
    import importlib

    # RandomForestModel and ExtraTreesModel share one __init__: patch each function once
    inits = dict.fromkeys(getattr(importlib.import_module(module), name).__init__
                          for module, name in (spec.split(":") for spec in _THREADED))
    with pytest.MonkeyPatch.context() as patch:
        for init in inits:
            if "n_jobs" in (init.__kwdefaults__ or {}):
                patch.setitem(init.__kwdefaults__, "n_jobs", 1)
                continue
            # positional defaults belong to the last len(__defaults__) positional parameters
            code, defaults = init.__code__, list(init.__defaults__)
            names = code.co_varnames[:code.co_argcount][-len(defaults):]
            defaults[names.index("n_jobs")] = 1
            patch.setattr(init, "__defaults__", tuple(defaults))
        yield


def real_data_dir() -> Path | None:
    path = Path(os.environ.get("REELCAST_DATA") or _DEFAULT)
    return path if (path / "README.md").exists() else None


def pytest_collection_modifyitems(config, items):
    skips = {"ray": ray_skip_reason()}
    if real_data_dir() is None:
        skips["realdata"] = ("realdata: set REELCAST_DATA to the public tables (../shared/data); "
                             "not found")
    for item in items:
        for marker, reason in skips.items():
            if reason is not None and item.get_closest_marker(marker) is not None:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = real_data_dir()
    if path is None:
        pytest.skip("realdata: REELCAST_DATA (../shared/data) not found")
    return path


@pytest.fixture(scope="session")
def real_corpus(data_dir, tmp_path_factory) -> Path:
    """The corpus built once per session from the real tables (about 40 s); its folder."""
    from reelcast.data import build_corpus

    out = tmp_path_factory.mktemp("real_corpus") / "corpus"
    build_corpus(data_dir, out, progress=False)
    return out
