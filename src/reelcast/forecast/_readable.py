"""The explanation as a person reads it: contributions per input field, readable values, notes.

TreeSHAP gives one log-revenue contribution per model feature (``log_budget_adj``,
``cast_logrev_best_mean``, ...). A producer thinks in the fields they typed, so the features are
summed per input field (every ``cast_*`` feature is "cast"). Log contributions add up exactly:
``baseline + Σ field = forecast``. Dollar effects of log contributions do not add up when each is
taken against the baseline, so dollars are given as a *waterfall*: fields in order of their log
effect, each one's dollar step is ``exp(running + φ) − exp(running)``; the steps sum to
``forecast − baseline`` exactly.
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import pandas as pd

from ._fields import FIELD_LABELS

__all__ = ["field_of", "grouped_explanation", "money", "sanity_notes"]

# feature name → input field; first matching rule wins, unknown features stay themselves
_RULES: tuple[tuple[str, str], ...] = (
    (r"^(log_)?budget|^budget_", "budget"),
    (r"^(year|month|weekday|day_of_year|is_summer|is_holiday|is_dump_month)$", "release_date"),
    (r"^runtime", "runtime"),
    (r"^(n_genres|genre_)", "genres"),
    (r"^(n_keywords|keyword_|kw_)", "keywords"),
    (r"^(n_cast|cast_)", "cast"),
    (r"^(n_directors|director_)", "directors"),
    (r"^(n_writers|writer_)", "writers"),
    (r"^(n_companies|company_)", "companies"),
    (r"^(has_collection|is_sequel|collection_)", "collection"),
    (r"^title_", "title"),  # the title family's history and a sequel marker in the title
    (r"^overview", "overview"),
    (r"tagline", "tagline"),
    (r"poster", "poster"),
    (r"^(language|is_english|original_language)", "original_language"),
    (r"^(certification|min_age)", "certification"),
    (r"^distributor", "distributor"),
    (r"^story_source", "story_source"),
    (r"^creative_type", "creative_type"),
    (r"^production_method", "production_method"),
)
_ROLE = {"cast": "cast", "directors": "director", "writers": "writer", "companies": "company",
         "keywords": "keyword", "collection": "collection", "title": "title"}
_CATEGORIES = ("original_language", "certification", "distributor", "story_source",
               "creative_type", "production_method")


@functools.lru_cache(maxsize=4096)  # ~20 regular expressions per feature, every forecast
def field_of(feature: str) -> str:
    """The input field a model feature is computed from (``"log_budget_adj"`` → ``"budget"``)."""
    for pattern, field in _RULES:
        if re.search(pattern, feature):
            return field
    return feature


def money(x) -> str:
    """Dollars for people: ``$17M``, ``$1.3B``, ``$74,700``; ``—`` for unknown."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    x = float(x)
    if abs(x) >= 1e9:
        return f"${x / 1e9:,.2f}B"
    if abs(x) >= 1e6:
        return f"${x / 1e6:,.1f}M"
    return f"${x:,.0f}"


def _names(value, limit: int = 3) -> str:
    items = [str(v) for v in value] if isinstance(value, list | tuple | np.ndarray) else []
    more = f" +{len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _history(X: pd.Series, role: str) -> str:
    """"earlier films: up to 3, typical gross $41M" from the as-of history features, when
    present (``films_max``: the most earlier films of any one name listed)."""
    n = X.get(f"{role}_films_max")
    rev = X.get(f"{role}_logrev_mean")
    parts = []
    if n is not None and pd.notna(n) and n > 0:
        parts.append(f"earlier films: up to {int(n)}")
    if rev is not None and pd.notna(rev):
        parts.append(f"typical gross {money(math.exp(float(rev)))}")
    return "; ".join(parts)


def _describe(field: str, row: pd.Series, X: pd.Series) -> str:
    """The film's value of one input field, in words and units."""
    value = row.get("poster_file" if field == "poster" else field)
    if field == "budget":
        return f"budget {money(value)}" if pd.notna(value) else "budget not given"
    if field == "release_date":
        date = pd.Timestamp(row["release_date"])
        return f"released {date:%Y-%m-%d} ({date:%B}, a {date:%A})"
    if field == "runtime":
        return f"runtime {value:.0f} min" if pd.notna(value) else "runtime not given"
    if field in _CATEGORIES:
        label = FIELD_LABELS[field]
        return f"{label} {value}" if isinstance(value, str) else f"{label} not given"
    if field == "title":
        history = _history(X, "title")
        marker = " (a sequel number)" if X.get("title_sequel_marker", 0) == 1 else ""
        return (f"title {value}{marker}" + (f" (names {history})" if history else "")
                if isinstance(value, str) else "title")
    if field in _ROLE:
        label = FIELD_LABELS[field]
        shown = value if isinstance(value, str) else _names(value)
        if not shown:
            return f"{label} not given"
        history = _history(X, _ROLE[field])
        return f"{label} {shown}" + (f" ({history})" if history else "")
    if field == "genres":
        shown = _names(value, limit=4)
        return f"genres {shown}" if shown else "genres not given"
    if field in ("overview", "tagline"):
        words = len(value.split()) if isinstance(value, str) else 0
        return f"{field} of {words} words" if words else f"{field} not given"
    if field == "poster":
        return "poster given" if isinstance(value, str) and value else "poster not given"
    return field


def grouped_explanation(phi: np.ndarray, columns, baseline_log: float, row: pd.Series,
                        X: pd.Series, top: int = 8, adjustment: float | None = None) -> dict:
    """Contributions summed per input field, with a dollar waterfall that adds up.

    ``phi`` holds one TreeSHAP value per column of ``X``. The ``top`` fields by absolute log
    effect are listed; the rest are one "other fields" line, so the lines always sum to the
    forecast. ``adjustment`` (a stack model) is the shown forecast minus the explained one: a
    last line, so the explanation adds up to the forecast shown.
    """
    per_field: dict[str, float] = {}
    for name, value in zip(columns, phi, strict=True):
        field = field_of(str(name))
        per_field[field] = per_field.get(field, 0.0) + float(value)
    ordered = sorted(per_field.items(), key=lambda kv: -abs(kv[1]))
    shown, rest = ordered[:top], ordered[top:]
    lines = [{"field": f, "label": FIELD_LABELS.get(f, f), "value": _describe(f, row, X), "log": v}
             for f, v in shown]
    if rest:
        lines.append({"field": "other", "label": "other fields",
                      "value": "other: " + ", ".join(FIELD_LABELS.get(f, f) for f, _ in rest),
                      "log": float(sum(v for _, v in rest))})
    if adjustment is not None:
        lines.append({"field": "stack", "label": "stack adjustment",
                      "value": "the stack's forecast minus the LightGBM forecaster's explained "
                               "above", "log": float(adjustment)})
    running = baseline_log
    for line in lines:
        line["factor"] = math.exp(line["log"])
        line["usd"] = math.exp(running + line["log"]) - math.exp(running)
        running += line["log"]
    return {"baseline_log": baseline_log, "baseline_usd": math.exp(baseline_log),
            "forecast_log": running, "forecast_usd": math.exp(running), "fields": lines}


def sanity_notes(*, forecast_usd: float, budget, release_date, comparables: list[dict],
                 training_end=None, budget_range=None) -> list[str]:
    """Plain warnings a person should read before trusting the number.

    ``budget_range`` is the (smallest, largest) budget of the films the model learned from; a
    budget outside it is forecast as the nearest budget the model knows (trees do not
    extrapolate), which a person should be told.
    """
    notes = []
    if budget is None or (isinstance(budget, float) and not math.isfinite(budget)):
        notes.append("no budget given: budget is the strongest single input, and without it the "
                     "forecast is much less certain (it is often far too low for a large film)")
    else:
        if budget_range is not None and not budget_range[0] <= budget <= budget_range[1]:
            side, end, bound = (("above", "largest", budget_range[1]) if budget > budget_range[1]
                                else ("below", "smallest", budget_range[0]))
            notes.append(f"the budget ({money(budget)}) is {side} every budget the model learned "
                         f"from ({end} {money(bound)}): it forecasts the film as if it cost "
                         "about that much")
        if forecast_usd < budget:
            notes.append(f"the forecast ({money(forecast_usd)}) is below the film's own budget "
                         f"({money(budget)}): the model expects a loss at the worldwide box "
                         "office")
    grosses = [c["revenue"] for c in comparables if c.get("revenue") is not None]
    if len(grosses) >= 2:
        if forecast_usd < min(grosses):
            notes.append(f"the forecast is below every comparable film's gross (lowest "
                         f"{money(min(grosses))}): check the inputs, or read the comparables as "
                         "an upper guide")
        elif forecast_usd > max(grosses):
            notes.append(f"the forecast is above every comparable film's gross (highest "
                         f"{money(max(grosses))})")
    if training_end is not None:
        date, end = pd.Timestamp(release_date), pd.Timestamp(training_end)
        if date > end:
            years = (date - end).days / 365.25
            span = f"{years:.0f} years" if years >= 1.5 else f"{(date - end).days} days"
            notes.append(f"the release date is {span} after the training data ends "
                         f"({end:%Y-%m-%d}): careers, franchises and the market after that "
                         "are unknown to the model, and ticket prices have changed")
    return notes
