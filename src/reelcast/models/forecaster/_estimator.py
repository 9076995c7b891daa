"""The box-office forecaster: pre-release features → LightGBM on log worldwide revenue."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from ..._errors import InputError
from ..._estimator import check_fitted, store_params
from ...data import (
    FIELD_SETS,
    MODEL_FIELD_SETS,
    OPTIONAL_FIELDS,
    blank_fields,
    field_set_copies,
    fields_present,
    has_label_flags,
    log_revenue,
    more_fields_copies,
    random_field_copies,
    without_attrs,
)
from ...features import BUDGET_DIRECTIONS, PreReleaseFeatures
from .._lgbm_input import booster_predict

__all__ = ["BoxOfficeForecaster"]

class BoxOfficeForecaster(RegressorMixin, BaseEstimator):
    """Forecast natural-log worldwide revenue of films from what is known before release.

    Parameters
    ----------
    n_estimators, learning_rate, num_leaves, min_child_samples, subsample, colsample_bytree,
    reg_lambda : LightGBM parameters.
    objective : str
        LightGBM objective. Squared error (``"regression"``) gave the best R² and log-RMSE on the
        real temporal test (0.715 / 1.808 against huber's 0.713 / 1.812); ``"huber"`` has a
        slightly lower MAE (1.392 against 1.401).
    keyword_topics : int
        Keyword topics (TF-IDF + SVD, learned from the training films only); 0 for none.
    horizon : {"greenlight", "release_week"}
        ``"release_week"`` also reads the release plan (opening theaters), known about a week
        before release; the default greenlight forecast never does.
    field_dropout : {"field_sets", "random", "none"}
        How the regressor learns that a field left out means "unknown". ``"field_sets"`` trains
        on :func:`reelcast.data.field_set_copies`: every film once under each distinct set of
        fields a user may give (the named sets and every field set with one field left out), so
        that a forecast without a field averages over the films that have it. ``"random"`` adds
        one copy of every film with each optional field left out with probability
        ``dropout_rate``. ``"none"`` trains on the films as the sources give them, where a
        missing field mostly means "a film the larger sources did not cover".
    one_more_field : bool
        With ``"field_sets"``: also copy every film under each named set but ``full`` with one
        more field (:data:`reelcast.data.NEAR_FIELD_SETS`, e.g. the web form plus the original
        language). Without them the regressor of all fields, which serves every film outside the
        named sets, read the fields still blank as "small": on the 2014–2017 test, giving
        ``form+original_language`` moved forecasts by −0.38 log against −0.05 for the form alone,
        and R² fell below the form's (0.632 against 0.648); with the near sets −0.05 and 0.654.
    own_weight : float
        With ``"field_sets"``: the weight of each film as the sources give it, against 1 for each
        copy. The more field sets are copied, the smaller the films' own share; 8 kept full-field
        R² at 0.736 with the near sets (0.727 at 1) on the 2014–2017 test.
    max_copies : int or None
        With ``"field_sets"``: at most this many copies of a film besides itself, reweighted
        (``None``: every copy; 4 fits ~2.5× faster at the same scores).
    flagged_labels : {"keep", "drop"}
        ``"drop"`` leaves out of the regressor's training the films whose labels the corpus
        audit flagged (``label_flags``); the as-of history still counts them.
    dropout_rate : float
        The per-field probability of ``field_dropout="random"``.
    extra_features : list of (name, transformer) or None
        Further feature blocks (poster features, text embeddings) appended to the pre-release
        table: each is fit on the films the history learns from (never on the target) and must
        return a frame aligned with the films it transforms; its columns are prefixed with
        ``name``. A forecaster with extra blocks is not saved as a model directory (their state
        has no file format there).
    set_models : tuple of str
        Field sets of :data:`reelcast.data.MODEL_FIELD_SETS` that get a regressor of their own,
        trained on every film blanked down to that set (with the same ``field_dropout`` copies
        inside it). A film whose given fields all lie in one of these sets is forecast by the
        smallest such set's regressor; every other film by the regressor of all fields. One
        regressor serving every field pattern shares its trees between them; on the 2014–2017
        test this moved R² from 0.636 to 0.649 (form) and 0.606 to 0.631 (core).
        ``"producer"`` (every field but :data:`reelcast.data.RELEASE_TABLE_FIELDS`) serves the
        films given without a distributor or The Numbers' taxonomy: only the release tables give
        those, so in the regressor of all fields their absence meant "a film no release table
        listed" (mean log revenue 12.7 against 17.2 on 2014–2017). Films typed with every field
        but those moved −0.34 log below their full forecast without it and −0.09 with it (R²
        0.683 → 0.715); the corpus's own films without a distributor lose that signal, and
        full-row R² goes from 0.737 to 0.729. ``"metadata"`` (core plus certification, cast,
        directors, companies and collection) serves the films typed without the crowd lists and
        texts (keywords, writers, overview, tagline, poster), whose presence in the corpus mostly
        says that a larger source covered the film: with the producer's regressor, which reads
        them, such films moved −0.41 log below their full forecast; with their own −0.11
        (2014–2017, R² 0.688 → 0.719, same run). ``()`` for one regressor.
    set_models_near : int
        How many fields beyond its set each set regressor also learns and serves. The regressor
        trains on copies of every film under its set plus one to ``set_models_near`` more fields
        the film has (``form+collection``, ``core+cast+directors``;
        :func:`reelcast.data.more_fields_copies`) and forecasts the films that give that many read
        fields beyond the set (see :meth:`routes`; a film inside a set still goes to that set's
        regressor). Films beyond that go to the regressor of all fields, where the training
        films with all their fields (weight ``own_weight``) teach a field still blank to mean
        "small": on the 2014–2017 test, with 0, ``form+collection`` moved forecasts by −0.29 log
        against −0.03 for the form alone. ``0`` for none.
    subset_copies : int
        With ``"field_sets"``: the regressor of all fields also trains on this many copies of
        every film, each keeping every field the film gives with probability 1/2
        (:func:`reelcast.data.random_field_copies`). That regressor serves every film three or
        more fields beyond each set, thousands of patterns the named and near sets do not copy;
        without these copies it read the fields left out as "a film the release tables did not
        list". On the 2014–2017 test (``python -m benchmarks.beyond``), random subsets of each
        film's fields routed to it moved forecasts by −0.41 log with 0 and −0.12 with 2, at the
        same full-field R². The producer and metadata regressors (``set_models``) train on as
        many random subsets of every film blanked down to their set, for the same reason: films giving a
        random 60% of their fields, three or more beyond every named set, moved −0.39 log
        without these copies and −0.13 with them (R² 0.606 → 0.646); the named sets'
        regressors, whose few patterns their field-set copies cover, get none. ``0`` for none.
    monotone_budget : bool
        Constrain every regressor so that a larger budget, everything else the same, never
        lowers the forecast (LightGBM monotone constraints on the features computed from the
        budget, in the directions of :data:`reelcast.features.BUDGET_DIRECTIONS`). Unconstrained,
        the trees' budget splits crossed other fields': on the 2014–2017 test, raising a film's
        budget step by step from ×0.5 to ×4 lowered the forecast somewhere for 56% of the films
        (by up to ×0.42 on full rows, ×0.24 with the minimal fields), and the forecasts of
        larger films were pulled toward the middle (mean residual −0.24 under $5M, +0.22 at
        ≥ $150M). Constrained (``python -m benchmarks.seeds``, five seeds), no forecast falls
        with the budget, the tiers' mean residuals are −0.14…+0.12 and the mean shifts of
        ``form``/``core``/``minimal`` −0.08/−0.11/−0.15 (−0.11/−0.15/−0.21), at the same R².
    random_state, n_jobs : int

    Notes
    -----
    ``fit(films, history=all_films)`` learns the as-of history (talent, companies, keywords,
    collections) from ``history`` (default: the training films) but the regressor only from the
    training films with revenue. A film's features only use films released strictly before it.

    Examples
    --------
    >>> from reelcast.data import make_market
    >>> films = make_market(400, seed=0)
    >>> model = BoxOfficeForecaster(n_estimators=50).fit(films)
    >>> model.predict(films.head(3)).shape
    (3,)
    """

    uses_history = True

    def __init__(self, n_estimators: int = 1500, learning_rate: float = 0.02,
                 num_leaves: int = 31, min_child_samples: int = 20, subsample: float = 0.8,
                 colsample_bytree: float = 0.5, reg_lambda: float = 1.0,
                 objective: str = "regression", keyword_topics: int = 16,
                 horizon: str = "greenlight",
                 field_dropout: str = "field_sets", one_more_field: bool = True,
                 own_weight: float = 8.0, max_copies: int | None = 4,
                 flagged_labels: str = "keep",
                 dropout_rate: float = 0.5, extra_features: list | None = None,
                 set_models: tuple[str, ...] = ("form", "core", "minimal", "producer", "metadata"),
                 set_models_near: int = 2, subset_copies: int = 2,
                 monotone_budget: bool = True, random_state: int = 0, n_jobs: int = 2):
        store_params(self, locals())

    def make_regressor(self, columns=None):
        """An unfitted LightGBM regressor with this forecaster's settings.

        ``columns``, the names of the table it will be fit on, places the budget's monotone
        constraints (``monotone_budget``); without them the regressor has none. A stacker that
        adds its own columns to :meth:`transform`'s table refits this on them.
        """
        import lightgbm as lgb

        constraints = {}
        if self.monotone_budget and columns is not None:
            directions = [BUDGET_DIRECTIONS.get(str(c), 0) for c in columns]
            if any(directions):
                # "intermediate" keeps more of each tree's fit than LightGBM's "basic" method
                constraints = {"monotone_constraints": directions,
                               "monotone_constraints_method": "intermediate"}
        return lgb.LGBMRegressor(
            n_estimators=self.n_estimators, learning_rate=self.learning_rate,
            num_leaves=self.num_leaves, min_child_samples=self.min_child_samples,
            subsample=self.subsample, subsample_freq=1, colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda, objective=self.objective, random_state=self.random_state,
            n_jobs=self.n_jobs, deterministic=True, force_row_wise=True, verbose=-1,
            **constraints,
        )

    def fit(self, films: pd.DataFrame, y=None, history: pd.DataFrame | None = None):
        if y is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = log_revenue(films)
        y = np.asarray(y, float)
        keep = np.isfinite(y)
        if self.flagged_labels == "drop":
            # the corpus's label audit: revenue that disagrees across sources, equals a
            # domestic-only figure or is under $22k, and budgets typed in millions
            keep &= ~has_label_flags(films)
        if keep.sum() < 10:
            raise InputError(f"need at least 10 films with revenue > 0 to train, got {keep.sum()}")
        self.features_ = PreReleaseFeatures(keyword_topics=self.keyword_topics,
                                            horizon=self.horizon,
                                            extra=self.extra_features).fit(
            films if history is None else history, topic_films=films)
        # one attrs-free frame for every copy below (a market's truth is deep-copied per slice)
        films = without_attrs(films)
        unknown = [s for s in self.set_models if s not in MODEL_FIELD_SETS]
        if unknown:
            raise InputError(f"The 'set_models' parameter of BoxOfficeForecaster must list "
                             f"field sets among {', '.join(MODEL_FIELD_SETS)}, got "
                             f"{unknown[0]!r} instead.")
        for param in ("set_models_near", "subset_copies"):
            value = getattr(self, param)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
                raise InputError(f"The {param!r} parameter of BoxOfficeForecaster must be an "
                                 f"integer >= 0, got {value!r} instead.")
        films, y = films.loc[keep], y[keep]
        rows, y_rows, weight = _stacked([self._training_rows(films, y),
                                         *self._subset_copies(films, y)])
        X = self.features_.transform(rows)
        self.model_ = self.make_regressor(X.columns).fit(X, y_rows, sample_weight=weight)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        self.fields_read_ = self._fields_read(films)
        self.set_models_ = {}
        for name in self.set_models:
            rows, y_rows, weight = self._set_training_rows(films, y, name)
            X = self.features_.transform(rows)[list(self.feature_names_in_)]
            self.set_models_[name] = self.make_regressor(X.columns).fit(X, y_rows,
                                                                        sample_weight=weight)
        self.train_median_ = float(np.median(y))
        self.field_effects_ = self._field_effects(films)
        return self

    def _subset_copies(self, films: pd.DataFrame, y: np.ndarray) -> list:
        """``subset_copies`` random-subset copies of ``films`` as one (rows, y, weight) part, or
        no part (``reelcast.data.random_field_copies``; with ``"field_sets"`` only)."""
        if not (self.subset_copies and self.field_dropout == "field_sets"):
            return []
        more, origin = random_field_copies(films, self.subset_copies,
                                           random_state=self.random_state)
        return [(more, y[origin], np.ones(len(origin)))]

    def _field_effects(self, films: pd.DataFrame, max_films: int = 1000) -> dict:
        """How much the forecast typically moves when each field is given rather than left out.

        Measured on (up to ``max_films`` of) the training films that have the field: the log
        forecast with every field they have minus the same forecast without that field. The
        product layer shows it beside a forecast for each important field a user left out.
        """
        if len(films) > max_films:
            films = films.sample(max_films, random_state=self.random_state)
        present = fields_present(films)
        fields = [f for f in OPTIONAL_FIELDS if present[f].sum() >= 20]
        # one batch for every field: a transform per field paid its fixed cost 18 times
        parts = [films, *(blank_fields(films.loc[present[f].to_numpy(bool)],
                                       [g for g in OPTIONAL_FIELDS if g != f]) for f in fields)]
        pred = self.predict(pd.concat(parts, ignore_index=True))
        full, start, effects = pred[: len(films)], len(films), {}
        for field, part in zip(fields, parts[1:], strict=True):
            shift = full[present[field].to_numpy(bool)] - pred[start:start + len(part)]
            start += len(part)
            effects[field] = {"mean_shift": round(float(np.mean(shift)), 4),
                              "median_abs_shift": round(float(np.median(np.abs(shift))), 4),
                              "n": int(len(part))}
        return effects

    def _fields_read(self, films: pd.DataFrame, max_films: int = 50) -> list[str]:
        """The optional fields whose value changes the feature table (the overview and the
        poster, for one, feed the genre and rating models but not this regressor)."""
        present = fields_present(films)
        read = []
        for field in OPTIONAL_FIELDS:
            some = films.loc[present[field].to_numpy(bool)].head(max_films)
            if some.empty:
                continue
            base = self.features_.transform(some)
            blank = self.features_.transform(
                blank_fields(some, [g for g in OPTIONAL_FIELDS if g != field]))
            if not base.equals(blank):
                read.append(field)
        return read

    def _set_training_rows(self, films: pd.DataFrame, y: np.ndarray, name: str):
        """The training rows of one set regressor: the films blanked down to the set (with
        their field-set copies inside it), and the set plus up to ``set_models_near`` more fields
        that this model reads."""
        kept = MODEL_FIELD_SETS[name]
        blanked = blank_fields(films, kept)
        parts = [self._training_rows(blanked, y)]
        if self.set_models_near > 0:
            more, origin, more_weight = more_fields_copies(
                films, kept, self.fields_read_, n_more=self.set_models_near,
                max_copies=self.max_copies, random_state=self.random_state)
            parts.append((more, y[origin], more_weight))
        if name not in FIELD_SETS:
            # a set as wide as the producer's serves thousands of field patterns its field-set
            # copies never show; random subsets of it teach that a field left out is unknown
            # (on 2014-2017, films three or more fields beyond every named set moved -0.39 log
            # without these copies and -0.13 with them)
            parts += self._subset_copies(blanked, y)
        return _stacked(parts)

    def routes(self, films: pd.DataFrame) -> np.ndarray:
        """For each film, the field set whose regressor forecasts it (``"full"``: all fields).

        Counting only the fields this model reads, in this order: the smallest named set among
        ``set_models`` that holds every field the film gives; the named set whose fields the
        film all gives, with one to ``set_models_near`` more; the smallest other set
        (``"producer"``, ``"metadata"``) that holds the film; a named, then another set the film
        lies one to ``set_models_near`` fields beyond; else the regressor of all fields. Among
        near sets, the one the film lies fewest fields beyond wins, the smaller on a tie.
        A film near a named set but short of some of its fields goes to a wider set that holds
        it: the named set's regressor read those fields' absence as "small" (on 2014–2017, films
        given core plus cast, directors and collection, near the form without its keywords: mean
        residual +0.57 with the form's regressor, +0.33 with the metadata set's, R² 0.606 →
        0.649; ``python -m benchmarks.beyond``).
        """
        self._check()
        sets = getattr(self, "set_models_", {})
        route = np.full(len(films), "full", dtype=object)
        if not sets or len(films) == 0:
            return route
        read = getattr(self, "fields_read_", OPTIONAL_FIELDS)
        given = fields_present(films)[list(read)].to_numpy(bool)
        named = self._fits(given, read, [s for s in sets if s in FIELD_SETS])
        other = self._fits(given, read, [s for s in sets if s not in FIELD_SETS])
        for choice in (named["inside"], named["whole_and_near"], other["inside"],
                       named["near"], other["near"]):
            rest = route == "full"
            route[rest] = choice[rest]
        return route

    def _fits(self, given: np.ndarray, read, names) -> dict:
        """Per film, the smallest of ``names`` holding every given field (``inside``); and the
        one it lies fewest fields beyond, at most ``set_models_near`` (the smaller on a tie),
        among all of ``names`` (``near``) and among those whose fields it all gives
        (``whole_and_near``); "full" where none."""
        fits = {key: np.full(len(given), "full", dtype=object)
                for key in ("inside", "whole_and_near", "near")}
        best = {key: np.full(len(given), np.inf) for key in fits}
        # smallest set first: a larger set must lie strictly fewer fields away to take a film
        for name in sorted(names, key=lambda s: len(MODEL_FIELD_SETS[s])):
            in_set = np.array([f in MODEL_FIELD_SETS[name] for f in read])
            outside = given[:, ~in_set].sum(axis=1)
            near = (outside >= 1) & (outside <= self.set_models_near)
            for key, fit in (("inside", outside == 0), ("near", near),
                             ("whole_and_near", near & given[:, in_set].all(axis=1))):
                wins = fit & (outside < best[key])
                fits[key][wins], best[key][wins] = name, outside[wins]
        return fits

    def regressor(self, route: str = "full"):
        """The fitted LightGBM regressor of one route (see :meth:`routes`)."""
        self._check()
        return self.model_ if route == "full" else self.set_models_[route]

    def _training_rows(self, films: pd.DataFrame, y: np.ndarray):
        if self.field_dropout == "none":
            return films, y, None
        if self.field_dropout == "field_sets":
            copies, origin, weight = field_set_copies(
                films, one_more=self.one_more_field, own_weight=self.own_weight,
                max_copies=self.max_copies, random_state=self.random_state)
            return copies, y[origin], weight
        if self.field_dropout == "random":
            rng = np.random.default_rng(self.random_state)
            drop = rng.random((len(films), len(OPTIONAL_FIELDS))) < self.dropout_rate
            copies, order = [films], [np.arange(len(films))]
            # one copy of every film; rows that drop the same fields are blanked together
            codes = drop @ (1 << np.arange(len(OPTIONAL_FIELDS)))
            for code in np.unique(codes):
                at = np.flatnonzero(codes == code)
                kept = [f for i, f in enumerate(OPTIONAL_FIELDS) if not (code >> i) & 1]
                copies.append(blank_fields(films.iloc[at], kept))
                order.append(at)
            return pd.concat(copies, ignore_index=True), y[np.concatenate(order)], None
        raise InputError(f"The 'field_dropout' parameter of BoxOfficeForecaster must be one of "
                         f"'field_sets', 'random', 'none', got {self.field_dropout!r} instead.")

    def _check(self):
        check_fitted(self, "model_", "fit(films) or load a model directory")

    def transform(self, films: pd.DataFrame) -> pd.DataFrame:
        """The feature table the regressor sees for these films."""
        self._check()
        # the booster reads columns by position: always hand them over in training order
        X = self.features_.transform(films)
        names = self.feature_names_in_
        if len(X.columns) == len(names) and (X.columns == names).all():
            return X  # already in that order (the usual case): no reindexed copy
        return X[list(names)]

    def predict_features(self, X: pd.DataFrame, routes=None) -> np.ndarray:
        """Natural-log forecasts from a feature table built by :meth:`transform`.

        ``routes`` (from :meth:`routes` on the same films) picks each row's regressor; without
        it every row goes to the regressor of all fields.
        """
        self._check()
        if routes is None:
            return _predict(self.model_, X)
        routes = np.asarray(routes, dtype=object)
        out = np.empty(len(X))
        for route in np.unique(routes):
            at = np.flatnonzero(routes == route)
            out[at] = _predict(self.regressor(route), X.iloc[at])
        return out

    def predict(self, films: pd.DataFrame) -> np.ndarray:
        """Natural-log worldwide revenue forecasts."""
        return self.predict_features(self.transform(films), self.routes(films))

    def predict_revenue(self, films: pd.DataFrame) -> np.ndarray:
        """Worldwide revenue forecasts in US dollars."""
        return np.exp(self.predict(films))

    def update_history(self, films: pd.DataFrame) -> BoxOfficeForecaster:
        """Refresh the as-of history with newly released films without refitting the regressor."""
        self._check()
        self.features_.history_.fit(films)
        return self


def _predict(regressor, X: pd.DataFrame) -> np.ndarray:
    """A fitted LightGBM regressor's forecasts, from LightGBM's input matrix built directly.

    A fitted ``LGBMRegressor`` predicted on its ``n_jobs`` threads, a loaded booster on the
    default: so here too (for more than a few rows; the thread count never changes a value).
    """
    n_jobs = getattr(regressor, "n_jobs", None)
    threads = {"num_threads": n_jobs} if isinstance(n_jobs, int) and n_jobs > 0 else {}
    return np.asarray(booster_predict(regressor.booster_, X, **threads), float)


def _stacked(parts: list) -> tuple:
    """One set of training rows from (rows, y, weight) parts, in order; a part without weights
    (``None``) weighs 1 per row. A single part is returned as it is."""
    if len(parts) == 1:
        return parts[0]
    rows, ys, weights = zip(*parts, strict=True)
    return (pd.concat(rows, ignore_index=True), np.concatenate(ys),
            np.concatenate([np.ones(len(r)) if w is None else w
                            for r, w in zip(rows, weights, strict=True)]))

