"""A TMDB API v3 client: one film's details, the upcoming list and posters, cached and polite.

The key is a v3 API key (32 hex characters, sent as the ``api_key`` query parameter) or a v4 read
access token (a JWT, sent as ``Authorization: Bearer``). It is never printed, logged, cached or put
in a message. Base URLs come from the settings, else ``TMDB_API_URL``/``TMDB_IMAGE_URL``, else
TMDB's public hosts; tests point them at a server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .._errors import FetchError, InputError
from ._cache import ResponseCache, default_cache_dir
from ._http import RETRY_STATUSES, PoliteHttp

__all__ = ["TMDBClient", "TMDBSettings", "resolve_api_key", "KEY_ENV", "API_URL_ENV",
           "IMAGE_URL_ENV"]

KEY_ENV, API_URL_ENV, IMAGE_URL_ENV = "TMDB_API_KEY", "TMDB_API_URL", "TMDB_IMAGE_URL"
DEFAULT_API_URL = "https://api.themoviedb.org/3"
DEFAULT_IMAGE_URL = "https://image.tmdb.org/t/p"
DETAIL_APPENDS = "credits,keywords,release_dates,external_ids"
MAX_POSTER_BYTES = 10_000_000
_MAX_ID = 10**9
# a poster path is used in a URL only when it looks like TMDB's ("/<letters and digits>.jpg")
_POSTER_PATH = re.compile(r"^/[A-Za-z0-9_-]{1,100}\.(jpe?g|png|webp)$", re.IGNORECASE)
_IMAGE_MAGIC = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"))


def resolve_api_key(value: str | None = None) -> str:
    """The key from ``value``, else ``$TMDB_API_KEY``; raises :class:`InputError` when neither.

    The message describes the key by its length only.
    """
    key = (value if value is not None else os.environ.get(KEY_ENV, "")).strip()
    if not key:
        raise InputError(f"no TMDB API key: set {KEY_ENV} or pass --api-key (a free key comes with "
                         "a TMDB account: https://www.themoviedb.org/settings/api)")
    if not (16 <= len(key) <= 4096 and re.fullmatch(r"[A-Za-z0-9._~+/=-]+", key)):
        raise InputError(f"the TMDB API key ({len(key)} characters) is neither a v3 API key "
                         "(32 hexadecimal characters) nor a v4 read access token")
    return key


def is_bearer_token(key: str) -> bool:
    """A v4 read access token is a JWT: three dot-separated base64url parts, far longer than a
    32-character v3 key."""
    return key.count(".") == 2 and len(key) > 64


def tmdb_id(value) -> int:
    """A TMDB film id as a positive int, or :class:`InputError` naming the value."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 0 < int(text) < _MAX_ID:
        raise InputError(f"TMDB id {value!r} is not a positive whole number")
    return int(text)


@dataclass(frozen=True)
class TMDBSettings:
    """How the client talks to TMDB (defaults suit the public API; tests shrink the waits).

    ``rate`` requests per ``per_seconds`` stays under TMDB's published limit (about 40 per 10 s
    was the old hard limit; the current one is higher). ``cache_dir=None`` uses
    :func:`default_cache_dir`; ``cache=False`` turns the cache off.
    """

    api_url: str | None = None
    image_url: str | None = None
    language: str = "en-US"
    poster_size: str = "w500"
    rate: int | None = 40
    per_seconds: float = 10.0
    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 60.0
    timeout: float = 15.0
    cache: bool = True
    cache_dir: str | os.PathLike | None = None
    cache_ttl: float = 86_400.0

    def urls(self) -> tuple[str, str]:
        api = self.api_url or os.environ.get(API_URL_ENV) or DEFAULT_API_URL
        image = self.image_url or os.environ.get(IMAGE_URL_ENV) or DEFAULT_IMAGE_URL
        for name, url in (("api_url", api), ("image_url", image)):
            if not re.match(r"^https?://[^\s/?#]+", url):
                raise InputError(f"TMDB {name} {url!r} is not an http(s) URL")
        return api.rstrip("/"), image.rstrip("/")


class TMDBClient:
    """Reads TMDB: ``movie(id)``, ``upcoming(region, page)`` and ``poster(path)``.

    Examples
    --------
    >>> with TMDBClient(resolve_api_key()) as tmdb:          # doctest: +SKIP
    ...     details = tmdb.movie(299536)
    """

    def __init__(self, api_key: str, settings: TMDBSettings | None = None, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.settings = settings or TMDBSettings()
        s = self.settings
        self.api_url, self.image_url = s.urls()
        if not re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", s.language or ""):
            raise InputError(f"language {s.language!r} is not a code such as 'en-US'")
        if not re.fullmatch(r"w\d{2,4}|original", s.poster_size or ""):
            raise InputError(f"poster_size {s.poster_size!r} is not a TMDB size such as 'w500'")
        self._bearer = is_bearer_token(api_key)
        self._auth_params = {} if self._bearer else {"api_key": api_key}
        auth_headers = {"Authorization": f"Bearer {api_key}"} if self._bearer else {}
        self._http = PoliteHttp(
            "TMDB", rate=s.rate, per=s.per_seconds, retries=s.retries, backoff=s.backoff,
            max_wait=s.max_wait, timeout=s.timeout, secrets=(api_key,), clock=clock, sleep=sleep,
            headers={"Accept": "application/json", "User-Agent": "reelcast (TMDB client)"})
        self._auth_headers = auth_headers
        folder = (Path(s.cache_dir) if s.cache_dir is not None else default_cache_dir()) \
            if s.cache else None
        self.cache = ResponseCache(folder, s.cache_ttl)

    def __repr__(self) -> str:
        kind = "v4 token" if self._bearer else "v3 key"
        return f"TMDBClient(api_url={self.api_url!r}, auth={kind})"

    def __enter__(self) -> TMDBClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def requests_sent(self) -> int:
        return self._http.requests_sent

    # ---------------------------------------------------------------- JSON endpoints
    def movie(self, film_id) -> dict:
        """``/movie/{id}`` with credits, keywords, release dates and external ids appended."""
        film_id = tmdb_id(film_id)
        return self._json(f"/movie/{film_id}", {"append_to_response": DETAIL_APPENDS},
                          not_found=f"TMDB has no film with id {film_id}")

    def upcoming(self, region: str = "US", page: int = 1) -> dict:
        """One page of ``/movie/upcoming`` (20 films) for ``region``."""
        region = str(region).strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", region):
            raise InputError(f"region {region!r} is not a two-letter country code such as 'US'")
        if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= 500:
            raise InputError(f"page {page!r} must be a whole number from 1 to 500")
        return self._json("/movie/upcoming", {"region": region, "page": page},
                          not_found="TMDB has no upcoming list")

    def _json(self, path: str, params: dict, *, not_found: str) -> dict:
        params = {**params, "language": self.settings.language}
        what = f"GET {path}"
        key = ResponseCache.key("json", self.api_url, path, params)
        cached = self.cache.get_json(key)
        if isinstance(cached, dict):
            return cached
        response = self._http.get(f"{self.api_url}{path}", what=what,
                                  params={**params, **self._auth_params},
                                  headers=self._auth_headers)
        status = response.status_code
        if status == 401:
            raise FetchError(f"TMDB refused the API key (HTTP 401: {self._message(response)}); "
                             f"check {KEY_ENV} or --api-key", 401)
        if status == 404:
            raise FetchError(f"{not_found} (HTTP 404)", 404)
        if status != 200:
            tries = f" after {self._http.retries + 1} tries" if status in RETRY_STATUSES else ""
            raise FetchError(f"TMDB answered HTTP {status} for {what}{tries}: "
                             f"{self._message(response)}", status)
        try:
            body = json.loads(response.content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FetchError(f"TMDB answered {what} with malformed JSON "
                             f"({self._http.redact(exc)})") from None
        if not isinstance(body, dict):
            raise FetchError(f"TMDB answered {what} with a JSON {type(body).__name__}, "
                             "not an object")
        self.cache.put_json(key, f"{what}?{_query(params)}", body)
        return body

    def _message(self, response) -> str:
        """TMDB's ``status_message`` (or the start of the body), one line, redacted."""
        try:
            text = str(json.loads(response.content).get("status_message") or "")
        except (ValueError, UnicodeDecodeError, AttributeError):
            text = response.content[:200].decode("utf-8", "replace")
        text = " ".join(text.split())[:200]
        return self._http.redact(text) or "no message"

    # ---------------------------------------------------------------- images
    def poster_url(self, poster_path: str | None) -> str | None:
        """The public URL of a poster (no key in it), or ``None`` for a missing/odd path."""
        if not isinstance(poster_path, str) or not _POSTER_PATH.match(poster_path):
            return None
        return f"{self.image_url}/{self.settings.poster_size}{poster_path}"

    def poster(self, poster_path: str | None) -> tuple[bytes, str] | None:
        """``(image bytes, file suffix)`` of a poster, or ``None`` when TMDB has no usable one
        (no path, a 404, or bytes that are not a JPEG/PNG). A network failure raises."""
        url = self.poster_url(poster_path)
        if url is None:
            return None
        key = ResponseCache.key("image", url)
        data = self.cache.get_bytes(key)
        if data is None:
            # the image host needs no key: none is sent there
            response = self._http.get(url, what=f"GET poster {poster_path}",
                                      follow_redirects=True)
            if response.status_code != 200:
                return None
            data = response.content
            if not data or len(data) > MAX_POSTER_BYTES or _suffix(data) is None:
                return None
            self.cache.put_bytes(key, data)
        suffix = _suffix(data)
        return (data, suffix) if suffix else None


def _suffix(data: bytes) -> str | None:
    for magic, suffix in _IMAGE_MAGIC:
        if data.startswith(magic):
            return suffix
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return None


def _query(params: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()))
