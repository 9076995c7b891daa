"""The README written next to ``films.parquet``: sources, coverage, matching, people, label audit,
all rendered from the build's numbers."""

from __future__ import annotations

from ._coverage import coverage_markdown

__all__ = ["corpus_readme", "NEW_COLUMNS"]

# the columns corpus v2 added, and what they mean (README and the build report)
NEW_COLUMNS: dict[str, str] = {
    "min_age": "minimum audience age the certification implies (MPAA, FSK and BBFC on one "
               "scale; `reelcast.data._certification`)",
    "distributor": "US theatrical distributor (Box Office Mojo, vega; common names spelled one "
                   "way)",
    "story_source": "The Numbers' / vega's source of the story (Original Screenplay, Based on "
                    "Fiction Book/Short Story, Remake, …)",
    "creative_type": "Contemporary Fiction, Historical Fiction, Fantasy, Super Hero, Kids "
                     "Fiction, …",
    "production_method": "Live Action, Digital Animation, Animation/Live Action, …",
    "opening_theaters": "US theaters on the opening weekend: the **release plan**, known about a "
                        "week before release, not at greenlight (`RELEASE_PLAN_COLUMNS`)",
    "label_flags": "label-audit flags of the film's revenue and budget (post-release; "
                   "see below)",
}


def corpus_readme(coverage: dict, report: dict, field_priority: dict, rating_priority: tuple,
                  ) -> str:
    """The README written next to ``films.parquet``."""
    priority = "\n".join(f"| `{field}` | {' > '.join(order)} |"
                         for field, order in field_priority.items() if field != "year")
    late = report.get("released_after_time_cut_dropped", 0)
    matching = "\n".join(
        f"| {name} | {m['rows']:,} | {m.get('matched_by_id', 0):,} | "
        f"{m.get('matched_by_title', 0):,} | {100 * m['match_rate']:.1f}% | "
        f"{m['added']:,} | {m['ambiguous']:,} |" for name, m in sorted(report["matching"].items()))
    new_columns = "\n".join(f"| `{c}` | {text} |" for c, text in NEW_COLUMNS.items())
    people = report.get("people", {})
    audit = report.get("label_audit", {"flags": {}})
    flags = "\n".join(
        f"| `{name}` | {f['films']:,} | {f['with_budget_and_revenue']:,} | "
        f"{f['test_2014_2017']:,} | "
        + ", ".join(f"{k} {v:,}" for k, v in f["by_revenue_source"].items()) + " |"
        for name, f in audit["flags"].items())
    return f"""# reelcast film corpus

Built by `reelcast corpus build` from the public tables in `{report['data_dir']}`.

* `films.parquet`: {report['n_films']:,} films, one row per film, columns in the canonical schema
  (`reelcast.data.FILM_COLUMNS`) plus a provenance column `src_<field>` naming the source of
  each value. Load it with `reelcast.data.load_corpus(dir)`.
* `anime.parquet`: {report['n_anime']:,} MyAnimeList titles (`reelcast.data.ANIME_COLUMNS`);
  `reelcast.data.load_anime(dir)`.
* `coverage.json` / `coverage.md`: the table below. `build_report.json`: rows per source, match
  rates, fixes, unparseable values with examples, corrupt posters, timings. `manifest.json`:
  versions, input file hashes, creation time.

`film_id` is `tmdb:<id>`, else `imdb:<tt…>`, else `title:<normalised title>:<year>` for films
found only in a table without ids. Money is nominal USD; `budget_adj` / `revenue_adj` are in 2017
dollars (annual US CPI-U, BLS series CUUR0000SA0, shipped with reelcast). `revenue` is the
worldwide gross, `revenue_domestic` the US (domestic) gross.

## Coverage

{coverage_markdown(coverage)}
## Source priority (first non-missing value wins)

| field | sources, best first |
|---|---|
{priority}
| `rating`, `vote_count` (one source for both) | {' > '.join(rating_priority)} |

The corpus v2 tables rank below the earlier ones for every field they share (budget and
worldwide revenue: TMDb 10k, then The Numbers theaters, then vega, after all earlier sources),
except the person lists: ilias1111's billed cast ids and IMDb crew's director and writer ids,
named where `reelcast.data._people` found a name, are the most complete lists after the TMDB
tables' names.

`rating` is on a 0-10 scale: the IMDb user rating where any table has it, else the TMDB vote
average (`ilias1111_tmdb` is ilias1111's TMDB column), else MovieLens stars x 2. `src_rating` says
which. `rating`, `vote_count`, `revenue*` are **post-release**: targets and rating pretraining
only, never inputs of a pre-release forecast.

`is_sequel` is derived: a film in a collection (`collection`) released after the collection's
earliest film in the corpus; films that a collection-aware source (ilias1111, movies_metadata)
lists without a collection are `False`; others are missing.

Notes: IMDB 5000 budgets are in local currency for non-US films, so they are used only for
`country == USA`. IMDB 5000 `gross` and Box Office Mojo `domestic_gross` are domestic; The
Numbers, Movie Industry and ilias1111 `revenue_world` are worldwide; Box Office Mojo worldwide is
domestic + foreign. Impossible values (budget < $1,000, revenue or domestic revenue 0, runtime 0)
are made missing per source before the merge, so another source can fill them; counts are in
`build_report.json` (`fixes`).

Films first released on or after 2018-01-01 are left out, as in the data README (later films are
the out-of-time test): {late:,} films (Movie Industry, for one, lists some 2017 festival films by
their 2018 US release).

## Matching (ids, then normalised title, year +/- 1)

| table | rows | matched by id | matched by title | match rate | added as new films | ambiguous (skipped) |
|---|---|---|---|---|---|---|
{matching}

The earlier film-defining tables (TMDB 5000, movies_metadata, ilias1111, TMDB discover, IMDB
5000) are linked by ids and are not listed; for TMDb 10k, "matched by id" counts its films that an
earlier table already had, "added" the films only it has. IMDb crew rows are matched on title only to films without an
IMDb id; most of its 119,853 titles (2010-2017, every kind of title) are not in the corpus, hence
its low rate. A title match never gives a film an id.

## Columns added in corpus v2

| column | meaning |
|---|---|
{new_columns}

`certification` holds a normalised label: MPAA labels as before (`PG-13`), German FSK ages as
`FSK 12` (ilias1111's `ageCert`, used only where no table has an MPAA label), BBFC labels as
`BBFC 15`.

## People

Cast, directors and writers hold names where a name is known, else a stable id key
(`tmdbp:<TMDB person id>`, `imdbp:<IMDb nm id>`); how ids are given names is documented in
`reelcast.data._people`. This build: {people.get('tmdb_ids_named', 0):,} of
{people.get('tmdb_person_ids', 0):,} TMDB person ids and {people.get('imdb_ids_named', 0):,} of
{people.get('imdb_person_ids', 0):,} IMDb person ids were given a name (persons merged:
{people.get('persons_merged', 0):,}; id-only: {people.get('ids_only', 0):,}); {
people.get('names_only', 0):,} names are never linked to an id; {people.get('spellings_merged', 0):,}
names were written more than one way and are now written one way.

## Label audit (flags only: no label was dropped or changed)

| flag | films | with budget and revenue | test years 2014-2017 | by revenue source |
|---|---|---|---|---|
{flags}

Any flag: {audit.get('any_flag', {}).get('films', 0):,} films
({audit.get('any_flag', {}).get('with_budget_and_revenue', 0):,} with budget and revenue,
{audit.get('any_flag', {}).get('test_2014_2017', 0):,} in 2014-2017). The flags are in the column
`label_flags`; `reelcast.data._audit` documents each.
"""
