"""Sources → canonical corpus: readers for the public tables, the corpus builder, a synthetic market."""

from ._anime import read_anime
from ._audit import has_label_flags
from ._certification import (
    ACCEPTED_TEXT,
    CERTIFICATION_LABELS,
    min_age,
    normalise_certification,
)
from ._corpus import CorpusSummary, build_corpus, load_anime, load_corpus
from ._corpus_io import read_coverage, read_era_coverage
from ._coverage import era_markdown, print_coverage
from ._cpi import load_cpi, to_2017_dollars
from ._fields import (
    FIELD_COLUMNS,
    FIELD_SETS,
    MODEL_FIELD_SETS,
    NEAR_FIELD_SETS,
    OPTIONAL_FIELDS,
    RELEASE_TABLE_FIELDS,
    blank_fields,
    field_set,
    field_set_copies,
    fields_present,
    more_fields_copies,
    random_field_copies,
)
from ._market import MarketTruth, make_anime_market, make_market
from ._schema import (
    ANIME_COLUMNS,
    FILM_COLUMNS,
    GENRE_ALIASES,
    GENRES,
    LIST_COLUMNS,
    POST_RELEASE_COLUMNS,
    RELEASE_PLAN_COLUMNS,
    empty_anime,
    empty_films,
    without_attrs,
)
from ._sources import ParseStats, SourceTable
from ._sources_added import read_cast_ids, read_imdb_crew, read_tmdb10k, read_wikipedia
from ._sources_boxoffice import (
    read_box_office_mojo,
    read_ilias,
    read_imdb5000,
    read_movie_industry,
    read_the_numbers,
)
from ._sources_release import read_bom_width, read_the_numbers_theaters, read_vega
from ._sources_tmdb import (
    read_links,
    read_movielens_ratings,
    read_movies_metadata,
    read_posters,
    read_tmdb5000,
    read_tmdb_discover,
    read_tmdb_keywords,
)
from ._target import log_revenue, revenue_films

__all__ = [
    "has_label_flags",
    "ACCEPTED_TEXT",
    "CERTIFICATION_LABELS",
    "min_age",
    "normalise_certification",
    "read_coverage",
    "read_era_coverage",
    "era_markdown",
    "print_coverage",
    "log_revenue",
    "revenue_films",
    "FIELD_COLUMNS",
    "FIELD_SETS",
    "MODEL_FIELD_SETS",
    "NEAR_FIELD_SETS",
    "RELEASE_TABLE_FIELDS",
    "OPTIONAL_FIELDS",
    "blank_fields",
    "field_set_copies",
    "more_fields_copies",
    "random_field_copies",
    "field_set",
    "fields_present",
    "ANIME_COLUMNS",
    "FILM_COLUMNS",
    "GENRE_ALIASES",
    "GENRES",
    "LIST_COLUMNS",
    "POST_RELEASE_COLUMNS",
    "RELEASE_PLAN_COLUMNS",
    "empty_anime",
    "empty_films",
    "without_attrs",
    "make_anime_market",
    "make_market",
    "MarketTruth",
    "CorpusSummary",
    "build_corpus",
    "load_corpus",
    "load_anime",
    "load_cpi",
    "to_2017_dollars",
    "ParseStats",
    "SourceTable",
    "read_anime",
    "read_box_office_mojo",
    "read_ilias",
    "read_imdb5000",
    "read_links",
    "read_movie_industry",
    "read_movielens_ratings",
    "read_movies_metadata",
    "read_posters",
    "read_the_numbers",
    "read_tmdb5000",
    "read_tmdb_discover",
    "read_tmdb_keywords",
    "read_cast_ids",
    "read_tmdb10k",
    "read_imdb_crew",
    "read_wikipedia",
    "read_the_numbers_theaters",
    "read_bom_width",
    "read_vega",
]
