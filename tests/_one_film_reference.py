"""Forecasts of a fixed set of films from the tiny product model, as JSON on stdout.

Run by ``tests/test_one_film.py`` twice: with this tree's sources and with the sources of the
revision before the one-film speed-ups (``git archive``), so that both sides train the same tiny
model from the seeded synthetic market and answer the same films. It uses only names that exist
in both revisions.

    PYTHONPATH=<src> python tests/_one_film_reference.py > out.json
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from pathlib import Path

import numpy as np


def poster_image(seed: int):
    from PIL import Image

    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, (300, 200, 3), dtype=np.uint8)
    pixels[40:120, 30:170] = (230, 40, 40)  # a flat block: some structure for the features
    return Image.fromarray(pixels)


def records(films) -> list[tuple[dict, int | None]]:
    """(record, poster seed or None): every optional field somewhere, names the history knows."""
    known = films.iloc[100]
    franchise = films.loc[films["collection"].notna()].iloc[0]
    return [
        ({"title": "Night Harbor", "release_date": "2018-05-04", "budget": 90_000_000,
          "genres": ["Action", "Drama"], "cast": ["Tom Hanks"], "directors": ["Ron Howard"],
          "keywords": ["sequel"], "overview": "A harbor pilot finds a stolen ship at night."}, None),
        ({"title": "Bare Minimum", "release_date": "2016-02-29"}, None),
        ({"title": "Everything Given", "release_date": "2017-11-17", "budget": "$35,000,000",
          "runtime": 112, "original_language": "fr", "certification": "PG-13",
          "genres": "Comedy|Romance", "keywords": "paris|wedding|family",
          "cast": "Ann Example|Bob Example|Cy Example|Dee Example", "directors": ["Eve Example"],
          "writers": ["Fay Example"], "companies": ["Example Films"],
          "collection": "Example Saga", "overview": "Two families plan one wedding in Paris.",
          "tagline": "One wedding. Two families.", "distributor": "Disney",
          "story_source": "Original Screenplay", "creative_type": "Contemporary Fiction",
          "production_method": "Live Action", "opening_theaters": 3100}, None),
        ({"title": "Far Future 2", "release_date": "2031-06-01", "budget": 250_000_000,
          "genres": ["Science Fiction"]}, None),
        ({"title": "Early Days", "release_date": "1995-03-03", "budget": 1_000_000,
          "genres": ["Horror"], "certification": "FSK 16"}, None),
        ({"title": "With A Poster", "release_date": "2018-09-14", "budget": 20_000_000,
          "genres": ["Thriller"], "overview": "A detective follows a stolen painting."}, 1),
        ({"title": "Poster Only Overview None", "release_date": "2018-10-05", "runtime": 95}, 2),
        ({"title": str(known["title"]) + " Returns", "release_date": "2018-06-22",
          "budget": float(known["budget"]) if known["budget"] > 0 else 40_000_000,
          "genres": list(known["genres"]), "cast": list(known["cast"]),
          "directors": list(known["directors"]), "keywords": list(known["keywords"]),
          "companies": list(known["companies"])}, None),
        ({"title": str(franchise["title"]) + " II", "release_date": "2018-12-21",
          "budget": 120_000_000, "collection": str(franchise["collection"]),
          "keywords": list(franchise["keywords"]), "genres": list(franchise["genres"])}, None),
    ]


def _plain(value):
    """JSON-ready values: NaN → None, numpy scalars → Python."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def outputs(product, films) -> dict:
    """The forecasts, the batch answer and a feature table of ``product`` (JSON-ready)."""
    from reelcast.forecast._input import films_from_records
    from reelcast.forecast._one_film import forecast_batch, forecast_film

    cases = records(films)
    forecasts = [forecast_film(product, rec, poster_image=None if seed is None
                               else poster_image(seed)).to_dict() for rec, seed in cases]
    batch = forecast_batch(product, films_from_records([rec for rec, _ in cases]))
    X = product.forecaster.transform(films.iloc[::5])
    # categorical levels as strings; _plain turns NaN into None
    features = {str(c): (X[c].astype(object) if str(X[c].dtype) == "category"
                         else X[c]).tolist() for c in X.columns}
    return _plain({"forecasts": forecasts, "batch": batch, "features": features})


def main() -> int:
    from reelcast.data import make_market
    from reelcast.evaluation import revenue_films
    from reelcast.forecast import BoxOfficeForecaster, save_forecaster
    from reelcast.forecast._one_film import attach_product_files, load_product_model

    films = make_market(1500, seed=11)  # the tiny product model of tests/_tiny_product.py
    films.attrs = {}
    with tempfile.TemporaryDirectory() as tmp:
        model = BoxOfficeForecaster(n_estimators=30, num_leaves=8, n_jobs=1).fit(
            revenue_films(films), history=films)
        out = save_forecaster(model, Path(tmp) / "model")
        attach_product_files(out, films)
        json.dump(outputs(load_product_model(out), films), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
