"""ResNet-18/50: torchvision state-dict names, local weights loading, never a download."""

from __future__ import annotations

import pandas as pd
import pytest
import torch
from PIL import Image

from reelcast._errors import ArtifactError, DataFileError, InputError
from reelcast.vision import (
    PosterEmbeddings,
    find_local_weights,
    load_weights,
    read_state_dict,
    resnet,
    resnet18,
    resnet50,
)

# torchvision's resnet18/resnet50 state dicts: 122 and 320 tensors (running stats included)
TORCHVISION_NAMES = {
    "resnet18": (122, {
        "conv1.weight": (64, 3, 7, 7), "bn1.running_mean": (64,),
        "layer1.0.conv1.weight": (64, 64, 3, 3), "layer2.0.downsample.0.weight": (128, 64, 1, 1),
        "layer2.0.downsample.1.num_batches_tracked": (), "layer4.1.bn2.running_var": (512,),
        "fc.weight": (1000, 512), "fc.bias": (1000,),
    }),
    "resnet50": (320, {
        "conv1.weight": (64, 3, 7, 7), "layer1.0.conv3.weight": (256, 64, 1, 1),
        "layer1.0.downsample.0.weight": (256, 64, 1, 1), "layer3.5.bn3.weight": (1024,),
        "layer4.2.conv2.weight": (512, 512, 3, 3), "fc.weight": (1000, 2048),
    }),
}


@pytest.mark.parametrize("arch", ["resnet18", "resnet50"])
def test_state_dict_matches_torchvision(arch):
    count, shapes = TORCHVISION_NAMES[arch]
    state = resnet(arch, num_classes=1000).state_dict()
    assert len(state) == count
    for name, shape in shapes.items():
        assert tuple(state[name].shape) == shape, name


@pytest.mark.parametrize(("factory", "dim"), [(resnet18, 512), (resnet50, 2048)])
def test_feature_extractor_output(factory, dim):
    model = factory(num_classes=None).eval()
    assert not any(k.startswith("fc.") for k in model.state_dict())
    with torch.no_grad():
        assert model(torch.randn(2, 3, 32, 32)).shape == (2, dim)


def test_seeded_init_is_reproducible():
    a, b, c = resnet18(seed=3), resnet18(seed=3), resnet18(seed=4)
    assert torch.equal(a.conv1.weight, b.conv1.weight)
    assert not torch.equal(a.conv1.weight, c.conv1.weight)


def _imagenet_like(tmp_path, fmt: str, wrap=None, prefix=""):
    """A file shaped like torchvision's ImageNet checkpoint (with its 1000-way fc)."""
    state = {prefix + k: v for k, v in resnet18(num_classes=1000, seed=7).state_dict().items()}
    if wrap:
        state = {wrap: state}
    path = tmp_path / f"resnet18-test.{fmt}"
    if fmt == "safetensors":
        from safetensors.torch import save_file

        save_file(state, str(path))
    else:
        torch.save(state, path)
    return path


@pytest.mark.parametrize(("fmt", "wrap", "prefix"), [
    ("safetensors", None, ""), ("pth", None, ""), ("pth", "state_dict", ""), ("pt", None, "module."),
])
def test_load_weights_into_feature_extractor(tmp_path, fmt, wrap, prefix):
    path = _imagenet_like(tmp_path, fmt, wrap, prefix)
    model = load_weights(resnet18(num_classes=None, seed=0), path)
    reference = resnet18(num_classes=1000, seed=7)
    assert torch.equal(model.layer3[0].conv1.weight,
                       reference.layer3[0].conv1.weight)


def test_full_classifier_keeps_fc(tmp_path):
    path = _imagenet_like(tmp_path, "safetensors")
    model = load_weights(resnet18(num_classes=1000, seed=0), path)
    assert torch.equal(model.fc.weight, resnet18(num_classes=1000, seed=7).fc.weight)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


class _Evil:
    def __reduce__(self):
        return (print, ("pickled code ran",))


@pytest.mark.parametrize(
    ("setup", "error", "match"),
    [
        (lambda p: p / "absent.pth", DataFileError, "not found"),
        (lambda p: _write(p / "w.bin.txt", b"x"), InputError, ".safetensors, .pth"),
        (lambda p: torch.save({"x": _Evil()}, p / "evil.pth") or p / "evil.pth", ArtifactError, "could not be read"),
        (lambda p: _write(p / "junk.safetensors", b"junk"), ArtifactError, "could not be read"),
        (lambda p: torch.save(resnet50(1000).state_dict(), p / "r50.pth") or p / "r50.pth", ArtifactError, "does not fit"),
        (lambda p: torch.save({"conv1.weight": torch.zeros(1)}, p / "part.pth") or p / "part.pth", ArtifactError, "missing"),
    ],
    ids=["missing", "suffix", "pickle-object", "corrupt", "wrong-arch", "partial"],
)
def test_bad_weights(tmp_path, capsys, setup, error, match):
    path = setup(tmp_path)
    with pytest.raises(error, match=match):
        load_weights(resnet18(num_classes=None), path)
    assert "pickled code ran" not in capsys.readouterr().out


def test_find_local_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv("REELCAST_WEIGHTS_DIR", raising=False)
    assert find_local_weights("resnet18") is None
    hub = tmp_path / "torch" / "hub" / "checkpoints"
    hub.mkdir(parents=True)
    (hub / "resnet18-f37072fd.pth").write_bytes(b"")
    assert find_local_weights("resnet18") == hub / "resnet18-f37072fd.pth"
    assert find_local_weights("resnet50") is None
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "resnet50.safetensors").write_bytes(b"")
    monkeypatch.setenv("REELCAST_WEIGHTS_DIR", str(mine))
    assert find_local_weights("resnet50") == mine / "resnet50.safetensors"


def test_read_state_dict_refuses_non_tensor_dicts(tmp_path):
    torch.save({"a": [1, 2, 3]}, tmp_path / "lists.pth")
    with pytest.raises(ArtifactError, match="flat dict of tensors"):
        read_state_dict(tmp_path / "lists.pth")


def _posters(tmp_path, n=3):
    paths = []
    for i in range(n):
        path = tmp_path / f"p{i}.png"
        Image.new("RGB", (30, 45), (40 * i, 100, 200 - 40 * i)).save(path)
        paths.append(str(path))
    return pd.DataFrame({"poster_file": paths + [None]})


def test_poster_embeddings_cache_and_weights(tmp_path):
    films = _posters(tmp_path)
    cache = tmp_path / "cache"
    emb = PosterEmbeddings(weights="random", image_size=32, cache_dir=cache).fit()
    first = emb.transform(films)
    assert first.shape == (4, 512) and first.iloc[3].isna().all() and emb.n_skipped_ == 1
    assert len(list(cache.rglob("*.npy"))) == 3
    emb.model_ = None  # a second run must read the cache only: no network to call
    pd.testing.assert_frame_equal(emb.transform(films), first)
    path = _imagenet_like(tmp_path, "safetensors")
    other = PosterEmbeddings(weights=path, image_size=32, cache_dir=cache).fit()
    assert other.weights_source_ == str(path) and other.namespace_ != emb.namespace_
    assert not other.transform(films).iloc[:3].equals(first.iloc[:3])


def test_poster_embeddings_bad_arch():
    with pytest.raises(InputError, match="'arch'.*got 'vgg'"):
        PosterEmbeddings(arch="vgg").fit()


def test_poster_embeddings_parameter_contract():
    # reads image files named in a DataFrame column: sklearn's numeric-array checks do not apply
    from sklearn.utils.estimator_checks import (
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_set_params,
    )

    for check in (check_no_attributes_set_in_init, check_get_params_invariance, check_set_params):
        check("PosterEmbeddings", PosterEmbeddings(arch="resnet50", image_size=(64, 48)))
