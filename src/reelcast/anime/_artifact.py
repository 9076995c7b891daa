"""Anime model directories: JSON manifest + native files, verified by sha256 on load. No pickle.

Layout::

    manifest.json      format, domain "anime", versions, features, training-data hash, metrics,
                       sha256 of every other file
    config.json        estimator parameters and fitted state (vocabularies, scalers)
    text_tfidf.npz     TF-IDF vocabulary, idf and SVD components (numpy, allow_pickle=False)
    lgbm_model.txt     LightGBM's text format (head "lgbm")
    text_score.npz     ridge text-score coefficients (head "lgbm" with a text block)
    net.safetensors    network weights (head "mlp")

A MiniLM text block stores nothing: the encoder is the fixed offline all-MiniLM-L6-v2.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .._artifact import format_tag, library_versions, verify, write_manifest
from .._errors import ArtifactError
from .._io import atomic_dir, write_json
from ._features import AnimeFeatures
from ._model import AnimePopularityModel
from ._text_score import TextScore

__all__ = ["ANIME_FORMAT", "save_anime_model", "load_anime_model", "read_anime_manifest"]

ANIME_FORMAT = format_tag("anime", 1)


def _json_params(model: AnimePopularityModel) -> dict:
    params = model.get_params()
    # the embedding cache is a property of the machine, not of the model: never saved
    params["cache_dir"] = None
    params["minilm_path"] = None if params["minilm_path"] is None else str(params["minilm_path"])
    return params


def save_anime_model(model: AnimePopularityModel, out_dir: str | Path, *,
                     training_data_hash: str | None = None, metrics: dict | None = None,
                     extra: dict | None = None) -> Path:
    """Write a fitted model to ``out_dir`` atomically (a failed save leaves an older one intact)."""
    model._check_fitted()
    out_dir = Path(out_dir)
    with atomic_dir(out_dir) as tmp:
        config = {"format": ANIME_FORMAT, "params": _json_params(model),
                  "text_used": model.text_used_, "train_mean": model.train_mean_,
                  "features": model.features_.state() if model.features_ is not None else None}
        if model.text_used_ == "tfidf":
            config["tfidf"], arrays = model.text_encoder_.state()
            np.savez(tmp / "text_tfidf.npz", **arrays)
        if model.head == "lgbm":
            model.booster_.save_model(str(tmp / "lgbm_model.txt"))
            if model.text_score_ is not None:
                np.savez(tmp / "text_score.npz", coef=model.text_score_.coef_,
                         intercept=np.array([model.text_score_.intercept_]))
        else:
            from safetensors.torch import save_file

            state = {k: v.detach().cpu().contiguous() for k, v in model.net_.state_dict().items()}
            save_file(state, str(tmp / "net.safetensors"))
            config["net"] = {"d_text": model.net_.d_text, "d_tab": model.net_.d_tab,
                             "tab_center": model.tab_center_.tolist(),
                             "tab_scale": model.tab_scale_.tolist()}
        write_json(tmp / "config.json", config)
        write_manifest(tmp, ANIME_FORMAT, {
            "domain": "anime", "target": "MAL score 1-10; trained on (score - 1) / 9",
            "text_encoder": model.text_used_, "head": model.head,
            "features": list(model.feature_names_in_),
            "training_data_sha256": training_data_hash, "metrics": metrics or {},
            **(extra or {})}, versions=library_versions("torch"))
    return out_dir


def read_anime_manifest(model_dir: str | Path) -> dict:
    """The manifest of an anime model directory, after checking format and every file's hash."""
    return verify(model_dir, ANIME_FORMAT, required=["config.json"])


def load_anime_model(model_dir: str | Path, *, cache_dir=None) -> AnimePopularityModel:
    """Load a model written by :func:`save_anime_model`, refusing tampered or foreign files.

    ``cache_dir`` overrides the saved MiniLM embedding cache folder.
    """
    model_dir = Path(model_dir)
    manifest = read_anime_manifest(model_dir)
    try:
        config = json.loads((model_dir / "config.json").read_text())
        params = dict(config["params"])
        if cache_dir is not None:
            params["cache_dir"] = str(cache_dir)
        model = AnimePopularityModel(**params)
        model.text_used_, model.train_mean_ = config["text_used"], float(config["train_mean"])
        model.features_ = (AnimeFeatures.from_state(config["features"])
                           if config["features"] is not None else None)
        model.feature_names_in_ = list(manifest["features"])
        model.n_features_in_ = len(model.feature_names_in_)
        model.text_encoder_ = None
        if model.text_used_ == "tfidf":
            from ..text import TfidfSvdEncoder

            with np.load(model_dir / "text_tfidf.npz", allow_pickle=False) as arrays:
                model.text_encoder_ = TfidfSvdEncoder.from_state(config["tfidf"], arrays)
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise ArtifactError(f"{model_dir}: config.json is incomplete or inconsistent: {exc}") from exc
    if model.text_used_ == "minilm":
        from ..text import MiniLMEncoder

        model.text_encoder_ = MiniLMEncoder(column="synopsis", cache_dir=params["cache_dir"],
                                            model_path=params["minilm_path"]).fit()
    if model.head == "lgbm":
        import lightgbm as lgb

        model.booster_ = lgb.Booster(model_file=str(model_dir / "lgbm_model.txt"))
        model.text_score_ = None
        if (model_dir / "text_score.npz").is_file():
            with np.load(model_dir / "text_score.npz", allow_pickle=False) as arrays:
                model.text_score_ = TextScore()
                model.text_score_.coef_ = np.asarray(arrays["coef"], np.float64)
                model.text_score_.intercept_ = float(arrays["intercept"][0])
    else:
        from safetensors.torch import load_file

        from ._net import AnimeNet

        net = config["net"]
        model.tab_center_ = np.asarray(net["tab_center"], np.float32)
        model.tab_scale_ = np.asarray(net["tab_scale"], np.float32)
        model.net_ = AnimeNet(net["d_text"], net["d_tab"], hidden=int(params["hidden"]),
                              fusion=params["fusion"], dropout=float(params["dropout"]))
        model.net_.load_state_dict(load_file(str(model_dir / "net.safetensors")))
        model.net_.eval()
    return model
