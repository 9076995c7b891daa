"""``reelcast forecast`` and ``reelcast calibrate`` through the CLI entry point."""

from __future__ import annotations

import json

import pytest
from _tiny_product import SEED, tiny_films, tiny_forecaster, tiny_model_dir

from reelcast.cli import main
from reelcast.evaluation import revenue_films
from reelcast.forecast import save_forecaster


@pytest.fixture(scope="module")
def model_dir():
    return tiny_model_dir()


_FLAGS = ["--title", "Night Harbor", "--release-date", "2018-05-04", "--budget", "90000000",
          "--genres", "Action|Drama", "--cast", "A One|B Two", "--directors", "C Three"]


def test_forecast_prints_and_writes_json(model_dir, tmp_path, capsys):
    out = tmp_path / "fc.json"
    assert main(["forecast", "--model", str(model_dir), *_FLAGS, "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Night Harbor" in text and "80% interval" in text and "95% interval" in text
    data = json.loads(out.read_text())
    assert data["title"] == "Night Harbor" and len(data["comparables"]) == 5
    lo80, hi80 = data["intervals"]["80"]["low"], data["intervals"]["80"]["high"]
    lo95, hi95 = data["intervals"]["95"]["low"], data["intervals"]["95"]["high"]
    assert lo95 < lo80 < data["revenue_usd"] < hi80 < hi95
    assert not [w for w in data["warnings"] if w.startswith("model has no")]


def test_forecast_shows_rating_genres_and_hits(model_dir, tmp_path, capsys):
    from PIL import Image

    poster = tmp_path / "p.png"
    Image.new("RGB", (120, 180), (10, 120, 200)).save(poster)
    out = tmp_path / "fc.json"
    assert main(["forecast", "--model", str(model_dir), *_FLAGS, "--overview",
                 "Two detectives chase a killer through the city.", "--keywords",
                 "murder|detective|city", "--poster", str(poster), "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "predicted rating:" in text and "genre probabilities (from overview)" in text
    assert "copycat of a recent hit:" in text and "poster skipped" in text
    data = json.loads(out.read_text())
    assert 0 <= data["rating"] <= 10 and data["genres"] and data["hits"]["hits"]


def test_an_unreadable_poster_flag_is_one_line(model_dir, tmp_path, capsys):
    bad = tmp_path / "p.png"
    bad.write_bytes(b"not an image")
    assert main(["forecast", "--model", str(model_dir), *_FLAGS, "--poster", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "poster" in err and "\n" not in err


def test_forecast_from_a_json_file_with_flag_override(model_dir, tmp_path, capsys):
    film = tmp_path / "film.json"
    film.write_text(json.dumps({"title": "From File", "release_date": "2018-01-05",
                                "budget": 5_000_000, "genres": ["Horror"]}))
    out = tmp_path / "fc.json"
    assert main(["forecast", "--model", str(model_dir), "--film", str(film), "--budget",
                 "7000000", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["title"] == "From File" and data["budget"] == 7_000_000


@pytest.mark.parametrize("extra, needle", [
    (["--release-date", "2018-13-40"], "release_date"),
    (["--release-date", "next summer"], "release_date"),
    (["--genres", "Action|Spaghetti"], "Spaghetti"),
    (["--budget", "-5"], "budget"),
    (["--budget", "lots"], "budget"),
    (["--language", "english"], "original_language"),
])
def test_bad_flags_give_one_line_errors(model_dir, capsys, extra, needle):
    args = ["forecast", "--model", str(model_dir), "--title", "T", "--release-date",
            "2018-05-04", *extra]
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and needle in err and "\n" not in err


@pytest.mark.parametrize("content, needle", [
    ("[1, 2]", "one JSON object"),
    ("{not json", "not valid JSON"),
    ('{"title": "x", "release_date": "2018-01-01", "poster": "/etc/passwd"}', "poster"),
])
def test_bad_film_file(model_dir, tmp_path, capsys, content, needle):
    film = tmp_path / "film.json"
    film.write_text(content)
    assert main(["forecast", "--model", str(model_dir), "--film", str(film)]) == 1
    assert needle in capsys.readouterr().err


def test_missing_and_tampered_models_are_refused(model_dir, tmp_path, capsys):
    assert main(["forecast", "--model", str(tmp_path / "nope"), *_FLAGS]) == 1
    assert "manifest" in capsys.readouterr().err
    import shutil

    bad = shutil.copytree(model_dir, tmp_path / "bad")
    with open(bad / "comparables.parquet", "ab") as fh:
        fh.write(b"x")
    assert main(["forecast", "--model", str(bad), *_FLAGS]) == 1
    assert "comparables.parquet" in capsys.readouterr().err


def test_calibrate_adds_intervals_to_a_trained_model(tmp_path, capsys):
    films = tiny_films()
    model = tiny_forecaster(n_estimators=20).fit(revenue_films(films))
    out = save_forecaster(model, tmp_path / "m")
    assert main(["forecast", "--model", str(out), *_FLAGS]) == 0
    assert "no calibrated intervals" in capsys.readouterr().out
    assert main(["calibrate", "--model", str(out), "--market", "1500", "--seed", str(SEED)]) == 0
    assert "calibrated on" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"intervals.json", "comparables.parquet"} <= set(manifest["files"])


def test_forecast_json_never_overwrites_the_film_file(model_dir, tmp_path, capsys):
    film = tmp_path / "film.json"
    film.write_text(json.dumps({"title": "T", "release_date": "2018-01-05"}))
    before = film.read_text()
    assert main(["forecast", "--model", str(model_dir), "--film", str(film), "--json",
                 str(film)]) == 1
    assert "is an input file of this command" in capsys.readouterr().err
    assert film.read_text() == before


def test_a_misspelled_film_json_key_is_refused(model_dir, tmp_path, capsys):
    film = tmp_path / "film.json"
    film.write_text(json.dumps({"title": "T", "release_date": "2018-01-05", "budjet": 5}))
    assert main(["forecast", "--model", str(model_dir), "--film", str(film)]) == 1
    err = capsys.readouterr().err.strip()
    assert "'budjet' (did you mean 'budget'?)" in err and "\n" not in err
