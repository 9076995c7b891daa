"""The web page end to end in a real Chromium over loopback, with and without JavaScript.

A uvicorn server runs the app on the tiny trained model in a thread on a free port; Playwright
drives Debian's Chromium (``/usr/bin/chromium``, or ``$REELCAST_CHROMIUM``): it fills the form,
uploads a generated JPEG poster, submits, and reads the forecast, its intervals, the explanation
bars and the comparables. Screenshots go to ``test-artifacts/browser/``. The module skips with a
reason only when Playwright or Chromium is absent (CI installs both).
"""

from __future__ import annotations

import io
import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from _tiny_product import tiny_model_dir
from PIL import Image

CHROMIUM = Path(os.environ.get("REELCAST_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "browser"
# no network, no background services: the page is all the browser should talk to
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser: playwright is not installed (pip install playwright)")
uvicorn = pytest.importorskip("uvicorn", reason="browser: uvicorn is not installed (serve extra)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                       reason=f"browser: no Chromium at {CHROMIUM} (apt-get install chromium, "
                              "or set REELCAST_CHROMIUM)"),
]

FILM = {"title": "Night Harbor", "release_date": "2018-05-04", "budget": "90000000",
        "cast": "A One, B Two", "directors": "C Three", "keywords": "heist, harbor, revenge",
        "overview": "A retired diver is pulled back for one last job under a frozen harbor."}
GENRES = ("Action", "Thriller")
MONEY = re.compile(r"\$([\d,]+(?:\.\d+)?)([MB]?)")
WAIT_MS = 60_000  # the first forecast loads the text model: generous, only hit when broken


def _dollars(text: str) -> list[float]:
    scale = {"": 1.0, "M": 1e6, "B": 1e9}
    return [float(num.replace(",", "")) * scale[unit] for num, unit in MONEY.findall(text)]


def _jpeg(path: Path, size=(120, 180)) -> Path:
    # a vertical gradient with a block of colour: a plausible poster, not a flat field
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    img.paste((180, 30, 40), (10, 10, size[0] - 10, size[1] // 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture(scope="module")
def base_url():
    from reelcast.serve import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; handing uvicorn the socket: no race
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(tiny_model_dir()), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start on 127.0.0.1")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_factory(browser):
    contexts = []

    def make(javascript: bool):
        ctx = browser.new_context(java_script_enabled=javascript,
                                  viewport={"width": 1100, "height": 900})
        ctx.set_default_timeout(WAIT_MS)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def _fill(page, film: dict, genres=GENRES, poster: Path | None = None) -> None:
    for name, value in film.items():
        page.locator(f"[name={name}]").fill(value)
    for genre in genres:
        page.locator(f"input[name=genres][value={genre}]").check()
    if poster is not None:
        page.locator("input[name=poster]").set_input_files(str(poster))


def _submit(page):
    with page.expect_navigation(wait_until="load"):
        page.locator("button[type=submit]").click()


def _api_forecast(base_url: str, poster: Path) -> dict:
    import httpx

    # the page accepts commas in lists, the multipart API takes "|"
    lists = {k: FILM[k].replace(", ", "|") for k in ("cast", "directors", "keywords")}
    form = {**FILM, **lists, "genres": "|".join(GENRES)}
    res = httpx.post(f"{base_url}/forecast/poster", data=form, timeout=60,
                     files={"poster": ("poster.jpg", poster.read_bytes(), "image/jpeg")})
    assert res.status_code == 200, res.text
    return res.json()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_page_forecast_with_poster(page_factory, base_url, tmp_path, javascript):
    page = page_factory(javascript)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    res = page.goto(f"{base_url}/")
    assert res is not None and res.status == 200
    assert page.locator("#forecast").count() == 0  # nothing forecast before the form is sent
    poster = _jpeg(tmp_path / "poster.jpg")
    _fill(page, FILM, poster=poster)
    _submit(page)
    page.locator("#forecast").wait_for()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"forecast{'' if javascript else '-nojs'}.png"),
                    full_page=True)

    # the forecast amount is the one the JSON API computes for the same film and poster
    shown = _dollars(page.locator("#forecast").inner_text())
    assert len(shown) == 1
    expected = _api_forecast(base_url, poster)
    assert shown[0] == pytest.approx(expected["revenue_usd"], rel=0.01, abs=1e5)

    result = page.locator("#result")
    text = result.inner_text()
    assert "Night Harbor" in text and "2018-05-04" in text
    for level in ("80", "95"):
        line = result.get_by_text(re.compile(rf"\b{level}% interval")).first.inner_text()
        low, high = _dollars(line)
        assert low < shown[0] < high
        band = expected["intervals"][level]
        assert (low, high) == pytest.approx((band["low"], band["high"]), rel=0.01, abs=1e5)
    assert re.search(r"jpeg\D+120\D+180", text), "the uploaded poster is not reported"

    bars = page.locator("#explanation rect.effect")
    assert bars.count() == len(expected["explanation"]["fields"]) > 0
    assert all(bars.nth(i).bounding_box()["width"] > 0 for i in range(bars.count()))

    rows = page.locator("#comparables tr:has(td)")
    assert rows.count() == len(expected["comparables"]) == 5
    first = rows.first.inner_text()
    assert expected["comparables"][0]["title"] in first and _dollars(first)

    # rating, genre probabilities and recent hits: the API's values, on the page
    if expected.get("rating") is not None:
        assert f"{expected['rating']:.1f}" in page.locator("#rating").inner_text()
    if expected.get("genres"):
        top = max(expected["genres"], key=expected["genres"].get)
        assert top in page.locator("#genres").inner_text()
    if expected.get("hits"):
        hits_text = page.locator("#hits").inner_text()
        assert str(expected["hits"]["n_recent_hits"]) in hits_text
        assert all(h["title"] in hits_text for h in expected["hits"]["hits"])

    # the form comes back filled in, so the user can adjust one field and resubmit
    assert page.locator("[name=title]").input_value() == FILM["title"]
    assert page.locator("input[name=genres][value=Action]").is_checked()
    # self-contained: the page loads nothing from anywhere but the server itself
    assert requested and all(url.startswith(base_url) for url in requested), requested


@pytest.mark.parametrize("change, poster, needle", [
    ({"budget": "lots"}, None, "budget"),
    ({"title": " "}, None, "title"),
    ({"release_date": "1800-01-01"}, None, "release_date"),
    ({}, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "poster"),
    ({}, b"\xff\xd8\xff\xe0 not really a JPEG", "poster"),
])
def test_page_bad_input_shows_error_without_javascript(page_factory, base_url, tmp_path, change,
                                                       poster, needle):
    page = page_factory(False)
    page.goto(f"{base_url}/")
    if poster is not None:
        (tmp_path / "poster.jpg").write_bytes(poster)
    _fill(page, FILM | change, poster=None if poster is None else tmp_path / "poster.jpg")
    _submit(page)
    error = page.locator("#error")
    error.wait_for()
    assert needle in error.inner_text()
    assert page.locator("#forecast").count() == 0
    assert page.locator("[name=overview]").input_value() == FILM["overview"]


def test_page_fits_a_phone_and_keeps_the_poster(browser, base_url, tmp_path):
    """At 390 px the page does not scroll sideways; a resubmit keeps the uploaded poster."""
    ctx = browser.new_context(viewport={"width": 390, "height": 800})
    ctx.set_default_timeout(WAIT_MS)
    try:
        page = ctx.new_page()
        page.goto(f"{base_url}/")
        poster = _jpeg(tmp_path / "poster.jpg")
        _fill(page, FILM, poster=poster)
        _submit(page)
        page.locator("#forecast").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        first = page.locator("#forecast").inner_text()
        _submit(page)  # the file input is empty now: the kept poster must be used
        page.locator("#forecast").wait_for()
        assert "checked and used" in page.locator("#result").inner_text()
        assert page.locator("#forecast").inner_text() == first
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        ctx.close()
