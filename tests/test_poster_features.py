"""Handcrafted poster features: known values on plain images, NaN rows, the cache, real posters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_set_params,
)

from reelcast._errors import ImageError, InputError, NotFittedError, SchemaError
from reelcast.vision import EmbeddingCache, PosterFeatures, poster_feature_names


def _image(tmp_path, name, array) -> str:
    path = tmp_path / name
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(path, "PNG")
    return str(path)


@pytest.fixture
def posters(tmp_path):
    white = np.full((90, 60, 3), 255)
    red = np.zeros((90, 60, 3))
    red[..., 0] = 255
    split = np.zeros((90, 60, 3))
    split[:45, :, 0] = 255  # top half red, bottom half blue
    split[45:, :, 2] = 255
    return {n: _image(tmp_path, f"{n}.png", a) for n, a in
            (("white", white), ("red", red), ("split", split))}


def _features(paths, **kw) -> pd.DataFrame:
    films = pd.DataFrame({"poster_file": paths})
    return PosterFeatures(**kw).fit(films).transform(films)


@pytest.mark.parametrize(
    ("poster", "column", "expected", "tol"),
    [
        ("white", "poster_brightness", 1.0, 1e-6),
        ("white", "poster_contrast", 0.0, 1e-6),
        ("white", "poster_colourfulness", 0.0, 1e-6),
        ("white", "poster_edge_density", 0.0, 0.0),
        ("white", "poster_entropy", 0.0, 1e-9),
        ("white", "poster_face_count", 0.0, 0.0),
        ("white", "poster_text_area", 0.0, 0.0),
        ("white", "poster_aspect", 60 / 90, 1e-9),
        ("white", "poster_L_mean", 100.0, 0.01),
        ("red", "poster_hue_cos", 1.0, 1e-6),
        ("red", "poster_hue_sin", 0.0, 1e-6),
        ("red", "poster_sat_mean", 1.0, 1e-6),
        # Hasler–Süsstrunk on a flat red: 0.3 * hypot(255, 127.5)
        ("red", "poster_colourfulness", 0.3 * np.hypot(255, 127.5), 0.01),
        ("split", "poster_dom1_share", 0.5, 0.02),
        ("split", "poster_dom2_share", 0.5, 0.02),
        ("split", "poster_dom3_share", 0.0, 0.03),  # two colours and a blended boundary row
    ],
)
def test_known_values(posters, poster, column, expected, tol):
    value = _features([posters[poster]])[column].iloc[0]
    assert value == pytest.approx(expected, abs=tol)


def test_names_and_shape(posters):
    films = pd.DataFrame({"poster_file": list(posters.values())}, index=[10, 11, 12])
    pf = PosterFeatures(n_colors=2, faces=False).fit(films)
    out = pf.transform(films)
    assert list(out.columns) == poster_feature_names(2, faces=False) == list(pf.get_feature_names_out())
    assert list(out.index) == [10, 11, 12]
    assert not any("face" in c for c in out.columns)
    assert np.isfinite(out.to_numpy()).all()


def test_missing_and_unreadable_rows_are_nan_and_counted(posters, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    films = pd.DataFrame({"poster_file": [posters["red"], None, str(broken), "", np.nan]})
    pf = PosterFeatures().fit(films)
    out = pf.transform(films)
    assert out.iloc[0].notna().all()
    assert out.iloc[1:].isna().all().all()
    assert pf.n_skipped_ == 4
    assert "broken.jpg" in pf.skipped_[2]
    with pytest.raises(ImageError, match="broken.jpg"):
        PosterFeatures(on_error="raise").fit(films).transform(films)


def test_root_is_enforced(posters, tmp_path):
    films = pd.DataFrame({"poster_file": ["../outside.png"]})
    (tmp_path.parent / "outside.png").write_bytes(b"x")
    pf = PosterFeatures(root=tmp_path).fit(films)
    assert pf.transform(films).isna().all().all()
    assert "outside the allowed root" in pf.skipped_[0]


def test_cache_is_read_and_corrupt_entries_rebuilt(posters, tmp_path):
    cache_dir = tmp_path / "cache"
    films = pd.DataFrame({"poster_file": [posters["split"], posters["red"]]})
    first = _features(films["poster_file"].tolist(), cache_dir=cache_dir)
    entries = sorted(cache_dir.rglob("*.npy"))
    assert len(entries) == 2
    entries[0].write_bytes(entries[0].read_bytes()[:-7])  # truncate one entry
    second = _features(films["poster_file"].tolist(), cache_dir=cache_dir)
    pd.testing.assert_frame_equal(first, second)
    namespace = entries[0].parent.parent.name
    cache = EmbeddingCache(cache_dir, namespace)
    assert all(cache.get(p.stem) is not None for p in sorted(cache_dir.rglob("*.npy")))
    assert cache.n_corrupt == 0  # the truncated entry was rewritten


@pytest.mark.parametrize(
    ("X", "kwargs", "error", "match"),
    [
        (np.zeros((2, 2)), {}, SchemaError, "DataFrame"),
        (pd.DataFrame({"other": ["a"]}), {}, SchemaError, "'poster_file' is missing"),
        (pd.DataFrame({"poster_file": ["a"]}), {"n_colors": 0}, InputError, "'n_colors'.*got 0"),
        (pd.DataFrame({"poster_file": ["a"]}), {"max_side": 8}, InputError, "'max_side'.*got 8"),
        (pd.DataFrame({"poster_file": ["a"]}), {"on_error": "ignore"}, InputError, "'on_error'"),
    ],
)
def test_bad_input(X, kwargs, error, match):
    with pytest.raises(error, match=match):
        PosterFeatures(**kwargs).fit(X)


def test_transform_before_fit():
    with pytest.raises(NotFittedError):
        PosterFeatures().transform(pd.DataFrame({"poster_file": []}))


# The transformer reads image files named in a DataFrame column, so sklearn's generic checks,
# which feed numeric arrays, do not apply; the parameter-contract checks do.
@pytest.mark.parametrize("check", [check_no_attributes_set_in_init, check_get_params_invariance,
                                   check_set_params])
def test_sklearn_parameter_contract(check):
    check("PosterFeatures", PosterFeatures())
    assert clone(PosterFeatures(n_colors=5)).get_params()["n_colors"] == 5


def test_synthetic_market_posters(tmp_path):
    from reelcast.data import make_market

    films = make_market(12, seed=1, poster_dir=tmp_path, poster_size=(60, 90))
    pf = PosterFeatures().fit(films)
    out = pf.transform(films)
    assert pf.n_skipped_ == 0
    assert out["poster_colourfulness"].std() > 0  # posters differ


@pytest.mark.realdata
def test_real_posters(data_dir):
    index = pd.read_csv(data_dir / "posters" / "posters_index.csv").sample(200, random_state=0)
    films = pd.DataFrame({"poster_file": "posters/" + index["file"]})
    pf = PosterFeatures(root=data_dir).fit(films)
    out = pf.transform(films)
    assert pf.n_skipped_ == 0
    assert np.isfinite(out.to_numpy()).all()
    # real posters show faces and titles; the detectors must find them on a fair share
    assert (out["poster_face_count"] > 0).mean() > 0.15
    assert (out["poster_text_area"] > 0).mean() > 0.5
    assert out["poster_aspect"].between(0.5, 0.9).mean() > 0.95
