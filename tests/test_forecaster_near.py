"""The benchmark section on one field beyond a named set: its scores and summary are computed
from the forecasts, not written by hand (``benchmarks/_forecaster_near.py``)."""

import numpy as np
import pytest

from benchmarks._forecaster_near import near_set_markdown, near_set_scores
from reelcast.data import NEAR_FIELD_SETS, fields_present, make_market
from reelcast.evaluation import log_revenue


class _ReadsBlanksAsSmall:
    """Forecasts the truth, minus 0.5 log for each of cast and companies left out."""

    def predict(self, films):
        present = fields_present(films)
        return log_revenue(films) - 0.5 * (~present["cast"]) - 0.5 * (~present["companies"])


class _Unmoved:
    def predict(self, films):
        return log_revenue(films)


@pytest.fixture(scope="module")
def scores():
    films = make_market(300, seed=4, missing_rate=0.0)
    films = films[films["revenue"] > 0].reset_index(drop=True)
    models = {"small": _ReadsBlanksAsSmall(), "unmoved": _Unmoved()}
    return near_set_scores(models, films, float(np.median(log_revenue(films))))


def test_every_named_and_near_set_is_scored(scores):
    assert list(scores["small"]) == ["form", "core", "minimal", *NEAR_FIELD_SETS]


def test_shift_is_the_forecast_moved_by_the_fields_left_out(scores):
    small = scores["small"]
    assert small["form"]["mean_shift"] == pytest.approx(-0.5)  # companies left out
    assert small["core"]["mean_shift"] == pytest.approx(-1.0)
    assert small["core+cast"]["mean_shift"] == pytest.approx(-0.5)
    assert small["form+companies"]["mean_shift"] == pytest.approx(0.0)
    assert all(v["mean_shift"] == 0 and v["r2"] == 1 for v in scores["unmoved"].values())


def test_the_summary_counts_sets_within_the_bound_and_below_their_own(scores):
    text = "\n".join(near_set_markdown(scores, ("small", "unmoved")))
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines()
            if line.startswith("| small |") or line.startswith("| unmoved |")}
    # "small": only form+companies has nothing left out that it reads; no set is below its own
    # (giving a field never lowers R² there), the worst shift is core's neighbours at −1.0
    assert "| 40 |" in rows["small"] and "| 2% | 0 |" in rows["small"]  # 1 of 40
    assert "-1.000" in rows["small"]
    assert "| 100% | 0 |" in rows["unmoved"]
    assert "| core+cast | " in text and "(-0.50) | 1.000 (+0.00) |" in text
