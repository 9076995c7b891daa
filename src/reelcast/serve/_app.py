"""The FastAPI application: JSON, CSV batch and poster endpoints plus the server-rendered page."""

# no `from __future__ import annotations`: FastAPI resolves the endpoint annotations at runtime,
# and they name classes imported inside create_app

import functools
import hashlib
import os
import threading
from pathlib import Path

from .._errors import ImageError, InputError, ReelcastError, require

__all__ = ["LIMITS", "create_app", "decode_poster", "sniff_image"]

LIMITS = {
    "max_body_bytes": 12_000_000,     # whole request; checked from Content-Length first
    "max_poster_bytes": 10_000_000,
    "max_poster_pixels": 25_000_000,  # checked from the header before decoding (bombs)
    "max_csv_bytes": 5_000_000,
    "max_batch_rows": 1_000,
}

# forecasts one server process computes at once (each already uses a second thread for TreeSHAP).
# FastAPI runs every request on one of 40 pool threads; 40 threads running the model's Python at
# once spent their time trading the GIL. Load test, 50 clients x 30 s, 2 cores, three rounds side
# by side without a slot: 2 workers 30.7 -> 39.4 req/s (medians), p95 4.1 -> 1.9 s; 1 worker
# 26.7 -> 26.8 req/s
FORECAST_SLOTS = 1

_MAGIC = ((b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF87a", "gif"),
          (b"GIF89a", "gif"))


def sniff_image(data: bytes) -> str:
    """The image type from its first bytes (the client's content type is not trusted)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    raise ImageError(f"poster: content is not a JPEG, PNG, GIF or WebP image (starts with "
                     f"{data[:8]!r})")


def read_upload(upload, limit: int, field: str) -> bytes:
    """Read at most ``limit`` bytes of an upload; more is refused, not truncated."""
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{field}: upload is larger than the limit of {limit:,} bytes")
    return data


def poster_info(data: bytes, max_pixels: int) -> dict:
    """Validate poster bytes fully in memory; return what the forecast reports about it."""
    return decode_poster(data, max_pixels)[0]


def decode_poster(data: bytes, max_pixels: int):
    """Validate and decode poster bytes in memory: ``(info, RGB image)``."""
    from ..vision import load_image_bytes

    if not data:
        raise ImageError("poster: the uploaded file is empty (0 bytes)")
    kind = sniff_image(data)
    img = load_image_bytes(data, name="poster", max_pixels=max_pixels)
    info = {"format": kind, "width": img.width, "height": img.height, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}
    return info, img


def _in_slot(fn, slot):
    """``fn`` run only while holding ``slot`` (a semaphore); callers wait for it."""
    @functools.wraps(fn)
    def held(*args, **kwargs):
        with slot:
            return fn(*args, **kwargs)
    return held


def create_app(model_dir: str | Path, *, limits: dict | None = None, tmdb=None):
    """Build the app for ``model_dir``; raises ``ArtifactError`` if its hashes do not verify.

    With ``tmdb`` (a ``reelcast.fetch.TMDBClient``) the page gets a "TMDB id" box and the app
    ``GET /tmdb/{id}`` and ``GET /tmdb?tmdb_id=N`` (see ``_tmdb.py``)."""
    fastapi = require("fastapi", "serve")
    from fastapi import File, Form, Request, UploadFile
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse
    from starlette.concurrency import run_in_threadpool

    from ..forecast import forecast_batch, forecast_film, load_product_model, read_new_films
    from ._page import form_to_record, render_page
    from ._posters import PosterStore
    from ._schemas import FilmRequest

    lim = {**LIMITS, **(limits or {})}
    # every model call of every endpoint waits for a slot; /health and /model never do
    slot = threading.BoundedSemaphore(FORECAST_SLOTS)
    forecast_film, forecast_batch = (_in_slot(f, slot) for f in (forecast_film, forecast_batch))
    product = load_product_model(model_dir)  # verify() first: a tampered model never serves
    app = fastapi.FastAPI(
        title="reelcast", version=str(product.manifest.get("versions", {}).get("reelcast", "")),
        description="Pre-release worldwide box-office forecasts with conformal intervals, "
                    "comparable earlier films, TreeSHAP explanations, a predicted rating, "
                    "genre probabilities (overview and/or poster) and the nearest recent hits.",
        # the interactive docs load Swagger UI / ReDoc from a CDN: blank offline, so they are
        # not served; the OpenAPI document itself is at /openapi.json
        docs_url=None, redoc_url=None)
    app.state.product = product
    tmdb_box = ""
    if tmdb is not None:
        from ._tmdb import add_tmdb_routes, tmdb_box_html

        add_tmdb_routes(app, product, tmdb)
        tmdb_box = tmdb_box_html()

    @app.exception_handler(ReelcastError)
    async def _reelcast_error(request, exc):  # bad input is the client's: 422, never a 500
        return JSONResponse(status_code=422, content={"detail": str(exc).splitlines()[0]})

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request, exc):
        # FastAPI's default echoes the offending input, which fails to encode for NaN/Infinity
        # (a 500); name the field and the problem in one line instead, without the raw value
        parts = []
        for err in exc.errors()[:3]:
            field = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
            parts.append(f"{field}: {err.get('msg', 'invalid')}")
        return JSONResponse(status_code=422, content={"detail": "; ".join(parts) or "invalid"})

    @app.middleware("http")
    async def _body_limit(request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > lim["max_body_bytes"]):
            return JSONResponse(status_code=413, content={
                "detail": f"request body is larger than {lim['max_body_bytes']:,} bytes"})
        return await call_next(request)

    @app.get("/health")
    def health() -> dict:
        """Liveness plus what the loaded model offers; ``pid`` is the server process that
        answered (with ``reelcast serve --workers N`` each worker has its own)."""
        return {"status": "ok", "pid": os.getpid(), "intervals": product.intervals is not None,
                "comparables": product.comparables is not None,
                "rating": product.rating is not None, "genres": product.genres is not None,
                "hits": product.hits is not None,
                "n_features": len(product.manifest.get("features", []))}

    @app.get("/model")
    def model() -> dict:
        """The model directory's manifest (versions, features, metrics, file hashes)."""
        return product.manifest

    @app.post("/forecast")
    def forecast(film: FilmRequest) -> dict:
        """Forecast one film: point, 80%/95% intervals, comparables, explanation, predicted
        rating, genre probabilities (with an overview) and the nearest recent hits."""
        return forecast_film(product, film.model_dump(exclude_none=True)).to_dict()

    @app.post("/forecast/batch")
    def batch(file: UploadFile = File(..., description="CSV in the new-film format")) -> dict:
        """Forecast every film of a CSV upload (point and intervals)."""
        data = read_upload(file, lim["max_csv_bytes"], "file")
        films, warnings = read_new_films(data, max_rows=lim["max_batch_rows"],
                                         max_bytes=lim["max_csv_bytes"])
        # a CSV's poster column is a path on the client's machine: never opened here
        return {"forecasts": forecast_batch(product, films), "warnings": warnings}

    @app.post("/forecast/poster")
    def with_poster(
        poster: UploadFile = File(..., description="JPEG, PNG, GIF or WebP poster"),
        title: str = Form(..., max_length=300), release_date: str = Form(...),
        budget: str | None = Form(None), runtime: str | None = Form(None),
        original_language: str | None = Form(None), certification: str | None = Form(None),
        genres: str | None = Form(None), keywords: str | None = Form(None),
        cast: str | None = Form(None), directors: str | None = Form(None),
        writers: str | None = Form(None), companies: str | None = Form(None),
        collection: str | None = Form(None), tagline: str | None = Form(None, max_length=2_000),
        overview: str | None = Form(None, max_length=20_000),
        distributor: str | None = Form(None, max_length=200),
        story_source: str | None = Form(None, max_length=200),
        creative_type: str | None = Form(None, max_length=200),
        production_method: str | None = Form(None, max_length=200),
        opening_theaters: str | None = Form(None, max_length=40),
    ) -> dict:
        """Forecast one film with its poster (multipart form; lists are ``|``-separated)."""
        info, image = decode_poster(read_upload(poster, lim["max_poster_bytes"], "poster"),
                                    lim["max_poster_pixels"])
        record = {"title": title, "release_date": release_date, "budget": budget,
                  "runtime": runtime, "original_language": original_language,
                  "certification": certification, "genres": genres, "keywords": keywords,
                  "cast": cast, "directors": directors, "writers": writers,
                  "companies": companies, "collection": collection, "tagline": tagline,
                  "overview": overview, "distributor": distributor,
                  "story_source": story_source, "creative_type": creative_type,
                  "production_method": production_method, "opening_theaters": opening_theaters,
                  "poster": f"upload:{info['sha256'][:16]}"}
        out = forecast_film(product, {k: v for k, v in record.items() if v not in (None, "")},
                            poster_image=image).to_dict()
        return {**out, "poster": info}

    posters = PosterStore()

    def _page_forecast(values: dict, upload):
        record = form_to_record(values)
        kept = None
        if upload is not None and not isinstance(upload, str) and upload.filename:
            data = read_upload(upload, lim["max_poster_bytes"], "poster")
            info, _ = decode_poster(data, lim["max_poster_pixels"])
            posters.put(info, data)
            kept = posters.get(info["sha256"][:16])
        elif not values.get("poster_remove"):
            kept = posters.get(values.get("poster_id"))
            if kept is None and values.get("poster_id"):
                values["_notice"] = ("the poster of this link is no longer on the server; "
                                     "forecast without it (upload it again to use it)")
        info = image = None
        if kept is not None:
            info, data = kept
            _, image = decode_poster(data, lim["max_poster_pixels"])
            record["poster"] = f"upload:{info['id']}"
        return forecast_film(product, record, poster_image=image), info

    async def _render(values: dict, upload) -> HTMLResponse:
        try:
            # the model is CPU-bound: keep it off the event loop
            result, info = await run_in_threadpool(_page_forecast, values, upload)
        except ReelcastError as exc:
            kept = posters.get(values.get("poster_id"))
            return HTMLResponse(render_page(product, values, error=str(exc).splitlines()[0],
                                            poster=kept[0] if kept else None, extra=tmdb_box),
                                status_code=422)
        notice = values.pop("_notice", None)
        return HTMLResponse(render_page(product, values, result=result, poster=info,
                                        error=notice, extra=tmdb_box))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request) -> HTMLResponse:
        query = request.query_params
        if not query.get("title") and not query.get("release_date"):
            return HTMLResponse(render_page(product, extra=tmdb_box))
        # a shared result link: the inputs are in the query
        values = {k: v for k, v in query.multi_items() if k != "genres"}
        values["genres"] = "|".join(query.getlist("genres"))
        return await _render(values, None)

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def page_submit(request: Request) -> HTMLResponse:
        form = await request.form(max_files=1, max_fields=50)
        values = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "genres"}
        values["genres"] = "|".join(v for k, v in form.multi_items()
                                    if k == "genres" and isinstance(v, str))
        return await _render(values, form.get("poster"))

    return app
