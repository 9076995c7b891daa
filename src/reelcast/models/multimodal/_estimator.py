"""``MultimodalRevenueRegressor``: the multimodal network as a scikit-learn style estimator."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, RegressorMixin, clone

from ..._errors import InputError, SchemaError
from ..._estimator import check_fitted, store_params
from ...data import log_revenue
from .._train_loop import TrainConfig, TrainResult, train
from ._grounding import KeywordGrounding
from ._network import MODALITIES, MultimodalRevenueNet
from ._vocab import TokenVocabulary

__all__ = ["MultimodalRevenueRegressor"]


def _standardize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():  # an all-missing column (e.g. no posters) is allowed
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nan_to_num(np.nanmean(values, axis=0)) if len(values) else np.zeros(values.shape[1])
        std = np.nan_to_num(np.nanstd(values, axis=0))
    return mean, np.where(std > 1e-12, std, 1.0)


class MultimodalRevenueRegressor(RegressorMixin, BaseEstimator):
    """Log worldwide revenue from tabular features, token bags, poster and overview (issue #6).

    Parameters
    ----------
    modalities : tuple of str, default all four
        Subset of ``("tabular", "keywords", "poster", "text")``; drop one to ablate it.
    fusion : str, default "concat"
        A :data:`~reelcast.models._fusion.FUSION_OPERATORS` name.
    embed_dim, hidden, dropout : network size (``embed_dim`` is the grounding's when grounded).
    modality_dropout : float, default 0.3
        Training-time probability of dropping a non-tabular modality of a film (see
        :class:`MultimodalRevenueNet`).
    grounding : KeywordGrounding or path, optional
        Pretrained token embeddings to start from; ``None`` learns them from scratch. Tokens of
        the training films that the grounding never saw start at its ``<unk>`` vector.
    freeze_embeddings : bool, default False
        Keep the (grounded) embeddings fixed instead of fine-tuning them.
    min_count, max_cast, max_len : token vocabulary (from the training films).
    tabular_encoder : transformer, optional
        Default :class:`~reelcast.features.PreReleaseFeatures` fit on ``history``.
    poster_encoder : transformer, optional
        Default :class:`~reelcast.vision.PosterFeatures`; NaN rows mean "no poster".
    text_encoder : transformer, optional
        Default TF-IDF + SVD (32-d) of the overview; NaN rows mean "no overview".
    lr, weight_decay, batch_size, max_epochs, patience, seed, max_seconds : training (AdamW,
        plateau schedule, early stopping).

    The defaults (lr 3e-4, dropout 0.2, modality dropout 0.3, ``min_count`` 5) were chosen on a
    validation split inside the training years (train < 2011, validate 2011–2013) of the real
    corpus, never on the 2014–2017 test films.
    validation_fraction : float, default 0.15
        The *latest* share of the fit films (by release date) is the validation tail.
    show_progress : bool, default False

    Attributes
    ----------
    model_ : MultimodalRevenueNet
    vocabulary_ : TokenVocabulary
    n_grounded_tokens_ : int
        Vocabulary tokens initialised from the grounding (0 from scratch).
    train_result_ : TrainResult

    Notes
    -----
    ``fit(films, history=all_films)`` like :class:`~reelcast.forecast.BoxOfficeForecaster`;
    ``y`` defaults to natural-log revenue and films without it are dropped. ``predict`` gives
    natural-log revenue, ``transform`` the fused film embedding (``hidden`` columns).
    """

    def __init__(self, modalities=MODALITIES, fusion="concat", embed_dim=32, hidden=64,
                 dropout=0.2, modality_dropout=0.3, grounding=None, freeze_embeddings=False,
                 min_count=5, max_cast=5, max_len=24, tabular_encoder=None, poster_encoder=None,
                 text_encoder=None, lr=3e-4, weight_decay=1e-4, batch_size=128, max_epochs=60, patience=8,
                 validation_fraction=0.15, seed=0, max_seconds=120.0, show_progress=False):
        store_params(self, locals())

    uses_history = True

    # -- checks and encoders ---------------------------------------------------------------
    def _check_params(self) -> tuple[str, ...]:
        mods = tuple(self.modalities) if isinstance(self.modalities, list | tuple) else ()
        if not mods or any(m not in MODALITIES for m in mods) or len(set(mods)) != len(mods):
            raise InputError(f"The 'modalities' parameter of MultimodalRevenueRegressor must be a "
                             f"non-empty subset of {list(MODALITIES)}, got {self.modalities!r}")
        if not 0 < self.validation_fraction < 1:
            raise InputError("The 'validation_fraction' parameter of MultimodalRevenueRegressor "
                             f"must be in (0, 1), got {self.validation_fraction!r}")
        from .._fusion import FUSION_OPERATORS

        if self.fusion not in FUSION_OPERATORS:
            raise InputError(f"The 'fusion' parameter of MultimodalRevenueRegressor must be one of "
                             f"{list(FUSION_OPERATORS)}, got {self.fusion!r}")
        return tuple(m for m in MODALITIES if m in mods)

    def _grounding(self) -> KeywordGrounding | None:
        if self.grounding is None:
            return None
        if isinstance(self.grounding, str | Path):
            return KeywordGrounding.load(self.grounding)
        if not isinstance(self.grounding, KeywordGrounding) or not hasattr(self.grounding, "model_"):
            raise InputError("The 'grounding' parameter of MultimodalRevenueRegressor must be a "
                             f"fitted KeywordGrounding or a folder, got {self.grounding!r}")
        return self.grounding

    def _fit_encoders(self, films: pd.DataFrame, history: pd.DataFrame | None) -> None:
        from ...features import PreReleaseFeatures
        from ...text import TfidfSvdEncoder
        from ...vision import PosterFeatures

        self.encoders_ = {}
        if "tabular" in self.modalities_:
            enc = (clone(self.tabular_encoder) if self.tabular_encoder is not None
                   else PreReleaseFeatures(keyword_topics=16))
            if isinstance(enc, PreReleaseFeatures):
                enc.fit(films if history is None else history, topic_films=films)
            else:
                enc.fit(films)
            self.encoders_["tabular"] = enc
        defaults = {"poster": (self.poster_encoder, PosterFeatures),
                    "text": (self.text_encoder,
                             lambda: TfidfSvdEncoder(column="overview", n_components=32))}
        for m, (given, default) in defaults.items():
            if m in self.modalities_:
                self.encoders_[m] = (clone(given) if given is not None else default()).fit(films)

    def _raw(self, films: pd.DataFrame) -> dict[str, np.ndarray]:
        raw = {}
        for m, enc in self.encoders_.items():
            block = pd.DataFrame(enc.transform(films))
            # categorical columns (language, certification) become one-hot over their fixed
            # categories, so the width does not depend on which values a batch holds
            cats = [c for c in block.columns if isinstance(block[c].dtype, pd.CategoricalDtype)]
            if cats:
                block = pd.get_dummies(block, columns=cats, dtype=float)
            raw[m] = block.to_numpy(dtype=np.float64)
        return raw

    def _tensors(self, films: pd.DataFrame) -> dict[str, torch.Tensor]:
        films = films.reset_index(drop=True)
        out: dict[str, torch.Tensor] = {}
        for m, values in self._raw(films).items():
            if values.shape[1] != len(self.scales_[m][0]):
                raise SchemaError(f"{m} block has {values.shape[1]} columns, the fit had "
                                  f"{len(self.scales_[m][0])}")
            mean, scale = self.scales_[m]
            z = np.clip(np.nan_to_num((values - mean) / scale, nan=0.0, posinf=0.0, neginf=0.0),
                        -6, 6)
            if m == "tabular":  # NaN indicators of the columns that had gaps in training
                z = np.hstack([z, np.isnan(values[:, self.tab_nan_cols_]).astype(float)])
                missing = np.zeros(len(values))
            else:  # a whole modality is missing: zero vector + flag
                missing = (~np.isfinite(values)).all(axis=1).astype(float)
                z[missing == 1] = 0.0
            out[m] = torch.tensor(z, dtype=torch.float32)
            out[f"{m}_missing"] = torch.tensor(missing, dtype=torch.float32).unsqueeze(1)
        if "keywords" in self.modalities_:
            out.update(self.vocabulary_.encode(films, int(self.max_len)))
        return out

    # -- fit -------------------------------------------------------------------------------
    def fit(self, films: pd.DataFrame, y=None, history: pd.DataFrame | None = None):
        """Fit on ``films`` (log revenue ``y``, default from the revenue column)."""
        if not isinstance(films, pd.DataFrame):
            raise SchemaError(f"MultimodalRevenueRegressor.fit expects a films DataFrame, got "
                              f"{type(films).__name__}")
        self.modalities_ = self._check_params()
        if "release_date" not in films.columns:
            raise SchemaError("films need a 'release_date' column (the validation tail is the latest films)")
        if y is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = log_revenue(films)
        y = np.asarray(y, dtype=float).ravel()
        if len(y) != len(films):
            raise InputError(f"y has {len(y)} values for {len(films)} films")
        keep = np.isfinite(y)
        if keep.sum() < 10:
            raise InputError(f"need at least 10 films with revenue > 0 to train, got {int(keep.sum())}")
        films, y = films.loc[keep].reset_index(drop=True), y[keep]
        grounding = self._grounding()
        self.vocabulary_ = TokenVocabulary.fit(films, int(self.min_count), max_cast=int(self.max_cast))
        self._fit_encoders(films, history)
        raw = self._raw(films)
        self.scales_ = {m: _standardize(v) for m, v in raw.items()}
        if "tabular" in raw:
            self.tab_nan_cols_ = np.flatnonzero(np.isnan(raw["tabular"]).any(axis=0))
        data = self._tensors(films)
        self.keys_ = sorted(data)
        dims = {m: data[m].shape[1] for m in ("tabular", "poster", "text") if m in data}
        embed_dim = int(grounding.dim) if grounding is not None else int(self.embed_dim)
        self.y_mean_, self.y_scale_ = float(y.mean()), float(y.std() or 1.0)
        target = torch.tensor((y - self.y_mean_) / self.y_scale_, dtype=torch.float32)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(self.seed))
            model = MultimodalRevenueNet(self.modalities_, dims, len(self.vocabulary_), embed_dim,
                                         int(self.hidden), self.fusion, float(self.dropout),
                                         float(self.modality_dropout))
        self.n_grounded_tokens_ = self._init_embeddings(model, grounding)
        if self.freeze_embeddings:
            model.embedding.weight.requires_grad_(False)
        order = np.argsort(pd.to_datetime(films["release_date"], errors="coerce")
                           .fillna(pd.Timestamp.min).to_numpy(), kind="stable")
        n_val = max(1, int(round(len(films) * self.validation_fraction)))
        tr, va = torch.from_numpy(np.sort(order[:-n_val])), torch.from_numpy(np.sort(order[-n_val:]))
        tensors = [data[k] for k in self.keys_] + [target]
        keys = self.keys_

        def loss_fn(net, batch):
            return F.mse_loss(net(dict(zip(keys, batch[:-1], strict=True))), batch[-1])

        config = TrainConfig(lr=self.lr, weight_decay=self.weight_decay, batch_size=self.batch_size,
                             max_epochs=self.max_epochs, patience=self.patience,
                             seed=int(self.seed), max_seconds=self.max_seconds, grad_clip=1.0)
        self.train_result_: TrainResult = train(
            model, loss_fn, [t[tr] for t in tensors], [t[va] for t in tensors], config,
            show_progress=bool(self.show_progress), description="multimodal revenue")
        self.model_ = model.eval()
        self.n_features_in_ = len(self.modalities_)
        return self

    def _init_embeddings(self, model: MultimodalRevenueNet, grounding) -> int:
        """Copy grounded vectors by token string; unseen-by-grounding tokens get its ``<unk>``."""
        if grounding is None or "keywords" not in self.modalities_:
            return 0
        table = grounding.token_embeddings()
        src = grounding.vocabulary_
        rows = [src.index_of(t) for t in self.vocabulary_.tokens]
        weight = np.vstack([np.zeros(table.shape[1]), table[src.UNK], table[rows]])
        with torch.no_grad():
            model.embedding.weight.copy_(torch.tensor(weight, dtype=torch.float32))
        return int(sum(r != src.UNK for r in rows))

    # -- predict ---------------------------------------------------------------------------
    def _check(self) -> None:
        check_fitted(self, "model_", "fit(films)")

    def _forward(self, films: pd.DataFrame, what: str) -> np.ndarray:
        self._check()
        if not isinstance(films, pd.DataFrame):
            raise SchemaError(f"MultimodalRevenueRegressor expects a films DataFrame, got "
                              f"{type(films).__name__}")
        data = self._tensors(films)
        outs = []
        with torch.inference_mode():
            for start in range(0, len(films), 1024):
                batch = {k: data[k][start:start + 1024] for k in self.keys_}
                outs.append(self.model_.embed(batch) if what == "embed" else self.model_(batch))
        if not outs:
            return np.zeros((0, int(self.hidden))) if what == "embed" else np.zeros(0)
        return torch.cat(outs).numpy().astype(float)

    def predict(self, films: pd.DataFrame) -> np.ndarray:
        """Natural-log worldwide revenue forecasts (every film gets one, whatever is missing)."""
        return self._forward(films, "predict") * self.y_scale_ + self.y_mean_

    def transform(self, films: pd.DataFrame) -> pd.DataFrame:
        """The learned film embedding (fused representation before the head)."""
        emb = self._forward(films, "embed")
        return pd.DataFrame(emb, index=films.index,
                            columns=[f"mm_emb_{i}" for i in range(emb.shape[1])])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

