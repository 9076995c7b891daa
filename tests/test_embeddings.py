"""The content-hash embedding cache: round trip, integrity check, atomic entries."""

from __future__ import annotations

import numpy as np
import pytest

from reelcast.vision import EmbeddingCache, bytes_key, text_key


def test_round_trip_and_counters(tmp_path):
    cache = EmbeddingCache(tmp_path, "model-a")
    key = text_key("a film about a heist")
    assert cache.get(key) is None and cache.misses == 1
    vec = np.arange(5, dtype=np.float32)
    cache.put(key, vec)
    assert key in cache
    got = cache.get(key)
    assert got.dtype == np.float32 and np.array_equal(got, vec) and cache.hits == 1
    assert EmbeddingCache(tmp_path, "model-b").get(key) is None  # namespaces never mix
    assert not list(tmp_path.rglob(".*tmp*"))  # no temp files left behind


@pytest.mark.parametrize(
    "damage",
    [lambda b: b[:-3], lambda b: b[:10], lambda b: b[:40] + b"\x00" + b[41:], lambda b: b""],
    ids=["truncated", "header-only", "bit-flip", "empty"],
)
def test_corrupt_entry_is_detected_and_removed(tmp_path, damage):
    cache = EmbeddingCache(tmp_path, "ns")
    key = bytes_key(b"poster bytes")
    cache.put(key, np.ones(16))
    path = next(tmp_path.rglob("*.npy"))
    path.write_bytes(damage(path.read_bytes()))
    assert cache.get(key) is None
    assert cache.n_corrupt == 1 and not path.exists()
    cache.put(key, np.ones(16))  # rebuilt
    assert np.array_equal(cache.get(key), np.ones(16))


@pytest.mark.parametrize(
    ("namespace", "key", "match"),
    [("bad/name", "0" * 64, "namespace"), ("", "0" * 64, "namespace"),
     ("ok", "../../etc/passwd", "sha256"), ("ok", "abc", "sha256")],
)
def test_bad_names_are_refused(tmp_path, namespace, key, match):
    with pytest.raises(ValueError, match=match):
        EmbeddingCache(tmp_path, namespace).get(key)


def test_object_arrays_are_refused(tmp_path):
    with pytest.raises(TypeError):
        EmbeddingCache(tmp_path, "ns").put(text_key("x"), np.array([{"a": 1}], dtype=object))


def test_keys_are_content_hashes():
    assert bytes_key(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert text_key("abc") == bytes_key(b"abc")
