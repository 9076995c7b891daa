"""The page as a producer meets it: every field, a kept poster, a shareable result, the inputs
beside the result, charts with axes, no CDN (API docs offline)."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from _tiny_product import tiny_model_dir

from reelcast.forecast._input import INPUT_COLUMNS

FORM = {"title": "Night Harbor", "release_date": "2017-05-04", "budget": "90000000",
        "genres": ["Action", "Drama"], "cast": "A One, B Two", "directors": "C Three",
        "runtime": "118", "original_language": "en", "certification": "PG-13",
        "writers": "D Four", "companies": "Studio Five", "collection": "Harbor Collection",
        "tagline": "The tide turns."}


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from reelcast.serve import create_app

    return TestClient(create_app(tiny_model_dir()))


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 180), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def _forecast(html: str) -> str:
    return re.search(r'id="forecast">([^<]+)<', html).group(1)


def test_the_form_takes_every_field_of_the_csv(client):
    html = client.get("/").text
    # the ids are carried by a CSV, never model inputs: the page takes a TMDB id in its TMDB
    # box (when the server has a key), not as a form field
    for field in set(INPUT_COLUMNS) - {"tmdb_id", "imdb_id"}:
        assert f'name="{field}"' in html, field
    folded = html[html.index("<details"):html.index("</details>")]
    for field in ("runtime", "original_language", "certification", "writers", "companies",
                  "collection", "tagline", "distributor", "story_source", "creative_type",
                  "production_method", "opening_theaters"):
        assert f'name="{field}"' in folded


def test_the_new_input_fields_reach_the_forecast(client):
    extra = {"distributor": "Walt Disney", "story_source": "Based on Comic/Graphic Novel",
             "creative_type": "Super Hero", "production_method": "Live Action",
             "certification": "FSK 12", "opening_theaters": "4000"}
    res = client.post("/", data=FORM | extra)
    assert res.status_code == 200, res.text[:300]
    used = res.text[res.text.index('id="fields"'):].split("</p>")[0]
    for label in ("distributor", "story source", "creative type", "production method"):
        assert label in used
    bad = client.post("/", data=FORM | {"opening_theaters": "lots"})
    assert bad.status_code == 422 and "opening_theaters" in bad.text


def test_optional_fields_reach_the_forecast(client):
    res = client.post("/", data=FORM)
    assert res.status_code == 200
    fields = res.text[res.text.index('id="fields"'):]
    for label in ("runtime", "certification", "writers", "production companies", "franchise"):
        assert label in fields.split("</p>")[0]  # the "Used: ..." line


def test_the_poster_is_kept_across_resubmits(client):
    first = client.post("/", data=FORM, files={"poster": ("p.png", _png(), "image/png")})
    assert "png 120×180 px, checked and used" in first.text
    poster_id = re.search(r'name="poster_id" value="([0-9a-f]+)"', first.text).group(1)
    again = client.post("/", data=FORM | {"poster_id": poster_id})
    assert "png 120×180 px, checked and used" in again.text
    assert _forecast(again.text) == _forecast(first.text)
    without = client.post("/", data=FORM | {"poster_id": poster_id, "poster_remove": "1"})
    assert "checked and used" not in without.text


def test_a_result_has_a_shareable_url_that_reproduces_it(client):
    res = client.post("/", data=FORM, files={"poster": ("p.png", _png(), "image/png")})
    link = re.search(r'id="share">[^<]*<a href="([^"]+)"', res.text).group(1)
    query = parse_qs(urlparse(link.replace("&amp;", "&")).query)
    assert query["title"] == ["Night Harbor"] and query["genres"] == ["Action", "Drama"]
    assert query["companies"] == ["Studio Five"] and "poster_id" in query
    shared = client.get(link.replace("&amp;", "&"))
    assert shared.status_code == 200 and _forecast(shared.text) == _forecast(res.text)
    # the inputs are repeated beside the result
    aside = shared.text[shared.text.index('id="inputs"'):]
    assert "Studio Five" in aside and "Action, Drama" in aside and "png 120×180" in aside


def test_a_shared_link_with_a_bad_value_is_an_error_page(client):
    res = client.get("/?title=X&release_date=2017-13-01")
    assert res.status_code == 422 and 'id="error"' in res.text and "release_date" in res.text


def test_charts_have_axes(client):
    html = client.post("/", data=FORM).text
    band = html[html.index('aria-label="forecast interval on a log-dollar axis"'):]
    band = band[:band.index("</svg>")]
    assert re.search(r">\$10M<", band) and "log scale" in band
    assert band.count('class="comparable"') == 5 and 'class="band band80"' in band
    effects = html[html.index('aria-label="effect of each input"'):]
    effects = effects[:effects.index("</svg>")]
    assert ">×1<" in effects and ">×2<" in effects and "× factor, log scale" in effects


def test_api_docs_need_no_network(client):
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 200
    html = client.get("/").text
    assert "cdn" not in html.lower() and 'href="/openapi.json"' in html
    assert not re.search(r'(src|href)="https?://', html)


def test_the_page_says_what_each_left_out_field_would_typically_do(monkeypatch):
    import copy

    from fastapi.testclient import TestClient

    import reelcast.forecast as one
    from reelcast.serve import create_app

    product = one.load_product_model(tiny_model_dir())
    forecaster = copy.copy(product.forecaster)
    forecaster.field_effects_ = {"cast": {"mean_shift": 0.3, "median_abs_shift": 0.4, "n": 500}}
    measured = product.__class__(forecaster, product.intervals, product.comparables,
                                 product.manifest, product.rating, product.genres, product.hits)
    monkeypatch.setattr(one, "load_product_model", lambda _: measured)
    html = TestClient(create_app("ignored")).post(
        "/", data={"title": "X", "release_date": "2017-05-04"}).text
    fields = html[html.index('id="fields"'):]
    assert "Important fields left out:" in fields
    assert "cast: not given; giving it typically moves the forecast ×1.49 (usually up)" in fields
