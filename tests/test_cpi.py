"""The shipped US CPI-U series and the conversion to 2017 dollars."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from reelcast._errors import InputError
from reelcast.data import load_cpi, to_2017_dollars


@pytest.mark.parametrize(("year", "cpi"), [(1913, 9.9), (1980, 82.4), (2000, 172.2),
                                           (2007, 207.342), (2017, 245.120)])
def test_anchor_values(year, cpi):
    assert load_cpi().loc[year] == pytest.approx(cpi)


def test_series_is_complete_and_year_on_year_changes_are_historical():
    cpi = load_cpi()
    assert cpi.index.tolist() == list(range(1913, 2018))
    change = cpi.pct_change().dropna()
    # US annual inflation 1914-2017 stayed within -10.9% (1921) and +18.0% (1918): a
    # transcription typo in the shipped table would break this
    assert change.min() > -0.11 and change.max() < 0.185
    assert change.idxmin() == 1921 and change.idxmax() == 1918


def test_resource_names_its_source():
    text = resources.files("reelcast").joinpath("resources", "us_cpi_annual.csv").read_text()
    assert "CUUR0000SA0" in text and "Bureau of Labor Statistics" in text


@pytest.mark.parametrize(("amount", "year", "expected"), [
    (1_000_000, 2017, 1_000_000.0),
    (1_000_000, 1980, 1_000_000 * 245.120 / 82.4),
    (100.0, 2000, 100 * 245.120 / 172.2),
])
def test_to_2017_dollars_scalar(amount, year, expected):
    assert to_2017_dollars(amount, year) == pytest.approx(expected)


@pytest.mark.parametrize(("amount", "year"), [(1.0, 2018), (1.0, 1900), (None, 2000),
                                              (1.0, None), (1.0, float("nan"))])
def test_outside_the_series_or_missing_is_nan(amount, year):
    assert math.isnan(to_2017_dollars(amount, year))


def test_vectorised_keeps_the_index_and_handles_missing_years():
    amounts = pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd"))
    years = pd.Series([2017, 1980, pd.NA, 2030], dtype="Int64", index=list("abcd"))
    out = to_2017_dollars(amounts, years)
    assert out.index.tolist() == list("abcd")
    assert out["a"] == pytest.approx(1.0) and out["b"] == pytest.approx(2 * 245.12 / 82.4)
    assert np.isnan(out["c"]) and np.isnan(out["d"])


@pytest.mark.parametrize(("amount", "year"), [(1.0, "1980"), (1.0, 1980.5), ("$5", 1980),
                                              (True, 1980)])
def test_bad_scalar_input_raises_input_error(amount, year):
    with pytest.raises(InputError):
        to_2017_dollars(amount, year)


def test_number_arrays_take_the_same_factors_as_the_scalar_path():
    """Float and int year arrays use a precomputed table (one division per year, as the scalar
    path does it): bit-identical to the scalar factors, NaN where a year is missing, fractional
    or outside 1913–2017."""
    from reelcast.data._cpi import cpi_factor

    years = np.array([1913.0, 1980.0, 2017.0, np.nan, 1912.0, 2018.0, 1980.5, -5.0, 2000.0])
    got = cpi_factor(years)
    expected = [cpi_factor(1913), cpi_factor(1980), cpi_factor(2017)] + [math.nan] * 5 + [
        cpi_factor(2000)]
    np.testing.assert_array_equal(got, np.array(expected))
    np.testing.assert_array_equal(cpi_factor(np.array([1980, 2017])), got[[1, 2]])
    # an object array (pd.NA, strings) still goes through pandas' parsing
    np.testing.assert_array_equal(cpi_factor(np.array([1980, None], dtype=object)),
                                  [got[1], math.nan])
    amounts = np.array([1e6, 2e6, np.nan])
    np.testing.assert_array_equal(to_2017_dollars(amounts, np.array([1980.0, np.nan, 2017.0])),
                                  [1e6 * got[1], math.nan, math.nan])
