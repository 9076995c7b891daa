"""Labels in the film tables: titles as matching keys, IMDb ids, genres, languages, ratings.

Like ``_parse``, every function takes arbitrary input and never raises; what it cannot read comes
back as ``None``.

>>> normalise_title("The Amélie!")
'amelie'
>>> format_imdb_id(114709)
'tt0114709'
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import numpy as np

from ._parse import _text
from ._schema import GENRE_ALIASES, GENRES

__all__ = [
    "LANGUAGE_CODES",
    "normalise_title",
    "title_key",
    "format_imdb_id",
    "map_genre",
    "map_genres",
    "language_code",
    "us_certification",
    "distributor_name",
]

_PUNCT_RE = re.compile(r"[^0-9a-z]+")
_PAREN_ANY_RE = re.compile(r"\s*\([^)]*\)\s*")
_EPISODE_RE = re.compile(r"\b(?:episode|ep)\s+[ivx]+\b")


def normalise_title(value: Any) -> str | None:
    """A matching key for a title: lowercase ASCII words, no accents, punctuation, bracketed
    parts, episode numbers or "the"; a leading "a"/"an" is dropped too.

    ``"The Amélie!"`` → ``"amelie"``; ``"Alice in Wonderland (2010)"`` → ``"alice in wonderland"``;
    ``"Avatar\\xa0"`` → ``"avatar"``; ``"Fast & Furious"`` → ``"fast and furious"``;
    ``"Star Wars Ep. VIII: The Last Jedi"`` → ``"star wars last jedi"``. Titles in other scripts
    (no ASCII letters or digits left) give ``None``.
    """
    s = _text(value)
    if s is None or len(s) > 500:
        return None
    stripped = _PAREN_ANY_RE.sub(" ", s).strip()
    s = stripped or s
    ascii_text = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    if not re.search(r"[A-Za-z]", ascii_text) and any(ch.isalpha() for ch in s):
        return None  # another script: what is left (digits, punctuation) is no key
    s = ascii_text.lower()
    s = s.replace("&", " and ").replace("'", "").replace("\u2019", "")
    s = _PUNCT_RE.sub(" ", s)
    s = _EPISODE_RE.sub(" ", f" {s} ")
    words = [w for w in s.split() if w != "the"]
    if len(words) > 1 and words[0] in ("a", "an"):
        words = words[1:]
    return " ".join(words) or None


_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}


def title_key(value: Any) -> str | None:
    """The key titles are matched on: ``normalise_title`` with Roman sequel numbers as digits,
    without the word "part" and without spaces, so ``"The Hangover Part III"`` meets
    ``"The Hangover 3"`` and ``"Jackass 3-D"`` meets ``"Jackass 3D"``."""
    title = normalise_title(value)
    if not title:
        return None
    words = [_ROMAN.get(w, w) for w in title.split()]
    words = [w for w in words if w != "part"] or words
    return "".join(words)


_IMDB_RE = re.compile(r"(?:tt)?(\d{1,9})", re.IGNORECASE)


def format_imdb_id(value: Any) -> str | None:
    """``114709``, ``"0114709"``, ``"tt0114709"`` or an IMDb URL → ``"tt0114709"`` (``'tt%07d'``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        if not math.isfinite(float(value)) or float(value) != int(value) or value <= 0:
            return None
        return f"tt{int(value):07d}"
    s = _text(value)
    if s is None:
        return None
    match = re.search(r"tt(\d{1,9})", s, re.IGNORECASE) or _IMDB_RE.fullmatch(s)
    if not match:
        return None
    number = int(match.group(1))
    return f"tt{number:07d}" if number > 0 else None


_GENRE_LOOKUP = {g.lower(): g for g in GENRES} | {k.lower(): v for k, v in GENRE_ALIASES.items()}


def map_genre(name: Any) -> str | None:
    """A source genre name → the canonical TMDB genre (``GENRES``), or ``None`` if it has none."""
    s = _text(name)
    return _GENRE_LOOKUP.get(s.lower()) if s else None


def map_genres(names: list[str] | None) -> list[str] | None:
    """Map a list of genre names, dropping those without a canonical genre and duplicates."""
    if names is None:
        return None
    out: list[str] = []
    for name in names:
        genre = map_genre(name)
        if genre and genre not in out:
            out.append(genre)
    return out


# English language names (as in IMDB 5000) → ISO 639-1 codes (as in TMDB).
LANGUAGE_CODES: dict[str, str] = {
    "english": "en", "french": "fr", "spanish": "es", "hindi": "hi", "mandarin": "zh",
    "chinese": "zh", "cantonese": "cn", "german": "de", "japanese": "ja", "italian": "it",
    "russian": "ru", "korean": "ko", "portuguese": "pt", "danish": "da", "swedish": "sv",
    "hebrew": "he", "arabic": "ar", "polish": "pl", "persian": "fa", "norwegian": "no",
    "dutch": "nl", "thai": "th", "indonesian": "id", "romanian": "ro", "icelandic": "is",
    "filipino": "tl", "tamil": "ta", "telugu": "te", "turkish": "tr", "greek": "el",
    "hungarian": "hu", "czech": "cs", "finnish": "fi", "vietnamese": "vi", "urdu": "ur",
    "bosnian": "bs", "zulu": "zu", "kazakh": "kk", "mongolian": "mn", "slovenian": "sl",
}


def language_code(value: Any) -> str | None:
    """``"English"`` → ``"en"``; a two-letter code is passed through lowercased; else ``None``."""
    s = _text(value)
    if s is None:
        return None
    if re.fullmatch(r"[A-Za-z]{2}", s):
        return s.lower()
    return LANGUAGE_CODES.get(s.lower())


# US MPAA certifications; older and TV labels are folded onto them where the meaning is clear.
_CERTIFICATIONS = {
    "g": "G", "pg": "PG", "pg-13": "PG-13", "r": "R", "nc-17": "NC-17", "nr": "NR",
    "not rated": "NR", "unrated": "NR", "approved": "NR", "passed": "NR",
    "gp": "PG", "m": "PG", "m/pg": "PG", "x": "NC-17",
}


def us_certification(value: Any) -> str | None:
    """A US MPAA certification (G, PG, PG-13, R, NC-17, NR) or ``None`` for anything else
    (TV ratings, German FSK ages such as ``"12"``, free text)."""
    s = _text(value)
    return _CERTIFICATIONS.get(s.lower()) if s else None


# The distributors' names differ by table (Box Office Mojo 2010–2017 abbreviates: "BV", "Uni.");
# the common ones are written one way, the others are kept as given.
_DISTRIBUTORS = {
    "Buena Vista": ("bv", "buena vista", "walt disney pictures", "disney", "walt disney"),
    "Warner Bros.": ("wb", "warner bros", "warner bros.", "warner brothers"),
    "New Line": ("wb (nl)", "new line", "new line cinema"),
    "Universal": ("uni.", "universal", "universal pictures"),
    "20th Century Fox": ("fox", "20th century fox", "twentieth century fox"),
    "Fox Searchlight": ("foxs", "fox searchlight", "fox searchlight pictures"),
    "Paramount": ("par.", "paramount", "paramount pictures"),
    "Paramount Vantage": ("pv", "paramount vantage"),
    "Sony/Columbia": ("sony", "sony/columbia", "sony pictures", "columbia", "columbia pictures"),
    "Sony Pictures Classics": ("spc", "sony classics", "sony pictures classics"),
    "Screen Gems": ("sgem", "sony/screen gems", "screen gems"),
    "Lionsgate": ("lgf", "lionsgate", "lions gate", "lg/s"),
    "Summit Entertainment": ("sum.", "summit entertainment", "summit"),
    "IFC": ("ifc", "ifc films"),
    "Magnolia": ("magn.", "magnolia pictures", "magnolia"),
    "Weinstein Company": ("wein.", "weinstein company", "weinstein co.", "the weinstein company"),
    "Focus Features": ("focus", "focus features"),
    "Roadside Attractions": ("ratt.", "roadside attractions"),
    "Relativity": ("rela.", "relativity", "relativity media"),
    "Open Road": ("orf", "open road films", "open road"),
    "CBS Films": ("cbs", "cbs films"),
    "UTV": ("utv", "utv communications"),
    "DreamWorks": ("p/dw", "dw", "dreamworks skg", "dreamworks"),
    "MGM": ("mgm", "mgm/ua"),
    "Miramax": ("mira.", "miramax", "miramax/dimension"),
}
_DISTRIBUTOR_LOOKUP = {alias: name for name, aliases in _DISTRIBUTORS.items() for alias in aliases}


def distributor_name(value: Any) -> str | None:
    """One spelling per common distributor (``"BV"`` → ``"Buena Vista"``); others as given."""
    s = _text(value)
    if s is None:
        return None
    return _DISTRIBUTOR_LOOKUP.get(s.lower(), s)
