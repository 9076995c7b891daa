"""The multi-label genre classifier of RESEARCH §4: text and image branches with fusion operators."""

from ...evaluation import multilabel_metrics  # public here before it moved to evaluation
from ._estimator import IMAGE_BRANCHES, TEXT_BRANCHES, GenreClassifier
from ._model import GenreNet, LstmText, PixelResNet, SmallCnn, VectorBranch
from ._vocab import WordVocabulary, tokenize

__all__ = [
    "GenreClassifier",
    "GenreNet",
    "IMAGE_BRANCHES",
    "LstmText",
    "PixelResNet",
    "SmallCnn",
    "TEXT_BRANCHES",
    "VectorBranch",
    "WordVocabulary",
    "multilabel_metrics",
    "tokenize",
]
