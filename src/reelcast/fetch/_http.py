"""Polite HTTP for remote sources: a rate limit, retries with backoff, timeouts, no leaked secrets.

Only this module talks to the network. Every request waits for the rate limiter; a 429 or a 5xx
answer and a network failure are retried with exponential backoff (a ``Retry-After`` header wins);
any other answer goes back to the caller. Secrets (an API key in a query string or a header) are
redacted from every message this module builds and from the records httpx logs.
"""

from __future__ import annotations

import email.utils
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable

from .._errors import FetchError, InputError, require

__all__ = ["PoliteHttp", "RateLimiter", "redact"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_SECRET_PATTERNS = (
    re.compile(r"(api_key=)[^&\s\"'<>]+", re.IGNORECASE),
    re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+"),
)


def redact(text: object, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with every secret and every ``api_key=…``/``Bearer …`` value replaced by ``***``."""
    out = str(text)
    for secret in secrets:
        if secret:
            out = out.replace(secret, "***")
    for pattern in _SECRET_PATTERNS:
        out = pattern.sub(r"\1***", out)
    return out


class _RedactingFilter(logging.Filter):
    """httpx logs each request's full URL at INFO, query string (and a v3 key) included."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


_FILTER = _RedactingFilter()
for _name in ("httpx", "httpcore"):
    if _FILTER not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_FILTER)


class RateLimiter:
    """At most ``rate`` requests in any window of ``per`` seconds (a sliding window; thread-safe).

    ``rate=None`` disables the limit. ``clock`` and ``sleep`` are injectable so tests check the
    waits without waiting.
    """

    def __init__(self, rate: int | None, per: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if rate is not None and (not isinstance(rate, int) or rate < 1):
            raise InputError(f"rate {rate!r} must be a whole number of requests ≥ 1 (or None)")
        if not per > 0:
            raise InputError(f"per {per!r} must be a positive number of seconds")
        self.rate, self.per, self._clock, self._sleep = rate, float(per), clock, sleep
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until one more request fits in the window; returns the seconds waited."""
        if self.rate is None:
            return 0.0
        waited = 0.0
        with self._lock:  # waiters queue behind the lock: the window is never overrun
            while True:
                now = self._clock()
                while self._stamps and now - self._stamps[0] >= self.per:
                    self._stamps.popleft()
                if len(self._stamps) < self.rate:
                    self._stamps.append(now)
                    return waited
                pause = self.per - (now - self._stamps[0])
                self._sleep(pause)
                waited += pause


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta seconds or an HTTP date); ``None``
    when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class PoliteHttp:
    """GET with a rate limit, retries on 429/5xx/network failures and timeouts.

    Parameters
    ----------
    service : str
        Name used in messages ("TMDB").
    rate, per : int or None, float
        At most ``rate`` requests per ``per`` seconds.
    retries : int
        Extra tries after the first for a 429, a 5xx or a network failure.
    backoff : float
        First wait in seconds; doubled after each failed try (``Retry-After`` overrides it).
    max_wait : float
        Longest single wait; a ``Retry-After`` above it fails at once instead of hanging.
    timeout : float
        Seconds for connecting and for each read.
    secrets : tuple of str
        Values removed from every message.
    clock, sleep, transport
        Injectable for tests (an ``httpx`` transport, e.g. ``httpx.MockTransport``).
    """

    def __init__(self, service: str, *, rate: int | None = 40, per: float = 10.0,
                 retries: int = 4, backoff: float = 1.0, max_wait: float = 60.0,
                 timeout: float = 15.0, secrets: tuple[str, ...] = (),
                 headers: dict | None = None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, transport=None):
        for name, value, low in (("retries", retries, 0), ("backoff", backoff, 0),
                                 ("max_wait", max_wait, 0), ("timeout", timeout, 1e-3)):
            if not (isinstance(value, int | float) and value >= low):
                raise InputError(f"{name} {value!r} must be a number ≥ {low}")
        httpx = require("httpx", "fetch")
        self._httpx = httpx
        self.service, self.retries, self.backoff, self.max_wait = service, int(retries), backoff, max_wait
        self._secrets = tuple(s for s in secrets if s)
        self._sleep = sleep
        self.limiter = RateLimiter(rate, per, clock=clock, sleep=sleep)
        self.requests_sent = 0
        self._client = httpx.Client(timeout=httpx.Timeout(timeout), headers=headers or {},
                                    transport=transport)

    def __repr__(self) -> str:  # never shows headers (a bearer token) or parameters (a key)
        return f"PoliteHttp({self.service!r}, retries={self.retries})"

    def close(self) -> None:
        self._client.close()

    def redact(self, text: object) -> str:
        return redact(text, self._secrets)

    def get(self, url: str, *, what: str, params: dict | None = None,
            headers: dict | None = None, follow_redirects: bool = False):
        """The response to ``GET url`` once it is not a 429/5xx (or the last try's).

        ``what`` names the request in messages (no secrets in it). Raises :class:`FetchError` for
        a network failure after the last try or a ``Retry-After`` longer than ``max_wait``.
        """
        httpx = self._httpx
        for attempt in range(self.retries + 1):
            self.limiter.wait()
            self.requests_sent += 1
            try:
                response = self._client.get(url, params=params, headers=headers,
                                            follow_redirects=follow_redirects)
            except httpx.HTTPError as exc:  # network failure, timeout, protocol error
                if attempt == self.retries:
                    host = httpx.URL(url).copy_with(path="/", query=None)
                    raise FetchError(
                        f"network failure: could not reach {self.service} at {host} for {what} "
                        f"after {attempt + 1} tries ({type(exc).__name__}: "
                        f"{self.redact(exc) or 'no detail'})") from None
                self._sleep(self._backoff(attempt))
                continue
            if response.status_code not in RETRY_STATUSES or attempt == self.retries:
                return response
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None and asked > self.max_wait:
                raise FetchError(f"{self.service} answered HTTP {response.status_code} for {what} "
                                 f"and asks to wait {asked:.0f} s, more than the {self.max_wait:.0f} "
                                 "s allowed; try again later", response.status_code)
            self._sleep(self._backoff(attempt) if asked is None else asked)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _backoff(self, attempt: int) -> float:
        return min(self.max_wait, self.backoff * 2 ** attempt)
