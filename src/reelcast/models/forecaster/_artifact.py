"""Forecaster directories: a JSON manifest plus native files, verified by hash on load. No pickle.

Layout of a forecaster directory::

    manifest.json          versions, feature list, training-data hash, metrics, sha256 of every file
    config.json            estimator parameters and the fitted feature state (languages, roles)
    lgbm_model.txt         LightGBM's own text format (the regressor of all fields)
    lgbm_model_<set>.txt   the regressor of each named field set (``set_models``)
    history/<role>.parquet the as-of talent/company/keyword/collection records
    keyword_topics.npz     keyword vocabulary, idf and SVD components (numpy, no pickle)

The product layer adds its files (intervals, comparables, rating, genres, hits) with
:func:`add_forecaster_files`, hashed in the same manifest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ..._artifact import add_files, format_tag, verify, write_manifest
from ..._errors import ArtifactError, InputError
from ..._io import atomic_dir, write_json
from ...data import MODEL_FIELD_SETS
from ...features import PreReleaseFeatures
from ._estimator import BoxOfficeForecaster

__all__ = ["FORECASTER_FORMAT", "add_forecaster_files", "load_forecaster", "save_forecaster",
           "verify_forecaster"]

FORECASTER_FORMAT = format_tag("forecaster", 1)


def save_forecaster(model: BoxOfficeForecaster, out_dir: str | Path, *,
                    training_data_hash: str | None = None, metrics: dict | None = None,
                    extra: dict | None = None) -> Path:
    """Write ``model`` to ``out_dir`` atomically (a failed save leaves an older model intact)."""
    model._check()
    out_dir = Path(out_dir)
    with atomic_dir(out_dir) as tmp:
        model.model_.booster_.save_model(str(tmp / "lgbm_model.txt"))
        set_models = getattr(model, "set_models_", {})
        for name, regressor in set_models.items():
            regressor.booster_.save_model(str(tmp / f"lgbm_model_{name}.txt"))
        try:
            features = model.features_.save_state(tmp)
        except InputError as exc:
            raise ArtifactError(f"cannot save this BoxOfficeForecaster: {exc}") from exc
        config = {
            "format": FORECASTER_FORMAT,
            "params": model.get_params(),
            **features,
            "train_median": model.train_median_,
            "field_effects": getattr(model, "field_effects_", {}),
            "set_models": list(set_models),
            "fields_read": list(getattr(model, "fields_read_", [])),
        }
        write_json(tmp / "config.json", config)
        write_manifest(tmp, FORECASTER_FORMAT, {
            "features": list(model.feature_names_in_),
            "training_data_sha256": training_data_hash,
            "metrics": metrics or {},
            **(extra or {}),
        })
    return out_dir


def verify_forecaster(model_dir: str | Path, *, strict_versions: bool = True) -> dict:
    """The manifest of a forecaster directory, after checking its format, library major
    versions and every file's sha256."""
    return verify(model_dir, FORECASTER_FORMAT, strict_versions=strict_versions)


def add_forecaster_files(model_dir: str | Path,
                         writers: dict[str, Callable[[Path], object]]) -> dict:
    """Write files into a verified forecaster directory and list them in its manifest
    (see :func:`reelcast._artifact.add_files`)."""
    return add_files(model_dir, FORECASTER_FORMAT, writers)


def load_forecaster(model_dir: str | Path) -> BoxOfficeForecaster:
    """Load a forecaster saved by :func:`save_forecaster`, refusing tampered or foreign files."""
    import lightgbm as lgb

    model_dir = Path(model_dir)
    manifest = verify_forecaster(model_dir)
    config = json.loads((model_dir / "config.json").read_text())
    # directories saved before the near-set copies, before the set regressors learned fields
    # beyond their set, before the random-subset copies or before the budget's monotone
    # constraints were trained without them: say so in
    # get_params (and route as they did)
    model = BoxOfficeForecaster(**{"one_more_field": False, "own_weight": 1.0,
                                   "set_models_near": 0, "subset_copies": 0,
                                   "monotone_budget": False, **config["params"]})
    model.features_ = PreReleaseFeatures.load_state(
        model_dir, config, horizon=config["params"].get("horizon", "greenlight"),
        feature_names=manifest["features"])
    booster = lgb.Booster(model_file=str(model_dir / "lgbm_model.txt"))
    model.model_ = _BoosterRegressor(booster)
    # directories saved before per-set regressors have none: every film takes the full one
    unknown = [n for n in config.get("set_models", []) if n not in MODEL_FIELD_SETS]
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
