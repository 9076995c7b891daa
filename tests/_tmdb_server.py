"""A local stand-in for TMDB on 127.0.0.1: JSON shaped like TMDB's documented v3 answers.

The shapes follow the API reference (``/movie/{id}`` with ``append_to_response=credits,keywords,
release_dates,external_ids``, ``/movie/upcoming``, the error body ``{"success": false,
"status_code": 7, "status_message": ...}``); the films are written here for the tests. Each path
answers from a queue of replies (the last one repeats), so "503, then 200" is one line, and every
request is recorded with its query and headers.
"""

from __future__ import annotations

import io
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image

V3_KEY = "0123456789abcdef0123456789abcdef"
# shaped like a v4 read access token (header.payload.signature); not a real token
V4_TOKEN = ("eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiIwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIsInN1YiI6"
            "InRlc3QiLCJzY29wZXMiOlsiYXBpX3JlYWQiXSwidmVyc2lvbiI6MX0.c2lnbmF0dXJlLW5vdC1yZWFs")

INVALID_KEY = {"success": False, "status_code": 7,
               "status_message": "Invalid API key: You must be granted a valid key."}
NOT_FOUND = {"success": False, "status_code": 34,
             "status_message": "The resource you requested could not be found."}
RATE_LIMITED = {"success": False, "status_code": 25,
                "status_message": "Your request count (41) is over the allowed limit of 40."}


def _person(name, order=None, job=None, department=None):
    uid = zlib.crc32(name.encode())
    out = {"adult": False, "gender": 2, "id": uid % 10**7, "name": name, "original_name": name,
           "popularity": 12.5, "profile_path": None, "credit_id": f"5a{uid:022d}"}
    if order is not None:
        out |= {"known_for_department": "Acting", "cast_id": order + 10, "character": "Someone",
                "order": order}
    else:
        out |= {"known_for_department": department, "department": department, "job": job}
    return out


def _release(date, kind, cert="", note=""):
    return {"certification": cert, "descriptors": [], "iso_639_1": "", "note": note,
            "release_date": f"{date}T00:00:00.000Z", "type": kind}


def movie(film_id, title, *, budget=0, runtime=0, language="en", genres=(), collection=None,
          poster="/p{id}.jpg", primary="", releases=None, cast=(), crew=(), keywords=(),
          companies=(), overview="", tagline="", imdb=None) -> dict:
    """A ``/movie/{id}`` answer with the four appends, as TMDB documents it."""
    genre_ids = {"Action": 28, "Adventure": 12, "Drama": 18, "Science Fiction": 878,
                 "Horror": 27, "Comedy": 35, "Thriller": 53}
    return {
        "adult": False, "backdrop_path": None,
        "belongs_to_collection": None if collection is None else {
            "id": 86311, "name": collection, "poster_path": None, "backdrop_path": None},
        "budget": budget, "genres": [{"id": genre_ids.get(g, 99), "name": g} for g in genres],
        "homepage": "", "id": film_id, "imdb_id": imdb, "origin_country": ["US"],
        "original_language": language, "original_title": title, "overview": overview,
        # post-release numbers TMDB sends too: the mapping must never read them
        "popularity": 99.9, "revenue": 2_052_415_039, "vote_average": 8.2, "vote_count": 30000,
        "poster_path": None if poster is None else poster.format(id=film_id),
        "production_companies": [{"id": 420 + i, "logo_path": None, "name": c,
                                  "origin_country": "US"} for i, c in enumerate(companies)],
        "production_countries": [{"iso_3166_1": "US", "name": "United States of America"}],
        "release_date": primary, "runtime": runtime,
        "spoken_languages": [{"english_name": "English", "iso_639_1": "en", "name": "English"}],
        "status": "Post Production", "tagline": tagline, "title": title, "video": False,
        "credits": {"cast": list(cast), "crew": list(crew)},
        "keywords": {"keywords": [{"id": 9715 + i, "name": k} for i, k in enumerate(keywords)]},
        "release_dates": {"results": [
            {"iso_3166_1": country, "release_dates": dates}
            for country, dates in (releases or {}).items()]},
        "external_ids": {"imdb_id": imdb, "wikidata_id": None, "facebook_id": None,
                         "instagram_id": None, "twitter_id": None},
    }


AVENGERS = movie(
    299536, "Avengers: Infinity War", budget=300_000_000, runtime=149,
    genres=("Adventure", "Action", "Science Fiction"), collection="The Avengers Collection",
    poster="/7WsyChQLEftFiDOVTGkv3hFpyyt.jpg", primary="2018-04-25", imdb="tt4154756",
    releases={"GB": [_release("2018-04-26", 3, "12A")],
              "US": [_release("2018-04-27", 3, "PG-13"), _release("2018-04-23", 1, "PG-13",
                                                                   "Los Angeles premiere"),
                     _release("2018-08-14", 4, "PG-13")]},
    cast=[_person("Chris Hemsworth", 2), _person("Robert Downey Jr.", 0),
          _person("Josh Brolin", 5), _person("Mark Ruffalo", 3), _person("Chris Evans", 4),
          _person("Chris Pratt", 6), _person("Scarlett Johansson", 7)],
    crew=[_person("Kevin Feige", job="Producer", department="Production"),
          _person("Stan Lee", job="Characters", department="Writing"),
          _person("Stephen McFeely", job="Screenplay", department="Writing"),
          _person("Anthony Russo", job="Director", department="Directing"),
          _person("Jim Starlin", job="Characters", department="Writing"),
          _person("Christopher Markus", job="Screenplay", department="Writing"),
          _person("Joe Russo", job="Director", department="Directing"),
          _person("Trent Opaloch", job="Director of Photography", department="Camera")],
    keywords=("sacrifice", "superhero", "based on comic", "sequel", "super power"),
    companies=("Marvel Studios",), tagline="An entire universe. Once and for all.",
    overview="As the Avengers and their allies have continued to protect the world from threats "
             "too large for any one hero to handle, a new danger has emerged from the cosmic "
             "shadows: Thanos.")

# budget 0 and runtime 0 (unknown), no poster, no US release (only France), no collection
NO_US = movie(1001, "Le Dernier Été", language="fr", genres=("Drama",), poster=None,
              primary="2026-03-11", releases={"FR": [_release("2026-03-11", 3, "U")]},
              cast=[_person("Actrice Une", 0)], overview="Un été à la mer.")
# a US limited release whose certification is not an MPAA rating
ODD_CERT = movie(1002, "Night Shift Blues", budget=4_000_000, runtime=98, genres=("Horror",),
                 primary="2026-05-01",
                 releases={"US": [_release("2026-06-05", 2, "Not Rated"),
                                  _release("2026-09-01", 4, "")]},
                 crew=[_person("Ann Writer", job="Novel", department="Writing"),
                       _person("Bo Writer", job="Screenplay", department="Writing"),
                       _person("Cy Writer", job="Story", department="Writing"),
                       _person("Di Writer", job="Writer", department="Writing")],
                 keywords=("night", "hospital"))
# a US theatrical release with no certification yet; its poster is not an image on the host
NO_CERT = movie(1003, "Quiet Harbor", budget=60_000_000, runtime=112, genres=("Thriller", "Drama"),
                primary="2026-07-10", poster="/broken.jpg",
                releases={"US": [_release("2026-07-17", 3, "")]}, imdb="tt9999001")
# no release date anywhere: skipped from the upcoming list
NO_DATE = movie(1004, "Untitled Project", primary="", releases={})

UPCOMING_PAGE_1 = {"dates": {"maximum": "2026-08-01", "minimum": "2026-03-01"}, "page": 1,
                   "results": [{"adult": False, "id": i, "title": t, "genre_ids": [18],
                                "poster_path": None, "release_date": "2026-06-01",
                                "popularity": 10.0, "vote_average": 0.0, "vote_count": 0}
                               for i, t in ((1001, "Le Dernier Été"), (1002, "Night Shift Blues"),
                                            (1003, "Quiet Harbor"))],
                   "total_pages": 2, "total_results": 5}
UPCOMING_PAGE_2 = {**UPCOMING_PAGE_1, "page": 2, "results": [
    {"adult": False, "id": i, "title": "x", "genre_ids": [], "poster_path": None,
     "release_date": "2026-07-01", "popularity": 1.0, "vote_average": 0.0, "vote_count": 0}
    for i in (1004, 1005, 1001)]}  # 1005 is gone (404); 1001 moved here from page 1


def jpeg(color=(200, 40, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 60), color).save(buf, "JPEG")
    return buf.getvalue()


class FakeTMDB:
    """``routes``: path → list of ``(status, body, headers)``; the last reply repeats."""

    def __init__(self, key: str | None = None):
        self.key = key  # when set, requests without it (v3 param or v4 bearer) get a 401
        self.routes: dict[str, list] = {}
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                fake._answer(self)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # a short poll: shutdown() waits for the loop to notice, 0.5 s by default
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def set(self, path: str, *replies) -> None:
        self.routes[path] = [r if isinstance(r, tuple) else (200, r, {}) for r in replies]

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]

    def _answer(self, handler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            self.requests.append({"path": parts.path, "query": query,
                                  "headers": dict(handler.headers)})
            queue = self.routes.get(parts.path)
            reply = (404, NOT_FOUND, {}) if not queue else (queue.pop(0) if len(queue) > 1
                                                             else queue[0])
        is_api = parts.path.startswith("/3/")
        if is_api and self.key is not None and not self._authorised(query, handler.headers):
            reply = (401, INVALID_KEY, {})
        status, body, headers = reply
        headers = dict(headers)
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _authorised(self, query: dict, headers) -> bool:
        return (query.get("api_key") == self.key
                or headers.get("Authorization") == f"Bearer {self.key}")


def serve_films(fake: FakeTMDB, *films) -> None:
    """Serve the films' details and a JPEG for each poster path (``/broken.jpg`` is HTML)."""
    for film in films:
        fake.set(f"/3/movie/{film['id']}", film)
        if film["poster_path"] == "/broken.jpg":
            fake.set("/t/p/w500/broken.jpg", (200, b"<html>oops</html>",
                                              {"Content-Type": "text/html"}))
        elif film["poster_path"]:
            fake.set(f"/t/p/w500{film['poster_path']}", (200, jpeg(), {"Content-Type": "image/jpeg"}))
