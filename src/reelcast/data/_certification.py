"""Age ratings of three systems (US MPAA, German FSK, British BBFC) on one ordinal minimum age.

The corpus and the new-film input store a *normalised label* in ``certification`` and the
minimum audience age it implies in ``min_age``. MPAA labels stay as they were (``"PG-13"``), so
existing models and inputs keep working; FSK and BBFC labels carry their system's name
(``"FSK 12"``, ``"BBFC 12A"``) because their codes overlap (a BBFC ``PG`` is not an MPAA ``PG``).

``min_age`` is the age from which a child may see the film alone, or from which the system
recommends it where it only advises. It orders the three systems on one scale:

======  =======================  ===========================  =========================
age     MPAA                     FSK                          BBFC
======  =======================  ===========================  =========================
0       G                        FSK 0 (``0``, "ab 0")        U (and Uc)
6       –                        FSK 6 (``6``)                –
8       PG (parental guidance)   –                            PG ("suitable for 8+")
12      –                        FSK 12 (``12``)              12A, 12
13      PG-13                    –                            –
15      –                        –                            15
16      –                        FSK 16 (``16``)              –
17      R (under 17 with adult)  –                            –
18      NC-17                    FSK 18 (``18``), BPjM        18, R18
NaN     NR (not rated/unrated)   –                            –
======  =======================  ===========================  =========================

Bare numbers are read as FSK ages (``"12"`` → ``"FSK 12"``), as in the ilias1111 table whose
``ageCert`` column holds FSK ages; ``"15"`` and ``"12A"`` exist only in BBFC. A system prefix is
accepted in several spellings (``"FSK12"``, ``"FSK-12"``, ``"ab 12"``, ``"BBFC 15"``, ``"UK-15"``,
``"MPAA R"``, ``"Rated R"``). Old MPAA labels fold onto today's (GP, M, M/PG → PG; X → NC-17;
Approved, Passed, Not Rated, Unrated → NR). ``"BPjM Restricted"`` (the German index of
media harmful to minors) is FSK 18. TV ratings (TV-14) and "(Banned)" are not film ratings.

>>> normalise_certification("12")
'FSK 12'
>>> normalise_certification("pg-13"), min_age("PG-13")
('PG-13', 13.0)
>>> normalise_certification("12A"), min_age("BBFC 12A")
('BBFC 12A', 12.0)
"""

from __future__ import annotations

import math
import re
from typing import Any

from ._parse import _text

__all__ = ["MPAA_LABELS", "CERTIFICATION_LABELS", "MIN_AGE", "ACCEPTED_TEXT",
           "normalise_certification", "min_age", "min_ages"]

MPAA_LABELS = ("G", "PG", "PG-13", "R", "NC-17", "NR")
# normalised label -> minimum audience age (NaN: no age implied)
MIN_AGE: dict[str, float] = {
    "G": 0.0, "PG": 8.0, "PG-13": 13.0, "R": 17.0, "NC-17": 18.0, "NR": math.nan,
    "FSK 0": 0.0, "FSK 6": 6.0, "FSK 12": 12.0, "FSK 16": 16.0, "FSK 18": 18.0,
    "BBFC U": 0.0, "BBFC PG": 8.0, "BBFC 12A": 12.0, "BBFC 12": 12.0, "BBFC 15": 15.0,
    "BBFC 18": 18.0, "BBFC R18": 18.0,
}
CERTIFICATION_LABELS: tuple[str, ...] = tuple(MIN_AGE)
ACCEPTED_TEXT = ("MPAA G, PG, PG-13, R, NC-17, NR (Not Rated, Unrated); FSK 0, 6, 12, 16, 18 "
                 "(e.g. 'FSK 12' or '12'); BBFC U, PG, 12A, 12, 15, 18, R18 (e.g. 'BBFC 15' "
                 "or '15')")

_MPAA = {
    "g": "G", "pg": "PG", "pg-13": "PG-13", "pg13": "PG-13", "r": "R", "nc-17": "NC-17",
    "nc17": "NC-17", "nr": "NR", "not rated": "NR", "unrated": "NR", "approved": "NR",
    "passed": "NR", "gp": "PG", "m": "PG", "m/pg": "PG", "x": "NC-17",
}
_FSK_AGES = {"0": "FSK 0", "6": "FSK 6", "12": "FSK 12", "16": "FSK 16", "18": "FSK 18"}
_BBFC = {"u": "BBFC U", "uc": "BBFC U", "pg": "BBFC PG", "12a": "BBFC 12A", "12": "BBFC 12",
         "15": "BBFC 15", "18": "BBFC 18", "r18": "BBFC R18"}
_FSK_RE = re.compile(r"^(?:fsk|ab|de)\s*[-:]?\s*(0|6|12|16|18)(?:\s*jahren?)?$")
_BBFC_RE = re.compile(r"^(?:bbfc|uk|gb)\s*[-:]?\s*(u|uc|pg|12a|12|15|18|r18)$")
_MPAA_RE = re.compile(r"^(?:mpaa|us|rated)\s*[-:]?\s*(.+)$")
_SPECIAL = {"bpjm restricted": "FSK 18", "fsk 18 (bpjm)": "FSK 18"}


def normalise_certification(value: Any) -> str | None:
    """The normalised label of an MPAA, FSK or BBFC rating (see the module table), else ``None``.

    A label already normalised maps to itself; matching ignores case and surrounding space.
    """
    s = _text(value)
    if s is None or len(s) > 40:
        return None
    key = re.sub(r"\s+", " ", s.strip().lower())
    if key.endswith(".0") and key[:-2].isdigit():  # "12.0" from a float column
        key = key[:-2]
    if key in _SPECIAL:
        return _SPECIAL[key]
    if key in _MPAA:
        return _MPAA[key]
    if key in _FSK_AGES:
        return _FSK_AGES[key]
    if key in ("12a", "15", "u", "uc", "r18"):
        return _BBFC[key]
    if match := _FSK_RE.match(key):
        return _FSK_AGES[match.group(1)]
    if match := _BBFC_RE.match(key):
        return _BBFC[match.group(1)]
    if match := _MPAA_RE.match(key):
        return _MPAA.get(match.group(1).strip())
    return None


def min_age(label: Any) -> float:
    """The minimum audience age of a normalised (or raw) label; NaN when none is implied."""
    if isinstance(label, str) and label in MIN_AGE:
        return MIN_AGE[label]
    normal = normalise_certification(label)
    return MIN_AGE.get(normal, math.nan) if normal is not None else math.nan


def min_ages(labels) -> list[float]:
    """``min_age`` of every label of an iterable (a Series column, say)."""
    cache: dict[Any, float] = {}
    out = []
    for label in labels:
        key = label if isinstance(label, str) else None
        if key not in cache:
            cache[key] = min_age(key)
        out.append(cache[key])
    return out
