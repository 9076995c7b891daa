"""Coverage of the corpus: how many films have each kind of data, overall, per decade and for the
films the forecaster is tested on (2010–2017 with budget and revenue), rendered from data so the
numbers and the text cannot drift apart (the README is ``_corpus_readme``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["COVERAGE_METRICS", "ERA_METRICS", "ERA_GOALS", "coverage_table", "era_coverage",
           "coverage_markdown", "era_markdown", "print_coverage"]

COVERAGE_METRICS: tuple[str, ...] = ("films", "budget_and_revenue", "poster", "keywords", "cast",
                                     "directors", "overview")
# the films the forecaster is tested on: released 2010-2017 with budget and revenue
ERA = (2010, 2017)
ERA_METRICS: tuple[str, ...] = (
    "cast", "cast_top3_named", "directors", "directors_named", "writers", "keywords", "companies",
    "overview", "certification", "min_age", "poster", "tagline", "runtime", "distributor",
    "story_source", "creative_type", "production_method", "opening_theaters", "label_flags")
# issue 16's coverage goals (share of the era's films)
ERA_GOALS: dict[str, float] = {"cast": 0.95, "directors": 0.80, "keywords": 0.75,
                               "overview": 0.50, "certification": 0.70}


def _nonempty(values: pd.Series) -> np.ndarray:
    return values.map(lambda v: v is not None and not isinstance(v, float) and len(v) > 0
                      ).to_numpy(bool)


def _flags(films: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "films": np.ones(len(films), bool),
        "budget_and_revenue": ((films["budget"] > 0) & (films["revenue"] > 0)).to_numpy(bool),
        "poster": films["poster_file"].notna().to_numpy(bool),
        "keywords": _nonempty(films["keywords"]),
        "cast": _nonempty(films["cast"]),
        "directors": _nonempty(films["directors"]),
        "overview": (films["overview"].fillna("").str.strip() != "").to_numpy(bool),
    }, index=films.index)


def _named(values: pd.Series, prefix: str, top: int | None) -> np.ndarray:
    """Lists whose (first ``top``) entries are all names, not ``tmdbp:``/``imdbp:`` id keys."""
    return values.map(lambda v: v is not None and not isinstance(v, float) and len(v) > 0
                      and not any(str(x).startswith(prefix) for x in list(v)[:top])).to_numpy(bool)


def era_coverage(films: pd.DataFrame, start: int = ERA[0], end: int = ERA[1]) -> dict:
    """Coverage of the films released ``start``-``end`` with budget and revenue > 0:
    ``{"films": n, "counts": {metric: n}, "share": {metric: s}, "goals": {...}}``."""
    year = films["year"].astype("Float64")
    sel = films.loc[((year >= start) & (year <= end) & (films["budget"] > 0)
                     & (films["revenue"] > 0)).fillna(False).to_numpy(bool)]
    present = {}
    for metric in ERA_METRICS:
        if metric == "cast_top3_named":
            present[metric] = _named(sel["cast"], "tmdbp:", 3)
        elif metric == "directors_named":
            present[metric] = _named(sel["directors"], "imdbp:", None)
        elif metric == "poster":
            present[metric] = sel["poster_file"].notna().to_numpy(bool)
        elif metric not in sel:  # a corpus built before the column existed
            continue
        elif sel[metric].dtype == object:
            present[metric] = _nonempty(sel[metric])
        else:
            present[metric] = sel[metric].notna().to_numpy(bool)
    n = len(sel)
    counts = {m: int(v.sum()) for m, v in present.items()}
    share = {m: round(c / n, 4) if n else 0.0 for m, c in counts.items()}
    goals = {m: {"goal": g, "share": share[m], "met": share[m] >= g}
             for m, g in ERA_GOALS.items() if m in share}
    return {"years": [start, end], "films": n, "counts": counts, "share": share, "goals": goals}


def era_markdown(era: dict, before: dict | None = None) -> str:
    """The era coverage as a Markdown table (optionally beside an earlier corpus's)."""
    head = "| field | films | share | goal |" if before is None else (
        "| field | before | after | goal |")
    lines = [head, "|---|---|---|---|"]
    for metric in ERA_METRICS:
        goal = era["goals"].get(metric)
        goal_text = f"≥ {100 * goal['goal']:.0f}%" + (" ✓" if goal["met"] else " ✗") if goal else ""
        if metric not in era["share"]:
            continue
        after = f"{100 * era['share'][metric]:.1f}%"
        if before is None:
            lines.append(f"| {metric} | {era['counts'][metric]:,} | {after} | {goal_text} |")
        else:
            old = before.get("share", {}).get(metric)
            old_text = "–" if old is None else f"{100 * old:.1f}%"
            lines.append(f"| {metric} | {old_text} | {after} | {goal_text} |")
    years = "–".join(map(str, era["years"]))
    films = f"{era['films']:,}" if before is None else (
        f"{before['films']:,} before, {era['films']:,} after")
    return (f"Films released {years} with budget and revenue > 0: {films}\n\n"
            + "\n".join(lines) + "\n")


def coverage_table(films: pd.DataFrame) -> dict:
    """``{"overall": {metric: n}, "by_decade": {"1990s": {metric: n}, …, "unknown": …},
    "era": era_coverage(films)}``."""
    flags = _flags(films)
    decade = films["year"].astype("Float64") // 10 * 10
    label = decade.map(lambda d: f"{int(d)}s" if pd.notna(d) else "unknown")
    by_decade = flags.groupby(label.to_numpy()).sum().astype(int)
    order = sorted(i for i in by_decade.index if i != "unknown") + (
        ["unknown"] if "unknown" in by_decade.index else [])
    return {
        "overall": {m: int(flags[m].sum()) for m in COVERAGE_METRICS},
        "by_decade": {d: {m: int(by_decade.loc[d, m]) for m in COVERAGE_METRICS} for d in order},
        "era": era_coverage(films),
    }


def coverage_markdown(coverage: dict) -> str:
    """The coverage as a Markdown table (counts, with the share of films in parentheses)."""
    header = "| decade | " + " | ".join(m.replace("_", " ") for m in COVERAGE_METRICS) + " |"
    lines = [header, "|" + "---|" * (len(COVERAGE_METRICS) + 1)]
    rows = [*coverage["by_decade"].items(), ("**all**", coverage["overall"])]
    for name, counts in rows:
        n = max(counts["films"], 1)
        cells = [f"{counts['films']:,}"] + [
            f"{counts[m]:,} ({100 * counts[m] / n:.0f}%)" for m in COVERAGE_METRICS[1:]]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    if "era" in coverage:
        text += "\n" + era_markdown(coverage["era"])
    if coverage.get("match_rates"):
        text += ("\nMatch rate of each joined table (rows linked to a film by id or by title + "
                 "year; `build_report.json` has the details)\n\n| table | match rate |\n|---|---|\n"
                 + "".join(f"| {name} | {100 * rate:.1f}% |\n"
                           for name, rate in coverage["match_rates"].items()))
    return text


def print_coverage(coverage: dict) -> None:
    """The coverage table in the terminal (rich): counts per decade, then the overall shares.
    The Markdown version with a share in every cell is ``coverage.md`` in the corpus folder."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title="corpus coverage: films with each kind of data", box=box.SIMPLE_HEAD,
                  pad_edge=False, show_edge=False)
    table.add_column("decade", no_wrap=True)
    for metric in COVERAGE_METRICS:
        name = {"budget_and_revenue": "budget+rev"}.get(metric, metric)
        table.add_column(name, justify="right", no_wrap=True)
    for name, counts in coverage["by_decade"].items():
        table.add_row(name, *(f"{counts[m]:,}" for m in COVERAGE_METRICS))
    overall = coverage["overall"]
    n = max(overall["films"], 1)
    table.add_row("all", *(f"{overall[m]:,}" for m in COVERAGE_METRICS), style="bold",
                  end_section=False)
    table.add_row("all %", "", *(f"{100 * overall[m] / n:.0f}%" for m in COVERAGE_METRICS[1:]))
    console = Console()
    console.print(table)
    era = coverage.get("era")
    if era:
        years = "–".join(map(str, era["years"]))
        shares = ", ".join(f"{m} {100 * era['share'][m]:.1f}%" for m in ERA_METRICS
                           if m in era['share'])
        goals = ", ".join(f"{m} {'met' if g['met'] else 'missed'}" for m, g in era["goals"].items())
        console.print(f"{years} films with budget and revenue ({era['films']:,}): {shares}\n"
                      f"goals: {goals}", highlight=False)
    if coverage.get("match_rates"):
        console.print("match rates: " + ", ".join(
            f"{name} {100 * rate:.1f}%" for name, rate in coverage["match_rates"].items()),
            highlight=False)
