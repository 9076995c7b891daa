"""The single HTML page: a plain form (works without JavaScript) and a server-rendered result.

Every user-supplied string is HTML-escaped; the explanation chart is inline SVG, no scripts.
"""

from __future__ import annotations

import re
from html import escape

from ..data._schema import GENRES

__all__ = ["explanation_svg", "form_to_record", "render_page"]

_TEXT_FIELDS = ("title", "release_date", "budget", "cast", "directors", "keywords", "overview")

_CSS = """
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
form{display:grid;grid-template-columns:10em 1fr;gap:.5em 1em;align-items:start}
input[type=text],input[type=date],textarea{width:100%;box-sizing:border-box;padding:.3em}
fieldset{grid-column:2;border:1px solid #ccc}fieldset label{display:inline-block;width:11em}
button{grid-column:2;padding:.5em 2em;font-size:1.05em}.error{color:#b00020;font-weight:bold}
.big{font-size:2em;font-weight:bold}table{border-collapse:collapse;margin:1em 0}
td,th{border-bottom:1px solid #ddd;padding:.25em .7em;text-align:left}.num{text-align:right}
"""


def _split(text: str | None) -> list[str]:
    # the page accepts commas as well as the file format's "|": people type commas in forms
    return [p.strip() for p in re.split(r"[|,\n]", text or "") if p.strip()]


def form_to_record(values: dict) -> dict:
    """The new-film record for the page's form fields (validation happens downstream)."""
    record = {"title": values.get("title", ""), "release_date": values.get("release_date", "")}
    if values.get("budget", "").strip():
        record["budget"] = values["budget"]
    for field in ("cast", "directors", "keywords"):
        if values.get(field, "").strip():
            record[field] = _split(values[field])
    if values.get("genres"):
        record["genres"] = values["genres"].split("|")
    if values.get("overview", "").strip():
        record["overview"] = values["overview"]
    return record


def _money(x) -> str:
    if x is None:
        return "—"
    return f"${x / 1e6:,.1f}M" if abs(x) >= 1e5 else f"${x:,.0f}"


def explanation_svg(contributions: list[dict], width: int = 640) -> str:
    """A horizontal bar chart of log-revenue contributions (green raises, red lowers)."""
    if not contributions:
        return ""
    bar_h, label_w = 22, 230
    height = bar_h * len(contributions) + 10
    half = (width - label_w - 70) / 2
    scale = max(abs(c["log"]) for c in contributions) or 1.0
    mid = label_w + half
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="feature contributions">',
             f'<line x1="{mid:.1f}" y1="0" x2="{mid:.1f}" y2="{height}" stroke="#888"/>']
    for i, c in enumerate(contributions):
        y = 5 + i * bar_h
        w = abs(c["log"]) / scale * half
        x = mid if c["log"] >= 0 else mid - w
        color = "#2e7d32" if c["log"] >= 0 else "#c62828"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" '
                     f'font-size="12">{escape(c["feature"])}</text>')
        parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{bar_h - 6}" '
                     f'fill="{color}"><title>{c["log"]:+.3f} log, ×{c["factor"]:.2f}</title></rect>')
        parts.append(f'<text x="{width - 4}" y="{y + 15}" text-anchor="end" font-size="12">'
                     f'×{c["factor"]:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _form(values: dict) -> str:
    v = {k: escape(str(values.get(k, "") or "")) for k in _TEXT_FIELDS}
    chosen = set((values.get("genres") or "").split("|"))
    boxes = "".join(
        f'<label><input type="checkbox" name="genres" value="{escape(g)}"'
        f'{" checked" if g in chosen else ""}> {escape(g)}</label>' for g in GENRES)
    return f"""
<form method="post" action="/" enctype="multipart/form-data">
<label for="title">Title</label><input type="text" id="title" name="title" required
 maxlength="300" value="{v['title']}">
<label for="release_date">Release date</label><input type="date" id="release_date"
 name="release_date" required value="{v['release_date']}">
<label for="budget">Budget (US$)</label><input type="text" id="budget" name="budget"
 placeholder="150000000" value="{v['budget']}">
<label>Genres</label><fieldset>{boxes}</fieldset>
<label for="cast">Cast</label><input type="text" id="cast" name="cast"
 placeholder="Actor One, Actor Two" value="{v['cast']}">
<label for="directors">Director</label><input type="text" id="directors" name="directors"
 value="{v['directors']}">
<label for="keywords">Keywords</label><input type="text" id="keywords" name="keywords"
 placeholder="superhero, based on comic" value="{v['keywords']}">
<label for="overview">Overview</label><textarea id="overview" name="overview" rows="4"
 maxlength="20000">{v['overview']}</textarea>
<label for="poster">Poster</label><input type="file" id="poster" name="poster"
 accept="image/jpeg,image/png,image/gif,image/webp">
<button type="submit" id="submit">Forecast</button>
</form>"""


def _result(result, poster: dict | None) -> str:
    bands = "".join(f"<li>{escape(level)}% interval: {_money(b['low'])} – {_money(b['high'])}</li>"
                    for level, b in result.intervals.items())
    rows = "".join(
        f"<tr><td>{escape(c['title'])}</td><td>{escape(c['release_date'])}</td>"
        f"<td class=num>{_money(c['budget'])}</td><td class=num>{_money(c['revenue'])}</td>"
        f"<td>{escape(c['genres'])}</td></tr>" for c in result.comparables)
    comps = ("<h3>Most similar earlier films</h3><table id=\"comparables\"><tr><th>film</th>"
             "<th>released</th><th>budget</th><th>worldwide gross</th><th>genres</th></tr>"
             f"{rows}</table>") if rows else ""
    poster_line = (f"<p>Poster: {escape(poster['format'])} {poster['width']}×{poster['height']} "
                   "px, checked and used.</p>") if poster else ""
    warnings = "".join(f"<p class=error>{escape(w)}</p>" for w in result.warnings)
    return f"""
<section id="result">
<h2>{escape(result.title)} <small>({escape(result.release_date)})</small></h2>
<p>Forecast worldwide gross</p><p class="big" id="forecast">{_money(result.revenue_usd)}</p>
<div id="interval"><ul id="intervals">{bands}</ul></div>{poster_line}{warnings}
{_rating(result)}
<div id="explanation">
<h3>Why: feature contributions (TreeSHAP, baseline {_money(result.baseline_usd)})</h3>
{explanation_svg(result.contributions)}
</div>
{comps}
{_genres(result)}
{_hits(result)}
</section>"""


def _rating(result) -> str:
    if result.rating is None:
        return '<p id="rating">Predicted rating: not available for this model.</p>'
    return (f'<p id="rating">Predicted rating: <strong>{result.rating:.1f}</strong> / 10 '
            "(pre-release model of the audience rating)</p>")


def _genres(result) -> str:
    if not result.genres:
        return ('<div id="genres"><h3>Genre probabilities</h3><p>Give an overview or a poster '
                "to see genre probabilities.</p></div>")
    rows = "".join(
        f'<tr><td>{escape(g)}</td><td class=num>{p:.0%}</td><td><svg width="120" height="10">'
        f'<rect width="{120 * p:.1f}" height="10" fill="#1565c0"/></svg></td></tr>'
        for g, p in list(result.genres.items())[:8])
    return (f'<div id="genres"><h3>Genre probabilities <small>(from '
            f'{escape(" + ".join(result.genre_sources))})</small></h3><table>{rows}</table></div>')


def _hits(result) -> str:
    hits = result.hits
    if hits is None:
        return '<div id="hits"><h3>Nearest recent hits</h3><p>Not available.</p></div>'
    if hits["copycat"] is None:
        verdict = "not assessed: give at least two keywords"
    else:
        verdict = (f"{'yes' if hits['copycat'] else 'no'} (max similarity "
                   f"{hits['max_similarity']:.2f}, threshold {hits['threshold']:.2f})")
    rows = "".join(
        f"<tr><td>{escape(h['title'])}</td><td>{escape(h['release_date'])}</td>"
        f"<td class=num>{h['similarity']:.2f}</td><td class=num>{_money(h['revenue'])}</td>"
        f"<td>{'franchise' if h['franchise'] else ''}</td></tr>" for h in hits["hits"])
    table = ("<table><tr><th>recent hit</th><th>released</th><th>similarity</th>"
             f"<th>gross (2017 $)</th><th></th></tr>{rows}</table>") if rows else ""
    return (f'<div id="hits"><h3>Nearest recent hits</h3><p>{hits["n_recent_hits"]} hits in the '
            f"{hits['window_days']} days before release. Copycat of a recent hit: "
            f'<span id="copycat">{escape(verdict)}</span></p>{table}</div>')


def render_page(product, values: dict | None = None, *, result=None, poster: dict | None = None,
                error: str | None = None, extra: str = "") -> str:
    """The whole page: the form (refilled with ``values``), an error line or the result.

    ``extra`` is trusted HTML put just before the form (the TMDB box, see ``_tmdb.py``)."""
    n = len(product.comparables) if product.comparables is not None else 0
    body = f'<p class="error" id="error">{escape(error)}</p>' if error else ""
    if result is not None:
        body += _result(result, poster)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>reelcast forecast</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body><h1>reelcast: box-office forecast before release</h1>
<p>Model with {len(product.manifest.get('features', []))} pre-release features; comparables
from {n:,} earlier films. Lists accept commas or "|".</p>
{body}{extra}{_form(values or {})}
<p><a href="/docs">API documentation</a></p></body></html>"""
