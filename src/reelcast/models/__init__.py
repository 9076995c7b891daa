"""Model families, one folder each: the box-office forecaster, tabular base models and the P-EL
stack, poster, genre and multimodal networks; and what the networks share, named here: the fusion
operators and the one torch training loop (``train``, ``TrainConfig``).
"""

from __future__ import annotations

import importlib

# torch takes seconds to import: a name's module loads on first use, not with the package
_WHERE = {
    "FUSION_OPERATORS": "_fusion",
    "Fusion": "_fusion",
    "make_fusion": "_fusion",
    "TrainConfig": "_train_loop",
    "TrainResult": "_train_loop",
    "load_checkpoint": "_train_loop",
    "save_checkpoint": "_train_loop",
    "train": "_train_loop",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
