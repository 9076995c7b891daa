"""ResNet-18 / ResNet-50 in plain torch, with torchvision's state-dict names.

A torchvision ImageNet checkpoint (``resnet18-f37072fd.pth``, ``resnet50-11ad3fa6.pth`` or the same
tensors saved as safetensors) loads unchanged with :func:`load_weights`. Nothing is ever
downloaded: weights come from a file the user names, or from a local cache folder found by
:func:`find_local_weights`; without one the network starts from a seeded random init and reelcast
trains it on the posters.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from .._errors import ArtifactError, DataFileError, InputError

__all__ = [
    "ARCHITECTURES",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "ResNet",
    "find_local_weights",
    "load_fitting_state",
    "load_weights",
    "read_state_dict",
    "resnet",
    "resnet18",
    "resnet50",
]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    # torchvision's v1.5 layout: the stride sits on the 3x3 conv
    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample=None) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    """A torchvision-compatible ResNet.

    Parameters
    ----------
    block : BasicBlock or Bottleneck
    layers : sequence of 4 ints
        Blocks per stage.
    num_classes : int or None
        Size of ``fc``; ``None`` replaces ``fc`` with the identity so ``forward`` returns the pooled
        features (512 for ResNet-18, 2048 for ResNet-50).
    """

    def __init__(self, block, layers, num_classes: int | None = 1000) -> None:
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.out_features = 512 * block.expansion
        self.fc = nn.Identity() if num_classes is None else nn.Linear(self.out_features, num_classes)
        for m in self.modules():  # torchvision's init, so a from-scratch run matches theirs
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, block, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Pooled features, shape ``(batch, out_features)``."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(self.avgpool(x), 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.forward_features(x))


ARCHITECTURES = {"resnet18": (BasicBlock, (2, 2, 2, 2)), "resnet50": (Bottleneck, (3, 4, 6, 3))}


def resnet(arch: str, num_classes: int | None = None, weights: str | os.PathLike | None = None,
           seed: int = 0) -> ResNet:
    """Build ``arch`` ("resnet18" or "resnet50"), seeded, optionally loading a local weights file."""
    if arch not in ARCHITECTURES:
        raise InputError(f"arch must be one of {sorted(ARCHITECTURES)}, got {arch!r}")
    block, layers = ARCHITECTURES[arch]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = ResNet(block, layers, num_classes=num_classes)
    if weights is not None:
        load_weights(model, weights)
    return model


def resnet18(num_classes: int | None = None, weights=None, seed: int = 0) -> ResNet:
    return resnet("resnet18", num_classes, weights, seed)


def resnet50(num_classes: int | None = None, weights=None, seed: int = 0) -> ResNet:
    return resnet("resnet50", num_classes, weights, seed)


def read_state_dict(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Read tensors from ``.safetensors``, or from ``.pth``/``.pt`` with ``weights_only=True``."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"weights file not found: {str(path)!r}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".safetensors":
            from safetensors.torch import load_file

            state = load_file(str(path), device="cpu")
        elif suffix in (".pth", ".pt", ".bin"):
            # weights_only refuses arbitrary pickled objects: tensors and plain containers only
            state = torch.load(path, map_location="cpu", weights_only=True)
        else:
            raise InputError(
                f"weights file must end in .safetensors, .pth or .pt, got {path.name!r}"
            )
    except InputError:
        raise
    except Exception as exc:
        raise ArtifactError(f"weights file {str(path)!r} could not be read: {exc}") from exc
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ArtifactError(f"weights file {str(path)!r} does not hold a flat dict of tensors")
    # checkpoints saved from DataParallel prefix every name with "module."
    return {k.removeprefix("module."): v for k, v in state.items()}


def load_weights(model: nn.Module, path: str | os.PathLike) -> nn.Module:
    """Load a torchvision-named state dict into ``model`` in place and return it.

    ``fc.*`` tensors are skipped when the model has no classifier (``num_classes=None``) or its
    classifier has another size, so ImageNet weights load into a feature extractor. Every other
    tensor must match by name and shape.
    """
    state = read_state_dict(path)
    own = model.state_dict()
    if "fc.weight" in state and ("fc.weight" not in own or own["fc.weight"].shape
                                 != state["fc.weight"].shape):
        state = {k: v for k, v in state.items() if not k.startswith("fc.")}
    return load_fitting_state(model, state, path, "this network")


def load_fitting_state(model: nn.Module, state: dict, path: str | os.PathLike,
                       network: str) -> nn.Module:
    """Load ``state`` into ``model`` when every tensor matches by name and shape; else an
    ``ArtifactError`` naming the weights file, ``network`` and the first names that differ."""
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    wrong = sorted(k for k in set(own) & set(state) if own[k].shape != state[k].shape)
    if missing or unexpected or wrong:
        raise ArtifactError(
            f"weights file {Path(path).name!r} does not fit {network}: "
            f"missing {missing[:3]}{'…' if len(missing) > 3 else ''} ({len(missing)}), "
            f"unexpected {unexpected[:3]} ({len(unexpected)}), wrong shape {wrong[:3]} ({len(wrong)})"
        )
    model.load_state_dict(state)
    return model


def find_local_weights(arch: str, cache_dir: str | os.PathLike | None = None) -> Path | None:
    """A local ImageNet weights file for ``arch``, or ``None``; never downloads.

    Looks in ``cache_dir``, then ``$REELCAST_WEIGHTS_DIR``, then torch's hub cache
    (``$TORCH_HOME/hub/checkpoints``, default ``~/.cache/torch/hub/checkpoints``) for a file named
    like torchvision's (``resnet18-*.pth``) or ``<arch>*.safetensors``.
    """
    torch_home = Path(os.environ.get("TORCH_HOME", Path.home() / ".cache" / "torch"))
    folders = [cache_dir, os.environ.get("REELCAST_WEIGHTS_DIR"), torch_home / "hub" / "checkpoints"]
    for folder in folders:
        if not folder or not Path(folder).is_dir():
            continue
        for pattern in (f"{arch}.safetensors", f"{arch}-*.safetensors", f"{arch}-*.pth",
                        f"{arch}.pth"):
            found = sorted(Path(folder).glob(pattern))
            if found:
                return found[0]
    return None
