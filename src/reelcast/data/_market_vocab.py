"""Vocabularies and planted effect sizes of the synthetic film market (data, no logic)."""

from __future__ import annotations

from ._schema import GENRES

__all__ = ["GENRE_TABLE", "GENERAL_KEYWORDS", "SEASON_EFFECTS", "MONTH_SHARE", "LANGUAGES",
           "ROLE_SD", "FIRST_NAMES", "LAST_NAMES", "TITLE_ADJECTIVES", "TITLE_NOUNS",
           "STUDIO_WORDS", "STUDIO_SUFFIXES", "PROTAGONISTS", "TAGLINES", "CERTIFICATIONS"]


def _W(text: str) -> tuple[str, ...]:  # noqa: N802 - a compact "a|b|c" vocabulary literal
    return tuple(w.strip() for w in text.split("|"))


# genre -> (log-revenue effect, log-budget effect, rating effect, sampling weight, keywords)
GENRE_TABLE: dict[str, tuple[float, float, float, float, tuple[str, ...]]] = {
    "Action": (0.3, 0.7, -0.1, 10, _W(
        "superhero|martial arts|car chase|explosion|secret agent|shootout|mercenary|"
        "based on comic|hostage|bodyguard|special forces|one man army"
    )),
    "Adventure": (0.4, 0.8, 0.0, 7, _W(
        "treasure hunt|quest|jungle|pirate|island|expedition|survival|lost civilization|map|"
        "archaeologist|sea voyage"
    )),
    "Animation": (0.5, 0.9, 0.3, 3, _W(
        "talking animal|computer animation|princess|toy|anthropomorphism|musical number|"
        "dragon|animal sidekick|stop motion|fairy"
    )),
    "Comedy": (0.1, -0.1, -0.2, 14, _W(
        "buddy comedy|road trip|wedding|slapstick|high school|bachelor party|parody|"
        "mistaken identity|roommate|prank|stand-up"
    )),
    "Crime": (-0.1, 0.0, 0.1, 7, _W(
        "detective|mafia|heist|drug dealer|murder|police corruption|prison|serial killer|"
        "bank robbery|gangster|undercover cop"
    )),
    "Documentary": (-0.8, -1.5, 0.6, 2, _W(
        "interview|archive footage|environment|music documentary|biography|politics|nature|"
        "activism|investigative journalism"
    )),
    "Drama": (-0.3, -0.3, 0.4, 18, _W(
        "based on true story|family relationships|grief|coming of age|addiction|small town|"
        "cancer|marriage crisis|redemption|loneliness|immigrant"
    )),
    "Family": (0.2, 0.3, 0.1, 4, _W(
        "christmas|dog|kids|holiday|family vacation|single parent|pet|babysitter|summer camp"
    )),
    "Fantasy": (0.2, 0.5, 0.0, 4, _W(
        "magic|wizard|dragon|sword and sorcery|fairy tale|prophecy|witch|enchanted forest|"
        "mythical creature|curse"
    )),
    "History": (-0.2, 0.2, 0.4, 2, _W(
        "world war ii|19th century|royalty|civil rights|ancient rome|biography|"
        "based on true story|revolution|period drama"
    )),
    "Horror": (0.1, -0.6, -0.7, 6, _W(
        "haunted house|demon|possession|slasher|zombie|ghost|found footage|vampire|exorcism|"
        "cabin in the woods|masked killer"
    )),
    "Music": (-0.1, -0.3, 0.2, 2, _W(
        "musician|band|concert|singer|hip-hop|dance|jazz|talent show|rock and roll"
    )),
    "Mystery": (-0.05, -0.1, 0.1, 3, _W(
        "whodunit|amnesia|investigation|conspiracy|missing person|twist ending|secret|"
        "disappearance"
    )),
    "Romance": (-0.1, -0.3, 0.0, 8, _W(
        "love triangle|first love|forbidden love|long distance relationship|paris|"
        "new york city|blind date|second chance|wedding"
    )),
    "Science Fiction": (0.3, 0.6, 0.0, 5, _W(
        "alien|dystopia|time travel|space|artificial intelligence|robot|post-apocalyptic|"
        "cyberpunk|space opera|clone|virtual reality"
    )),
    "TV Movie": (-1.0, -1.2, -0.3, 1, _W(
        "made for tv|holiday|christmas|small town|romance novel"
    )),
    "Thriller": (0.0, 0.0, 0.0, 8, _W(
        "conspiracy|kidnapping|psychopath|spy|cat and mouse|hostage|stalker|assassin|"
        "cover-up|hacker"
    )),
    "War": (-0.2, 0.3, 0.3, 2, _W(
        "world war ii|vietnam war|soldier|battle|prisoner of war|resistance|navy|sniper|"
        "trench warfare"
    )),
    "Western": (-0.3, 0.1, 0.1, 1, _W(
        "cowboy|outlaw|gunfight|sheriff|frontier|bounty hunter|wild west|train robbery"
    )),
}
assert sorted(GENRE_TABLE) == sorted(GENRES)  # the table must cover the canonical genres
GENERAL_KEYWORDS = _W(
    "duringcreditsstinger|woman director|independent film|los angeles|friendship|"
    "father son relationship|love|death|based on novel|remake|new york city|london|"
    "revenge|betrayal"
)
FIRST_NAMES = _W(
    "James|Mary|John|Linda|Robert|Susan|Michael|Karen|David|Emma|Daniel|Olivia|Chris|"
    "Sofia|Mark|Laura|Paul|Nina|Steven|Grace|Kevin|Julia|Brian|Alice|Jason|Rosa|Ryan|"
    "Chloe|Eric|Hannah|Adam|Mei|Omar|Priya|Lucas|Ingrid|Hugo|Yuki|Diego|Amara"
)
LAST_NAMES = _W(
    "Smith|Johnson|Brown|Garcia|Miller|Davis|Wilson|Moore|Taylor|Clark|Lewis|Walker|Hall|"
    "Young|King|Wright|Scott|Green|Baker|Adams|Nelson|Hill|Campbell|Mitchell|Roberts|"
    "Carter|Phillips|Evans|Turner|Parker|Collins|Stewart|Morris|Reed|Cook|Bell|Murphy|"
    "Rivera|Cooper|Ward|Fischer|Novak|Sato|Kim|Rossi|Dubois|Khan|Silva|Berg|Costa"
)
TITLE_ADJECTIVES = _W(
    "Silent|Last|Broken|Crimson|Hidden|Endless|Golden|Dark|Wild|Lost|Iron|Secret|Burning|"
    "Frozen|Midnight|Electric|Savage|Little|Forgotten|Final"
)
TITLE_NOUNS = _W(
    "Harbor|Kingdom|Promise|Horizon|Empire|Witness|Signal|Garden|Storm|Frontier|Shadow|"
    "Heart|Code|River|Legacy|Mirror|Island|Protocol|Summer|Circus|Crown|Echo|Night|Road"
)
STUDIO_WORDS = _W(
    "Apex|Blue Lantern|Northstar|Red Oak|Silver Arrow|Paramount Bay|Lionhart|Golden Gate|"
    "Harbor Lights|Crescent|Summit Ridge|Atlas|Bright Owl|Ironwood|Meridian|Orchid|"
    "Pinnacle|Stonebridge|Tidal|Vanguard"
)
STUDIO_SUFFIXES = _W(
    "Pictures|Films|Studios|Entertainment|Media|Productions"
)
PROTAGONISTS = _W(
    "a retired detective|a young girl|two estranged brothers|a disgraced soldier|"
    "a small-town teacher|an ambitious lawyer|a lonely inventor|a single mother|"
    "a reckless pilot|a shy teenager"
)
TAGLINES = _W(
    "Some secrets never stay buried.|Every legend has a beginning.|"
    "The rules have changed.|Nobody gets out alone.|Trust no one.|"
    "One chance. One choice.|Family is everything.|The adventure of a lifetime.|"
    "Fear has a new address.|Love makes its own rules."
)
SEASON_EFFECTS = (-0.25, -0.2, 0.0, 0.0, 0.25, 0.3, 0.3, 0.05, -0.25, -0.05, 0.2, 0.25)  # Jan..Dec
MONTH_SHARE = (0.07, 0.07, 0.09, 0.08, 0.08, 0.08, 0.08, 0.09, 0.1, 0.1, 0.08, 0.08)
LANGUAGES = (("en", 0.8), ("fr", 0.05), ("es", 0.035), ("de", 0.025), ("ja", 0.025), ("ko", 0.02),
             ("hi", 0.02), ("zh", 0.015), ("it", 0.01))
# sd of the latent log-revenue draw per role
ROLE_SD = {"cast": 0.35, "directors": 0.4, "writers": 0.2, "companies": 0.25}
CERTIFICATIONS = ("G", "PG", "PG-13", "R", "NC-17", "NR")
