"""Markdown for ``benchmarks.intervals``: the comparison tables and the issue's goals."""

from __future__ import annotations

from benchmarks._interval_transfer import transfer_markdown

TIERS = ("< $5M", "$5–20M", "$20–60M", "$60–150M", "≥ $150M")


def _rows(records: list[dict]) -> dict[str, dict]:
    return {r["group"]: r for r in records}


def _cell(r: dict | None, width: bool = True) -> str:
    if r is None:
        return "–"
    text = f"{r['cover80']:.1%} / {r['cover95']:.1%}"
    return text + (f" (×{r['median_x80']:,.1f})" if width else "")


def _by(result: dict, key: str, groups, methods, width: bool = True) -> list[str]:
    lines = ["| " + key + " | " + " | ".join(methods) + " |",
             "|---|" + "---:|" * len(methods)]
    tables = {m: _rows(result["methods"][m][key]) for m in methods}
    for g in groups:
        n = next((t[g]["n"] for t in tables.values() if g in t), 0)
        lines.append(f"| {g} ({n:,}) | "
                     + " | ".join(_cell(tables[m].get(g), width) for m in methods) + " |")
    return lines


def worst_gap(rows) -> float:
    """The largest distance of 80% or 95% coverage from nominal over ``rows`` (a fraction)."""
    return max(max(abs(r["cover80"] - 0.8), abs(r["cover95"] - 0.95)) for r in rows)


def _met(met: bool | None) -> str:
    return "–" if met is None else "yes" if met else "**no**"


def goals(result: dict, method: str,
          variant: str = "frozen + recalibration") -> list[tuple[str, bool | None, str]]:
    """The issue's goals for ``method`` (full fields, 2014–2017) on the forecasts of ``variant``
    (a row of the bias table; its R² and RMSE are compared with the unrecalibrated forecasts'):
    (goal, met, measured); met is ``None`` where the goal compares nothing."""
    m = result["methods"][method]
    overall = m["overall"][0]
    tiers, years = _rows(m["tier"]), _rows(m["year"])
    known = [t for t in TIERS if t in tiers]
    big = [tiers[t]["median_x80"] for t in ("$60–150M", "≥ $150M") if t in tiers]
    bias = result["bias"][variant]
    before = result["bias"]["frozen history (today)"]
    out = []
    gap = worst_gap([overall])
    out.append(("coverage within ±3 points overall (80% and 95%)", gap <= 0.03,
                f"{overall['cover80']:.1%} / {overall['cover95']:.1%}"))
    g_t = worst_gap([tiers[t] for t in known])
    out.append(("coverage within ±5 points in every budget tier", g_t <= 0.05,
                f"worst gap {100 * g_t:.1f} points"))
    g_y = worst_gap(years.values())
    out.append(("coverage within ±5 points in every year", g_y <= 0.05,
                f"worst gap {100 * g_y:.1f} points"))
    out.append(("median 80% width ≤ ×25 overall", overall["median_x80"] <= 25,
                f"×{overall['median_x80']:,.1f}"))
    out.append(("median 80% width ≤ ×5 for budget ≥ $60M", bool(big) and max(big) <= 5,
                " / ".join(f"×{b:,.1f}" for b in big)))
    worst_bias = max(abs(v["mean_residual"]) for v in bias["by_tier"].values())
    out.append(("mean residual within ±0.15 log in every budget tier", worst_bias <= 0.15,
                f"worst {worst_bias:.2f}"))
    if bias is before:  # nothing was applied to the forecasts: no before and after
        out.append(("R² and log-RMSE no worse than before", None,
                    f"nothing applied: R² {bias['r2']:.3f}, RMSE {bias['rmse']:.3f}"))
        return out
    ok = bias["r2"] >= before["r2"] - 1e-9 and bias["rmse"] <= before["rmse"] + 1e-9
    out.append(("R² and log-RMSE no worse than before", ok,
                f"R² {before['r2']:.3f} → {bias['r2']:.3f}, RMSE {before['rmse']:.3f} → "
                f"{bias['rmse']:.3f}"))
    return out


def _transfer_verdict(result: dict) -> str:
    """Which designs meet the bias goal (every tier within ±0.15) on each window pair."""
    parts = []
    for pair, entry in result["transfer"].items():
        met = [d for d, sc in entry["designs"].items()
               if max(abs(v) for v in sc["by_tier"].values()) <= 0.15]
        parts.append(f"{pair}: {', '.join(met) if met else 'none'}")
    return ("Designs with every tier within ±0.15 — " + "; ".join(parts) + ". A correction is "
            "only worth shipping where it holds on both pairs; the reported recalibration stays "
            "the tier shifts, and the bias goal is judged on it.")


def markdown(result: dict) -> str:
    s = result["setup"]
    default = s["default_method"]
    params = ", ".join(f"{k}={v!r}" for k, v in s["forecaster_params"].items()) or "defaults"
    lines = ["## Intervals a producer can use: adaptive conformal bands and recalibration "
             "(issue #17)", "",
             f"`python -m benchmarks.intervals --corpus {s['corpus']}"
             + (f" --field-dropout {s['forecaster_params']['field_dropout']}"
                if "field_dropout" in s["forecaster_params"] else "")
             + f"`. BoxOfficeForecaster ({params}) trained before 2012 forecasts the "
             f"{s['n_calib']:,} calibration films of 2012–2013; trained before 2014 it forecasts "
             f"the {s['n_test']:,} test films of 2014–2017 (as-of history frozen at the cut-off, "
             "as in the evaluation report). Calibration uses the 2012–2013 films under every "
             f"field set ({', '.join(s['calibration_field_sets'])}) unless a row says otherwise. "
             "Cells are measured coverage at 80% / 95% with the median 80% ×-width "
             "(exp(upper − lower)) in brackets. CQR's quantile boosters train on the training "
             "films' features as they are (no field-set copies), so its rows do not depend on "
             "the forecaster's `field_dropout`.", "",
             "### Bias: mean residual by budget tier on 2014–2017 (actual − forecast, log)", ""]
    names = list(result["bias"])
    lines += ["| budget tier | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for t in TIERS:
        cells = [result["bias"][n]["by_tier"].get(t) for n in names]
        lines.append(f"| {t} | " + " | ".join("–" if c is None else f"{c['mean_residual']:+.2f}"
                                              for c in cells) + " |")
    for key, label in (("mean_residual", "all films"), ("r2", "R²"), ("rmse", "log-RMSE"),
                       ("mae", "log-MAE")):
        fmt = "{:+.2f}" if key == "mean_residual" else "{:.3f}"
        lines.append(f"| {label} | " + " | ".join(fmt.format(result['bias'][n][key])
                                                  for n in names) + " |")
    years = sorted(result["bias"][names[0]]["by_year_budget_20m_plus"])
    for name in ("frozen history (today)", "live history"):
        cells = result["bias"][name]["by_year_budget_20m_plus"]
        lines.append(f"| budget ≥ $20M by year, {name} | "
                     + ", ".join(f"{y}: {cells[y]:+.2f}" for y in years)
                     + " |" + " |" * (len(names) - 1))
    shifts = result["shifts"]["frozen"]["shifts_log"]
    frozen_top = result["bias"]["frozen history (today)"]["by_tier"]["≥ $150M"]["mean_residual"]
    live_top = result["bias"]["live history"]["by_tier"]["≥ $150M"]["mean_residual"]
    lines += ["", "Recalibration shifts learned on 2012–2013 (log): "
              + ", ".join(f"{k} {v:+.2f}" for k, v in shifts.items()) + ".", "",
              "Cause. The under-forecast of larger films grows with the distance from the "
              "training cut-off (the by-year rows): the trees hold every later year at the last "
              "training years' level while the revenue-to-budget ratio of films above $60M kept "
              "rising through 2014–2017 (mean log revenue/budget of films ≥ $150M: 0.61–1.03 "
              "a year in 2010–2013, 1.13–1.32 in 2014–2017 in the corpus). Inflation explains little: US CPI rose "
              "1.6–5.1% (0.02–0.05 log) from 2013 to the test years. Freezing the as-of history "
              "at the cut-off (the evaluation report's protocol) adds to it: with each film's "
              "live history (every film released before it, as a deployed model would refresh "
              f"with `update_history`) the mean residual of films ≥ $150M goes from "
              f"{frozen_top:+.2f} to {live_top:+.2f}. The recalibration learns one shift per "
              "budget tier from the calibration model's out-of-time residuals on 2012–2013 "
              "(`ForecastRecalibration`): it removes only the miss that was already visible "
              "then; where a tier's 2012–2013 miss differs from its 2014–2017 one (compare the "
              "shifts with the first column) it can make that tier worse.", ""]
    if result.get("transfer"):
        lines += transfer_markdown(result["transfer"], TIERS) + ["", _transfer_verdict(result), ""]
    else:
        lines += ["The transfer table (a second window pair) was not computed: this run rescored "
                  "cached forecasts without `--early-frames`.", ""]
    lines += ["### Methods on 2014–2017, every field of the test films", "",
              "| method | 80% coverage | 95% coverage | Winkler 80% | Winkler 95% | "
              "median ×-width 80% | median ×-width 95% |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, m in result["methods"].items():
        o = m["overall"][0]
        lines.append(f"| {name} | {o['cover80']:.1%} | {o['cover95']:.1%} | "
                     f"{o['winkler80']:.2f} | {o['winkler95']:.2f} | ×{o['median_x80']:,.1f} | "
                     f"×{o['median_x95']:,.1f} |")
    methods = [m for m in result["methods"] if "," not in m]
    lines += ["", "### Per budget tier (full fields)", ""]
    lines += _by(result, "tier", [*TIERS, "unknown budget"], methods)
    years = sorted({r["group"] for r in result["methods"][default]["year"]})
    lines += ["", "### Per year (full fields)", ""] + _by(result, "year", years, methods, False)
    lines += ["", "### Per language (full fields)", ""]
    lines += _by(result, "lang", ["English", "other"], methods)
    lines += ["", "### Per field set of the test films (scenario; no_budget: every field but the budget)", ""]
    lines += _by(result, "scenario", ["full", "form", "core", "minimal", "no_budget"], methods)
    shipped = f"{default}, no recalibration"
    lines += ["", f"### The issue's goals for the default (`{default}`)", "",
              "After the tier recalibration studied above, and as `reelcast train` ships it (no "
              "recalibration of the point forecast; the bands calibrated on the same "
              "unrecalibrated forecasts):", ""]
    if shipped in result["methods"]:
        lines += ["| goal | after recalibration: met | measured | as shipped: met | measured |",
                  "|---|---|---|---|---|"]
        pairs = zip(goals(result, default),
                    goals(result, shipped, "frozen history (today)"), strict=True)
        for (goal, met, measured), (_, met_s, measured_s) in pairs:
            lines.append(f"| {goal} | {_met(met)} | {measured} | {_met(met_s)} | {measured_s} |")
    else:  # a result written before the unrecalibrated rows existed
        lines += ["| goal | met | measured |", "|---|---|---|"]
        for goal, met, measured in goals(result, default):
            lines.append(f"| {goal} | {_met(met)} | {measured} |")
    what = ("scoring only: the forecasts came from a `--frames` cache built beforehand by the "
            "same code" if s.get("cached_frames") else "forecasts and scoring")
    lines += ["", f"Wall time {s['seconds'] / 60:.1f} min ({what}), measured on a shared 2-core "
              f"machine (load {' '.join(s['load'] or [])})."]
    return "\n".join(lines) + "\n"
