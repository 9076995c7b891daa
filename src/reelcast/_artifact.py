"""Saved models: one format-tag convention and one manifest of verified files. No pickle.

Every JSON state a model writes carries ``"format": "reelcast.<kind>/<version>"``
(:func:`format_tag`); a reader refuses any other tag (:func:`check_format`), accepting only the
older tags it lists as ``legacy`` so that directories saved before the convention still load.

A *model directory* is native files plus ``manifest.json``: the format tag, when and with which
library versions it was saved, what the model reads, and the sha256 of every file.
:func:`verify` refuses a directory whose tag, library major versions or any listed file's hash
differ; :func:`add_files` writes further files into a verified directory and lists them, so a
directory is never re-blessed after tampering. Each estimator (de)serialises its own state; this
module only keeps the directory honest.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from ._errors import ArtifactError
from ._io import file_sha256, write_json

__all__ = [
    "MANIFEST_FILE",
    "add_files",
    "check_format",
    "check_versions",
    "format_tag",
    "library_versions",
    "read_json",
    "read_manifest",
    "verify",
    "verify_files",
    "write_manifest",
]

MANIFEST_FILE = "manifest.json"


def format_tag(kind: str, version: int) -> str:
    """The format tag of a saved ``kind`` (``format_tag("stack", 1)`` is ``"reelcast.stack/1"``)."""
    return f"reelcast.{kind}/{int(version)}"


def check_format(state: dict, tag: str, where: str | Path, *, legacy: Iterable = ()) -> None:
    """Refuse a saved state unless its ``"format"`` is ``tag`` or one of the ``legacy`` tags.

    States written before the convention kept their version under ``"format_version"``; that
    value counts as the tag when the state has no ``"format"``.
    """
    found = state.get("format", state.get("format_version")) if isinstance(state, dict) else None
    if found == tag or (found is not None and found in tuple(legacy)):
        return
    raise ArtifactError(f"{where}: format {found!r} is not {tag!r}; this reelcast reads {tag}")


def read_json(path: str | Path, what: str) -> dict:
    """The JSON object in ``path``; a missing or unreadable file is an ``ArtifactError``."""
    path = Path(path)
    if not path.is_file():
        raise ArtifactError(f"{path.parent} is not {what} ({path.name} is missing)")
    try:
        state = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(state, dict):
        raise ArtifactError(f"{path} holds a {type(state).__name__}, not a JSON object")
    return state


def library_versions(*extra: str) -> dict[str, str]:
    """The versions a saved model depends on (reelcast, Python, LightGBM, numpy, pandas,
    scikit-learn, and the ``extra`` modules named, e.g. ``"torch"``)."""
    import importlib

    import lightgbm
    import numpy
    import pandas
    import sklearn

    versions = {"reelcast": __version__, "python": platform.python_version(),
                "lightgbm": lightgbm.__version__, "numpy": numpy.__version__,
                "pandas": pandas.__version__, "scikit-learn": sklearn.__version__}
    return versions | {name: importlib.import_module(name).__version__ for name in extra}


def _major(version: str) -> str:
    return str(version).split(".")[0]


def check_versions(model_dir: str | Path, saved: dict[str, str],
                   libraries=("reelcast", "lightgbm", "scikit-learn")) -> None:
    """Refuse a model saved with another major version of a library its files depend on."""
    now = library_versions()
    for lib in libraries:
        if lib in saved and lib in now and _major(saved[lib]) != _major(now[lib]):
            raise ArtifactError(
                f"{model_dir} was saved with {lib} {saved[lib]}, this is {now[lib]}: "
                f"retrain the model or install {lib}=={saved[lib]}"
            )


def verify_files(model_dir: str | Path, files: dict[str, str]) -> None:
    """Refuse a model directory unless every listed file exists and matches its sha256."""
    model_dir = Path(model_dir)
    for rel, digest in files.items():
        path = model_dir / rel
        if not path.is_file():
            raise ArtifactError(f"{model_dir}: file {rel} listed in the manifest is missing")
        if file_sha256(path) != digest:
            raise ArtifactError(f"{model_dir}: file {rel} does not match its sha256 in the "
                                f"manifest (modified or corrupt); refusing to load")


def read_manifest(model_dir: str | Path) -> dict:
    """The manifest of a model directory, unverified (see :func:`verify`)."""
    path = Path(model_dir) / MANIFEST_FILE
    if not path.is_file():
        raise ArtifactError(f"{model_dir} is not a reelcast model directory (no manifest.json)")
    return read_json(path, "a reelcast model directory")


def verify(model_dir: str | Path, tag: str, *, strict_versions: bool = True,
           required: Iterable[str] = ()) -> dict:
    """The manifest, after checking its format tag, library major versions and every file's
    sha256; ``required`` files must be listed."""
    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)
    check_format(manifest, tag, model_dir)
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise ArtifactError(f"{model_dir}: manifest lists no files")
    for rel in required:
        if rel not in files:
            raise ArtifactError(f"{model_dir}: manifest lists no {rel}")
    if strict_versions:
        check_versions(model_dir, manifest.get("versions", {}))
    verify_files(model_dir, files)
    return manifest


def _hashes(model_dir: Path, paths: Iterable[Path]) -> dict[str, str]:
    return {p.relative_to(model_dir).as_posix(): file_sha256(p) for p in paths}


def write_manifest(model_dir: str | Path, tag: str, fields: dict, *,
                   versions: dict[str, str] | None = None) -> dict:
    """Write ``manifest.json`` listing the sha256 of every file now in ``model_dir``.

    ``fields`` (what the model reads, metrics, provenance) go beside the tag, the time and the
    library versions (default :func:`library_versions`).
    """
    model_dir = Path(model_dir)
    files = sorted(p for p in model_dir.rglob("*") if p.is_file() and p.name != MANIFEST_FILE)
    manifest = {"format": tag, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "versions": library_versions() if versions is None else versions, **fields,
                "files": _hashes(model_dir, files)}
    write_json(model_dir / MANIFEST_FILE, manifest)
    return manifest


def add_files(model_dir: str | Path, tag: str,
              writers: dict[str, Callable[[Path], object]]) -> dict:
    """Write files into a saved model directory and list their sha256 in its manifest.

    ``writers`` maps a path relative to ``model_dir`` to a function that writes it: one file, or
    a folder whose every file is listed. The directory is verified *before* anything is written
    (a tampered model is never re-blessed), so rerunning a step replaces its own earlier files
    instead of failing on their old hashes.
    """
    model_dir = Path(model_dir)
    manifest = verify(model_dir, tag)
    files = dict(manifest["files"])
    for rel, write in writers.items():
        path = model_dir / rel
        write(path)
        written = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        if not all(p.is_file() for p in written) or not written:
            raise ArtifactError(f"{model_dir}: cannot add {rel!r} to the manifest, it was not "
                                "written")
        files |= _hashes(model_dir, written)
    manifest["files"] = dict(sorted(files.items()))
    write_json(model_dir / MANIFEST_FILE, manifest)
    return manifest
