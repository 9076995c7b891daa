"""Turn a feature frame into the float matrix every base model reads, the same way at fit and predict.

Numeric columns stay floats (NaN = missing). ``category``, ``string``, ``object`` and ``bool``
columns become integer codes into a vocabulary learned in ``fit`` (stored as JSON, so an artifact
carries it); a missing or unseen level becomes NaN. Each family then hands the codes to its native
categorical support (LightGBM ``categorical_feature``, XGBoost ``feature_types="c"``, CatBoost
``cat_features``, embeddings in the net; the forests read them as ordinal codes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from sklearn.utils.validation import check_array

from ..._errors import InputError, SchemaError

__all__ = ["TablePrep"]


def _is_categorical(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.CategoricalDtype) or not (
        is_numeric_dtype(series.dtype) and not is_bool_dtype(series.dtype)
    )


def _as_numeric_array(X) -> np.ndarray:
    """Validate a non-frame input like sklearn does; ValueErrors become ``InputError``."""
    try:
        return check_array(X, dtype=np.float64, ensure_all_finite="allow-nan", input_name="X")
    except TypeError:
        raise
    except ValueError as exc:
        raise InputError(str(exc)) from exc


class TablePrep:
    """Columns, their kinds and the category vocabularies of one training table.

    Parameters
    ----------
    columns : list of str
        Column names in order (``x0, x1, …`` for arrays).
    vocab : dict of str to list of str
        Levels of each categorical column; code ``i`` is ``vocab[col][i]``.
    """

    def __init__(self, columns: list[str], vocab: dict[str, list[str]]):
        self.columns = list(columns)
        self.vocab = {c: list(v) for c, v in vocab.items()}
        self._lookup = {c: {level: i for i, level in enumerate(v)} for c, v in self.vocab.items()}

    @classmethod
    def learn(cls, X) -> TablePrep:
        frame = cls._frame(X, None)
        vocab = {}
        for col in frame.columns:
            if _is_categorical(frame[col]):
                levels = frame[col].dropna().astype(str).unique().tolist()
                vocab[col] = sorted(levels)
        return cls(list(frame.columns), vocab)

    @property
    def categorical(self) -> list[bool]:
        return [c in self.vocab for c in self.columns]

    @property
    def cardinalities(self) -> list[int]:
        return [len(self.vocab[c]) for c in self.columns if c in self.vocab]

    @staticmethod
    def _frame(X, columns: list[str] | None) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            if X.shape[0] == 0:
                raise InputError(f"X has 0 samples (shape={X.shape}); at least 1 is required.")
            return X
        array = _as_numeric_array(X)
        names = columns if columns is not None and len(columns) == array.shape[1] else [
            f"x{i}" for i in range(array.shape[1])
        ]
        return pd.DataFrame(array, columns=names)

    def encode(self, X) -> np.ndarray:
        """Return a float64 matrix in ``self.columns`` order; categories as codes (NaN: missing)."""
        frame = self._frame(X, self.columns)
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            extra = [c for c in frame.columns if c not in self.columns]
            raise SchemaError(
                f"X lacks columns seen in fit: {missing[:10]}; unexpected columns: {extra[:10]}"
            )
        out = np.empty((len(frame), len(self.columns)), dtype=np.float64)
        for j, col in enumerate(self.columns):
            values = frame[col]
            if col in self.vocab:
                lookup = self._lookup[col]
                labels = values.astype(object).where(values.notna(), None)
                out[:, j] = [lookup.get(str(v), np.nan) if v is not None else np.nan for v in labels]
            else:
                if _is_categorical(values) and values.dtype != object:
                    raise SchemaError(
                        f"column '{col}' was numeric in fit but is {values.dtype} now"
                    )
                try:
                    out[:, j] = pd.to_numeric(values, errors="raise").to_numpy(np.float64,
                                                                               na_value=np.nan)
                except (TypeError, ValueError) as exc:
                    raise InputError(f"column '{col}' must be numeric: {exc}") from exc
        if np.isinf(out).any():
            bad = [self.columns[j] for j in np.where(np.isinf(out).any(axis=0))[0]]
            raise InputError(f"X contains infinity in columns {bad[:10]}; use NaN for missing.")
        return out

    def to_json(self) -> dict:
        return {"columns": self.columns, "vocab": self.vocab}

    @classmethod
    def from_json(cls, obj: dict) -> TablePrep:
        return cls(obj["columns"], obj["vocab"])
