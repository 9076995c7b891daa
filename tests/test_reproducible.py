"""Reproducibility: same data + seed → the same model and predictions on CPU; artifacts say how they
were made (library versions, data hashes) and a model from another major version is refused."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest
from _tiny_product import tiny_model_dir
from _tinydata import write_tiny_data

from reelcast import ArtifactError
from reelcast._artifact import library_versions
from reelcast._io import file_sha256
from reelcast.cli import main
from reelcast.data import build_corpus, make_market
from reelcast.evaluation import revenue_films
from reelcast.forecast import BoxOfficeForecaster, load_forecaster, save_forecaster
from reelcast.models.poster_revenue import RevenueHeadRegressor

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _films():
    films = make_market(500, seed=4)
    films.attrs = {}
    return films


def _fit(films, seed: int) -> BoxOfficeForecaster:
    model = BoxOfficeForecaster(n_estimators=25, num_leaves=8, n_jobs=1, random_state=seed,
                                keyword_topics=4)
    return model.fit(revenue_films(films), history=films)


def test_forecaster_twice_with_one_seed_gives_identical_files_and_predictions(tmp_path):
    films = _films()
    a, b = _fit(films, seed=3), _fit(films, seed=3)
    np.testing.assert_array_equal(a.predict(films), b.predict(films))
    dir_a, dir_b = save_forecaster(a, tmp_path / "a"), save_forecaster(b, tmp_path / "b")
    files_a = json.loads((dir_a / "manifest.json").read_text())["files"]
    files_b = json.loads((dir_b / "manifest.json").read_text())["files"]
    assert files_a == files_b  # every saved file is byte-identical
    np.testing.assert_array_equal(load_forecaster(dir_a).predict(films), a.predict(films))


def test_forecaster_seed_matters():
    # row and column subsampling (on by default) use the seed: a different seed gives a
    # different model, so the identical-predictions test above is not vacuous
    films = _films()
    assert not np.array_equal(_fit(films, seed=1).predict(films), _fit(films, seed=2).predict(films))


def test_torch_head_twice_with_one_seed_gives_identical_predictions():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(160, 12))
    y = 10 ** (7 + X[:, 0] + 0.1 * rng.normal(size=160))
    params = {"max_epochs": 4, "lr": 3e-3, "batch_size": 32, "seed": 5}
    first = RevenueHeadRegressor(**params).fit(X, y).predict(X)
    second = RevenueHeadRegressor(**params).fit(X, y).predict(X)
    np.testing.assert_array_equal(first, second)
    other = RevenueHeadRegressor(**params | {"seed": 6}).fit(X, y).predict(X)
    assert not np.array_equal(first, other)


def test_trained_model_records_versions_and_the_training_data_hash(tmp_path, capsys):
    out = tmp_path / "model"
    assert main(["train", "--market", "300", "--out", str(out), "--n-estimators", "20",
                 "--no-intervals", "--seed", "1"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["versions"]) >= {"reelcast", "python", "lightgbm", "numpy", "pandas",
                                         "scikit-learn"}
    assert manifest["versions"] == library_versions()
    assert SHA256.match(manifest["training_data_sha256"])
    for rel, digest in manifest["files"].items():
        assert file_sha256(out / rel) == digest
    # retraining on the same data gives the same data hash and the same model files
    again = tmp_path / "again"
    assert main(["train", "--market", "300", "--out", str(again), "--n-estimators", "20",
                 "--no-intervals", "--seed", "1"]) == 0
    other = json.loads((again / "manifest.json").read_text())
    assert other["training_data_sha256"] == manifest["training_data_sha256"]
    assert other["files"] == manifest["files"]


def test_corpus_records_versions_and_input_hashes(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    build_corpus(data, tmp_path / "corpus", progress=False)
    manifest = json.loads((tmp_path / "corpus" / "manifest.json").read_text())
    assert {"reelcast_version", "pandas", "pyarrow", "python"} <= set(manifest)
    assert manifest["inputs"] and all(file_sha256(data / f) == h
                                      for f, h in manifest["inputs"].items())


@pytest.mark.parametrize("library, saved", [
    ("lightgbm", "1.3.0"),
    ("lightgbm", "99.0.0"),
    ("reelcast", "7.0.0"),
    ("scikit-learn", "0.24.2"),
])
def test_model_from_another_major_version_is_refused(tmp_path, library, saved):
    target = shutil.copytree(tiny_model_dir(), tmp_path / "model")
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["versions"][library] = saved
    (target / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match=rf"saved with {library} {re.escape(saved)}, this is "
                                            rf".*retrain the model or install {library}=="):
        load_forecaster(target)


def test_model_from_another_minor_version_loads(tmp_path):
    target = shutil.copytree(tiny_model_dir(), tmp_path / "model")
    manifest = json.loads((target / "manifest.json").read_text())
    major = manifest["versions"]["lightgbm"].split(".")[0]
    manifest["versions"]["lightgbm"] = f"{major}.0.0"
    manifest["versions"]["numpy"] = "1.0.0"  # numpy/pandas versions are recorded, not enforced
    (target / "manifest.json").write_text(json.dumps(manifest))
    assert load_forecaster(target).n_features_in_ > 0
