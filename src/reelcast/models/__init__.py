"""Model families, one folder each: the box-office forecaster, tabular base models and the P-EL
stack, poster, genre and multimodal networks; and what they share, named here:

* ``booster_input`` / ``booster_predict``: LightGBM's input matrix built straight from a feature
  frame (see ``_lgbm_input``), shared by every LightGBM booster reelcast predicts with;
* the networks' fusion operators and the one torch training loop (``train``, ``TrainConfig``).
"""

from __future__ import annotations

import importlib

from ._lgbm_input import booster_input, booster_predict

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

__all__ = ["FUSION_OPERATORS", "Fusion", "TrainConfig", "TrainResult", "booster_input",
           "booster_predict", "load_checkpoint", "make_fusion", "save_checkpoint", "train"]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
