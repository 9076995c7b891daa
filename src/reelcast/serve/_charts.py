"""Inline SVG charts of the page (no scripts, scale with the page through ``viewBox``).

* :func:`interval_svg` — the forecast as its 80% and 95% intervals on a log-dollar axis, with
  the budget and the comparable films' grosses marked (numbered as in the comparables table).
* :func:`explanation_svg` — the effect of each input field as a bar on a log axis labelled in
  factors (×0.5, ×1, ×2), so a bar's length is how many times it moves the forecast.
"""

from __future__ import annotations

import math
from html import escape

from ..forecast import money

__all__ = ["explanation_svg", "interval_svg"]

_FONT = 'font-family="system-ui,sans-serif"'


def _short_money(x: float) -> str:
    if x >= 1e9:
        return f"${x / 1e9:g}B"
    if x >= 1e6:
        return f"${x / 1e6:g}M"
    if x >= 1e3:
        return f"${x / 1e3:g}K"
    return f"${x:g}"


def interval_svg(result, width: int = 480) -> str:
    """The forecast, its bands, the budget and the comparables on one log-dollar axis."""
    bands = result.intervals
    comps = [c for c in result.comparables if c.get("revenue")]
    values = [result.revenue_usd] + [c["revenue"] for c in comps]
    values += [b[k] for b in bands.values() for k in ("low", "high") if b.get(k)]
    if result.budget:
        values.append(result.budget)
    values = [v for v in values if v and v > 0 and math.isfinite(v)]
    lo = math.floor(math.log10(min(values)))
    hi = math.ceil(math.log10(max(values)))
    hi = max(hi, lo + 1)
    left, right, top = 20, width - 20, 34
    band_y, band_h = top + 10, 34
    comp_y = band_y + band_h + 30

    def x(v: float) -> float:
        return left + (math.log10(v) - lo) / (hi - lo) * (right - left)

    # comparables with close grosses go on further rows instead of covering each other
    rows: list[float] = []
    placed = []
    for c in sorted(comps, key=lambda c: c["revenue"]):
        cx = x(c["revenue"])
        row = next((r for r, last in enumerate(rows) if cx - last >= 18), len(rows))
        if row < len(rows):
            rows[row] = cx
        else:
            rows.append(cx)
        placed.append((c, cx, comp_y + 20 * row))
    axis_y = comp_y + 20 * max(len(rows), 1) + 6
    height = axis_y + 36

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" class="chart" role="img" aria-label="forecast interval on a log-dollar axis" '
             f'{_FONT} font-size="12">']
    for level, fill in (("95", "#bbdefb"), ("80", "#64b5f6")):
        b = bands.get(level)
        if b and b.get("low") and b.get("high"):
            x0, x1 = x(b["low"]), x(b["high"])
            parts.append(f'<rect class="band band{level}" x="{x0:.1f}" y="{band_y}" '
                         f'width="{max(x1 - x0, 1):.1f}" height="{band_h}" fill="{fill}">'
                         f'<title>{level}% interval: {money(b["low"])} – {money(b["high"])}'
                         '</title></rect>')
    fx = x(result.revenue_usd)
    parts.append(f'<line x1="{fx:.1f}" y1="{band_y - 8}" x2="{fx:.1f}" y2="{band_y + band_h + 4}" '
                 'stroke="#0d47a1" stroke-width="3"/>')
    anchor = "end" if fx > width * 0.7 else "start" if fx < width * 0.3 else "middle"
    parts.append(f'<text x="{fx:.1f}" y="{band_y - 12}" text-anchor="{anchor}" '
                 f'font-weight="bold">forecast {escape(money(result.revenue_usd))}</text>')
    if result.budget:
        bx = x(result.budget)
        parts.append(f'<line x1="{bx:.1f}" y1="{band_y - 4}" x2="{bx:.1f}" y2="{axis_y}" '
                     'stroke="#555" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{bx + 3:.1f}" y="{axis_y - 4}" fill="#555">budget</text>')
    number = {id(c): i for i, c in enumerate(comps, start=1)}
    for c, cx, cy in placed:
        i = number[id(c)]
        parts.append(f'<circle class="comparable" cx="{cx:.1f}" cy="{cy}" r="8" '
                     f'fill="#ef6c00"><title>{i}. {escape(c["title"])}: '
                     f'{escape(money(c["revenue"]))}</title></circle>')
        parts.append(f'<text x="{cx:.1f}" y="{cy + 4}" text-anchor="middle" fill="#fff" '
                     f'font-size="11" font-weight="bold">{i}</text>')
    if comps:
        parts.append(f'<text x="{left}" y="{comp_y - 14}" fill="#ef6c00">comparable films '
                     '(numbers as in the table)</text>')
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#333"/>')
    for p in range(lo, hi + 1):
        tx = x(10.0 ** p)
        parts.append(f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 5}" '
                     'stroke="#333"/>')
        parts.append(f'<text x="{tx:.1f}" y="{axis_y + 18}" text-anchor="middle">'
                     f'{_short_money(10.0 ** p)}</text>')
    parts.append(f'<text x="{(left + right) / 2:.0f}" y="{height - 2}" text-anchor="middle" '
                 'fill="#555">worldwide gross, log scale; dark band 80%, light band 95%</text>')
    parts.append("</svg>")
    return "".join(parts)


def explanation_svg(explanation: dict, width: int = 480) -> str:
    """Bars of the per-field log effects on an axis labelled in factors (green up, red down)."""
    lines = explanation.get("fields", []) if explanation else []
    if not lines:
        return ""
    bar_h, label_w, right_w = 24, 170, 120
    top = 8
    axis_y = top + bar_h * len(lines) + 4
    height = axis_y + 40
    plot_w = width - label_w - right_w
    biggest = max(abs(line["log"]) for line in lines)
    # symmetric axis in powers of two: ×0.5 … ×2, or wider when an effect is larger
    reach = max(1, math.ceil(biggest / math.log(2)))
    span = reach * math.log(2)
    mid = label_w + plot_w / 2

    def x(log: float) -> float:
        return mid + log / span * (plot_w / 2)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" class="chart" role="img" aria-label="effect of each input" {_FONT} font-size="12">']
    every = 1 if reach <= 2 else 2  # a label on every other tick when the axis is wide
    for k in range(-reach, reach + 1):
        tx = x(k * math.log(2))
        label = f"×{2.0 ** k:g}" if k >= 0 else f"×1/{2 ** -k}"
        parts.append(f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{axis_y + 4}" '
                     f'stroke="{"#888" if k == 0 else "#e0e0e0"}"/>')
        if k % every == 0:
            parts.append(f'<text x="{tx:.1f}" y="{axis_y + 17}" text-anchor="middle">{label}'
                         '</text>')
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" '
                 'stroke="#333"/>')
    for i, line in enumerate(lines):
        y = top + i * bar_h
        x0, x1 = sorted((mid, x(line["log"])))
        color = "#2e7d32" if line["log"] >= 0 else "#c62828"
        text = line["value"] if len(line["value"]) <= 24 else line["value"][:22] + "…"
        step = ("+" if line["usd"] >= 0 else "−") + money(abs(line["usd"]))
        parts.append(f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">'
                     f'{escape(text)}<title>{escape(line["value"])}</title></text>')
        parts.append(f'<rect class="effect" x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 1):.1f}" '
                     f'height="{bar_h - 8}" fill="{color}"><title>{escape(line["label"])}: '
                     f'{line["log"]:+.2f} log, ×{line["factor"]:.2f}, {escape(step)}</title>'
                     '</rect>')
        parts.append(f'<text x="{width - 4}" y="{y + 16}" text-anchor="end">'
                     f'×{line["factor"]:.2f} ({escape(step)})</text>')
    parts.append(f'<text x="{mid:.0f}" y="{height - 4}" text-anchor="middle" fill="#555">'
                 'effect on the forecast (× factor, log scale)</text>')
    parts.append("</svg>")
    return "".join(parts)
