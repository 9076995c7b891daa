"""US consumer prices: turn nominal dollars of any year 1913–2017 into constant 2017 dollars.

The series is the annual average US CPI-U (Consumer Price Index for All Urban Consumers, U.S. city
average, all items, not seasonally adjusted, 1982-84=100), U.S. Bureau of Labor Statistics series
CUUR0000SA0. It ships with the package as ``reelcast/resources/us_cpi_annual.csv``; the file header
names where the values were taken from (the BLS ``cpiai.txt`` table for 1913–2013, the BLS annual
averages for 2014–2017). Anchors: 1980 82.4, 2000 172.2, 2017 245.120.

>>> round(to_2017_dollars(1_000_000, 1980))
2974757
"""

from __future__ import annotations

import functools
import math
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from .._errors import DataFileError, InputError

__all__ = ["BASE_YEAR", "load_cpi", "cpi_factor", "to_2017_dollars"]

BASE_YEAR = 2017
_RESOURCE = "us_cpi_annual.csv"


@functools.lru_cache(maxsize=1)
def load_cpi() -> pd.Series:
    """The annual CPI-U as a float Series indexed by year (1913–2017)."""
    path = resources.files("reelcast").joinpath("resources", _RESOURCE)
    try:
        with path.open("r", encoding="utf-8") as fh:
            table = pd.read_csv(fh, comment="#")
    except FileNotFoundError as exc:  # pragma: no cover - a broken install
        raise DataFileError(f"the CPI table is missing from the package: {path}") from exc
    series = pd.Series(table["cpi_u"].to_numpy(float), index=table["year"].astype(int), name="cpi_u")
    series.index.name = "year"
    return series


def cpi_factor(year: Any) -> Any:
    """Multiplier from ``year`` dollars to 2017 dollars; NaN for years outside 1913–2017.

    Accepts a scalar year or an array-like of years (missing years give NaN).
    """
    cpi = load_cpi()
    base = float(cpi.loc[BASE_YEAR])
    if np.ndim(year) == 0:
        if year is None or (isinstance(year, float) and math.isnan(year)) or year is pd.NA:
            return math.nan
        if isinstance(year, bool) or not isinstance(year, int | float | np.integer | np.floating):
            raise InputError(f"year must be a number, got {year!r}")
        if float(year) != int(year):
            raise InputError(f"year must be a whole number, got {year!r}")
        value = cpi.get(int(year))
        return base / float(value) if value is not None else math.nan
    years = np.asarray(year)
    if years.dtype.kind in "iuf":  # plain numbers (NaN for missing): one table lookup
        return _factors_of_numbers(years.astype("float64"))
    years = pd.to_numeric(pd.Series(np.asarray(year, dtype=object)), errors="coerce")
    mapped = years.map(lambda y: cpi.get(int(y)) if pd.notna(y) and float(y) == int(y) else None)
    return base / mapped.astype("float64").to_numpy()


@functools.lru_cache(maxsize=1)
def _factor_table() -> tuple[int, np.ndarray]:
    """(first year, ``base / cpi`` of every year from it): the same division per year as the
    scalar path, done once."""
    cpi = load_cpi()
    first = int(cpi.index.min())
    table = np.full(int(cpi.index.max()) - first + 1, np.nan)
    base = float(cpi.loc[BASE_YEAR])
    for year, value in cpi.items():
        table[int(year) - first] = base / float(value)
    return first, table


def _factors_of_numbers(years: np.ndarray) -> np.ndarray:
    """:func:`cpi_factor` of a float array: NaN for missing, fractional or uncovered years."""
    first, table = _factor_table()
    with np.errstate(invalid="ignore"):
        offset = years - first
        known = np.isfinite(years) & (years == np.floor(years)) & (offset >= 0) & (
            offset < len(table))
    out = np.full(years.shape, np.nan)
    out[known] = table[offset[known].astype(np.int64)]
    return out


def to_2017_dollars(amount: Any, year: Any) -> Any:
    """Nominal US dollars of ``year`` in constant 2017 dollars (US CPI-U annual average).

    Scalars give a float; arrays or Series give a float array (a Series keeps its index). A year
    outside 1913–2017 or a missing amount/year gives NaN.
    """
    factor = cpi_factor(year)
    if np.ndim(amount) == 0 and np.ndim(year) == 0:
        if amount is None or amount is pd.NA:
            return math.nan
        if isinstance(amount, bool) or not isinstance(amount, int | float | np.integer | np.floating):
            raise InputError(f"amount must be a number, got {amount!r}")
        return float(amount) * factor
    values = np.asarray(amount)
    if values.dtype.kind != "f":  # anything but floats goes through pandas' number parsing
        values = pd.to_numeric(pd.Series(np.asarray(amount, dtype=object)),
                               errors="coerce").to_numpy("float64")
    out = values * np.asarray(factor, dtype="float64")
    if isinstance(amount, pd.Series):
        return pd.Series(out, index=amount.index, name=amount.name)
    return out
