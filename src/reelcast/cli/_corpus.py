"""``reelcast corpus build`` / ``reelcast corpus summary``: the canonical film corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]

corpus_app = typer.Typer(help="Build and inspect the canonical film corpus.", no_args_is_help=True)


@corpus_app.command("build", epilog="""\b
Example:
  reelcast corpus build --data ../shared/data --out artifacts/corpus
""")
def build(
    data: Annotated[Path, typer.Option("--data", help="Folder with the public tables "
                                       "(shared/data).")],
    out: Annotated[Path, typer.Option("--out", help="Corpus folder to write (replaced "
                                      "atomically).")],
    verify_posters: Annotated[bool, typer.Option(help="Open every poster and skip corrupt "
                                                 "ones.")] = True,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Build the corpus (films.parquet, anime.parquet, coverage, report, manifest, README)."""
    from ..data import build_corpus, print_coverage

    summary = build_corpus(data, out, verify_posters=verify_posters, progress=progress)
    if not progress:  # with progress on, the build has already printed the coverage table
        print_coverage(summary.coverage)
    typer.echo(f"{summary.n_films:,} films ({summary.n_budget_revenue:,} with budget and revenue "
               f"> 0, {summary.n_with_poster:,} with a poster), {summary.n_anime:,} anime; "
               f"built in {summary.seconds:.1f} s -> {out}")


@corpus_app.command("summary", epilog="""\b
Example:
  reelcast corpus summary --corpus artifacts/corpus
""")
def summary(
    corpus: Annotated[Path, typer.Option("--corpus", help="A built corpus folder.")],
    before: Annotated[Path | None, typer.Option(
        "--before", help="An earlier corpus folder: print the 2010-2017 coverage of both "
                         "side by side.")] = None,
) -> None:
    """Print a built corpus's size, match rates, fixes and coverage table."""
    import json

    from .._errors import DataFileError
    from ..data import era_markdown, print_coverage, read_coverage, read_era_coverage

    coverage = read_coverage(corpus)
    report_path = Path(corpus) / "build_report.json"
    if not report_path.is_file():
        raise DataFileError(f"expected corpus file not found: {report_path}")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    typer.echo(f"{corpus}: {report.get('n_films', 0):,} films, {report.get('n_anime', 0):,} "
               f"anime (from {report.get('data_dir', '?')})")
    for name, match in report.get("matching", {}).items():
        how = ", ".join(f"{match[k]:,} by {w}" for k, w in (("matched_by_id", "id"),
                        ("matched_by_title", "title and year")) if match.get(k))
        typer.echo(f"  {name}: {match['matched']:,} of {match['rows']:,} rows matched"
                   f"{f' ({how})' if how else ''} ({100 * match['match_rate']:.1f}%), "
                   f"{match['added']:,} added, {match['ambiguous']:,} ambiguous")
    people = report.get("people")
    if people:
        typer.echo(f"  people: {people['persons_merged']:,} person ids given a name "
                   f"({people['tmdb_ids_named']:,} TMDB, {people['imdb_ids_named']:,} IMDb), "
                   f"{people['ids_only']:,} id-only, {people['names_only']:,} names without id")
    audit = report.get("label_audit")
    if audit:
        typer.echo("  label audit (films flagged): " + ", ".join(
            f"{k} {v['films']:,}" for k, v in audit["flags"].items()))
    fixes = report.get("fix_totals", {})
    if fixes:
        typer.echo("  fixes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(fixes.items())))
    print_coverage(coverage)
    if before is not None:
        typer.echo(f"\n2010-2017 coverage, {before} (before) and {corpus} (after):\n")
        typer.echo(era_markdown(read_era_coverage(corpus), read_era_coverage(before)))


def register(app: typer.Typer) -> None:
    app.add_typer(corpus_app, name="corpus")
