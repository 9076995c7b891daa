"""The benchmark of the seed's share in a forecaster score (issue #15)."""

import numpy as np
import pandas as pd
import pytest

from benchmarks.beyond import PRODUCER_SETS
from benchmarks.seeds import budget_tiers, markdown, run, scenario_scores, spread
from reelcast.data import make_market


@pytest.fixture(scope="module")
def split():
    films = make_market(700, seed=4)
    films = films[films["revenue"] > 0]
    past = films["release_date"] < pd.Timestamp("2012-01-01")
    return films[past], films[~past], films


def test_spread_is_mean_sd_min_max_of_every_number_over_the_seeds():
    per_seed = [{"full": {"r2": 0.70}, "tier residual": {"a": -0.2}},
                {"full": {"r2": 0.72}, "tier residual": {"a": 0.0}},
                {"full": {"r2": 0.74}, "tier residual": {"a": 0.2}}]
    s = spread(per_seed)
    assert s["full"]["r2"] == pytest.approx({"mean": 0.72, "sd": 0.02, "min": 0.70, "max": 0.74})
    assert s["tier residual"]["a"]["mean"] == pytest.approx(0.0)
    assert s["tier residual"]["a"]["sd"] == pytest.approx(0.2)


def test_scenario_scores_shift_against_full_and_residual_per_tier():
    y = np.array([10.0, 12.0, 14.0, 18.0])
    test = pd.DataFrame({"budget": [1e6, 10e6, 30e6, 200e6]})
    tier = budget_tiers(test)
    assert list(tier) == ["< $5M", "$5–20M", "$20–60M", "≥ $150M"]
    scores = scenario_scores(y, {"full": y - 1.0, "core": y - 1.5}, tier)
    assert scores["full"]["mean_shift"] == 0.0 and scores["full"]["mean_residual"] == 1.0
    assert scores["core"]["mean_shift"] == pytest.approx(-0.5)
    assert scores["core"]["mean_residual"] == pytest.approx(1.5)
    assert scores["tier residual"] == pytest.approx({"< $5M": 1.0, "$5–20M": 1.0,
                                                      "$20–60M": 1.0, "≥ $150M": 1.0})
    assert "tier residual, unflagged labels" not in scores


def test_unflagged_tier_residuals_leave_the_flagged_labels_out():
    y = np.array([10.0, 6.0, 12.0, 18.0])
    tier = budget_tiers(pd.DataFrame({"budget": [1e6, 2e6, 10e6, 200e6]}))
    # the second film's label is a domestic-only figure: far below its forecast
    scores = scenario_scores(y, {"full": np.array([9.5, 9.5, 11.5, 17.5])}, tier,
                             flagged=np.array([False, True, False, False]))
    assert scores["tier residual"]["< $5M"] == pytest.approx((0.5 - 3.5) / 2)
    assert scores["tier residual, unflagged labels"] == pytest.approx(
        {"< $5M": 0.5, "$5–20M": 0.5, "≥ $150M": 0.5})


def test_seeds_move_the_fit_and_the_table_names_every_scenario(split):
    train, test, films = split
    result = run(train, test, films, seeds=2, n_jobs=1, n_estimators=30)
    first, second = result["per_seed"]
    # the seed reaches the fit: two seeds give different scores (else the spread measures
    # nothing)
    assert first["full"]["r2"] != second["full"]["r2"]
    assert result["spread"]["full"]["r2"]["sd"] > 0
    assert set(PRODUCER_SETS) < set(result["averaged"])
    for name in ("full", "form", "core", "minimal"):
        assert np.isfinite(result["averaged"][name]["r2"])
    table = markdown(result, "python -m benchmarks.seeds --seeds 2")
    assert all(f"| {name} |" in table for name in result["averaged"]
               if not name.startswith("tier residual"))
    assert "| ≥ $150M |" in table or "| < $5M |" in table
    # the default never forecasts less for a larger budget; the unconstrained fit is scored too
    sweep = result["budget_sweep"]
    assert set(sweep) == {"full", "form", "core", "minimal"}
    assert all(sweep[name]["films_falling"]["max"] == 0.0 for name in sweep)
    assert all(sweep[name]["per_doubling"]["mean"] > 0 for name in sweep)
    free = result["unconstrained"]
    assert np.isfinite(free["scores"]["full"]["r2"]) and set(free["budget_sweep"]) == set(sweep)
    assert "Budget monotonicity" in table and "unconstrained: falls" in table
    # the synthetic market flags no label: both tier columns are the same films
    assert result["n_flagged"] == 0
    assert result["averaged"]["tier residual, unflagged labels"] == pytest.approx(
        result["averaged"]["tier residual"])
