"""How a one-film forecast reads in a terminal: numbers with units, an explanation that adds up."""

from __future__ import annotations

from ..forecast import describe_left_out, money

__all__ = ["render_forecast"]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def render_forecast(fc, console=None) -> None:
    """Print a :class:`FilmForecast` as rich tables."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    console.rule(f"[bold]{fc.title}[/bold] — release {fc.release_date}, budget {money(fc.budget)}")
    console.print(f"forecast worldwide gross: [bold]{money(fc.revenue_usd)}[/bold] "
                  f"(natural log {fc.log_revenue:.2f})")
    for level, band in fc.intervals.items():
        console.print(f"  {level}% interval: {money(band['low'])} – {money(band['high'])}")
    ex = fc.explanation
    if ex:
        table = Table("input", "this film", "log effect", "× factor", "$ step",
                      title="why: effect of each input (TreeSHAP, summed per input field)")
        table.add_row("typical film (baseline)", "", f"{ex['baseline_log']:.2f}", "",
                      money(ex["baseline_usd"]))
        for line in ex["fields"]:
            step = line["usd"]
            table.add_row(line["label"], line["value"], f"{line['log']:+.2f}",
                          f"×{line['factor']:.2f}", ("+" if step >= 0 else "−") + money(abs(step)))
        table.add_row("[bold]forecast[/bold]", "", f"{ex['forecast_log']:.2f}", "",
                      f"[bold]{money(ex['forecast_usd'])}[/bold]")
        console.print(table)
        console.print("  log effects add up to the forecast; each $ step is that input's effect "
                      "after the ones above it, so the steps add up too.")
    _render_fields(console, fc)
    if fc.comparables:
        table = Table("comparable earlier film", "released", "budget", "worldwide gross", "genres",
                      title=f"{_plural(len(fc.comparables), 'most similar earlier film')}")
        for c in fc.comparables:
            table.add_row(c["title"], c["release_date"], money(c["budget"]),
                          money(c["revenue"]), c["genres"].replace("|", ", "))
        console.print(table)
    _render_extras(console, fc)
    for w in fc.warnings:
        console.print(f"[yellow]note:[/yellow] {w}")


def _render_fields(console, fc) -> None:
    from ..forecast import FIELD_LABELS

    console.print("fields used: " + ", ".join(FIELD_LABELS.get(f, f) for f in fc.fields_used))
    if not fc.left_out:
        return
    if not fc.effects_available:
        console.print("left out: " + ", ".join(d["label"] for d in fc.left_out)
                      + " (this model has no measured field effects; retrain it to see how "
                      "much each would move the forecast)")
        return
    console.print("left out, most important first:")
    for entry in fc.left_out[:6]:
        console.print(f"  {describe_left_out(entry)}")


def _render_extras(console, fc) -> None:
    """Predicted rating, genre probabilities and the nearest recent hits."""
    from rich.table import Table

    if fc.rating is not None:
        console.print(f"predicted rating: [bold]{fc.rating:.1f}[/bold] / 10")
    if fc.genres:
        top = list(fc.genres.items())[:6]
        console.print(f"genre probabilities (from {' + '.join(fc.genre_sources)}): "
                      + ", ".join(f"{g} {p:.0%}" for g, p in top))
    hits = fc.hits
    if hits is None:
        return
    if hits["copycat"] is None:
        console.print(f"copycat: not assessed (give at least two keywords); "
                      f"{_plural(hits['n_recent_hits'], 'recent hit')} in the "
                      f"{hits['window_days']} days before release")
        return
    verdict = "yes" if hits["copycat"] else "no"
    console.print(f"copycat of a recent hit: [bold]{verdict}[/bold] (max similarity "
                  f"{hits['max_similarity']:.2f}, threshold {hits['threshold']:.2f}; "
                  f"{hits['n_similar']} of {_plural(hits['n_recent_hits'], 'recent hit')} similar)")
    if hits["hits"]:
        table = Table("recent hit", "released", "similarity", "gross (2017 $)", "franchise",
                      title="nearest recent hits (keyword TF-IDF cosine)")
        for h in hits["hits"]:
            table.add_row(h["title"], h["release_date"], f"{h['similarity']:.2f}",
                          money(h["revenue"]), "yes" if h["franchise"] else "")
        console.print(table)
