"""Shared fixtures: the real data folder (``realdata`` tests skip with a reason without it)."""

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


def real_data_dir() -> Path | None:
    path = Path(os.environ.get("REELCAST_DATA") or _DEFAULT)
    return path if (path / "README.md").exists() else None


def pytest_collection_modifyitems(config, items):
    if real_data_dir() is not None:
        return
    skip = pytest.mark.skip(
        reason="realdata: set REELCAST_DATA to the public tables (../shared/data); not found"
    )
    for item in items:
        if "realdata" in item.keywords:
            item.add_marker(skip)


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
