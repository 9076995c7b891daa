"""``reelcast copycat``: the copycat study (issue #7) as one command writing HTML + JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .._errors import InputError

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
    result = run_study(films, config)
    path = write_report(result, out, json_out)
    for line in result["verdict_lines"]:
        typer.echo(line)
    typer.echo(f"wrote {out} and {path}")


def copycat_hits(
    film: Annotated[str, typer.Option("--film", help="film_id (e.g. tmdb:603) or exact title.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory.")] = None,
    market: Annotated[int | None, typer.Option(help="A synthetic market of N films.")] = None,
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
    match = films.loc[(films["film_id"].astype(str) == film) | (films["title"].astype(str) == film)]
    if match.empty:
        raise InputError(f"The '--film' option matches no film_id or title, got {film!r} instead.")
    index = CopycatIndex(window_days=window_days, hit_quantile=hit_quantile).fit(films)
    row = match.iloc[0]
    table = index.nearest_hits(row, n=top)
    typer.echo(f"{row['title']} ({row['film_id']}, released {row['release_date']:%Y-%m-%d}): "
               f"{len(table)} nearest recent hits ({index.revenue_column_})")
    for r in table.itertuples():
        tag = " [franchise]" if r.franchise else ""
        typer.echo(f"  {r.similarity:.3f}  {r.title} ({r.release_date:%Y-%m-%d}, "
                   f"${r.revenue / 1e6:,.1f}M){tag}")


def register(app: typer.Typer) -> None:
    app.command("copycat")(copycat)
    app.command("copycat-hits")(copycat_hits)
