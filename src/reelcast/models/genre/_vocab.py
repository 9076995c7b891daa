"""A word vocabulary for the LSTM text branch: fitted on the training overviews only."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import torch

from ..._errors import InputError

__all__ = ["WordVocabulary", "tokenize"]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokenize(text) -> list[str]:
    """Lower-case word tokens; anything that is not a string gives no tokens."""
    return _TOKEN.findall(text.lower()) if isinstance(text, str) else []


class WordVocabulary:
    """Index 0 pads, index 1 stands for words not in the vocabulary.

    Parameters
    ----------
    words : list of str
        The vocabulary, most frequent first (indices start at 2).
    """

    PAD, UNK = 0, 1

    def __init__(self, words: list[str]) -> None:
        self.words = list(words)
        self.index = {w: i + 2 for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words) + 2

    @classmethod
    def fit(cls, texts: Iterable, max_size: int = 20000, min_count: int = 2) -> WordVocabulary:
        if max_size < 1 or min_count < 1:
            raise InputError(f"vocabulary max_size and min_count must be >= 1, got {max_size}, {min_count}")
        counts = Counter(tok for text in texts for tok in tokenize(text))
        # ties broken alphabetically so the vocabulary does not depend on row order
        ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
        return cls(ranked[:max_size])

    def encode(self, texts: Iterable, max_len: int = 64) -> torch.Tensor:
        """``(n, max_len)`` int64 indices, truncated, padded with 0 at the end."""
        rows = []
        for text in texts:
            ids = [self.index.get(tok, self.UNK) for tok in tokenize(text)][:max_len]
            rows.append(ids + [self.PAD] * (max_len - len(ids)))
        return torch.tensor(rows, dtype=torch.long).reshape(-1, max_len)
