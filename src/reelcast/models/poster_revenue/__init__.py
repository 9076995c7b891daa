"""The poster-only revenue regressor of RESEARCH §3: network, estimators, published metrics."""

# public here before they moved to evaluation
from ...evaluation import revenue_metrics, validation_split
from ._estimator import PosterRevenueRegressor, RevenueHeadRegressor
from ._finetune import TopBlocksRevenueRegressor
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
