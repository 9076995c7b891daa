"""Render a study result (``run_study``) as one self-contained HTML page plus its JSON.

Numbers come only from the result dict; plots are PNGs drawn with matplotlib (Agg) and embedded as
base64, so the page opens offline and can be mailed as a single file.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from .._io import atomic_file, write_json

__all__ = ["render_html", "write_report"]

_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;
padding:3px 7px;text-align:right}th{background:#f3f3f3}img{max-width:100%}
.v{background:#f7f7ff;border-left:4px solid #55c;padding:.5em 1em}"""


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return f'<img src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _table(rows: list[dict], digits: int = 3) -> str:
    if not rows:
        return "<p>(none)</p>"
    cols = list(rows[0])

    def cell(v):
        if isinstance(v, float):
            return f"{v:.{digits}f}"
        return html.escape("" if v is None else str(v))

    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{cell(r.get(c))}</td>" for c in cols) + "</tr>"
                   for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _importance_plot(result: dict) -> str:
    import matplotlib.pyplot as plt

    perm = result["permutation_importance"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3))
    names = [p["group"] for p in perm]
    means = [p["mean"] for p in perm]
    err = [[p["mean"] - p["ci_low"] for p in perm], [p["ci_high"] - p["mean"] for p in perm]]
    axes[0].barh(names, means, xerr=err, color="#5577cc")
    axes[0].set_xlabel("rise in test RMSE when permuted (log revenue)")
    shap = result["shap"]["mean_abs"]
    axes[1].barh(list(shap), list(shap.values()), color="#cc7755")
    axes[1].set_xlabel("mean |SHAP| of the group (log revenue)")
    return _png(fig)


def _effects_plot(result: dict) -> str:
    import matplotlib.pyplot as plt

    effects = result["effects"]
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.5))
    titles = {"flag": "PD: copycat flag", "n_similar": "PD: similar hits (count ≥ τ)",
              "max_sim": "PD: max similarity", "max_sim_ale": "ALE: max similarity",
              "n_similar_ale": "ALE: similar hits", "flag_x_count": "flag effect by count"}
    for ax, (name, title) in zip(axes.ravel(), titles.items(), strict=True):
        curve = effects.get(name)
        ax.set_title(title, fontsize=10)
        if not curve:
            ax.set_axis_off()
            continue
        x = curve["x"]
        ax.fill_between(x, curve["lo"], curve["hi"], alpha=0.3, color="#5577cc")
        ax.plot(x, curve["effect"], marker="o", color="#223388")
        ax.axhline(0, color="#999", lw=0.8)
        ax.set_ylabel("Δ predicted log revenue", fontsize=8)
    fig.tight_layout()
    return _png(fig)


def _sensitivity_plot(result: dict) -> str:
    import matplotlib.pyplot as plt

    rows = result["sensitivity"]
    if not rows:
        return ""
    fig, ax = plt.subplots(figsize=(10, 3.2))
    labels = [f"{r['varied']}: W={r['window_days']} q={r['hit_quantile']} τ={r['threshold']}"
              for r in rows]
    for k, (group, color) in enumerate((("non_franchise", "#5577cc"), ("franchise", "#cc7755"))):
        key = f"{group}_A_copycat_flag"
        ys = [i + 0.15 * (2 * k - 1) for i in range(len(rows))]
        for y, r in zip(ys, rows, strict=True):
            if r.get(key) is not None:
                ax.errorbar(r[key], y, xerr=[[r[key] - r[f"{key}_lo"]], [r[f"{key}_hi"] - r[key]]],
                            fmt="o", color=color, label=group if y == ys[0] else None)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.axvline(0, color="#999", lw=0.8)
    ax.set_xlabel("copycat premium (log revenue, spec A, 95% CI)")
    ax.legend(fontsize=8)
    return _png(fig)


def _robustness_parts(result: dict) -> list[str]:
    rows = result.get("robustness") or []
    if not rows:
        return []
    keep = ("embedding", "similarity", "threshold", "n_films", "copycat_share")
    table = [{k: v for k, v in r.items() if k in keep or k.endswith("n_copycat")
              or "_A_copycat_flag" in k} for r in rows]
    return ["<h2>Similarity measures (τ matched to the same copycat share)</h2>", _table(table)]


def render_html(result: dict, title: str = "reelcast copycat study") -> str:
    """The report page: verdict first, then importance, effects, regressions, sensitivity."""
    data = result["data"]
    verdict_rows = []
    for group, entry in result["verdict"].items():
        for spec in ("A", "B"):
            for term, cell in entry.get(spec, {}).items():
                verdict_rows.append({"films": group, "spec": spec, "term": term, **cell})
    sens_cols = ("varied", "window_days", "hit_quantile", "threshold")
    sens_rows = [{k: v for k, v in r.items() if k in sens_cols or k.endswith("n_copycat")
                  or k.endswith("_A_copycat_flag") or k.endswith("_B_flag_x_extra_similar")
                  or k.endswith("_B_flag_x_sim_above_tau")} for r in result["sensitivity"]]
    params = ", ".join(f"{k}={v}" for k, v in result["index_params"].items())
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{data['n_films']:,} films; {data['n_train']:,} train / {data['n_test']:,} test with "
        f"budget and revenue (temporal split at {result['config']['train_end']}); "
        f"{data['n_verdict']:,} films with revenue and keywords in the regressions. "
        f"CopycatIndex({html.escape(params)}).</p>",
        "<h2>Verdict</h2><div class='v'>" + "".join(f"<p>{html.escape(s)}</p>"
                                                   for s in result["verdict_lines"]) + "</div>",
        "<h2>Importance on the temporal test</h2>", _importance_plot(result),
        _table(result["permutation_importance"], 4),
        "<h3>Drop-group ablation</h3>",
        _table([{k: v for k, v in result["ablation"].items() if k != "dropped"}], 4),
        "<h3>SHAP of the copycat columns (mean |contribution|)</h3>",
        _table([result["shap"]["mean_abs_copycat"]], 4),
        "<h2>Effect curves (bands: 2.5–97.5% over bootstrap refits)</h2>",
        _effects_plot(result),
        "<h2>Regressions (OLS, HC1 robust 95% CI)</h2>", _table(verdict_rows),
        "<h2>Sensitivity over W, q, τ</h2>", _sensitivity_plot(result), _table(sens_rows),
        *_robustness_parts(result),
        "<h2>Test metrics of the study model</h2>", _table([result["test_metrics"]]),
        f"<p>timings (s): {html.escape(str(result['timings_s']))}</p>",
    ]
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")


def write_report(result: dict, out_html: str | Path, out_json: str | Path | None = None) -> Path:
    """Write the HTML page and the JSON of every number (default: ``out_html`` with ``.json``)."""
    import matplotlib

    matplotlib.use("Agg")
    out_html = Path(out_html)
    out_json = Path(out_json) if out_json is not None else out_html.with_suffix(".json")
    page = render_html(result)
    with atomic_file(out_html, "w") as fh:
        fh.write(page)
    write_json(out_json, result)
    return out_json
