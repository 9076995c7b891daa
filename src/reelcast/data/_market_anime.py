"""A seeded synthetic MyAnimeList-like catalogue in the canonical anime schema (``ANIME_COLUMNS``).

The score (1–10) is planted on studio quality, source, genres, type and a few synopsis words;
members grow with the score. ``df.attrs["truth"]`` holds the planted effects.

>>> anime = make_anime_market(100, seed=0)
>>> list(anime.columns) == list(ANIME_COLUMNS)
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import InputError
from ._schema import ANIME_COLUMNS

__all__ = ["make_anime_market"]

# genre -> (score effect, weight, synopsis vocabulary)
_GENRE: dict[str, tuple[float, float, tuple[str, ...]]] = {
    "Action": (0.05, 10, ("battle", "sword", "power", "enemy")),
    "Adventure": (0.1, 6, ("journey", "treasure", "world", "quest")),
    "Comedy": (0.0, 12, ("misunderstanding", "club", "prank", "roommate")),
    "Drama": (0.2, 8, ("tragedy", "loss", "memories", "family")),
    "Fantasy": (0.0, 8, ("magic", "demon lord", "kingdom", "reincarnated")),
    "Romance": (0.0, 7, ("confession", "first love", "childhood friend", "festival")),
    "Sci-Fi": (0.1, 6, ("mecha pilot", "colony", "android", "experiment")),
    "Slice of Life": (0.1, 6, ("everyday life", "cafe", "countryside", "friendship")),
    "Shounen": (0.1, 7, ("tournament", "rival", "training", "dream")),
    "Shoujo": (0.0, 3, ("transfer student", "prince", "diary", "secret")),
    "Seinen": (0.25, 3, ("detective", "war", "revenge", "conspiracy")),
    "Josei": (0.15, 1, ("office", "marriage", "career", "secret")),
    "Mecha": (-0.05, 3, ("giant robot", "pilot", "colony", "war")),
    "Mystery": (0.2, 3, ("murder", "detective", "mystery", "disappearance")),
    "Horror": (-0.1, 2, ("curse", "ghost", "survival", "monster")),
    "Supernatural": (0.05, 5, ("spirit", "shrine", "youkai", "curse")),
    "Sports": (0.15, 3, ("volleyball", "baseball", "tournament", "team")),
    "Music": (-0.1, 3, ("idol", "band", "concert", "debut")),
    "School": (-0.05, 8, ("high school", "student council", "club", "exam")),
    "Psychological": (0.3, 2, ("mind game", "despair", "memories", "experiment")),
    "Historical": (0.15, 2, ("samurai", "shogunate", "war", "village")),
    "Military": (0.1, 2, ("soldier", "war", "empire", "squad")),
    "Kids": (-0.3, 3, ("adventure", "pet", "friendship", "song")),
    "Ecchi": (-0.35, 3, ("hot springs", "harem", "transfer student", "beach")),
    "Harem": (-0.4, 2, ("harem", "childhood friend", "confession", "beach")),
}
# planted synopsis words (beyond what their genres carry)
_WORDS: dict[str, float] = {"tragedy": 0.25, "war": 0.15, "revenge": 0.15, "friendship": 0.1,
                            "mystery": 0.1, "idol": -0.2, "harem": -0.25, "reincarnated": -0.15,
                            "hot springs": -0.15}
_SOURCE = (("Manga", 0.35, 0.2), ("Original", 0.22, 0.0), ("Light novel", 0.12, -0.1),
           ("Visual novel", 0.05, -0.1), ("Game", 0.06, -0.3), ("Web manga", 0.04, 0.1),
           ("Novel", 0.04, 0.15), ("4-koma manga", 0.04, 0.0), ("Other", 0.03, -0.2),
           ("Music", 0.02, -0.3), ("Picture book", 0.02, -0.2), ("Unknown", 0.01, -0.3))
_TYPE = (("TV", 0.5, 0.0), ("Movie", 0.12, 0.2), ("OVA", 0.15, -0.1), ("ONA", 0.1, -0.2),
         ("Special", 0.1, -0.05), ("Music", 0.03, -0.3))
_AGE = ("G - All Ages", "PG - Children", "PG-13 - Teens 13 or older",
        "R - 17+ (violence & profanity)", "R+ - Mild Nudity")
_SYL = ("ka", "mi", "to", "ra", "shi", "no", "yu", "ki", "ha", "ru", "sa", "ko", "ri", "ta", "na",
        "me", "so", "ra", "hi", "ka", "ze", "tsu", "ya", "ma")
_EN = ("Sword", "Sky", "Academy", "Spirit", "Chronicle", "Garden", "Star", "Knight", "Melody",
       "Witch", "Dragon", "Promise", "Summer", "Labyrinth", "Horizon", "Tale")
_STUDIO = ("Sunrise", "Madhouse", "Bones", "Kyoto Animation", "Production I.G", "Toei Animation",
           "J.C.Staff", "A-1 Pictures", "Shaft", "Studio Deen", "TMS Entertainment", "Pierrot",
           "Wit Studio", "Trigger", "Ufotable", "Silver Link", "Doga Kobo", "Gainax", "OLM",
           "Xebec", "Brains Base", "Lerche", "Diomedea", "Studio Ghibli", "P.A. Works",
           "David Production",
           "CloverWorks", "MAPPA", "Feel", "Gonzo", "Satelight", "Zexcs", "Arms", "Studio Comet")
_PRODUCER = ("Aniplex", "Dentsu", "Kadokawa", "Bandai Visual", "Pony Canyon", "Lantis", "TBS",
             "Fuji TV", "Shueisha", "Kodansha", "Shogakukan", "Sony Music", "Movic", "NHK",
             "AT-X", "Square Enix", "Geneon", "King Records", "Avex", "Mainichi Broadcasting")


def _word(rng) -> str:
    syllables = rng.integers(0, len(_SYL), size=int(rng.integers(2, 4)))
    return "".join(_SYL[j] for j in syllables).title()


def make_anime_market(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    """A synthetic MyAnimeList-like catalogue in the canonical anime schema.

    Parameters
    ----------
    n : int
        Number of titles.
    seed : int
        Seed; the same arguments give the same frame.

    Returns
    -------
    DataFrame
        Columns exactly ``ANIME_COLUMNS``, sorted by start date. ``attrs["truth"]`` holds the studio
        qualities, source/type/genre/word effects and the noise-free score.
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise InputError(f"The 'n' parameter must be an int >= 1, got {n!r} instead.")
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"The 'seed' parameter must be an int >= 0, got {seed!r} instead.")
    rng = np.random.default_rng(seed)
    rank = np.arange(1, len(_STUDIO) + 1)
    p_studio = rank ** -0.9 / (rank ** -0.9).sum()  # a few big studios make most shows
    quality = dict(zip(_STUDIO, (0.35 * rng.standard_normal(len(_STUDIO))).tolist(), strict=True))
    genre_names, gw = list(_GENRE), np.array([v[1] for v in _GENRE.values()], float)
    src = rng.choice(len(_SOURCE), size=n, p=[s[1] for s in _SOURCE])
    typ = rng.choice(len(_TYPE), size=n, p=[t[1] for t in _TYPE])
    years = rng.choice(np.arange(1990, 2018), size=n, p=(w := np.linspace(1, 3, 28)) / w.sum())
    days = rng.integers(0, 365, size=n)
    start = np.sort((years - 1970).astype("datetime64[Y]").astype("datetime64[D]") + days)
    years = start.astype("datetime64[Y]").astype(int) + 1970
    months = start.astype("datetime64[M]").astype(int) % 12
    rows, mean_score = [], np.zeros(n)
    for i in range(n):
        picks = rng.choice(len(gw), int(rng.integers(1, 5)), replace=False, p=gw / gw.sum())
        genres = [genre_names[j] for j in picks]
        picks = rng.choice(len(_STUDIO), 1 + int(rng.random() < 0.1), p=p_studio)
        studios = [_STUDIO[j] for j in dict.fromkeys(picks.tolist())]
        vocab = sorted({w for g in genres for w in _GENRE[g][2]})
        words = [vocab[j] for j in rng.choice(len(vocab), min(3, len(vocab)), replace=False)]
        title = f"{_word(rng)} {'no ' if rng.random() < 0.6 else ''}{_word(rng)}"
        mood = rng.choice(["quiet", "hot-headed", "cheerful", "lonely"])
        hero = rng.choice(["boy", "girl", "student", "swordsman", "girl and her friends"])
        synopsis = (f"{title} follows a {mood} {hero} "
                    f"caught up in {words[0]}" + (f" and {words[1]}" if len(words) > 1 else "")
                    + (f". Along the way: {words[2]}." if len(words) > 2 else "."))
        t = _TYPE[typ[i]][0]
        episodes = {"TV": float(rng.choice([12, 13, 24, 25, 26, 50])), "Movie": 1.0,
                    "OVA": float(rng.integers(1, 7)), "ONA": float(rng.integers(1, 25)),
                    "Special": float(rng.integers(1, 4)), "Music": 1.0}[t]
        if {"Kids"} & set(genres):
            age = _AGE[int(rng.choice([0, 1]))]
        elif {"Ecchi", "Harem"} & set(genres):
            age = _AGE[4]
        elif {"Seinen", "Horror", "Psychological", "Military"} & set(genres):
            age = _AGE[3] if rng.random() < 0.7 else _AGE[2]
        else:
            age = _AGE[2] if rng.random() < 0.85 else _AGE[1]
        mean_score[i] = (6.6 + np.mean([quality[s] for s in studios]) + _SOURCE[src[i]][2]
                         + _TYPE[typ[i]][2] + np.mean([_GENRE[g][0] for g in genres])
                         + sum(_WORDS.get(w, 0.0) for w in words))
        english = " ".join(rng.choice(_EN, 2)) if rng.random() < 0.7 else None
        rows.append({"title": title, "english_title": english,
                     "synopsis": synopsis, "genres": genres, "studios": studios,
                     "producers": [_PRODUCER[j] for j in dict.fromkeys(
                         rng.choice(len(_PRODUCER), int(rng.integers(1, 4))).tolist())],
                     "episodes": episodes if rng.random() > 0.03 else np.nan, "age_rating": age})
    score = np.clip(mean_score + 0.4 * rng.standard_normal(n), 1, 10).round(2)
    is_tv = np.array([_TYPE[t][0] == "TV" for t in typ])
    members = np.round(np.exp(9.5 + 1.3 * (score - 6.6) + 0.04 * (years - 1990)
                              + 0.6 * is_tv + rng.standard_normal(n)))
    frame = pd.DataFrame(rows)
    frame.insert(0, "anime_id", rng.choice(np.arange(1, 40_000), size=n, replace=False))
    frame["source"] = [_SOURCE[s][0] for s in src]
    frame["type"] = [_TYPE[t][0] for t in typ]
    frame["start_date"] = start.astype("datetime64[ns]")
    frame["year"] = years
    frame["season"] = np.where(is_tv, np.array(["Winter", "Spring", "Summer", "Fall"])[months // 3],
                               None)
    frame["score"], frame["members"] = score, members
    frame = frame[list(ANIME_COLUMNS)].astype(ANIME_COLUMNS)
    frame.attrs["truth"] = {"studio_quality": quality, "score_mean": mean_score.round(6).tolist(),
                            "source_effects": {s[0]: s[2] for s in _SOURCE},
                            "type_effects": {t[0]: t[2] for t in _TYPE},
                            "genre_effects": {g: v[0] for g, v in _GENRE.items()},
                            "word_effects": dict(_WORDS), "noise_sd": 0.4}
    return frame
