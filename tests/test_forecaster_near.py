"""The benchmark section on one field beyond a named set: its scores and summary are computed
from the forecasts, not written by hand (``benchmarks/_forecaster_near.py``)."""

import numpy as np
import pytest

from benchmarks._forecaster_near import TWO_MORE_SCENARIOS, near_set_markdown, near_set_scores
from reelcast.data import NEAR_FIELD_SETS, fields_present, make_market
from reelcast.evaluation import log_revenue


class _ReadsBlanksAsSmall:
    """Forecasts the truth, minus 0.5 log for each of cast and companies left out."""

    def predict(self, films):
        present = fields_present(films)
        return log_revenue(films) - 0.5 * (~present["cast"]) - 0.5 * (~present["companies"])


class _FranchiseWithoutCastIsSmall:
    """Forecasts the truth, minus 0.7 log when a franchise is given but the cast is not."""

    def predict(self, films):
        present = fields_present(films)
        return log_revenue(films) - 0.7 * (present["collection"] & ~present["cast"])


class _Unmoved:
    def predict(self, films):
        return log_revenue(films)


@pytest.fixture(scope="module")
def scores():
    films = make_market(300, seed=4, missing_rate=0.0)
    films = films[films["revenue"] > 0].reset_index(drop=True)
    models = {"small": _ReadsBlanksAsSmall(), "franchise": _FranchiseWithoutCastIsSmall(),
              "unmoved": _Unmoved()}
    return near_set_scores(models, films, float(np.median(log_revenue(films))))


def test_every_named_and_near_set_is_scored(scores):
    assert list(scores["small"]) == ["form", "core", "minimal", *NEAR_FIELD_SETS,
                                     *TWO_MORE_SCENARIOS]
    assert len(TWO_MORE_SCENARIOS) == 30 == len(set(TWO_MORE_SCENARIOS))
    assert all(s.count("+") == 2 for s in TWO_MORE_SCENARIOS)


def test_shift_is_the_forecast_moved_by_the_fields_left_out(scores):
    small = scores["small"]
    assert small["form"]["mean_shift"] == pytest.approx(-0.5)  # companies left out
    assert small["core"]["mean_shift"] == pytest.approx(-1.0)
    assert small["core+cast"]["mean_shift"] == pytest.approx(-0.5)
    assert small["form+companies"]["mean_shift"] == pytest.approx(0.0)
    assert small["form+companies+collection"]["mean_shift"] == pytest.approx(0.0)
    assert small["core+cast+writers"]["mean_shift"] == pytest.approx(-0.5)
    assert all(v["mean_shift"] == 0 and v["r2"] == 1 for v in scores["unmoved"].values())


def test_the_summary_counts_sets_within_the_bound_and_below_their_own(scores):
    text = "\n".join(near_set_markdown(scores, ("small", "unmoved")))
    rows = {tuple(line.split(" | ")[:2]): line for line in text.splitlines()
            if line.split(" | ")[0] in ("| small", "| franchise", "| unmoved")}
    # "small": only form+companies has nothing left out that it reads; no set is below its own
    # (giving a field never lowers R² there), the worst shift is core's neighbours at −1.0
    small = rows[("| small", "1")]
    assert "| 40 |" in small and "| 2% | +0.000 | 0 |" in small  # 1 of 40
    assert "-1.000" in small
    assert "| 30 |" in rows[("| small", "2")]
    # "franchise": giving the franchise without the cast lowers the forecast below its set
    assert "| -0.700 |" in rows[("| franchise", "1")]
    assert "| -0.700 |" in rows[("| franchise", "2")]  # minimal+certification+collection
    assert "| 100% | +0.000 | 0 |" in rows[("| unmoved", "1")]
    assert "| core+cast | " in text and "(-0.50) | 1.000 (+0.00) |" in text
