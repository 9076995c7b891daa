"""``reelcast genres`` and ``reelcast posters …`` through the CLI entry point."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from reelcast.cli import main
from reelcast.models.genre import GenreClassifier


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    from reelcast.data import make_market

    tmp = tmp_path_factory.mktemp("genre-cli")
    films = make_market(40, seed=5, poster_dir=tmp / "posters", poster_size=(40, 60))
    clf = GenreClassifier(text="lstm", image="features", fusion="gmu", min_label_count=2,
                          max_epochs=1, max_len=24).fit(films)
    return clf.save(tmp / "model"), films


def test_genres_prints_probabilities(model_dir, capsys):
    path, films = model_dir
    poster = films["poster_file"].iloc[0]
    assert main(["genres", "--model", str(path), "--poster", poster,
                 "--overview", "A detective hunts a killer."]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    probs = [float(line.split()[-1]) for line in lines]
    assert len(lines) == len(GenreClassifier.load(path).labels_)
    assert probs == sorted(probs, reverse=True) and all(0 <= p <= 1 for p in probs)


def test_genres_json_top(model_dir, capsys):
    path, films = model_dir
    assert main(["genres", "--model", str(path), "--poster", films["poster_file"].iloc[1],
                 "--overview", "Two friends fall in love.", "--json", "-", "--top", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--overview", "x"], "give --poster"),
        (["--poster", "{poster}"], "give --overview"),
        (["--poster", "{bad}", "--overview", "x"], "bad.jpg"),
        (["--poster", "{missing}", "--overview", "x"], "not found"),
    ],
)
def test_genres_errors_are_one_line(model_dir, tmp_path, capsys, args, message):
    path, films = model_dir
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    subst = {"poster": films["poster_file"].iloc[0], "bad": str(bad),
             "missing": str(tmp_path / "none.jpg")}
    args = [a.format(**subst) for a in args]
    assert main(["genres", "--model", str(path), *args]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and message in err and len(err.splitlines()) == 1


def test_genres_bad_model_dir(tmp_path, capsys):
    assert main(["genres", "--model", str(tmp_path), "--overview", "x"]) == 1
    assert "neither a forecaster directory" in capsys.readouterr().err


def test_posters_features(model_dir, tmp_path, monkeypatch, capsys):
    _, films = model_dir
    import reelcast.data as data

    monkeypatch.setattr(data, "load_corpus", lambda corpus: films.head(5), raising=False)
    out = tmp_path / "features.parquet"
    assert main(["posters", "features", "--corpus", str(tmp_path), "--data", str(tmp_path),
                 "--out", str(out), "--no-progress"]) == 0
    table = pd.read_parquet(out)
    assert len(table) == 5 and table.columns[0] == "film_id"
    assert "poster_colourfulness" in table.columns
    assert "5 films" in capsys.readouterr().out


def test_posters_features_needs_a_data_folder(tmp_path, monkeypatch, capsys):
    import reelcast.data as data

    monkeypatch.setattr(data, "load_corpus", lambda corpus: pd.DataFrame(), raising=False)
    assert main(["posters", "features", "--corpus", str(tmp_path), "--out",
                 str(tmp_path / "f.parquet")]) == 1
    assert "give --data" in capsys.readouterr().err


def test_train_genres_on_a_market(tmp_path, capsys):
    out = tmp_path / "model"
    assert main(["posters", "train-genres", "--market", "30", "--out", str(out), "--text", "lstm",
                 "--image", "none", "--max-epochs", "1", "--min-label-count", "2",
                 "--no-progress"]) == 0
    assert "saved to" in capsys.readouterr().out
    assert GenreClassifier.load(out).image is None
    assert main(["posters", "train-genres", "--out", str(out)]) == 1


def test_genres_reads_a_forecaster_directory(tmp_path, capsys):
    """``reelcast genres --model DIR`` works with the directory ``reelcast train`` writes."""
    from _tiny_product import tiny_model_dir

    out = tmp_path / "g.json"
    assert main(["genres", "--model", str(tiny_model_dir()), "--overview",
                 "Two detectives chase a killer through the city.", "--top", "3",
                 "--json", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == f"wrote {out}"
    data = json.loads(out.read_text())
    assert len(data) == 3 and all(0 <= p <= 1 for p in data.values())
    assert main(["genres", "--model", str(tiny_model_dir())]) == 1
    assert "--overview" in capsys.readouterr().err
