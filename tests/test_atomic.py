"""Nothing lost: a run killed mid-write leaves the previous artifact whole; corruption is caught.

Each kill test starts a subprocess that rewrites an artifact (a model directory, a corpus, a cache
entry) and stops itself just before the write finishes (a patched writer signals and sleeps); the
test SIGKILLs it there and checks that the previous version still loads and gives the same
results. Then a corrupted cache entry is detected and rebuilt, and a tampered model is refused.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _tiny_product import tiny_films, tiny_model_dir
from _tinydata import write_tiny_data
from PIL import Image

from reelcast import ArtifactError
from reelcast._io import atomic_dir, atomic_file, file_sha256
from reelcast.data import build_corpus, load_corpus
from reelcast.forecast import load_forecaster
from reelcast.vision import EmbeddingCache, text_key
from reelcast.vision._pixels import poster_pixels

SRC = Path(__file__).resolve().parents[1] / "src"


def _kill_mid_write(script: str, *args: str | Path, timeout: float = 120.0) -> None:
    """Run ``script`` in a subprocess, wait for it to create the marker (its last argument),
    then SIGKILL it: the write it was doing never finishes."""
    marker = Path(args[-1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH",
                                                                                   "")]),
           "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    try:
        while not marker.exists():
            if proc.poll() is not None:
                _, err = proc.communicate()
                pytest.fail(f"writer exited ({proc.returncode}) before the kill point:\n"
                            f"{err.decode()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail("writer never reached the kill point")
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): file_sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file()}


# --------------------------------------------------------------------------------------------
# killed mid-write
# --------------------------------------------------------------------------------------------
KILL_MODEL = """
    import pathlib, sys, time
    import reelcast._artifact as manifests
    import reelcast.models.forecaster as art
    src, target, marker = map(pathlib.Path, sys.argv[1:4])
    model = art.load_forecaster(src)
    real = manifests.write_json
    def write_json(path, obj):
        if pathlib.Path(path).name == "manifest.json":  # every other file is written by now
            marker.write_text("kill me")
            time.sleep(600)
        real(path, obj)
    manifests.write_json = write_json
    art.save_forecaster(model, target)
"""


def test_model_save_killed_mid_write_keeps_the_previous_model(tmp_path):
    target = shutil.copytree(tiny_model_dir(), tmp_path / "model")
    before_files = _tree_hashes(target)
    films = tiny_films().tail(50)
    before = load_forecaster(target).predict(films)

    _kill_mid_write(KILL_MODEL, tiny_model_dir(), target, tmp_path / "marker")

    assert _tree_hashes(target) == before_files
    np.testing.assert_array_equal(load_forecaster(target).predict(films), before)
    # the half-written attempt is a hidden temporary folder beside it, never the model itself
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".model.tmp-")]
    assert len(leftovers) == 1 and not (tmp_path / leftovers[0] / "manifest.json").exists()


KILL_CORPUS = """
    import pathlib, sys, time
    import reelcast.data._corpus_io as cio
    from reelcast.data import build_corpus
    data, target, marker = map(pathlib.Path, sys.argv[1:4])
    real = cio.write_json
    def write_json(path, obj):
        if pathlib.Path(path).name == "manifest.json":
            marker.write_text("kill me")
            time.sleep(600)
        real(path, obj)
    cio.write_json = write_json
    build_corpus(data, target, progress=False)
"""


def test_corpus_build_killed_mid_write_keeps_the_previous_corpus(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    target = tmp_path / "corpus"
    build_corpus(data, target, progress=False)
    before_files = _tree_hashes(target)
    before = load_corpus(target)

    _kill_mid_write(KILL_CORPUS, data, target, tmp_path / "marker")

    assert _tree_hashes(target) == before_files
    pd.testing.assert_frame_equal(load_corpus(target), before)


KILL_CACHE = """
    import contextlib, pathlib, sys, time
    import numpy as np
    import reelcast._cache as emb
    root, marker = map(pathlib.Path, sys.argv[1:3])
    real = emb.atomic_file
    @contextlib.contextmanager
    def atomic_file(path, mode="wb"):
        with real(path, mode) as fh:
            class Half:
                def write(self, data):
                    fh.write(data[: len(data) // 2])
                    fh.flush()
                    marker.write_text("kill me")
                    time.sleep(600)
            yield Half()
    emb.atomic_file = atomic_file
    emb.EmbeddingCache(root, "test").put(emb.text_key("poster"), np.full(64, 2.0))
"""


def test_cache_put_killed_mid_write_keeps_the_previous_entry(tmp_path):
    cache = EmbeddingCache(tmp_path / "cache", "test")
    cache.put(text_key("poster"), np.ones(64))

    _kill_mid_write(KILL_CACHE, tmp_path / "cache", tmp_path / "marker")

    fresh = EmbeddingCache(tmp_path / "cache", "test")
    np.testing.assert_array_equal(fresh.get(text_key("poster")), np.ones(64))
    assert fresh.n_corrupt == 0


def test_atomic_helpers_leave_the_target_alone_on_error(tmp_path):
    target = tmp_path / "out"
    with atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("first")
    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("second")
        raise RuntimeError("interrupted")
    assert (target / "a.txt").read_text() == "first"
    with atomic_dir(target) as tmp:  # a later successful write replaces it whole
        (tmp / "b.txt").write_text("second")
    assert sorted(p.name for p in target.iterdir()) == ["b.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left behind

    path = tmp_path / "file.json"
    path.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_file(path, "w") as fh:
        fh.write("new, half")
        raise KeyboardInterrupt
    assert path.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == [
        "file.json", "out"]


# --------------------------------------------------------------------------------------------
# corruption is detected and rebuilt; tampering is refused
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_corrupt_cache_entry_is_detected_and_rebuilt(tmp_path, damage):
    posters = tmp_path / "posters"
    posters.mkdir()
    for i, color in enumerate([(200, 30, 30), (30, 200, 30)]):
        Image.new("RGB", (40, 60), color).save(posters / f"{i}.png")
    paths = [str(posters / "0.png"), str(posters / "1.png")]
    cache_dir = tmp_path / "cache"
    first = poster_pixels(paths, cache_dir=cache_dir, image_size=(24, 16))
    entries = sorted(cache_dir.rglob("*.npy"))
    assert len(entries) == 2
    victim = entries[0]
    raw = victim.read_bytes()
    victim.write_bytes({"truncate": raw[: len(raw) // 2],
                        "flip": raw[:-1] + bytes([raw[-1] ^ 0xFF]),
                        "empty": b"",
                        "garbage": os.urandom(len(raw))}[damage])

    cache = EmbeddingCache(cache_dir, "pixels-24x16-v1")
    assert cache.get(victim.stem) is None and cache.n_corrupt == 1 and not victim.exists()

    victim.write_bytes(raw[: len(raw) // 2])  # damaged again, now read through the consumer
    second = poster_pixels(paths, cache_dir=cache_dir, image_size=(24, 16))
    np.testing.assert_array_equal(second.pixels, first.pixels)
    assert victim.read_bytes() == raw  # rebuilt, identical


@pytest.mark.parametrize("tamper, needle", [
    (lambda d: (d / "lgbm_model.txt").write_text("tree\n"), "lgbm_model.txt"),
    (lambda d: (d / "config.json").unlink(), "config.json"),
    (lambda d: next((d / "history").iterdir()).write_bytes(b"PAR1"), "history/"),
    (lambda d: (d / "manifest.json").write_text("{not json"), "not valid JSON"),
    (lambda d: (d / "manifest.json").unlink(), "no manifest.json"),
    (lambda d: (d / "manifest.json").write_text('{"format": "other/9"}'), "format"),
    (lambda d: (d / "intervals.json").write_text("{}"), "intervals.json"),
])
def test_tampered_model_directory_is_refused(tmp_path, tamper, needle):
    target = shutil.copytree(tiny_model_dir(), tmp_path / "model")
    tamper(target)
    with pytest.raises(ArtifactError, match=needle) as info:
        load_forecaster(target)
    assert "\n" not in str(info.value)


def test_folder_replacement_is_one_exchange_where_supported(tmp_path, monkeypatch):
    import reelcast._io as io_mod

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "y").write_text("b")
    if not io_mod._exchange(a, b):
        pytest.skip("this filesystem/OS has no renameat2(RENAME_EXCHANGE); two renames are used")
    assert [p.name for p in a.iterdir()] == ["y"] and [p.name for p in b.iterdir()] == ["x"]
    # the exchange is what atomic_dir uses on a replacement: target never goes missing
    calls = []
    real = io_mod._exchange
    monkeypatch.setattr(io_mod, "_exchange", lambda s, t: calls.append(t) or real(s, t))
    with atomic_dir(b) as tmp:
        (tmp / "z").write_text("new")
    assert calls == [b] and [p.name for p in b.iterdir()] == ["z"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_folder_replacement_falls_back_to_two_renames(tmp_path, monkeypatch):
    import reelcast._io as io_mod

    monkeypatch.setattr(io_mod, "_exchange", lambda s, t: False)
    target = tmp_path / "out"
    for name in ("first", "second"):
        with atomic_dir(target) as tmp:
            (tmp / name).write_text(name)
    assert [p.name for p in target.iterdir()] == ["second"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
