"""Model directories: a JSON manifest plus native files, verified by hash on load. No pickle.

Layout of a forecaster directory::

    manifest.json          versions, feature list, training-data hash, metrics, sha256 of every file
    config.json            estimator parameters and the fitted feature state (languages, roles)
    lgbm_model.txt         LightGBM's own text format (the regressor of all fields)
    lgbm_model_<set>.txt   the regressor of each named field set (``set_models``)
    history/<role>.parquet the as-of talent/company/keyword/collection records
    keyword_topics.npz     keyword vocabulary, idf and SVD components (numpy, no pickle)
"""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from .._errors import ArtifactError
from .._io import atomic_dir, file_sha256, write_json
from ..data import FIELD_SETS
from ..features import KeywordTopics, MetadataFeatures, PreReleaseFeatures, TalentHistory
from ..features._history import EntityHistory
from ..features._metadata import STUDIO_LEVELS
from ._forecaster import BoxOfficeForecaster

__all__ = ["save_forecaster", "load_forecaster", "read_manifest", "library_versions"]

FORMAT = "reelcast.forecaster/1"


def library_versions() -> dict[str, str]:
    import lightgbm
    import numpy
    import sklearn

    return {"reelcast": __version__, "python": platform.python_version(),
            "lightgbm": lightgbm.__version__, "numpy": numpy.__version__,
            "pandas": pd.__version__, "scikit-learn": sklearn.__version__}


def _major(version: str) -> str:
    return str(version).split(".")[0]


def save_forecaster(model: BoxOfficeForecaster, out_dir: str | Path, *,
                    training_data_hash: str | None = None, metrics: dict | None = None,
                    extra: dict | None = None) -> Path:
    """Write ``model`` to ``out_dir`` atomically (a failed save leaves an older model intact)."""
    model._check()
    out_dir = Path(out_dir)
    feats = model.features_
    history: TalentHistory = feats.history_
    with atomic_dir(out_dir) as tmp:
        model.model_.booster_.save_model(str(tmp / "lgbm_model.txt"))
        set_models = getattr(model, "set_models_", {})
        for name, regressor in set_models.items():
            regressor.booster_.save_model(str(tmp / f"lgbm_model_{name}.txt"))
        (tmp / "history").mkdir()
        for role, hist in history.histories_.items():
            hist.records.to_parquet(tmp / "history" / f"{role}.parquet", index=False)
        config = {
            "format": FORMAT,
            "params": model.get_params(),
            "languages": feats.metadata_.languages_,
            "n_languages": feats.metadata_.n_languages,
            "roles": [[k, *v] for k, v in history._roles().items()],  # a list: order matters
            "history_target": history.target,
            "train_median": model.train_median_,
            "field_effects": getattr(model, "field_effects_", {}),
            "set_models": list(set_models),
            "fields_read": list(getattr(model, "fields_read_", [])),
        }
        if getattr(feats, "topics_", None) is not None:
            np.savez(tmp / "keyword_topics.npz", **feats.topics_.state())
            config["keyword_topics"] = feats.topics_.get_params()
        write_json(tmp / "config.json", config)
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": library_versions(),
            "features": list(model.feature_names_in_),
            "training_data_sha256": training_data_hash,
            "metrics": metrics or {},
            "files": {str(p.relative_to(tmp)): file_sha256(p) for p in files},
            **(extra or {}),
        }
        write_json(tmp / "manifest.json", manifest)
    return out_dir


def read_manifest(model_dir: str | Path) -> dict:
    path = Path(model_dir) / "manifest.json"
    if not path.is_file():
        raise ArtifactError(f"{model_dir} is not a reelcast model directory (no manifest.json)")
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{path} is not valid JSON: {exc}") from exc


def verify(model_dir: str | Path, *, strict_versions: bool = True) -> dict:
    """Check the manifest's format, library major versions and every file's sha256."""
    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)
    if manifest.get("format") != FORMAT:
        raise ArtifactError(f"{model_dir}: format {manifest.get('format')!r} is not {FORMAT!r}")
    if strict_versions:
        check_versions(model_dir, manifest.get("versions", {}))
    verify_files(model_dir, manifest.get("files", {}))
    return manifest


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


def load_forecaster(model_dir: str | Path) -> BoxOfficeForecaster:
    """Load a forecaster saved by :func:`save_forecaster`, refusing tampered or foreign files."""
    import lightgbm as lgb

    model_dir = Path(model_dir)
    manifest = verify(model_dir)
    config = json.loads((model_dir / "config.json").read_text())
    model = BoxOfficeForecaster(**config["params"])
    roles = {role: (column, top) for role, column, top in config["roles"]}
    history = TalentHistory(roles=roles, target=config["history_target"])
    history.histories_ = {
        role: EntityHistory(pd.read_parquet(model_dir / "history" / f"{role}.parquet"))
        for role in roles
    }
    history.feature_names_out_ = []
    horizon = config["params"].get("horizon", "greenlight")
    metadata = MetadataFeatures(n_languages=config["n_languages"],
                                release_plan=horizon == "release_week")
    metadata.languages_ = list(config["languages"])
    metadata.levels_ = {k: list(v) for k, v in STUDIO_LEVELS.items()}
    features = PreReleaseFeatures(n_languages=config["n_languages"], horizon=horizon,
                                  keyword_topics=config.get("keyword_topics", {}).get(
                                      "n_components", 0))
    features.metadata_, features.history_, features.extra_ = metadata, history, []
    features.topics_ = None
    if "keyword_topics" in config:
        with np.load(model_dir / "keyword_topics.npz", allow_pickle=False) as arrays:
            features.topics_ = KeywordTopics.from_state(arrays, **config["keyword_topics"])
    features.feature_names_out_ = list(manifest["features"])
    model.features_ = features
    booster = lgb.Booster(model_file=str(model_dir / "lgbm_model.txt"))
    model.model_ = _BoosterRegressor(booster)
    # directories saved before per-set regressors have none: every film takes the full one
    unknown = [n for n in config.get("set_models", []) if n not in FIELD_SETS or n == "full"]
    if unknown:
        raise ArtifactError(f"{model_dir}: config.json names an unknown field set {unknown[0]!r}")
    model.set_models_ = {
        name: _BoosterRegressor(lgb.Booster(model_file=str(model_dir / f"lgbm_model_{name}.txt")))
        for name in config.get("set_models", [])}
    model.fields_read_ = list(config.get("fields_read", []))
    model.feature_names_in_ = manifest["features"]
    model.n_features_in_ = len(manifest["features"])
    model.train_median_ = float(config["train_median"])
    model.field_effects_ = dict(config.get("field_effects", {}))
    return model


class _BoosterRegressor:
    """The fitted-regressor face of a LightGBM booster read back from its text file."""

    def __init__(self, booster):
        self.booster_ = booster

    def predict(self, X):
        return self.booster_.predict(X)
