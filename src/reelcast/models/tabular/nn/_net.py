"""The network: one embedding per categorical column, concatenated with numerics, then an MLP."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["TabularNet", "embedding_dim"]


def embedding_dim(cardinality: int) -> int:
    """fast.ai's rule of thumb, capped: small vocabularies get small vectors."""
    return int(min(16, round(1.6 * (cardinality + 1) ** 0.56)))


class TabularNet(nn.Module):
    """``[numerics ‖ emb_1(c_1) ‖ … ] → (Linear → ReLU → Dropout)* → Linear → scalar``.

    Parameters
    ----------
    n_numeric : int
        Width of the numeric block (standardised values plus missing indicators).
    cardinalities : list of int
        Levels per categorical column; index 0 of each embedding is "missing or unseen".
    hidden_sizes : tuple of int
    dropout : float
    """

    def __init__(self, n_numeric: int, cardinalities: list[int], hidden_sizes, dropout: float):
        super().__init__()
        self.embeddings = nn.ModuleList(
            nn.Embedding(card + 1, embedding_dim(card)) for card in cardinalities
        )
        width = n_numeric + sum(embedding_dim(card) for card in cardinalities)
        layers: list[nn.Module] = []
        for size in hidden_sizes:
            layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(dropout)]
            width = size
        layers.append(nn.Linear(width, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, numeric: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        parts = [numeric] + [emb(codes[:, j]) for j, emb in enumerate(self.embeddings)]
        return self.mlp(torch.cat(parts, dim=1)).squeeze(1)
