"""The text + tabular dense network (the published approach: a text embedding into an MLP).

Each modality goes through its own dense adapter, the adapters meet in a selectable fusion
operator (``reelcast.models.make_fusion``), and a small MLP head regresses the centred [0, 1] score.
With a single modality the fusion is skipped.
"""

from __future__ import annotations

import torch
from torch import nn

from .._errors import InputError
from ..models import make_fusion

__all__ = ["AnimeNet"]


class AnimeNet(nn.Module):
    """``forward(text, tab) -> (n,)``; either input may have zero columns (modality absent)."""

    def __init__(self, d_text: int, d_tab: int, hidden: int = 128, fusion: str = "concat",
                 dropout: float = 0.2) -> None:
        super().__init__()
        if d_text < 0 or d_tab < 0 or d_text + d_tab == 0:
            raise InputError(f"AnimeNet needs at least one input, got d_text={d_text}, d_tab={d_tab}")
        self.d_text, self.d_tab, self.hidden = int(d_text), int(d_tab), int(hidden)

        def adapter(d: int) -> nn.Module:
            return nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Dropout(dropout))

        self.text = adapter(d_text) if d_text else None
        self.tab = adapter(d_tab) if d_tab else None
        self.fuse = (make_fusion(fusion, [hidden, hidden], out_dim=hidden, dropout=dropout)
                     if d_text and d_tab else None)
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(hidden, hidden // 2), nn.ReLU(),
                                  nn.Dropout(dropout), nn.Linear(hidden // 2, 1))

    def forward(self, text: torch.Tensor, tab: torch.Tensor) -> torch.Tensor:
        parts = [branch(x) for branch, x in ((self.text, text), (self.tab, tab))
                 if branch is not None]
        fused = self.fuse(*parts) if self.fuse is not None else parts[0]
        return self.head(fused).squeeze(1)
