"""Which input fields a forecast used, and what each important field left out would typically do.

A fitted forecaster may carry ``field_effects_``: ``{field: {"mean_shift", "median_abs_shift",
"n"}}`` measured on test films that have the field, in natural-log revenue (forecast with the
field given minus forecast with it left out). :func:`field_report` turns that and the film's own
fields into what a person reads: the fields used, and for each field left out the typical factor
by which the forecast would move if it were given (``exp(median_abs_shift)``) and in which
direction it usually moves (the sign of ``mean_shift``). Models saved before the effects were
measured have none: the fields left out are still listed, without numbers.
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["FIELD_LABELS", "INPUT_FIELDS", "describe_left_out", "field_report", "supplied_fields"]

# the optional input columns, in the order of the input format (title and release date are
# required and always used; opening_theaters is a release plan only a release_week model reads,
# and the ids are never model inputs)
INPUT_FIELDS = ("budget", "runtime", "original_language", "certification", "genres", "keywords",
                "cast", "directors", "writers", "companies", "collection", "overview", "tagline",
                "poster", "distributor", "story_source", "creative_type", "production_method")

FIELD_LABELS = {
    "title": "title", "release_date": "release date", "budget": "budget", "runtime": "runtime",
    "original_language": "original language", "certification": "certification",
    "genres": "genres", "keywords": "keywords", "cast": "cast", "directors": "directors",
    "writers": "writers", "companies": "production companies", "collection": "franchise",
    "overview": "overview", "tagline": "tagline", "poster": "poster",
    "distributor": "distributor", "story_source": "story source",
    "creative_type": "creative type", "production_method": "production method",
}

# the canonical frame stores the poster path as ``poster_file``
_COLUMN = {"poster": "poster_file"}


def _given(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if hasattr(value, "__len__"):
        return len(value) > 0
    try:
        return not pd.isna(value)
    except (TypeError, ValueError):
        return True


def supplied_fields(row) -> list[str]:
    """The optional input fields a validated film row (canonical schema) has a value for."""
    return [f for f in INPUT_FIELDS if _given(row.get(_COLUMN.get(f, f)))]


def field_report(supplied, effects: dict | None, *, min_factor: float = 1.0) -> dict:
    """Fields used and fields left out, the left-out ones sorted by how much they move forecasts.

    Parameters
    ----------
    supplied : iterable of str
        The optional fields the film has (see :func:`supplied_fields`).
    effects : dict or None
        The forecaster's ``field_effects_``; ``None`` for a model without measured effects.
    min_factor : float
        Left-out fields whose typical move is below this factor are not listed (1.0 lists all).

    Returns
    -------
    dict
        ``fields_used`` (list of field names, title and release date first), ``left_out`` (list
        of ``{"field", "label", "typical_move_factor", "direction", "n"}``; the factor and
        direction are ``None`` without effects) and ``effects_available`` (bool).

    Examples
    --------
    >>> effects = {"cast": {"mean_shift": 0.3, "median_abs_shift": 0.4, "n": 500},
    ...            "runtime": {"mean_shift": -0.02, "median_abs_shift": 0.05, "n": 900}}
    >>> rep = field_report(["budget", "genres"], effects)
    >>> [(d["field"], round(d["typical_move_factor"], 2), d["direction"]) for d in rep["left_out"]][:2]
    [('cast', 1.49, 'up'), ('runtime', 1.05, 'down')]
    """
    supplied = [f for f in INPUT_FIELDS if f in set(supplied)]
    used = ["title", "release_date", *supplied]
    missing = [f for f in INPUT_FIELDS if f not in supplied]
    usable = _clean(effects)
    if usable is None:
        left = [{"field": f, "label": FIELD_LABELS[f], "typical_move_factor": None,
                 "direction": None, "n": None} for f in missing]
        return {"fields_used": used, "left_out": left, "effects_available": False}
    left = []
    for f in missing:
        e = usable.get(f)
        if e is None:
            continue
        factor = math.exp(abs(e["median_abs_shift"]))
        if factor < min_factor:
            continue
        direction = "up" if e["mean_shift"] > 0 else "down" if e["mean_shift"] < 0 else "either way"
        left.append({"field": f, "label": FIELD_LABELS[f], "typical_move_factor": factor,
                     "direction": direction, "n": e["n"]})
    left.sort(key=lambda d: -d["typical_move_factor"])
    return {"fields_used": used, "left_out": left, "effects_available": True}


def _clean(effects) -> dict | None:
    """The usable entries of ``field_effects_`` (finite numbers), or ``None`` if there are none."""
    if not isinstance(effects, dict) or not effects:
        return None
    out = {}
    for f, e in effects.items():
        if f not in INPUT_FIELDS or not isinstance(e, dict):
            continue
        try:
            mean, med = float(e["mean_shift"]), float(e["median_abs_shift"])
            n = int(e.get("n", 0))
        except (KeyError, TypeError, ValueError):
            continue
        if math.isfinite(mean) and math.isfinite(med):
            out[f] = {"mean_shift": mean, "median_abs_shift": med, "n": n}
    return out or None


def describe_left_out(entry: dict) -> str:
    """One plain sentence for a left-out field (used by the CLI and the page)."""
    factor = entry.get("typical_move_factor")
    if factor is None:
        return f"{entry['label']}: not given"
    arrow = {"up": "usually up", "down": "usually down"}.get(entry["direction"], "either way")
    return (f"{entry['label']}: not given; giving it typically moves the forecast ×{factor:.2f} "
            f"({arrow})")
