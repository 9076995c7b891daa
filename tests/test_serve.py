"""The web service: every endpoint, bad input → 422, poster limits, tampered models refused."""

from __future__ import annotations

import io
import os
import shutil

import pytest
from _tiny_product import tiny_model_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from reelcast._errors import ArtifactError
from reelcast.cli import main

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from reelcast.serve import create_app  # noqa: E402


@pytest.fixture(scope="module")
def model_dir():
    return tiny_model_dir()


@pytest.fixture(scope="module")
def client(model_dir):
    return TestClient(create_app(model_dir))


def _png(size=(120, 180), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, 200 if mode != "RGB" else (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


FILM = {"title": "Night Harbor", "release_date": "2018-05-04", "budget": 90_000_000,
        "genres": ["Action", "Drama"], "cast": ["A One"], "directors": ["C Three"]}
CSV = ("title,release_date,budget,genres\nAlpha,2018-01-05,1000000,Horror\n"
       "Beta,2018-03-09,150000000,Action|Adventure\nGamma,2018-07-20,,Comedy\n")
FORM = {"title": "Night Harbor", "release_date": "2018-05-04", "budget": "90000000",
        "genres": "Action|Drama"}


def test_health_model_and_openapi(client):
    health = client.get("/health").json()
    assert health == {"status": "ok", "pid": os.getpid(), "intervals": True, "comparables": True,
                      "rating": True, "genres": True, "hits": True,
                      "n_features": health["n_features"]}
    manifest = client.get("/model").json()
    assert {"intervals.json", "comparables.parquet", "lgbm_model.txt"} <= set(manifest["files"])
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/forecast", "/forecast/batch", "/forecast/poster", "/health", "/model"} <= set(paths)


def test_forecast_json(client):
    res = client.post("/forecast", json=FILM)
    assert res.status_code == 200
    data = res.json()
    assert data["title"] == "Night Harbor" and len(data["comparables"]) == 5
    assert data["intervals"]["95"]["low"] < data["revenue_usd"] < data["intervals"]["95"]["high"]
    assert data["contributions"] and data["baseline_usd"] > 0


@pytest.mark.parametrize("change, field", [
    ({"title": None}, "title"),
    ({"title": ""}, "title"),
    ({"release_date": "05/04/2018"}, "release_date"),
    ({"release_date": "2018-02-30"}, "release_date"),   # pattern ok, calendar not: library says
    ({"release_date": "0000-01-01"}, "release_date"),
    ({"release_date": "9999-12-31"}, "release_date"),
    ({"title": "   "}, "title"),
    ({"budget": -1}, "budget"),
    ({"budget": 1e12}, "budget"),
    ({"runtime": 0}, "runtime"),
    ({"genres": ["Spaghetti"]}, "genre"),
    ({"cast": ["x"] * 51}, "cast"),
    ({"original_language": "English"}, "original_language"),
    ({"certification": "XXX"}, "certification"),
    ({"surprise": 1}, "surprise"),
])
def test_forecast_bad_input_is_422_naming_the_field(client, change, field):
    body = {k: v for k, v in (FILM | change).items() if v is not None}
    res = client.post("/forecast", json=body)
    assert res.status_code == 422
    assert field in str(res.json()["detail"])


def test_forecast_rejects_non_json(client):
    res = client.post("/forecast", content=b"\x00\xff", headers={"content-type": "application/json"})
    assert res.status_code == 422


def test_batch_csv(client):
    res = client.post("/forecast/batch", files={"file": ("films.csv", CSV, "text/csv")})
    assert res.status_code == 200
    rows = res.json()["forecasts"]
    assert [r["title"] for r in rows] == ["Alpha", "Beta", "Gamma"]
    # the band holds the forecast; an end can touch it when every calibration film of the tier
    # grossed more than its forecast (the band is then shifted up, not widened both ways)
    assert all(r["intervals"]["80"]["low"] <= r["revenue_usd"] <= r["intervals"]["80"]["high"]
               for r in rows)
    assert all(r["intervals"]["80"]["high"] > r["intervals"]["80"]["low"] for r in rows)


@pytest.mark.parametrize("content, needle", [
    (b"name,date\nx,y\n", "release_date"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "UTF-8"),
    (b"title,release_date\nx,2018-99-01\n", "release_date"),
    (b"", "empty"),
])
def test_batch_bad_csv_is_422(client, content, needle):
    res = client.post("/forecast/batch", files={"file": ("f.csv", content, "text/csv")})
    assert res.status_code == 422 and needle in res.json()["detail"]


def test_batch_row_and_byte_limits(model_dir):
    small = TestClient(create_app(model_dir, limits={"max_batch_rows": 2, "max_csv_bytes": 10_000}))
    res = small.post("/forecast/batch", files={"file": ("f.csv", CSV, "text/csv")})
    assert res.status_code == 422 and "more than 2 rows" in res.json()["detail"]
    big = "title,release_date\n" + "x,2018-01-01\n" * 1000
    res = small.post("/forecast/batch", files={"file": ("f.csv", big, "text/csv")})
    assert res.status_code == 422 and "10,000 bytes" in res.json()["detail"]


def test_poster_forecast(client):
    res = client.post("/forecast/poster", data=FORM,
                      files={"poster": ("p.png", _png(), "application/octet-stream")})
    assert res.status_code == 200
    data = res.json()
    assert data["poster"]["format"] == "png" and data["poster"]["width"] == 120
    # the uploaded poster counts as a given field (the has_poster feature is gone since the
    # coverage features were removed; the field report says the poster was used)
    assert "poster" in data["fields_used"]


def _bomb() -> bytes:
    buf = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(buf, "PNG")  # 144 MP, a few KB on disk
    return buf.getvalue()


@pytest.mark.parametrize("payload, needle", [
    (b"GIF? no, a text file pretending", "not a JPEG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a JPEG"),
    (_png()[:60], "truncated or corrupt"),
    (b"", "empty"),
    (_bomb(), "pixels"),
])
def test_poster_bad_uploads_are_refused(client, payload, needle):
    res = client.post("/forecast/poster", data=FORM,
                      files={"poster": ("p.png", payload, "image/png")})
    assert res.status_code == 422 and needle in res.json()["detail"]


def test_poster_byte_and_body_limits(model_dir):
    app = create_app(model_dir, limits={"max_poster_bytes": 1_000, "max_body_bytes": 50_000})
    small = TestClient(app)
    res = small.post("/forecast/poster", data=FORM,
                     files={"poster": ("p.png", _png((400, 400), "L") + b"\0" * 2000, "image/png")})
    assert res.status_code == 422 and "1,000 bytes" in res.json()["detail"]
    res = small.post("/forecast/poster", data=FORM,
                     files={"poster": ("p.png", b"\xff\xd8\xff" + b"\0" * 60_000, "image/jpeg")})
    assert res.status_code == 413


def test_poster_missing_form_field_is_422(client):
    res = client.post("/forecast/poster", data={"title": "x"},
                      files={"poster": ("p.png", _png(), "image/png")})
    assert res.status_code == 422 and "release_date" in str(res.json()["detail"])


def test_page_form_works_without_javascript(client):
    html = client.get("/").text
    assert '<form method="post" action="/" enctype="multipart/form-data">' in html
    assert "<script" not in html.lower()
    for name in ("title", "release_date", "budget", "genres", "cast", "directors", "keywords",
                 "overview", "poster"):
        assert f'name="{name}"' in html


def test_page_post_renders_the_forecast(client):
    form = {"title": "<b>Bold</b> Film", "release_date": "2018-05-04", "budget": "90000000",
            "genres": ["Action", "Drama"], "cast": "A One, B Two", "directors": "C Three"}
    res = client.post("/", data=form, files={"poster": ("p.png", _png(), "image/png")})
    assert res.status_code == 200
    html = res.text
    assert 'id="forecast"' in html and "80% interval" in html and "<svg" in html
    assert 'id="comparables"' in html and "png 120×180" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html
    assert 'value="Action" checked' in html


def test_forecast_json_has_rating_genres_and_hits(client):
    data = client.post("/forecast", json=FILM | {"overview": "A detective hunts a killer.",
                                                 "keywords": ["murder", "detective"]}).json()
    assert 0 <= data["rating"] <= 10 and data["genre_sources"] == ["overview"]
    assert data["genres"] and all(0 <= p <= 1 for p in data["genres"].values())
    assert data["hits"]["copycat"] in (True, False) and data["hits"]["n_recent_hits"] > 0


def test_page_shows_rating_genres_and_hits_blocks(client):
    res = client.post("/", data=FORM | {"genres": ["Action"], "overview": "A <i>heist</i>.",
                                        "keywords": "heist, bank robbery"},
                      files={"poster": ("p.png", _png(), "image/png")})
    assert res.status_code == 200
    for block in ("forecast", "interval", "explanation", "comparables", "rating", "genres",
                  "hits"):
        assert f'id="{block}"' in res.text
    assert "Predicted rating: <strong>" in res.text and "<i>heist</i>" not in res.text


def test_page_post_without_poster(client):
    res = client.post("/", data=FORM | {"genres": ["Action"]},
                      files={"poster": ("", b"", "application/octet-stream")})
    assert res.status_code == 200 and 'id="forecast"' in res.text


@pytest.mark.parametrize("form, needle", [
    (FORM | {"release_date": "tomorrow"}, "release_date"),
    (FORM | {"budget": "a lot"}, "budget"),
    (FORM | {"genres": "Spaghetti"}, "Spaghetti"),
])
def test_page_bad_input_re_renders_the_form(client, form, needle):
    res = client.post("/", data=form)
    assert res.status_code == 422
    assert 'id="error"' in res.text and needle in res.text and "<form" in res.text


@pytest.mark.parametrize("victim", ["lgbm_model.txt", "intervals.json", "comparables.parquet",
                                    "config.json"])
def test_tampered_model_is_refused_at_startup(model_dir, tmp_path, victim):
    bad = shutil.copytree(model_dir, tmp_path / "bad")
    with open(bad / victim, "ab") as fh:
        fh.write(b" ")
    with pytest.raises(ArtifactError, match=victim):
        create_app(bad)


def test_serve_command_refuses_a_tampered_model(model_dir, tmp_path, capsys):
    bad = shutil.copytree(model_dir, tmp_path / "bad")
    (bad / "intervals.json").write_text("{}")
    assert main(["serve", "--model", str(bad), "--port", "8765"]) == 1
    assert "intervals.json" in capsys.readouterr().err


# JSON has no NaN/Infinity, so the client cannot send them; raw bodies with them are tested below
_JSON = st.recursive(st.none() | st.booleans() | st.integers()
                     | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20), lambda c: st.lists(c, max_size=3), max_leaves=5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.fixed_dictionaries(
    {"title": st.text(max_size=10), "release_date": st.text(max_size=12)},
    optional={"budget": _JSON, "genres": _JSON, "cast": _JSON, "runtime": _JSON,
              "original_language": _JSON, "certification": _JSON, "collection": _JSON}))
def test_random_json_never_gives_a_server_error(client, body):
    # TestClient re-raises server exceptions, so a 500 fails this test loudly
    res = client.post("/forecast", json=body)
    assert res.status_code in (200, 422)


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "1e400"])
def test_non_finite_budget_in_a_raw_body_is_422(client, value):
    body = '{"title": "X", "release_date": "2026-05-01", "budget": ' + value + "}"
    res = client.post("/forecast", content=body, headers={"content-type": "application/json"})
    assert res.status_code == 422


@pytest.mark.parametrize("slots", [1, 2])
def test_forecasts_take_a_slot_and_health_never_waits(model_dir, monkeypatch, slots):
    """A server process computes at most FORECAST_SLOTS forecasts at once (the rest wait for a
    slot); /health answers while every slot is busy."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import reelcast.forecast
    from reelcast.serve import _app

    real, lock, running, peak = reelcast.forecast.forecast_film, threading.Lock(), [0], [0]
    release = threading.Event()

    def counted(*args, **kwargs):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(30)  # held until /health has answered with the slots taken
        time.sleep(0.05)
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(reelcast.forecast, "forecast_film", counted)
    monkeypatch.setattr(_app, "FORECAST_SLOTS", slots)
    client = TestClient(create_app(model_dir))
    with ThreadPoolExecutor(6) as pool:
        answers = [pool.submit(client.post, "/forecast", json=FILM | {"title": f"Film {i}"})
                   for i in range(6)]
        deadline = time.monotonic() + 30
        while running[0] < slots and time.monotonic() < deadline:
            time.sleep(0.01)
        assert running[0] == slots  # every slot is busy, the other requests wait
        assert client.get("/health").status_code == 200
        release.set()
        assert [a.result(timeout=60).status_code for a in answers] == [200] * 6
    assert peak[0] == slots
