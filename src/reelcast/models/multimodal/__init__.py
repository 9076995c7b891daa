"""Multimodal revenue network with poster-grounded keyword pretraining (issue #6, RESEARCH §2).

* :class:`KeywordGrounding` — keyword / cast / director embeddings pretrained to predict the poster.
* :class:`MultimodalRevenueRegressor` — tabular + token bags + poster + overview, fused, on log
  revenue; missing modalities and unseen tokens handled.
* :func:`oof_network_predictions`, :class:`NetworkStackedForecaster` — the network as a stacked
  feature of the LightGBM forecaster.
"""

from ._estimator import MultimodalRevenueRegressor
from ._grounding import GroundingNet, KeywordGrounding
from ._lookup import PrecomputedEncoder
from ._network import MODALITIES, MultimodalRevenueNet
from ._stacking import NetworkStackedForecaster, oof_network_predictions
from ._vocab import BAG_FIELDS, TokenVocabulary, film_tokens

__all__ = [
    "BAG_FIELDS",
    "GroundingNet",
    "KeywordGrounding",
    "MODALITIES",
    "MultimodalRevenueNet",
    "MultimodalRevenueRegressor",
    "NetworkStackedForecaster",
    "PrecomputedEncoder",
    "TokenVocabulary",
    "film_tokens",
    "oof_network_predictions",
]
