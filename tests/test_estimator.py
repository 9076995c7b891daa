"""What every estimator shares (reelcast._estimator): the not-fitted check, stored parameters and
the single-column encoder base."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError as SklearnNotFittedError

from reelcast import NotFittedError, SchemaError
from reelcast._estimator import ColumnEncoder, check_fitted, store_params


class _Lengths(ColumnEncoder):
    """A made-up encoder: the length of each title."""

    def __init__(self, column="title", prefix="len", scale=1.0, clip=None):
        store_params(self, locals())

    def fit(self, X, y=None):
        self._column(X)
        self.feature_names_out_ = np.asarray([f"{self.prefix}_chars"], dtype=object)
        return self

    def transform(self, X):
        lengths = self._column(X).astype(str).str.len().to_numpy(float) * self.scale
        return self._frame(lengths[:, None], X)


FILMS = pd.DataFrame({"title": ["Up", "Heat"]}, index=[10, 11])


@pytest.mark.parametrize("how, message", [
    ("fit", "This _Lengths is not fitted yet; call fit first."),
    ("fit(films) or load a model directory",
     "This _Lengths is not fitted yet; call fit(films) or load a model directory first."),
])
def test_one_not_fitted_message(how, message):
    with pytest.raises(NotFittedError) as caught:
        check_fitted(_Lengths(), "feature_names_out_", how)
    assert str(caught.value) == message
    # sklearn's estimator checks and check_is_fitted callers accept it too
    assert isinstance(caught.value, SklearnNotFittedError)


def test_store_params_keeps_each_argument():
    enc = _Lengths(column="name", scale=2.0)
    assert enc.get_params() == {"column": "name", "prefix": "len", "scale": 2.0, "clip": None}
    assert clone(enc).get_params() == enc.get_params()


def test_the_encoder_keeps_the_index_and_names_its_columns():
    out = _Lengths(scale=2.0).fit(FILMS).transform(FILMS)
    assert list(out.columns) == ["len_chars"]
    assert list(out.index) == [10, 11]
    assert out["len_chars"].tolist() == [4.0, 8.0]
    assert _Lengths().fit(FILMS).get_feature_names_out().tolist() == ["len_chars"]


@pytest.mark.parametrize("X, message", [
    (pd.DataFrame({"name": ["x"]}), r"_Lengths: column 'title' is missing; got columns \['name'\]"),
    (np.zeros((2, 1)), "_Lengths: column 'title' is missing; got a ndarray, not a DataFrame"),
])
def test_a_missing_column_is_one_schema_error(X, message):
    with pytest.raises(SchemaError, match=message):
        _Lengths().fit(X)


def test_unfitted_names_raise():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        _Lengths().get_feature_names_out()


def test_the_tags_say_one_column_of_strings():
    tags = _Lengths().__sklearn_tags__()
    assert tags.input_tags.two_d_array is False and tags.input_tags.string is True
