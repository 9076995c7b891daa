"""A seeded synthetic film market (and an anime one) with known, planted causes of success.

The frames follow the canonical schemas exactly, so every feature builder and model can be tested
without the public tables, and recovery of the planted truth (``df.attrs["truth"]``) can be checked.
Log revenue is ``0.9 * log budget`` plus talent draws, genre, season, sequel, language and copycat
terms and unit-sd noise; the tail above $300M is compressed and revenue is capped at $3B. "Hits"
are the top 10% of a year by revenue *before* the copycat bump, so ``copycat_effect`` changes
revenues (and what depends on them: ratings, vote counts) but never which films exist.

>>> films = make_market(200, seed=1)
>>> list(films.columns) == list(FILM_COLUMNS)
True
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from rich.progress import track

from .._errors import InputError
from ._market_anime import make_anime_market
from ._market_release import add_release_fields
from ._market_vocab import (
    CERTIFICATIONS,
    FIRST_NAMES,
    GENERAL_KEYWORDS,
    GENRE_TABLE,
    LANGUAGES,
    LAST_NAMES,
    MONTH_SHARE,
    PROTAGONISTS,
    ROLE_SD,
    SEASON_EFFECTS,
    STUDIO_SUFFIXES,
    STUDIO_WORDS,
    TAGLINES,
    TITLE_ADJECTIVES,
    TITLE_NOUNS,
)
from ._schema import FILM_COLUMNS

__all__ = ["make_market", "make_anime_market", "MarketTruth"]



_ZIPF_OFFSET = {"cast": 50, "directors": 20, "writers": 20, "companies": 3}


class MarketTruth(dict):
    """The planted truth (``df.attrs["truth"]``): a dict whose ``==`` also works with arrays.

    pandas compares ``attrs`` with ``==`` when it concatenates frames; a plain dict holding numpy
    arrays would raise there, this one compares arrays with ``np.array_equal``.
    """

    def __eq__(self, other) -> bool:
        if not isinstance(other, dict) or self.keys() != other.keys():
            return False
        return all(_same(v, other[k]) for k, v in self.items())

    def __ne__(self, other) -> bool:
        return not self == other

    __hash__ = None


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    return bool(a == b)


def _check(name: str, ok: bool, value, accepted: str) -> None:
    if not ok:
        raise InputError(f"The '{name}' parameter must be {accepted}, got {value!r} instead.")


def _talent_pool(rng, sizes: dict[str, int]) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
    """Per role: unique names, Zipf reuse CDF and latent log-revenue draws (stars draw more)."""
    total = sum(v for k, v in sizes.items() if k != "companies")
    plain = len(FIRST_NAMES) * len(LAST_NAMES)  # codes below ``plain`` have no middle initial
    n_plain = min(total, plain // 2)  # most people have plain names, the rest get an initial
    codes = np.concatenate([rng.choice(plain, size=n_plain, replace=False),
                            plain + rng.choice(plain * 26, size=min(total - n_plain, plain * 26),
                                               replace=False)])
    rng.shuffle(codes)
    people = []
    for c in codes:
        c, first = divmod(int(c), len(FIRST_NAMES))
        initial, last = divmod(c, len(LAST_NAMES))
        middle = f"{chr(64 + initial)}. " if initial else ""
        people.append(f"{FIRST_NAMES[first]} {middle}{LAST_NAMES[last]}")
    companies = [f"{w} {s}" for w in STUDIO_WORDS for s in STUDIO_SUFFIXES]
    rng.shuffle(companies)
    pools, start = {}, 0
    for role, size in sizes.items():
        if role == "companies":
            names = companies[: min(size, len(companies))]
        else:
            names, start = people[start:start + size], start + size
        rank = np.arange(1, len(names) + 1)
        # Zipf-Mandelbrot reuse: a few prolific people, a long tail of one-offs
        p = (rank + _ZIPF_OFFSET[role]) ** -1.0
        latent = ROLE_SD[role] * (rng.standard_normal(len(names)) + 0.5 - rank / len(names))
        pools[role] = (names, np.cumsum(p) / p.sum(), latent)
    return pools


def _release_dates(rng, n: int, start_year: int, end_year: int) -> np.ndarray:
    years = np.arange(start_year, end_year + 1)
    w = 1.0 + 0.03 * (years - start_year)
    year = rng.choice(years, size=n, p=w / w.sum())
    month = rng.choice(12, size=n, p=np.asarray(MONTH_SHARE) / sum(MONTH_SHARE)) + 1
    first = (year - 1970) * 12 + (month - 1)
    first_day = first.astype("datetime64[M]").astype("datetime64[D]")
    next_first = (first + 1).astype("datetime64[M]").astype("datetime64[D]")
    month_len = (next_first - first_day).astype(int)
    day = first_day + (rng.random(n) * month_len).astype(int)
    # most films open on a Friday, some on Wednesday/Thursday (holidays), a few on any day
    target = rng.choice([4, 2, 3, -1], size=n, p=[0.8, 0.08, 0.05, 0.07])
    weekday = (day.astype(int) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    shift = np.where(target >= 0, (target - weekday) % 7, 0)
    moved = day + shift
    back = (moved >= first_day + month_len) & (shift > 0)
    return np.sort(np.where(back, moved - 7, moved)).astype("datetime64[ns]")


def _choose(rng, options):
    return options[rng.integers(len(options))]


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def _pick(rng, pool, k: int) -> list[str]:
    names, cdf, _ = pool
    # Zipf draw by inverse CDF (faster than ``choice(p=...)``), then ordered de-duplication
    idx = dict.fromkeys(np.minimum(np.searchsorted(cdf, rng.random(k)), len(names) - 1).tolist())
    return [names[i] for i in idx]


def _title(rng) -> str:
    a, n = _choose(rng, TITLE_ADJECTIVES), _choose(rng, TITLE_NOUNS)
    form = rng.integers(4)
    return (f"The {a} {n}", f"{a} {n}", f"{n} of the {_choose(rng, TITLE_NOUNS)}s",
            f"{_choose(rng, FIRST_NAMES)}'s {n}")[form]


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _sequel(rng, orig: dict, root: str, number: int, pools) -> dict:
    """A sequel reuses the original's genres, language, top cast, crew, companies and keywords."""
    orig["collection"] = root  # TMDB files the original under the collection too
    subtitle = f"{_choose(rng, TITLE_ADJECTIVES)} {_choose(rng, TITLE_NOUNS)}"
    keep = rng.random(len(orig["keywords"])) < 0.8
    cast = orig["cast"][:3] + _pick(rng, pools["cast"], int(rng.integers(1, 5)))
    directors = (orig["directors"] if rng.random() < 0.6
                 else _pick(rng, pools["directors"], 1))
    return dict(title=f"{root} {number}" if rng.random() < 0.5 else f"{root}: {subtitle}",
                genres=list(orig["genres"]), sequel=True, collection=root, lang=orig["lang"],
                keywords=[k for k, m in zip(orig["keywords"], keep, strict=True) if m],
                cast=list(dict.fromkeys(cast)), directors=list(directors),
                writers=list(orig["writers"]), companies=list(orig["companies"]))


def _original(rng, hit: dict | None, pools, genre_names: list[str], genre_p: np.ndarray) -> dict:
    """A new film; a deliberate copycat (``hit`` given) copies most of a recent hit's keywords."""
    if hit is not None:
        kw = list(hit["keywords"])
        k = min(len(kw), max(2, round(0.8 * len(kw))))
        kw = [kw[j] for j in sorted(rng.choice(len(kw), size=k, replace=False))]
        genres = list(hit["genres"])
    else:
        ng = int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.2]))
        genres = [genre_names[j] for j in rng.choice(len(genre_p), ng, replace=False, p=genre_p)]
        vocab = sorted({w for g in genres for w in GENRE_TABLE[g][4]})
        picks = rng.choice(len(vocab), min(len(vocab), int(rng.integers(3, 8))), replace=False)
        kw = [vocab[j] for j in picks]
    if rng.random() < 0.5:
        kw.append(_choose(rng, GENERAL_KEYWORDS))
    return dict(title=_title(rng), genres=genres, keywords=list(dict.fromkeys(kw)),
                cast=_pick(rng, pools["cast"], int(rng.integers(3, 9))),
                directors=_pick(rng, pools["directors"], 1 + int(rng.random() < 0.1)),
                writers=_pick(rng, pools["writers"], int(rng.integers(1, 4))),
                companies=_pick(rng, pools["companies"], int(rng.integers(1, 4))))


def make_market(n: int = 2000, seed: int = 0, *, poster_dir: str | Path | None = None,
                start_year: int = 1995, end_year: int = 2017, copycat_effect: float = 0.0,
                missing_rate: float = 0.1,
                poster_size: tuple[int, int] = (120, 180)) -> pd.DataFrame:
    """A synthetic film market in the canonical schema (``FILM_COLUMNS``), sorted by release date.

    Parameters
    ----------
    n : int
        Number of films, at most 30,000.
    seed : int
        Seed; the same arguments give the same frame.
    poster_dir : str or Path, optional
        Where to draw one JPEG poster per film (``<tmdb_id>.jpg``); ``poster_file`` holds the
        absolute path. Without it ``poster_file`` is missing.
    start_year, end_year : int
        Release years, inclusive.
    copycat_effect : float
        Log-revenue lift of a film whose keywords resemble (Jaccard >= 0.5) a hit of the previous
        two years, shrunk by ``1 + 0.3 * (n_similar_hits - 1)``. The same films exist for any value.
    missing_rate : float
        Share of films whose budget, revenue, runtime, keywords and cast are each blanked.
    poster_size : (int, int)
        Poster width and height in pixels.

    Returns
    -------
    DataFrame
        ``attrs["truth"]`` holds the planted truth: per-film arrays aligned with the rows
        (``film_id``, ``log_revenue``, ``copycat``, ``deliberate_copycat``, ``n_similar_hits``,
        ``copycat_lift``), the effect sizes and the talent latents keyed by role and name.
    """
    # the name space (about 54,000 people) bounds the market size
    _check("n", isinstance(n, int | np.integer) and 1 <= n <= 30_000, n, "an int in [1, 30000]")
    _check("seed", isinstance(seed, int | np.integer) and seed >= 0, seed, "an int >= 0")
    _check("start_year", isinstance(start_year, int) and 1900 <= start_year <= 2100, start_year,
           "an int in [1900, 2100]")
    _check("end_year", isinstance(end_year, int) and start_year <= end_year <= 2100, end_year,
           f"an int in [start_year={start_year}, 2100]")
    _check("copycat_effect", isinstance(copycat_effect, int | float)
           and math.isfinite(copycat_effect), copycat_effect, "a finite number")
    _check("missing_rate", isinstance(missing_rate, int | float) and 0 <= missing_rate < 1,
           missing_rate, "a number in [0, 1)")
    _check("poster_size", isinstance(poster_size, tuple | list) and len(poster_size) == 2
           and all(isinstance(v, int) and 16 <= v <= 2000 for v in poster_size), poster_size,
           "(width, height) ints in [16, 2000]")
    rng = np.random.default_rng(seed)
    pools = _talent_pool(rng, {"cast": n + 20, "directors": n // 4 + 10,
                               "writers": n // 3 + 10, "companies": n // 15 + 10})
    latent = {role: dict(zip(names, lat.tolist(), strict=True))
              for role, (names, _, lat) in pools.items()}
    dates = _release_dates(rng, n, start_year, end_year)
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    months = dates.astype("datetime64[M]").astype(int) % 12
    genre_names = list(GENRE_TABLE)
    gw = np.array([GENRE_TABLE[g][3] for g in genre_names], float)
    langs = rng.choice([c for c, _ in LANGUAGES], size=n, p=[w for _, w in LANGUAGES])
    # director craft drives ratings; it is only mildly tied to the director's box-office draw
    quality = {d: 0.3 * v / ROLE_SD["directors"] + 0.85 * rng.standard_normal()
               for d, v in latent["directors"].items()}
    rows, base, hits = [], np.zeros(n), {}
    deliberate, closed, franchise = np.zeros(n, bool), np.zeros(n, bool), {}
    year_start = 0
    # a progress bar only for big markets (about 0.2 ms per film)
    for i in track(range(n), description="simulating films", disable=n < 10_000, transient=True):
        y = int(years[i])
        if i > 0 and y != years[i - 1]:  # close the previous year: its top 10% become hits
            idx = np.arange(year_start, i)
            top = idx[np.argsort(-base[idx], kind="stable")[: max(1, math.ceil(0.1 * len(idx)))]]
            hits[int(years[i - 1])], year_start = top.tolist(), i
        recent = [h for yy in (y - 1, y - 2) for h in hits.get(yy, [])]
        u = rng.random(2)
        earlier = year_start
        film = {"lang": str(langs[i]), "sequel": False, "collection": None}
        # a sequel of a film of the last ten years, likelier of a big one, in franchises of <= 8
        pool = np.flatnonzero((years[:earlier] >= y - 10) & ~closed[:earlier])
        if u[0] < 0.1 and len(pool):
            w = np.exp(0.5 * (base[pool] - base[pool].max()))
            orig_idx = int(pool[rng.choice(len(pool), p=w / w.sum())])
            root = rows[orig_idx]["collection"] or rows[orig_idx]["title"]
            members = franchise.setdefault(root, [orig_idx])
            members.append(i)
            if len(members) >= 8:
                closed[members] = True
            film.update(_sequel(rng, rows[orig_idx], root, len(members), pools))
        else:
            src = rows[recent[int(rng.integers(len(recent)))]] if u[1] < 0.15 and recent else None
            deliberate[i] = src is not None
            film.update(_original(rng, src, pools, genre_names, gw / gw.sum()))
        talent = (_mean([latent["cast"][c] for c in film["cast"][:3]])
                  + _mean([latent["directors"][d] for d in film["directors"]])
                  + _mean([latent["writers"][w] for w in film["writers"]])
                  + _mean([latent["companies"][c] for c in film["companies"]]))
        g_rev = _mean([GENRE_TABLE[g][0] for g in film["genres"]])
        g_bud = _mean([GENRE_TABLE[g][1] for g in film["genres"]])
        foreign = film["lang"] != "en"
        log_budget = (math.log(15e6) + 0.03 * (y - 1995) + g_bud + 0.8 * talent
                      + 0.4 * film["sequel"] - 0.8 * foreign + 0.9 * rng.standard_normal())
        film["log_budget"] = float(np.clip(log_budget, math.log(5e5), math.log(3e8)))
        base[i] = (0.9 * film["log_budget"] + math.log(1.2) + 0.1 * math.log(15e6) + talent + g_rev
                   + SEASON_EFFECTS[months[i]] + 0.5 * film["sequel"] - 0.7 * foreign
                   + rng.standard_normal())
        rows.append(film)
    # similarity to recent hits of *other* franchises, for every film (copycat or not)
    n_similar = np.zeros(n, int)
    kwsets = [set(r["keywords"]) for r in rows]
    for i in range(n):
        for h in (h for yy in (years[i] - 1, years[i] - 2) for h in hits.get(int(yy), [])):
            if ((rows[h]["collection"] is None or rows[h]["collection"] != rows[i]["collection"])
                    and _jaccard(kwsets[i], kwsets[h]) >= 0.5):
                n_similar[i] += 1
    lift = np.where(n_similar > 0, copycat_effect / (1 + 0.3 * np.maximum(n_similar - 1, 0)), 0.0)
    # real grosses are thinner-tailed than log-normal: compress above $300M, cap at $3B; the
    # copycat lift is added after that so it stays exactly as planted (short of the cap)
    top = math.log(3e8)
    squeezed = np.where(base > top, top + 0.6 * (base - top), base)
    log_rev = np.clip(squeezed + lift, math.log(1e4), math.log(3e9))
    return _assemble(rng, rows, dates, years, months, log_rev, quality, lift, n_similar, deliberate,
                     latent, copycat_effect, missing_rate, seed, poster_dir, poster_size)


def _assemble(rng, rows, dates, years, months, log_rev, quality, lift, n_similar, deliberate,
              latent, copycat_effect, missing_rate, seed, poster_dir, poster_size) -> pd.DataFrame:
    n = len(rows)
    genres = [r["genres"] for r in rows]
    primary = [g[0] for g in genres]
    budget = np.round(np.exp([r["log_budget"] for r in rows]), -5)
    revenue = np.round(np.exp(log_rev))
    foreign = np.array([r["lang"] != "en" for r in rows])
    domestic = np.round(revenue * np.where(foreign, rng.beta(1, 15, n), rng.beta(8, 10, n)))
    g_rat = np.array([_mean([GENRE_TABLE[g][2] for g in gs]) for gs in genres])
    craft = np.array([_mean([quality[d] for d in r["directors"]]) for r in rows])
    rating = np.clip(6.2 + 0.5 * craft + g_rat + 0.08 * (log_rev - np.median(log_rev))
                     + 0.6 * rng.standard_normal(n), 0, 10).round(1)
    votes = np.round(np.exp(0.8 * log_rev - 9 + 0.4 * (rating - 6) + 0.7 * rng.standard_normal(n)))
    runtime_mu = np.array([{"Animation": 92, "Documentary": 90, "Adventure": 122, "History": 128,
                            "War": 125, "Horror": 95}.get(p, 108) for p in primary])
    runtime = np.clip(np.round(runtime_mu + 14 * rng.standard_normal(n)), 70, 200)
    cert_p = {"kids": [0.35, 0.55, 0.08, 0.0, 0.0, 0.02], "doc": [0.02, 0.1, 0.2, 0.1, 0.0, 0.58],
              "adult": [0.0, 0.02, 0.2, 0.72, 0.02, 0.04],
              "other": [0.02, 0.13, 0.45, 0.35, 0.0, 0.05]}
    cert = []
    for gs, f in zip(genres, foreign, strict=True):
        kind = ("kids" if {"Animation", "Family"} & set(gs)
                else "adult" if {"Horror", "Crime", "War"} & set(gs)
                else "doc" if "Documentary" in gs else "other")
        cert.append("NR" if f and rng.random() < 0.5
                    else CERTIFICATIONS[rng.choice(6, p=cert_p[kind])])
    ids = rng.choice(np.arange(10, 500_000), size=n, replace=False)
    imdb = rng.choice(np.arange(100_000, 8_000_000), size=n, replace=False)
    overview, tagline, original = [], [], []
    prefix = {"fr": "Le ", "es": "El ", "de": "Der ", "it": "Il "}
    for r in rows:
        kw = r["keywords"] or ["life"]
        picks = [kw[j] for j in rng.choice(len(kw), size=min(3, len(kw)), replace=False)]
        who = _choose(rng, PROTAGONISTS)
        overview.append(f'In "{r["title"]}", {who} is drawn '
                        f"into a {' and '.join(g.lower() for g in r['genres'])} story of "
                        f"{', '.join(picks)}.")
        tagline.append(_choose(rng, TAGLINES) if rng.random() < 0.6 else None)
        original.append(prefix.get(r["lang"], "") + r["title"])
    blank = {c: rng.random(n) < missing_rate for c in ("budget", "revenue", "runtime", "keywords",
                                                        "cast")}
    inflation = 1.022 ** (2017 - years)
    revenue_obs = np.where(blank["revenue"], np.nan, revenue)
    budget_obs = np.where(blank["budget"], np.nan, budget)
    frame = pd.DataFrame({
        "film_id": [f"tmdb:{i}" for i in ids], "tmdb_id": ids,
        "imdb_id": [f"tt{i:07d}" for i in imdb],
        "title": [r["title"] for r in rows], "original_title": original, "release_date": dates,
        "year": years, "budget": budget_obs, "revenue": revenue_obs,
        "revenue_domestic": np.where(blank["revenue"], np.nan, domestic),
        "budget_adj": budget_obs * inflation, "revenue_adj": revenue_obs * inflation,
        "runtime": np.where(blank["runtime"], np.nan, runtime),
        "original_language": [r["lang"] for r in rows], "certification": cert, "genres": genres,
        "keywords": [[] if b else list(r["keywords"])
                     for r, b in zip(rows, blank["keywords"], strict=True)],
        "cast": [[] if b else list(r["cast"]) for r, b in zip(rows, blank["cast"], strict=True)],
        "directors": [list(r["directors"]) for r in rows],
        "writers": [list(r["writers"]) for r in rows],
        "companies": [list(r["companies"]) for r in rows],
        "collection": [f"{r['collection']} Collection" if r["collection"] else None for r in rows],
        "is_sequel": [r["sequel"] for r in rows], "overview": overview, "tagline": tagline,
        "poster_file": None, "rating": rating, "vote_count": votes,
    })
    faces = None
    if poster_dir is not None:
        from ._market_posters import draw_posters

        frame["poster_file"], faces = draw_posters(frame, [r["cast"] for r in rows], poster_dir,
                                                   poster_size, seed)
    frame = add_release_fields(frame, seed)[list(FILM_COLUMNS)].astype(FILM_COLUMNS)
    frame.attrs["truth"] = MarketTruth({
        "film_id": frame["film_id"].to_numpy(dtype=object), "log_revenue": log_rev,
        "copycat": n_similar > 0, "deliberate_copycat": deliberate, "n_similar_hits": n_similar,
        "copycat_lift": lift, "copycat_effect": float(copycat_effect), "budget_elasticity": 0.9,
        "noise_sd": 1.0, "sequel_effect": 0.5, "non_english_effect": -0.7,
        "genre_effects": {g: v[0] for g, v in GENRE_TABLE.items()},
        "season_effects": {m + 1: v for m, v in enumerate(SEASON_EFFECTS)},
        "talent": latent, "director_quality": quality, "poster_faces": faces,
    })
    return frame
