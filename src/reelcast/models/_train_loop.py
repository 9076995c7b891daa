"""The shared training loop, nanoGPT-small: seeded, deterministic on CPU, readable in one screen.

``train`` runs epochs of AdamW over in-memory tensors, measures the validation loss with
``estimate_loss`` after each epoch, saves a checkpoint (safetensors + the full config as JSON, also
inside the safetensors metadata) whenever it improves, adapts the learning rate with a pure
schedule, and stops early after ``patience`` epochs without improvement. The model returned holds
the best weights. Fine-tuning is the same loop started from a checkpoint with a lower ``lr``.
Without validation data (a refit on every row for a number of epochs found earlier) all
``max_epochs`` run and the model keeps the last epoch's weights.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import torch
from torch import nn

from .._errors import ArtifactError, InputError
from .._io import atomic_dir, write_json
from .._progress import progress_bar

__all__ = [
    "PlateauState",
    "TrainConfig",
    "TrainResult",
    "batches",
    "cosine_lr",
    "estimate_loss",
    "load_checkpoint",
    "plateau_step",
    "save_checkpoint",
    "torch_threads",
    "train",
]

LossFn = Callable[[nn.Module, tuple], torch.Tensor]


@contextlib.contextmanager
def torch_threads(n: int):
    """Cap torch's intra-op threads while training (the machine is shared); restore after."""
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, int(n)))
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run; saved in every checkpoint."""

    lr: float = 2e-4
    weight_decay: float = 1e-4
    batch_size: int = 32
    max_epochs: int = 30
    patience: int = 7  # early stopping: epochs without a better validation loss
    schedule: str = "plateau"  # "plateau" (ReduceLROnPlateau), "cosine" or "constant"
    plateau_factor: float = 0.5
    plateau_patience: int = 2
    warmup_epochs: int = 0  # cosine only
    min_lr: float = 0.0
    grad_clip: float = 0.0  # 0 = off
    seed: int = 0
    max_seconds: float | None = None  # wall-clock budget, checked after every epoch
    max_steps_per_epoch: int | None = None

    def __post_init__(self) -> None:
        checks = {"lr": self.lr > 0, "batch_size": self.batch_size >= 1,
                  "max_epochs": self.max_epochs >= 1, "patience": self.patience >= 1,
                  "schedule": self.schedule in ("plateau", "cosine", "constant"),
                  "plateau_factor": 0 < self.plateau_factor < 1, "weight_decay": self.weight_decay >= 0}
        for name, ok in checks.items():
            if not ok:
                raise InputError(f"TrainConfig.{name} is out of range: {getattr(self, name)!r}")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InputError(f"TrainConfig has no field(s) {unknown}; known: {sorted(known)}")
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class PlateauState:
    lr: float
    best: float = math.inf
    bad_epochs: int = 0


def plateau_step(state: PlateauState, val_loss: float, factor: float, patience: int,
                 min_lr: float = 0.0, threshold: float = 1e-4) -> PlateauState:
    """torch's ReduceLROnPlateau (mode "min", relative threshold) as a pure function."""
    if val_loss < state.best * (1 - threshold):
        return PlateauState(state.lr, val_loss, 0)
    bad = state.bad_epochs + 1
    if bad > patience:
        return PlateauState(max(state.lr * factor, min_lr), state.best, 0)
    return PlateauState(state.lr, state.best, bad)


def cosine_lr(epoch: int, config: TrainConfig) -> float:
    """Linear warmup then cosine decay to ``min_lr`` over ``max_epochs`` (nanoGPT's ``get_lr``)."""
    if epoch < config.warmup_epochs:
        return config.lr * (epoch + 1) / (config.warmup_epochs + 1)
    span = max(1, config.max_epochs - config.warmup_epochs)
    ratio = min(1.0, (epoch - config.warmup_epochs) / span)
    return config.min_lr + 0.5 * (1 + math.cos(math.pi * ratio)) * (config.lr - config.min_lr)


def batches(tensors: Sequence[torch.Tensor], batch_size: int, *, shuffle: bool = False,
            seed: int = 0, limit: int | None = None) -> Iterator[tuple]:
    """Mini-batches of aligned tensors; the shuffle order depends only on ``seed``."""
    n = len(tensors[0])
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed)) if shuffle else torch.arange(n)
    for k, start in enumerate(range(0, n, batch_size)):
        if limit is not None and k >= limit:
            return
        idx = order[start:start + batch_size]
        yield tuple(t[idx] for t in tensors)


@torch.no_grad()
def estimate_loss(model: nn.Module, loss_fn: LossFn, data: Sequence[torch.Tensor],
                  batch_size: int = 256) -> float:
    """Mean loss over ``data`` in eval mode (weighted by batch size)."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for batch in batches(data, batch_size):
        total += float(loss_fn(model, batch)) * len(batch[0])
        count += len(batch[0])
    model.train(was_training)
    return total / max(count, 1)


def save_checkpoint(directory: str | os.PathLike, model: nn.Module, config: dict) -> None:
    """``model.safetensors`` (config JSON in its metadata) and ``config.json``, written atomically."""
    from safetensors.torch import save_file

    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    text = json.dumps(config, sort_keys=True, default=str)
    with atomic_dir(directory) as tmp:
        save_file(state, str(Path(tmp) / "model.safetensors"), metadata={"config": text})
        write_json(Path(tmp) / "config.json", config)


def load_checkpoint(directory: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict]:
    """``(state_dict, config)`` from :func:`save_checkpoint`'s folder."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    path = Path(directory) / "model.safetensors"
    if not path.is_file():
        raise ArtifactError(f"no checkpoint in {str(directory)!r} (model.safetensors missing)")
    try:
        with safe_open(str(path), framework="pt") as fh:
            config = json.loads((fh.metadata() or {}).get("config", "{}"))
        return load_file(str(path)), config
    except Exception as exc:
        raise ArtifactError(f"checkpoint {str(path)!r} is unreadable: {exc}") from exc


@dataclasses.dataclass
class TrainResult:
    best_val_loss: float
    best_epoch: int
    epochs_run: int
    stopped: str  # "early_stopping", "max_epochs" or "time_budget"
    seconds: float
    history: list[dict]


def train(model: nn.Module, loss_fn: LossFn, train_data: Sequence[torch.Tensor],
          val_data: Sequence[torch.Tensor] | None, config: TrainConfig, *,
          checkpoint_dir: str | os.PathLike | None = None, extra_config: dict | None = None,
          show_progress: bool = False, description: str = "train") -> TrainResult:
    """Train ``model`` in place; on return it holds the weights of the best validation epoch.

    With ``val_data=None`` every epoch runs, the weights are the last epoch's and the plateau
    schedule keeps its learning rate (there is no loss to watch).
    """
    start = time.perf_counter()
    steps = math.ceil(len(train_data[0]) / config.batch_size)
    steps = min(steps, config.max_steps_per_epoch or steps)
    saved = {"train": config.to_dict(), **(extra_config or {})}
    deterministic = torch.are_deterministic_algorithms_enabled()
    with torch.random.fork_rng(devices=[]):  # the caller's global RNG is left as it was
        torch.manual_seed(config.seed)
        torch.use_deterministic_algorithms(True, warn_only=True)
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
        plateau = PlateauState(config.lr)
        best, best_epoch, best_state, bad, history = math.inf, -1, None, 0, []
        stopped = "max_epochs"
        try:
            with progress_bar(description, config.max_epochs * steps, show_progress) as advance:
                for epoch in range(config.max_epochs):
                    lr = cosine_lr(epoch, config) if config.schedule == "cosine" else plateau.lr
                    for group in optimizer.param_groups:
                        group["lr"] = lr
                    model.train()
                    running, seen = 0.0, 0
                    for batch in batches(train_data, config.batch_size, shuffle=True,
                                         seed=config.seed * 1_000_003 + epoch, limit=steps):
                        loss = loss_fn(model, batch)
                        optimizer.zero_grad(set_to_none=True)
                        loss.backward()
                        if config.grad_clip > 0:
                            torch.nn.utils.clip_grad_norm_(params, config.grad_clip)
                        optimizer.step()
                        running += float(loss.detach()) * len(batch[0])
                        seen += len(batch[0])
                        advance(loss=running / seen, val=best)
                    val = None if val_data is None else estimate_loss(model, loss_fn, val_data)
                    history.append({"epoch": epoch, "train_loss": running / max(seen, 1),
                                    "val_loss": val, "lr": lr,
                                    "seconds": time.perf_counter() - start})
                    if val is None:  # nothing to watch: the last epoch's weights stay
                        best_epoch = epoch
                    elif val < best:
                        best, best_epoch, bad = val, epoch, 0
                        best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                        if checkpoint_dir is not None:
                            save_checkpoint(checkpoint_dir, model, {**saved, "epoch": epoch,
                                                                    "val_loss": val})
                    else:
                        bad += 1
                    if val is not None and config.schedule == "plateau":
                        plateau = plateau_step(plateau, val, config.plateau_factor,
                                               config.plateau_patience, config.min_lr)
                    if bad >= config.patience:
                        stopped = "early_stopping"
                        break
                    if config.max_seconds is not None and time.perf_counter() - start > config.max_seconds:
                        stopped = "time_budget"
                        break
        finally:
            torch.use_deterministic_algorithms(deterministic)
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return TrainResult(best, best_epoch, len(history), stopped, time.perf_counter() - start, history)
