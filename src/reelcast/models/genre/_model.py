"""The genre network: a text branch, an image branch and a fusion operator (RESEARCH §4)."""

from __future__ import annotations

import torch
from torch import nn

from ...vision import normalize_pixels
from .._fusion import make_fusion

__all__ = ["GenreNet", "LstmText", "PixelResNet", "SmallCnn", "Standardize", "TunedTopBranch",
           "VectorBranch"]


class LstmText(nn.Module):
    """Word embeddings → LSTM; the 128-d output is the mean of the hidden states over real tokens."""

    def __init__(self, vocab_size: int, embed_dim: int = 100, hidden: int = 128) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True)
        self.out_dim = hidden

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        mask = (tokens != 0).unsqueeze(-1).float()
        states, _ = self.lstm(self.embed(tokens))
        return (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)


class Standardize(nn.Module):
    """Fixed (saved, not trained) standardisation of a precomputed feature vector."""

    def __init__(self, mean: torch.Tensor, scale: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("mean", mean.float())
        self.register_buffer("scale", scale.float())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nan_to_num((x - self.mean) / self.scale)


class VectorBranch(nn.Module):
    """A precomputed vector (MiniLM, frozen CNN, handcrafted features) → ``out_dim`` (ReLU)."""

    def __init__(self, in_dim: int, out_dim: int, mean=None, scale=None, dropout: float = 0.2) -> None:
        super().__init__()
        mean = torch.zeros(in_dim) if mean is None else torch.as_tensor(mean)
        scale = torch.ones(in_dim) if scale is None else torch.as_tensor(scale)
        self.norm = Standardize(mean, scale)
        self.layers = nn.Sequential(nn.Dropout(dropout), nn.Linear(in_dim, out_dim), nn.ReLU())
        self.out_dim = out_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(self.norm(x))


class SmallCnn(nn.Module):
    """Four conv blocks (32→256 channels) and a 512-d projection, trained from pixels (uint8 in)."""

    def __init__(self, out_dim: int = 512) -> None:
        super().__init__()
        blocks, c_in = [], 3
        for c_out in (32, 64, 128, 256):
            blocks += [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                       nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            c_in = c_out
        self.features = nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.proj = nn.Sequential(nn.Linear(256, out_dim), nn.ReLU())
        self.out_dim = out_dim

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.proj(self.features(normalize_pixels(pixels)))


class PixelResNet(nn.Module):
    """A ResNet backbone on uint8 pixels (ImageNet normalisation inside)."""

    def __init__(self, backbone: nn.Module) -> None:
        super().__init__()
        self.backbone = backbone
        self.out_dim = backbone.out_features

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.backbone(normalize_pixels(pixels))


class TunedTopBranch(nn.Module):
    """Pretrained top blocks (trained) on cached trunk activations → standardise → ``out_dim``.

    The standardisation is the pooled output of the blocks as loaded, over (up to 512 of) the
    training posters (``trunk_train``; ``None`` when a saved state dict will set it).
    """

    def __init__(self, top: nn.Module, out_dim: int, trunk_train: torch.Tensor | None = None,
                 dropout: float = 0.2) -> None:
        super().__init__()
        self.top = top
        dim = top.out_dim
        mean, scale = torch.zeros(dim), torch.ones(dim)
        if trunk_train is not None and len(trunk_train) > 1:
            # statistics from up to 512 posters: a full pass costs as much as a training epoch
            sample = trunk_train[torch.randperm(len(trunk_train),
                                                generator=torch.Generator().manual_seed(0))[:512]]
            with torch.inference_mode():
                pooled = torch.cat([top.eval()(sample[i:i + 256]) for i in range(0, len(sample), 256)])
            mean, scale = pooled.mean(0).clone(), pooled.std(0).clamp(min=1e-6).clone()
        self.norm = Standardize(mean, scale)
        self.layers = nn.Sequential(nn.Dropout(dropout), nn.Linear(dim, out_dim), nn.ReLU())
        self.out_dim = out_dim

    def forward(self, trunk: torch.Tensor) -> torch.Tensor:
        return self.layers(self.norm(self.top(trunk)))


class GenreNet(nn.Module):
    """Multi-label genre logits from a text branch, an image branch, or both fused.

    Parameters
    ----------
    text, image : nn.Module or None
        Branches exposing ``out_dim``; at least one.
    fusion : str
        A :data:`~reelcast.models._fusion.FUSION_OPERATORS` name, used when both branches exist.
    n_labels : int
    hidden : int, default 256
        Shared space of the projected branches (``U t``, ``V v``).
    dropout : float, default 0.2
    """

    def __init__(self, text: nn.Module | None, image: nn.Module | None, fusion: str,
                 n_labels: int, hidden: int = 256, dropout: float = 0.2) -> None:
        super().__init__()
        if text is None and image is None:
            raise ValueError("GenreNet needs a text branch, an image branch or both")
        self.text, self.image = text, image
        if text is not None and image is not None:
            self.head = make_fusion(fusion, [text.out_dim, image.out_dim], n_labels, hidden=hidden,
                                    dropout=dropout)
        else:
            only = text if text is not None else image
            self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(only.out_dim, n_labels))

    def forward(self, text_input: torch.Tensor, image_input: torch.Tensor) -> torch.Tensor:
        if self.text is None:
            return self.head(self.image(image_input))
        if self.image is None:
            return self.head(self.text(text_input))
        return self.head(self.text(text_input), self.image(image_input))
