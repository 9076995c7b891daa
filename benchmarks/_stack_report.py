"""The Markdown report of ``benchmarks.stack``: numbers in, one table per split out."""

from __future__ import annotations

__all__ = ["PUBLISHED", "markdown"]

# Zhao et al. 2024 (P-EL), Table: R² on their random split of 4,970 Kaggle films (target scale
# not stated); only P-EL also reports MSE 0.193 / MAE 0.346.
PUBLISHED = {
    "CatBoost": 0.662, "XGBoost": 0.638, "LightGBM": 0.633, "RandomForest": 0.621,
    "NeuralNet": 0.608, "stack, no pretraining": 0.707, "stack + pretrain: both": 0.777,
}


def _published(label: str) -> str:
    for key, value in PUBLISHED.items():
        if label == key or label.startswith(key + " ["):
            return f"{value:.3f}"
    return ""


def _table(rows: dict, with_published: bool) -> list[str]:
    head = "| model | R² | log-RMSE | log-MAE | Spearman | within ×2 | fit s |"
    rule = "|---|---|---|---|---|---|---|"
    if with_published:
        head += " P-EL published R² |"
        rule += "---|"
    lines = [head, rule]
    for label, m in rows.items():
        line = (f"| {label} | {m['r2']:.3f} | {m['rmse']:.3f} | {m['mae']:.3f} | "
                f"{m['spearman']:.3f} | {m['within_2x']:.3f} | {m.get('fit_seconds', 0):.0f} |")
        if with_published:
            line += f" {_published(label)} |"
        lines.append(line)
    return lines


def markdown(report: dict) -> str:
    lines = ["## P-EL stack (issue #4)", ""]
    if report.get("quick"):
        lines += ["**Smoke run (`--quick`): subsampled data, not the reference numbers.**", ""]
    lines += [report["protocol"].replace("\n", " "), ""]
    for name, split in report["splits"].items():
        rows = dict(split["rows"])
        ag = report.get("autogluon", {}) if name == "temporal" else {}
        if "rmse" in ag:
            rows["AutoGluon-Tabular best_quality (raw corpus columns)"] = {
                **ag, "fit_seconds": ag["fit_seconds"]}
        lines += [f"### {name} split: {split['n_train']:,} train / {split['n_test']:,} test films, "
                  f"{split['n_rating']:,} rated films for pretraining", ""]
        lines += _table(rows, with_published=True) + [""]
    timings = report.get("timings")
    if timings:
        lines += ["### Presets: fit time (temporal training set) and predict latency", "",
                  "| preset | pretraining | fit runs | median fit s | predict 1 film (ms) | "
                  "predict 10,000 films (s) |", "|---|---|---|---|---|---|"]
        for preset, t in timings.items():
            lines.append(f"| {preset} | {t['pretrain_mode']} | {len(t['fit_seconds'])} | "
                         f"{t['fit_seconds_median']:.0f} | "
                         f"{1000 * t['predict_seconds']['1']:.0f} | "
                         f"{t['predict_seconds']['10000']:.2f} |")
        ag = report.get("autogluon", {})
        if "predict_seconds" in ag:
            n_runs = len(ag.get("fit_seconds_runs", [ag["fit_seconds"]]))
            lines.append(f"| AutoGluon best_quality (time_limit {ag['time_limit']:.0f}s) | — | "
                         f"{n_runs} "
                         f"| {ag['fit_seconds']:.0f} | {1000 * ag['predict_seconds']['1']:.0f} | "
                         f"{ag['predict_seconds']['10000']:.2f} |")
        elif ag:
            lines.append(f"AutoGluon: {ag.get('skipped') or ag.get('error', '')[:300]}")
        lines.append("")
    machine = report.get("machine", {})
    if machine:
        lines += [f"Machine: {machine['cpus']} CPUs shared with other jobs; load average "
                  f"{machine['loadavg_start'][0]:.1f} at start, {machine['loadavg_end'][0]:.1f} at "
                  f"end; total run {machine['total_seconds'] / 60:.0f} min.", ""]
    retimed = report.get("retimed")
    if retimed:
        lines += [f"The {' and '.join(retimed['presets'])} rows of the preset table were re-timed "
                  f"later by `python -m benchmarks.stack --timings-only` (load average "
                  f"{retimed['loadavg_start'][0]:.1f} at start, {retimed['loadavg_end'][0]:.1f} "
                  "at end); " + ("every other fit-time column of the score tables is"
                                 if report.get("best_rerun") else
                                 "the best preset and AutoGluon rows, and every fit-time column "
                                 "of the score tables, are") +
                  " from the full run above, on the loaded machine.", ""]
    rerun = report.get("best_rerun")
    if rerun:
        lines += _rerun_lines(report, rerun)
    return "\n".join(lines) + "\n"


def _rerun_lines(report: dict, rerun: dict) -> list[str]:
    best = report["splits"]["temporal"]["rows"]["reelcast best preset"]
    ag = report.get("autogluon", {})
    fmt = lambda xs: ", ".join(f"{x:.4f}" for x in xs)  # noqa: E731
    lines = [f"The best preset and AutoGluon rows were refit later by `python -m benchmarks.stack "
             f"--best-only` ({rerun['best_repeats']} and {rerun['autogluon_repeats']} runs; load "
             f"average {rerun['loadavg_start'][0]:.1f} at start, {rerun['loadavg_end'][0]:.1f} at "
             f"end; {rerun['total_seconds'] / 60:.0f} min): their fit times are medians, their "
             "scores are from the last run."]
    if "rmse_runs" in best:
        lines[0] += f" Log-RMSE per run: best {fmt(best['rmse_runs'])}"
        if "rmse_runs" in ag:
            lines[0] += f"; AutoGluon {fmt(ag['rmse_runs'])}"
        lines[0] += "."
    if "rmse" in ag:
        margin = 100 * (ag["rmse"] - best["rmse"]) / ag["rmse"]
        lines[0] += f" Margin of best over AutoGluon: {margin:.1f}% log-RMSE."
    return lines + [""]
