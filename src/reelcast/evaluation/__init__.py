"""Honest evaluation: temporal splits, time-ordered folds, metrics, and baselines beside every
model."""

from ..data import log_revenue, revenue_films  # the target lives with the corpus; kept here too
from ._baselines import BudgetOnlyBaseline, MeanBaseline
from ._folds import TimeOrderedFolds, as_time_array, validation_split
from ._metrics import METRIC_NAMES, multilabel_metrics, regression_metrics, revenue_metrics
from ._protocol import (
    NEAR_SCENARIOS,
    SCENARIOS,
    EvaluationResult,
    evaluate,
    field_set_scores,
    format_table,
    markdown_table,
    scenario_table,
)
from ._split import cutoff_date, random_split, rolling_origin_splits, temporal_split

__all__ = [
    "NEAR_SCENARIOS",
    "SCENARIOS",
    "TimeOrderedFolds",
    "as_time_array",
    "cutoff_date",
    "validation_split",
    "scenario_table",
    "BudgetOnlyBaseline",
    "EvaluationResult",
    "METRIC_NAMES",
    "MeanBaseline",
    "evaluate",
    "field_set_scores",
    "format_table",
    "log_revenue",
    "markdown_table",
    "multilabel_metrics",
    "random_split",
    "regression_metrics",
    "revenue_metrics",
    "revenue_films",
    "rolling_origin_splits",
    "temporal_split",
]
