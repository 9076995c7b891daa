"""The single HTML page: a plain form (works without JavaScript) and a server-rendered result.

Every user-supplied string is HTML-escaped; the charts are inline SVG, no scripts. The page works
from 390 px wide (one column, tables scroll inside their own box) to a desktop.
"""

from __future__ import annotations

from html import escape

from ..forecast import FIELD_LABELS, describe_left_out, money
from ._charts import explanation_svg, interval_svg
from ._form import PAGE_FIELDS, form_html, form_to_record, query_string

__all__ = ["explanation_svg", "form_to_record", "query_string", "render_page"]

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:1040px;margin:1.5em auto;padding:0 1em;color:#222}
form,.grid{display:grid;grid-template-columns:11em minmax(0,1fr);gap:.5em 1em;align-items:start}
details.more{grid-column:1/-1}details.more summary{cursor:pointer;margin:.3em 0 .6em}
input[type=text],input[type=date],textarea{width:100%;padding:.35em;font:inherit}
fieldset{border:1px solid #ccc;margin:0;display:flex;flex-wrap:wrap;gap:.2em .8em}
fieldset label{min-width:9.5em}button{grid-column:2;padding:.5em 2em;font-size:1.05em}
.error{color:#b00020;font-weight:bold}.note{color:#8a4b00}.kept{margin:.3em 0;font-size:.9em}
.big{font-size:2em;font-weight:bold;margin:.1em 0}.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:.6em 0}td,th{border-bottom:1px solid #ddd;
padding:.25em .6em;text-align:left;vertical-align:top}.num{text-align:right;white-space:nowrap}
.cols{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:1.5em}
aside{background:#f6f6f6;padding:.6em 1em;border-radius:6px}aside dl{margin:0}
aside dt{font-weight:bold;font-size:.85em;color:#555}aside dd{margin:0 0 .4em 0;
overflow-wrap:anywhere}svg{max-width:100%;height:auto}svg.chart{max-width:600px;display:block}#share{overflow-wrap:anywhere}
@media (max-width:700px){form,.grid,.cols{grid-template-columns:minmax(0,1fr)}
button{grid-column:1}fieldset label{min-width:8em}.big{font-size:1.6em}}
"""


def _inputs(values: dict, poster: dict | None) -> str:
    """The inputs beside the result, so a screenshot or a shared link says what was forecast."""
    rows = []
    for f in PAGE_FIELDS:
        value = str(values.get(f.name) or "").strip()
        if value:
            rows.append(f"<dt>{escape(f.label)}</dt><dd>{escape(value)}</dd>")
        if f.name == "budget" and not value:
            rows.append("<dt>Budget</dt><dd>not given</dd>")
        if f.name == "release_date":
            genres = (values.get("genres") or "").replace("|", ", ")
            rows.append(f"<dt>Genres</dt><dd>{escape(genres) or 'not given'}</dd>")
    if poster:
        rows.append(f"<dt>Poster</dt><dd>{escape(poster['format'])} {poster['width']}×"
                    f"{poster['height']} px</dd>")
    return f'<aside id="inputs"><h3>Inputs</h3><dl>{"".join(rows)}</dl></aside>'


def _fields(result) -> str:
    used = ", ".join(FIELD_LABELS.get(f, f) for f in result.fields_used)
    if not result.left_out:
        left = "<p>Every field was given.</p>"
    elif not result.effects_available:
        left = ("<p>Left out: " + escape(", ".join(d["label"] for d in result.left_out))
                + ". (This model has no measured field effects; a retrained model shows how much "
                "each would typically move the forecast.)</p>")
    else:
        items = "".join(f"<li>{escape(describe_left_out(d))}</li>" for d in result.left_out[:6])
        left = f"<p>Important fields left out:</p><ul>{items}</ul>"
    return (f'<div id="fields"><h3>Fields</h3><p>Used: {escape(used)}.</p>{left}</div>')


def _comparables(result) -> str:
    rows = "".join(
        f"<tr><td class=num>{i}</td><td>{escape(c['title'])}</td><td>{escape(c['release_date'])}"
        f"</td><td class=num>{money(c['budget'])}</td><td class=num>{money(c['revenue'])}</td>"
        f"<td>{escape(c['genres'].replace('|', ', '))}</td></tr>"
        for i, c in enumerate(result.comparables, start=1))
    if not rows:
        return ""
    return ('<h3>Most similar earlier films</h3><div class="scroll"><table id="comparables">'
            "<tr><th>#</th><th>film</th><th>released</th><th>budget</th><th>worldwide gross</th>"
            f"<th>genres</th></tr>{rows}</table></div>")


def _result(result, values: dict, poster: dict | None, share: str) -> str:
    bands = "".join(f"<li>{escape(level)}% interval: {money(b['low'])} – {money(b['high'])}</li>"
                    for level, b in result.intervals.items())
    poster_line = (f"<p>Poster: {escape(poster['format'])} {poster['width']}×{poster['height']} "
                   "px, checked and used.</p>") if poster else ""
    notes = "".join(f"<p class=note>Note: {escape(w)}</p>" for w in result.warnings)
    ex = result.explanation
    chart = interval_svg(result) if result.intervals or result.comparables else ""
    return f"""
<section id="result">
<h2>{escape(result.title)} <small>({escape(result.release_date)})</small></h2>
<div class="cols"><div>
<p>Forecast worldwide gross</p><p class="big" id="forecast">{money(result.revenue_usd)}</p>
<div id="interval"><ul id="intervals">{bands}</ul>{chart}</div>{poster_line}{notes}
<p id="share">Link to this forecast: <a href="/?{escape(share)}">/?{escape(share[:60])}…</a></p>
</div>{_inputs(values, poster)}</div>
{_rating(result)}
<div id="explanation">
<h3>Why: the effect of each input</h3>
<p>From a typical film ({money(ex.get('baseline_usd'))}) to this forecast
({money(ex.get('forecast_usd'))}): each bar multiplies the forecast by its factor (TreeSHAP,
summed per input field); the dollar steps add up to the forecast.</p>
{explanation_svg(ex)}
{_explanation_table(ex)}
</div>
{_fields(result)}
{_comparables(result)}
{_genres(result)}
{_hits(result)}
</section>"""


def _explanation_table(ex: dict) -> str:
    """The chart's numbers in full: each input's value, factor and dollar step."""
    if not ex:
        return ""
    rows = "".join(
        f"<tr><td>{escape(line['label'])}</td><td>{escape(line['value'])}</td>"
        f"<td class=num>{line['log']:+.2f}</td><td class=num>×{line['factor']:.2f}</td>"
        f"<td class=num>{'+' if line['usd'] >= 0 else '−'}{money(abs(line['usd']))}</td></tr>"
        for line in ex["fields"])
    return ('<details><summary>The numbers</summary><div class="scroll"><table>'
            "<tr><th>input</th><th>this film</th><th>log</th><th>factor</th><th>$ step</th></tr>"
            f"<tr><td>typical film</td><td></td><td class=num>{ex['baseline_log']:.2f}</td><td></td>"
            f"<td class=num>{money(ex['baseline_usd'])}</td></tr>{rows}"
            f"<tr><th>forecast</th><td></td><td class=num>{ex['forecast_log']:.2f}</td><td></td>"
            f"<th class=num>{money(ex['forecast_usd'])}</th></tr></table></div></details>")


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
        f"<td class=num>{h['similarity']:.2f}</td><td class=num>{money(h['revenue'])}</td>"
        f"<td>{'franchise' if h['franchise'] else ''}</td></tr>" for h in hits["hits"])
    table = ('<div class="scroll"><table><tr><th>recent hit</th><th>released</th>'
             f"<th>similarity</th><th>gross (2017 $)</th><th></th></tr>{rows}</table></div>"
             ) if rows else ""
    n = hits["n_recent_hits"]
    return (f'<div id="hits"><h3>Nearest recent hits</h3><p>{n} {"hit" if n == 1 else "hits"} '
            f"in the {hits['window_days']} days before release. Copycat of a recent hit: "
            f'<span id="copycat">{escape(verdict)}</span></p>{table}</div>')


def render_page(product, values: dict | None = None, *, result=None, poster: dict | None = None,
                error: str | None = None, extra: str = "") -> str:
    """The whole page: an error line or the result, then the form (refilled with ``values``).

    ``poster`` is the kept poster's info (``id``, ``format``, ``width``, ``height``). ``extra``
    is trusted HTML put just before the form (the TMDB box, see ``_tmdb.py``).
    """
    values = values or {}
    n = len(product.comparables) if product.comparables is not None else 0
    body = f'<p class="error" id="error">{escape(error)}</p>' if error else ""
    if result is not None:
        share = query_string(values, poster["id"] if poster else None)
        body += _result(result, values, poster, share)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>reelcast forecast</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body><h1>reelcast: box-office forecast before release</h1>
<p>Model with {len(product.manifest.get('features', []))} pre-release features; comparables
from {n:,} earlier films. Only title and release date are required; every field you add
sharpens the forecast. Lists accept commas or "|".</p>
{body}{extra}{form_html(values, poster)}
<p>API: <code>POST /forecast</code> (JSON), <code>POST /forecast/batch</code> (CSV),
<code>POST /forecast/poster</code>; the OpenAPI document is at
<a href="/openapi.json">/openapi.json</a>.</p></body></html>"""
