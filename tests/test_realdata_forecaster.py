"""The forecaster on the real corpus: the temporal evaluation of issue #3 (realdata)."""

import numpy as np
import pandas as pd
import pytest

from reelcast.data import load_corpus
from reelcast.evaluation import evaluate, revenue_films
from reelcast.features import PreReleaseFeatures

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def films(real_corpus):
    return load_corpus(real_corpus)


def test_temporal_evaluation_beats_the_baselines(films):
    from reelcast.forecast import BoxOfficeForecaster

    # one thread: on a busy 2-core machine LightGBM's two threads wait on each other
    result = evaluate(films, {"reelcast": lambda: BoxOfficeForecaster(n_jobs=1)}, rolling_years=())
    t = result.temporal
    assert result.n_train > 8000 and result.n_test > 1500
    assert t["reelcast"]["r2"] > t["budget-only baseline"]["r2"] + 0.15
    assert t["reelcast"]["rmse"] < 1.80
    assert t["reelcast"]["within_2x"] > t["budget-only baseline"]["within_2x"]
    # issue #15: with fields left out the forecast still beats budget alone, and moves far less
    # than the ×3.7 drop (−1.32 log) of the model that read missing as small (measured on
    # corpus v2: R² 0.745 / 0.634 / 0.610 / 0.592, mean shifts −0.20 to −0.24)
    budget_only = t["budget-only baseline"]["r2"]
    for scenario in ("form", "core", "minimal"):
        score = result.scenarios[scenario]["reelcast"]
        assert score["r2"] > budget_only + 0.04, (scenario, score["r2"])
        assert abs(score["mean_shift"]) < 0.35, (scenario, score["mean_shift"])


def test_real_history_ignores_the_future(films):
    """On real films: rewriting everything from 2012 on leaves earlier films' history unchanged."""
    scored = revenue_films(films)
    sample = scored[scored["year"].between(2008, 2011)].head(400)
    cutoff = pd.Timestamp("2012-01-01")
    base = PreReleaseFeatures(keyword_topics=0).fit(films).transform(sample)
    future = films["release_date"] >= cutoff
    altered = films.copy()
    altered.loc[future, "revenue_adj"] = np.random.default_rng(0).permutation(
        altered.loc[future, "revenue_adj"].to_numpy())
    altered = altered[~future | (np.arange(len(altered)) % 2 == 0)]
    other = PreReleaseFeatures(keyword_topics=0).fit(altered).transform(sample)
    cols = [c for c in base.columns if c != "language"]
    pd.testing.assert_frame_equal(base[cols], other[cols])


def test_real_interval_coverage_is_within_three_points(films):
    """Issue #8: conformal intervals calibrated on 2012–2013 hold their level on 2014–2017."""
    from reelcast.forecast import BoxOfficeForecaster
    from reelcast.forecast._report import evaluation_report

    # 500 trees at three times the default learning rate: the conformal property under test
    # does not hang on the tree count (R² 0.723 as the default's, gaps 1.5 / 0.7 points; the
    # default's own coverage is in benchmarks/results/intervals.md), and the test's two fits
    # take half the time (263 s against 527 s on one core)
    model = BoxOfficeForecaster(n_jobs=1, n_estimators=500, learning_rate=0.06)
    rep = evaluation_report(films, model.get_params(), decades=False)
    assert rep.windows["n_calibration"] > 1000 and rep.windows["n_test"] > 2000
    for level in ("80", "95"):
        assert abs(rep.coverage[level]["gap"]) <= 0.03, (level, rep.coverage[level])


def test_ilias_reference_population_is_the_tables_own_films(data_dir, films):
    """The forecaster benchmark's reference section scores the ilias1111 table's own films; the
    full-corpus forecaster reads their corpus rows, so every one must be a corpus film."""
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:  # the reference population lives with the benchmarks
        sys.path.insert(0, root)
    from benchmarks._forecaster_reference import TEST_END, TRAIN_END, ilias_films
    from reelcast.evaluation import temporal_split

    table = ilias_films(data_dir)
    assert table["film_id"].is_unique and table["film_id"].str.startswith("tmdb:").all()
    scored = revenue_films(table, min_amount=np.nextafter(0, 1))
    train, test = temporal_split(scored, TRAIN_END, TEST_END)
    assert len(train) > 3000 and len(test) > 1500
    assert test["film_id"].isin(films["film_id"]).all()
    # the population the targets hold together on: log-revenue variance about 12.5
    assert np.var(np.log(test["revenue"].astype(float))) > 12
