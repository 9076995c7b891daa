"""The published poster-only revenue network: a CNN backbone and a four-layer regression head."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["PosterRevenueNet", "RevenueHead"]


class RevenueHead(nn.Module):
    """``in_dim → 1024 (ReLU, dropout 0.2) → 512 (ReLU, dropout 0.1) → 1024 → 1``.

    As published (RESEARCH §3) for ResNet-50's 2048 features; ``in_dim`` adapts it to other inputs
    (512 for ResNet-18, the handcrafted feature count). The published layout has no activation
    between ``512 → 1024`` and ``1024 → 1``; it is kept as published although the two layers then
    compose to one linear map.
    """

    def __init__(self, in_dim: int = 2048) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(in_dim, 1024), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(1024, 512), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(512, 1024),
            nn.Linear(1024, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x).squeeze(-1)


class PosterRevenueNet(nn.Module):
    """Backbone (pooled features) followed by :class:`RevenueHead`; outputs log10(revenue)."""

    def __init__(self, backbone: nn.Module, feature_dim: int) -> None:
        super().__init__()
        self.backbone = backbone
        self.head = RevenueHead(feature_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x))
