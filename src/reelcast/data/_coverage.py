"""Coverage of the corpus (how many films have each kind of data, overall and per decade) and the
corpus README, both rendered from data so the numbers and the text cannot drift apart."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["COVERAGE_METRICS", "coverage_table", "coverage_markdown", "print_coverage",
           "corpus_readme"]

COVERAGE_METRICS: tuple[str, ...] = ("films", "budget_and_revenue", "poster", "keywords", "cast",
                                     "directors", "overview")


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


def coverage_table(films: pd.DataFrame) -> dict:
    """``{"overall": {metric: n}, "by_decade": {"1990s": {metric: n}, …, "unknown": …}}``."""
    flags = _flags(films)
    decade = films["year"].astype("Float64") // 10 * 10
    label = decade.map(lambda d: f"{int(d)}s" if pd.notna(d) else "unknown")
    by_decade = flags.groupby(label.to_numpy()).sum().astype(int)
    order = sorted(i for i in by_decade.index if i != "unknown") + (
        ["unknown"] if "unknown" in by_decade.index else [])
    return {
        "overall": {m: int(flags[m].sum()) for m in COVERAGE_METRICS},
        "by_decade": {d: {m: int(by_decade.loc[d, m]) for m in COVERAGE_METRICS} for d in order},
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
    return "\n".join(lines) + "\n"


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
    Console().print(table)


def corpus_readme(coverage: dict, report: dict, field_priority: dict, rating_priority: tuple,
                  ) -> str:
    """The README written next to ``films.parquet``."""
    priority = "\n".join(f"| `{field}` | {' > '.join(order)} |"
                         for field, order in field_priority.items() if field != "year")
    late = report.get("released_after_time_cut_dropped", 0)
    matching = "\n".join(
        f"| {name} | {m['rows']:,} | {m['matched']:,} ({100 * m['match_rate']:.1f}%) | "
        f"{m['added']:,} | {m['ambiguous']:,} |" for name, m in report["matching"].items())
    return f"""# reelcast film corpus

Built by `reelcast corpus build` from the public tables in `{report['data_dir']}`.

* `films.parquet`: {report['n_films']:,} films, one row per film, columns in the canonical schema
  (`reelcast.data.FILM_COLUMNS`) plus a provenance column `src_<field>` naming the source of
  each value. Load it with `reelcast.data.load_corpus(dir)`.
* `anime.parquet`: {report['n_anime']:,} MyAnimeList titles (`reelcast.data.ANIME_COLUMNS`);
  `reelcast.data.load_anime(dir)`.
* `coverage.json` / `coverage.md`: the table below. `build_report.json`: rows per source, match
  rates, fixes, unparseable values with examples, corrupt posters, timings. `manifest.json`:
  versions, input file hashes, creation time.

`film_id` is `tmdb:<id>`, else `imdb:<tt…>`, else `title:<normalised title>:<year>` for films
found only in a table without ids. Money is nominal USD; `budget_adj` / `revenue_adj` are in 2017
dollars (annual US CPI-U, BLS series CUUR0000SA0, shipped with reelcast). `revenue` is the
worldwide gross, `revenue_domestic` the US (domestic) gross.

## Coverage

{coverage_markdown(coverage)}
## Source priority (first non-missing value wins)

| field | sources, best first |
|---|---|
{priority}
| `rating`, `vote_count` (one source for both) | {' > '.join(rating_priority)} |

`rating` is on a 0-10 scale: the IMDb user rating where any table has it, else the TMDB vote
average (`ilias1111_tmdb` is ilias1111's TMDB column), else MovieLens stars x 2. `src_rating` says
which. `rating`, `vote_count`, `revenue*` are **post-release**: targets and rating pretraining
only, never inputs of a pre-release forecast.

`is_sequel` is derived: a film in a collection (`collection`) released after the collection's
earliest film in the corpus; films that a collection-aware source (ilias1111, movies_metadata)
lists without a collection are `False`; others are missing.

Notes: IMDB 5000 budgets are in local currency for non-US films, so they are used only for
`country == USA`. IMDB 5000 `gross` and Box Office Mojo `domestic_gross` are domestic; The
Numbers, Movie Industry and ilias1111 `revenue_world` are worldwide; Box Office Mojo worldwide is
domestic + foreign. Impossible values (budget < $1,000, revenue or domestic revenue 0, runtime 0)
are made missing per source before the merge, so another source can fill them; counts are in
`build_report.json` (`fixes`).

Films first released on or after 2018-01-01 are left out, as in the data README (later films are
the out-of-time test): {late:,} films (Movie Industry, for one, lists some 2017 festival films by
their 2018 US release).

## Title matching (tables without ids; normalised title, year +/- 1)

| table | rows | matched | added as new films | ambiguous (skipped) |
|---|---|---|---|---|
{matching}
"""
