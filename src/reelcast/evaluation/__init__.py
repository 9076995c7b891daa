"""Honest evaluation: temporal splits, metrics on log revenue, and baselines beside every model."""

from ..data import log_revenue, revenue_films  # the target lives with the corpus; kept here too
from ._baselines import BudgetOnlyBaseline, MeanBaseline
from ._metrics import METRIC_NAMES, regression_metrics
from ._protocol import (
    SCENARIOS,
    EvaluationResult,
    evaluate,
    format_table,
    markdown_table,
    scenario_table,
)
from ._split import random_split, rolling_origin_splits, temporal_split

__all__ = [
    "SCENARIOS",
    "scenario_table",
    "BudgetOnlyBaseline",
    "EvaluationResult",
    "METRIC_NAMES",
    "MeanBaseline",
    "evaluate",
    "format_table",
    "log_revenue",
    "markdown_table",
    "random_split",
    "regression_metrics",
    "revenue_films",
    "rolling_origin_splits",
    "temporal_split",
]
