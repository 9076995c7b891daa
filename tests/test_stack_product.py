"""``reelcast train --model stack`` saves the P-EL stack beside the forecaster; ``predict``,
``forecast`` and ``serve`` load either kind from the manifest."""

from __future__ import annotations

import functools
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from _tiny_product import tiny_films

from reelcast._errors import ArtifactError
from reelcast.cli import main
from reelcast.evaluation import revenue_films
from reelcast.forecast._one_film import attach_product_files, forecast_film, load_product_model
from reelcast.models.forecaster import ForecasterStack, load_any, model_kind, save_any

# a tiny stack: one layer of two small models, two folds (the presets take minutes)
TINY_STACK = {"models": [["lgbm", {"n_estimators": 20, "num_leaves": 8}],
                         ["lgbm", {"n_estimators": 20, "num_leaves": 4}]],
              "n_folds": 2, "n_layers": 1, "ensemble_iterations": 5}
FILM = ["--title", "Night Harbor", "--release-date", "2017-05-04", "--budget", "90000000",
        "--genres", "Action|Drama"]


def _stack() -> ForecasterStack:
    return ForecasterStack(preset="fast", n_estimators=30, n_jobs=1, pretrain=False,
                           stack_params=TINY_STACK)


@functools.cache
def _stack_dir(root):
    films = tiny_films()
    model = _stack().fit(revenue_films(films), history=films)
    out = save_any(model, root / "stack-model")
    attach_product_files(out, films, posters=False)
    return out


@pytest.fixture(scope="module")
def stack_dir(tmp_path_factory):
    return _stack_dir(tmp_path_factory.mktemp("stack"))


def test_a_stack_directory_round_trips_and_says_what_it_is(stack_dir):
    manifest = json.loads((stack_dir / "manifest.json").read_text())
    assert manifest["model"] == "stack" and model_kind(stack_dir) == "stack"
    assert any(f.startswith("stack/") for f in manifest["files"])
    assert {"intervals.json", "comparables.parquet"} <= set(manifest["files"])
    model = load_any(stack_dir)
    films = tiny_films().tail(20)
    fresh = model.predict(films)
    assert isinstance(model, ForecasterStack) and np.isfinite(fresh).all()
    # the stack's forecast, not the inner forecaster's
    assert not np.allclose(fresh, model.forecaster_.predict(films))


def test_a_tampered_stack_file_is_refused(stack_dir, tmp_path):
    bad = shutil.copytree(stack_dir, tmp_path / "bad")
    victim = next(p for p in (bad / "stack").rglob("*") if p.is_file())
    with open(victim, "ab") as fh:
        fh.write(b" ")
    with pytest.raises(ArtifactError, match="sha256"):
        load_any(bad)


def test_forecast_with_a_stack_adds_up_to_the_stacks_forecast(stack_dir):
    product = load_product_model(stack_dir)
    fc = forecast_film(product, {"title": "X", "release_date": "2017-05-04",
                                 "budget": "90000000", "genres": "Action"})
    stack_log = product.predictor.predict(pd.DataFrame(
        __import__("reelcast.forecast._input", fromlist=["x"]).films_from_records(
            [{"title": "X", "release_date": "2017-05-04", "budget": "90000000",
              "genres": "Action"}])))[0]
    assert fc.log_revenue == pytest.approx(stack_log)
    ex = fc.explanation
    assert ex["fields"][-1]["field"] == "stack"
    assert ex["baseline_log"] + sum(line["log"] for line in ex["fields"]) == pytest.approx(
        fc.log_revenue)
    lo, hi = fc.intervals["80"]["low"], fc.intervals["80"]["high"]
    assert lo < fc.revenue_usd < hi


def test_predict_forecast_and_serve_load_a_stack(stack_dir, tmp_path, capsys):
    csv = tmp_path / "films.csv"
    csv.write_text("title,release_date,budget\nA,2017-05-04,90000000\n")
    assert main(["predict", "--model", str(stack_dir), "--input", str(csv), "--output",
                 str(tmp_path / "out.csv")]) == 0
    predicted = pd.read_csv(tmp_path / "out.csv").loc[0, "forecast_revenue_usd"]
    assert main(["forecast", "--model", str(stack_dir), *FILM[:4], "--budget", "90000000",
                 "--json", str(tmp_path / "fc.json")]) == 0
    assert "stack adjustment" in capsys.readouterr().out
    from fastapi.testclient import TestClient

    from reelcast.serve import create_app

    client = TestClient(create_app(stack_dir))
    res = client.post("/forecast", json={"title": "A", "release_date": "2017-05-04",
                                         "budget": 90000000})
    assert res.status_code == 200
    assert res.json()["revenue_usd"] == pytest.approx(predicted, abs=1_000)


@pytest.mark.parametrize("args, needle", [
    (["--model", "tree"], "--model must be one of forecaster, stack"),
    (["--model", "stack", "--preset", "huge"], "--preset must be one of best, default, fast"),
    (["--model", "forecaster", "--preset", "fast"], "applies to --model stack"),
])
def test_train_refuses_unknown_models_and_presets(tmp_path, capsys, args, needle):
    assert main(["train", "--market", "300", "--out", str(tmp_path / "m"), *args]) == 1
    assert needle in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
