"""Text blocks: TF-IDF + SVD for keywords and overviews, offline MiniLM sentence embeddings."""

from ._minilm import MiniLMEncoder, load_minilm
from ._tfidf import TfidfSvdEncoder

__all__ = ["MiniLMEncoder", "TfidfSvdEncoder", "load_minilm"]
