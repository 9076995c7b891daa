"""The multimodal revenue network: one small encoder per modality → fusion operator → head.

Modalities (any subset, at least one):

* ``tabular``  — standardised :class:`~reelcast.features.PreReleaseFeatures` + NaN indicators;
* ``keywords`` — keyword, cast and director bags, each mean-pooled from one shared embedding table
  (the table a :class:`KeywordGrounding` pretrains), plus three "empty bag" flags;
* ``poster``   — the poster vector + a "no poster" flag (the vector is zero when missing);
* ``text``     — the overview embedding + a "no overview" flag.

Each modality is projected to ``hidden`` units (Linear → ReLU → dropout), the projections are
fused by :func:`~reelcast.models._fusion.make_fusion` (concat, add, multiply, max, gate, gmu) into
a ``hidden``-d film embedding, and a linear head gives the standardised log revenue.
"""

from __future__ import annotations

import torch
from torch import nn

from .._fusion import make_fusion
from ._vocab import BAG_FIELDS, pooled_tokens

__all__ = ["MODALITIES", "MultimodalRevenueNet"]

MODALITIES: tuple[str, ...] = ("tabular", "keywords", "poster", "text")


class MultimodalRevenueNet(nn.Module):
    """See the module docstring.

    Parameters
    ----------
    modalities : sequence of str
        Subset of :data:`MODALITIES`, in that order.
    dims : dict
        Input size of ``tabular``, ``poster`` and ``text`` (without their mask flag).
    n_tokens : int
        Size of the token vocabulary.
    embed_dim, hidden : int
    fusion : str
    dropout : float
    modality_dropout : float
        While training, each non-tabular modality of each film is dropped (zero vector, missing
        flag set) with this probability: a regulariser, and practice for films that lack it.
    """

    def __init__(self, modalities, dims: dict, n_tokens: int, embed_dim: int = 32,
                 hidden: int = 64, fusion: str = "concat", dropout: float = 0.1,
                 modality_dropout: float = 0.0) -> None:
        super().__init__()
        self.modalities = tuple(modalities)
        self.modality_dropout = float(modality_dropout)
        self.embedding = nn.Embedding(n_tokens, embed_dim, padding_idx=0)
        nn.init.normal_(self.embedding.weight, std=0.1)
        with torch.no_grad():
            self.embedding.weight[0].zero_()
        sizes = {"keywords": len(BAG_FIELDS) * (embed_dim + 1)}
        sizes.update({m: dims[m] + 1 for m in ("tabular", "poster", "text") if m in dims})
        self.encoders = nn.ModuleDict({
            m: nn.Sequential(nn.Linear(sizes[m], hidden), nn.ReLU(), nn.Dropout(dropout))
            for m in self.modalities
        })
        self.fusion = (make_fusion(fusion, [hidden] * len(self.modalities), hidden, hidden=hidden)
                       if len(self.modalities) > 1 else nn.Linear(hidden, hidden))
        self.head = nn.Linear(hidden, 1)

    def _inputs(self, batch: dict) -> list[torch.Tensor]:
        xs = []
        for m in self.modalities:
            if m == "keywords":
                parts = []
                for field in BAG_FIELDS:
                    pooled, empty = pooled_tokens(self.embedding, batch[field])
                    parts += [pooled, empty]
                x = torch.cat(parts, dim=1)
                flags = torch.arange(x.shape[1]) % (x.shape[1] // len(BAG_FIELDS)) == (
                    x.shape[1] // len(BAG_FIELDS) - 1)
            else:
                x = torch.cat([batch[m], batch[f"{m}_missing"]], dim=1)
                flags = torch.arange(x.shape[1]) == x.shape[1] - 1
            if self.training and self.modality_dropout > 0 and m != "tabular":
                drop = (torch.rand(x.shape[0], 1) < self.modality_dropout).float()
                x = x * (1 - drop) + drop * flags.float()  # zero vector, every missing flag on
            xs.append(x)
        return [enc(x) for enc, x in zip(self.encoders.values(), xs, strict=True)]

    def embed(self, batch: dict) -> torch.Tensor:
        """The fused ``hidden``-d film embedding (before the head)."""
        xs = self._inputs(batch)
        fused = self.fusion(*xs) if len(xs) > 1 else self.fusion(xs[0])
        return torch.relu(fused)

    def forward(self, batch: dict) -> torch.Tensor:
        return self.head(self.embed(batch)).squeeze(-1)
