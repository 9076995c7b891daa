"""Keyword grounding, the multimodal revenue network and its stacking, on the synthetic market."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from PIL import Image

from reelcast._errors import ArtifactError, InputError, NotFittedError, SchemaError
from reelcast.data import log_revenue, make_market
from reelcast.models.multimodal import (
    KeywordGrounding,
    MultimodalRevenueRegressor,
    PrecomputedEncoder,
    TokenVocabulary,
    film_tokens,
    oof_network_predictions,
)

N_FILMS, N_TRAIN = 360, 270
GROUNDING = dict(dim=16, min_count=1, max_epochs=40, batch_size=32, validation_fraction=0.25, seed=0)


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    films = make_market(N_FILMS, seed=1, poster_dir=tmp_path_factory.mktemp("posters"),
                        poster_size=(48, 72))
    return films, _cheap_visual(films).set_axis(films["film_id"].to_numpy())


def _cheap_visual(films: pd.DataFrame) -> pd.DataFrame:
    """Mean RGB and HSV of each poster half: a fast stand-in for ``PosterFeatures``."""
    rows = []
    for path in films["poster_file"]:
        with Image.open(path) as img:
            small = img.convert("RGB").resize((8, 12))
            rgb = np.asarray(small, dtype=float) / 255
            hsv = np.asarray(small.convert("HSV"), dtype=float) / 255
        both = np.concatenate([rgb, hsv], axis=2)
        rows.append(np.concatenate([both[:6].mean((0, 1)), both[6:].mean((0, 1))]))
    return pd.DataFrame(rows, index=films.index, columns=[f"v{i}" for i in range(12)])


def _fast(**params):
    """A small, quick network whose poster block is looked up (computed once per module)."""
    defaults = dict(hidden=32, embed_dim=16, max_epochs=25, patience=5, batch_size=64, lr=3e-3,
                    min_count=1, seed=0)
    return MultimodalRevenueRegressor(**{**defaults, **params})


@pytest.fixture(scope="module")
def grounding(market):
    films, visual = market
    return KeywordGrounding(**GROUNDING).fit(films.iloc[:N_TRAIN], visual.iloc[:N_TRAIN])


@pytest.fixture(scope="module")
def fitted(market):
    films, visual = market
    net = _fast(poster_encoder=PrecomputedEncoder(visual))
    return net.fit(films.iloc[:N_TRAIN], history=films)


# -- vocabulary --------------------------------------------------------------------------------
def test_vocabulary_cutoff_unk_and_prefixes():
    films = pd.DataFrame({"keywords": [["Heist", "space"], ["heist"], []],
                          "cast": [["Ann", "Bo", "Cy"], ["Ann"], None],
                          "directors": [["Ann"], [], ["Dee"]]})
    vocab = TokenVocabulary.fit(films, min_count=2, max_cast=2)
    assert set(vocab.tokens) == {"kw:heist", "cast:Ann"}  # "Ann" the director is a different token
    ids = vocab.encode(films, max_len=3)
    assert ids["keywords"].tolist()[0] == [vocab.index_of("kw:heist"), TokenVocabulary.UNK, 0]
    assert ids["cast"].tolist()[2] == [0, 0, 0]
    assert film_tokens(films, "cast", max_cast=2)[0] == ["cast:Ann", "cast:Bo"]
    again = TokenVocabulary.from_json(json.dumps(vocab.to_dict()))
    assert again.tokens == vocab.tokens and again.max_cast == 2


@pytest.mark.parametrize(("payload", "error"), [
    ("{not json", ArtifactError),
    ('{"format": "something-else", "tokens": []}', ArtifactError),
])
def test_vocabulary_rejects_bad_json(payload, error):
    with pytest.raises(error):
        TokenVocabulary.from_json(payload)


def test_a_vocabulary_saved_before_the_format_tags_still_loads():
    legacy = {"format": "reelcast-token-vocabulary-v1", "max_cast": 2, "tokens": ["a", "b"]}
    assert TokenVocabulary.from_dict(legacy).tokens == ["a", "b"]


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"min_count": 0}, InputError),
    ({"max_size": 0}, InputError),
])
def test_vocabulary_rejects_bad_params(kwargs, error):
    with pytest.raises(error):
        TokenVocabulary.fit(pd.DataFrame({"keywords": [], "cast": [], "directors": []}), **kwargs)


# -- grounding ---------------------------------------------------------------------------------
def test_grounding_predicts_held_out_posters_better_than_chance(market, grounding):
    films, visual = market
    held_out = grounding.score(films.iloc[N_TRAIN:], visual.iloc[N_TRAIN:])
    # control: the same pretraining against posters shuffled between films
    shuffled = visual.iloc[:N_TRAIN].sample(frac=1.0, random_state=0).to_numpy()
    control = KeywordGrounding(**GROUNDING).fit(films.iloc[:N_TRAIN], shuffled)
    chance = control.score(films.iloc[N_TRAIN:], visual.iloc[N_TRAIN:])
    print(f"held-out R2 {held_out:.3f}, shuffled-poster control {chance:.3f}")
    assert held_out > 0.05
    assert held_out > chance + 0.05


def test_grounding_cutoff_keeps_later_films_out(market):
    films, visual = market
    cutoff = films["release_date"].iloc[200]
    g = KeywordGrounding(dim=8, max_epochs=2, min_count=1, cutoff=cutoff).fit(films, visual)
    has_tokens = (films["keywords"].map(len) + films["cast"].map(len)
                  + films["directors"].map(len)) > 0
    expected = ((films["release_date"] < cutoff) & visual.notna().all(axis=1).to_numpy()
                & has_tokens).sum()
    assert g.n_pretrain_ == expected < len(films)


def test_grounding_safetensors_round_trip(tmp_path, market, grounding):
    films, _ = market
    grounding.save(tmp_path / "g")
    assert {p.name for p in (tmp_path / "g").iterdir()} == {
        "grounding.safetensors", "vocabulary.json", "config.json"}
    loaded = KeywordGrounding.load(tmp_path / "g")
    assert loaded.vocabulary_.tokens == grounding.vocabulary_.tokens
    np.testing.assert_array_equal(loaded.token_embeddings(), grounding.token_embeddings())
    np.testing.assert_allclose(loaded.predict_visual(films.head(20)),
                               grounding.predict_visual(films.head(20)), atol=1e-6)


def test_grounding_load_refuses_broken_folders(tmp_path, grounding):
    with pytest.raises(ArtifactError, match="incomplete"):
        KeywordGrounding.load(tmp_path / "missing")
    grounding.save(tmp_path / "g")
    (tmp_path / "g" / "grounding.safetensors").write_bytes(b"not a tensor file")
    with pytest.raises(ArtifactError):
        KeywordGrounding.load(tmp_path / "g")


@pytest.mark.parametrize(("kwargs", "visual", "error"), [
    ({"dim": 0}, None, InputError),
    ({"validation_fraction": 1.5}, None, InputError),
    ({}, np.zeros((3, 2)), InputError),  # wrong number of rows
])
def test_grounding_rejects_bad_input(market, kwargs, visual, error):
    films, table = market
    with pytest.raises(error):
        KeywordGrounding(**kwargs).fit(films, table if visual is None else visual)


def test_grounding_unfitted_raises():
    with pytest.raises(NotFittedError):
        KeywordGrounding().token_embeddings()


# -- the network -------------------------------------------------------------------------------
def _rmse(films, pred):
    y = log_revenue(films)
    ok = np.isfinite(y)
    return float(np.sqrt(np.mean((pred[ok] - y[ok]) ** 2))), y[ok]


def test_network_beats_the_mean_on_held_out_films(market, fitted):
    films, _ = market
    test = films.iloc[N_TRAIN:]
    rmse, y = _rmse(test, fitted.predict(test))
    train_mean = np.nanmean(log_revenue(films.iloc[:N_TRAIN])[np.isfinite(
        log_revenue(films.iloc[:N_TRAIN]))])
    baseline = float(np.sqrt(np.mean((y - train_mean) ** 2)))
    assert rmse < 0.9 * baseline
    emb = fitted.transform(test)
    assert emb.shape == (len(test), 32) and list(emb.index) == list(test.index)


def test_missing_modalities_still_get_a_forecast(market, fitted):
    films, _ = market
    blank = films.iloc[N_TRAIN:N_TRAIN + 8].copy()
    blank["poster_file"] = None
    blank["film_id"] = [f"new:{i}" for i in range(len(blank))]  # not in the poster table
    blank["overview"] = None
    blank["keywords"] = [[] for _ in range(len(blank))]
    blank["cast"] = [[] for _ in range(len(blank))]
    blank["directors"] = [[] for _ in range(len(blank))]
    pred = fitted.predict(blank)
    assert pred.shape == (8,) and np.isfinite(pred).all()
    full = fitted.predict(films.iloc[N_TRAIN:N_TRAIN + 8])
    assert not np.allclose(pred, full)  # the missing flags and zero vectors do change the input
    data = fitted._tensors(blank)
    assert data["poster_missing"].eq(1).all() and data["poster"].eq(0).all()
    assert data["text_missing"].eq(1).all()


def test_fit_without_any_poster(market):
    films, _ = market
    no_posters = films.iloc[:150].assign(poster_file=None)
    net = _fast(max_epochs=3).fit(no_posters)
    assert np.isfinite(net.predict(films.iloc[150:170])).all()


def test_vocabulary_mismatch_is_handled(market, fitted):
    films, _ = market
    renamed = films.iloc[N_TRAIN:N_TRAIN + 10].copy()
    for col in ("keywords", "cast", "directors"):
        renamed[col] = [[f"never-seen-{col}-{i}-{j}" for j in range(3)] for i in range(len(renamed))]
    assert fitted.vocabulary_.coverage(renamed) == 0.0
    ids = fitted._tensors(renamed)["keywords"]
    assert set(ids.unique().tolist()) <= {TokenVocabulary.PAD, TokenVocabulary.UNK}
    assert np.isfinite(fitted.predict(renamed)).all()


def test_grounded_init_copies_vectors_by_token(market, grounding):
    films, visual = market
    # the network's vocabulary (later films, different cut-off) differs from the grounding's
    net = _fast(grounding=grounding, freeze_embeddings=True, max_epochs=2, min_count=2,
                poster_encoder=PrecomputedEncoder(visual)).fit(films.iloc[100:N_TRAIN])
    assert net.vocabulary_.tokens != grounding.vocabulary_.tokens
    shared = [t for t in net.vocabulary_.tokens if t in grounding.vocabulary_.index]
    assert 0 < net.n_grounded_tokens_ == len(shared)
    table, source = net.model_.embedding.weight.detach().numpy(), grounding.token_embeddings()
    token = shared[0]
    np.testing.assert_allclose(table[net.vocabulary_.index_of(token)],
                               source[grounding.vocabulary_.index_of(token)], atol=1e-6)
    assert not net.model_.embedding.weight.requires_grad


def test_grounding_from_a_saved_folder(tmp_path, market, grounding):
    films, visual = market
    grounding.save(tmp_path / "g")
    net = _fast(grounding=str(tmp_path / "g"), max_epochs=2,
                poster_encoder=PrecomputedEncoder(visual)).fit(films.iloc[:150])
    assert net.n_grounded_tokens_ > 0 and net.model_.embedding.embedding_dim == grounding.dim


@pytest.mark.parametrize("modalities", [("tabular",), ("keywords", "text"),
                                        ("tabular", "keywords", "poster")])
def test_modality_subsets_train(market, modalities):
    films, visual = market
    net = _fast(modalities=modalities, fusion="gmu", max_epochs=2,
                poster_encoder=PrecomputedEncoder(visual)).fit(films.iloc[:150])
    assert net.model_.modalities == modalities
    assert np.isfinite(net.predict(films.iloc[150:160])).all()


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"modalities": ("tabular", "audio")}, InputError, "modalities"),
    ({"modalities": ()}, InputError, "modalities"),
    ({"fusion": "sum"}, InputError, "fusion"),
    ({"validation_fraction": 0.0}, InputError, "validation_fraction"),
    ({"grounding": 3}, InputError, "grounding"),
])
def test_network_rejects_bad_params(market, kwargs, error, match):
    films, _ = market
    with pytest.raises(error, match=match):
        _fast(max_epochs=1, **kwargs).fit(films.iloc[:60])


def test_network_rejects_bad_data(market):
    films, _ = market
    with pytest.raises(SchemaError):
        _fast().fit(films.drop(columns=["release_date"]))
    with pytest.raises(InputError, match="y has"):
        _fast().fit(films.iloc[:50], np.ones(3))
    with pytest.raises(NotFittedError):
        _fast().predict(films)


# -- stacking ----------------------------------------------------------------------------------
class _SpyNetwork(MultimodalRevenueRegressor):
    """Records the latest training date of each fit, and predicts it (as a number)."""

    def fit(self, films, y=None, history=None):
        self.last_ = pd.to_datetime(films["release_date"]).max()
        return self

    def predict(self, films):
        return np.full(len(films), float(self.last_.value))


def test_oof_never_sees_the_future(market):
    films, _ = market
    films = films.iloc[:200]
    oof = oof_network_predictions(_SpyNetwork(), films, n_folds=4, min_train_fraction=0.3)
    dates = pd.to_datetime(films["release_date"]).to_numpy().astype("datetime64[ns]").astype(np.int64)
    done = np.isfinite(oof)
    assert 0.6 < done.mean() < 0.75  # the earliest 30% never validate
    assert (oof[done] < dates[done]).all()


def test_precomputed_encoder_unknown_ids_are_nan():
    table = pd.DataFrame({"a": [1.0, 2.0]}, index=["x", "y"])
    out = PrecomputedEncoder(table).fit().transform(pd.DataFrame({"film_id": ["y", "z"]}))
    assert out["a"].tolist()[0] == 2.0 and np.isnan(out["a"].tolist()[1])
    with pytest.raises(InputError):
        PrecomputedEncoder(table.iloc[[0, 0]]).fit()


def test_training_is_seeded(market):
    films, visual = market
    a = _fast(max_epochs=2, poster_encoder=PrecomputedEncoder(visual)).fit(films.iloc[:120])
    b = _fast(max_epochs=2, poster_encoder=PrecomputedEncoder(visual)).fit(films.iloc[:120])
    torch.testing.assert_close(a.model_.head.weight, b.model_.head.weight)


def test_cloning_a_network_keeps_a_fitted_grounding(grounding):
    from sklearn.base import clone

    net = clone(_fast(grounding=grounding))
    assert net.grounding is grounding
    assert not hasattr(clone(KeywordGrounding(dim=4)), "model_")


def test_modality_dropout_equals_a_missing_modality():
    from reelcast.models.multimodal import MultimodalRevenueNet

    torch.manual_seed(0)
    net = MultimodalRevenueNet(("tabular", "keywords", "poster"), {"tabular": 3, "poster": 4},
                               n_tokens=6, embed_dim=4, hidden=8, dropout=0.0, modality_dropout=1.0)
    ids = torch.tensor([[2, 3, 0], [4, 0, 0]])
    batch = {"tabular": torch.randn(2, 3), "tabular_missing": torch.zeros(2, 1),
             "poster": torch.randn(2, 4), "poster_missing": torch.zeros(2, 1),
             "keywords": ids, "cast": ids, "directors": ids}
    missing = {**batch, "poster": torch.zeros(2, 4), "poster_missing": torch.ones(2, 1),
               "keywords": torch.zeros_like(ids), "cast": torch.zeros_like(ids),
               "directors": torch.zeros_like(ids)}
    dropped = net.train()(batch)
    torch.testing.assert_close(dropped, net.eval()(missing))
    assert not torch.allclose(net.eval()(batch), dropped)


def test_stacked_embedding_comes_from_one_early_network(market):
    from reelcast.forecast import BoxOfficeForecaster
    from reelcast.models.multimodal import NetworkStackedForecaster

    films, visual = market
    train, test = films.iloc[:N_TRAIN], films.iloc[N_TRAIN:]
    stacked = NetworkStackedForecaster(
        BoxOfficeForecaster(n_estimators=40, n_jobs=1),
        _fast(poster_encoder=PrecomputedEncoder(visual), max_epochs=5), n_folds=3,
        embedding_components=4).fit(train, history=films)
    X = stacked.transform(test)
    pcs = [f"mm_pc{i}" for i in range(4)]
    assert list(stacked.feature_names_in_[-4:]) == pcs
    assert np.isfinite(X[pcs].to_numpy()).all() and np.isfinite(stacked.predict(test)).all()
    assert stacked.embed_network_ is not stacked.network_
    # the embedding network trained only on the earliest films, and those get no embedding
    scored = train[np.isfinite(log_revenue(train))].reset_index(drop=True)
    dates = pd.to_datetime(scored["release_date"])
    seen = np.zeros(len(scored), bool)
    seen[stacked.embed_seen_] = True
    assert 0.25 < seen.mean() < 0.4
    assert dates[seen].max() < dates[~seen].min()
    assert np.isnan(stacked.train_pcs_[seen]).all() and np.isfinite(stacked.train_pcs_[~seen]).all()


def test_stacked_embedding_rejects_bad_components(market):
    from reelcast.models.multimodal import NetworkStackedForecaster

    films, _ = market
    with pytest.raises(InputError, match="embedding_components"):
        NetworkStackedForecaster(embedding_components=-1).fit(films.iloc[:N_TRAIN])
