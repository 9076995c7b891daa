"""Render ``docs/screenshot.png`` and ``docs/screenshot-phone.png``: the web page with a filled-in
forecast, in headless Chromium, at desktop (1100 px) and phone (390 px) width.

The model is, in order of preference: ``--model DIR``; the demo's ``artifacts/model`` when it
exists (``make demo`` writes it); a model trained here on ``--corpus DIR`` (a real corpus from
``reelcast corpus build``); otherwise a model trained here on the synthetic film market (about a
minute on two cores). The film is one of the package's example films (``--film``, default
"Avengers: Infinity War"), with a generated poster. The server runs in a thread on a free
loopback port; Chromium is Debian's (``/usr/bin/chromium`` or ``--chromium``), driven by
Playwright; no network is used. Every field of the example film is typed into the form (the
optional ones after opening "More fields"). At each width the script checks that the page does
not scroll sideways and fails if it does. The committed screenshots were made with
``--model DIR`` on a model trained by ``reelcast train`` on the real corpus.

    python scripts/screenshot.py [--model DIR | --corpus DIR [--keep-model DIR]] [--film TITLE]
                                 [--out docs/screenshot.png]
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import sys
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
FORM_FIELDS = ("title", "release_date", "budget", "cast", "directors", "keywords", "overview")
MORE_FIELDS = ("runtime", "original_language", "certification", "writers", "companies",
               "collection", "tagline")
WIDTHS = {"": 1100, "-phone": 390}


def _log(msg: str) -> None:
    print(f"[screenshot {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def train_model(out: Path, corpus: Path | None, data: Path | None = None) -> Path:
    """Train, save and calibrate a model directory on ``corpus`` or the synthetic market.

    With a corpus and the public ``data`` folder, the genre model gets its poster branch from
    the poster files (features cached in ``artifacts/poster_cache``, as ``make demo`` does).
    """
    from reelcast.data import load_corpus, make_market
    from reelcast.evaluation import revenue_films
    from reelcast.forecast import BoxOfficeForecaster, attach_product_files, save_forecaster

    if corpus is not None:
        films, kind = load_corpus(corpus), f"corpus {corpus}"
    else:
        films, kind = make_market(6000, seed=0), "synthetic market (6,000 films, seed 0)"
        films.attrs = {}  # the synthetic truth in attrs is copied on every slice: slow
    _log(f"training on the {kind}: {len(films):,} films")
    model = BoxOfficeForecaster(n_jobs=1).fit(revenue_films(films), history=films)
    save_forecaster(model, out, extra={"data": kind})
    _log("calibrating intervals, comparables, rating, genres and hits")
    posters = corpus is not None and data is not None and (data / "posters").is_dir()
    attach_product_files(out, films, posters=posters, poster_root=data if posters else None,
                         poster_cache=ROOT / "artifacts" / "poster_cache" if posters else None)
    return out


def example_film(title: str) -> dict[str, str]:
    """One row of the package's example films as the page's form values (lists comma-joined)."""
    from reelcast.forecast._input import read_new_films

    films, _ = read_new_films((resources.files("reelcast.resources") / "example_films.csv")
                              .read_bytes())
    if title not in set(films["title"]):
        raise SystemExit(f"error: --film must be one of {sorted(films['title'])}, got {title!r}")
    row = films.loc[films["title"] == title].iloc[0]
    values = {"title": row["title"], "release_date": str(row["release_date"])[:10],
              "budget": f"{row['budget']:.0f}", "overview": row["overview"]}
    for name in ("cast", "directors", "keywords", "writers", "companies"):
        values[name] = ", ".join(row[name])
    for name in ("original_language", "certification", "collection", "tagline"):
        if isinstance(row[name], str):
            values[name] = row[name]
    if row["runtime"] == row["runtime"]:  # not NaN
        values["runtime"] = f"{row['runtime']:.0f}"
    return values | {"genres": list(row["genres"])}


def poster_jpeg(title: str, path: Path) -> Path:
    """A plain dark poster with the title: enough for the page to check and use an upload."""
    from PIL import Image, ImageDraw

    img = Image.linear_gradient("L").resize((400, 600)).point(lambda v: 20 + v // 5)
    img = img.convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 380, 360, 384), fill=(200, 40, 40))
    draw.text((40, 400), title.upper(), fill=(235, 235, 235), font_size=34)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    path.write_bytes(buf.getvalue())
    return path


class LoopbackServer:
    """uvicorn serving ``app`` in a daemon thread on a free 127.0.0.1 port."""

    def __init__(self, app):
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start on 127.0.0.1")
            time.sleep(0.05)
        return self.url

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def screenshot(model_dir: Path, out: Path, chromium: Path, title: str = "Avengers: Infinity War"
               ) -> list[Path]:
    """Serve ``model_dir``, fill the form for an example film, save the page at each width."""
    from playwright.sync_api import sync_playwright

    from reelcast.serve import create_app

    film = example_film(title)
    written = []
    with tempfile.TemporaryDirectory() as tmp, LoopbackServer(create_app(model_dir)) as url, \
            sync_playwright() as pw:
        poster = poster_jpeg(film["title"], Path(tmp) / "poster.jpg")
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        for suffix, width in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.set_default_timeout(120_000)
            page.goto(f"{url}/")
            for name in FORM_FIELDS:
                page.locator(f"[name={name}]").fill(film[name])
            page.locator("details.more summary").click()
            for name in MORE_FIELDS:
                if name in film:
                    page.locator(f"[name={name}]").fill(film[name])
            for genre in film["genres"]:
                page.locator(f"input[name=genres][value='{genre}']").check()
            page.locator("input[name=poster]").set_input_files(str(poster))
            with page.expect_navigation(wait_until="load"):
                page.locator("button[type=submit]").click()
            page.locator("#forecast").wait_for()
            _log(f"{width} px: forecast shown: {page.locator('#forecast').inner_text()}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                raise SystemExit(f"error: at {width} px the page is {scroll} px wide "
                                 "(it scrolls sideways)")
            path = out.with_name(f"{out.stem}{suffix}{out.suffix}")
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True)
            written.append(path)
            page.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a saved model directory to serve")
    parser.add_argument("--corpus", type=Path, help="train on this corpus (no --model given)")
    parser.add_argument("--data", type=Path, default=os.environ.get("REELCAST_DATA") or None,
                        help="the public tables, for the genre model's poster branch")
    parser.add_argument("--keep-model", type=Path,
                        help="train into this folder (kept) instead of a temporary one")
    parser.add_argument("--film", default="Avengers: Infinity War",
                        help="title of one of the package's example films")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--chromium", type=Path,
                        default=Path(os.environ.get("REELCAST_CHROMIUM", "/usr/bin/chromium")))
    args = parser.parse_args(argv)
    if not os.access(args.chromium, os.X_OK):
        print(f"error: no Chromium at {args.chromium} (apt-get install chromium)",
              file=sys.stderr)
        return 1
    start = time.perf_counter()
    model = args.model
    demo_model = ROOT / "artifacts" / "model"
    if model is None and args.corpus is None and (demo_model / "manifest.json").exists():
        model = demo_model
    with tempfile.TemporaryDirectory(prefix="reelcast-shot-") as tmp:
        if model is None:
            model = train_model(args.keep_model or Path(tmp) / "model", args.corpus, args.data)
        _log(f"serving {model}")
        written = screenshot(model, args.out, args.chromium, args.film)
    _log(f"wrote {', '.join(map(str, written))} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
