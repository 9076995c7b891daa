"""P-EL's multi-layer stack: time-ordered out-of-fold layers, then greedy ensemble selection."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_array, column_or_1d

from ..._errors import InputError
from ..._estimator import check_fitted, store_params
from ..._progress import progress_bar
from ...evaluation import TimeOrderedFolds, as_time_array
from ..tabular import TabularModel, make_model, table_tags, validate_columns
from ._caruana import EnsembleSelection
from ._presets import PRESETS, PRETRAIN_MODES
from ._pretrain import RATING_PRIOR, check_pretrain, fit_rating_prior

__all__ = ["StackedRegressor"]

_CONFIG_KEYS = ("models", "n_layers", "n_folds", "min_train_fraction", "ensemble_iterations",
                "pretrain_mode", "prior_model")


def _build(spec):
    """A model spec (name, (name, params), {"model", "params"} or an estimator) → estimator."""
    if isinstance(spec, str):
        return make_model(spec)
    if isinstance(spec, tuple | list) and len(spec) == 2 and isinstance(spec[0], str):
        return make_model(spec[0], **dict(spec[1]))
    if isinstance(spec, dict) and "model" in spec:
        return make_model(spec["model"], **dict(spec.get("params", {})))
    if hasattr(spec, "fit") and hasattr(spec, "predict"):
        return clone(spec)
    raise InputError(f"a stack model must be a registry name, (name, params) or an estimator, "
                     f"got {spec!r}")


def _spec_name(spec, model) -> str:
    return model.name if isinstance(model, TabularModel) else type(model).__name__.lower()


class StackedRegressor(RegressorMixin, BaseEstimator):
    """Multi-layer stacked ensemble with time-ordered folds and Caruana ensemble selection.

    Layer 1 fits every model on the original features; its out-of-fold (OOF) predictions,
    concatenated with the original features, are the input of layer 2, and so on. Folds are
    expanding windows in time (``TimeOrderedFolds``): an OOF prediction for a film comes from
    a model trained only on strictly earlier films. The rows of the earliest window have no
    OOF prediction, so each layer trains on fewer rows than the one before. After the folds,
    each model is refitted on all of its layer's rows (boosting rounds / epochs = median of
    what early stopping found in the folds) to predict new films. The last layer's OOF
    predictions choose the ensemble weights by greedy selection with replacement.

    Parameters
    ----------
    preset : {"fast", "default", "best"}
        Starting configuration (``PRESETS``); any argument below that is not ``None`` wins.
    models : list, optional
        Model specs per layer: a registry name, ``(name, params)``, or an estimator.
    n_layers, n_folds : int, optional
    min_train_fraction : float, optional
        Share of the earliest rows that only ever train (no OOF prediction).
    ensemble_iterations : int, optional
        Greedy selection steps (weights are multiples of ``1 / ensemble_iterations``).
    pretrain_mode : {"none", "continue", "prior", "both"}, optional
        How ``fit(..., pretrain=(X_rating, y_rating))`` is used: continued training of
        layer-1 boosting models and nets from rating models, a cross-fitted rating-prior
        feature, or both (see ``_pretrain``).
    prior_model : spec, optional
        The rating model behind the prior feature.
    random_state : int
    verbose : bool
        Show a progress bar over the fits.

    Examples
    --------
    >>> from reelcast.models.stack import StackedRegressor
    >>> stack = StackedRegressor(preset="fast")  # doctest: +SKIP
    >>> stack.fit(X, y, time=films["release_date"], pretrain=(X_rated, ratings))  # doctest: +SKIP
    """

    def __init__(self, preset: str = "default", models=None, n_layers=None, n_folds=None,
                 min_train_fraction=None, ensemble_iterations=None, pretrain_mode=None,
                 prior_model=None, random_state: int = 0, verbose: bool = False):
        store_params(self, locals())

    # -- configuration -------------------------------------------------------------------------
    def resolved_config(self) -> dict:
        """The preset with explicit arguments applied (what ``fit`` will use)."""
        if self.preset not in PRESETS:
            raise InputError(f"The 'preset' parameter of StackedRegressor must be one of "
                             f"{sorted(PRESETS)}, got {self.preset!r} instead.")
        config = dict(PRESETS[self.preset])
        for key in _CONFIG_KEYS:
            if getattr(self, key) is not None:
                config[key] = getattr(self, key)
        if config["pretrain_mode"] not in PRETRAIN_MODES:
            raise InputError(f"The 'pretrain_mode' parameter must be one of {PRETRAIN_MODES}, "
                             f"got {config['pretrain_mode']!r} instead.")
        for key in ("n_layers", "n_folds", "ensemble_iterations"):
            if not (isinstance(config[key], int | np.integer) and config[key] >= 1):
                raise InputError(f"The '{key}' parameter must be an int >= 1, "
                                 f"got {config[key]!r} instead.")
        if not config["models"]:
            raise InputError("The 'models' parameter must list at least one model.")
        return config

    def _named_models(self, specs) -> list[tuple[str, object]]:
        out, seen = [], {}
        for spec in specs:
            model = _build(spec)
            base = _spec_name(spec, model)
            seen[base] = seen.get(base, 0) + 1
            out.append((base if seen[base] == 1 else f"{base}_{seen[base]}", model))
        return out

    # -- input ---------------------------------------------------------------------------------
    def __sklearn_tags__(self):
        return table_tags(super().__sklearn_tags__())

    def _frame(self, X, reset: bool) -> pd.DataFrame:
        """Check columns like sklearn does; arrays become frames with columns ``x0, x1, …``."""
        if isinstance(X, pd.DataFrame):
            validate_columns(self, X, reset=reset)
            # column labels are matched by name as strings (saved artifacts hold strings)
            return X if all(isinstance(c, str) for c in X.columns) else X.rename(columns=str)
        try:
            array = check_array(X, dtype=np.float64, ensure_all_finite="allow-nan",
                                input_name="X")
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        validate_columns(self, array, reset=reset)
        return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])

    @staticmethod
    def _time_column(X, time):
        """Take the time column out of ``X`` when ``time`` names one."""
        if not isinstance(time, str):
            return X, None
        if not isinstance(X, pd.DataFrame) or time not in X.columns:
            raise InputError(f"The 'time' column {time!r} is not in X.")
        return X.drop(columns=[time]), X[time]

    # -- fit -----------------------------------------------------------------------------------
    def fit(self, X, y, time=None, pretrain=None):
        """Fit all layers and the ensemble.

        Parameters
        ----------
        X : DataFrame (NaN and ``category`` columns allowed) or array
        y : array-like of shape (n_samples,), e.g. log revenue
        time : array-like, str or None
            Release dates (or any orderable numbers) of the rows, or the name of a column of
            ``X`` holding them (it is then not a feature). ``None``: rows are in time order.
        pretrain : (X_rating, y_rating), optional
            Films with a rating, same feature columns, indexed like ``X`` (film id): the
            rating pretraining set. Ratings are a target here, never an input.
        """
        config = self.resolved_config()
        X, time_values = self._time_column(X, time)
        self.time_column_ = time if time_values is not None else None
        X = self._frame(X, reset=True)
        if time_values is not None:
            keys = as_time_array(time_values, len(X))
        elif time is None:  # rows are taken to be in time order already
            keys = np.arange(len(X), dtype=np.float64)
        else:
            keys = as_time_array(time, len(X))
        if y is None:
            raise InputError("StackedRegressor requires y to be passed, but the target y is None.")
        try:
            y = column_or_1d(check_array(y, ensure_2d=False, dtype=np.float64, input_name="y"),
                             warn=True)
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        if len(y) != len(X):
            raise InputError(f"X has {len(X)} rows but y has {len(y)}.")
        if len(X) < 2:
            raise InputError(f"X has {len(X)} sample; the stack needs at least 2 samples.")
        self.columns_ = [str(c) for c in X.columns]

        # internal order = time order, so each base model's early stopping reads its latest rows
        order = np.argsort(keys, kind="stable")
        Xs, ys, ts = X.iloc[order], y[order], keys[order]
        mode = config["pretrain_mode"] if pretrain is not None else "none"
        self.pretrain_mode_ = mode
        pretrained, X_r, y_r = {}, None, None
        if mode != "none":
            X_r, y_r = check_pretrain(pretrain, list(X.columns))
        self.prior_model_ = None
        if mode in ("prior", "both"):
            self.prior_model_, prior, prior_r = fit_rating_prior(
                _build(config["prior_model"]), X_r, y_r, Xs, n_folds=5,
                random_state=self.random_state)
            Xs = Xs.assign(**{RATING_PRIOR: prior})
            X_r = X_r.assign(**{RATING_PRIOR: prior_r})

        named = self._named_models(config["models"])
        n_folds = config["n_folds"]
        total = config["n_layers"] * len(named) * (n_folds + 1)
        if mode in ("continue", "both"):
            total += sum(isinstance(m, TabularModel) and m.supports_init_model for _, m in named)
        with progress_bar("stack", total, bool(self.verbose), transient=True) as advance:
            tick = functools.partial(advance, 1)  # one fit done: its label on the bar
            if mode in ("continue", "both"):
                for name, model in named:
                    if isinstance(model, TabularModel) and model.supports_init_model:
                        pretrained[name] = clone(model).fit(X_r, y_r)
                        tick(f"pretrain {name}")
            self._fit_layers(config, named, Xs, ys, ts, order, pretrained, tick)
        return self

    def _fit_layers(self, config, named, Xs, ys, ts, order, pretrained, tick):
        n = len(ys)
        rows = np.arange(n)  # positions (in time order) that feed the current layer
        inputs = Xs
        self.layers_, self.layer_columns_, self.oof_, self.folds_ = [], [], [], []
        folds_maker = TimeOrderedFolds(config["n_folds"], config["min_train_fraction"])
        for layer in range(config["n_layers"]):
            folds = folds_maker.split(ts[rows])
            oof = np.full((len(rows), len(named)), np.nan)
            fitted = []
            for j, (name, spec) in enumerate(named):
                init = pretrained.get(name) if layer == 0 else None
                kwargs = {"init_model": init} if init is not None else {}
                rounds = []
                fold_spec = clone(spec)
                if "refit" in fold_spec.get_params():
                    # a fold model only predicts its block: no second training after stopping
                    fold_spec.set_params(refit=False)
                for tr, va in folds:
                    model = clone(fold_spec).fit(inputs.iloc[tr], ys[rows[tr]], **kwargs)
                    oof[va, j] = model.predict(inputs.iloc[va])
                    rounds.append(getattr(model, "best_rounds_", None))
                    tick(f"layer {layer + 1} {name}")
                full = clone(spec)
                param = getattr(full, "rounds_param", None)
                if param and None not in rounds:
                    # the refit has no validation rows: use the rounds the folds found
                    full.set_params(**{param: max(1, int(np.median(rounds))),
                                       "early_stopping_rounds": None})
                fitted.append((name, full.fit(inputs, ys[rows], **kwargs)))
                tick(f"layer {layer + 1} {name} (all rows)")
            covered = ~np.isnan(oof).any(axis=1)
            columns = [f"L{layer + 1}_{name}" for name, _ in named]
            self.layers_.append(fitted)
            self.layer_columns_.append(columns)
            # diagnostics in the caller's row order: OOF (NaN where none) and fold positions
            full_oof = np.full((n, len(named)), np.nan)
            full_oof[order[rows]] = oof
            self.oof_.append(full_oof)
            self.folds_.append([(order[rows[tr]], order[rows[va]]) for tr, va in folds])
            rows, last_oof = rows[covered], oof[covered]
            if len(rows) < 2:
                raise InputError(f"layer {layer + 1} left {len(rows)} rows with OOF "
                                 "predictions; use fewer layers or a smaller min_train_fraction")
            inputs = pd.concat(
                [Xs.iloc[rows].reset_index(drop=True),
                 pd.DataFrame(last_oof, columns=columns)], axis=1)
        self.ensemble_ = EnsembleSelection(config["ensemble_iterations"]).fit(last_oof, ys[rows])
        self.ensemble_rows_ = order[rows]
        self.model_names_ = [name for name, _ in named]
        self.config_ = config

    # -- predict -------------------------------------------------------------------------------
    def _check_fitted(self):
        check_fitted(self, "ensemble_", "fit(X, y, time=...)")

    def _inputs(self, X) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame) and self.time_column_ in X.columns:
            X = X.drop(columns=[self.time_column_])
        X = self._frame(X, reset=False)
        missing = [c for c in self.columns_ if c not in X.columns]
        if missing:
            raise InputError(f"X lacks the feature columns {missing[:10]} seen in fit")
        X = X[self.columns_]
        if self.prior_model_ is not None:
            X = X.assign(**{RATING_PRIOR: self.prior_model_.predict(X)})
        return X.reset_index(drop=True)

    def predict_layers(self, X) -> list[pd.DataFrame]:
        """Every layer's predictions for ``X`` (columns ``L<layer>_<model>``)."""
        self._check_fitted()
        base = self._inputs(X)
        inputs, out = base, []
        for fitted, columns in zip(self.layers_, self.layer_columns_, strict=True):
            preds = pd.DataFrame(np.column_stack([m.predict(inputs) for _, m in fitted]),
                                 columns=columns)
            out.append(preds)
            inputs = pd.concat([base, preds], axis=1)
        return out

    def predict(self, X) -> np.ndarray:
        """The ensemble's prediction (the target's scale, e.g. log revenue)."""
        self._check_fitted()
        return self.ensemble_.predict(self.predict_layers(X)[-1].to_numpy())

    @property
    def weights(self) -> dict[str, float]:
        """Ensemble weight of each last-layer model (sums to 1)."""
        self._check_fitted()
        return {n: float(w) for n, w in zip(self.layer_columns_[-1], self.ensemble_.weights_,
                                            strict=True)}

    # -- artifacts (see _artifact.py) ----------------------------------------------------------
    def save(self, path):
        """Write ``stack.json`` and one native model directory per fitted model."""
        from ._artifact import save_stack

        return save_stack(self, path)

    @classmethod
    def load(cls, path) -> StackedRegressor:
        from ._artifact import load_stack

        return load_stack(path)

