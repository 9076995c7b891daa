"""Age ratings of the MPAA, FSK and BBFC on one ordinal minimum age."""

import math

import pytest

from reelcast.data._certification import (
    CERTIFICATION_LABELS,
    MIN_AGE,
    min_age,
    min_ages,
    normalise_certification,
)


@pytest.mark.parametrize(("value", "label", "age"), [
    ("G", "G", 0), ("pg", "PG", 8), ("PG-13", "PG-13", 13), ("R", "R", 17), ("NC-17", "NC-17", 18),
    ("Not Rated", "NR", None), ("Unrated", "NR", None), ("X", "NC-17", 18), ("GP", "PG", 8),
    ("Rated R", "R", 17), ("MPAA PG-13", "PG-13", 13),
    ("0", "FSK 0", 0), ("6", "FSK 6", 6), ("12", "FSK 12", 12), ("16", "FSK 16", 16),
    ("18", "FSK 18", 18), ("FSK 12", "FSK 12", 12), ("fsk12", "FSK 12", 12),
    ("FSK-16", "FSK 16", 16), ("ab 6", "FSK 6", 6), (12.0, "FSK 12", 12),
    ("BPjM Restricted", "FSK 18", 18),
    ("U", "BBFC U", 0), ("BBFC PG", "BBFC PG", 8), ("12A", "BBFC 12A", 12),
    ("BBFC 12", "BBFC 12", 12), ("15", "BBFC 15", 15), ("uk-15", "BBFC 15", 15),
    ("BBFC 18", "BBFC 18", 18), ("R18", "BBFC R18", 18),
])
def test_known_codes(value, label, age):
    assert normalise_certification(value) == label
    if age is None:
        assert math.isnan(min_age(label))
    else:
        assert min_age(label) == age and min_age(value) == age


@pytest.mark.parametrize("value", ["TV-14", "(Banned)", "XXX", "FSK 13", "BBFC 13", "13", "",
                                   None, float("nan"), "Open", "a" * 100])
def test_unknown_codes(value):
    assert normalise_certification(value) is None
    assert math.isnan(min_age(value))


def test_every_label_maps_to_itself_and_ages_are_ordered():
    for label in CERTIFICATION_LABELS:
        assert normalise_certification(label) == label
    mpaa = [MIN_AGE[c] for c in ("G", "PG", "PG-13", "R", "NC-17")]
    fsk = [MIN_AGE[f"FSK {a}"] for a in (0, 6, 12, 16, 18)]
    bbfc = [MIN_AGE[f"BBFC {c}"] for c in ("U", "PG", "12A", "15", "18")]
    for ages in (mpaa, fsk, bbfc):
        assert ages == sorted(ages) and len(set(ages)) == len(ages)


def test_min_ages_of_a_column():
    ages = min_ages(["PG-13", None, "FSK 16", "NR"])
    assert ages[0] == 13 and math.isnan(ages[1]) and ages[2] == 16 and math.isnan(ages[3])
