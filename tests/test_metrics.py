import math

import numpy as np
import pytest

from reelcast import InputError
from reelcast.evaluation import regression_metrics


def test_hand_computed_values():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    p = np.array([1.0, 2.5, 2.0, 4.0])
    m = regression_metrics(y, p, train_median=2.5)
    # residuals 0, .5, -1, 0 -> SSE 1.25; SST 5
    assert m["r2"] == pytest.approx(1 - 1.25 / 5)
    assert m["rmse"] == pytest.approx(math.sqrt(1.25 / 4))
    assert m["mae"] == pytest.approx(1.5 / 4)
    # |err| <= ln 2 = 0.693 for three of four
    assert m["within_2x"] == pytest.approx(0.75)
    # |e^err - 1| <= .25: err 0, 0 -> 2 of 4 (e^.5-1=.65, e^-1-1=-.63)
    assert m["within_25pct"] == pytest.approx(0.5)
    assert m["within_50pct"] == pytest.approx(0.5)
    # above 2.5: actual [F,F,T,T], predicted [F,F,F,T] -> accuracy 3/4, precision 1, recall .5
    assert m["median_accuracy"] == pytest.approx(0.75)
    assert m["median_f1"] == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert m["spearman"] == pytest.approx(0.8)
    assert m["n"] == 4


def test_perfect_forecast():
    y = np.linspace(10, 20, 50)
    m = regression_metrics(y, y, train_median=15)
    assert m["r2"] == 1 and m["rmse"] == 0 and m["within_2x"] == 1 and m["median_f1"] == 1


@pytest.mark.parametrize(
    "y, p",
    [([1.0], [1.0]), ([1.0, 2.0], [1.0]), ([1.0, np.nan], [1.0, 2.0]), ([1.0, 2.0], [np.inf, 1])],
)
def test_bad_inputs(y, p):
    with pytest.raises(InputError):
        regression_metrics(y, p)
