"""The franchise a title names: "Toy Story 3" and "Avengers: Infinity War" name earlier films.

Every user gives a title, and a title often says what the ``collection`` field would: a sequel
number, a subtitle after a colon, or the very title of an earlier hit (a remake). The stem of a
title is its main part, lower-cased, without a leading article, a subtitle or a sequel marker;
films with the same stem form a title family, whose as-of history (films released strictly
before) is one role of :class:`~reelcast.features.TalentHistory`.

>>> title_stem("Avengers: Infinity War"), title_stem("The Avengers")
('avengers', 'avengers')
>>> title_stem("Toy Story 3"), title_stem("Rocky IV"), title_stem("Up")
('toy story', 'rocky', None)
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["title_stem", "title_stems", "has_sequel_marker", "sequel_markers"]

_SUBTITLE = re.compile(r"\s*(?::|\s-\s|\s–\s|\s—\s).*$")
_MARKER = re.compile(r"(?:\s+(?:part|chapter|vol\.?|volume|episode))?\s+"
                     r"(?:\d{1,2}|ii|iii|iv|v|vi|vii|viii|ix|x|two|three|four)$")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
_MIN_LETTERS = 3  # "up", "it" and "x" name too many unrelated films


def _plain(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text.lower().replace("&", "and")).strip()


def has_sequel_marker(title) -> bool:
    """A sequel number or "Part …" at the end of the main title ("Rocky IV", "Saw 3")."""
    if not isinstance(title, str):
        return False
    main = _SUBTITLE.sub("", _plain(title))
    return bool(_MARKER.search(re.sub(r"[^a-z0-9. ]", "", main)))


def title_stem(title) -> str | None:
    """The title's main part without article, subtitle or sequel marker; None when too short."""
    if not isinstance(title, str) or not title.strip():
        return None
    main = _SUBTITLE.sub("", _plain(title))
    main = re.sub(r"[^a-z0-9. ]", "", main).strip()
    main = _MARKER.sub("", main).strip(" .")
    main = _ARTICLE.sub("", main)
    return main if sum(c.isalpha() for c in main) >= _MIN_LETTERS else None


def title_stems(titles: pd.Series) -> pd.Series:
    """:func:`title_stem` of each title, as a list column (one stem or none) for the history."""
    return pd.Series([[s] if (s := title_stem(t)) else [] for t in titles.tolist()],
                     index=titles.index, dtype=object)


def sequel_markers(titles: pd.Series) -> np.ndarray:
    return np.array([has_sequel_marker(t) for t in titles.tolist()], dtype=float)
