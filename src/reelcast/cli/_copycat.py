"""``reelcast copycat``: the copycat study (issue #7) as one command writing HTML + JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .._errors import InputError
from ._backend import RayAddress, executor_for

__all__ = ["register"]


def copycat(
    out: Annotated[Path, typer.Option("--out", help="HTML report to write (JSON beside it).")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory (reelcast corpus build).")] = None,
    market: Annotated[int | None, typer.Option(help="Study a synthetic market of N films.")] = None,
    copycat_effect: Annotated[float, typer.Option(help="Planted effect of the market.")] = 0.5,
    json_out: Annotated[Path | None, typer.Option("--json", help="JSON path (default: --out "
                                                  "with .json).")] = None,
    window_days: Annotated[int, typer.Option(help="W: days before release that count.")] = 730,
    hit_quantile: Annotated[float, typer.Option(help="q: a hit is in its year's top 1-q.")] = 0.9,
    threshold: Annotated[float, typer.Option(help="τ: similarity of a copycat.")] = 0.5,
    top_k: Annotated[int, typer.Option(help="k of the top-k mean similarity.")] = 5,
    embedding: Annotated[str, typer.Option(help="Keyword embedding: tfidf or minilm.")] = "tfidf",
    train_end: Annotated[str, typer.Option(help="First day of the test period.")] = "2014-01-01",
    repeats: Annotated[int, typer.Option(help="Permutation repeats.")] = 10,
    boot: Annotated[int, typer.Option(help="Bootstrap refits for the effect bands.")] = 10,
    n_estimators: Annotated[int, typer.Option(help="Boosting rounds of the study model.")] = 400,
    sensitivity: Annotated[bool, typer.Option(help="Run the W/q/τ sensitivity table.")] = True,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    ray: RayAddress = None,
) -> None:
    """Does resembling a recent hit pay? Importance, effect curves, verdict and sensitivity."""
    from ..copycat import StudyConfig, run_study, write_report
    from ..data import make_market

    if corpus is not None:
        from ..data import load_corpus

        films = load_corpus(corpus)
    elif market is not None:
        films = make_market(market, seed=seed, copycat_effect=copycat_effect)
    else:
        raise InputError("give --corpus DIR (a built corpus) or --market N (a synthetic market)")
    config = StudyConfig(
        train_end=train_end, n_repeats=repeats, n_boot_effects=boot, n_estimators=n_estimators,
        sensitivity=sensitivity, seed=seed,
        index=dict(window_days=window_days, hit_quantile=hit_quantile, threshold=threshold,
                   top_k=top_k, embedding=embedding))
    with executor_for(ray):  # the bootstrap refits of the effect bands: one unit of work each
        result = run_study(films, config)
    path = write_report(result, out, json_out)
    for line in result["verdict_lines"]:
        typer.echo(line)
    typer.echo(f"wrote {out} and {path}")


def copycat_hits(
    film: Annotated[str, typer.Option("--film", help="film_id (e.g. tmdb:603) or title.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory.")] = None,
    market: Annotated[int | None, typer.Option(help="A synthetic market of N films.")] = None,
    year: Annotated[int | None, typer.Option(
        help="Release year, to choose between films of the same title.")] = None,
    top: Annotated[int, typer.Option(help="How many hits to list.")] = 5,
    window_days: Annotated[int, typer.Option(help="W: days before release that count.")] = 730,
    hit_quantile: Annotated[float, typer.Option(help="q: a hit is in its year's top 1-q.")] = 0.9,
    seed: Annotated[int, typer.Option(help="Seed of the market.")] = 0,
) -> None:
    """List the recent hits a film most resembles, as known on its release date."""
    from ..copycat import CopycatIndex
    from ..data import make_market

    if corpus is not None:
        from ..data import load_corpus

        films = load_corpus(corpus)
    elif market is not None:
        films = make_market(market, seed=seed)
    else:
        raise InputError("give --corpus DIR (a built corpus) or --market N (a synthetic market)")
    row = find_film(films, film, year)
    keywords = row["keywords"] if isinstance(row["keywords"], list | tuple) else list(
        row["keywords"]) if row["keywords"] is not None else []
    index = CopycatIndex(window_days=window_days, hit_quantile=hit_quantile).fit(films)
    head = f"{row['title']} ({row['film_id']}, released {row['release_date']:%Y-%m-%d})"
    if len(set(keywords)) < index.min_keywords:
        raise InputError(f"{head} has {len(set(keywords))} keyword(s) in the corpus; similarity "
                         f"to recent hits needs at least {index.min_keywords}")
    table = index.nearest_hits(row, n=top)
    table = table[table["similarity"] > 0]  # a hit sharing no keyword is not "near"
    hits = "hit" if len(table) == 1 else "hits"
    if table.empty:
        typer.echo(f"{head}: no recent hit shares a keyword with it")
        return
    typer.echo(f"{head}: {len(table)} nearest recent {hits} with a shared keyword "
               f"({index.revenue_column_})")
    for r in table.itertuples():
        tag = " [franchise]" if r.franchise else ""
        typer.echo(f"  {r.similarity:.3f}  {r.title} ({r.release_date:%Y-%m-%d}, "
                   f"${r.revenue / 1e6:,.1f}M){tag}")


def find_film(films, film: str, year: int | None):
    """The one corpus row named by ``film`` (a film_id, or a title matched case-insensitively),
    narrowed by ``year``; an unknown or ambiguous name is a one-line error saying what to do."""
    import difflib

    import pandas as pd

    titles = films["title"].astype(str)
    match = films.loc[(films["film_id"].astype(str) == film)
                      | (titles.str.casefold() == film.strip().casefold())]
    if match.empty:
        close = difflib.get_close_matches(film, titles.unique().tolist(), n=3, cutoff=0.8)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise InputError(f"--film {film!r} is not in the corpus (no film_id or title matches)"
                         f"{hint}")
    years = pd.to_datetime(match["release_date"]).dt.year
    if year is not None:
        match = match.loc[years == year]
        if match.empty:
            found = ", ".join(str(y) for y in sorted(set(years.dropna().astype(int))))
            raise InputError(f"--film {film!r} has no release in {year}; the corpus has it in "
                             f"{found}")
    elif len(match) > 1:
        found = ", ".join(f"{y} ({i})" for y, i in sorted(zip(years.fillna(0).astype(int),
                                                                match["film_id"].astype(str), strict=True)))
        raise InputError(f"--film {film!r} names {len(match)} films: {found}; choose one with "
                         "--year YEAR or give its film_id")
    return match.iloc[0]


COPYCAT_EXAMPLE = """\b
Example:
  reelcast copycat --corpus artifacts/corpus --out artifacts/copycat.html
"""
HITS_EXAMPLE = """\b
Examples:
  reelcast copycat-hits --corpus artifacts/corpus --film "Get Out" --year 2017
  reelcast copycat-hits --corpus artifacts/corpus --film tmdb:603
"""


def register(app: typer.Typer) -> None:
    app.command("copycat", epilog=COPYCAT_EXAMPLE)(copycat)
    app.command("copycat-hits", epilog=HITS_EXAMPLE)(copycat_hits)
