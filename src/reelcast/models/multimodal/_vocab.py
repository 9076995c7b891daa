"""The token vocabulary shared by keyword grounding and the multimodal revenue network.

A film's "bag" is three lists of tokens: its crowd keywords, its top-billed cast and its
directors. Tokens carry a field prefix (``kw:``, ``cast:``, ``dir:``) so that a keyword and a
person of the same spelling never share an embedding. Index 0 pads, index 1 is ``<unk>``: every
token below the frequency cut-off, and every token first seen at prediction time, maps there, so
a vocabulary mismatch between training and prediction never fails.
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pandas as pd
import torch

from ..._artifact import check_format, format_tag
from ..._errors import ArtifactError, InputError, SchemaError

__all__ = ["BAG_FIELDS", "VOCABULARY_FORMAT", "TokenVocabulary", "film_tokens", "pooled_tokens"]

VOCABULARY_FORMAT = format_tag("token-vocabulary", 1)

# field -> (canonical column, token prefix)
BAG_FIELDS: dict[str, tuple[str, str]] = {
    "keywords": ("keywords", "kw:"),
    "cast": ("cast", "cast:"),
    "directors": ("directors", "dir:"),
}


def _as_list(value) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v).strip() for v in value if isinstance(v, str) and str(v).strip()]
    return []


def film_tokens(films: pd.DataFrame, field: str, max_cast: int = 5) -> list[list[str]]:
    """Prefixed tokens of one bag field per film (cast cut to the ``max_cast`` top-billed)."""
    if field not in BAG_FIELDS:
        raise InputError(f"bag field must be one of {list(BAG_FIELDS)}, got {field!r}")
    column, prefix = BAG_FIELDS[field]
    if column not in films.columns:
        raise SchemaError(f"films need a {column!r} column for the {field} bag")
    rows = []
    for value in films[column].tolist():
        items = _as_list(value)
        if field == "keywords":
            items = [t.lower() for t in items]
        if field == "cast":
            items = items[:max_cast]
        rows.append([prefix + t for t in dict.fromkeys(items)])
    return rows


class TokenVocabulary:
    """Prefixed tokens → indices; 0 pads, 1 is ``<unk>``.

    Parameters
    ----------
    tokens : list of str
        The vocabulary (indices start at 2), most frequent first.
    max_cast : int
        Top-billed cast members that enter a film's bag.

    Examples
    --------
    >>> vocab = TokenVocabulary(["kw:heist", "cast:Ann Lee"])
    >>> vocab.index_of("kw:heist"), vocab.index_of("kw:never seen")
    (2, 1)
    """

    PAD, UNK = 0, 1

    def __init__(self, tokens: list[str], max_cast: int = 5) -> None:
        self.tokens = list(tokens)
        self.max_cast = int(max_cast)
        self.index = {t: i + 2 for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens) + 2

    def index_of(self, token: str) -> int:
        return self.index.get(token, self.UNK)

    @classmethod
    def fit(cls, films: pd.DataFrame, min_count: int = 2, max_size: int = 30000,
            max_cast: int = 5) -> TokenVocabulary:
        """Tokens seen in at least ``min_count`` films, at most ``max_size`` of them."""
        if not (isinstance(min_count, int) and min_count >= 1):
            raise InputError(f"The 'min_count' parameter must be an int >= 1, got {min_count!r}")
        if not (isinstance(max_size, int) and max_size >= 1):
            raise InputError(f"The 'max_size' parameter must be an int >= 1, got {max_size!r}")
        counts: Counter = Counter()
        for field in BAG_FIELDS:
            for row in film_tokens(films, field, max_cast):
                counts.update(row)
        # ties broken alphabetically so the vocabulary does not depend on row order
        ranked = sorted((t for t, c in counts.items() if c >= min_count),
                        key=lambda t: (-counts[t], t))
        return cls(ranked[:max_size], max_cast=max_cast)

    def encode(self, films: pd.DataFrame, max_len: int = 24) -> dict[str, torch.Tensor]:
        """Per field, ``(n, max_len)`` int64 indices padded with 0 (truncated past ``max_len``)."""
        out = {}
        for field in BAG_FIELDS:
            rows = film_tokens(films, field, self.max_cast)
            ids = np.zeros((len(rows), max_len), dtype=np.int64)
            for i, row in enumerate(rows):
                idx = [self.index_of(t) for t in row][:max_len]
                ids[i, :len(idx)] = idx
            out[field] = torch.from_numpy(ids)
        return out

    def coverage(self, films: pd.DataFrame) -> float:
        """Share of the films' tokens that are in the vocabulary (not ``<unk>``)."""
        total = known = 0
        for field in BAG_FIELDS:
            for row in film_tokens(films, field, self.max_cast):
                total += len(row)
                known += sum(t in self.index for t in row)
        return known / total if total else 0.0

    def to_dict(self) -> dict:
        return {"format": VOCABULARY_FORMAT, "max_cast": self.max_cast,
                "tokens": self.tokens}

    @classmethod
    def from_dict(cls, data: dict) -> TokenVocabulary:
        check_format(data, VOCABULARY_FORMAT, "token vocabulary",
                     legacy=["reelcast-token-vocabulary-v1"])  # the tag before the convention
        return cls(list(data["tokens"]), max_cast=int(data.get("max_cast", 5)))

    @classmethod
    def from_json(cls, text: str) -> TokenVocabulary:
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as exc:
            raise ArtifactError(f"token vocabulary JSON is unreadable: {exc}") from exc


def pooled_tokens(embedding: torch.nn.Embedding, ids: torch.Tensor) -> tuple[torch.Tensor,
                                                                             torch.Tensor]:
    """Mean of the non-pad token embeddings per row, and a ``(n, 1)`` flag of empty bags."""
    mask = (ids != TokenVocabulary.PAD).float()
    count = mask.sum(1, keepdim=True)
    summed = (embedding(ids) * mask.unsqueeze(-1)).sum(1)
    return summed / count.clamp(min=1.0), (count == 0).float()

