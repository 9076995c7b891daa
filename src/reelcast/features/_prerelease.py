"""The full pre-release feature table: metadata + as-of history (+ optional poster/text blocks)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, clone

from .._errors import InputError
from .._estimator import check_fitted, store_params
from ..data import POST_RELEASE_COLUMNS, RELEASE_PLAN_COLUMNS
from ._history import EntityHistory, TalentHistory
from ._keywords import KeywordTopics
from ._metadata import STUDIO_LEVELS, MetadataFeatures

__all__ = ["BUDGET_DIRECTIONS", "PreReleaseFeatures", "FORBIDDEN_INPUTS", "HORIZONS"]

# when the forecast is made: at greenlight (the default) or in the week before release, when the
# release plan (opening theaters) is known
HORIZONS = ("greenlight", "release_week")

# Known only after release: a revenue model must never read these columns of the film itself.
# The schema owns the list (features may import data, never the reverse), so a post-release
# column added to the corpus is forbidden here too.
FORBIDDEN_INPUTS = POST_RELEASE_COLUMNS

# How each feature computed from the budget moves when the budget grows, everything else held:
# +1 rises with it, -1 falls (``cast_lift`` is the cast's record minus the budget). A model that
# constrains each feature in its direction forecasts no less for a larger budget.
BUDGET_DIRECTIONS = {"log_budget": 1, "log_budget_adj": 1, "budget_x_director": 1,
                     "cast_lift": -1}


def _columns_of(block, films: pd.DataFrame) -> dict:
    """A block's output as ``{name: values}``: its ``transform_columns`` when that is what its
    ``transform`` frames (no frame built per block), else the columns of its ``transform``."""
    if _defined_in(type(block), "transform_columns") is _defined_in(type(block), "transform"):
        return block.transform_columns(films)
    # a block without the method, or a subclass with its own transform: that is the truth
    return dict(pd.DataFrame(block.transform(films)).reset_index(drop=True).items())


def _defined_in(cls: type, name: str) -> type | None:
    """The class of ``cls``'s MRO whose own body defines ``name`` (None: nowhere)."""
    return next((c for c in cls.__mro__ if name in vars(c)), None)


class PreReleaseFeatures(TransformerMixin, BaseEstimator):
    """Everything known about a film before its release, as one numeric frame.

    Parameters
    ----------
    history : TalentHistory or None
        As-of talent/company/keyword/collection history; ``None`` uses the default roles.
    keyword_topics : int
        Number of keyword topics (TF-IDF + SVD of crowd keywords); 0 leaves them out.
    extra : list of (name, transformer) or None
        Further blocks (poster features, text embeddings), each fit on the films and
        returning a frame aligned with them.
    horizon : {"greenlight", "release_week"}
        ``"release_week"`` also reads the release plan (``RELEASE_PLAN_COLUMNS``: opening
        theaters); a greenlight forecast never sees it.
    """

    def __init__(self, history=None, extra=None, n_languages: int = 12,
                 keyword_topics: int = 16, horizon: str = "greenlight"):
        store_params(self, locals())

    def fit(self, films: pd.DataFrame, y=None, topic_films: pd.DataFrame | None = None):
        """Learn history from ``films``; keyword topics from ``topic_films`` (default ``films``).

        A forecaster passes its training films as ``topic_films`` so that topics, an unsupervised
        summary of keywords, are learned only from the past of a temporal split.
        """
        if self.horizon not in HORIZONS:
            raise InputError(f"The 'horizon' parameter of PreReleaseFeatures must be one of "
                             f"{', '.join(HORIZONS)}, got {self.horizon!r} instead.")
        self.metadata_ = MetadataFeatures(n_languages=self.n_languages,
                                          release_plan=self.horizon == "release_week").fit(films)
        self.history_ = clone(self.history) if self.history is not None else TalentHistory()
        self.history_.fit(films)
        self.topics_ = (KeywordTopics(n_components=self.keyword_topics).fit(
            films if topic_films is None else topic_films)
                        if self.keyword_topics else None)
        self.extra_ = [(name, clone(t).fit(films)) for name, t in (self.extra or [])]
        self.feature_names_out_ = list(self.transform(films.head(2)).columns)
        return self

    def transform(self, films: pd.DataFrame) -> pd.DataFrame:
        check_fitted(self, "metadata_", "fit(films)")
        # the film's own post-release outcomes are dropped before any block sees the row
        dropped = [*FORBIDDEN_INPUTS,
                   *(RELEASE_PLAN_COLUMNS if self.horizon == "greenlight" else ())]
        films = films.drop(columns=[c for c in dropped if c in films.columns])
        films.index = pd.RangeIndex(len(films))  # ``drop`` made a new frame: no second copy
        blocks = [_columns_of(self.metadata_, films), _columns_of(self.history_, films)]
        if getattr(self, "topics_", None) is not None:
            blocks.append(_columns_of(self.topics_, films))
        for name, block in self.extra_:
            out = block.transform(films)
            out = pd.DataFrame(out).reset_index(drop=True)
            out.columns = [c if str(c).startswith(name) else f"{name}_{c}" for c in out.columns]
            blocks.append(dict(out.items()))
        columns = {name: values for block in blocks for name, values in block.items()}
        if len(columns) < sum(len(block) for block in blocks):  # a name two blocks share
            frame = pd.concat([pd.DataFrame(block) for block in blocks], axis=1)
        else:
            columns["budget_x_director"] = (columns["log_budget_adj"]
                                            - columns["director_logrev_best_mean"])
            columns["cast_lift"] = columns["cast_logrev_best_mean"] - columns["log_budget_adj"]
            # one frame from every block's columns: a frame per block, a concat and two
            # inserted columns cost ~1.5 ms of a one-film forecast
            return pd.DataFrame(columns)
        frame["budget_x_director"] = frame["log_budget_adj"] - frame["director_logrev_best_mean"]
        frame["cast_lift"] = frame["cast_logrev_best_mean"] - frame["log_budget_adj"]
        return frame

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.feature_names_out_, dtype=object)

    def save_state(self, directory: str | Path) -> dict:
        """Write the fitted history (``history/<role>.parquet``) and keyword topics
        (``keyword_topics.npz``) into ``directory``; return the rest of the state as JSON."""
        check_fitted(self, "metadata_", "fit(films)")
        if self.extra_:
            raise InputError(f"cannot save feature blocks {[name for name, _ in self.extra_]}: "
                             "only the pre-release blocks have a file format")
        directory, history = Path(directory), self.history_
        (directory / "history").mkdir()
        for role, hist in history.histories_.items():
            hist.records.to_parquet(directory / "history" / f"{role}.parquet", index=False)
        state = {"languages": self.metadata_.languages_,
                 "n_languages": self.metadata_.n_languages,
                 "roles": [[k, *v] for k, v in history._roles().items()],  # a list: order matters
                 "history_target": history.target}
        if getattr(self, "topics_", None) is not None:
            np.savez(directory / "keyword_topics.npz", **self.topics_.state())
            state["keyword_topics"] = self.topics_.get_params()
        return state

    @classmethod
    def load_state(cls, directory: str | Path, state: dict, *, horizon: str,
                   feature_names: list[str]) -> PreReleaseFeatures:
        """The fitted blocks written by :meth:`save_state` (``state`` is what it returned)."""
        directory = Path(directory)
        roles = {role: (column, top) for role, column, top in state["roles"]}
        history = TalentHistory(roles=roles, target=state["history_target"])
        history.histories_ = {
            role: EntityHistory(pd.read_parquet(directory / "history" / f"{role}.parquet"))
            for role in roles
        }
        history.feature_names_out_ = []
        metadata = MetadataFeatures(n_languages=state["n_languages"],
                                    release_plan=horizon == "release_week")
        metadata.languages_ = list(state["languages"])
        metadata.levels_ = {k: list(v) for k, v in STUDIO_LEVELS.items()}
        features = cls(n_languages=state["n_languages"], horizon=horizon,
                       keyword_topics=state.get("keyword_topics", {}).get("n_components", 0))
        features.metadata_, features.history_, features.extra_ = metadata, history, []
        features.topics_ = None
        if "keyword_topics" in state:
            with np.load(directory / "keyword_topics.npz", allow_pickle=False) as arrays:
                features.topics_ = KeywordTopics.from_state(arrays, **state["keyword_topics"])
        features.feature_names_out_ = list(feature_names)
        return features
