"""The anime popularity model on the synthetic anime market (fast) and the real table (marked)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from reelcast._errors import (
    ArtifactError,
    InputError,
    MissingDependencyError,
    NotFittedError,
    SchemaError,
)
from reelcast.anime import (
    AnimeFeatures,
    AnimePopularityModel,
    anime_metrics,
    load_anime_model,
    random_split,
    read_anime_csv,
    save_anime_model,
    scale_score,
    scored_titles,
    temporal_split,
    unscale_score,
)
from reelcast.cli import main
from reelcast.data import make_anime_market

FAST = dict(text="tfidf", n_components=16, n_estimators=60, max_epochs=8, hidden=32)


@pytest.fixture(scope="module")
def anime():
    return make_anime_market(500, seed=3)


@pytest.fixture(scope="module")
def split(anime):
    return temporal_split(anime, cut_year=2012)


@pytest.mark.parametrize("kwargs", [
    dict(head="lgbm"), dict(head="lgbm", text_summary="both"), dict(head="lgbm", text_summary="raw"),
    dict(head="mlp"), dict(head="mlp", fusion="gmu"),
    dict(text="none", head="lgbm"), dict(head="lgbm", use_tabular=False),
])
def test_fit_predict_shapes_and_range(anime, split, kwargs):
    train, test = split
    model = AnimePopularityModel(**{**FAST, **kwargs}).fit(anime[train])
    pred = model.predict(anime[test])
    assert pred.shape == (int(test.sum()),)
    assert np.isfinite(pred).all() and (pred >= 1).all() and (pred <= 10).all()
    np.testing.assert_allclose(model.predict_scaled(anime[test]), scale_score(pred))
    assert model.n_features_in_ == len(model.feature_names_in_) > 0
    assert not any("member" in f or f.startswith("score") for f in model.feature_names_in_)


def test_full_model_beats_the_mean_on_the_temporal_test(anime, split):
    train, test = split
    model = AnimePopularityModel(**{**FAST, "n_estimators": 200}).fit(anime[train])
    scores = anime_metrics(anime["score"][test], model.predict(anime[test]))
    assert scores["r2"] > 0.05 and scores["spearman"] > 0.2


@pytest.mark.parametrize("head", ["lgbm", "mlp"])
def test_members_and_score_never_reach_the_features(anime, split, head):
    train, test = split
    shuffled = anime.copy()
    rng = np.random.default_rng(0)
    shuffled["members"] = rng.permutation(shuffled["members"].to_numpy())
    a = AnimePopularityModel(**{**FAST, "head": head}).fit(anime[train])
    b = AnimePopularityModel(**{**FAST, "head": head}).fit(shuffled[train])
    blind = anime[test].assign(score=np.nan, members=np.nan)
    np.testing.assert_array_equal(a.predict(anime[test]), b.predict(shuffled[test]))
    np.testing.assert_array_equal(a.predict(anime[test]), a.predict(blind))


def test_temporal_split_uses_start_date_then_year():
    frame = pd.DataFrame({
        "start_date": pd.to_datetime(["2014-12-31", "2015-01-01", None, None, "2016-05-01"]),
        "year": pd.array([2014, 2015, 2013, None, 2016], dtype="Int64"),
    })
    train, test = temporal_split(frame, cut_year=2015)
    assert train.tolist() == [True, False, True, False, False]
    assert test.tolist() == [False, True, False, False, True]


def test_temporal_split_on_the_market_is_ordered(anime, split):
    train, test = split
    dates = pd.to_datetime(anime["start_date"])
    assert dates[train].max() < pd.Timestamp("2012-01-01") <= dates[test].min()
    assert train.sum() + test.sum() == len(anime)


def test_random_split_is_seeded_and_disjoint():
    a_train, a_test = random_split(100, 0.2, seed=1)
    b_train, _ = random_split(100, 0.2, seed=1)
    assert a_test.sum() == 20 and not (a_train & a_test).any()
    np.testing.assert_array_equal(a_train, b_train)


@pytest.mark.parametrize(("score", "scaled"), [(1.0, 0.0), (10.0, 1.0), (5.5, 0.5)])
def test_score_scaling_is_fixed(score, scaled):
    assert scale_score([score])[0] == pytest.approx(scaled)
    assert unscale_score([scaled])[0] == pytest.approx(score)


def test_metrics_values():
    t = np.array([5.0, 6.0, 7.0, 8.0])
    perfect = anime_metrics(t, t)
    assert perfect["mse"] == 0 and perfect["r2"] == 1 and perfect["spearman"] == pytest.approx(1)
    mean = anime_metrics(t, np.full(4, t.mean()))
    assert mean["r2"] == pytest.approx(0) and np.isnan(mean["pearson"])
    assert anime_metrics(t, t + 0.9)["mse"] == pytest.approx(0.01)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(text="bert"), "'text'"), (dict(head="svm"), "'head'"), (dict(fusion="sum"), "'fusion'"),
    (dict(text_summary="mean"), "'text_summary'"),
    (dict(text="none", use_tabular=False), "nothing to learn"), (dict(val_fraction=0.9), "val_fraction"),
])
def test_bad_parameters_name_the_parameter(anime, kwargs, message):
    with pytest.raises(InputError, match=message):
        AnimePopularityModel(**kwargs).fit(anime)


@pytest.mark.parametrize(("change", "error", "message"), [
    (lambda f: f.assign(score=f["score"].where(f.index != f.index[0], 11.0)), InputError, "score"),
    (lambda f: f.assign(score=np.nan), InputError, "score"),
    (lambda f: f.drop(columns=["genres"]), SchemaError, "genres"),
    (lambda f: f.head(5), InputError, "at least 20"),
])
def test_bad_training_tables(anime, change, error, message):
    with pytest.raises(error, match=message):
        AnimePopularityModel(**FAST).fit(change(anime))


def test_text_score_is_out_of_fold_on_training_rows():
    from reelcast.anime._text_score import TextScore

    rng = np.random.default_rng(0)
    Z = rng.standard_normal((200, 50))
    y = rng.standard_normal(200)  # pure noise: an in-sample ridge would still fit it
    Z[:5] = np.nan
    scorer = TextScore(random_state=0)
    oof = scorer.fit_oof(Z, y)
    assert np.isnan(oof[:5]).all() and np.isnan(scorer.predict(Z[:5])).all()
    assert np.corrcoef(oof[5:], y[5:])[0, 1] < 0.2
    assert np.corrcoef(scorer.predict(Z[5:]), y[5:])[0, 1] > np.corrcoef(oof[5:], y[5:])[0, 1]


def test_clone_keeps_params_and_feature_names_match(anime):
    from sklearn.base import clone

    model = AnimePopularityModel(head="mlp", fusion="gate", hidden=16)
    assert clone(model).get_params() == model.get_params()
    features = AnimeFeatures(top_studios=3).fit(anime)
    assert list(features.get_feature_names_out()) == list(features.transform(anime).columns)
    assert sum(c.startswith("studio_") and c not in ("studio_other", "studio_log_count")
               for c in features.get_feature_names_out()) == 3


def test_unfitted_model_and_features_refuse(anime):
    with pytest.raises(NotFittedError):
        AnimePopularityModel().predict(anime)
    with pytest.raises(NotFittedError):
        AnimeFeatures().transform(anime)


def test_unseen_categories_and_missing_text_are_handled(anime, split):
    train, _ = split
    model = AnimePopularityModel(**FAST).fit(anime[train])
    odd = anime.head(3).copy()
    odd["studios"] = [["Brand New Studio"], [], ["Madhouse"]]
    odd["source"] = ["Radio", None, "Manga"]
    odd["synopsis"] = [None, "", "A quiet boy."]
    assert np.isfinite(model.predict(odd)).all()


def test_auto_falls_back_to_tfidf_with_a_warning(anime, monkeypatch):
    from reelcast.text import MiniLMEncoder

    def unavailable(self, X=None, y=None):
        raise MissingDependencyError("sentence_transformers is needed for this")

    monkeypatch.setattr(MiniLMEncoder, "fit", unavailable)
    with pytest.warns(UserWarning, match="falling back to TF-IDF"):
        model = AnimePopularityModel(**{**FAST, "text": "auto"}).fit(anime)
    assert model.text_used_ == "tfidf"
    with pytest.raises(MissingDependencyError):
        AnimePopularityModel(**{**FAST, "text": "minilm"}).fit(anime)


@pytest.mark.parametrize("params", [dict(head="lgbm"), dict(head="lgbm", text_summary="raw"),
                                    dict(head="mlp")])
def test_artifact_round_trip(anime, split, tmp_path, params):
    train, test = split
    model = AnimePopularityModel(**{**FAST, **params}).fit(anime[train])
    save_anime_model(model, tmp_path / "m", metrics={"r2": 0.1})
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert manifest["domain"] == "anime" and manifest["features"] == model.feature_names_in_
    loaded = load_anime_model(tmp_path / "m")
    np.testing.assert_allclose(loaded.predict(anime[test]), model.predict(anime[test]),
                               rtol=0, atol=1e-5)


@pytest.mark.parametrize("victim", ["config.json", "text_tfidf.npz", "lgbm_model.txt",
                                    "text_score.npz"])
def test_tampered_artifact_is_refused(anime, tmp_path, victim):
    model = AnimePopularityModel(**FAST).fit(anime)
    save_anime_model(model, tmp_path / "m")
    with open(tmp_path / "m" / victim, "ab") as fh:
        fh.write(b" ")
    with pytest.raises(ArtifactError, match="sha256"):
        load_anime_model(tmp_path / "m")


@pytest.mark.parametrize(("library", "saved"), [("lightgbm", "99.0.0"), ("reelcast", "7.0.0")])
def test_artifact_from_another_major_version_is_refused(anime, tmp_path, library, saved):
    save_anime_model(AnimePopularityModel(**FAST).fit(anime), tmp_path / "m")
    path = tmp_path / "m" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["versions"][library] = saved
    path.write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match=rf"saved with {library} {saved}, this is .*retrain"):
        load_anime_model(tmp_path / "m")


def test_foreign_or_missing_artifact_is_refused(anime, tmp_path):
    with pytest.raises(ArtifactError, match="no manifest"):
        load_anime_model(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "reelcast.forecaster/1"}))
    with pytest.raises(ArtifactError, match="format"):
        load_anime_model(tmp_path)


_CSV_HEADER = "title,start_date,synopsis,genres,studios,source,type,episodes,season\n"


def test_read_anime_csv(tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(_CSV_HEADER + "Sky Knight,2018-04-01,A girl pilots a giant robot.,"
                    "Mecha|Drama,Sunrise,Original,TV,12,Spring\nQuiet Cafe,2018-07,,,,,,,\n")
    frame = read_anime_csv(path)
    assert frame["genres"].tolist() == [["Mecha", "Drama"], []]
    assert frame["year"].tolist() == [2018, 2018] and frame["score"].isna().all()


@pytest.mark.parametrize(("body", "error", "message"), [
    ("title,synopsis\nA,b\n", SchemaError, "start_date"),
    (_CSV_HEADER + "A,someday,,,,,,,\n", InputError, "start_date 'someday'"),
    (_CSV_HEADER + "A,2018-01-01,,,,,Cartoon,,\n", InputError, "type 'Cartoon'"),
    (_CSV_HEADER + "A,2018-01-01,,,,,TV,-3,\n", InputError, "episodes '-3'"),
    (_CSV_HEADER + "A,2018-01-01,,,,,TV,12,Monsoon\n", InputError, "season 'Monsoon'"),
    (_CSV_HEADER, InputError, "no titles"),
])
def test_read_anime_csv_errors(tmp_path, body, error, message):
    path = tmp_path / "bad.csv"
    path.write_text(body)
    with pytest.raises(error, match=message):
        read_anime_csv(path)


def test_cli_train_and_predict_anime(tmp_path, capsys):
    model = tmp_path / "anime_model"
    assert main(["train", "--domain", "anime", "--market", "300", "--text", "tfidf",
                 "--n-estimators", "40", "--out", str(model)]) == 0
    manifest = json.loads((model / "manifest.json").read_text())
    assert manifest["domain"] == "anime" and manifest["metrics"]["n"] > 0
    (tmp_path / "new.csv").write_text(_CSV_HEADER + "Sky Knight,2018-04-01,A girl pilots a "
                                      "giant robot.,Mecha|Drama,Sunrise,Original,TV,12,Spring\n")
    out = tmp_path / "out.csv"
    assert main(["predict", "--model", str(model), "--input", str(tmp_path / "new.csv"),
                 "--output", str(out)]) == 0
    result = pd.read_csv(out)
    assert list(result.columns) == ["title", "start_date", "predicted_mal_score"]
    assert 1 <= result["predicted_mal_score"].iloc[0] <= 10
    (tmp_path / "bad.csv").write_text(_CSV_HEADER + "Sky Knight,tomorrow,,,,,,,\n")
    capsys.readouterr()
    assert main(["predict", "--model", str(model), "--input", str(tmp_path / "bad.csv"),
                 "--output", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "start_date" in err and "\n" not in err


def test_the_anime_command_group_is_what_domain_anime_runs(tmp_path):
    # reelcast anime train|predict and reelcast train|predict --domain anime: one model, one table
    group, flag = tmp_path / "group", tmp_path / "flag"
    argv = ["--market", "300", "--text", "tfidf", "--n-estimators", "40"]
    assert main(["anime", "train", *argv, "--out", str(group)]) == 0
    assert main(["train", "--domain", "anime", *argv, "--out", str(flag)]) == 0
    for name in ("config.json", "lgbm_model.txt", "text_tfidf.npz"):
        assert (group / name).read_bytes() == (flag / name).read_bytes()
    (tmp_path / "new.csv").write_text(_CSV_HEADER + "Sky Knight,2018-04-01,A girl pilots a "
                                      "giant robot.,Mecha|Drama,Sunrise,Original,TV,12,Spring\n")
    assert main(["anime", "predict", "--model", str(group), "--input", str(tmp_path / "new.csv"),
                 "--output", str(tmp_path / "a.csv")]) == 0
    assert main(["predict", "--model", str(group), "--input", str(tmp_path / "new.csv"),
                 "--output", str(tmp_path / "b.csv")]) == 0
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_cli_evaluate_anime(tmp_path, capsys):
    out = tmp_path / "eval.json"
    assert main(["evaluate", "--domain", "anime", "--market", "400", "--cut-year", "2012",
                 "--text", "tfidf", "--n-estimators", "40", "--random", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert set(result) == {"temporal", "random"}
    assert result["temporal"]["mean"]["n"] == result["temporal"]["model"]["n"] > 0
    assert "temporal split" in capsys.readouterr().out
    assert main(["evaluate", "--domain", "anime", "--market", "400", "--cut-year", "1980"]) == 1


@pytest.mark.parametrize("argv", [
    ["--domain", "manga", "--market", "300"],
    ["--domain", "anime"],
    ["--domain", "anime", "--market", "300", "--text", "bert"],
    ["--domain", "anime", "--market", "300", "--until", "not-a-date"],
])
def test_cli_train_anime_bad_input_exits_1(tmp_path, capsys, argv):
    assert main(["train", *argv, "--out", str(tmp_path / "m")]) == 1
    assert capsys.readouterr().err.startswith("error:")
    assert not (tmp_path / "m").exists()


@pytest.mark.realdata
def test_real_anime_subsample_trains_and_ranks(data_dir):
    from reelcast.data import read_anime

    real = scored_titles(read_anime(data_dir).frame)
    assert len(real) > 10_000 and "members" in real.columns
    train, test = temporal_split(real, cut_year=2015)
    rng = np.random.default_rng(0)
    train_idx = rng.choice(np.flatnonzero(train), 3000, replace=False)
    test_idx = rng.choice(np.flatnonzero(test), 1000, replace=False)
    model = AnimePopularityModel(text="tfidf", n_components=32, n_estimators=200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback warnings on the real path
        model.fit(real.iloc[train_idx])
    scores = anime_metrics(real["score"].iloc[test_idx], model.predict(real.iloc[test_idx]))
    assert scores["spearman"] > 0.3 and scores["r2"] > 0.05
