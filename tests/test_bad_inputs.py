"""One catalogue of malformed inputs at every boundary: each gets its documented error, never a crash.

Boundaries: the source CSV readers (``reelcast.data``), the new-film CSV format
(``read_new_films``), the ``reelcast predict`` / ``forecast`` commands, the JSON API and the image
loader. A row names the input, the expected outcome (an error type, an HTTP status, a CLI exit code,
or ``None`` for "accepted") and a fragment the one-line message must contain (field and value).

Documented choices the table pins down:

* extra columns: the new-film reader ignores them and returns a warning naming them; the source
  readers ignore them silently; the JSON API refuses unknown fields (422 naming the field), so a
  misspelt ``"budjet"`` or a ``"poster"`` path is never silently dropped or opened;
* a JSON body that is not UTF-8 at all gets FastAPI's own 400 ("There was an error parsing the
  body") before any field is read; every other malformed body is a 422;
* duplicate titles in a new-film CSV are two forecasts (ids are assigned ``new:0``, ``new:1``);
  duplicate ids in a source table keep the first row and are counted in ``duplicates_dropped``;
* release dates in the future are accepted (forecasting them is the point); dates outside
  1900–2100 are refused;
* a UTF-8 byte-order mark is accepted; Latin-1 and UTF-16 files are refused (say "UTF-8").
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from _tiny_product import tiny_model_dir
from PIL import Image

from reelcast import DataFileError, ImageError, InputError, ReelcastError, SchemaError
from reelcast.cli import main
from reelcast.data import read_the_numbers, read_tmdb5000
from reelcast.data._sources_boxoffice import THE_NUMBERS
from reelcast.data._sources_tmdb import TMDB5000_CREDITS, TMDB5000_MOVIES
from reelcast.forecast._input import read_new_films
from reelcast.vision import load_image

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from reelcast.serve import create_app  # noqa: E402


@dataclass(frozen=True)
class Case:
    """One malformed (or borderline) input and what must happen to it."""

    id: str
    kind: str           # source | newfilm | cli_predict | cli_forecast | api | batch | image
    payload: Any        # bytes / text / dict / callable building the input
    expect: Any         # exception type, HTTP status, CLI exit code, or None for "accepted"
    fragment: str = ""  # text the one-line message must contain


# --------------------------------------------------------------------------------------------
# input builders
# --------------------------------------------------------------------------------------------
NUMBERS_HEADER = "id,release_date,movie,production_budget,domestic_gross,worldwide_gross\n"
NUMBERS_ROW = '1,"Dec 18, 2009",Star Voyage,"$250,000,000","$310,000,000","$950,000,000"\n'
NEW_HEADER = "title,release_date,budget\n"


def _jpeg(size=(40, 60), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, 120 if mode in ("L", "P") else (10, 200, 30) if mode == "RGB"
              else (10, 20, 30, 40)).save(buf, "JPEG")
    return buf.getvalue()


def _png(size=(40, 60), mode="RGB", color: Any = (200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, "PNG")
    return buf.getvalue()


def _huge_png_header(width=20_000, height=20_000) -> bytes:
    """A valid PNG signature and IHDR claiming 20000×20000 pixels with a token IDAT: a bomb that
    costs nothing to build; the loader must refuse it from the header, before decoding."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def _palette_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 30), (0, 0, 255)).convert("P", palette=Image.Palette.ADAPTIVE).save(
        buf, "PNG")
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# the catalogue
# --------------------------------------------------------------------------------------------
BIG_CELL = "x" * 10_000_000  # a 10 MB text cell
CASES: list[Case] = [
    # ---- source readers (The Numbers; TMDB 5000 for lists and ids) -------------------------
    Case("source-missing-file", "source", None, DataFileError, "not found"),
    Case("source-zero-bytes", "source", b"", DataFileError, "empty"),
    Case("source-gzip-of-nothing", "source", gzip.compress(b""), DataFileError, "no header"),
    Case("source-not-gzip", "source", b"plain text named .csv.gz", DataFileError, "cannot read"),
    Case("source-header-only", "source", gzip.compress(NUMBERS_HEADER.encode()), DataFileError,
         "header but no rows"),
    Case("source-missing-column", "source",
         gzip.compress(b"id,release_date,movie\n1,2009-01-01,X\n"), SchemaError,
         "'production_budget'"),
    Case("source-latin1", "source",
         gzip.compress((NUMBERS_HEADER + NUMBERS_ROW.replace("Star", "Sté")).encode("latin-1")),
         DataFileError, "cannot read"),
    Case("source-utf16", "source", gzip.compress((NUMBERS_HEADER + NUMBERS_ROW).encode("utf-16")),
         DataFileError, "cannot read"),
    Case("source-bom-accepted", "source",
         gzip.compress(b"\xef\xbb\xbf" + (NUMBERS_HEADER + NUMBERS_ROW).encode()), None),
    Case("source-extra-columns-ignored", "source",
         gzip.compress((NUMBERS_HEADER.strip() + ",mood\n" + NUMBERS_ROW.strip() + ",ok\n")
                       .encode()), None),
    Case("source-broken-quoting", "source",
         gzip.compress((NUMBERS_HEADER + '1,"Dec 18, 2009,Star,$1,$2,$3\n').encode()),
         DataFileError, "cannot read"),
    Case("source-unparseable-values-counted", "source",
         gzip.compress((NUMBERS_HEADER + "1,someday,X,lots,nan,inf\n").encode()), None),
    Case("source-10mb-cell", "source",
         gzip.compress((NUMBERS_HEADER + f'1,"Dec 18, 2009",{BIG_CELL},$1,$2,$3\n').encode()),
         None),
    Case("tmdb-broken-list-and-duplicate-id", "tmdb", None, None),
    # ---- new-film CSV (read_new_films) -----------------------------------------------------
    Case("new-empty", "newfilm", b"", InputError, "empty"),
    Case("new-whitespace-only", "newfilm", b"  \n\n", InputError, "empty"),
    Case("new-latin1", "newfilm", (NEW_HEADER + "Café,2026-01-01,1\n").encode("latin-1"),
         InputError, "UTF-8"),
    Case("new-utf16", "newfilm", (NEW_HEADER + "X,2026-01-01,1\n").encode("utf-16"), InputError,
         "UTF-8"),
    Case("new-bom-accepted", "newfilm", b"\xef\xbb\xbf" + (NEW_HEADER + "X,2026-01-01,1\n")
         .encode(), None),
    Case("new-missing-release-date", "newfilm", b"title,budget\nX,1\n", SchemaError,
         "release_date"),
    # refused like an unknown key of the HTTP body or of --film JSON (one input contract)
    Case("new-extra-column-refused", "newfilm", b"title,release_date,mood\nX,2026-01-01,glum\n",
         SchemaError, "mood"),
    Case("new-duplicate-titles-both-kept", "newfilm",
         b"title,release_date\nTwin,2026-01-01\nTwin,2026-01-01\n", None),
    Case("new-duplicate-column", "newfilm", b"title,release_date,title\nX,2026-01-01,Y\n",
         SchemaError, "repeats"),
    Case("new-negative-budget", "newfilm", b"title,release_date,budget\nX,2026-01-01,-1\n",
         InputError, "budget '-1' must not be negative"),
    Case("new-absurd-budget", "newfilm",
         b"title,release_date,budget\nX,2026-01-01,\"$20,000,000,000\"\n", InputError,
         "budget '$20,000,000,000'"),
    Case("new-budget-text", "newfilm", b"title,release_date,budget\nX,2026-01-01,lots\n",
         InputError, "budget 'lots'"),
    Case("new-budget-nan", "newfilm", b"title,release_date,budget\nX,2026-01-01,NaN\n",
         InputError, "budget 'NaN'"),
    Case("new-budget-inf", "newfilm", b"title,release_date,budget\nX,2026-01-01,-inf\n",
         InputError, "budget '-inf'"),
    Case("new-runtime-inf", "newfilm", b"title,release_date,runtime\nX,2026-01-01,inf\n",
         InputError, "runtime 'inf'"),
    Case("new-future-date-accepted", "newfilm", b"title,release_date\nX,2031-12-24\n", None),
    Case("new-date-unparseable", "newfilm", b"title,release_date\nX,next summer\n", InputError,
         "release_date 'next summer'"),
    Case("new-date-impossible", "newfilm", b"title,release_date\nX,2026-13-45\n", InputError,
         "release_date '2026-13-45'"),
    Case("new-date-far-future", "newfilm", b"title,release_date\nX,2500-01-01\n", InputError,
         "release_date '2500-01-01'"),
    Case("new-broken-quoting", "newfilm", b'title,release_date,cast\nX,2026-01-01,"A|B\n',
         InputError, "not valid CSV"),
    Case("new-text-after-closing-quote", "newfilm", b'title,release_date\n"X"Y,2026-01-01\n',
         InputError, "not valid CSV"),
    Case("new-10mb-cell", "newfilm", f"title,release_date,overview\nX,2026-01-01,{BIG_CELL}\n"
         .encode(), InputError, "overview is 10,000,000 characters"),
    Case("new-nul-bytes", "newfilm", b"title,release_date\nX\x00,2026-01-01\n", InputError,
         "NUL"),
    Case("new-unknown-genre", "newfilm", b"title,release_date,genres\nX,2026-01-01,Action|Zzz\n",
         InputError, "unknown genre 'Zzz'"),
    Case("new-binary-png-as-csv", "newfilm", _png(), InputError, "UTF-8"),
    # ---- the CLI: exit code 1 and one line on stderr ---------------------------------------
    Case("cli-predict-missing-input", "cli_predict", None, 1, "does not exist"),
    Case("cli-predict-bad-budget", "cli_predict", b"title,release_date,budget\nX,2026-01-01,-3\n",
         1, "budget '-3'"),
    Case("cli-predict-latin1", "cli_predict", (NEW_HEADER + "Café,2026-01-01,1\n")
         .encode("latin-1"), 1, "UTF-8"),
    Case("cli-predict-missing-column", "cli_predict", b"name\nX\n", 1, "release_date"),
    Case("cli-forecast-bad-date", "cli_forecast", ["--title", "X", "--release-date", "31/12/2026"],
         1, "release_date '31/12/2026'"),
    Case("cli-forecast-nan-budget", "cli_forecast",
         ["--title", "X", "--release-date", "2026-01-01", "--budget", "nan"], 1, "budget 'nan'"),
    Case("cli-forecast-poster-refused", "cli_forecast", {"title": "X", "release_date":
         "2026-01-01", "poster": "../../etc/passwd"}, 1, "poster"),
    Case("cli-forecast-film-not-json", "cli_forecast", b"{title: X", 1, "not valid JSON"),
    Case("cli-forecast-film-a-list", "cli_forecast", [{"title": "X"}], 1, "one JSON object"),
    # ---- the JSON API: 422 naming the field, never a 500 -----------------------------------
    Case("api-budget-string", "api", {"budget": "lots"}, 422, "budget"),
    Case("api-budget-absurd", "api", {"budget": 2e10}, 422, "budget"),
    Case("api-budget-negative", "api", {"budget": -5}, 422, "budget"),
    Case("api-budget-nan-raw", "api", '{"title": "X", "release_date": "2026-01-01", '
         '"budget": NaN}', 422, "budget"),
    Case("api-runtime-inf-raw", "api", '{"title": "X", "release_date": "2026-01-01", '
         '"runtime": Infinity}', 422, "runtime"),
    Case("api-date-unparseable", "api", {"release_date": "next summer"}, 422, "release_date"),
    Case("api-date-impossible", "api", {"release_date": "2026-13-45"}, 422, "release_date"),
    Case("api-future-date-accepted", "api", {"release_date": "2031-12-24"}, 200),
    # "A|B", as the CSV and the CLI take it (one input contract)
    Case("api-genres-joined-accepted", "api", {"genres": "Action|Drama"}, 200),
    Case("api-genres-unknown-in-string", "api", {"genres": "Action|Spaghetti"}, 422, "Spaghetti"),
    Case("api-empty-cast-name", "api", {"cast": [""]}, 422, "cast"),
    Case("api-title-too-long", "api", {"title": "T" * 301}, 422, "title"),
    Case("api-10mb-overview", "api", {"overview": BIG_CELL[:11_000_000 // 2]}, 422, "overview"),
    Case("api-body-over-limit", "api", {"overview": BIG_CELL + "y" * 3_000_000}, 413,
         "larger than"),
    Case("api-poster-path-traversal", "api", {"poster": "../../etc/passwd"}, 422, "poster"),
    Case("api-body-a-list", "api", "[1, 2]", 422, "body"),
    # not UTF-8 at all: FastAPI's own body parser answers 400 before any field is read
    Case("api-body-latin1", "api", '{"title": "Caf\xe9", "release_date": "2026-01-01"}'
         .encode("latin-1"), 400, "parsing the body"),
    Case("batch-latin1", "batch", (NEW_HEADER + "Café,2026-01-01,1\n").encode("latin-1"), 422,
         "UTF-8"),
    Case("batch-bom-accepted", "batch", b"\xef\xbb\xbf" + (NEW_HEADER + "X,2026-01-01,1\n")
         .encode(), 200),
    Case("batch-inf-budget", "batch", (NEW_HEADER + "X,2026-01-01,inf\n").encode(), 422,
         "budget 'inf'"),
    # ---- images ----------------------------------------------------------------------------
    Case("image-empty-file", "image", b"", ImageError, "empty"),
    Case("image-truncated-jpeg", "image", _jpeg((200, 300))[:400], ImageError,
         "truncated or corrupt"),
    Case("image-1x1-accepted", "image", _png((1, 1)), None),
    Case("image-20000x20000-bomb", "image", _huge_png_header(), ImageError,
         "400000000 pixels"),
    Case("image-7000x7000-over-our-limit", "image", _huge_png_header(7_000, 7_000), ImageError,
         "7000x7000 = 49000000 pixels"),
    Case("image-png-alpha-converted", "image", _png((20, 30), "RGBA", (0, 0, 0, 0)), None),
    Case("image-cmyk-jpeg-converted", "image", _jpeg((20, 30), "CMYK"), None),
    Case("image-palette-converted", "image", _palette_png(), None),
    Case("image-grayscale-converted", "image", _jpeg((20, 30), "L"), None),
    Case("image-text-named-jpg", "image", b"just some text, not a poster", ImageError,
         "not a readable image"),
    Case("image-html-named-jpg", "image", b"<html><body>404</body></html>", ImageError,
         "not a readable image"),
    Case("image-jpeg-magic-then-garbage", "image", b"\xff\xd8\xff" + b"\x00" * 100, ImageError,
         "poster"),
    Case("image-path-traversal", "image", "../../etc/passwd", ImageError,
         "outside the allowed root"),
    Case("image-absolute-path-outside-root", "image", "/etc/passwd", ImageError,
         "outside the allowed root"),
    Case("image-missing-file", "image", "nope.jpg", ImageError, "not found"),
]


# --------------------------------------------------------------------------------------------
# one runner per boundary: each returns (outcome, message)
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model_dir() -> Path:
    return tiny_model_dir()


@pytest.fixture(scope="module")
def client(model_dir) -> TestClient:
    return TestClient(create_app(model_dir))


def _raises(call):
    try:
        result = call()
    except ReelcastError as exc:
        return type(exc), str(exc), None
    return None, "", result


def _run_source(case: Case, tmp_path: Path):
    if case.payload is not None:
        path = tmp_path / THE_NUMBERS
        path.parent.mkdir(parents=True)
        path.write_bytes(case.payload)
    outcome, message, table = _raises(lambda: read_the_numbers(tmp_path))
    if table is not None:
        assert len(table.frame) == 1
        if case.id == "source-unparseable-values-counted":
            # unreadable values become missing and are counted, never silently dropped
            assert table.stats.unparseable == {"release_date": 1, "production_budget": 1,
                                               "worldwide_gross": 1}
        if case.id == "source-10mb-cell":
            assert len(table.frame["title"].iloc[0]) == len(BIG_CELL)
        if case.id == "source-extra-columns-ignored":
            assert "mood" not in table.frame.columns
    return outcome, message


def _run_tmdb(case: Case, tmp_path: Path):
    base = {"title": "A", "original_title": "A", "release_date": "2009-12-10", "budget": 1e8,
            "revenue": 2e8, "runtime": 100, "original_language": "en", "overview": "",
            "tagline": "", "production_companies": "[]", "vote_average": 7, "vote_count": 10}
    movies = pd.DataFrame([
        base | {"id": 1, "genres": '[{"id": 28, "name": "Action"}', "keywords": "[{'name': 'a'"},
        base | {"id": 1, "genres": "[]", "keywords": "[]", "title": "A again"},
    ])
    credits = pd.DataFrame([{"movie_id": 1, "cast": "[{'name': 'X', 'order': 0}", "crew": "[]"}])
    for rel, frame in ((TMDB5000_MOVIES, movies), (TMDB5000_CREDITS, credits)):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(tmp_path / rel, index=False, compression="gzip")
    table = read_tmdb5000(tmp_path)
    assert len(table.frame) == 1 and table.frame["title"].iloc[0] == "A"
    assert table.stats.duplicates_dropped == 1
    assert {"genres", "keywords", "cast"} <= set(table.stats.unparseable)
    assert table.frame["keywords"].iloc[0] is None  # broken quoting: missing, not a crash
    return None, ""


def _run_newfilm(case: Case, tmp_path: Path):
    outcome, message, result = _raises(lambda: read_new_films(case.payload))
    if result is not None:
        films, warnings = result
        if case.fragment:
            assert any(case.fragment in w for w in warnings)
        if case.id == "new-duplicate-titles-both-kept":
            assert list(films["film_id"]) == ["new:0", "new:1"]
        if case.id == "new-future-date-accepted":
            assert films["release_date"].iloc[0] == pd.Timestamp("2031-12-24")
    return outcome, message


def _run_cli(case: Case, tmp_path: Path, model_dir: Path, capsys):
    out = tmp_path / "out.csv"
    if case.kind == "cli_predict":
        path = tmp_path / "films.csv"
        if case.payload is not None:
            path.write_bytes(case.payload)
        argv = ["predict", "--model", str(model_dir), "--input", str(path), "--output", str(out)]
    elif isinstance(case.payload, list) and all(isinstance(a, str) for a in case.payload):
        argv = ["forecast", "--model", str(model_dir), *case.payload]
    else:
        film = tmp_path / "film.json"
        film.write_bytes(case.payload if isinstance(case.payload, bytes)
                         else json.dumps(case.payload).encode())
        argv = ["forecast", "--model", str(model_dir), "--film", str(film)]
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert not out.exists()  # a refused input writes nothing
    return code, err


def _run_api(case: Case, client: TestClient, kind: str):
    if kind == "batch":
        res = client.post("/forecast/batch", files={"file": ("f.csv", case.payload, "text/csv")})
    elif isinstance(case.payload, dict):
        body = {"title": "Night Harbor", "release_date": "2026-05-04"} | case.payload
        res = client.post("/forecast", json=body)
    else:
        res = client.post("/forecast", content=case.payload,
                          headers={"content-type": "application/json"})
    detail = res.json().get("detail", "") if res.status_code != 200 else ""
    assert isinstance(detail, str)
    return res.status_code, detail


def _run_image(case: Case, tmp_path: Path):
    root = tmp_path / "posters"
    root.mkdir()
    (tmp_path / "secret.jpg").write_bytes(_jpeg())  # exists, but outside the root
    if isinstance(case.payload, bytes):
        (root / "poster.jpg").write_bytes(case.payload)
        name = "poster.jpg"
    else:
        name = case.payload
    outcome, message, img = _raises(lambda: load_image(name, root=root))
    if img is not None:
        assert img.mode == "RGB" and img.width >= 1
        if case.id == "image-png-alpha-converted":
            assert img.getpixel((0, 0)) == (255, 255, 255)  # transparent → white
    return outcome, message


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path, capsys, request):
    if case.kind == "source":
        outcome, message = _run_source(case, tmp_path)
    elif case.kind == "tmdb":
        outcome, message = _run_tmdb(case, tmp_path)
    elif case.kind == "newfilm":
        outcome, message = _run_newfilm(case, tmp_path)
    elif case.kind.startswith("cli_"):
        outcome, message = _run_cli(case, tmp_path, request.getfixturevalue("model_dir"), capsys)
    elif case.kind in ("api", "batch"):
        outcome, message = _run_api(case, request.getfixturevalue("client"), case.kind)
    else:
        outcome, message = _run_image(case, tmp_path)

    if case.expect is None or case.expect == 200:
        assert outcome in (None, 200), message
        return
    if isinstance(case.expect, type):
        assert outcome is not None and issubclass(outcome, case.expect), (outcome, message)
    else:
        assert outcome == case.expect, message
    assert case.fragment in message
    assert message and "\n" not in message and "Traceback" not in message
    assert len(message) < 1_000  # a 10 MB value is never echoed back


def test_catalogue_size():
    # the issue asks for at least 40 malformed inputs; accepted borderline rows come on top
    refused = [c for c in CASES if c.expect not in (None, 200)]
    assert len(refused) >= 45 and len(CASES) >= 60
