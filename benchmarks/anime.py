"""Benchmark of the anime popularity model on the real MyAnimeList table (issue #6 item 4).

Run: ``python -m benchmarks.anime [--corpus DIR] [--cache DIR] [--cut-year 2015] [--quick]``.
Writes ``benchmarks/results/anime.json`` and ``benchmarks/results/anime.md`` (``--render-only``
rewrites the markdown from the JSON). MiniLM embeddings are cached under ``--cache``: the first
run encodes the ~11k scored synopses (tens of minutes on a busy 2-core CPU), later runs read them.

Target: the MAL weighted score of every scored title; MSE on ``(score - 1) / 9`` (a fixed map, see
``reelcast.anime._evaluation``), R², Pearson, Spearman. Two protocols:

* temporal (the honest one): train on titles that started before 1 January ``--cut-year``, test
  on those that started on or after it (start date, else the year);
* random 80/20 (seed 0), the protocol of the published study (RESEARCH §5), for comparison.

Rows: the training mean; TF-IDF + ridge on the synopsis (the paper's baseline was TF-IDF + raw
pixels; there are no anime images here); MiniLM text only (LightGBM and the dense net);
pre-release tabular features only; TF-IDF-SVD + tabular; MiniLM + tabular with a LightGBM head
(text as one out-of-fold ridge score, the default, or as the 384 raw columns) and with the dense
net (fusion ``concat`` over three seeds, and ``gmu``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from reelcast.anime import (
    AnimePopularityModel,
    anime_dates,
    anime_metrics,
    random_split,
    scored_titles,
    temporal_split,
)

RESULTS = Path(__file__).parent / "results"
PUBLISHED = {"mse": 0.011, "r2": 0.142, "spearman": 0.36, "baseline_mse": 0.41, "n_titles": 7784}


def _tfidf_ridge(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """TF-IDF (word 1–2-grams) + ridge on the synopsis; alpha picked on the latest 10% of train."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import Ridge

    def docs(frame):
        return frame["synopsis"].fillna("").astype(str).tolist()

    order = np.argsort(anime_dates(train).fillna(pd.Timestamp.min).to_numpy(), kind="stable")
    n_val = len(order) // 10
    fit, val = train.iloc[order[:-n_val]], train.iloc[order[-n_val:]]
    best = None
    for alpha in (0.3, 1.0, 3.0, 10.0, 30.0):
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=50_000,
                              sublinear_tf=True, stop_words="english")
        ridge = Ridge(alpha=alpha).fit(vec.fit_transform(docs(fit)), fit["score"])
        mse = float(np.mean((ridge.predict(vec.transform(docs(val))) - val["score"]) ** 2))
        best = min(best or (mse, alpha), (mse, alpha))
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=50_000, sublinear_tf=True,
                          stop_words="english")
    ridge = Ridge(alpha=best[1]).fit(vec.fit_transform(docs(train)), train["score"])
    return np.clip(ridge.predict(vec.transform(docs(test))), 1, 10)


def _rows(args) -> list[tuple[str, str, dict | None, list[int]]]:
    """(name, inputs, model params or None for a special baseline, seeds)."""
    cache = {"cache_dir": args.cache, "text": "minilm"}
    mlp_seeds = [0] if args.quick else [0, 1, 2]
    return [
        ("mean of training scores", "none", None, [0]),
        ("TF-IDF + ridge (paper's baseline, no pixels)", "synopsis", None, [0]),
        ("MiniLM text only, LightGBM (384 raw columns)", "synopsis",
         {**cache, "use_tabular": False, "text_summary": "raw"}, [0]),
        ("MiniLM text only, dense net (paper-like)", "synopsis",
         {**cache, "use_tabular": False, "head": "mlp"}, mlp_seeds),
        ("tabular only, LightGBM", "metadata", {"text": "none"}, [0]),
        ("TF-IDF-SVD + tabular, LightGBM", "synopsis + metadata", {"text": "tfidf"}, [0]),
        ("MiniLM + tabular, LightGBM (text as one ridge score)", "synopsis + metadata", cache,
         [0]),
        ("MiniLM + tabular, LightGBM (384 raw columns)", "synopsis + metadata",
         {**cache, "text_summary": "raw"}, [0]),
        ("MiniLM + tabular, dense net, concat", "synopsis + metadata",
         {**cache, "head": "mlp"}, mlp_seeds),
        ("MiniLM + tabular, dense net, gmu", "synopsis + metadata",
         {**cache, "head": "mlp", "fusion": "gmu"}, [0]),
    ]


def _run_split(name: str, anime: pd.DataFrame, train: np.ndarray, test: np.ndarray,
               rows, n_estimators: int) -> list[dict]:
    tr, te = anime[train], anime[test]
    out = []
    for label, inputs, params, seeds in rows:
        runs, start = [], time.perf_counter()
        for seed in seeds:
            if params is None and label.startswith("mean"):
                pred = np.full(len(te), tr["score"].mean())
            elif params is None:
                pred = _tfidf_ridge(tr, te)
            else:
                model = AnimePopularityModel(**params, n_estimators=n_estimators,
                                             random_state=seed).fit(tr)
                pred = model.predict(te)
            runs.append(anime_metrics(te["score"], pred))
        seconds = time.perf_counter() - start
        row = {"split": name, "model": label, "inputs": inputs, "seeds": seeds,
               "seconds": round(seconds, 1),
               **{k: statistics.mean(r[k] for r in runs) for k in ("mse", "rmse", "mae", "r2",
                                                                     "pearson", "spearman")}}
        if len(runs) > 1:
            row.update({f"{k}_sd": statistics.stdev(r[k] for r in runs)
                        for k in ("mse", "r2", "spearman")})
        out.append(row)
        print(f"[{name}] {label}: MSE {row['mse']:.4f} R² {row['r2']:.3f} "
              f"Spearman {row['spearman']:.3f} ({seconds:.0f}s)", flush=True)
    return out


def _cell(row: dict, key: str, digits: int) -> str:
    sd = row.get(f"{key}_sd")
    if not np.isfinite(row[key]):
        return "–"  # Pearson/Spearman of a constant prediction
    return f"{row[key]:.{digits}f}" + (f" ± {sd:.{digits}f}" if sd is not None else "")


def _markdown(result: dict) -> str:
    info = result["data"]
    lines = [
        "## Anime popularity: MAL score from synopsis + pre-release metadata (issue #6, item 4)",
        "",
        f"Data: {info['n_titles']:,} MyAnimeList titles, {info['n_scored']:,} with a score "
        f"(the target); {info['n_undated']} scored titles without any date are left out of the "
        f"temporal split. Temporal split: train start < {info['cut_year']} "
        f"({info['temporal_train']:,} titles), test ≥ {info['cut_year']} "
        f"({info['temporal_test']:,}). Random split: 80/20, seed 0 "
        f"({info['random_train']:,} / {info['random_test']:,}).",
        "",
        "MSE is on the [0, 1] score `(score − 1) / 9` (fixed MAL range, not min–max over the data; "
        "min–max over our scores, 1.85–9.19, would multiply each MSE by ≈1.5). MAE is in score "
        "points. **There are no anime images in our data**: every row is text and/or metadata "
        "only, whereas the published model used GPT-2 text + ResNet-50 image embeddings and its "
        "baseline was TF-IDF + raw pixels. MiniLM = offline all-MiniLM-L6-v2 synopsis embedding. "
        "`members` (post-release popularity) is never an input. ± is the sd over seeds.",
        "",
    ]
    for split in ("temporal", "random"):
        lines += [f"### {split.capitalize()} split", "",
                  "| model | inputs | MSE (0–1) | R² | Pearson | Spearman | MAE | seconds |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in (r for r in result["rows"] if r["split"] == split):
            lines.append(f"| {r['model']} | {r['inputs']} | {_cell(r, 'mse', 4)} | "
                         f"{_cell(r, 'r2', 3)} | {_cell(r, 'pearson', 3)} | {_cell(r, 'spearman', 3)} | "
                         f"{r['mae']:.3f} | {r['seconds']} |")
        if split == "random":
            p = PUBLISHED
            lines.append(f"| published (Armenta-Segura & Sidorov), random split, "
                         f"{p['n_titles']:,} titles | GPT-2 text + ResNet-50 images | "
                         f"{p['mse']} | {p['r2']} | – | {p['spearman']} | – | – |")
            lines.append(f"| published baseline | TF-IDF + raw pixels | {p['baseline_mse']} | "
                         "– | – | – | – | – |")
        lines.append("")
    lines += [f"Wall time of the whole benchmark: {result['wall_seconds']:.0f} s "
              f"(CPU, 1 thread, shared machine). Command: `{result['command']}`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="artifacts/corpus")
    parser.add_argument("--cache", default="artifacts/text_cache")
    parser.add_argument("--cut-year", type=int, default=2015)
    parser.add_argument("--n-estimators", type=int, default=600)
    parser.add_argument("--quick", action="store_true", help="one seed per net; no random split")
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite anime.md from the saved anime.json; train nothing")
    args = parser.parse_args(argv)
    if args.render_only:
        from reelcast._io import atomic_file

        result = json.loads((RESULTS / "anime.json").read_text())
        with atomic_file(RESULTS / "anime.md", "w") as fh:
            fh.write(_markdown(result))
        return result
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    from reelcast.data import load_anime

    torch.set_num_threads(1)
    start = time.perf_counter()
    every = load_anime(args.corpus)
    anime = scored_titles(every).reset_index(drop=True)
    train, test = temporal_split(anime, args.cut_year)
    r_train, r_test = random_split(len(anime), 0.2, seed=0)
    rows = _rows(args)
    results = _run_split("temporal", anime, train, test, rows, args.n_estimators)
    if not args.quick:
        results += _run_split("random", anime, r_train, r_test, rows, args.n_estimators)
    result = {
        "data": {"n_titles": len(every), "n_scored": len(anime), "cut_year": args.cut_year,
                 "temporal_train": int(train.sum()), "temporal_test": int(test.sum()),
                 "n_undated": int(len(anime) - train.sum() - test.sum()),
                 "random_train": int(r_train.sum()), "random_test": int(r_test.sum()),
                 "score_scale": "(score - 1) / 9"},
        "published": PUBLISHED, "rows": results,
        "wall_seconds": time.perf_counter() - start,
        "command": "python -m benchmarks.anime" + (" --quick" if args.quick else ""),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    from reelcast._io import atomic_file, write_json

    write_json(RESULTS / "anime.json", result)
    with atomic_file(RESULTS / "anime.md", "w") as fh:
        fh.write(_markdown(result))
    print(json.dumps(result["data"]), f"wall {result['wall_seconds']:.0f}s", flush=True)
    return result


if __name__ == "__main__":
    main()
