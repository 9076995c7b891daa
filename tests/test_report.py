"""The evaluation report: numbers on a temporal test, then a self-contained HTML page."""

from __future__ import annotations

import pytest
from _tiny_product import tiny_films, tiny_forecaster, tiny_model_dir

from reelcast._errors import InputError
from reelcast.cli import main
from reelcast.forecast._report import evaluation_report, render_report


@pytest.fixture(scope="module")
def report():
    return evaluation_report(tiny_films(), tiny_forecaster().get_params())


def test_report_numbers(report):
    p = report.predictions
    assert len(p) == report.windows["n_test"] > 50
    assert p["release_date"].min() >= __import__("pandas").Timestamp("2014-01-01")
    assert set(report.coverage) == {"80", "95"}
    assert (p["lo95"] <= p["lo80"]).all() and (p["hi80"] <= p["hi95"]).all()
    assert report.by_year["n"].sum() == len(p)
    assert report.by_budget["n"].sum() == len(p)
    assert report.importance["share"].sum() == pytest.approx(1.0)
    assert 0 < report.metrics["rmse"]


def test_report_html_is_self_contained(report):
    html = render_report(report)
    assert html.count("data:image/png;base64,") == 4
    assert "src=\"http" not in html and "<script" not in html
    for heading in ("Interval calibration", "By year", "By budget tier", "By genre", "Importance"):
        assert heading in html


def test_report_empty_test_window_raises():
    with pytest.raises(InputError, match="test window"):
        evaluation_report(tiny_films(), tiny_forecaster().get_params(),
                          train_end="2014-01-01", test_end="2014-01-02")


def test_report_command(tmp_path, capsys):
    from _tiny_product import SEED

    out = tmp_path / "report.html"
    assert main(["report", "--model", str(tiny_model_dir()), "--market", "1500", "--seed",
                 str(SEED), "--out", str(out)]) == 0
    assert "interval coverage" in capsys.readouterr().out
    assert out.read_text().startswith("<!doctype html>")


def test_report_error_by_decade(report):
    decades = report.by_decade
    assert list(decades["decade"]) == sorted(decades["decade"]) and len(decades) >= 1
    assert (decades["n_test"] >= 50).all() and (decades["n_train"] >= 500).all()
    assert "Error by decade" in render_report(report)


def test_decade_backtest_trains_only_on_earlier_films():
    import numpy as np
    import pandas as pd

    from reelcast.forecast._report import decade_backtest

    seen = []

    class Recorder:
        def fit(self, films, history):
            revenue = pd.to_numeric(films["revenue"])
            self.mean_ = float(np.log(revenue[revenue > 0]).mean())
            seen.append((pd.to_datetime(films["release_date"]).max(),
                         pd.to_datetime(history["release_date"]).max()))
            return self

        def predict(self, films):
            return [self.mean_] * len(films)

    table = decade_backtest(tiny_films(), Recorder, min_train=100, min_test=20)
    assert len(table) == len(seen) >= 2
    for decade, (train_max, history_max) in zip(table["decade"], seen, strict=True):
        start = pd.Timestamp(f"{decade[:4]}-01-01")
        assert train_max < start and history_max < start
