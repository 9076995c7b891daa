"""The evaluation protocol: temporal test, rolling-origin CV by year, baselines beside every model."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .._executor import cap_threads, current_executor
from ..data import (
    FIELD_SETS,
    NEAR_FIELD_SETS,
    blank_fields,
    field_set,
    log_revenue,
    revenue_films,
)
from ._baselines import BudgetOnlyBaseline, MeanBaseline
from ._metrics import regression_metrics
from ._split import random_split, rolling_origin_splits, temporal_split

__all__ = ["EvaluationResult", "evaluate", "field_set_scores", "format_table", "markdown_table",
           "scenario_table", "SCENARIOS", "NEAR_SCENARIOS"]

ModelFactory = Callable[[], object]
# the field sets users supply (``reelcast.data.FIELD_SETS``), scored beside every model
SCENARIOS: tuple[str, ...] = tuple(FIELD_SETS)
# one field beyond form, core or minimal ("form+original_language"): giving more must not hurt
NEAR_SCENARIOS: tuple[str, ...] = tuple(NEAR_FIELD_SETS)


@dataclass
class EvaluationResult:
    """Every number of one evaluation run; ``to_dict`` is what ``reelcast evaluate`` writes."""

    train_end: str
    test_end: str
    n_train: int
    n_test: int
    temporal: dict[str, dict[str, float]] = field(default_factory=dict)
    rolling: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    random: dict[str, dict[str, float]] = field(default_factory=dict)
    # field set -> model -> metrics plus the mean/median shift of the log forecast against full
    scenarios: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    # year -> field set -> model -> metrics (the rolling origin under each field set)
    rolling_scenarios: dict[str, dict[str, dict[str, dict[str, float]]]] = field(
        default_factory=dict)
    fit_seconds: dict[str, float] = field(default_factory=dict)
    predictions: pd.DataFrame | None = None

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("predictions")
        return out


def field_set_scores(y: np.ndarray, full: np.ndarray, preds: dict[str, np.ndarray], *,
                     train_median: float) -> dict[str, dict[str, float]]:
    """Per field set: the metrics of its forecasts ``preds[set]`` of the same films, plus
    ``mean_shift``/``median_shift``, their change against ``full`` (every field given)."""
    out = {}
    for scenario, pred in preds.items():
        shift = pred - full
        out[scenario] = {**regression_metrics(y, pred, train_median=train_median),
                         "mean_shift": float(np.mean(shift)),
                         "median_shift": float(np.median(shift))}
    return out


def _score(models: dict[str, ModelFactory], train, test, history, *, keep=None, timings=None,
           scenarios: tuple[str, ...] = (), by_scenario: dict | None = None,
           threads: int | None = None):
    """Fit each model on ``train``; score it on ``test`` as it is and under each field set.

    ``by_scenario`` (filled when given) gets, per field set, each model's metrics on the test
    films with the fields outside the set left out, plus ``mean_shift``/``median_shift``: the
    change of the log forecast against the same films with every field they have. ``threads``
    caps each model's ``n_jobs`` (a Ray task owns that many cores).
    """
    y_train, y_test = log_revenue(train), log_revenue(test)
    median = float(np.median(y_train))
    blanked = {s: blank_fields(test, s) for s in scenarios if s != "full"}
    scores, preds = {}, {}
    for name, factory in models.items():
        model = cap_threads(factory(), threads)
        start = time.perf_counter()
        if getattr(model, "uses_history", False):
            model.fit(train, history=history)
        else:
            model.fit(train)
        if timings is not None:
            timings[name] = time.perf_counter() - start
        pred = np.asarray(model.predict(test), float)
        preds[name] = pred
        scores[name] = regression_metrics(y_test, pred, train_median=median)
        if by_scenario is None:
            continue
        by_set = {s: pred if s == "full" else np.asarray(model.predict(blanked[s]), float)
                  for s in scenarios}
        for scenario, m in field_set_scores(y_test, pred, by_set, train_median=median).items():
            by_scenario.setdefault(scenario, {})[name] = m
            if keep is not None and scenario != "full":
                keep[f"{name}@{scenario}"] = by_set[scenario]
    if keep is not None:
        keep.update(preds)
    return scores


def _score_unit(unit: tuple[str, int | None], models: dict[str, ModelFactory],
                scored: pd.DataFrame, history: pd.DataFrame, options: dict) -> tuple:
    """One independent unit of :func:`evaluate` (the temporal test, one rolling-origin year or the
    random split): its split made, every model fitted and scored. Runs here or as a Ray task.

    Returns ``(scores, scores by field set, kept predictions, fit seconds)``; the last two only for
    the temporal test, the second not for the random split.
    """
    kind, arg = unit
    scenarios, threads = options["scenarios"], options["threads"]
    if kind == "random":
        train, test = random_split(scored, seed=arg)
        return _score(models, train, test, history, threads=threads), None, None, None
    per_set: dict = {}
    if kind == "rolling":
        _, train, test = next(rolling_origin_splits(scored, (arg,)))
        return (_score(models, train, test, history, scenarios=scenarios, by_scenario=per_set,
                       threads=threads), per_set, None, None)
    train, test = temporal_split(scored, options["train_end"], options["test_end"])
    preds: dict[str, np.ndarray] = {}
    timings: dict[str, float] = {}
    scores = _score(models, train, test, history, keep=preds, timings=timings,
                    scenarios=scenarios, by_scenario=per_set, threads=threads)
    return scores, per_set, preds, timings


def evaluate(films: pd.DataFrame, models: dict[str, ModelFactory], *, train_end="2014-01-01",
             test_end="2018-01-01", rolling_years=(2012, 2013, 2014, 2015, 2016, 2017),
             random: bool = False, seed: int = 0,
             scenarios: tuple[str, ...] = SCENARIOS, executor=None) -> EvaluationResult:
    """Score each model (plus the mean and budget-only baselines) on films with budget and revenue.

    Models that declare ``uses_history = True`` are fit with ``history=films`` (every film of the
    corpus, with its revenue): their as-of features for a test film then use every film released
    strictly before it, as a studio would know them on the day of the forecast.

    Every temporal and rolling-origin score is also given under each named field set of
    ``scenarios`` (``full``, ``form``, ``core``, ``minimal``): the test films keep only those
    fields, as a user who leaves the others out would give them (``result.scenarios``,
    ``result.rolling_scenarios``). A scenario may add fields to a set (``"core+cast"``;
    :data:`NEAR_SCENARIOS` lists every set with one more field).

    The temporal test, each rolling-origin year and the random split are independent units:
    ``executor`` (default: :func:`reelcast._executor.current_executor`, serial unless ``--ray``)
    runs them, on a Ray cluster several at once; the scores are the same either way.
    """
    for scenario in scenarios:
        field_set(scenario)  # a named set, or one with fields added ("core+cast"): else one line
    scored = revenue_films(films)
    all_models = {"mean baseline": MeanBaseline, "budget-only baseline": BudgetOnlyBaseline,
                  **models}
    train, test = temporal_split(scored, train_end, test_end)
    result = EvaluationResult(train_end=str(train_end), test_end=str(test_end),
                              n_train=len(train), n_test=len(test))
    units = [(("temporal", None), len(train))]
    units += [(("rolling", year), len(tr))
              for year, tr, _ in rolling_origin_splits(scored, rolling_years)]
    if random:
        units.append((("random", seed), len(random_split(scored, seed=seed)[0])))
    # the largest training sets first: the last unit to start on a free worker is then a short one
    order = [unit for unit, _ in sorted(units, key=lambda u: -u[1])]
    executor = executor if executor is not None else current_executor()
    options = {"train_end": train_end, "test_end": test_end, "scenarios": tuple(scenarios),
               "threads": executor.threads_per_task}
    done = dict(zip(order, executor.map(_score_unit, order, all_models, scored, films, options),
                    strict=True))
    result.temporal, result.scenarios, preds, result.fit_seconds = done[("temporal", None)]
    frame = test[["film_id", "title", "release_date"]].copy() if "film_id" in test else test.copy()
    frame["actual_log_revenue"] = log_revenue(test)
    for name, p in preds.items():
        frame[f"pred:{name}"] = p
    result.predictions = frame.reset_index(drop=True)
    for (kind, year), _ in units:
        if kind == "rolling":
            result.rolling[str(year)], result.rolling_scenarios[str(year)], _, _ = done[(kind, year)]
    if random:
        result.random = done[("random", seed)][0]
    return result


def format_table(scores: dict[str, dict[str, float]]) -> pd.DataFrame:
    cols = ["r2", "rmse", "mae", "spearman", "within_2x", "within_25pct", "within_50pct",
            "median_accuracy", "median_f1"]
    table = pd.DataFrame(scores).T[cols]
    return table.astype(float).round(3)


def markdown_table(scores: dict[str, dict[str, float]]) -> str:
    """The same table as :func:`format_table`, as GitHub markdown (no extra dependency)."""
    table = format_table(scores)
    head = "| model | " + " | ".join(table.columns) + " |"
    rule = "|---|" + "---:|" * len(table.columns)
    rows = [f"| {name} | " + " | ".join(f"{v:.3f}" for v in row) + " |"
            for name, row in table.iterrows()]
    return "\n".join([head, rule, *rows])


def scenario_table(scenarios: dict[str, dict[str, dict[str, float]]]) -> str:
    """Markdown: one row per (model, field set) with the scores and the shift against ``full``."""
    head = ("| model | field set | R² | log-RMSE | log-MAE | Spearman | within ×2 | mean shift "
            "| median shift |")
    rule = "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    models = list(next(iter(scenarios.values()), {}))
    rows = []
    for model in models:
        for scenario, per_model in scenarios.items():
            m = per_model[model]
            rows.append(f"| {model} | {scenario} | {m['r2']:.3f} | {m['rmse']:.3f} | "
                        f"{m['mae']:.3f} | {m['spearman']:.3f} | {m['within_2x']:.3f} | "
                        f"{m['mean_shift']:+.3f} | {m['median_shift']:+.3f} |")
    return "\n".join([head, rule, *rows])
