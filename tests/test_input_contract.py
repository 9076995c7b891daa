"""One input contract: CLI flags, ``--film`` JSON, a CSV and the HTTP API accept and reject the
same values the same way (exit 1 / HTTP 422 with one line naming the field), and an accepted film
gets the same forecast through all four."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from _tiny_product import tiny_model_dir

from reelcast.cli import main

BASE = {"title": "Quiet Street", "release_date": "2017-04-06", "budget": "17000000",
        "genres": "Horror|Drama"}
FLAG = {"original_language": "--language"}

# (change to BASE, None = accepted / else a word the one-line error must contain)
CASES = [
    ({}, None),
    ({"budget": "$17,000,000"}, None),
    ({"budget": "17_000_000"}, None),
    ({"genres": "Sci-Fi|horror"}, None),
    ({"runtime": "90", "original_language": "en", "certification": "PG-13"}, None),
    ({"cast": "Emily Blunt|John Krasinski", "collection": "Quiet Street Collection"}, None),
    ({"certification": "FSK 12"}, None),
    ({"certification": "BBFC 15"}, None),
    ({"distributor": "Walt Disney", "story_source": "Original Screenplay",
      "creative_type": "Contemporary Fiction", "production_method": "Live Action",
      "opening_theaters": "3,500"}, None),
    ({"opening_theaters": "many"}, "opening_theaters"),
    ({"opening_theaters": "-3"}, "opening_theaters"),
    ({"budget": "-5"}, "budget"),
    ({"budget": "lots"}, "budget"),
    ({"budget": "5000000000"}, "budget"),
    ({"release_date": "2018-13-40"}, "release_date"),
    ({"release_date": "next summer"}, "release_date"),
    ({"release_date": None}, "release_date"),
    ({"genres": "Action|Spaghetti"}, "Spaghetti"),
    ({"original_language": "english"}, "original_language"),
    ({"runtime": "0"}, "runtime"),
    ({"certification": "XYZ"}, "certification"),
    ({"title": ""}, "title"),
    ({"budjet": "5"}, "budjet"),
]


def _film(change: dict) -> dict:
    return {k: v for k, v in (BASE | change).items() if v is not None}


@pytest.fixture(scope="module")
def model_dir():
    return tiny_model_dir()


@pytest.fixture(scope="module")
def client(model_dir):
    from fastapi.testclient import TestClient

    from reelcast.serve import create_app

    return TestClient(create_app(model_dir))


def via_flags(model_dir, film, tmp_path, capsys):
    if "budjet" in film:
        return "skip"
    args = ["forecast", "--model", str(model_dir), "--json", str(tmp_path / "f.json")]
    for key, value in film.items():
        args += [FLAG.get(key, "--" + key.replace("_", "-")), value]
    return _cli(args, tmp_path / "f.json", capsys)


def via_film_json(model_dir, film, tmp_path, capsys):
    path = tmp_path / "film.json"
    path.write_text(json.dumps(film))
    return _cli(["forecast", "--model", str(model_dir), "--film", str(path), "--json",
                 str(tmp_path / "j.json")], tmp_path / "j.json", capsys)


def _cli(args, out, capsys):
    code = main(args)
    captured = capsys.readouterr()
    if code == 0:
        return json.loads(out.read_text())["revenue_usd"]
    assert code == 1 and len(captured.err.strip().splitlines()) == 1, captured.err
    return captured.err


def via_csv(model_dir, film, tmp_path, capsys):
    pd.DataFrame([film]).to_csv(tmp_path / "in.csv", index=False)
    code = main(["predict", "--model", str(model_dir), "--input", str(tmp_path / "in.csv"),
                 "--output", str(tmp_path / "out.csv")])
    captured = capsys.readouterr()
    if code == 0:
        return float(pd.read_csv(tmp_path / "out.csv").loc[0, "forecast_revenue_usd"])
    assert code == 1 and len(captured.err.strip().splitlines()) == 1, captured.err
    return captured.err


def via_http(client, film):
    res = client.post("/forecast", json=film)
    if res.status_code == 200:
        return res.json()["revenue_usd"]
    assert res.status_code == 422
    detail = res.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    return detail


@pytest.mark.parametrize("change, needle", CASES, ids=[json.dumps(c) for c, _ in CASES])
def test_every_entry_point_accepts_and_rejects_alike(model_dir, client, tmp_path, capsys,
                                                      change, needle):
    film = _film(change)
    results = {
        "flags": via_flags(model_dir, film, tmp_path, capsys),
        "film json": via_film_json(model_dir, film, tmp_path, capsys),
        "csv": via_csv(model_dir, film, tmp_path, capsys),
        "http": via_http(client, film),
    }
    results = {k: v for k, v in results.items() if v != "skip"}
    if needle is None:
        assert all(isinstance(v, float) for v in results.values()), results
        first = results["http"]
        for v in results.values():  # the CSV rounds to $1,000
            assert v == pytest.approx(first, rel=1e-6, abs=1_000)
    else:
        for where, v in results.items():
            assert isinstance(v, str) and needle in v, (where, v)


def test_the_poster_counts_the_same_from_the_cli_and_the_api(model_dir, client, tmp_path, capsys):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 180), (10, 120, 200)).save(buf, "PNG")
    (tmp_path / "p.png").write_bytes(buf.getvalue())
    film = _film({})
    cli = _cli(["forecast", "--model", str(model_dir), *sum(([f"--{k.replace('_', '-')}", v]
                                                              for k, v in film.items()), []),
                "--poster", str(tmp_path / "p.png"), "--json", str(tmp_path / "o.json")],
               tmp_path / "o.json", capsys)
    res = client.post("/forecast/poster", data=film,
                      files={"poster": ("p.png", buf.getvalue(), "image/png")})
    assert res.status_code == 200
    assert cli == pytest.approx(res.json()["revenue_usd"], rel=1e-9)
    data = json.loads((tmp_path / "o.json").read_text())
    assert "poster" in data["fields_used"]
