"""The page's form: one table of fields, so adding a field (say, a TMDB id) is one line.

Every field of the CSV input format is here; the optional ones are folded into a ``<details>``.
The values travel in the query string of a result's shareable URL, so a result can be linked to
and reproduced (the poster travels as the id of the copy the server keeps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from ..data import CERTIFICATION_LABELS, GENRES

__all__ = ["PAGE_FIELDS", "PageField", "form_html", "form_to_record", "query_string"]


@dataclass(frozen=True)
class PageField:
    """One input of the form. ``kind``: text, date, number, list (commas or "|"), textarea."""

    name: str
    label: str
    kind: str = "text"
    placeholder: str = ""
    optional: bool = False  # folded into "More fields"
    required: bool = False
    maxlength: int = 300
    choices: tuple[str, ...] = ()  # suggestions (a datalist: free text is still accepted)


# suggestions only (The Numbers' most common values in corpus v2); any other text is accepted
STORY_SOURCES = ("Original Screenplay", "Based on Fiction Book/Short Story",
                 "Based on Real Life Events", "Remake", "Based on Comic/Graphic Novel",
                 "Based on TV", "Based on Factual Book/Article", "Based on Play", "Based on Game",
                 "Spin-Off", "Based on Toy")
CREATIVE_TYPES = ("Contemporary Fiction", "Historical Fiction", "Fantasy", "Science Fiction",
                  "Dramatization", "Kids Fiction", "Factual", "Super Hero")
PRODUCTION_METHODS = ("Live Action", "Digital Animation", "Animation/Live Action",
                      "Hand Animation", "Stop-Motion Animation")

PAGE_FIELDS: list[PageField] = [
    PageField("title", "Title", required=True),
    PageField("release_date", "Release date", "date", required=True),
    PageField("budget", "Budget (US$)", placeholder="150000000 or $150,000,000", maxlength=40),
    PageField("cast", "Cast", "list", "Actor One, Actor Two", maxlength=10_000),
    PageField("directors", "Director", "list", maxlength=2_000),
    PageField("keywords", "Keywords", "list", "superhero, based on comic", maxlength=10_000),
    PageField("overview", "Overview", "textarea", maxlength=20_000),
    PageField("runtime", "Runtime (minutes)", "number", "120", optional=True, maxlength=10),
    PageField("original_language", "Original language", placeholder="en (ISO 639-1)",
              optional=True, maxlength=8),
    PageField("certification", "Certification", placeholder="PG-13, FSK 12 or BBFC 15",
              optional=True, maxlength=40, choices=CERTIFICATION_LABELS),
    PageField("writers", "Writers", "list", "Writer One, Writer Two", optional=True,
              maxlength=10_000),
    PageField("companies", "Production companies", "list", "Studio One, Studio Two",
              optional=True, maxlength=10_000),
    PageField("collection", "Franchise / collection", placeholder="e.g. The Avengers Collection",
              optional=True),
    PageField("tagline", "Tagline", optional=True, maxlength=2_000),
    PageField("distributor", "Distributor (US)", placeholder="e.g. Walt Disney", optional=True,
              maxlength=200),
    PageField("story_source", "Story source", placeholder="e.g. Original Screenplay",
              optional=True, maxlength=200, choices=STORY_SOURCES),
    PageField("creative_type", "Creative type", placeholder="e.g. Super Hero", optional=True,
              maxlength=200, choices=CREATIVE_TYPES),
    PageField("production_method", "Production method", placeholder="e.g. Live Action",
              optional=True, maxlength=200, choices=PRODUCTION_METHODS),
    PageField("opening_theaters", "Opening theaters (US)", "number", "3500", optional=True,
              maxlength=10),
]


def _split(text: str | None) -> list[str]:
    # the page accepts commas as well as the file format's "|": people type commas in forms
    return [p.strip() for p in re.split(r"[|,\n]", text or "") if p.strip()]


def form_to_record(values: dict) -> dict:
    """The new-film record for the page's form fields (validation happens downstream)."""
    record = {"title": values.get("title", ""), "release_date": values.get("release_date", "")}
    for f in PAGE_FIELDS:
        if f.name in record:
            continue
        value = str(values.get(f.name) or "").strip()
        if value:
            record[f.name] = _split(value) if f.kind == "list" else value
    if values.get("genres"):
        record["genres"] = [g for g in values["genres"].split("|") if g]
    return record


def query_string(values: dict, poster_id: str | None = None) -> str:
    """The shareable query of a result: every non-empty field (genres repeated)."""
    pairs = [(f.name, str(values[f.name]).strip()) for f in PAGE_FIELDS
             if str(values.get(f.name) or "").strip()]
    pairs += [("genres", g) for g in (values.get("genres") or "").split("|") if g]
    if poster_id:
        pairs.append(("poster_id", poster_id))
    return urlencode(pairs)


def _input(f: PageField, value: str) -> str:
    v = escape(value)
    attrs = (f' id="{f.name}" name="{f.name}" maxlength="{f.maxlength}"'
             + (" required" if f.required else "")
             + (f' placeholder="{escape(f.placeholder)}"' if f.placeholder else ""))
    if f.kind == "textarea":
        return f"<textarea{attrs} rows=\"4\">{v}</textarea>"
    kind = {"date": "date", "number": "text"}.get(f.kind, "text")
    extra = ' inputmode="numeric"' if f.kind == "number" else ""
    if f.choices:
        options = "".join(f'<option value="{escape(c)}">' for c in f.choices)
        return (f'<input type="{kind}"{attrs} list="{f.name}-choices" value="{v}">'
                f'<datalist id="{f.name}-choices">{options}</datalist>')
    return f'<input type="{kind}"{attrs}{extra} value="{v}">'


def _row(f: PageField, values: dict) -> str:
    return (f'<label for="{f.name}">{escape(f.label)}</label>'
            f'{_input(f, str(values.get(f.name) or ""))}')


def form_html(values: dict, poster: dict | None = None) -> str:
    """The form, refilled with ``values``; a kept poster is named and sent again as its id."""
    chosen = set((values.get("genres") or "").split("|"))
    boxes = "".join(
        f'<label><input type="checkbox" name="genres" value="{escape(g)}"'
        f'{" checked" if g in chosen else ""}> {escape(g)}</label>' for g in GENRES)
    main = [f for f in PAGE_FIELDS if not f.optional]
    folded = [f for f in PAGE_FIELDS if f.optional]
    given = sum(bool(str(values.get(f.name) or "").strip()) for f in folded)
    rows = "".join(_row(f, values) for f in main[:3])
    rows += f"<label>Genres</label><fieldset>{boxes}</fieldset>"
    rows += "".join(_row(f, values) for f in main[3:])
    more = "".join(_row(f, values) for f in folded)
    kept = ""
    if poster:
        kept = (f'<input type="hidden" name="poster_id" value="{escape(poster["id"])}">'
                f'<p class="kept" id="poster-kept">Poster kept from before: '
                f'{escape(poster["format"])} {poster["width"]}×{poster["height"]} px. Choose a '
                'new file to replace it, or <label><input type="checkbox" name="poster_remove" '
                'value="1"> forecast without it</label>.</p>')
    return f"""
<form method="post" action="/" enctype="multipart/form-data">
{rows}
<details class="more"{" open" if given else ""}><summary>More fields (optional): runtime,
language, certification, writers, companies, franchise, tagline, distributor, story source,
creative type, production method, opening theaters{f" — {given} given" if given
else ""}</summary><div class="grid">{more}</div></details>
<label for="poster">Poster</label><div><input type="file" id="poster" name="poster"
 accept="image/jpeg,image/png,image/gif,image/webp">{kept}</div>
<button type="submit" id="submit">Forecast</button>
</form>"""
