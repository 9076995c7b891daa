"""Benchmark of the multimodal revenue network and poster-grounded keyword pretraining (issue #6).

Run: ``python -m benchmarks.multimodal [--seeds 3] [--quick]``. Writes
``benchmarks/results/multimodal.json`` and ``benchmarks/results/multimodal.md``.

Protocol. Films with budget and revenue (``revenue_films``); target natural-log worldwide
revenue; temporal split train < 2014-01-01, test 2014–2017. Blocks are computed once and looked
up per film (``PrecomputedEncoder``): the as-of ``PreReleaseFeatures`` table (history = every
film, each film only sees earlier ones; keyword topics fit on the training films), handcrafted
``PosterFeatures`` (35-d, cached), MiniLM overview embeddings (384-d, cached). Grounding
pretraining: ``KeywordGrounding`` on every corpus film with a poster released before 2014 (not
only films with revenue), keyword/cast/director bags → standardised poster features, one
pretraining per seed. Variants × seeds: from-scratch vs grounded (fine-tuned, frozen), each
modality ablated; stacking: the network's time-ordered out-of-fold prediction as one more
LightGBM feature of the forecaster (``NetworkStackedForecaster``), beside the plain forecaster.

``--visual effnet-lite0`` (issue #19) reruns the grounding comparison with the ImageNet
EfficientNet-Lite0 poster embedding (1,280-d, cached) as both the grounding target and the
network's poster block: grounding pretraining and the paired scratch/grounded variants per seed,
saved beside the earlier rows under ``pretrained_visual`` (no stacking).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402

from benchmarks import corpus_label  # noqa: E402
from reelcast.data import log_revenue  # noqa: E402
from reelcast.evaluation import regression_metrics, revenue_films, temporal_split  # noqa: E402
from reelcast.models.multimodal import (  # noqa: E402
    KeywordGrounding,
    MultimodalRevenueRegressor,
    NetworkStackedForecaster,
    PrecomputedEncoder,
)

RESULTS = Path(__file__).parent / "results"
TRAIN_END, TEST_END = "2014-01-01", "2018-01-01"
PUBLISHED_GROUNDING_GAIN = 14.5  # % lower error, Chao, Kim, Li 2025 (RESEARCH §2)
ALL = ("tabular", "keywords", "poster", "text")


def _variants(quick: bool, grounding_only: bool = False) -> dict[str, dict]:
    without = {m: tuple(x for x in ALL if x != m) for m in ALL}
    variants = {
        "all modalities, scratch": {"modalities": ALL},
        "all modalities, grounded (fine-tuned)": {"modalities": ALL, "grounded": True},
        "all modalities, grounded (frozen)": {"modalities": ALL, "grounded": True,
                                              "freeze_embeddings": True},
        "no tabular, scratch": {"modalities": without["tabular"]},
        "no tabular, grounded (fine-tuned)": {"modalities": without["tabular"], "grounded": True},
        "no keywords/talent bags": {"modalities": without["keywords"]},
        "no poster": {"modalities": without["poster"]},
        "no overview": {"modalities": without["text"]},
        "tabular only": {"modalities": ("tabular",)},
    }
    if quick:
        keep = ("all modalities, scratch", "all modalities, grounded (fine-tuned)", "no poster")
        variants = {k: variants[k] for k in keep}
    elif grounding_only:
        variants = {k: v for k, v in variants.items() if "scratch" in k or "grounded" in k}
    return variants


def _blocks(films, rev, train, args):
    from reelcast.features import PreReleaseFeatures
    from reelcast.text import MiniLMEncoder
    from reelcast.vision import PosterFeatures

    timings = {}
    start = time.perf_counter()
    with_poster = films[films["poster_file"].notna()]
    if args.visual == "effnet-lite0":
        from reelcast.vision import PretrainedPosterEncoder

        encoder = PretrainedPosterEncoder(root=args.data, cache_dir=args.cache, show_progress=True)
    else:
        encoder = PosterFeatures(root=args.data, cache_dir=args.cache, show_progress=True)
    visual = encoder.fit(with_poster).transform(with_poster)
    visual.index = with_poster["film_id"].to_numpy()
    timings[f"poster {args.visual} (cached)"] = time.perf_counter() - start
    start = time.perf_counter()
    text = MiniLMEncoder(cache_dir=args.cache, show_progress=True).fit().transform(rev)
    text.index = rev["film_id"].to_numpy()
    timings["MiniLM overviews (cached)"] = time.perf_counter() - start
    start = time.perf_counter()
    tab = PreReleaseFeatures(keyword_topics=16).fit(films, topic_films=train).transform(rev)
    cats = [c for c in tab.columns if isinstance(tab[c].dtype, pd.CategoricalDtype)]
    tab = pd.get_dummies(tab, columns=cats, dtype=float).astype(float)
    tab.index = rev["film_id"].to_numpy()
    timings["as-of feature table"] = time.perf_counter() - start
    return visual, text.dropna(how="all"), tab, timings


def _mean_std(values) -> tuple[float, float]:
    values = [float(v) for v in values]
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def _pm(values, digits=3) -> str:
    mean, std = _mean_std(values)
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("REELCAST_DATA", "../shared/data"))
    parser.add_argument("--corpus", default="artifacts/corpus")
    parser.add_argument("--cache", default="artifacts/poster_cache")
    parser.add_argument("--out", default="artifacts/multimodal", help="saved groundings")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="1 seed, 3 variants, 20 epochs, 3 stacking folds")
    parser.add_argument("--max-seconds", type=float, default=90.0, help="budget per network")
    parser.add_argument("--skip-stack", action="store_true")
    parser.add_argument("--embedding-components", type=int, default=8,
                        help="principal components of the film embedding stacked (0: none)")
    parser.add_argument("--visual", default="features", choices=("features", "effnet-lite0"),
                        help="poster vector: handcrafted features, or the ImageNet Lite0 "
                        "embedding (grounding comparison only, saved beside the earlier rows)")
    args = parser.parse_args(argv)
    pretrained = args.visual == "effnet-lite0"
    if pretrained:
        args.skip_stack = True
    torch.set_num_threads(1)
    from reelcast.data import load_corpus
    from reelcast.forecast import BoxOfficeForecaster

    wall = time.perf_counter()
    seeds = list(range(1 if args.quick else args.seeds))
    max_epochs = 20 if args.quick else 60
    films = load_corpus(args.corpus)
    rev = revenue_films(films)
    train, test = temporal_split(rev, TRAIN_END, TEST_END)
    y_test = log_revenue(test)
    visual, text, tab, timings = _blocks(films, rev, train, args)
    encoders = dict(tabular_encoder=PrecomputedEncoder(tab), poster_encoder=PrecomputedEncoder(visual),
                    text_encoder=PrecomputedEncoder(text))
    coverage = {"train": len(train), "test": len(test),
                "test_with_poster": int(test["film_id"].isin(visual.index).sum()),
                "test_with_overview": int(test["film_id"].isin(text.index).sum())}

    # -- grounding pretraining, one per seed -----------------------------------------------
    pre = films[films["film_id"].isin(visual.index)]
    pre_visual = visual.loc[pre["film_id"]].to_numpy()
    later = (pd.to_datetime(pre["release_date"]) >= TRAIN_END).to_numpy()
    groundings, grounding_rows = {}, []
    for seed in seeds:
        start = time.perf_counter()
        g = KeywordGrounding(cutoff=TRAIN_END, seed=seed, max_epochs=max_epochs,
                             max_seconds=args.max_seconds).fit(pre, pre_visual)
        seconds = time.perf_counter() - start
        g.save(Path(args.out) / f"grounding-seed{seed}")
        groundings[seed] = g
        grounding_rows.append({
            "seed": seed, "n_pretrain": g.n_pretrain_, "vocabulary": len(g.vocabulary_),
            "best_val_mse": g.train_result_.best_val_loss, "epochs": g.train_result_.epochs_run,
            "r2_after_cutoff": g.score(pre.loc[later], pre_visual[later]), "seconds": seconds})
        print(grounding_rows[-1], flush=True)

    # -- variants x seeds ------------------------------------------------------------------
    runs = []
    for name, spec in _variants(args.quick, grounding_only=pretrained).items():
        for seed in seeds:
            params = {k: v for k, v in spec.items() if k != "grounded"}
            net = MultimodalRevenueRegressor(**params, **encoders, seed=seed, max_epochs=max_epochs,
                                             max_seconds=args.max_seconds,
                                             grounding=groundings[seed] if spec.get("grounded") else None)
            start = time.perf_counter()
            net.fit(train)
            seconds = time.perf_counter() - start
            pred = net.predict(test)
            m = regression_metrics(y_test, pred)
            runs.append({"variant": name, "seed": seed, "r2": m["r2"], "rmse": m["rmse"],
                         "mae": m["mae"], "seconds": seconds,
                         "epochs": net.train_result_.epochs_run,
                         "grounded_tokens": net.n_grounded_tokens_})
            print(runs[-1], flush=True)

    # -- grounding effect: paired by seed ---------------------------------------------------
    def _score(variant, seed, metric):
        return next(r[metric] for r in runs if r["variant"] == variant and r["seed"] == seed)

    pairs = [("all modalities, scratch", "all modalities, grounded (fine-tuned)"),
             ("all modalities, scratch", "all modalities, grounded (frozen)"),
             ("no tabular, scratch", "no tabular, grounded (fine-tuned)")]
    names = {r["variant"] for r in runs}
    effects = []
    for base, grounded in pairs:
        if base in names and grounded in names:
            row = {"scratch": base, "grounded": grounded}
            for metric in ("rmse", "mae"):
                row[metric] = [100 * (_score(grounded, s, metric) - _score(base, s, metric))
                               / _score(base, s, metric) for s in seeds]
            effects.append(row)

    # -- stacking --------------------------------------------------------------------------
    stack = []
    if not args.skip_stack:
        start = time.perf_counter()
        plain = BoxOfficeForecaster(n_jobs=1).fit(train, history=films)
        plain_pred = plain.predict(test)
        stack.append({"model": "forecaster (LightGBM + as-of history)", "seed": 0,
                      **regression_metrics(y_test, plain_pred), "seconds": time.perf_counter() - start})
        stacked_nets = {"full network (all modalities, grounded)": ALL,
                        "content network (keywords, poster, overview; grounded)":
                            ("keywords", "poster", "text")}
        for seed in seeds:
            for label, modalities in stacked_nets.items():
                net = MultimodalRevenueRegressor(**encoders, modalities=modalities, seed=seed,
                                                 max_epochs=max_epochs, max_seconds=args.max_seconds,
                                                 grounding=groundings[seed])
                start = time.perf_counter()
                stacked = NetworkStackedForecaster(BoxOfficeForecaster(n_jobs=1), net,
                                                   n_folds=3 if args.quick else 5)
                stacked.fit(train, history=films)
                stack.append({"model": f"forecaster + OOF of {label}", "seed": seed,
                              **regression_metrics(y_test, stacked.predict(test)),
                              "seconds": time.perf_counter() - start,
                              "oof_coverage": float(np.isfinite(stacked.oof_).mean())})
                if modalities == ALL:
                    stack.append({"model": f"mean of forecaster and {label}", "seed": seed,
                                  **regression_metrics(y_test, 0.5 * (
                                      plain_pred + stacked.network_.predict(test)))})
                print(stack[-1], flush=True)
                k = args.embedding_components
                if modalities == ALL and k:
                    start = time.perf_counter()
                    embedded = NetworkStackedForecaster(
                        BoxOfficeForecaster(n_jobs=1), net, n_folds=3 if args.quick else 5,
                        embedding_components=k).fit(train, history=films)
                    stack.append({"model": f"forecaster + OOF + {k} film-embedding PCs of {label}",
                                  "seed": seed, **regression_metrics(y_test, embedded.predict(test)),
                                  "seconds": time.perf_counter() - start})
                    print(stack[-1], flush=True)

    result = {"protocol": {"train_end": TRAIN_END, "test_end": TEST_END, **coverage,
                           "seeds": seeds, "max_epochs": max_epochs, "quick": args.quick,
                           "stack_folds": 3 if args.quick else 5,
                           "text": "MiniLM-L6-v2 (384-d)", "poster": "PosterFeatures (35-d)",
                           "corpus": str(args.corpus)},
              "block_seconds": timings, "grounding": grounding_rows, "runs": runs,
              "grounding_effect_pct": effects, "stacking": stack,
              "wall_seconds": time.perf_counter() - wall}
    RESULTS.mkdir(exist_ok=True)
    if pretrained:  # beside the earlier rows: the handcrafted-feature run stays as it was
        section = {**result, "protocol": {**result["protocol"],
                                          "poster": "ImageNet EfficientNet-Lite0 (1,280-d)"}}
        result = json.loads((RESULTS / "multimodal.json").read_text())
        result["pretrained_visual"] = section
    (RESULTS / "multimodal.json").write_text(json.dumps(result, indent=2, default=float))
    text_md = _markdown(result)
    (RESULTS / "multimodal.md").write_text(text_md)
    print(text_md)
    return 0


def _markdown(result) -> str:
    p = result["protocol"]
    lines = [
        "## Multimodal revenue network and poster-grounded keywords (issue #6)",
        "",
        f"Temporal split: train < {p['train_end']} ({p['train']:,} films), test "
        f"[{p['train_end']}, {p['test_end']}) ({p['test']:,} films with budget and revenue; "
        f"{p['test_with_poster']:,} with a poster, {p['test_with_overview']:,} with an overview). "
        f"Natural-log worldwide revenue; seeds {p['seeds']}; mean ± std over seeds. Poster: "
        f"{p['poster']}; overview: {p['text']}; tabular: PreReleaseFeatures + NaN indicators. "
        f"Corpus: {corpus_label(p.get('corpus'))}.",
        "",
        "### Grounding pretraining (keyword/cast/director bag → poster features)",
    ]
    lines += _grounding_tables(result)
    if result["stacking"]:
        lines += ["", "### Stacking into the forecaster (temporal test; time-ordered "
                  f"{p.get('stack_folds', 5)}-fold OOF)",
                  "", "| model | seeds | R² | log-RMSE | log-MAE |", "|---|---|---|---|---|"]
        for name in dict.fromkeys(r["model"] for r in result["stacking"]):
            rows = [r for r in result["stacking"] if r["model"] == name]
            lines.append(f"| {name} | {len(rows)} | {_pm([r['r2'] for r in rows], 4)} | "
                         f"{_pm([r['rmse'] for r in rows], 4)} | {_pm([r['mae'] for r in rows], 4)} |")
        lines += ["", "The film embedding is the fused representation before the network's head, "
                  "from one network trained on the earliest 30% of the training films (each "
                  "fold's network has its own hidden basis, so fold-wise embeddings are not "
                  "comparable); those earliest films get no embedding, every later film one from "
                  "that same network, reduced to its principal components."]
    lines += ["", f"Wall time {result['wall_seconds'] / 60:.1f} min (1 thread)."]
    if "pretrained_visual" in result:
        lines += _pretrained_markdown(result["pretrained_visual"])
    return "\n".join(lines) + "\n"


def _grounding_tables(result) -> list[str]:
    lines = [
        "",
        "| seed | films | vocabulary | best val MSE (std. units) | R² on films ≥ 2014 | epochs | s |",
        "|---|---|---|---|---|---|---|",
    ]
    for g in result["grounding"]:
        lines.append(f"| {g['seed']} | {g['n_pretrain']:,} | {g['vocabulary']:,} | "
                     f"{g['best_val_mse']:.3f} | {g['r2_after_cutoff']:.3f} | {g['epochs']} | "
                     f"{g['seconds']:.0f} |")
    lines += ["", "### Variants (temporal test)", "",
              "| variant | R² | log-RMSE | log-MAE | fit s |", "|---|---|---|---|---|"]
    variants = list(dict.fromkeys(r["variant"] for r in result["runs"]))
    for v in variants:
        rows = [r for r in result["runs"] if r["variant"] == v]
        lines.append(f"| {v} | {_pm([r['r2'] for r in rows])} | {_pm([r['rmse'] for r in rows])} | "
                     f"{_pm([r['mae'] for r in rows])} | "
                     f"{statistics.fmean(r['seconds'] for r in rows):.0f} |")
    lines += ["", "### Error change from grounding (paired by seed; negative = grounding helps)", "",
              "| scratch → grounded | Δ log-RMSE % | Δ log-MAE % | published |",
              "|---|---|---|---|"]
    for e in result["grounding_effect_pct"]:
        lines.append(f"| {e['scratch']} → {e['grounded']} | {_pm(e['rmse'], 2)} | "
                     f"{_pm(e['mae'], 2)} | −{PUBLISHED_GROUNDING_GAIN}% error |")
    return lines


def _verdict(effects) -> str:
    """Plain words: does grounding help (both errors lower by more than their sd across seeds)?"""
    parts = []
    for e in effects:
        (r, rs), (m, ms) = _mean_std(e["rmse"]), _mean_std(e["mae"])
        helps = r < 0 and m < 0 and -r > rs and -m > ms
        hurts = r > 0 and m > 0 and r > rs and m > ms
        word = ("helps" if helps else "hurts" if hurts else "makes no difference beyond seed noise")
        parts.append(f"{e['scratch']} → {e['grounded']}: grounding {word} "
                     f"(log-RMSE {r:+.2f}%, log-MAE {m:+.2f}%)")
    return ("; ".join(parts) + f". The published gain is −{PUBLISHED_GROUNDING_GAIN}%.") if parts else ""


def _pretrained_markdown(section) -> list[str]:
    p = section["protocol"]
    return ["", "## Grounding in a pretrained eye: ImageNet EfficientNet-Lite0 poster target (issue #19)",
            "", "`python -m benchmarks.multimodal --visual effnet-lite0`: the same split, seeds "
            f"{p['seeds']} and networks as above, with the poster vector = the 1,280-d ImageNet "
            "EfficientNet-Lite0 embedding (224 px, cached) as the grounding target **and** as the "
            f"network's poster block; no stacking. Corpus: {corpus_label(p.get('corpus'))}.",
            "", "### Grounding pretraining (keyword/cast/director bag → Lite0 embedding)",
            *_grounding_tables(section), "", "**Verdict:** " + _verdict(section["grounding_effect_pct"]),
            "", f"Wall time {section['wall_seconds'] / 60:.1f} min (1 thread)."]


if __name__ == "__main__":
    raise SystemExit(main())
