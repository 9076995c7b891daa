"""``reelcast anime train / evaluate / predict``: the anime domain's command group.

``reelcast train|evaluate --domain anime`` run the same commands (``reelcast predict`` reads the
domain from the model's manifest), so scripts written before the group keep working.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from .._errors import InputError

__all__ = ["CutYear", "Head", "Seed", "TextCache", "TextEncoder", "evaluate_anime",
           "is_anime_model", "predict_anime", "register", "train_anime"]

ROUNDS = 600  # default boosting rounds of the anime model

# the anime model's options, also on ``reelcast train|evaluate --domain anime``
TextEncoder = Annotated[str, typer.Option(
    help="The anime model's synopsis encoder: auto|minilm|tfidf|none.")]
Head = Annotated[str, typer.Option(help="The anime model's head: lgbm or mlp.")]
TextCache = Annotated[Path | None, typer.Option(help="The anime model's MiniLM embedding cache.")]
CutYear = Annotated[int, typer.Option(help="Anime: the first year of the test period.")]
Seed = Annotated[int, typer.Option(help="Random seed.")]


def _load_anime(corpus: Path | None, market: int | None, seed: int):
    """The corpus's anime table, or a synthetic anime market of ``market`` titles."""
    from .. import data

    if corpus is not None:
        return data.load_anime(corpus)
    if market is not None:
        return data.make_anime_market(market, seed=seed)
    raise InputError("give --corpus DIR (a built corpus) or --market N (a synthetic market)")


def train_anime(
    out: Annotated[Path, typer.Option("--out", help="Model directory to write.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory (reelcast corpus build).")] = None,
    market: Annotated[int | None, typer.Option(help="Train on a synthetic market of N titles.")] = None,
    until: Annotated[str | None, typer.Option(help="Train only on titles started before DATE.")] = None,
    n_estimators: Annotated[int | None, typer.Option(help="Boosting rounds (default 600).")] = None,
    seed: Seed = 0,
    text: TextEncoder = "auto",
    head: Head = "lgbm",
    text_cache: TextCache = None,
) -> None:
    """Train the anime score model (MAL score from synopsis and pre-release metadata)."""
    from ..anime import train_anime_model

    info = train_anime_model(_load_anime(corpus, market, seed), out, until=until, text=text,
                             head=head, n_estimators=ROUNDS if n_estimators is None else n_estimators,
                             cache_dir=text_cache, random_state=seed)
    typer.echo(f"trained the anime score model on {info['n_train']:,} scored titles "
               f"(synopsis: {info['text_encoder']}); saved to {out}")
    m = info["metrics"]
    if m:
        typer.echo(f"holdout ({m['split']}): MSE {m['mse']:.4f} on (score-1)/9, "
                   f"R² {m['r2']:.3f}, Spearman {m['spearman']:.3f}")


def evaluate_anime(
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory.")] = None,
    market: Annotated[int | None, typer.Option(help="Evaluate on a synthetic market of N titles.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write every number as JSON here.")] = None,
    cut_year: CutYear = 2015,
    random: Annotated[bool, typer.Option(help="Also score a random split (shown beside).")] = False,
    n_estimators: Annotated[int | None, typer.Option(help="Boosting rounds (default 600).")] = None,
    seed: Seed = 0,
    text: TextEncoder = "auto",
    text_cache: TextCache = None,
) -> None:
    """Temporal evaluation of the anime score model beside the training mean."""
    from .._io import write_json
    from ..anime import evaluate_anime_model

    result = evaluate_anime_model(_load_anime(corpus, market, seed), cut_year=cut_year,
                                  random=random, text=text, cache_dir=text_cache,
                                  n_estimators=ROUNDS if n_estimators is None else n_estimators,
                                  random_state=seed)
    for name, split in result.items():
        typer.echo(f"{name} split: {split['split']}; MSE on (score-1)/9")
        for label, m in (("training mean", split["mean"]),
                         (f"anime lgbm ({split['text_encoder']})", split["model"])):
            typer.echo(f"  {label:<24} MSE {m['mse']:.4f}  R² {m['r2']:.3f}  "
                       f"Spearman {m['spearman']:.3f}  MAE {m['mae']:.3f}")
    if out is not None:
        write_json(out, result)
        typer.echo(f"wrote {out}")


def is_anime_model(model: Path) -> bool:
    """Whether the model directory's manifest says ``"domain": "anime"`` (anything unreadable
    goes down the film path, which reports it)."""
    import json

    try:
        return json.loads((Path(model) / "manifest.json").read_text()).get("domain") == "anime"
    except (OSError, ValueError, AttributeError):
        return False


def predict_anime(
    model: Annotated[Path, typer.Option(help="Anime model directory (reelcast anime train).")],
    input: Annotated[Path, typer.Option("--input", help="CSV of titles (see README).")],
    output: Annotated[Path, typer.Option(
        "--output", "--out", help="CSV of predicted scores to write (not the input).")],
) -> None:
    """Predict MAL scores for the titles in a CSV."""
    from .._io import atomic_file
    from ..anime import load_anime_model, read_anime_csv
    from ._forecast import refuse_overwriting_input

    refuse_overwriting_input(output, [input], "--output")
    scorer = load_anime_model(model)
    anime = read_anime_csv(input)
    table = anime[["title", "start_date"]].copy()
    table["start_date"] = table["start_date"].dt.strftime("%Y-%m-%d")
    table["predicted_mal_score"] = np.round(scorer.predict(anime), 3)
    with atomic_file(output, "w") as fh:
        table.to_csv(fh, index=False)
    if len(table) <= 10:
        typer.echo(table.to_string(index=False))
    noun = "score" if len(table) == 1 else "scores"
    typer.echo(f"{len(table):,} predicted MAL {noun}, median "
               f"{table['predicted_mal_score'].median():.2f}; wrote {output}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The anime domain: train, evaluate and use the MAL score model.",
                        no_args_is_help=True)
    group.command("train", epilog="""\b
Example:
  reelcast anime train --corpus artifacts/corpus --out artifacts/anime-model
""")(train_anime)
    group.command("evaluate", epilog="""\b
Example:
  reelcast anime evaluate --corpus artifacts/corpus --out artifacts/anime-eval.json
""")(evaluate_anime)
    group.command("predict", epilog="""\b
Example:
  reelcast anime predict --model artifacts/anime-model --input titles.csv --output scores.csv
""")(predict_anime)
    app.add_typer(group, name="anime")
