"""Save and rebuild fitted sklearn trees from their plain arrays (npz + JSON), without pickle.

A fitted ``sklearn.tree._tree.Tree`` is fully described by its node table (children, feature,
threshold, impurity, sample counts, missing-value direction) and its leaf values. We store those
arrays for all trees of a forest, concatenated with offsets, in one ``trees.npz`` loaded with
``allow_pickle=False``, and rebuild each ``Tree`` through its documented-by-pickle state
(``__setstate__``). Predictions of the rebuilt trees equal the originals bit for bit because
they are the same C structure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.tree._tree import NODE_DTYPE, Tree

from ...._errors import ArtifactError
from ...._io import atomic_file

__all__ = ["save_trees", "load_trees"]

_FIELDS = NODE_DTYPE.names


def save_trees(trees: list[Tree], n_features: int, path: Path) -> dict:
    """Write ``trees.npz`` into ``path``; return the JSON metadata needed to rebuild them."""
    states = [t.__getstate__() for t in trees]
    counts = np.array([s["node_count"] for s in states], dtype=np.int64)
    arrays = {
        f"node_{f}": np.concatenate([s["nodes"][f] for s in states]) for f in _FIELDS
    }
    arrays["values"] = np.concatenate([s["values"][:, 0, 0] for s in states]).astype(np.float64)
    arrays["node_counts"] = counts
    arrays["max_depths"] = np.array([s["max_depth"] for s in states], dtype=np.int64)
    with atomic_file(path / "trees.npz") as fh:
        np.savez(fh, **arrays)
    return {"file": "trees.npz", "n_trees": len(trees), "n_features": int(n_features)}


def load_trees(path: Path, meta: dict) -> list[Tree]:
    file = path / meta["file"]
    try:
        data = np.load(file, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"{file} is missing or not a tree archive: {exc}") from exc
    counts = data["node_counts"]
    if len(counts) != meta["n_trees"]:
        raise ArtifactError(f"{file} holds {len(counts)} trees, model.json says {meta['n_trees']}")
    ends = np.cumsum(counts)
    starts = ends - counts
    columns = {f: data[f"node_{f}"] for f in _FIELDS}
    values = data["values"]
    trees = []
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        nodes = np.empty(b - a, dtype=NODE_DTYPE)
        for f in _FIELDS:
            nodes[f] = columns[f][a:b]
        tree = Tree(meta["n_features"], np.array([1], dtype=np.intp), 1)
        tree.__setstate__({
            "max_depth": int(data["max_depths"][k]),
            "node_count": int(b - a),
            "nodes": nodes,
            "values": np.ascontiguousarray(values[a:b].reshape(-1, 1, 1)),
        })
        trees.append(tree)
    return trees
