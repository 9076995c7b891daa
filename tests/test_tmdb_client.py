"""The TMDB client end to end against a local server on 127.0.0.1: auth, retries, rate limit,
cache, every error path, secrets kept out of messages and logs, and all-or-nothing CSV writes."""

from __future__ import annotations

import logging
import socket

import pytest
from _tmdb_server import (
    AVENGERS,
    NO_CERT,
    NO_DATE,
    NO_US,
    ODD_CERT,
    RATE_LIMITED,
    UPCOMING_PAGE_1,
    UPCOMING_PAGE_2,
    V3_KEY,
    V4_TOKEN,
    FakeTMDB,
    jpeg,
    serve_films,
)

from reelcast._errors import FetchError, InputError
from reelcast.fetch import (
    PoliteHttp,
    RateLimiter,
    ResponseCache,
    TMDBClient,
    TMDBSettings,
    fetch_films,
    fetch_upcoming,
    redact,
    resolve_api_key,
    write_films_csv,
)
from reelcast.forecast._input import read_new_films

httpx = pytest.importorskip("httpx")


class FakeTime:
    """A clock that only moves when something sleeps: waits are recorded, never spent."""

    def __init__(self):
        self.now, self.sleeps = 1000.0, []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def fake():
    with FakeTMDB(key=V3_KEY) as server:
        yield server


def make_client(fake, tmp_path, key=V3_KEY, timer=None, **settings) -> TMDBClient:
    timer = timer or FakeTime()
    base = {"api_url": f"{fake.url}/3", "image_url": f"{fake.url}/t/p", "rate": None,
            "retries": 2, "backoff": 0.5, "max_wait": 30.0, "timeout": 5.0,
            "cache_dir": tmp_path / "cache"}
    return TMDBClient(key, TMDBSettings(**(base | settings)), clock=timer.clock, sleep=timer.sleep)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


# ------------------------------------------------------------------ the key
def test_no_key_is_a_one_line_error(monkeypatch):
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    with pytest.raises(InputError, match="no TMDB API key: set TMDB_API_KEY or pass --api-key"):
        resolve_api_key(None)
    monkeypatch.setenv("TMDB_API_KEY", f"  {V3_KEY}\n")
    assert resolve_api_key(None) == V3_KEY
    assert resolve_api_key(V4_TOKEN) == V4_TOKEN  # the flag wins over the environment


def test_a_malformed_key_is_described_without_showing_it():
    bad = "my secret key with spaces 123"
    with pytest.raises(InputError) as err:
        resolve_api_key(bad)
    assert bad not in str(err.value) and "29 characters" in str(err.value)


def test_a_v3_key_goes_in_the_query_and_a_v4_token_in_the_header(fake, tmp_path):
    serve_films(fake, AVENGERS)
    with make_client(fake, tmp_path, cache=False) as client:
        assert client.movie(299536)["title"] == "Avengers: Infinity War"
        assert V3_KEY not in repr(client)
    sent = fake.requests[-1]
    assert sent["query"]["api_key"] == V3_KEY and "Authorization" not in sent["headers"]
    assert sent["query"]["append_to_response"] == "credits,keywords,release_dates,external_ids"
    fake.key = V4_TOKEN
    with make_client(fake, tmp_path, key=V4_TOKEN, cache=False) as client:
        assert client.movie(299536)["id"] == 299536
        assert V4_TOKEN not in repr(client)
    sent = fake.requests[-1]
    assert "api_key" not in sent["query"]
    assert sent["headers"]["Authorization"] == f"Bearer {V4_TOKEN}"


# ------------------------------------------------------------------ error paths
def test_401_is_one_line_without_the_key(fake, tmp_path):
    serve_films(fake, AVENGERS)
    wrong = "f" * 32
    with make_client(fake, tmp_path, key=wrong) as client, pytest.raises(FetchError) as err:
        client.movie(299536)
    message = str(err.value)
    assert err.value.status == 401 and "\n" not in message and wrong not in message
    assert message.startswith("TMDB refused the API key (HTTP 401: Invalid API key")


def test_404_names_the_film(fake, tmp_path):
    with make_client(fake, tmp_path) as client, pytest.raises(FetchError) as err:
        client.movie(5)
    assert err.value.status == 404 and str(err.value) == "TMDB has no film with id 5 (HTTP 404)"


def test_malformed_json_is_one_line(fake, tmp_path):
    fake.set("/3/movie/7", (200, b'{"id": 7, "title": "Cut', {}))
    fake.set("/3/movie/8", (200, b"[1, 2]", {}))
    with make_client(fake, tmp_path) as client:
        with pytest.raises(FetchError, match=r"answered GET /movie/7 with malformed JSON"):
            client.movie(7)
        with pytest.raises(FetchError, match=r"with a JSON list, not an object"):
            client.movie(8)
    assert not list((tmp_path / "cache").rglob("*.json"))  # nonsense is never cached


def test_network_failure_retries_then_fails_without_the_key(tmp_path):
    timer = FakeTime()
    settings = TMDBSettings(api_url=f"http://127.0.0.1:{closed_port()}/3", rate=None, retries=3,
                            backoff=0.25, timeout=2.0, cache=False)
    with TMDBClient(V3_KEY, settings, clock=timer.clock, sleep=timer.sleep) as client, \
            pytest.raises(FetchError) as err:
        client.movie(299536)
    message = str(err.value)
    assert message.startswith("network failure: could not reach TMDB at http://127.0.0.1:")
    assert "after 4 tries (ConnectError" in message and V3_KEY not in message
    assert err.value.status is None and "\n" not in message
    assert timer.sleeps == [0.25, 0.5, 1.0]  # exponential backoff between the 4 tries


def test_429_honours_retry_after(fake, tmp_path):
    timer = FakeTime()
    fake.set("/3/movie/299536", (429, RATE_LIMITED, {"Retry-After": "3"}), AVENGERS)
    with make_client(fake, tmp_path, timer=timer) as client:
        assert client.movie(299536)["id"] == 299536
    assert timer.sleeps == [3.0] and fake.paths().count("/3/movie/299536") == 2


def test_5xx_backs_off_then_succeeds(fake, tmp_path):
    timer = FakeTime()
    fake.set("/3/movie/299536", (503, b"busy", {}), (502, b"gateway", {}), AVENGERS)
    with make_client(fake, tmp_path, timer=timer) as client:
        assert client.movie(299536)["id"] == 299536
    assert timer.sleeps == [0.5, 1.0]


def test_5xx_every_time_gives_up_after_the_last_try(fake, tmp_path):
    fake.set("/3/movie/299536", (500, {"status_message": "Internal error."}, {}))
    with make_client(fake, tmp_path) as client, pytest.raises(FetchError) as err:
        client.movie(299536)
    assert str(err.value) == ("TMDB answered HTTP 500 for GET /movie/299536 after 3 tries: "
                              "Internal error.")
    assert err.value.status == 500


def test_a_retry_after_beyond_max_wait_fails_at_once(fake, tmp_path):
    timer = FakeTime()
    fake.set("/3/movie/299536", (429, RATE_LIMITED, {"Retry-After": "3600"}))
    with make_client(fake, tmp_path, timer=timer, max_wait=60) as client, \
            pytest.raises(FetchError, match="asks to wait 3600 s, more than the 60 s allowed"):
        client.movie(299536)
    assert timer.sleeps == [] and len(fake.requests) == 1


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", True])
def test_a_bad_id_is_refused_before_any_request(fake, tmp_path, value):
    with make_client(fake, tmp_path) as client, pytest.raises(InputError, match="TMDB id"):
        client.movie(value)
    assert fake.requests == []


# ------------------------------------------------------------------ secrets
def test_redact_removes_keys_from_urls_and_headers():
    text = f"GET https://x/3/movie/1?api_key={V3_KEY}&language=en Authorization: Bearer {V4_TOKEN}"
    clean = redact(text)
    assert V3_KEY not in clean and V4_TOKEN not in clean
    assert "api_key=***&language=en" in clean and "Bearer ***" in clean
    assert redact(f"odd place {V3_KEY}", (V3_KEY,)) == "odd place ***"


def test_an_httpx_error_quoting_the_url_is_redacted():
    def fail(request):
        raise httpx.ConnectError(f"cannot connect for {request.url}", request=request)

    timer = FakeTime()
    http = PoliteHttp("TMDB", rate=None, retries=1, backoff=0.1, secrets=(V3_KEY,),
                      transport=httpx.MockTransport(fail), clock=timer.clock, sleep=timer.sleep)
    with pytest.raises(FetchError) as err:
        http.get("http://127.0.0.1:9/3/movie/1", what="GET /movie/1",
                 params={"api_key": V3_KEY})
    assert V3_KEY not in str(err.value) and "api_key=***" in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__  # no chained URL


def test_httpx_request_logs_do_not_show_the_key(fake, tmp_path, caplog):
    serve_films(fake, AVENGERS)
    with caplog.at_level(logging.DEBUG), make_client(fake, tmp_path, cache=False) as client:
        client.movie(299536)
    assert "/3/movie/299536" in caplog.text  # httpx did log the request …
    assert V3_KEY not in caplog.text and "api_key=***" in caplog.text  # … without the key


def test_the_cache_never_holds_the_key(fake, tmp_path):
    serve_films(fake, AVENGERS)
    with make_client(fake, tmp_path) as client:
        client.movie(299536)
    files = list((tmp_path / "cache").rglob("*.json"))
    assert files and all(V3_KEY not in f.read_text() for f in files)


# ------------------------------------------------------------------ rate limit and cache
def test_rate_limiter_waits_for_the_window():
    timer = FakeTime()
    limiter = RateLimiter(2, 10.0, clock=timer.clock, sleep=timer.sleep)
    assert [limiter.wait() for _ in range(2)] == [0.0, 0.0]
    timer.now += 4.0
    assert limiter.wait() == pytest.approx(6.0)  # the first request leaves the window at t+10
    assert limiter.wait() == 0.0  # both first requests left the window together
    assert limiter.wait() == pytest.approx(10.0)
    with pytest.raises(InputError, match="rate 0"):
        RateLimiter(0, 1.0)


def test_the_client_keeps_to_the_rate(fake, tmp_path):
    timer = FakeTime()
    serve_films(fake, AVENGERS, NO_US, ODD_CERT)
    with make_client(fake, tmp_path, timer=timer, rate=2, per_seconds=10.0, cache=False) as c:
        for film_id in (299536, 1001, 1002, 299536):
            c.movie(film_id)
    assert timer.sleeps == [10.0]  # the third request waits for the first to leave the window
    assert len(fake.requests) == 4


def test_the_cache_answers_repeats_and_survives_corruption(fake, tmp_path):
    serve_films(fake, AVENGERS)
    with make_client(fake, tmp_path) as client:
        client.movie(299536)
        client.movie(299536)
        assert len(fake.requests) == 1 and client.cache.hits == 1
    for path in (tmp_path / "cache").rglob("*.json"):
        path.write_text("{broken")
    with make_client(fake, tmp_path) as client:
        assert client.movie(299536)["id"] == 299536
    assert len(fake.requests) == 2


def test_cache_entries_expire(tmp_path):
    now = [100.0]
    cache = ResponseCache(tmp_path, ttl=60, clock=lambda: now[0])
    cache.put_json("k", "GET /x", {"a": 1})
    now[0] += 59
    assert cache.get_json("k") == {"a": 1}
    now[0] += 2
    assert cache.get_json("k") is None


# ------------------------------------------------------------------ lists and writing
def test_upcoming_reads_every_page_once_and_skips_unusable_films(fake, tmp_path):
    fake.set("/3/movie/upcoming", UPCOMING_PAGE_1, UPCOMING_PAGE_2)
    serve_films(fake, NO_US, ODD_CERT, NO_CERT, NO_DATE)
    with make_client(fake, tmp_path) as client:
        got = fetch_upcoming(client, region="us", pages=5)
    pages = [r["query"] for r in fake.requests if r["path"] == "/3/movie/upcoming"]
    assert [(q["page"], q["region"]) for q in pages] == [("1", "US"), ("2", "US")]
    assert (got.pages, got.total_pages) == (2, 2)
    assert [f.tmdb_id for f in got.films] == [1001, 1002, 1003]  # 1001 once
    assert got.skipped == ["TMDB film 1004 (Untitled Project) has no usable release date",
                           "TMDB film 1005: listed as upcoming but gone (HTTP 404)"]


def test_write_films_csv_with_posters(fake, tmp_path):
    serve_films(fake, AVENGERS, NO_US, NO_CERT)
    out = tmp_path / "out" / "films.csv"
    with make_client(fake, tmp_path) as client:
        got = fetch_films(client, [299536, 1001, 1003, 299536])
        written = write_films_csv(got.films, out, client)
    assert written["posters"] == {299536: "films_posters/299536.jpg"}
    assert (out.parent / "films_posters" / "299536.jpg").read_bytes() == jpeg()
    assert written["notes"] == ["Le Dernier Été (TMDB 1001): no poster on TMDB",
                                "Quiet Harbor (TMDB 1003): poster could not be downloaded as "
                                "an image"]
    frame, warnings = read_new_films(out)
    assert warnings == [] and list(frame["tmdb_id"]) == [299536, 1001, 1003]
    assert frame["poster_file"].iloc[0] == "films_posters/299536.jpg"
    image_requests = [r for r in fake.requests if r["path"].startswith("/t/p/")]
    assert image_requests and all("api_key" not in r["query"] and "Authorization"
                                  not in r["headers"] for r in image_requests)


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("failure", ["page 2 refuses the key", "a film keeps failing",
                                     "the poster host goes away"])
def test_a_run_failing_midway_writes_nothing(fake, tmp_path, failure):
    out = tmp_path / "films.csv"
    out.write_text("title,release_date\nOld,2020-01-01\n")
    (tmp_path / "films_posters").mkdir()
    (tmp_path / "films_posters" / "old.jpg").write_bytes(b"old")
    fake.set("/3/movie/upcoming", UPCOMING_PAGE_1, UPCOMING_PAGE_2)
    serve_films(fake, NO_US, ODD_CERT, NO_CERT, NO_DATE)
    if failure == "page 2 refuses the key":
        fake.set("/3/movie/upcoming", UPCOMING_PAGE_1, (401, {"status_message": "Nope"}, {}))
    elif failure == "a film keeps failing":
        fake.set("/3/movie/1003", (500, b"", {}))
    images = (f"http://127.0.0.1:{closed_port()}/t/p" if failure.startswith("the poster")
              else f"{fake.url}/t/p")
    with make_client(fake, tmp_path, image_url=images) as client, pytest.raises(FetchError):
        got = fetch_upcoming(client, pages=2)
        write_films_csv(got.films, out, client)
    assert out.read_text() == "title,release_date\nOld,2020-01-01\n"
    assert _leftovers(tmp_path / "films_posters") == ["old.jpg"]
    assert _leftovers(tmp_path) == ["cache", "films.csv", "films_posters"]  # no temp files


def test_writing_refuses_a_folder_and_nothing(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        write_films_csv([], tmp_path)
    with pytest.raises(InputError, match="no films to write"):
        write_films_csv([], tmp_path / "x.csv")


@pytest.mark.parametrize("header, seconds", [
    ("7", 7.0), ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0), ("soon", None), (None, None),
])
def test_retry_after_accepts_seconds_and_http_dates(header, seconds):
    from email.utils import parsedate_to_datetime

    from reelcast.fetch._http import retry_after_seconds

    now = parsedate_to_datetime("Wed, 21 Oct 2015 07:28:00 GMT").timestamp()
    assert retry_after_seconds(header, now=now) == seconds


@pytest.mark.parametrize("settings, message", [
    ({"api_url": "ftp://x"}, "api_url 'ftp://x' is not an http(s) URL"),
    ({"language": "english"}, "language 'english' is not a code"),
    ({"poster_size": "../x"}, "poster_size '../x' is not a TMDB size"),
    ({"retries": -1}, "retries -1 must be a number ≥ 0"),
    ({"rate": 0}, "rate 0 must be a whole number"),
    ({"cache_ttl": -5}, "cache ttl -5 must be"),
])
def test_bad_settings_are_named(tmp_path, settings, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        TMDBClient(V3_KEY, TMDBSettings(**({"cache_dir": tmp_path} | settings)))
