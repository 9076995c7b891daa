"""``reelcast fetch tmdb``, ``reelcast forecast --tmdb-id`` and the page's TMDB box, against a
local fake TMDB on 127.0.0.1 (no network)."""

from __future__ import annotations

import socket

import pytest
from _tiny_product import tiny_model_dir
from _tmdb_server import (
    AVENGERS,
    NO_CERT,
    NO_DATE,
    NO_US,
    ODD_CERT,
    UPCOMING_PAGE_1,
    UPCOMING_PAGE_2,
    V3_KEY,
    FakeTMDB,
    serve_films,
)

from reelcast.cli import _fetch, main
from reelcast.fetch import TMDBClient, TMDBSettings
from reelcast.forecast._input import read_new_films

pytest.importorskip("httpx")


@pytest.fixture
def fake(monkeypatch, tmp_path):
    with FakeTMDB(key=V3_KEY) as server:
        monkeypatch.setenv("TMDB_API_URL", f"{server.url}/3")
        monkeypatch.setenv("TMDB_IMAGE_URL", f"{server.url}/t/p")
        monkeypatch.setenv("TMDB_API_KEY", V3_KEY)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        real = _fetch.tmdb_settings

        def quick(*args, **kw):  # the command's settings with waits too short to notice
            s = real(*args, **kw)
            return TMDBSettings(**{**s.__dict__, "backoff": 0.001, "retries": 2})

        monkeypatch.setattr(_fetch, "tmdb_settings", quick)
        serve_films(server, AVENGERS, NO_US, ODD_CERT, NO_CERT, NO_DATE)
        server.set("/3/movie/upcoming", UPCOMING_PAGE_1, UPCOMING_PAGE_2)
        yield server


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    assert V3_KEY not in err
    return err


def test_fetch_by_id_writes_the_csv_and_poster(fake, tmp_path, capsys):
    out = tmp_path / "films.csv"
    assert main(["fetch", "tmdb", "--id", "299536", "--id", "1002", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert ("Avengers: Infinity War (TMDB 299536, tt4154756): 2018-04-27 (US theatrical "
            "release), PG-13, budget $300,000,000, poster saved") in text
    assert "note: certification 'Not Rated' is not an MPAA rating" in text
    assert "wrote 2 films to" in text and V3_KEY not in text
    frame, warnings = read_new_films(out)
    assert warnings == [] and list(frame["tmdb_id"]) == [299536, 1002]
    assert (tmp_path / "films_posters" / "299536.jpg").is_file()
    # a second run is answered by the cache (in $XDG_CACHE_HOME)
    before = len(fake.requests)
    assert main(["fetch", "tmdb", "--id", "299536", "--out", str(out), "--no-posters"]) == 0
    assert len(fake.requests) == before and "1 answered from the cache" in capsys.readouterr().out


def test_fetch_upcoming_pages(fake, tmp_path, capsys):
    out = tmp_path / "up.csv"
    assert main(["fetch", "tmdb", "--upcoming", "--region", "US", "--pages", "3",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "skipped: TMDB film 1005: listed as upcoming but gone (HTTP 404)" in text
    assert "TMDB's upcoming list has only 2 pages" in text
    frame, _ = read_new_films(out)
    assert list(frame["title"]) == ["Le Dernier Été", "Night Shift Blues", "Quiet Harbor"]


@pytest.mark.parametrize("args, env, message", [
    (["--id", "1"], {"TMDB_API_KEY": ""}, "no TMDB API key: set TMDB_API_KEY or pass --api-key"),
    (["--id", "299536"], {"TMDB_API_KEY": "e" * 32}, "TMDB refused the API key (HTTP 401"),
    (["--id", "5"], {}, "TMDB has no film with id 5 (HTTP 404)"),
    (["--id", "666"], {}, "answered GET /movie/666 with malformed JSON"),
    (["--id", "1"], {"TMDB_API_URL": "closed"}, "network failure: could not reach TMDB"),
    ([], {}, "give either --id N (one or more) or --upcoming, not neither"),
    (["--id", "1", "--upcoming"], {}, "not both"),
    (["--upcoming", "--region", "USA"], {}, "region 'USA' is not a two-letter country code"),
    (["--upcoming", "--pages", "0"], {}, "pages 0 must be a whole number from 1 to 500"),
])
def test_fetch_errors_are_one_line_and_exit_1(fake, tmp_path, monkeypatch, capsys, args, env,
                                              message):
    fake.set("/3/movie/666", (200, b"<html>not json</html>", {}))
    for name, value in env.items():
        if value == "closed":
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                value = f"http://127.0.0.1:{s.getsockname()[1]}/3"
        monkeypatch.setenv(name, value)
    out = tmp_path / "films.csv"
    assert main(["fetch", "tmdb", *args, "--out", str(out)]) == 1
    assert message in _one_line_error(capsys)
    assert not out.exists() and not (tmp_path / "films_posters").exists()


def test_an_api_key_flag_is_never_echoed(fake, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TMDB_API_KEY")
    wrong = "a" * 32
    assert main(["fetch", "tmdb", "--id", "299536", "--api-key", wrong,
                 "--out", str(tmp_path / "f.csv")]) == 1
    captured = capsys.readouterr()
    assert wrong not in captured.err + captured.out and "HTTP 401" in captured.err


# ------------------------------------------------------------------ forecast --tmdb-id
@pytest.fixture(scope="module")
def model_dir():
    return tiny_model_dir()


def test_forecast_from_a_tmdb_id(fake, model_dir, tmp_path, capsys):
    import json

    out = tmp_path / "fc.json"
    assert main(["forecast", "--model", str(model_dir), "--tmdb-id", "299536",
                 "--budget", "250000000", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "from TMDB film 299536 (tt4154756): title, release_date, runtime," in text
    assert "budget," not in text.split("from TMDB film")[1].splitlines()[0]
    assert "given on the command line instead of TMDB's: budget" in text
    assert "poster (for genres)" in text and "Avengers: Infinity War" in text
    data = json.loads(out.read_text())
    assert data["title"] == "Avengers: Infinity War" and data["budget"] == 250_000_000
    assert data["release_date"] == "2018-04-27" and data["genre_sources"]
    # the poster reached the genre step (the tiny test model has no poster genre features, so it
    # says it skipped the poster: a forecast without the TMDB poster would say nothing)
    assert ("poster" in data["genre_sources"]
            or any("poster skipped" in w for w in data["warnings"])), data["warnings"]


def test_forecast_tmdb_errors_are_one_line(fake, model_dir, capsys):
    assert main(["forecast", "--model", str(model_dir), "--tmdb-id", "5"]) == 1
    assert "TMDB has no film with id 5" in _one_line_error(capsys)


# ------------------------------------------------------------------ the page and /tmdb/{id}
@pytest.fixture
def web(fake, model_dir, tmp_path):
    from fastapi.testclient import TestClient

    from reelcast.serve import create_app

    settings = TMDBSettings(rate=None, retries=1, backoff=0.001, cache_dir=tmp_path / "c")
    with TMDBClient(V3_KEY, settings) as tmdb:
        yield TestClient(create_app(model_dir, tmdb=tmdb))


def test_the_page_has_a_tmdb_box_only_with_a_key(web, model_dir):
    from fastapi.testclient import TestClient

    from reelcast.serve import create_app

    assert 'action="/tmdb"' in web.get("/").text
    plain = TestClient(create_app(model_dir))
    assert 'action="/tmdb"' not in plain.get("/").text
    assert plain.get("/tmdb/299536").status_code == 404  # no route without a key


def test_tmdb_json_feeds_the_forecast_endpoint(web):
    answer = web.get("/tmdb/299536")
    assert answer.status_code == 200
    body = answer.json()
    assert body["imdb_id"] == "tt4154756" and body["film"]["certification"] == "PG-13"
    assert body["release_date_source"] == "US theatrical release"
    assert body["poster_url"].endswith("/t/p/w500/7WsyChQLEftFiDOVTGkv3hFpyyt.jpg")
    assert "api_key" not in answer.text and V3_KEY not in answer.text
    fc = web.post("/forecast", json=body["film"])
    assert fc.status_code == 200 and fc.json()["title"] == "Avengers: Infinity War"


@pytest.mark.parametrize("path, status, detail", [
    ("/tmdb/5", 404, "TMDB has no film with id 5 (HTTP 404)"),
    ("/tmdb/abc", 422, "tmdb_id 'abc' is not a positive whole number"),
    ("/tmdb/666", 502, "malformed JSON"),
])
def test_tmdb_json_errors(web, fake, path, status, detail):
    fake.set("/3/movie/666", (200, b"{oops", {}))
    answer = web.get(path)
    assert answer.status_code == status and detail in answer.json()["detail"]


def test_a_refused_server_key_is_a_bad_gateway(web, fake):
    fake.key = "b" * 32
    answer = web.get("/tmdb/299536")
    assert answer.status_code == 502 and "refused the API key" in answer.json()["detail"]
    assert V3_KEY not in answer.text


def test_the_page_fills_in_the_form_from_tmdb(web):
    page = web.get("/tmdb", params={"tmdb_id": "299536"})
    assert page.status_code == 200
    html = page.text
    assert 'value="Avengers: Infinity War"' in html and 'value="2018-04-27"' in html
    assert 'value="300000000"' in html and 'value="Anthony Russo, Joe Russo"' in html
    assert 'value="Science Fiction" checked' in html
    assert 'id="tmdb-filled"' in html and "Filled in from TMDB (299536, tt4154756): title," in html
    # the page takes every field of the input format, so every TMDB field lands in the form
    assert 'value="Stephen McFeely, Christopher Markus"' in html
    assert "This form has no input for" not in html
    assert V3_KEY not in html
    # the filled-in form submits like any other
    form = {"title": "Avengers: Infinity War", "release_date": "2018-04-27",
            "budget": "300000000", "genres": "Action"}
    assert web.post("/", data=form).status_code == 200


@pytest.mark.parametrize("tmdb_id, status, message", [
    ("5", 404, "TMDB has no film with id 5"), ("x1", 422, "is not a positive whole number"),
    ("", 422, "is not a positive whole number"),
])
def test_the_page_shows_tmdb_errors(web, tmdb_id, status, message):
    page = web.get("/tmdb", params={"tmdb_id": tmdb_id})
    assert page.status_code == status and 'id="error"' in page.text and message in page.text
    assert 'action="/tmdb"' in page.text


def test_serve_builds_a_tmdb_client_only_with_a_key(fake, monkeypatch):
    from reelcast._errors import InputError

    client = _fetch.tmdb_client_from_env()
    assert isinstance(client, TMDBClient) and V3_KEY not in repr(client)
    client.close()
    monkeypatch.setenv("TMDB_API_KEY", " ")
    assert _fetch.tmdb_client_from_env() is None
    monkeypatch.setenv("TMDB_API_KEY", "not a key")
    with pytest.raises(InputError, match="9 characters"):
        _fetch.tmdb_client_from_env()
