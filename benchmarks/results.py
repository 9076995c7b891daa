"""Assemble ``benchmarks/RESULTS.md`` from the sections each benchmark command writes.

Run: ``python -m benchmarks.results``. Each benchmark (``python -m benchmarks.<name>``) writes
``benchmarks/results/<name>.md`` and ``.json``; this joins the markdown sections in a fixed order
under a header that names the published figures reelcast is measured against.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
ORDER = ("forecaster", "beyond", "seeds", "report", "intervals", "calibration_window", "stack",
         "posters", "multimodal", "anime", "copycat", "serve", "latency", "load", "scaling", "fuzz")

HEADER = """# reelcast results

Every table below was produced by the command named in its section, on the public tables in
`../shared/data`, on the 2-core CPU machine this project is developed on (no GPU). Box-office
metrics are on natural-log worldwide revenue with a temporal split (train < 2014, test 2014–2017)
unless a section says otherwise; random-split numbers appear only beside temporal ones.

Corpus versions: every section that reads the corpus was run on corpus v2 (the seven added tables,
people as entities, the label audit: issue #16) and names it. The poster throughput tables and
the Lite0 embedding pass read posters only and hold earlier runs. The anime table is the same in
both corpora (`anime.parquet` compared equal), so the anime section stands for v2 too.

Forecaster versions: the current default trains on field-set copies that also hold every named
set with one more field (issue #15's near sets), per-set regressors that also serve films giving up
to two fields beyond their set, a regressor of every field that also learns random subsets of each
film's fields (`subset_copies`), regressors for the `producer` set (every field but the distributor
and The Numbers' taxonomy) and the `metadata` set (core plus certification, cast, directors,
companies, collection), and constrains every regressor so that a larger budget never lowers the
forecast (`monotone_budget`). The forecaster, beyond-the-named-sets, seeds, report, interval and
calibration-window sections were run on it (the forecaster and seeds sections score the default
without the budget constraint beside it); the latency, serving and load sections on a model of the
same default before the budget constraint, trained on every film. The other sections that fit the
forecaster (stack, the poster and multimodal rows built on it) were run before the near sets, on
named-set copies only (`full` R² 0.743 against 0.729–0.737 in the forecaster section).

Published reference points (from `../shared/RESEARCH.md`):

| approach | published figure | protocol |
|---|---|---|
| P-EL stacked ensemble (Zhao et al. 2024) | R² 0.777, MSE 0.193, MAE 0.346 (no pretraining: R² 0.707) | random split, target scale not stated |
| Visually grounded keywords (Chao et al. 2025) | 14.5% lower error with grounding | not public |
| Poster-only ResNet-50 regressor | MSE 0.2399 (log10), 17.8% within ±25%, 35.6% within ±50%, 57.8% median acc. | random split, revenue > $10M |
| Poster + overview genre classifier | per-label accuracy 0.8755, AUC 0.822; MM-IMDb GMU macro-F1 ≈ 0.54 | held-out split |
| Anime popularity (Armenta-Segura & Sidorov) | MSE 0.011, R² 0.142, Spearman 0.36 | random split, [0,1]-scaled score |
| The Movies Dataset, GBM + leakage-safe talent history | log-MAE 1.389, log-RMSE 1.918 | train < 2015, test ≥ 2015 |
| TMDB, XGBoost + CLIP poster + MPNet synopsis | R² 0.675; ensemble R² 0.678, log-RMSE 1.711 | chronological split |

"""


def main() -> int:
    sections = []
    for name in ORDER:
        path = HERE / "results" / f"{name}.md"
        if path.exists():
            sections.append(path.read_text().strip() + "\n")
    missing = [n for n in ORDER if not (HERE / "results" / f"{n}.md").exists()]
    text = HEADER + "\n".join(sections)
    if missing:
        text += ("\n## Not yet measured\n\nNo committed results yet for: " + ", ".join(missing)
                 + ".\n")
    (HERE / "RESULTS.md").write_text(text)
    print(f"wrote {HERE / 'RESULTS.md'} ({len(sections)} sections)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
