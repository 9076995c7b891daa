"""The forecast as a person reads it: fields used / left out, an explanation that adds up, notes,
credible comparables, and the batch summary of ``reelcast predict``."""

from __future__ import annotations

import copy
import json
import math
import os
import stat

import pandas as pd
import pytest
from _tiny_product import tiny_model_dir

from reelcast.cli import main
from reelcast.forecast._explain import MIN_COMPARABLE_GROSS, MIN_GROSS_TO_BUDGET
from reelcast.forecast._fields import INPUT_FIELDS, field_report
from reelcast.forecast._one_film import forecast_batch, forecast_film, load_product_model
from reelcast.forecast._readable import field_of

EFFECTS = {
    "cast": {"mean_shift": 0.31, "median_abs_shift": 0.40, "n": 812},
    "companies": {"mean_shift": 0.44, "median_abs_shift": 0.52, "n": 700},
    "runtime": {"mean_shift": -0.05, "median_abs_shift": 0.03, "n": 900},
    "writers": {"mean_shift": -0.20, "median_abs_shift": 0.25, "n": 650},
    "budget": {"mean_shift": 1.2, "median_abs_shift": 1.1, "n": 1000},
}
FILM = {"title": "Night Harbor", "release_date": "2017-05-04", "budget": "90000000",
        "genres": "Action|Drama", "cast": "A One|B Two", "directors": "C Three"}


@pytest.fixture(scope="module")
def product():
    return load_product_model(tiny_model_dir())


@pytest.fixture(scope="module")
def measured(product):
    """The same model with measured field effects, as a retrained forecaster carries them."""
    forecaster = copy.copy(product.forecaster)
    forecaster.field_effects_ = EFFECTS
    return product.__class__(forecaster, product.intervals, product.comparables,
                             product.manifest, product.rating, product.genres, product.hits)


def test_field_report_sorts_left_out_fields_by_typical_move():
    rep = field_report(["budget", "genres", "cast"], EFFECTS)
    assert rep["fields_used"] == ["title", "release_date", "budget", "genres", "cast"]
    assert [d["field"] for d in rep["left_out"]] == ["companies", "writers", "runtime"]
    first = rep["left_out"][0]
    assert first["typical_move_factor"] == pytest.approx(math.exp(0.52))
    assert first["direction"] == "up" and rep["left_out"][1]["direction"] == "down"


@pytest.mark.parametrize("effects", [None, {}, {"cast": {"mean_shift": "x"}}, "junk"])
def test_field_report_without_effects_lists_the_fields_without_numbers(effects):
    rep = field_report(["budget"], effects)
    assert rep["effects_available"] is False
    assert {d["field"] for d in rep["left_out"]} == set(INPUT_FIELDS) - {"budget"}
    assert all(d["typical_move_factor"] is None for d in rep["left_out"])


def test_forecast_json_api_and_batch_carry_the_field_report(measured):
    fc = forecast_film(measured, FILM).to_dict()
    assert fc["fields_used"] == ["title", "release_date", "budget", "genres", "cast", "directors"]
    assert [d["field"] for d in fc["left_out"]] == ["companies", "writers", "runtime"]
    assert fc["effects_available"] is True
    films = __import__("reelcast.forecast._input", fromlist=["x"]).films_from_records([FILM])
    batch = forecast_batch(measured, films)
    assert batch[0]["left_out"][0]["field"] == "companies"


def test_cli_forecast_and_predict_show_what_was_left_out(measured, tmp_path, capsys, monkeypatch):
    import reelcast.forecast._one_film as one

    monkeypatch.setattr(one, "load_product_model", lambda _: measured)
    out = tmp_path / "fc.json"
    assert main(["forecast", "--model", "ignored", "--title", "X", "--release-date",
                 "2017-05-04", "--budget", "90000000", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "left out, most important first:" in text
    assert "production companies: not given; giving it typically moves the forecast ×1.68" in text
    assert json.loads(out.read_text())["left_out"][0]["field"] == "companies"

    import reelcast.models.forecaster as forecaster

    monkeypatch.setattr(forecaster, "load_any", lambda _: measured.forecaster)
    csv = tmp_path / "films.csv"
    csv.write_text("title,release_date,budget,cast\nA,2017-05-04,1000000,X Y\n")
    assert main(["predict", "--model", "m", "--input", str(csv), "--output",
                 str(tmp_path / "out.csv")]) == 0
    table = pd.read_csv(tmp_path / "out.csv")
    assert table.loc[0, "fields_used"] == "title|release_date|budget|cast"
    assert table.loc[0, "left_out"].startswith("companies ×1.68 up; writers ×1.28 down")


def test_the_explanation_adds_up_in_log_and_in_dollars(product):
    fc = forecast_film(product, FILM)
    ex = fc.explanation
    logs = [line["log"] for line in ex["fields"]]
    assert ex["baseline_log"] + sum(logs) == pytest.approx(fc.log_revenue, abs=1e-9)
    dollars = sum(line["usd"] for line in ex["fields"])
    assert ex["baseline_usd"] + dollars == pytest.approx(fc.revenue_usd, rel=1e-9)
    # people's words, not feature names: every line is an input field with a readable value
    fields = {line["field"] for line in ex["fields"]}
    assert fields <= {*INPUT_FIELDS, "title", "release_date", "other"}
    values = " ".join(line["value"] for line in ex["fields"])
    assert "budget $90.0M" in values or "budget" not in fields
    assert "e+0" not in values and "log_" not in values and "_mean" not in values


@pytest.mark.parametrize("feature, field", [
    ("log_budget_adj", "budget"), ("company_logrev_best_mean", "companies"),
    ("writer_share_known", "writers"), ("year", "release_date"), ("kw_topic_3", "keywords"),
    ("collection_films_mean", "collection"), ("is_english", "original_language"),
    ("genre_science_fiction", "genres"), ("title_logrev_mean", "title"),
    ("title_sequel_marker", "title"), ("min_age", "certification"),
    ("certification", "certification"), ("distributor", "distributor"),
    ("story_source", "story_source"), ("creative_type", "creative_type"),
    ("production_method", "production_method"),
])
def test_features_map_to_the_input_field_they_come_from(feature, field):
    assert field_of(feature) == field


def test_every_model_feature_belongs_to_an_input_field(product):
    """A feature the rules do not know would show its raw name in the explanation."""
    known = {*INPUT_FIELDS, "title", "release_date"}
    assert {f: field_of(f) for f in product.forecaster.feature_names_in_
            if field_of(f) not in known} == {}


def test_sanity_notes(product):
    no_budget = forecast_film(product, {"title": "X", "release_date": "2017-05-04"})
    assert any(w.startswith("no budget given") for w in no_budget.warnings)
    future = forecast_film(product, FILM | {"release_date": "2035-06-01"})
    assert any("years after the training data ends" in w for w in future.warnings)
    big = forecast_film(product, FILM | {"budget": "900000000"})
    assert big.revenue_usd < 9e8
    assert any(w.startswith("the forecast (") and "below the film's own budget" in w
               for w in big.warnings)


def test_budget_outside_what_the_model_learned_is_noted(product):
    budgets = pd.to_numeric(product.comparables["budget"])
    largest, smallest = budgets.max(), budgets[budgets > 0].min()
    inside = forecast_film(product, FILM | {"budget": str(int(largest))})
    assert not any("every budget the model learned from" in w for w in inside.warnings)
    above = forecast_film(product, FILM | {"budget": str(int(largest * 3))})
    assert any(w.startswith("the budget ($") and "above every budget the model learned from"
               in w for w in above.warnings), above.warnings
    if smallest > 2:
        below = forecast_film(product, FILM | {"budget": str(int(smallest // 2))})
        assert any("below every budget the model learned from" in w for w in below.warnings)


def test_comparables_have_credible_grosses_and_a_similar_budget(product):
    fc = forecast_film(product, FILM | {"budget": "17000000"})
    assert len(fc.comparables) == 5
    for c in fc.comparables:
        assert c["revenue"] >= MIN_COMPARABLE_GROSS
        assert c["revenue"] >= MIN_GROSS_TO_BUDGET * c["budget"]
        # within ×10 of the film's budget (×4 when enough films qualify; the pool adjusts
        # budgets for inflation, so nominal budgets are compared loosely here)
        assert 17e6 / 10 / 3 <= c["budget"] <= 17e6 * 10 * 3


def test_predict_prints_a_summary_writes_readable_files_and_counts_right(tmp_path, capsys):
    rows = "\n".join(f"Film {i},2017-0{1 + i % 9}-05,{(i + 1) * 1_000_000}" for i in range(12))
    csv = tmp_path / "films.csv"
    csv.write_text("title,release_date,budget\n" + rows + "\n")
    out = tmp_path / "out.csv"
    old = os.umask(0o022)
    try:
        assert main(["predict", "--model", str(tiny_model_dir()), "--input", str(csv),
                     "--output", str(out)]) == 0
    finally:
        os.umask(old)
    text = capsys.readouterr().out
    assert "Film 11" not in text  # 12 films: a summary, not every row
    assert text.startswith("forecast 12 films: median $") and f"wrote {out}" in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    one = tmp_path / "one.csv"
    one.write_text("title,release_date\nSolo,2017-01-05\n")
    assert main(["predict", "--model", str(tiny_model_dir()), "--input", str(one),
                 "--output", str(tmp_path / "o1.csv")]) == 0
    text = capsys.readouterr().out
    assert "forecast 1 film: median" in text and "Solo" in text
