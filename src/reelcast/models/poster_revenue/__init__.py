"""The poster-only revenue regressor of RESEARCH §3: network, estimators, published metrics."""

from ._estimator import PosterRevenueRegressor, RevenueHeadRegressor, validation_split
from ._finetune import TopBlocksRevenueRegressor
from ._metrics import revenue_metrics
from ._model import PosterRevenueNet, RevenueHead

__all__ = [
    "PosterRevenueNet",
    "PosterRevenueRegressor",
    "RevenueHead",
    "RevenueHeadRegressor",
    "TopBlocksRevenueRegressor",
    "revenue_metrics",
    "validation_split",
]
