"""No unsafe loading anywhere in the package, and poster paths cannot escape their folder.

An ``ast`` walk over ``src/reelcast`` fails on: importing ``pickle``/``cPickle``/``joblib``/
``dill``/``cloudpickle``/``shelve``/``marshal``; ``torch.load`` (or ``torch.jit.load``) without
``weights_only=True``; ``numpy.load(..., allow_pickle=<anything but False>)``; ``read_pickle`` /
``to_pickle``; ``yaml.load``/``yaml.unsafe_load``; the builtins ``eval``/``exec``/``compile``.
Model weights go through safetensors, tables through parquet/JSON, LightGBM through its text format.
The checker is itself tested on planted snippets, so it cannot pass by seeing nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from reelcast import ImageError
from reelcast.vision import PosterFeatures, load_image, read_image_file, resolve_image_path
from reelcast.vision._pixels import poster_pixels

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "reelcast"
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "joblib", "dill", "cloudpickle", "shelve",
                  "marshal"}
UNSAFE_BUILTINS = {"eval", "exec", "compile"}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _keyword(call: ast.Call, name: str):
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def unsafe_uses(source: str, filename: str = "<snippet>") -> list[str]:
    """Every unsafe-loading construct in ``source`` as ``"file:line: what"``."""
    tree = ast.parse(source, filename)
    found = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in UNSAFE_MODULES:
                    report(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".")[0]
            if module in UNSAFE_MODULES:
                report(node, f"from {node.module} import ...")
            if any(a.name in ("read_pickle", "load") and module in ("pandas", "torch", "yaml")
                   for a in node.names):
                report(node, f"from {node.module} import {[a.name for a in node.names]}")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            last = name.rsplit(".", 1)[-1]
            if isinstance(node.func, ast.Name) and name in UNSAFE_BUILTINS:
                report(node, f"{name}()")
            elif last in ("read_pickle", "to_pickle", "unsafe_load"):
                report(node, f"{name}()")
            elif name in ("torch.load", "torch.jit.load"):
                flag = _keyword(node, "weights_only")
                if not (isinstance(flag, ast.Constant) and flag.value is True):
                    report(node, f"{name}() without weights_only=True")
            elif name in ("np.load", "numpy.load"):
                flag = _keyword(node, "allow_pickle")
                if flag is not None and not (isinstance(flag, ast.Constant) and flag.value is False):
                    report(node, f"{name}(allow_pickle=...)")
            elif name == "yaml.load":
                report(node, "yaml.load()")
    return found


def test_package_has_no_unsafe_loading():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 50  # the walk really sees the package
    problems = [p for f in files for p in unsafe_uses(f.read_text(encoding="utf-8"),
                                                      str(f.relative_to(PACKAGE.parent)))]
    assert problems == []


@pytest.mark.parametrize("snippet", [
    "import pickle",
    "import joblib as jl",
    "from sklearn.externals import joblib\nimport dill",
    "from pickle import loads",
    "import cloudpickle.cloudpickle",
    "torch.load(path)",
    "torch.load(path, weights_only=False)",
    "torch.load(path, weights_only=flag)",
    "torch.jit.load('m.pt')",
    "np.load(path, allow_pickle=True)",
    "numpy.load(path, allow_pickle=ok)",
    "pd.read_pickle(path)",
    "frame.to_pickle(path)",
    "from pandas import read_pickle",
    "eval(text)",
    "exec(code)",
    "compile(src, 'f', 'exec')",
    "yaml.load(fh)",
    "yaml.unsafe_load(fh)",
])
def test_checker_catches_planted_unsafe_code(snippet):
    assert unsafe_uses(snippet), snippet


@pytest.mark.parametrize("snippet", [
    "torch.load(path, weights_only=True)",
    "np.load(path)",
    "np.load(path, allow_pickle=False)",
    "ast.literal_eval(text)",
    "model.eval()",
    "safetensors.torch.load_file(path)",
    "json.loads(text)",
])
def test_checker_allows_safe_code(snippet):
    assert unsafe_uses(snippet) == []


# --------------------------------------------------------------------------------------------
# poster paths: traversal, absolute paths and symlinks out of the allowed folder are refused
# --------------------------------------------------------------------------------------------
@pytest.fixture()
def poster_root(tmp_path) -> Path:
    root = tmp_path / "data"
    (root / "posters").mkdir(parents=True)
    Image.new("RGB", (20, 30), (1, 2, 3)).save(root / "posters" / "ok.jpg")
    Image.new("RGB", (20, 30), (9, 9, 9)).save(tmp_path / "outside.jpg")
    (root / "posters" / "escape.jpg").symlink_to(tmp_path / "outside.jpg")
    (root / "posters" / "loop.jpg").symlink_to(root / "posters" / "loop.jpg")
    return root


@pytest.mark.parametrize("path, needle", [
    ("../../etc/passwd", "outside the allowed root"),
    ("../outside.jpg", "outside the allowed root"),
    ("posters/../../outside.jpg", "outside the allowed root"),
    ("/etc/passwd", "outside the allowed root"),
    ("posters/escape.jpg", "outside the allowed root"),          # a symlink pointing out
    ("posters/loop.jpg", "poster"),                              # a symlink loop
    ("posters/ok.jpg\x00.png", "NUL byte"),
    ("p" * 5000 + ".jpg", "poster"),                             # a name too long for the OS
    ("", "empty"),
    ("posters/", "not found"),                                   # a folder, not a file
])
def test_poster_paths_outside_the_root_are_refused(poster_root, path, needle):
    with pytest.raises(ImageError, match=needle) as info:
        read_image_file(path, root=poster_root)
    assert "\n" not in str(info.value)


def test_poster_inside_the_root_is_read(poster_root):
    assert load_image("posters/ok.jpg", root=poster_root).size == (20, 30)
    assert resolve_image_path("posters/./ok.jpg", root=poster_root).name == "ok.jpg"


def test_batch_readers_skip_escaping_posters_without_reading_them(poster_root):
    paths = ["posters/ok.jpg", "../outside.jpg", "posters/escape.jpg", "../../etc/passwd"]
    batch = poster_pixels(paths, root=poster_root, image_size=(24, 16))
    assert batch.valid.tolist() == [True, False, False, False]
    assert all("outside the allowed root" in batch.errors[i] for i in (1, 2, 3))
    feats = PosterFeatures(root=poster_root, faces=False)
    films = pd.DataFrame({"poster_file": paths})
    out = feats.fit(films).transform(films)
    assert len(out) == 4 and np.isfinite(out.iloc[0].to_numpy(float)).any()


def test_no_pickle_files_are_written_by_the_package(tmp_path):
    # a cheap end-to-end check beside the AST walk: the tiny model directory holds no pickles
    from _tiny_product import tiny_model_dir

    for path in tiny_model_dir().rglob("*"):
        if path.is_file():
            head = path.read_bytes()[:2]
            assert head != b"\x80\x04" and head != b"\x80\x05", path  # pickle protocol 4/5
            assert path.suffix not in (".pkl", ".pickle", ".joblib", ".pt", ".pth"), path
