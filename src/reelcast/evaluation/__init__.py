"""Honest evaluation: temporal splits, metrics on log revenue, and baselines beside every model."""

from ._baselines import BudgetOnlyBaseline, MeanBaseline, log_revenue
from ._metrics import METRIC_NAMES, regression_metrics
from ._protocol import (
    SCENARIOS,
    EvaluationResult,
    evaluate,
    format_table,
    markdown_table,
    scenario_table,
)
from ._split import random_split, revenue_films, rolling_origin_splits, temporal_split

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
