"""Every output carries the interval: the trained model's default bands, ``reelcast predict``'s
80%/95% columns and the API's single and batch forecasts."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from _tiny_product import tiny_model_dir

from reelcast.cli import main
from reelcast.forecast import read_manifest
from reelcast.forecast._adaptive import ADAPTIVE_FORMAT
from reelcast.forecast._intervals import DEFAULT_FIELD_SETS, DEFAULT_METHOD
from reelcast.forecast._one_film import INTERVAL_COLUMNS
from reelcast.models.forecaster import add_forecaster_files

NEW = ("title,release_date,budget,genres,cast\n"
       "Sequel Two,2018-06-01,120000000,Action|Adventure,\n"
       "Small Drama,2018-10-05,2000000,Drama,\n"
       "No Budget,2018-11-05,,Comedy,\n")


@pytest.fixture(scope="module")
def model_dir():
    return tiny_model_dir()


def test_trained_model_stores_the_default_adaptive_bands(model_dir):
    data = json.loads((model_dir / "intervals.json").read_text())
    assert data["format"] == ADAPTIVE_FORMAT
    assert data["calibration"]["method"] == DEFAULT_METHOD
    assert data["calibration"]["field_sets"] == list(DEFAULT_FIELD_SETS)
    assert "intervals.json" in read_manifest(model_dir)["files"]


def _predict(model_dir, tmp_path, capsys):
    (tmp_path / "new.csv").write_text(NEW)
    out = tmp_path / "forecasts.csv"
    assert main(["predict", "--model", str(model_dir), "--input", str(tmp_path / "new.csv"),
                 "--output", str(out)]) == 0
    return pd.read_csv(out), capsys.readouterr().err


def test_predict_writes_80_and_95_bounds(model_dir, tmp_path, capsys):
    table, _ = _predict(model_dir, tmp_path, capsys)
    assert list(table.columns[-4:]) == list(INTERVAL_COLUMNS)
    point = table["forecast_revenue_usd"]
    # rounded to $1,000 like the point: allow that much slack at the ends
    assert (table["low_95_usd"] <= table["low_80_usd"] + 1e3).all()
    assert (table["low_80_usd"] <= point + 1e3).all() and (point <= table["high_80_usd"] + 1e3).all()
    assert (table["high_80_usd"] <= table["high_95_usd"] + 1e3).all()
    assert (table["high_80_usd"] > table["low_80_usd"]).all()


def test_predict_without_intervals_leaves_the_columns_empty_and_warns(model_dir, tmp_path, capsys):
    bare = tmp_path / "bare"
    shutil.copytree(model_dir, bare)
    (bare / "intervals.json").unlink()
    manifest = json.loads((bare / "manifest.json").read_text())
    manifest["files"].pop("intervals.json")
    (bare / "manifest.json").write_text(json.dumps(manifest))
    add_forecaster_files(bare, {})
    table, err = _predict(bare, tmp_path, capsys)
    assert table[list(INTERVAL_COLUMNS)].isna().all().all()
    assert "no calibrated intervals" in err


fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from reelcast.serve import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client(model_dir):
    return TestClient(create_app(model_dir))


def _nested(band: dict, revenue: float):
    assert set(band) == {"80", "95"}
    assert band["95"]["low"] <= band["80"]["low"] <= revenue <= band["80"]["high"]
    assert band["80"]["high"] <= band["95"]["high"] and band["80"]["low"] < band["80"]["high"]


def test_api_single_and_batch_return_both_levels(client):
    film = {"title": "Night Harbor", "release_date": "2018-05-04", "budget": 90_000_000,
            "genres": ["Action", "Drama"]}
    single = client.post("/forecast", json=film).json()
    _nested(single["intervals"], single["revenue_usd"])
    res = client.post("/forecast/batch", files={"file": ("films.csv", NEW, "text/csv")})
    assert res.status_code == 200
    rows = res.json()["forecasts"]
    assert len(rows) == 3
    for row in rows:
        _nested(row["intervals"], row["revenue_usd"])


def test_bands_differ_between_films(client):
    """The default band is adaptive: a $150M film and a $1M film do not get one ×-width."""
    widths = []
    for budget in (150_000_000, 1_000_000):
        film = {"title": "T", "release_date": "2018-05-04", "budget": budget, "genres": ["Drama"]}
        band = client.post("/forecast", json=film).json()["intervals"]["80"]
        widths.append(np.log(band["high"] / band["low"]))
    assert abs(widths[0] - widths[1]) > 1e-6
