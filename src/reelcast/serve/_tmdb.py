"""TMDB on the web service (only when the server has a key): fill the form in from a TMDB id.

``GET /tmdb/{id}`` answers the mapped fields as JSON (a ``film`` that ``POST /forecast`` accepts);
``GET /tmdb?tmdb_id=N`` renders the page with the form filled in server-side, so it works without
JavaScript, and says which fields came from TMDB.
"""

from __future__ import annotations

import re
from html import escape

from .._errors import FetchError, InputError, ReelcastError
from ._page import render_page

__all__ = ["add_tmdb_routes", "film_json", "form_values", "http_status", "tmdb_box_html"]

# the JSON API's fields (FilmRequest); tmdb_id/imdb_id travel beside the film, not in it
_API_FIELDS = ("title", "release_date", "budget", "runtime", "original_language",
               "certification", "genres", "keywords", "cast", "directors", "writers",
               "companies", "collection", "overview", "tagline")


def http_status(exc: ReelcastError) -> int:
    """The status a TMDB failure gets here: TMDB's 404 stays 404; the server's own key refused,
    TMDB down or answering nonsense is a bad gateway (502); TMDB's rate limit is 503."""
    if isinstance(exc, FetchError):
        return {404: 404, 429: 503}.get(exc.status, 502)
    return 422


def tmdb_box_html(value: str = "") -> str:
    """A GET form: works without JavaScript, and its URL can be shared."""
    return f"""
<form method="get" action="/tmdb" id="tmdb-form">
<label for="tmdb_id">TMDB id</label><input type="text" id="tmdb_id" name="tmdb_id"
 inputmode="numeric" pattern="[0-9]+" placeholder="299536" value="{escape(value)}">
<button type="submit" id="tmdb-submit">Fill in from TMDB</button>
</form>"""


def film_json(film, client) -> dict:
    """The JSON answer: the film as ``POST /forecast`` takes it, and where each part came from."""
    return {"tmdb_id": film.tmdb_id, "imdb_id": film.imdb_id,
            "film": {k: v for k, v in film.record.items() if k in _API_FIELDS},
            "from_tmdb": film.fields, "release_date_source": film.release_source,
            "poster_url": client.poster_url(film.poster_path), "notes": list(film.notes)}


def form_values(film) -> dict:
    """The page form's values (text fields; genres as the checkboxes' ``|``-joined values)."""
    values = {}
    for field, value in film.record.items():
        if field == "genres":
            values[field] = "|".join(value)
        elif isinstance(value, list):
            values[field] = ", ".join(value)  # the page splits on commas and "|"
        else:
            values[field] = str(value)
    return values


def _notice(film, client, page_inputs: set[str]) -> str:
    shown = [f for f in film.fields if f in page_inputs]
    hidden = [f for f in film.fields if f not in page_inputs]
    ids = f"{film.tmdb_id}" + (f", {film.imdb_id}" if film.imdb_id else "")
    parts = [f"Filled in from TMDB ({escape(ids)}): {escape(', '.join(shown) or 'nothing')}. "
             f"The release date is the {escape(film.release_source)}."]
    if hidden:
        parts.append(f"This form has no input for {escape(', '.join(hidden))}; they are not "
                     "used here (the CLI's --tmdb-id uses them).")
    url = client.poster_url(film.poster_path)
    if url:
        parts.append(f'TMDB has a <a href="{escape(url)}" rel="noreferrer">poster</a>: upload '
                     "it below to use it.")
    notes = "".join(f"<li>{escape(n)}</li>" for n in film.notes)
    return (f'<div id="tmdb-filled"><p>{" ".join(parts)}</p>'
            + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


def add_tmdb_routes(app, product, client) -> None:
    """Add ``GET /tmdb/{id}`` and ``GET /tmdb`` to ``app`` (sync: they run in the threadpool)."""
    from fastapi.responses import HTMLResponse, JSONResponse

    from ..fetch import fetch_films

    def fetch(film_id: str):
        if not re.fullmatch(r"\s*\d{1,9}\s*", film_id or ""):
            raise InputError(f"tmdb_id {film_id[:40]!r} is not a positive whole number")
        return fetch_films(client, [film_id.strip()]).films[0]

    @app.get("/tmdb/{film_id}")
    def tmdb_film(film_id: str) -> dict:
        """The film TMDB has under this id, mapped to this API's fields (pre-release fields
        only), with its IMDb id, poster URL and notes on what was left blank."""
        try:
            return film_json(fetch(film_id), client)
        except ReelcastError as exc:
            return JSONResponse(status_code=http_status(exc),
                                content={"detail": str(exc).splitlines()[0]})

    @app.get("/tmdb", response_class=HTMLResponse, include_in_schema=False)
    def tmdb_page(tmdb_id: str = "") -> HTMLResponse:
        box = tmdb_box_html(tmdb_id)
        try:
            film = fetch(tmdb_id)
        except ReelcastError as exc:
            return HTMLResponse(render_page(product, {}, error=str(exc).splitlines()[0],
                                            extra=box), status_code=http_status(exc))
        values = form_values(film)
        # which fields the form shows, read from the form itself (its inputs may change)
        inputs = set(re.findall(r'name="([A-Za-z_]+)"', render_page(product, values)))
        return HTMLResponse(render_page(product, values,
                                        extra=box + _notice(film, client, inputs)))
