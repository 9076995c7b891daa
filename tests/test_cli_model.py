"""CLI round trip on the synthetic market: train → predict, and clean errors."""

import json

import pandas as pd

from reelcast.cli import main
from reelcast.data import make_market
from reelcast.forecast import calibration_window

NEW = ("title,release_date,budget,genres,cast\n"
       "Sequel Two,2018-06-01,120000000,Action|Adventure,\n"
       "Small Drama,2018-10-05,2000000,Drama,\n")


def test_train_then_predict(tmp_path, capsys):
    model = tmp_path / "model"
    assert main(["train", "--market", "600", "--out", str(model), "--n-estimators", "60"]) == 0
    (tmp_path / "new.csv").write_text(NEW)
    out = tmp_path / "forecasts.csv"
    assert main(["predict", "--model", str(model), "--input", str(tmp_path / "new.csv"),
                 "--output", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table["title"]) == ["Sequel Two", "Small Drama"]
    assert (table["forecast_revenue_usd"] > 0).all()
    assert table.loc[0, "forecast_revenue_usd"] > table.loc[1, "forecast_revenue_usd"]


def test_bad_input_is_one_line_and_exit_1(tmp_path, capsys):
    model = tmp_path / "model"
    assert main(["train", "--market", "300", "--out", str(model), "--n-estimators", "20"]) == 0
    (tmp_path / "bad.csv").write_text("title,release_date,budget\nX,2018-01-01,-3\n")
    code = main(["predict", "--model", str(model), "--input", str(tmp_path / "bad.csv"),
                 "--output", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: row 2: budget '-3'") and "Traceback" not in err
    assert not (tmp_path / "o.csv").exists()


def test_train_can_leave_the_flagged_labels_out(tmp_path, capsys):
    model = tmp_path / "model"
    assert main(["train", "--market", "300", "--out", str(model), "--n-estimators", "20",
                 "--no-intervals", "--flagged-labels", "drop"]) == 0
    # the synthetic market flags no label: none left out, and the choice is in the model
    assert "(0 with flagged labels left out)" in capsys.readouterr().out
    assert json.loads((model / "config.json").read_text())["params"]["flagged_labels"] == "drop"
    for args, message in ((["--flagged-labels", "maybe"], "--flagged-labels must be keep or drop"),
                          (["--flagged-labels", "drop", "--model", "stack"], "not to --model stack")):
        code = main(["train", "--market", "300", "--out", str(tmp_path / "bad"), *args])
        err = capsys.readouterr().err
        assert code == 1 and message in err and len(err.strip().splitlines()) == 1, err
        assert not (tmp_path / "bad").exists()


def test_missing_model_dir(tmp_path, capsys):
    (tmp_path / "new.csv").write_text(NEW)
    code = main(["predict", "--model", str(tmp_path / "none"), "--input",
                 str(tmp_path / "new.csv"), "--output", str(tmp_path / "o.csv")])
    assert code == 1 and "not a reelcast model directory" in capsys.readouterr().err


def test_evaluate_writes_json(tmp_path, capsys):
    out = tmp_path / "eval.json"
    assert main(["evaluate", "--market", "800", "--n-estimators", "40", "--no-rolling",
                 "--out", str(out), "--train-end", "2013-01-01", "--fields", "core+cast"]) == 0
    text = capsys.readouterr().out
    assert "budget-only baseline" in text and out.exists()
    # the named sets, then the one asked for, each with its shift against full
    assert [line.split()[0] for line in text.splitlines() if " shift " in line] == [
        "full", "form", "core", "minimal", "core+cast"]
    assert set(json.loads(out.read_text())["scenarios"]) == {"full", "form", "core", "minimal",
                                                             "core+cast"}


def test_evaluate_refuses_an_unknown_field_before_reading_anything(tmp_path, capsys):
    code = main(["evaluate", "--corpus", str(tmp_path / "none"), "--fields", "core+castt"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "field 'castt'" in err


def test_train_calibrates_on_the_data_s_last_two_years_or_the_window_given(tmp_path, capsys):
    model = tmp_path / "model"
    assert main(["train", "--market", "600", "--out", str(model), "--n-estimators", "20"]) == 0
    out = capsys.readouterr().out
    info = json.loads((model / "intervals.json").read_text())["calibration"]
    start, end = calibration_window(make_market(600, seed=0))
    assert (info["calib_start"], info["calib_end"]) == (start, end) and end > "2017-12"
    assert f"films released in [{start}, {end})" in out
    assert main(["train", "--market", "600", "--out", str(tmp_path / "m2"), "--n-estimators",
                 "20", "--calib-start", "2012-01-01", "--calib-end", "2014-01-01"]) == 0
    info = json.loads((tmp_path / "m2" / "intervals.json").read_text())["calibration"]
    assert (info["calib_start"], info["calib_end"]) == ("2012-01-01", "2014-01-01")
    capsys.readouterr()
    code = main(["train", "--market", "600", "--out", str(tmp_path / "bad"), "--calib-end",
                 "2014-02-30"])
    err = capsys.readouterr().err
    assert code == 1 and "calib_end '2014-02-30' is not a date (YYYY-MM-DD)" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "bad").exists()
