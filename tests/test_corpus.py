"""The corpus builder on a tiny multi-source folder, its outputs and CLI, and the real corpus."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from _tinydata import write_tiny_data

import reelcast.data._corpus_io as corpus_io
from reelcast._errors import DataFileError, SchemaError
from reelcast._io import file_sha256
from reelcast.cli import main
from reelcast.data import (
    ANIME_COLUMNS,
    FILM_COLUMNS,
    LIST_COLUMNS,
    build_corpus,
    load_anime,
    load_corpus,
    to_2017_dollars,
)
from reelcast.data._schema import PROVENANCE_FIELDS

OUTPUTS = ("films.parquet", "anime.parquet", "coverage.json", "coverage.md", "build_report.json",
           "manifest.json", "README.md")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, object]:
    root = tmp_path_factory.mktemp("tiny")
    data = write_tiny_data(root / "data")
    summary = build_corpus(data, root / "corpus", progress=False)
    return data, root / "corpus", summary


@pytest.fixture(scope="module")
def films(built) -> pd.DataFrame:
    return load_corpus(built[1]).set_index("film_id", drop=False)


@pytest.fixture(scope="module")
def report(built) -> dict:
    return json.loads((built[1] / "build_report.json").read_text())


def test_outputs_and_summary(built):
    _, corpus, summary = built
    assert all((corpus / name).is_file() for name in OUTPUTS)
    assert summary.n_films == 9 and summary.n_anime == 2
    assert summary.n_budget_revenue == 5 and summary.n_with_poster == 1
    assert "| **all** | 9 |" in summary.table()


def test_schema_dtypes_lists_and_provenance(films):
    for column, dtype in FILM_COLUMNS.items():
        assert str(films[column].dtype) == str(pd.Series(dtype=dtype).dtype), column
    for column in LIST_COLUMNS:
        assert films[column].map(lambda v: isinstance(v, list)).all(), column
        assert films[column].map(lambda v: all(isinstance(x, str) for x in v)).all(), column
    for field in PROVENANCE_FIELDS:
        assert f"src_{field}" in films.columns
    assert films["film_id"].is_unique


def test_one_row_per_film_across_sources(films):
    # Star Voyage is in seven tables (TMDB 5000, ilias, IMDB 5000, TN, Movie Industry, ...)
    assert (films["title"] == "Star Voyage").sum() == 1
    voyage = films.loc["tmdb:100"]
    assert voyage["imdb_id"] == "tt0000100"
    assert voyage["cast"] == ["Al First", "Bo Second"]
    assert voyage["writers"] == ["Ann Lee", "Wri Ter"]  # IMDb crew ids, named by _people


@pytest.mark.parametrize(("film", "field", "value", "source"), [
    ("tmdb:100", "budget", 200_000_000.0, "tmdb5000"),  # TMDB 5000 beats ilias and TN
    ("tmdb:101", "budget", 150_000_000.0, "ilias1111"),  # TMDB 5000 budget 0 -> next source
    ("tmdb:101", "runtime", 140.0, "ilias1111"),  # TMDB 5000 runtime 0 -> next source
    ("tmdb:100", "revenue_domestic", 310_000_000.0, "the_numbers"),
    ("tmdb:100", "rating", 7.2, "ilias1111"),  # IMDb rating first
    ("tmdb:100", "keywords", ["space", "alien"], "tmdb5000"),
    ("tmdb:101", "collection", "Star Voyage Collection", "ilias1111"),
    ("tmdb:102", "budget", 2_000_000.0, "the_numbers"),  # matched "The Quiet Town" 2016
    ("tmdb:102", "keywords", ["village"], "tmdb_keywords"),
    ("tmdb:102", "overview", "Calm.", "movies_metadata"),
    ("tmdb:100", "poster_file", "posters/images/tt0000100.jpg", "posters"),
])
def test_priority_and_provenance(films, film, field, value, source):
    assert films.loc[film, field] == value
    assert films.loc[film, f"src_{field}"] == source


def test_title_only_film_is_added_and_ambiguous_row_is_skipped(films, report):
    assert films.loc["title:lonely film:2011", "budget"] == 1_000_000
    assert pd.isna(films.loc["title:lonely film:2011", "tmdb_id"])
    matching = report["matching"]
    assert matching["the_numbers"]["matched"] == 2 and matching["the_numbers"]["added"] == 1
    assert matching["movie_industry"]["ambiguous"] == 1
    assert matching["movie_industry"]["ambiguous_examples"] == ["Twin (2014)"]
    assert (films["title"] == "Twin").sum() == 2  # the two TMDB films stay apart


def test_derived_columns(films):
    assert not films.loc["tmdb:100", "is_sequel"] and films.loc["tmdb:101", "is_sequel"]
    assert pd.isna(films.loc["title:lonely film:2011", "is_sequel"])
    assert films.loc["tmdb:100", "budget_adj"] == pytest.approx(to_2017_dollars(200e6, 2009))
    assert films.loc["tmdb:101", "year"] == 2012


def test_fixes_and_duplicates_are_counted(report):
    assert report["fixes"]["tmdb5000"] == {"budget_below_1000": 1, "runtime_zero": 1}
    assert report["fixes"]["imdb5000"]["budget_non_us_currency"] == 1
    assert report["sources"]["imdb5000"]["duplicates_dropped"] == 1
    assert report["fix_totals"]["budget_below_1000"] == 3  # TMDB 5000, movies_metadata, vega
    assert set(report["timings_s"]) >= {"read tmdb5000", "match titles", "check posters"}


def test_corrupt_poster_is_listed_and_skipped(films, report):
    assert [p["file"] for p in report["posters"]["corrupt"]] == ["posters/images/tt0000101.jpg"]
    assert pd.isna(films.loc["tmdb:101", "poster_file"])
    assert pd.isna(films.loc["tmdb:101", "src_poster_file"])


def test_manifest_coverage_and_readme(built):
    data, corpus, _ = built
    manifest = json.loads((corpus / "manifest.json").read_text())
    relpath = "imdb_5000/movie_metadata.csv.gz"
    assert manifest["inputs"][relpath] == file_sha256(data / relpath)
    assert manifest["poster_images"]["count"] == 1 and manifest["pandas"] == pd.__version__
    coverage = json.loads((corpus / "coverage.json").read_text())
    assert coverage["overall"]["films"] == 9 and coverage["by_decade"]["2010s"]["films"] == 6
    readme = (corpus / "README.md").read_text()
    assert "tmdb5000 > movies_metadata > ilias1111 > the_numbers" in readme  # budget priority
    assert "post-release" in readme


def test_anime_round_trip(built):
    anime = load_anime(built[1])
    assert list(anime.columns) == list(ANIME_COLUMNS)
    assert anime.set_index("anime_id").loc[1, "studios"] == ["Sunrise"]


def test_failed_build_leaves_the_previous_corpus_intact(built, tmp_path, monkeypatch):
    data = built[0]
    out = tmp_path / "corpus"
    build_corpus(data, out, progress=False)
    before = (out / "films.parquet").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full halfway")

    monkeypatch.setattr(corpus_io, "write_json", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        build_corpus(data, out, progress=False)
    assert (out / "films.parquet").read_bytes() == before
    assert all((out / name).is_file() for name in OUTPUTS)
    assert [p.name for p in tmp_path.iterdir()] == ["corpus"]  # no temporary folder left


def test_build_without_poster_verification_keeps_index_entries(built, tmp_path):
    summary = build_corpus(built[0], tmp_path / "c", verify_posters=False, progress=False)
    assert summary.n_with_poster == 2


@pytest.mark.parametrize(("setup", "error", "message"), [
    (lambda p: None, DataFileError, "corpus folder not found"),
    (lambda p: p.mkdir(), DataFileError, "films.parquet"),
    (lambda p: (p.mkdir(), pd.DataFrame({"film_id": ["x"]}).to_parquet(p / "films.parquet")),
     SchemaError, "'tmdb_id' is missing"),
    (lambda p: (p.mkdir(), (p / "films.parquet").write_bytes(b"not parquet")),
     DataFileError, "cannot read"),
])
def test_load_corpus_errors(tmp_path, setup, error, message):
    path = tmp_path / "corpus"
    setup(path)
    with pytest.raises(error, match=message):
        load_corpus(path)


def test_missing_data_folder(tmp_path):
    with pytest.raises(DataFileError, match="data folder not found"):
        build_corpus(tmp_path / "nope", tmp_path / "out", progress=False)


def test_cli_build_and_summary(built, tmp_path, capsys):
    out = tmp_path / "cli_corpus"
    assert main(["corpus", "build", "--data", str(built[0]), "--out", str(out),
                 "--no-progress"]) == 0
    assert "9 films" in capsys.readouterr().out
    assert main(["corpus", "summary", "--corpus", str(out)]) == 0
    text = capsys.readouterr().out
    assert "the_numbers: 2 of 3 rows matched (2 by title and year)" in text and "coverage" in text
    assert "people: 4 person ids given a name" in text and "label audit" in text


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["corpus", "build", "--data", str(tmp_path / "nope"), "--out",
                 str(tmp_path / "o"), "--no-progress"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: data folder not found") and "\n" not in err
    assert main(["corpus", "summary", "--corpus", str(tmp_path / "none")]) == 1


# ------------------------------------------------------------------------------------------
# the real corpus (built once per session by the ``real_corpus`` fixture in conftest.py)
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_films(real_corpus) -> pd.DataFrame:
    return load_corpus(real_corpus)


@pytest.mark.realdata
def test_real_corpus_size_and_coverage(real_corpus, real_films):
    coverage = json.loads((real_corpus / "coverage.json").read_text())["overall"]
    assert coverage["films"] == len(real_films) > 15_000
    assert coverage["budget_and_revenue"] > 12_000
    assert coverage["poster"] > 8_000 and coverage["overview"] > 6_000
    assert len(load_anime(real_corpus)) == 17_562


@pytest.mark.realdata
def test_real_corpus_has_no_duplicate_ids(real_films):
    assert real_films["film_id"].is_unique
    for column in ("tmdb_id", "imdb_id"):
        ids = real_films[column].dropna()
        assert ids.is_unique, column


@pytest.mark.realdata
def test_real_corpus_match_rates_and_report(real_corpus):
    report = json.loads((real_corpus / "build_report.json").read_text())
    for name in ("movie_industry", "the_numbers", "box_office_mojo"):
        assert report["matching"][name]["match_rate"] > 0.75, name
    assert report["posters"]["corrupt"] == [] and report["posters"]["missing"] == []
    # the build times are reported, not asserted: tests never assert timings
    assert report["timings_s"] and all(
        math.isfinite(seconds) and seconds >= 0 for seconds in report["timings_s"].values())


@pytest.mark.realdata
def test_real_corpus_known_film(real_films):
    avatar = real_films.set_index("film_id").loc["tmdb:19995"]
    assert avatar["imdb_id"] == "tt0499549" and avatar["year"] == 2009
    assert avatar["budget"] == 237_000_000 and avatar["revenue"] > 2.7e9
    assert avatar["revenue_domestic"] == pytest.approx(760.5e6, rel=0.01)
    assert avatar["directors"] == ["James Cameron"]
    assert (real_films["year"].dropna() < 2018).all()
